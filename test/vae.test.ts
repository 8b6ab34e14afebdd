import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { createVAE, DEFAULT_VAE_CONFIG } from '../lib/model/vae';
import { createAutoencoder } from '../lib/model/autoencoder';
import { createEncoder } from '../lib/model/encoder';
import { createDecoder } from '../lib/model/decoder';
import { elbo } from '../lib/model/elbo';

before(async () => {
  await initBackend();
});

function weightShapes(m: tf.LayersModel): number[][] {
  return m.getWeights().map((w) => w.shape);
}

test('createVAE: the default is the pytorch/examples model, 784-400-(20, 20) and 20-400-784', () => {
  const vae = createVAE();
  assert.equal(vae.kind, 'vae');
  assert.deepEqual(vae.config, DEFAULT_VAE_CONFIG);
  assert.deepEqual(weightShapes(vae.encoder), [[784, 400], [400], [400, 20], [20], [400, 20], [20]]);
  assert.deepEqual(weightShapes(vae.decoder), [[20, 400], [400], [400, 784], [784]]);
  // 784·400+400 + 2(400·20+20) + 20·400+400 + 400·784+784
  assert.equal(vae.countParams(), 652824);
  assert.equal(vae.trainableWeights().length, 10);
  vae.dispose();
});

test('initialisation: seeded, uniform within ±1/√fanIn (PyTorch nn.Linear)', () => {
  const a = createVAE({ seed: 3 });
  const b = createVAE({ seed: 3 });
  const c = createVAE({ seed: 4 });
  const wa = a.trainableWeights().map((w) => Array.from(w.dataSync()));
  const wb = b.trainableWeights().map((w) => Array.from(w.dataSync()));
  const wc = c.trainableWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(wa, wb, 'same seed → same weights');
  assert.notDeepEqual(wa[0], wc[0], 'different seed → different weights');
  assert.notDeepEqual(wa[0].slice(0, 20), wa[6].slice(0, 20), 'layers get different seeds');
  const fanIns = [784, 784, 400, 400, 400, 400, 20, 20, 400, 400];
  wa.forEach((w, i) => {
    const limit = 1 / Math.sqrt(fanIns[i]);
    const scaled = w.map((v) => Math.abs(v) / limit);
    const max = scaled.reduce((m, v) => Math.max(m, v), 0);
    assert.ok(max <= 1, `weight ${i}: max |w| ${max} × limit exceeds the limit 1/√${fanIns[i]}`);
    if (w.length >= 400) {
      // |U(−L, L)| / L is uniform on [0, 1]: its mean is ½ and its maximum close to 1.
      const mean = scaled.reduce((s, v) => s + v, 0) / scaled.length;
      assert.ok(Math.abs(mean - 0.5) < 0.05 && max > 0.99, `weight ${i}: mean |w|/L ${mean}, max ${max}`);
    }
  });
  [a, b, c].forEach((m) => m.dispose());
});

test('forward: shapes, z = mean + exp(logVar/2)·eps with given eps, same outputs for the same seed', () => {
  const vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 1 });
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const x = tf.randomUniform([5, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
    const eps = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const out = vae.forward(x, eps);
    assert.deepEqual(out.mean.shape, [5, 4]);
    assert.deepEqual(out.logVar.shape, [5, 4]);
    assert.deepEqual(out.z.shape, [5, 4]);
    assert.deepEqual(out.logits.shape, [5, 784]);
    const expectedZ = tf.add(out.mean, tf.mul(tf.exp(tf.mul(out.logVar, 0.5)), eps));
    assert.ok(tf.max(tf.abs(tf.sub(out.z, expectedZ))).dataSync()[0] < 1e-6);
    const a = vae.forward(x, undefined, 9);
    const b = vae.forward(x, undefined, 9);
    assert.deepEqual(Array.from(a.logits.dataSync()), Array.from(b.logits.dataSync()));
    const t = elbo(x, out);
    assert.ok(Number.isFinite(t.loss.dataSync()[0]));
  });
  assert.equal(tf.memory().numTensors, before, 'forward inside tidy leaks nothing');
  vae.dispose();
});

test('gradients reach every weight of encoder and decoder', () => {
  const vae = createVAE({ latentDim: 3, hiddenUnits: [16], seed: 2 });
  tf.tidy(() => {
    const x = tf.randomUniform([4, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
    const { grads } = tf.variableGrads(() => elbo(x, vae.forward(x, undefined, 1)).loss, vae.trainableWeights());
    const names = Object.keys(grads);
    assert.equal(names.length, 10);
    for (const n of names) assert.ok(tf.max(tf.abs(grads[n])).dataSync()[0] > 0, `gradient of ${n} is zero`);
  });
  vae.dispose();
});

test('bad inputs: latentDim 0, wrong tensor shape, bad architecture, bad likelihood', () => {
  assert.throws(() => createVAE({ latentDim: 0 }), /createVAE: latentDim must be a positive integer, got 0/);
  assert.throws(() => createVAE({ latentDim: 2.5 }), /latentDim must be a positive integer/);
  assert.throws(() => createVAE({ hiddenUnits: [400, -1] }), /hiddenUnits\[1\] must be a positive integer/);
  assert.throws(() => createVAE({ architecture: 'rnn' as never }), /architecture must be 'dense' or 'conv'/);
  assert.throws(() => createVAE({ likelihood: 'poisson' as never }), /likelihood must be one of 'bernoulli', 'bernoulli-binary', 'continuous-bernoulli', 'gaussian', got 'poisson'/);
  assert.throws(() => createAutoencoder({ latentDim: 0 }), /createAutoencoder: latentDim must be a positive integer/);
  const vae = createVAE({ latentDim: 2, hiddenUnits: [8] });
  const x = tf.zeros([3, 100]) as tf.Tensor2D;
  assert.throws(() => vae.encode(x), /VAE.encode: x must have shape \[batch, 784\], got \[3,100\]/);
  assert.throws(() => vae.decode(tf.zeros([3, 5]) as tf.Tensor2D), /VAE.decode: z must have shape \[batch, 2\], got \[3,5\]/);
  x.dispose();
  vae.dispose();
});

test('conv architecture: 28×28 → 14×14×32 → 7×7×64 and back; config checks', () => {
  const vae = createVAE({ architecture: 'conv', latentDim: 8, hiddenUnits: [64], seed: 0 });
  tf.tidy(() => {
    const x = tf.randomUniform([2, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
    const out = vae.forward(x, undefined, 1);
    assert.deepEqual(out.mean.shape, [2, 8]);
    assert.deepEqual(out.logits.shape, [2, 784]);
  });
  const shapes = vae.encoder.layers.map((l) => l.outputShape);
  assert.deepEqual(shapes.slice(1, 4), [[null, 28, 28, 1], [null, 14, 14, 32], [null, 7, 7, 64]]);
  assert.ok(vae.decoder.layers.some((l) => l.getClassName() === 'Conv2DTranspose'));
  vae.dispose();
  assert.throws(() => createEncoder({ architecture: 'conv', inputDim: 100 }), /inputDim = height × width/);
  assert.throws(() => createDecoder({ architecture: 'conv', height: 30, width: 30, inputDim: 900 }), /divisible by 4/);
});

test('autoencoder: one code head, forward shapes, seeded', () => {
  const ae = createAutoencoder({ latentDim: 5, hiddenUnits: [32], seed: 1 });
  const ae2 = createAutoencoder({ latentDim: 5, hiddenUnits: [32], seed: 1 });
  assert.equal(ae.kind, 'ae');
  assert.deepEqual(weightShapes(ae.encoder), [[784, 32], [32], [32, 5], [5]]);
  tf.tidy(() => {
    const x = tf.randomUniform([3, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
    const { z, logits } = ae.forward(x);
    assert.deepEqual(z.shape, [3, 5]);
    assert.deepEqual(logits.shape, [3, 784]);
    assert.deepEqual(Array.from(logits.dataSync()), Array.from(ae2.forward(x).logits.dataSync()));
  });
  ae.dispose();
  ae2.dispose();
});
