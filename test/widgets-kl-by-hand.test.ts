// KL by hand (scripts/bookgen/widgets/kl-by-hand/): the number the widget shows is the library's klDivergence,
// which equals the closed form ½(μ² + σ² − log σ² − 1) and gaussianKl against N(0, 1); the densities it draws are
// densities; the chart and the formula follow the sliders.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, gaussianKl } from '../lib/index';
import { densitiesSvg, klByLibrary, klFormula, klTerms, normalDensity } from '../scripts/bookgen/widgets/kl-by-hand/page';

before(async () => {
  await initBackend();
});

test('klByLibrary = the closed form = gaussianKl against N(0, 1), over the sliders’ range; 0 only at μ = 0, σ = 1', () => {
  for (const mu of [-3, -1.25, 0, 0.5, 3]) {
    for (const sigma of [0.1, 0.5, 1, 1.7, 3]) {
      const lib = klByLibrary(mu, sigma);
      const closed = klTerms(mu, sigma).kl;
      const general = tf.tidy(() => gaussianKl(tf.tensor2d([[mu]]), tf.tensor2d([[2 * Math.log(sigma)]]), tf.zeros([1, 1]), tf.zeros([1, 1])).dataSync()[0]);
      assert.ok(Math.abs(lib - closed) < 1e-5 * Math.max(1, closed), `μ ${mu}, σ ${sigma}: ${lib} vs ${closed}`);
      assert.ok(Math.abs(general - closed) < 1e-5 * Math.max(1, closed), `gaussianKl ${general}`);
    }
  }
  assert.ok(Math.abs(klByLibrary(0, 1)) < 1e-7);
  assert.ok(Math.abs(klByLibrary(1, 0.5) - 0.5 * (1 + 0.25 - Math.log(0.25) - 1)) < 1e-6);
});

test('normalDensity integrates to 1 and peaks at μ with 1/(σ√2π)', () => {
  for (const [mu, sigma] of [[0, 1], [1.5, 0.3], [-2, 2]]) {
    let area = 0;
    const h = 0.001;
    for (let x = mu - 10 * sigma; x < mu + 10 * sigma; x += h) area += normalDensity(x, mu, sigma) * h;
    assert.ok(Math.abs(area - 1) < 1e-3, `area ${area}`);
    assert.ok(Math.abs(normalDensity(mu, mu, sigma) - 1 / (sigma * Math.sqrt(2 * Math.PI))) < 1e-12);
  }
});

test('the chart draws both densities and follows μ; the formula shows the terms with their numbers', () => {
  const svg = densitiesSvg(1, 0.5);
  for (const cls of ['density-prior', 'density-q', 'density-prior-area', 'density-q-area']) assert.match(svg, new RegExp(`class="${cls}"`));
  const peakX = (s: string) => {
    const d = /class="density-q" d="([^"]+)"/.exec(s)![1];
    const pts = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    return pts.reduce((best, p) => (p[1] < best[1] ? p : best))[0];
  };
  assert.ok(peakX(densitiesSvg(2, 0.5)) > peakX(svg), 'q moves right with μ');
  assert.equal(klFormula(1, 0.5), '½ (1.000 + 0.250 − (−1.386) − 1)');
});
