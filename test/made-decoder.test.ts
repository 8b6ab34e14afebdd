import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { createVAE } from '../lib/model/vae';
import { createMadeDecoder } from '../lib/model/made-decoder';
import { elbo } from '../lib/model/elbo';
import { saveModel, loadModel } from '../lib/io/save';
import { train } from '../lib/training/train';
import { evaluate, iwaeNll, klPerUnit } from '../lib/training/evaluate';
import { samplePrior } from '../lib/training/generate';
import type { Dataset } from '../lib/data/dataset';

before(async () => {
  await initBackend();
});

const small = { latentDim: 3, hiddenUnits: [16], seed: 1, autoregressive: { kind: 'made' as const, hiddenUnits: 32 } };

/** n random grey-level 28×28 images with labels 0. */
function randomData(n: number, seed: number): Dataset {
  const images = tf.tidy(() => tf.randomUniform([n, 784], 0, 1, 'float32', seed).dataSync() as Float32Array);
  return { images, labels: new Uint8Array(n), size: n, height: 28, width: 28, name: `random-${n}` };
}

test('MADE decoder: [z, x] → logits [batch, 784]; the VAE reads x by teacher forcing and refuses to decode without it', () => {
  const dec = createMadeDecoder({ kind: 'made', hiddenUnits: 32, latentDim: 3, height: 28, width: 28, seed: 0 });
  assert.deepEqual(dec.inputs.map((i) => i.shape), [[null, 3], [null, 784]]);
  assert.deepEqual(dec.outputs[0].shape, [null, 784]);
  dec.dispose();
  const vae = createVAE(small);
  assert.equal(vae.autoregressive, true);
  const plain = createVAE({ latentDim: 3, hiddenUnits: [16] });
  assert.equal(plain.autoregressive, false);
  plain.dispose();
  tf.tidy(() => {
    const x = tf.randomUniform([4, 784], 0, 1, 'float32', 2) as tf.Tensor2D;
    const out = vae.forward(x, undefined, 3);
    assert.deepEqual(out.logits.shape, [4, 784]);
    assert.ok(Number.isFinite(elbo(x, out).loss.dataSync()[0]));
    assert.throws(() => vae.decode(out.z), /autoregressive and needs the pixels x/);
    assert.throws(() => vae.decode(out.z, tf.zeros([3, 784]) as tf.Tensor2D), /z has 4 rows but x has 3/);
  });
  assert.throws(() => samplePrior(vae, 2), /autoregressive/);
  vae.dispose();
});

test('MADE decoder: logit i depends on pixels before i only (gradient of each logit), and on z', () => {
  const vae = createVAE(small);
  tf.tidy(() => {
    // A batch of 16 images and codes: whichever hidden units a ReLU switches off for one code, others carry z.
    const x = tf.randomUniform([16, 784], 0, 1, 'float32', 4) as tf.Tensor2D;
    const z = tf.randomNormal([16, 3], 0, 1, 'float32', 5) as tf.Tensor2D;
    for (const i of [0, 1, 29, 406, 783]) {
      const [gz, gx] = tf.grads((zz: tf.Tensor, xx: tf.Tensor) => tf.sum(tf.slice(vae.decode(zz as tf.Tensor2D, xx as tf.Tensor2D), [0, i], [-1, 1])))([z, x]);
      const g = Array.from(tf.sum(tf.abs(gx), 0).dataSync());
      g.forEach((v, j) => {
        if (j >= i) assert.equal(v, 0, `logit ${i} must not depend on pixel ${j}`);
      });
      // The direct connection reaches every earlier pixel.
      for (let j = 0; j < i; j++) assert.ok(g[j] > 0, `logit ${i} should depend on pixel ${j}`);
      assert.ok(tf.sum(tf.abs(gz)).dataSync()[0] > 0, `logit ${i}: the code conditions the pixel`);
    }
  });
  vae.dispose();
});

test('MADE VAE: saves and loads with its masked layers, and the reloaded model computes the same logits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'made-'));
  const vae = createVAE(small);
  try {
    await saveModel(vae, path.join(dir, 'm'));
    const loaded = await loadModel(path.join(dir, 'm'));
    assert.equal(loaded.kind, 'vae');
    assert.equal(loaded.autoregressive, true);
    assert.deepEqual(loaded.config.autoregressive, small.autoregressive);
    tf.tidy(() => {
      const x = tf.randomUniform([2, 784], 0, 1, 'float32', 6) as tf.Tensor2D;
      const z = tf.randomNormal([2, 3], 0, 1, 'float32', 7) as tf.Tensor2D;
      assert.equal(tf.max(tf.abs(tf.sub(vae.decode(z, x), loaded.decode(z, x)))).dataSync()[0], 0);
    });
    loaded.dispose();
  } finally {
    vae.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('MADE VAE: train, evaluate, iwaeNll and klPerUnit run with teacher forcing, and leak no tensors', async () => {
  const data = randomData(64, 8);
  const vae = createVAE(small);
  const before = tf.memory().numTensors;
  const r = await train(vae, data, { epochs: 2, batchSize: 32, testData: data });
  const t = evaluate(vae, data);
  const nll = iwaeNll(vae, data, { k: 4 });
  const kls = klPerUnit(vae, data);
  assert.equal(r.steps, 4);
  assert.ok(Number.isFinite(t.elbo) && Number.isFinite(nll));
  assert.ok(r.history[3].loss < r.history[0].loss, `the loss falls: ${r.history.map((h) => h.loss.toFixed(1)).join(' → ')}`);
  assert.ok(Math.abs(kls.reduce((a, b) => a + b, 0) - t.kl) < 1e-3 * Math.max(1, t.kl), 'the per-dimension KLs sum to the KL term');
  assert.equal(tf.memory().numTensors, before, 'training and evaluation leave the tensor count flat');
  vae.dispose();
});

test('autoregressive config: bad fields are named', () => {
  assert.throws(() => createVAE({ autoregressive: { kind: 'made', hiddenUnits: 0 } }), /autoregressive.hiddenUnits must be a positive integer/);
  assert.throws(() => createVAE({ autoregressive: { kind: 'lstm' } as never }), /autoregressive.kind must be 'made' or 'pixelcnn'/);
  assert.throws(() => createVAE({ inputDim: 100, autoregressive: { kind: 'made', hiddenUnits: 8 } }), /28 × 28 is not inputDim 100/);
});
