// The β explorer (scripts/bookgen/widgets/beta-explorer/): β labels, views sorted by β with errors for an empty
// sweep or a duplicate β, the activity bars split by the threshold, the summary line, and β read from model names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activityBarsSvg, betaLabel, BetaView, sortViews, viewSummary } from '../scripts/bookgen/widgets/beta-explorer/page';
import { betaOf } from '../scripts/bookgen/widgets/beta-explorer/build';

const view = (beta: number, model = `beta-${beta}`): BetaView => ({
  beta, model, latentDim: 4, recon: 100 + beta, kl: 20 / (1 + beta), activity: [1.2, 0.3, 0.004, 0.00001], active: 2, samples: 's.png', reconstructions: 'r.png',
});

test('betaLabel writes β without trailing zeros; betaOf reads it from beta-<β>', () => {
  assert.equal(betaLabel(0.5), '0.5');
  assert.equal(betaLabel(16), '16');
  assert.equal(betaLabel(0.1 + 0.2), '0.3');
  assert.equal(betaOf('beta-0.5', 'x'), 0.5);
  assert.equal(betaOf('beta-16', 'x'), 16);
  assert.throws(() => betaOf('beta-big', 'ch.md:4'), /ch\.md:4: model "beta-big" does not name its β as beta-<number>/);
});

test('views are sorted by β (numerically, not by name); an empty sweep or a repeated β is an error', () => {
  assert.deepEqual(sortViews([view(16), view(0.5), view(4), view(0)]).map((v) => v.beta), [0, 0.5, 4, 16]);
  assert.throws(() => sortViews([]), /no models in the sweep/);
  assert.throws(() => sortViews([view(1, 'beta-1'), view(1, 'beta-1.0')]), /two models with β = 1 \(beta-1, beta-1\.0\)/);
});

test('activity bars: one per dimension, active above the threshold, on a log axis', () => {
  const svg = activityBarsSvg([1.2, 0.3, 0.004, 0.00001], 0.01);
  assert.equal((svg.match(/class="bar-active"/g) ?? []).length, 2);
  assert.equal((svg.match(/class="bar-inactive"/g) ?? []).length, 2);
  assert.match(svg, /class="activity-threshold"/);
  const heights = [...svg.matchAll(/height="([\d.]+)"\/>/g)].map((m) => Number(m[1]));
  assert.ok(heights[0] > heights[1] && heights[1] > heights[2] && heights[2] > heights[3], `log heights ${heights}`);
});

test('the summary line names β, the two terms and the active units', () => {
  assert.equal(viewSummary(view(4)), 'β = 4: reconstruction 104.0 nats, KL 4.0 nats, 2 of 4 units active');
});
