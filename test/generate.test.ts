import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { subset, imageAt, type Dataset } from '../lib/data/dataset';
import { loadData } from '../lib/data/load';
import { createVAE, type VAE } from '../lib/model/vae';
import { createAutoencoder } from '../lib/model/autoencoder';
import { tfSeed } from '../lib/model/random';
import {
  samplePrior,
  reconstruct,
  reconstructionPairs,
  decodeLatents,
  lerp,
  slerp,
  interpolate,
  latentGrid,
  gridCoordinates,
  normalQuantile,
  latentMeans,
  sampleCodeBox,
} from '../lib/training/generate';

let vae: VAE;
let ds: Dataset;

before(async () => {
  await initBackend();
  ds = subset(loadData({ limit: 200 }).test, 20);
  vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 0 });
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('samplePrior: count × 784 probabilities, seeded; bad inputs', () => {
  const a = samplePrior(vae, 6, { seed: 1 });
  assert.equal(a.length, 6 * 784);
  assert.ok(a.every((p) => p >= 0 && p <= 1));
  assert.deepEqual(samplePrior(vae, 6, { seed: 1 }), a);
  assert.notDeepEqual(samplePrior(vae, 6, { seed: 2 }), a);
  assert.deepEqual(samplePrior(vae, 3, { seed: 0 }), samplePrior(vae, 3), 'seed 0 (the default) is reproducible too');
  // It is the decoder applied to N(0, I) draws.
  const z = tf.randomNormal([6, 4], 0, 1, 'float32', tfSeed(1));
  assert.ok(maxDiff(decodeLatents(vae, z.dataSync() as Float32Array), a) < 1e-6);
  z.dispose();
  // A temperature τ decodes draws of N(0, τ²I): the same noise, scaled.
  const zt = tf.randomNormal([6, 4], 0, 0.5, 'float32', tfSeed(1));
  assert.ok(maxDiff(decodeLatents(vae, zt.dataSync() as Float32Array), samplePrior(vae, 6, { seed: 1, temperature: 0.5 })) < 1e-6);
  zt.dispose();
  assert.throws(() => samplePrior(vae, 2, { temperature: 0 }), /temperature must be a finite number > 0, got 0/);
  assert.throws(() => samplePrior(vae, 0), /samplePrior: count must be a positive integer, got 0/);
  const ae = createAutoencoder({ latentDim: 2, hiddenUnits: [8] });
  assert.throws(() => samplePrior(ae as unknown as VAE, 4), /samplePrior: needs a VAE/);
  ae.dispose();
});

test('reconstruct: decodes the posterior mean; Dataset and Float32Array inputs agree', () => {
  const r = reconstruct(vae, ds);
  assert.equal(r.length, ds.size * 784);
  assert.deepEqual(reconstruct(vae, ds.images), r);
  const expected = tf.tidy(() => tf.sigmoid(vae.decode(vae.encode(tf.tensor2d(ds.images, [ds.size, 784])).mean)).dataSync());
  assert.ok(maxDiff(r, expected) < 1e-6);
  assert.throws(() => reconstruct(vae, new Float32Array(100)), /reconstruct: 100 values are not a whole number of images of 784 pixels/);
});

test('lerp and slerp: hand values', () => {
  assert.deepEqual(Array.from(lerp([0, 2], [4, 6], 0.25)), [1, 3]);
  const s = slerp([1, 0], [0, 1], 0.5);
  assert.ok(maxDiff(s, [Math.SQRT1_2, Math.SQRT1_2]) < 1e-6, 'halfway along the quarter circle');
  const s3 = slerp([2, 0], [0, 2], 1 / 3);
  assert.ok(maxDiff(s3, [2 * Math.cos(Math.PI / 6), 2 * Math.sin(Math.PI / 6)]) < 1e-6, 'norm kept, angle 30°');
  assert.ok(maxDiff(slerp([1, 2, 3], [3, 1, 0], 0), [1, 2, 3]) < 1e-6);
  assert.ok(maxDiff(slerp([1, 2, 3], [3, 1, 0], 1), [3, 1, 0]) < 1e-6);
  assert.deepEqual(Array.from(slerp([1, 1], [2, 2], 0.5)), Array.from(lerp([1, 1], [2, 2], 0.5)), 'parallel: falls back to lerp');
  assert.throws(() => lerp([1], [1, 2], 0.5), /lerp: vectors have different lengths 1 and 2/);
});

test('interpolate: endpoints are the reconstructions of xa and xb; the linear midpoint decodes the mean code', () => {
  const xa = imageAt(ds, 0);
  const xb = imageAt(ds, 1);
  const path = interpolate(vae, xa, xb, { steps: 5 });
  assert.equal(path.length, 5 * 784);
  const rec = reconstruct(vae, subset(ds, 2));
  assert.ok(maxDiff(path.subarray(0, 784), rec.subarray(0, 784)) < 1e-6);
  assert.ok(maxDiff(path.subarray(4 * 784), rec.subarray(784)) < 1e-6);
  const { points } = latentMeans(vae, subset(ds, 2));
  const mid = decodeLatents(vae, lerp(points.subarray(0, 4), points.subarray(4, 8), 0.5));
  assert.ok(maxDiff(path.subarray(2 * 784, 3 * 784), mid) < 1e-6);
  const sph = interpolate(vae, xa, xb, { steps: 5, method: 'spherical' });
  assert.ok(maxDiff(sph.subarray(0, 784), path.subarray(0, 784)) < 1e-6);
  assert.throws(() => interpolate(vae, xa, xb, { steps: 1 }), /steps must be an integer ≥ 2/);
  assert.throws(() => interpolate(vae, xa, new Float32Array(10)), /xa and xb must each hold one image of 784 pixels/);
});

test('latentGrid: size² images, z₁ along columns and z₂ growing upwards; needs latentDim 2', () => {
  const flat = createVAE({ latentDim: 2, hiddenUnits: [16], seed: 0 });
  const grid = latentGrid(flat, { size: 3, range: 2 });
  assert.equal(grid.length, 9 * 784);
  assert.deepEqual(gridCoordinates({ size: 3, range: 2 }), [-2, 0, 2]);
  // Top-left is (z₁, z₂) = (−2, 2); bottom-right (2, −2).
  assert.ok(maxDiff(grid.subarray(0, 784), decodeLatents(flat, [-2, 2])) < 1e-6);
  assert.ok(maxDiff(grid.subarray(8 * 784), decodeLatents(flat, [2, -2])) < 1e-6);
  const q = gridCoordinates({ size: 3, spacing: 'quantile' });
  assert.ok(maxDiff(q, [normalQuantile(0.25), 0, normalQuantile(0.75)]) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306) < 1e-8);
  assert.throws(() => latentGrid(vae), /latentGrid: needs latentDim 2, the model has latentDim 4/);
  assert.throws(() => latentGrid(flat, { size: 0 }), /size must be a positive integer/);
  flat.dispose();
});

test('latentMeans: one point per example with its label', () => {
  const m = latentMeans(vae, ds);
  assert.equal(m.latentDim, 4);
  assert.equal(m.points.length, ds.size * 4);
  assert.deepEqual(m.labels, ds.labels);
  const expected = tf.tidy(() => vae.encode(tf.tensor2d(ds.images, [ds.size, 784])).mean.dataSync());
  assert.ok(maxDiff(m.points, expected) < 1e-6);
});

test('reconstructionPairs: the originals, then their reconstructions', () => {
  const shown = subset(ds, 6);
  const before = tf.memory().numTensors;
  const pairs = reconstructionPairs(vae, shown);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(pairs.length, 2 * 6 * 784);
  assert.equal(maxDiff(pairs.subarray(0, 6 * 784), shown.images), 0);
  assert.equal(maxDiff(pairs.subarray(6 * 784), reconstruct(vae, shown)), 0);
});

test('sampleCodeBox: seeded codes inside the bounding box of the given codes', () => {
  const codes = new Float32Array([0, 10, 2, -4, 1, 3]); // three 2-D codes: x in [0, 2], y in [-4, 10]
  const a = sampleCodeBox(codes, 2, 500, { seed: 1 });
  assert.equal(a.length, 1000);
  for (let i = 0; i < 500; i++) {
    assert.ok(a[2 * i] >= 0 && a[2 * i] <= 2 && a[2 * i + 1] >= -4 && a[2 * i + 1] <= 10);
  }
  assert.ok(Math.max(...a.filter((_, i) => i % 2 === 1)) > 8, 'the whole box is covered');
  assert.deepEqual(sampleCodeBox(codes, 2, 500, { seed: 1 }), a);
  assert.notDeepEqual(sampleCodeBox(codes, 2, 500, { seed: 2 }), a);
  assert.throws(() => sampleCodeBox(codes, 4, 5), /6 values are not a whole number of codes of latentDim 4/);
});
