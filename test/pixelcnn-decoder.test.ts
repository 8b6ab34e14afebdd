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

before(async () => {
  await initBackend();
});

const small = { latentDim: 3, hiddenUnits: [16], seed: 1, autoregressive: { kind: 'pixelcnn' as const, channels: 4, layers: 2, firstKernel: 5 } };

test('PixelCNN decoder: [z, x] → logits [batch, 784]; the VAE reads x by teacher forcing', () => {
  const dec = createPixelCnnDecoder({ kind: 'pixelcnn', latentDim: 3, height: 28, width: 28, seed: 0, channels: 4, layers: 2, firstKernel: 5 });
  assert.deepEqual(dec.inputs.map((i) => i.shape), [[null, 3], [null, 784]]);
  assert.deepEqual(dec.outputs[0].shape, [null, 784]);
  dec.dispose();
  const vae = createVAE(small);
  assert.equal(vae.autoregressive, true);
  tf.tidy(() => {
    const x = tf.randomUniform([4, 784], 0, 1, 'float32', 2) as tf.Tensor2D;
    const out = vae.forward(x, undefined, 3);
    assert.deepEqual(out.logits.shape, [4, 784]);
    assert.ok(Number.isFinite(elbo(x, out).loss.dataSync()[0]));
  });
  vae.dispose();
});

test('PixelCNN decoder: logit i depends on pixels before i only (gradient), within its receptive field, and on z', () => {
  const vae = createVAE(small);
  const i = 14 * 28 + 14;
  tf.tidy(() => {
    const x = tf.randomUniform([1, 784], 0, 1, 'float32', 4) as tf.Tensor2D;
    const z = tf.randomNormal([1, 3], 0, 1, 'float32', 5) as tf.Tensor2D;
    const [gz, gx] = tf.grads((zz: tf.Tensor, xx: tf.Tensor) => tf.sum(tf.slice(vae.decode(zz as tf.Tensor2D, xx as tf.Tensor2D), [0, i], [1, 1])))([z, x]);
    const g = Array.from(tf.abs(gx).dataSync());
    g.forEach((v, j) => {
      if (j >= i) assert.equal(v, 0, `logit ${i} must not depend on pixel ${j}`);
    });
    for (const j of [i - 1, i - 2, i - 28, i - 28 - 1, i - 28 + 1, i - 56]) assert.ok(g[j] > 0, `logit ${i} should depend on pixel ${j}`);
    // A 5×5 'A' layer and two 3×3 'B' layers see at most 2 + 1 + 1 rows up.
    assert.equal(g.slice(0, i - 5 * 28).reduce((a, b) => a + b, 0), 0, 'nothing beyond the receptive field');
    assert.ok(tf.sum(tf.abs(gz)).dataSync()[0] > 0, 'the code conditions the pixel');
  });
  vae.dispose();
});

test('PixelCNN VAE: saves and loads with its masked convolutions, and computes the same logits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelcnn-'));
  const vae = createVAE(small);
  try {
    await saveModel(vae, path.join(dir, 'm'));
    const loaded = await loadModel(path.join(dir, 'm'));
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

test('PixelCNN config: bad fields are named', () => {
  const ar = (o: object) => ({ autoregressive: { kind: 'pixelcnn' as const, channels: 4, layers: 1, firstKernel: 7, ...o } });
  assert.throws(() => createVAE(ar({ channels: 0 })), /autoregressive.channels must be a positive integer/);
  assert.throws(() => createVAE(ar({ firstKernel: 4 })), /autoregressive.firstKernel must be an odd integer/);
  assert.throws(() => createVAE(ar({ layers: -1 })), /autoregressive.layers must be an integer ≥ 0/);
});
