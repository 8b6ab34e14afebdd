import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { createVAE } from '../lib/model/vae';
import { createPixelCnnDecoder } from '../lib/model/pixelcnn-decoder';
import { elbo } from '../lib/model/elbo';
import { saveModel, loadModel } from '../lib/io/save';
import { train } from '../lib/training/train';
import { evaluate, iwaeNll } from '../lib/training/evaluate';
import { sampleAutoregressive } from '../lib/training/sample-autoregressive';
import { samplePrior } from '../lib/training/generate';
import type { Dataset } from '../lib/data/dataset';

before(async () => {
  await initBackend();
});

const small = { latentDim: 3, hiddenUnits: [16], seed: 1, pixelCnn: { channels: 4, layers: 2, firstKernel: 5 } };

/** n random grey-level 28×28 images with labels 0. */
function randomData(n: number, seed: number): Dataset {
  const images = tf.tidy(() => tf.randomUniform([n, 784], 0, 1, 'float32', seed).dataSync() as Float32Array);
  return { images, labels: new Uint8Array(n), size: n, height: 28, width: 28, name: `random-${n}` };
}

test('PixelCNN decoder: [z, x] → logits [batch, 784]; the VAE reads x by teacher forcing', () => {
  const dec = createPixelCnnDecoder({ latentDim: 3, height: 28, width: 28, seed: 0, channels: 4, layers: 2, firstKernel: 5 });
  assert.deepEqual(dec.inputs.map((i) => i.shape), [[null, 3], [null, 784]]);
  assert.deepEqual(dec.outputs[0].shape, [null, 784]);
  dec.dispose();
  const vae = createVAE(small);
  assert.equal(vae.autoregressive, true);
  assert.equal(createVAE({ latentDim: 3, hiddenUnits: [16] }).autoregressive, false);
  tf.tidy(() => {
    const x = tf.randomUniform([4, 784], 0, 1, 'float32', 2) as tf.Tensor2D;
    const out = vae.forward(x, undefined, 3);
    assert.deepEqual(out.logits.shape, [4, 784]);
    const t = elbo(x, out);
    assert.ok(Number.isFinite(t.loss.dataSync()[0]));
    assert.throws(() => vae.decode(out.z), /autoregressive and needs the pixels x/);
    assert.throws(() => vae.decode(out.z, tf.zeros([3, 784]) as tf.Tensor2D), /z has 4 rows but x has 3/);
  });
  assert.throws(() => samplePrior(vae, 2), /autoregressive/);
  vae.dispose();
});

test('PixelCNN decoder: logit i depends on pixels before i only (gradient), and on z', () => {
  const vae = createVAE({ ...small, pixelCnn: { channels: 4, layers: 2, firstKernel: 5 } });
  const i = 14 * 28 + 14;
  tf.tidy(() => {
    const x = tf.randomUniform([1, 784], 0, 1, 'float32', 4) as tf.Tensor2D;
    const z = tf.randomNormal([1, 3], 0, 1, 'float32', 5) as tf.Tensor2D;
    const logitI = (zz: tf.Tensor2D, xx: tf.Tensor2D) => tf.sum(tf.slice(vae.decode(zz, xx), [0, i], [1, 1]));
    const [gz, gx] = tf.grads((zz: tf.Tensor, xx: tf.Tensor) => logitI(zz as tf.Tensor2D, xx as tf.Tensor2D))([z, x]);
    const g = Array.from(tf.abs(gx).dataSync());
    g.forEach((v, j) => {
      if (j >= i) assert.equal(v, 0, `logit ${i} must not depend on pixel ${j}`);
    });
    // A 5×5 'A' layer and two 3×3 'B' layers: two rows above to four, columns ±4; the left and upper neighbours count.
    for (const j of [i - 1, i - 2, i - 28, i - 28 - 1, i - 28 + 1, i - 56]) assert.ok(g[j] > 0, `logit ${i} should depend on pixel ${j}`);
    assert.equal(g.slice(0, i - 5 * 28).reduce((a, b) => a + b, 0), 0, 'nothing beyond the receptive field');
    assert.ok(tf.sum(tf.abs(gz)).dataSync()[0] > 0, 'the code conditions the pixel');
  });
  vae.dispose();
});

test('PixelCNN VAE: saves and loads with its masked layers, and the reloaded model computes the same logits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelcnn-'));
  const vae = createVAE(small);
  try {
    await saveModel(vae, path.join(dir, 'm'));
    const loaded = await loadModel(path.join(dir, 'm'));
    assert.equal(loaded.kind, 'vae');
    assert.equal(loaded.autoregressive, true);
    assert.deepEqual(loaded.config.pixelCnn, small.pixelCnn);
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

test('PixelCNN VAE: train, evaluate and iwaeNll run with teacher forcing, and leak no tensors', async () => {
  const data = randomData(64, 8);
  const vae = createVAE(small);
  const before = tf.memory().numTensors;
  const r = await train(vae, data, { epochs: 2, batchSize: 32, progress: false, testData: data });
  const t = evaluate(vae, data);
  const nll = iwaeNll(vae, data, { k: 4 });
  assert.equal(r.steps, 4);
  assert.ok(Number.isFinite(t.elbo) && Number.isFinite(nll));
  assert.ok(r.history[3].loss < r.history[0].loss, `the loss falls: ${r.history.map((h) => h.loss.toFixed(1)).join(' → ')}`);
  assert.equal(tf.memory().numTensors, before, 'training and evaluation leave the tensor count flat');
  vae.dispose();
});

test('sampleAutoregressive: pixel by pixel, seeded, binary in sample mode, grey in mean mode, no leaks', () => {
  const vae = createVAE(small);
  const before = tf.memory().numTensors;
  const a = sampleAutoregressive(vae, 2, { seed: 3 });
  const b = sampleAutoregressive(vae, 2, { seed: 3 });
  const c = sampleAutoregressive(vae, 2, { seed: 4 });
  assert.equal(a.length, 2 * 784);
  assert.deepEqual(a, b, 'same seed, same images');
  assert.notDeepEqual(a, c);
  assert.ok(a.every((v) => v === 0 || v === 1), 'binary pixels');
  const m = sampleAutoregressive(vae, new Float32Array([0, 0, 0]), { mode: 'mean' });
  assert.ok(m.every((v) => v > 0 && v < 1) && m.length === 784, 'grey levels');
  // Pixel 0 sees no pixel: its probability is the decoder's given z alone, the same as with teacher forcing.
  const p0 = tf.tidy(() => tf.sigmoid(vae.decode(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 784]) as tf.Tensor2D)).dataSync()[0]);
  assert.ok(Math.abs(m[0] - p0) < 1e-6);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => sampleAutoregressive(createVAE({ latentDim: 3, hiddenUnits: [16] }), 1), /not autoregressive/);
  vae.dispose();
});

test('PixelCNN config: bad fields are named', () => {
  assert.throws(() => createVAE({ pixelCnn: { channels: 0, layers: 1, firstKernel: 7 } }), /pixelCnn.channels must be a positive integer/);
  assert.throws(() => createVAE({ pixelCnn: { channels: 4, layers: 1, firstKernel: 4 } }), /pixelCnn.firstKernel must be an odd integer/);
  assert.throws(() => createVAE({ pixelCnn: { channels: 4, layers: -1, firstKernel: 7 } }), /pixelCnn.layers must be an integer ≥ 0/);
});
