// The latent explorer and the 2-D plane it shares with draw-a-digit (scripts/bookgen/widgets/latent-explorer/,
// plane.ts): the data ↔ pixel maps invert each other, ticks are round, the plane's SVG holds the dots inside its
// window, the trail and keyboard rules, and a point decoded from the page's part equals the library's decode of
// the saved model (to the quantization step) and, with full-precision weights, exactly.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, decodeLatents, decoderFromArtifacts } from '../lib/index';
import type { VAE } from '../lib/index';
import { ellipseOf, inside, niceTicks, planeSvg, scatterPaths, symmetricBounds, toData, toPixel, DEFAULT_FRAME } from '../scripts/bookgen/widgets/plane';
import { decodePoint, probeAfterKey, trailPush, DEFAULT_TRAIL } from '../scripts/bookgen/widgets/latent-explorer/page';
import { bookModels, findModels, packNetwork } from '../scripts/bookgen/widgets/models';
import { networkArtifacts } from '../scripts/bookgen/widgets/parts';
import { saveBookModels, smallVae } from './fixtures/widget-models';

let vae: VAE;
before(async () => {
  await initBackend();
  vae = await smallVae(2);
});

test('symmetricBounds: a square window around 0 covering the codes, at least ±3, in half units', () => {
  assert.deepEqual(symmetricBounds([0.1, -0.2, 1.5, 2]), { x0: -3, x1: 3, y0: -3, y1: 3 });
  assert.deepEqual(symmetricBounds([0, 4.2, -1, 1]), { x0: -4.5, x1: 4.5, y0: -4.5, y1: 4.5 });
  // One far outlier among many does not blow the window up (99.5 % quantile).
  const many = Array.from({ length: 1000 }, (_, i) => (i % 7) - 3).concat([50]);
  assert.equal(symmetricBounds(many).x1, 3);
  assert.equal(symmetricBounds([NaN, 1]).x1, 3);
});

test('toPixel and toData invert each other; y grows upwards in data', () => {
  const b = { x0: -3, x1: 3, y0: -3, y1: 3 };
  for (const [x, y] of [[0, 0], [-3, 3], [2.5, -1.25], [3, -3]]) {
    const [px, py] = toPixel(b, DEFAULT_FRAME, x, y);
    const [bx, by] = toData(b, DEFAULT_FRAME, px, py);
    assert.ok(Math.abs(bx - x) < 1e-9 && Math.abs(by - y) < 1e-9, `${x},${y}`);
  }
  assert.ok(toPixel(b, DEFAULT_FRAME, 0, 2)[1] < toPixel(b, DEFAULT_FRAME, 0, -2)[1]);
  assert.equal(inside(b, 3, -3), true);
  assert.equal(inside(b, 3.01, 0), false);
});

test('niceTicks: 1-2-5 steps covering the range, zero exactly', () => {
  assert.deepEqual(niceTicks(-3, 3, 6), [-3, -2, -1, 0, 1, 2, 3]);
  assert.deepEqual(niceTicks(-4.5, 4.5, 6), [-4, -2, 0, 2, 4]);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(2, 2), [2]);
});

test('the plane SVG: one dot path per digit, only the points inside, prior circles, ellipses in SVG units', () => {
  const b = { x0: -3, x1: 3, y0: -3, y1: 3 };
  const points = [0, 0, 1, 1, 9, 9, -1, 2];
  const labels = [3, 3, 7, 0];
  const paths = scatterPaths(b, DEFAULT_FRAME, points, labels);
  assert.equal((paths.match(/<path/g) ?? []).length, 2, 'digit 7 lies outside: no path for it');
  assert.equal((paths.match(/h0/g) ?? []).length, 3);
  assert.match(paths, /data-digit="0" stroke="#1f77b4"/);
  const svg = planeSvg({ bounds: b, points, labels, prior: true, label: 'a "plane"' });
  assert.equal((svg.match(/class="plane-prior"/g) ?? []).length, 2);
  assert.match(svg, /aria-label="a &quot;plane&quot;"/);
  assert.match(svg, /^<svg class="plane" viewBox="0 0 360 360"/);
  const e = ellipseOf(b, DEFAULT_FRAME, [0, 0], [1, 0.5], 2);
  const w = DEFAULT_FRAME.size - DEFAULT_FRAME.left - DEFAULT_FRAME.right;
  assert.ok(Math.abs(e.rx - (2 * w) / 6) < 1e-9);
  assert.ok(Math.abs(e.ry / e.rx - 0.5 * ((DEFAULT_FRAME.size - DEFAULT_FRAME.top - DEFAULT_FRAME.bottom) / w)) < 1e-9);
});

test('the trail grows every minStep of travel and keeps the newest maxLength points', () => {
  let trail: [number, number][] = [];
  trail = trailPush(trail, [0, 0]);
  const same = trailPush(trail, [0.1, 0.1]);
  assert.equal(same, trail, 'too close: the same trail');
  trail = trailPush(trail, [1, 0]);
  assert.deepEqual(trail, [[0, 0], [1, 0]]);
  for (let i = 2; i < 30; i++) trail = trailPush(trail, [i, 0]);
  assert.equal(trail.length, DEFAULT_TRAIL.maxLength);
  assert.deepEqual(trail[trail.length - 1], [29, 0]);
});

test('arrow keys move the probe by 0.1 (Shift: 0.5), clamped to the window', () => {
  const b = { x0: -3, x1: 3, y0: -3, y1: 3 };
  assert.deepEqual(probeAfterKey([0, 0], 'ArrowRight', false, b), [0.1, 0]);
  assert.deepEqual(probeAfterKey([0, 0], 'ArrowUp', true, b), [0, 0.5]);
  assert.deepEqual(probeAfterKey([2.9, -2.9], 'ArrowDown', true, b), [2.9, -3]);
  const z: [number, number] = [1, 1];
  assert.equal(probeAfterKey(z, 'a', false, b), z);
});

test('decodePoint with the page’s decoder part equals the library decoding the saved model', async () => {
  const saved = await saveBookModels({ 'vae-2d': vae });
  const [m] = findModels(bookModels(saved.executedFiles), 'vae-2d', 'test');
  for (const [dtype, tol] of [['float32', 0], ['uint8', 0.02]] as const) {
    const part = packNetwork(m, 'decoder', { dtype, minValues: 1024 });
    const dec = await decoderFromArtifacts(part.manifest, networkArtifacts(part));
    for (const z of [[0, 0], [1.3, -0.7], [-2.5, 2.9]] as [number, number][]) {
      const page = decodePoint(dec, z);
      const lib = decodeLatents(vae, z);
      assert.equal(page.length, 784);
      let worst = 0;
      for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(page[i] - lib[i]));
      assert.ok(worst <= tol + 1e-7, `${dtype} at ${z}: ${worst}`);
    }
    dec.dispose();
  }
});
