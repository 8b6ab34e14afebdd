// The files a widget page loads (scripts/bookgen/widgets/parts.ts, quantize.ts, models.ts): part scripts read back
// exactly; weights quantized in TF.js's own formats decode within their step; a packed model loads with the
// library and decodes like the saved one; models are found only in this build's executions, with clear errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, decodeLatents, decoderFromArtifacts, modelFromArtifacts, loadModel, readNetworkArtifacts } from '../lib/index';
import type { VAE } from '../lib/index';
import {
  base64ToBytes, base64ToFloat32, bytesToBase64, checkNetworkPart, expandRows, float32ToBase64, networkArtifacts, parsePartScript, partScript,
} from '../scripts/bookgen/widgets/parts';
import { float16Bits, quantizeArtifacts, quantizeTensor } from '../scripts/bookgen/widgets/quantize';
import { bookModels, findModels, packNetwork, sourceOf } from '../scripts/bookgen/widgets/models';
import { KEY, saveBookModels, smallVae } from './fixtures/widget-models';

let vae: VAE;

before(async () => {
  await initBackend();
  vae = await smallVae(2);
});

test('a part script gives back its id and payload exactly, even with "</script>" inside', () => {
  const payload = { kind: 'x', text: '</script><b>', n: [1.5, -0, 1e-30], nested: { a: null } };
  const text = partScript('nb.0123/vae-2d.decoder', payload);
  assert.match(text, /^\(self\.VAE_BOOK_PARTS=self\.VAE_BOOK_PARTS\|\|\{\}\)\["nb\.0123\/vae-2d\.decoder"\]=/);
  assert.ok(!text.includes('</script>'), 'no literal </script> in the file');
  const back = parsePartScript(text);
  assert.equal(back.id, 'nb.0123/vae-2d.decoder');
  assert.deepEqual(back.payload, JSON.parse(JSON.stringify(payload)));
  assert.throws(() => parsePartScript('var x = 1;'), /not a part script/);
});

test('base64 of bytes and of float32 values round-trips (atob/btoa, as in the page)', () => {
  const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256);
  assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
  assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'));
  const f = Float32Array.from([0, -1.5, 3.25e-8, 1e30, -0]);
  assert.deepEqual(Array.from(base64ToFloat32(float32ToBase64(f))), Array.from(f));
  assert.throws(() => base64ToFloat32(bytesToBase64(new Uint8Array(6))), /not whole float32 values/);
});

test('float16Bits matches the IEEE half format: exact values, rounding to nearest even, subnormals, overflow', () => {
  assert.equal(float16Bits(0), 0x0000);
  assert.equal(float16Bits(-0), 0x8000);
  assert.equal(float16Bits(1), 0x3c00);
  assert.equal(float16Bits(-2), 0xc000);
  assert.equal(float16Bits(65504), 0x7bff);
  assert.equal(float16Bits(65520), 0x7c00, 'rounds up to infinity');
  assert.equal(float16Bits(Infinity), 0x7c00);
  assert.equal(float16Bits(NaN) & 0x7c00, 0x7c00);
  assert.equal(float16Bits(2 ** -24), 0x0001, 'smallest subnormal');
  assert.equal(float16Bits(2 ** -26), 0x0000, 'below half of it: zero');
  assert.equal(float16Bits(1 + 2 ** -11), 0x3c00, 'a tie rounds to even (down)');
  assert.equal(float16Bits(1 + 3 * 2 ** -11), 0x3c02, 'a tie rounds to even (up)');
});

test('quantized tensors decode through TF.js within their step: uint8 ≤ scale/2, uint16 ≤ scale/2, float16 ≤ 2⁻¹¹ relative', () => {
  const values = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 0.7);
  const spec = { name: 'w', shape: [5000], dtype: 'float32' as const };
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    const q = quantizeTensor(values, spec, dtype);
    assert.equal(q.bytes.byteLength, values.length * (dtype === 'uint8' ? 1 : 2), dtype);
    const back = tf.io.decodeWeights(q.bytes.buffer.slice(0) as ArrayBuffer, [q.spec]).w;
    const d = back.dataSync();
    back.dispose();
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      const err = Math.abs(d[i] - values[i]);
      worst = Math.max(worst, dtype === 'float16' ? err / Math.max(Math.abs(values[i]), 2 ** -14) : err);
    }
    const bound = dtype === 'float16' ? 2 ** -11 : q.spec.quantization!.scale! / 2 + 1e-7;
    assert.ok(worst <= bound, `${dtype}: worst error ${worst} > ${bound}`);
  }
  assert.throws(() => quantizeTensor(Float32Array.from([1, NaN]), { name: 'w', shape: [2], dtype: 'float32' }, 'uint8'), /weight w holds NaN/);
});

test('a 2-D kernel gets one range per row: each row within its own step, closer than one range for all', () => {
  // Rows of very different magnitudes, as a Dense kernel's input units have.
  const [rows, cols] = [40, 300];
  const values = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898) * 0.02 * (1 + Math.floor(i / cols)));
  const kernel = { name: 'k', shape: [rows, cols], dtype: 'float32' as const };
  for (const dtype of ['uint8', 'uint16'] as const) {
    const q = quantizeTensor(values, kernel, dtype);
    assert.equal(q.spec.quantization, undefined, 'not a TF.js per-tensor range');
    assert.equal(q.spec.rows?.min.length, rows);
    assert.equal(q.bytes.byteLength, values.length * (dtype === 'uint8' ? 1 : 2));
    const back = new Float32Array(expandRows({}, [q.spec], q.bytes).weightData as ArrayBuffer);
    let worstPerRow = 0;
    // Half a step, plus float32 rounding of the value itself (which matters beside uint16's small steps).
    for (let i = 0; i < values.length; i++) worstPerRow = Math.max(worstPerRow, Math.abs(back[i] - values[i]) / (q.spec.rows!.scale[Math.floor(i / cols)] / 2 + 2 ** -23 * Math.abs(values[i])));
    assert.ok(worstPerRow <= 1.001, `${dtype}: an error above half its row's step (${worstPerRow})`);
    const flat = quantizeTensor(values, { ...kernel, shape: [rows * cols] }, dtype);
    const flatBack = tf.io.decodeWeights(flat.bytes.buffer.slice(0) as ArrayBuffer, [flat.spec as tf.io.WeightsManifestEntry]).k;
    const f = flatBack.dataSync();
    flatBack.dispose();
    const meanErr = (d: ArrayLike<number>) => Array.from(values).reduce((t, v, i) => t + Math.abs(d[i] - v), 0) / values.length;
    assert.ok(meanErr(back) < 0.6 * meanErr(f), `${dtype}: per row ${meanErr(back)} against one range ${meanErr(f)}`);
  }
  assert.throws(() => expandRows({}, [{ ...quantizeTensor(values, kernel, 'uint8').spec }], new Uint8Array(10)), /weight k: the weight data ends before it does/);
});

test('quantizeArtifacts: large tensors quantized, small ones (biases) kept float32, sizes add up', async () => {
  const dir = (await saveBookModels({ 'vae-2d': vae })).modelDir('vae-2d');
  const a = readNetworkArtifacts(path.join(dir, 'decoder'));
  const q = quantizeArtifacts(a, { dtype: 'uint8', minValues: 1024 });
  for (const s of q.weightSpecs) {
    const n = s.shape.reduce((x, y) => x * y, 1);
    assert.equal(s.quantization?.dtype ?? s.rows?.dtype, n >= 1024 ? 'uint8' : undefined, s.name);
  }
  const expected = q.weightSpecs.reduce((t, s) => t + s.shape.reduce((x, y) => x * y, 1) * (s.quantization || s.rows ? 1 : 4), 0);
  assert.equal(q.weightData.byteLength, expected);
  assert.throws(() => quantizeArtifacts(q), /already quantized/);
  assert.throws(() => quantizeArtifacts({ ...a, weightData: a.weightData.slice(0, 100) }), /runs past the end/);
});

test('a packed network loads with the library and decodes like the saved model: float32 exactly, uint8 within 0.02', async () => {
  const saved = await saveBookModels({ 'vae-2d': vae });
  const [m] = findModels(bookModels(saved.executedFiles), 'vae-2d', 'test');
  const codes = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i) * 2.5);
  const full = decodeLatents(vae, codes);
  for (const [dtype, tol] of [['float32', 1e-6], ['uint8', 0.02]] as const) {
    const part = checkNetworkPart(parsePartScript(partScript('x', packNetwork(m, 'decoder', { dtype, minValues: 1024 }))).payload, 'vae-2d', 'decoder');
    assert.deepEqual(part.source, { notebook: 'nb-widgets', profile: 'quick', cacheKey: KEY });
    const dec = await decoderFromArtifacts(part.manifest, networkArtifacts(part), 'vae-2d');
    const got = decodeLatents(dec, codes);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - full[i]));
    assert.ok(worst <= tol, `${dtype}: worst pixel difference ${worst}`);
    if (dtype === 'uint8') assert.ok(worst > 0, 'quantization changes something (the check can fail)');
    dec.dispose();
  }
  // The whole model from its two parts, as draw-a-digit loads it.
  const enc = packNetwork(m, 'encoder');
  const dec = packNetwork(m, 'decoder');
  const both = (await modelFromArtifacts(enc.manifest, networkArtifacts(enc), networkArtifacts(dec))) as VAE;
  assert.equal(both.kind, 'vae');
  assert.equal(both.config.latentDim, 2);
  both.dispose();
  assert.throws(() => checkNetworkPart(enc, 'vae-2d', 'decoder'), /holds vae-2d\/encoder, expected vae-2d\/decoder/);
});

test('loadModel still reads a saved folder through the in-memory path (lib/io/artifacts.ts)', async () => {
  const saved = await saveBookModels({ 'vae-2d': vae });
  const back = (await loadModel(saved.modelDir('vae-2d'))) as VAE;
  const z = [0.3, -1.2];
  assert.deepEqual(Array.from(decodeLatents(back, z)), Array.from(decodeLatents(vae, z)));
  back.dispose();
});

test('models are found by name or prefix among the executions of the build, with clear errors', async () => {
  const cache = (await saveBookModels({ 'beta-0': vae, 'beta-2': vae }, 'sweep')).cacheDir;
  const other = await saveBookModels({ 'vae-2d': vae, 'beta-0': vae }, 'other', cache);
  const executed = {
    sweep: path.join(cache, `sweep.quick.${KEY}.ipynb`),
    other: other.executedFiles.other,
    nomodels: path.join(cache, 'nomodels.quick.ffffffffffffffffffffffffffffffff.ipynb'),
  };
  fs.writeFileSync(executed.nomodels, '{}');
  const all = bookModels(executed);
  assert.deepEqual([...all.keys()].sort(), ['beta-0', 'beta-2', 'vae-2d']);
  assert.equal(findModels(all, 'vae-2d', 'ch.md:3')[0].source.notebook, 'other');
  assert.throws(() => findModels(all, 'beta-*', 'ch.md:9'), /ch\.md:9: model "beta-0" was saved by other and sweep/);
  assert.deepEqual(findModels(bookModels({ sweep: executed.sweep }), 'beta-*', 'x').map((m) => m.name), ['beta-0', 'beta-2']);
  assert.throws(() => findModels(all, 'vae-20d', 'ch.md:5'), /ch\.md:5: no executed notebook of this build saved a model "vae-20d".*saved: beta-0 \(other, sweep\), beta-2 \(sweep\), vae-2d \(other\)/);
  assert.deepEqual(sourceOf('sweep', executed.sweep), { notebook: 'sweep', profile: 'quick', cacheKey: KEY });
  assert.throws(() => sourceOf('x', '/tmp/x.ipynb'), /not a cached execution/);
});
