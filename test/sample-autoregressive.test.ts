import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { createVAE } from '../lib/model/vae';
import { sampleAutoregressive } from '../lib/training/sample-autoregressive';
import { LIKELIHOODS } from '../lib/model/likelihood';

before(async () => {
  await initBackend();
});

// 4 × 4 images: 16 decoder passes per sample keep the test short.
const tiny = { inputDim: 16, height: 4, width: 4, latentDim: 2, hiddenUnits: [8], seed: 1, autoregressive: { kind: 'made' as const, hiddenUnits: 12 } };

test('sampleAutoregressive: pixel by pixel, seeded, binary in sample mode, grey in mean mode, no leaks', () => {
  const vae = createVAE(tiny);
  const before = tf.memory().numTensors;
  const a = sampleAutoregressive(vae, 3, { seed: 3 });
  const b = sampleAutoregressive(vae, 3, { seed: 3 });
  const c = sampleAutoregressive(vae, 3, { seed: 4 });
  assert.equal(a.length, 3 * 16);
  assert.deepEqual(a, b, 'same seed, same images');
  assert.notDeepEqual(a, c);
  assert.ok(a.every((v) => v === 0 || v === 1), 'binary pixels');
  const z = new Float32Array([0.5, -1]);
  const m = sampleAutoregressive(vae, z, { mode: 'mean' });
  assert.ok(m.length === 16 && m.every((v) => v > 0 && v < 1), 'grey levels');
  // In mean mode every pixel is the decoder's probability given the pixels before it, as teacher forcing computes it.
  const forced = tf.tidy(() => Array.from(tf.sigmoid(vae.decode(tf.tensor2d(z, [1, 2]), tf.tensor2d(m, [1, 16]))).dataSync()));
  forced.forEach((p, i) => assert.ok(Math.abs(p - m[i]) < 1e-5, `pixel ${i}: ${m[i]} drawn, ${p} by teacher forcing`));
  assert.equal(tf.memory().numTensors, before);
  vae.dispose();
});

test('sampleAutoregressive: bad input is named', () => {
  const plain = createVAE({ ...tiny, autoregressive: undefined });
  assert.throws(() => sampleAutoregressive(plain, 1), /not autoregressive/);
  plain.dispose();
  const vae = createVAE(tiny);
  assert.throws(() => sampleAutoregressive(vae, new Float32Array(3)), /not a whole number of codes of latentDim 2/);
  assert.throws(() => sampleAutoregressive(vae, 1, { mode: 'argmax' as 'mean' }), /mode must be 'sample' or 'mean'/);
  vae.dispose();
});

test('sampleAutoregressive draws from the model\'s likelihood: continuous Bernoulli pixels are grey, its mean mode is the likelihood\'s mean', () => {
  const vae = createVAE({ ...tiny, likelihood: 'continuous-bernoulli' });
  const drawn = sampleAutoregressive(vae, 2, { seed: 5 });
  assert.ok(drawn.every((v) => v >= 0 && v <= 1), 'in [0, 1]');
  assert.ok(drawn.some((v) => v > 0 && v < 1), 'grey levels, not Bernoulli 0/1 draws');
  const z = new Float32Array([0.5, -1]);
  const m = sampleAutoregressive(vae, z, { mode: 'mean' });
  const forced = tf.tidy(() => Array.from(LIKELIHOODS['continuous-bernoulli'].mean(vae.decode(tf.tensor2d(z, [1, 2]), tf.tensor2d(m, [1, 16]))).dataSync()));
  forced.forEach((p, i) => assert.ok(Math.abs(p - m[i]) < 1e-5, `pixel ${i}: ${m[i]} drawn, ${p} the continuous Bernoulli's mean by teacher forcing`));
  vae.dispose();
});
