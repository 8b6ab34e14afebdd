// Draw a digit (scripts/bookgen/widgets/draw-digit/): the brush inks a stroke, MNIST's normalisation centres and
// scales a drawing, the noise is the library's seeded generator, and the ELBO terms of a drawing are the library's
// (klDivergence of the encoder's output; the reconstruction term an average over the noise), computed by the page's
// model parts in Node exactly as the page computes them.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, klDivergence, loadData, imageAt, bernoulliLogLikelihood, modelFromArtifacts } from '../lib/index';
import type { VAE } from '../lib/index';
import { centreLikeMnist, centreOfMass, drawingTerms, fixedNoise, strokeSegment } from '../scripts/bookgen/widgets/draw-digit/page';
import { bookModels, findModels, packNetwork } from '../scripts/bookgen/widgets/models';
import { bytesToBase64, digitPixels, DigitsPart, networkArtifacts, SIDE } from '../scripts/bookgen/widgets/parts';
import { saveBookModels, smallVae } from './fixtures/widget-models';

let vae: VAE;
before(async () => {
  await initBackend();
  vae = await smallVae(2);
});

const at = (g: Float32Array, x: number, y: number) => g[y * SIDE + x];

test('a stroke inks the pixels along its segment with full ink at the centre, fading within the brush edge', () => {
  const g = new Float32Array(SIDE * SIDE);
  strokeSegment(g, 4, 14, 24, 14);
  for (let x = 4; x < 24; x++) assert.equal(at(g, x, 13), 1, `pixel (${x}, 13) on the line`);
  assert.ok(at(g, 10, 12) > 0 && at(g, 10, 12) < 1, 'soft edge one row off');
  assert.equal(at(g, 10, 10), 0, 'nothing four rows away');
  assert.equal(at(g, 27, 13), 0, 'nothing past the end');
  const before = g.slice();
  strokeSegment(g, 4, 14, 24, 14);
  assert.deepEqual(g, before, 'inking twice keeps the darker value, no build-up');
  const dot = new Float32Array(SIDE * SIDE);
  strokeSegment(dot, 14, 14, 14, 14);
  assert.ok(dot.reduce((a, b) => a + b, 0) > 2, 'a click leaves a dot');
});

test('centreLikeMnist: the ink fits a 20-pixel box with its centre of mass at the centre; empty stays empty', () => {
  const g = new Float32Array(SIDE * SIDE);
  strokeSegment(g, 2, 3, 2, 12); // a short vertical bar near the top-left corner
  const c = centreLikeMnist(g);
  const com = centreOfMass(c)!;
  assert.ok(Math.abs(com[0] - 14) < 0.35 && Math.abs(com[1] - 14) < 0.35, `centre of mass ${com}`);
  const rows = [...Array(SIDE).keys()].filter((r) => [...Array(SIDE).keys()].some((x) => at(c, x, r) > 0.05));
  const height = rows[rows.length - 1] - rows[0] + 1;
  assert.ok(height >= 19 && height <= 22, `scaled height ${height}`);
  assert.ok(c.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(centreLikeMnist(new Float32Array(SIDE * SIDE)), new Float32Array(SIDE * SIDE));
  // A test digit of MNIST is already normalised: it moves by at most a pixel's worth.
  const x = imageAt(loadData({ limit: 40 }).test, 0);
  const d = centreLikeMnist(x);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff += Math.abs(d[i] - x[i]);
  assert.ok(diff / x.reduce((a, b) => a + b, 0) < 0.6, `a test digit changes little (relative L1 ${diff})`);
});

test('fixedNoise: standard normal draws from the library’s seeded Rng, the same every time', () => {
  const a = fixedNoise(1000, 2);
  assert.deepEqual(a, fixedNoise(1000, 2));
  assert.notDeepEqual(a, fixedNoise(1000, 2, 1));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(sd - 1) < 0.1, `mean ${mean}, sd ${sd}`);
});

test('drawingTerms: the KL is klDivergence of the encoder’s posterior, the reconstruction term the noise average, no tensor left', async () => {
  const x = imageAt(loadData({ limit: 40 }).test, 3);
  const noise = fixedNoise(8, 2);
  const before = tf.memory().numTensors;
  const t = drawingTerms(vae, x, noise);
  assert.equal(tf.memory().numTensors, before, 'tensors are freed');
  const { kl, rec, mean, logVar } = tf.tidy(() => {
    const xs = tf.tensor2d(x, [1, 784]);
    const q = vae.encode(xs);
    const z = tf.add(q.mean, tf.mul(tf.exp(tf.mul(q.logVar, 0.5)), tf.tensor2d(noise, [8, 2]))) as tf.Tensor2D;
    const ll = bernoulliLogLikelihood(tf.tile(xs, [8, 1]) as tf.Tensor2D, vae.decode(z));
    return { kl: klDivergence(q.mean, q.logVar).arraySync()[0], rec: -tf.mean(ll).arraySync(), mean: q.mean.arraySync()[0], logVar: q.logVar.arraySync()[0] };
  }) as unknown as { kl: number; rec: number; mean: number[]; logVar: number[] };
  assert.ok(Math.abs(t.kl - kl) < 1e-4, `kl ${t.kl} vs ${kl}`);
  assert.ok(Math.abs(t.recon - rec) < 1e-3 * Math.abs(rec), `recon ${t.recon} vs ${rec}`);
  assert.deepEqual(t.mean.map((v) => v.toFixed(5)), mean.map((v) => v.toFixed(5)));
  assert.deepEqual(t.sigma.map((v) => v.toFixed(5)), logVar.map((v) => Math.exp(v / 2).toFixed(5)));
  assert.ok(Number.isFinite(t.recon) && Number.isFinite(t.kl) && t.kl >= 0);
  assert.equal(t.reconstruction.length, 784);
  assert.deepEqual(drawingTerms(vae, x, noise), t, 'the same drawing gives the same numbers');
});

test('the page’s VAE, loaded from its encoder and decoder parts, gives the terms of the saved model (to the quantization step)', async () => {
  const saved = await saveBookModels({ 'vae-2d': vae });
  const [m] = findModels(bookModels(saved.executedFiles), 'vae-2d', 'test');
  const e = packNetwork(m, 'encoder');
  const d = packNetwork(m, 'decoder');
  const page = (await modelFromArtifacts(e.manifest, networkArtifacts(e), networkArtifacts(d))) as VAE;
  const x = imageAt(loadData({ limit: 40 }).test, 5);
  const a = drawingTerms(page, x, fixedNoise(32, 2));
  const b = drawingTerms(vae, x, fixedNoise(32, 2));
  assert.ok(Math.abs(a.kl - b.kl) < 0.05 * Math.max(1, b.kl), `kl ${a.kl} vs ${b.kl}`);
  assert.ok(Math.abs(a.recon - b.recon) < 0.01 * b.recon, `recon ${a.recon} vs ${b.recon}`);
  page.dispose();
});

test('digitPixels reads a digit of the digits part back to [0, 1]', () => {
  const pixels = new Uint8Array(2 * 784);
  pixels[784 + 5] = 255;
  pixels[3] = 128;
  const part: DigitsPart = { kind: 'digits', model: 'm', pixels: bytesToBase64(pixels), labels: [0, 1], codes: '', latentDim: 2 };
  assert.equal(digitPixels(part, 1)[5], 1);
  assert.ok(Math.abs(digitPixels(part, 0)[3] - 128 / 255) < 1e-7);
});
