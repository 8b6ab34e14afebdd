// Interpolate (scripts/bookgen/widgets/interpolate/, the paths in latent-path.ts): the path between two codes is the library's lerp or slerp,
// its ends are the two codes, slerp keeps the norm where lerp sags, the chart draws both, and the page's decoder
// part decodes the path like the saved model.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, decodeLatents, decoderFromArtifacts, lerp, slerp } from '../lib/index';
import type { VAE } from '../lib/index';
import { norm, normChartSvg } from '../scripts/bookgen/widgets/interpolate/page';
import { codeAt, codeOf, pathCodes } from '../scripts/bookgen/widgets/latent-path';
import { bookModels, findModels, packNetwork } from '../scripts/bookgen/widgets/models';
import { networkArtifacts } from '../scripts/bookgen/widgets/parts';
import { saveBookModels, smallVae } from './fixtures/widget-models';

let vae: VAE;
before(async () => {
  await initBackend();
  vae = await smallVae(20);
});

const za = Float32Array.from({ length: 20 }, (_, i) => Math.cos(i));
const zb = Float32Array.from({ length: 20 }, (_, i) => Math.sin(2 * i) * 1.3);

test('codeAt is the library’s lerp or slerp; the ends are the two codes', () => {
  assert.deepEqual(codeAt(za, zb, 0.3, 'lerp'), lerp(za, zb, 0.3));
  assert.deepEqual(codeAt(za, zb, 0.3, 'slerp'), slerp(za, zb, 0.3));
  for (const m of ['lerp', 'slerp'] as const) {
    const p = pathCodes(za, zb, 10, m);
    assert.equal(p.length, 200);
    for (let i = 0; i < 20; i++) {
      assert.ok(Math.abs(p[i] - za[i]) < 1e-6 && Math.abs(p[180 + i] - zb[i]) < 1e-6, `${m} ends, dim ${i}`);
    }
  }
  assert.throws(() => pathCodes(za, zb, 1, 'lerp'), /steps must be an integer ≥ 2/);
});

test('slerp keeps the norm between the ends’ norms; lerp’s midpoint sags below both', () => {
  const [na, nb] = [norm(za), norm(zb)];
  const mid = { lerp: norm(codeAt(za, zb, 0.5, 'lerp')), slerp: norm(codeAt(za, zb, 0.5, 'slerp')) };
  assert.ok(mid.lerp < Math.min(na, nb), `lerp midpoint ${mid.lerp} vs ${na}, ${nb}`);
  assert.ok(mid.slerp >= Math.min(na, nb) - 1e-6 && mid.slerp <= Math.max(na, nb) + 1e-6, `slerp midpoint ${mid.slerp}`);
  assert.equal(norm([3, 4]), 5);
  assert.deepEqual(Array.from(codeOf(Float32Array.from([1, 2, 3, 4]), 2, 1)), [3, 4]);
  assert.throws(() => codeOf(new Float32Array(4), 2, 2), /no code 2 among 2/);
});

test('the norm chart draws both paths, the √d line and the marker at t', () => {
  const svg = normChartSvg(za, zb, 0.25);
  for (const cls of ['norm-lerp', 'norm-slerp', 'norm-ref', 'norm-t']) assert.match(svg, new RegExp(`class="${cls}"`), cls);
  assert.match(svg, /√20 = 4\.47/);
  const t = (s: string) => Number(/class="norm-t" d="M([\d.]+)/.exec(s)![1]);
  assert.ok(t(normChartSvg(za, zb, 0.75)) > t(svg), 'the marker moves right with t');
});

test('the page’s decoder decodes the path like the saved model (to the quantization step)', async () => {
  const saved = await saveBookModels({ 'vae-20d': vae });
  const [m] = findModels(bookModels(saved.executedFiles), 'vae-20d', 'test');
  const part = packNetwork(m, 'decoder');
  const dec = await decoderFromArtifacts(part.manifest, networkArtifacts(part));
  const path = pathCodes(za, zb, 10, 'slerp');
  const a = decodeLatents(dec, path);
  const b = decodeLatents(vae, path);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst < 0.02, `worst pixel difference ${worst}`);
  dec.dispose();
});
