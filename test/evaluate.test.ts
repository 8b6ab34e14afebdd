import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { subset, imageAt, type Dataset } from '../lib/data/dataset';
import { loadData } from '../lib/data/load';
import { createVAE, type VAE } from '../lib/model/vae';
import { createAutoencoder, type Autoencoder } from '../lib/model/autoencoder';
import { train } from '../lib/training/train-node';
import { evaluate, elboPerExample, iwaeNll, iwaePerExample, perDigit, activeUnits, reconstructionError } from '../lib/training/evaluate';
import { samplePrior, interpolate, latentGrid, reconstruct, latentMeans } from '../lib/training/generate';

let vae: VAE;
let ae: Autoencoder;
let trainSet: Dataset;
let testSet: Dataset;

before(async () => {
  await initBackend();
  const split = loadData({ limit: 1024 });
  trainSet = split.train;
  testSet = split.test; // 256 digits
  vae = createVAE({ latentDim: 10, hiddenUnits: [200], seed: 0 });
  await train(vae, trainSet, { epochs: 3, batchSize: 64, seed: 0 });
  ae = createAutoencoder({ latentDim: 10, hiddenUnits: [200], seed: 0 });
  await train(ae, trainSet, { epochs: 2, batchSize: 64, seed: 0 });
});

test('iwaeNll: K is decoded in chunks of at most chunkRows rows, tf.memory() flat across chunks, same estimate', () => {
  const small = subset(testSet, 64);
  const whole = iwaeNll(vae, small, { k: 60, seed: 3 }); // one pass: all 64 examples × 60 samples (3,840 rows)
  const rows: number[] = [];
  const live: number[] = [];
  const decode = vae.decode.bind(vae);
  vae.decode = (z) => {
    rows.push(z.shape[0]);
    live.push(tf.memory().numTensors);
    return decode(z);
  };
  const before = tf.memory().numTensors;
  let chunked: number;
  let perExample: Float64Array;
  try {
    chunked = iwaeNll(vae, small, { k: 60, seed: 3, batchSize: 8, chunkRows: 40 }); // 5 samples of 8 digits per pass
    perExample = iwaePerExample(vae, small, { k: 60, seed: 3, batchSize: 8, chunkRows: 40 });
  } finally {
    vae.decode = decode;
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.equal(rows.length, 2 * 8 * 12, '8 batches × 12 chunks of 5 samples, twice');
  assert.ok(rows.every((r) => r === 40), `rows per pass ${[...new Set(rows)]}`);
  const perBatch = live.slice(0, 12);
  assert.ok(perBatch.every((n) => n === perBatch[0]), `live tensors at each chunk of a batch: ${perBatch}`);
  assert.equal(Math.max(...live), Math.min(...live), 'flat over the whole run');
  assert.equal(-perExample.reduce((s, v) => s + v, 0) / small.size, chunked);
  // Other noise, the same bound: the two estimates agree to within a fraction of a nat.
  assert.ok(Math.abs(chunked - whole) < 0.5, `chunked ${chunked} vs one pass ${whole}`);
  assert.throws(() => iwaeNll(vae, small, { k: 5, chunkRows: 0 }), /iwaeNll: chunkRows must be a positive integer, got 0/);
});

test('evaluate: seeded, equals the mean of the per-example terms, elbo = −(recon + kl)', () => {
  const a = evaluate(vae, testSet, { seed: 1 });
  assert.deepEqual(evaluate(vae, testSet, { seed: 1, batchSize: 100 }), evaluate(vae, testSet, { seed: 1, batchSize: 100 }));
  assert.ok(Math.abs(a.elbo + a.recon + a.kl) < 1e-6 * a.recon);
  assert.ok(a.kl > 0 && a.recon > 0);
  const per = elboPerExample(vae, testSet, { seed: 1 });
  const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;
  assert.ok(Math.abs(mean(per.recon) - a.recon) < 1e-3);
  assert.ok(Math.abs(mean(per.kl) - a.kl) < 1e-4);
  assert.equal(evaluate(vae, testSet, { beta: 2, seed: 1 }).loss.toFixed(3), (a.recon + 2 * a.kl).toFixed(3));
  const m = evaluate(vae, testSet, { useMean: true, seed: 1 });
  assert.ok(Math.abs(m.kl - a.kl) < 1e-4, 'the KL term does not depend on the sample');
  assert.notEqual(m.recon, a.recon);
  assert.deepEqual(evaluate(vae, testSet, { useMean: true, seed: 2 }), m, 'decoding the mean uses no noise');
  assert.notDeepEqual(evaluate(vae, testSet, { seed: 2 }), a, 'another seed, another sample');
});

test('iwaeNll: K = 1 matches −ELBO within standard errors; K = 50 is tighter, below −ELBO', () => {
  const ev = evaluate(vae, testSet, { seed: 0 });
  const per = elboPerExample(vae, testSet, { seed: 0 });
  const n = testSet.size;
  const neg = Array.from(per.recon, (r, i) => r + per.kl[i]);
  const avg = neg.reduce((s, v) => s + v, 0) / n;
  const se = Math.sqrt(neg.reduce((s, v) => s + (v - avg) ** 2, 0) / (n - 1) / n);
  const k1 = iwaeNll(vae, testSet, { k: 1, seed: 5 });
  assert.ok(Math.abs(k1 - -ev.elbo) < 3 * Math.SQRT2 * se, `K=1: ${k1} vs −ELBO ${-ev.elbo} (SE ${se})`);
  const k5 = iwaeNll(vae, testSet, { k: 5, seed: 0 });
  const k50 = iwaeNll(vae, testSet, { k: 50, seed: 0 });
  assert.ok(k50 < -ev.elbo, `IWAE K=50 ${k50} < −ELBO ${-ev.elbo}`);
  assert.ok(k50 < k5, `K=50 ${k50} < K=5 ${k5}`);
  assert.equal(iwaeNll(vae, testSet, { k: 5, seed: 0, batchSize: 33 }).toFixed(4), iwaeNll(vae, testSet, { k: 5, seed: 0, batchSize: 33 }).toFixed(4));
  assert.throws(() => iwaeNll(vae, testSet, { k: 0 }), /iwaeNll: k must be a positive integer, got 0/);
  assert.throws(() => iwaeNll(ae as unknown as VAE, testSet), /iwaeNll: needs a VAE/);
});

test('perDigit: ten labels whose counts add up and whose weighted mean is the overall result', () => {
  const rows = perDigit(vae, testSet, { seed: 2 });
  const all = evaluate(vae, testSet, { seed: 2 });
  assert.deepEqual(rows.map((r) => r.label), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(rows.reduce((s, r) => s + r.count, 0), testSet.size);
  const weighted = rows.reduce((s, r) => s + r.recon * r.count, 0) / testSet.size;
  assert.ok(Math.abs(weighted - all.recon) < 1e-3);
  const ones = rows[1];
  const eights = rows[8];
  assert.ok(ones.recon < eights.recon, `1s (${ones.recon}) are easier than 8s (${eights.recon})`);
});

test('activeUnits and reconstructionError', () => {
  const au = activeUnits(vae, testSet);
  assert.equal(au.variances.length, 10);
  assert.equal(au.count, Array.from(au.variances).filter((v) => v > 0.01).length);
  assert.ok(au.count >= 1 && au.count <= 10);
  const rv = reconstructionError(vae, testSet);
  const ra = reconstructionError(ae, testSet);
  for (const r of [rv, ra]) {
    assert.ok(r.bce > 0 && Number.isFinite(r.bce));
    assert.ok(r.mse > 0 && r.mse < 0.25);
  }
  const tiny: Dataset = { images: new Float32Array(4), labels: new Uint8Array(1), size: 1, height: 2, width: 2, name: 'tiny' };
  assert.throws(() => evaluate(vae, tiny), /evaluate: data 'tiny' has 2×2 = 4 pixels per image but the model expects inputDim 784/);
  assert.throws(() => reconstructionError(ae, tiny), /reconstructionError: data 'tiny'/);
});

test('no leaks: numTensors identical after the 1st and 3rd round of evaluation and generation calls', () => {
  const flat = createVAE({ latentDim: 2, hiddenUnits: [16], seed: 0 });
  const small = subset(testSet, 40);
  const xa = imageAt(small, 0);
  const xb = imageAt(small, 1);
  const counts: number[] = [];
  for (let round = 0; round < 3; round++) {
    evaluate(vae, small);
    iwaeNll(vae, small, { k: 10 });
    perDigit(vae, small);
    activeUnits(vae, small);
    reconstructionError(ae, small);
    samplePrior(vae, 16, { seed: round });
    reconstruct(vae, small);
    interpolate(vae, xa, xb, { steps: 5, method: 'spherical' });
    latentGrid(flat, { size: 4 });
    latentMeans(ae, small);
    counts.push(tf.memory().numTensors);
  }
  assert.equal(counts[2], counts[0], `numTensors per round: ${counts.join(', ')}`);
  flat.dispose();
});
