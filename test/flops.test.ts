// lib/model/flops.ts: FLOPs per example of a training step, from the layers, against closed forms
// written out from the architectures, and against the matMuls TF.js actually dispatches.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { createVAE } from '../lib/model/vae';
import { createAutoencoder } from '../lib/model/autoencoder';
import { subset } from '../lib/data/dataset';
import { loadData } from '../lib/data/load';
import { train } from '../lib/training/train-node';
import { trainingFlops, modelFlops, matMulFlops } from '../lib/model/flops';

before(async () => {
  await initBackend();
});

/** 2·in·out per Dense layer, forward. */
const dense = (i: number, o: number): number => 2 * i * o;

test('dense VAE 784-400-20: 3.28 MFLOP per example (no input gradient at the first layer)', () => {
  const vae = createVAE();
  const tensors = tf.memory().numTensors;
  const f = trainingFlops(vae);
  assert.equal(tf.memory().numTensors, tensors, 'counting reads the layers, it creates no tensors');
  const forward = dense(784, 400) + 2 * dense(400, 20) + dense(20, 400) + dense(400, 784);
  assert.equal(f.forward, forward);
  assert.equal(f.forward, 1_302_400);
  // Backward: weight gradients of all layers, input gradients of all but the first.
  assert.equal(f.backward, 2 * forward - dense(784, 400));
  assert.equal(f.total, 3_280_000);
  assert.deepEqual(
    f.layers.map((l) => [l.name, l.inputGrad === 0]),
    [['enc_dense_0', true], ['enc_mean', false], ['enc_logvar', false], ['dec_dense_0', false], ['dec_logits', false]],
  );
  vae.dispose();
});

test('conv VAE: convolutions counted from kernel size, channels and output size', () => {
  const vae = createVAE({ architecture: 'conv' });
  const f = trainingFlops(vae);
  const conv = (outHW: number, cin: number, cout: number): number => 2 * outHW * outHW * 9 * cin * cout; // 3×3 kernels
  const deconv = (inHW: number, cin: number, cout: number): number => 2 * inHW * inHW * 9 * cin * cout;
  const byName = Object.fromEntries(f.layers.map((l) => [l.name, l]));
  assert.equal(byName.enc_conv_0.forward, conv(14, 1, 32));
  assert.equal(byName.enc_conv_1.forward, conv(7, 32, 64));
  assert.equal(byName.enc_dense_0.forward, dense(7 * 7 * 64, 400));
  assert.equal(byName.dec_project.forward, dense(400, 7 * 7 * 64));
  assert.equal(byName.dec_deconv_0.forward, deconv(7, 64, 32));
  assert.equal(byName.dec_deconv_1.forward, deconv(14, 32, 1));
  const forward =
    conv(14, 1, 32) + conv(7, 32, 64) + dense(3136, 400) + 2 * dense(400, 20) + dense(20, 400) + dense(400, 3136) + deconv(7, 64, 32) + deconv(14, 32, 1);
  assert.equal(f.forward, forward);
  assert.equal(f.total, 3 * forward - conv(14, 1, 32));
  assert.equal(byName.enc_conv_0.inputGrad, 0);
  assert.equal(byName.enc_dense_0.inputGrad, byName.enc_dense_0.forward);
  vae.dispose();
});

test('autoencoder: one code head; decoder input gradient still counted', () => {
  const ae = createAutoencoder();
  const f = trainingFlops(ae);
  assert.equal(f.total, 2 * dense(784, 400) + 3 * (dense(400, 20) + dense(20, 400) + dense(400, 784)));
  ae.dispose();
});

test('a layer with weights but no FLOP rule is an error, not a silent zero', () => {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.batchNormalization()] });
  assert.throws(() => modelFlops(m, false), /no FLOP count for layer .* of class BatchNormalization/);
  m.dispose();
});

test('dense VAE: the count equals the FLOPs of the matMuls one training step dispatches', async () => {
  const vae = createVAE({ seed: 1 });
  const data = subset(loadData({ limit: 200 }).train, 128);
  const profile = await tf.profile(async () => {
    await train(vae, data, { epochs: 1, batchSize: 128, progress: false });
  });
  // A product writes [m, n] from an operand A of m·k elements, whatever its transpose flag: 2·m·n·k = 2·n·|A|.
  // tfjs-node runs _FusedMatMul as matMul + add + activation (its kernels/_FusedMatMul.js), and the profile lists
  // that inner BatchMatMul as well: there, count the product once, as its BatchMatMul.
  const fusedIsComposite = tf.getBackend() === 'tensorflow';
  let flops = 0;
  for (const k of profile.kernels) {
    if (k.name !== 'BatchMatMul' && (k.name !== '_FusedMatMul' || fusedIsComposite)) continue;
    const a = k.inputShapes[0];
    const out = k.outputShapes[0];
    flops += 2 * out[out.length - 1] * a.reduce((p, d) => p * d, 1);
  }
  assert.equal(flops, 128 * trainingFlops(vae).total);
  vae.dispose();
});

test('matMulFlops', () => {
  assert.equal(matMulFlops(1024, 1024, 1024), 2 * 1024 ** 3);
});
