import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { MaskedDense, autoregressiveMask, degrees } from '../lib/model/masked-dense';

before(async () => {
  await initBackend();
});

test('degrees and masks: pixels by index, hidden units spread over −1 … pixels − 2; ≤ into hidden units, < into pixels', () => {
  assert.deepEqual(Array.from(degrees('pixels', 4, 4)), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(degrees('hidden', 6, 4)), [-1, -1, 0, 1, 1, 2]);
  const spread = degrees('hidden', 400, 784);
  assert.equal(spread[0], -1);
  assert.equal(spread[399], 781, 'the last unit may see nearly the whole image');
  const direct = tf.tidy(() => Array.from(autoregressiveMask(3, 3, 3, 'pixels', 'pixels').dataSync()));
  assert.deepEqual(direct, [0, 1, 1, 0, 0, 1, 0, 0, 0], 'input j feeds output i only when j < i');
  const toHidden = tf.tidy(() => Array.from(autoregressiveMask(3, 3, 3, 'pixels', 'hidden').dataSync()));
  assert.deepEqual(toHidden, [0, 1, 1, 0, 0, 1, 0, 0, 0], 'hidden degrees −1, 0, 1: pixel 0 feeds the last two, pixel 1 the last, pixel 2 none');
  const fromHidden = tf.tidy(() => Array.from(autoregressiveMask(3, 3, 3, 'hidden', 'pixels').dataSync()));
  assert.deepEqual(fromHidden, [1, 1, 1, 0, 1, 1, 0, 0, 1], 'a unit of degree m feeds the pixels after m; degree −1 feeds them all');
});

test('MaskedDense: a two-layer MADE stack is autoregressive (gradient of each output w.r.t. the inputs)', () => {
  const p = 6;
  const x = tf.input({ shape: [p] });
  const h = new MaskedDense({ units: 8, pixels: p, inputDegrees: 'pixels', unitDegrees: 'hidden', seed: 1 }).apply(x) as tf.SymbolicTensor;
  const r = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  const y = new MaskedDense({ units: p, pixels: p, inputDegrees: 'hidden', unitDegrees: 'pixels', seed: 2 }).apply(r) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: y });
  assert.deepEqual(y.shape, [null, p]);
  tf.tidy(() => {
    const input = tf.randomUniform([1, p], 0.5, 1, 'float32', 3);
    for (let i = 0; i < p; i++) {
      const g = Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.slice(model.apply(v) as tf.Tensor, [0, i], [1, 1])))(input).dataSync());
      g.forEach((v, j) => {
        if (j >= i) assert.equal(v, 0, `output ${i} must not depend on input ${j}`);
      });
    }
  });
  model.dispose();
});

test('MaskedDense: saves and loads (registered class, getConfig), computes the same, leaks nothing', async () => {
  const start = tf.memory().numTensors;
  const x = tf.input({ shape: [5] });
  const model = tf.model({ inputs: x, outputs: new MaskedDense({ units: 5, pixels: 5, inputDegrees: 'pixels', unitDegrees: 'pixels', seed: 4 }).apply(x) as tf.SymbolicTensor });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.ok(saved);
  assert.match(JSON.stringify(saved.modelTopology), /"class_name":"MaskedDense"/);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  const input = tf.randomUniform([3, 5], 0, 1, 'float32', 5);
  const a = model.predict(input) as tf.Tensor;
  const b = loaded.predict(input) as tf.Tensor;
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  [a, b, input].forEach((t) => t.dispose());
  model.dispose();
  loaded.dispose();
  assert.equal(tf.memory().numTensors, start, 'weights and masks go with their layers');
});

test('MaskedDense: bad arguments are named', () => {
  assert.throws(() => new MaskedDense({ units: 0, pixels: 4, inputDegrees: 'pixels', unitDegrees: 'hidden' }), /units must be a positive integer/);
  assert.throws(() => new MaskedDense({ units: 3, pixels: 4, inputDegrees: 'hidden', unitDegrees: 'pixels' }), /needs units = pixels \(4\)/);
  assert.throws(() => new MaskedDense({ units: 3, pixels: 4, inputDegrees: 'rows' as 'pixels', unitDegrees: 'hidden' }), /inputDegrees must be 'pixels' or 'hidden'/);
});
