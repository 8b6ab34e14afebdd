import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { MaskedConv2D, convMask } from '../lib/model/masked-conv';

before(async () => {
  await initBackend();
});

/** A one-layer model x [b, h, w, 1] → [b, h, w, filters] around one MaskedConv2D. */
function oneLayer(maskType: 'A' | 'B', kernelSize = 3, filters = 2, side = 6): tf.LayersModel {
  const input = tf.input({ shape: [side, side, 1] });
  const out = new MaskedConv2D({ filters, kernelSize, maskType, seed: 7, name: 'masked' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** |∂ Σ_c out[0, r, q, c] / ∂ x[0, ·, ·, 0]| as a side × side array. */
function inputGradient(model: tf.LayersModel, r: number, q: number, side: number): number[] {
  return tf.tidy(() => {
    const x = tf.randomUniform([1, side, side, 1], 0, 1, 'float32', 3);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(model.apply(xx) as tf.Tensor4D, [0, r, q, 0], [1, 1, 1, -1])))(x);
    return Array.from(tf.abs(g).dataSync());
  });
}

test('convMask: 3×3 mask A opens the taps before the centre, B also the centre, nothing after', () => {
  const a = tf.tidy(() => Array.from(tf.squeeze(convMask(3, 'A', 1, 1)).dataSync()));
  const b = tf.tidy(() => Array.from(tf.squeeze(convMask(3, 'B', 1, 1)).dataSync()));
  assert.deepEqual(a, [1, 1, 1, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(b, [1, 1, 1, 1, 1, 0, 0, 0, 0]);
  const wide = convMask(5, 'B', 3, 4);
  assert.deepEqual(wide.shape, [5, 5, 3, 4]);
  assert.equal(wide.sum().dataSync()[0], 13 * 3 * 4, '12 taps before the centre and the centre, for every channel pair');
  wide.dispose();
});

test('MaskedConv2D: output pixel i depends only on input pixels before i (A), or up to i (B)', () => {
  const side = 6;
  for (const maskType of ['A', 'B'] as const) {
    const model = oneLayer(maskType, 3, 2, side);
    const [r, q] = [3, 2];
    const g = inputGradient(model, r, q, side);
    const i = r * side + q;
    g.forEach((v, j) => {
      const before = j < i;
      const reachable = Math.abs(Math.floor(j / side) - r) <= 1 && Math.abs((j % side) - q) <= 1;
      if (!before && !(maskType === 'B' && j === i)) assert.equal(v, 0, `mask ${maskType}: pixel ${i} must not see pixel ${j}`);
      else if (reachable) assert.ok(v > 0, `mask ${maskType}: pixel ${i} should see pixel ${j}`);
    });
    assert.equal(g[i] > 0, maskType === 'B', `mask ${maskType}: the centre pixel ${maskType === 'B' ? 'is' : 'is not'} seen`);
    model.dispose();
  }
});

test('MaskedConv2D: shapes, relu, and the gradient reaches the open taps of the kernel only', () => {
  const layer = new MaskedConv2D({ filters: 3, kernelSize: 3, maskType: 'A', activation: 'relu', seed: 1 });
  const input = tf.input({ shape: [5, 5, 2] });
  const out = layer.apply(input) as tf.SymbolicTensor;
  assert.deepEqual(out.shape, [null, 5, 5, 3]);
  const model = tf.model({ inputs: input, outputs: out });
  tf.tidy(() => {
    const x = tf.randomNormal([4, 5, 5, 2], 0, 1, 'float32', 2);
    const y = model.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [4, 5, 5, 3]);
    assert.ok(y.min().dataSync()[0] >= 0, 'relu output');
    const kernel = layer.trainableWeights[0].read() as tf.Variable;
    assert.deepEqual(kernel.shape, [3, 3, 2, 3]);
    const { grads } = tf.variableGrads(() => tf.sum(model.apply(x) as tf.Tensor) as tf.Scalar, [kernel]);
    const g = Array.from(tf.abs(grads[kernel.name]).sum([2, 3]).dataSync()); // per tap
    assert.deepEqual(g.map((v) => v > 0), [true, true, true, true, false, false, false, false, false]);
  });
  model.dispose();
});

test('MaskedConv2D: a model with it saves and loads (registered class, getConfig) and computes the same', async () => {
  const model = oneLayer('B', 5, 2, 6);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.ok(saved);
  assert.match(JSON.stringify(saved.modelTopology), /"class_name":"MaskedConv2D".*"mask_type":"b"/);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  tf.tidy(() => {
    const x = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 5);
    const diff = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))).dataSync()[0];
    assert.equal(diff, 0);
  });
  model.dispose();
  loaded.dispose();
});

test('MaskedConv2D: repeated calls and dispose leave no tensors behind', () => {
  const start = tf.memory().numTensors;
  const model = oneLayer('A');
  const x = tf.randomUniform([2, 6, 6, 1]);
  const afterBuild = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) (model.predict(x) as tf.Tensor).dispose();
  assert.equal(tf.memory().numTensors, afterBuild);
  x.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, start, 'the mask goes with the layer');
});

test('MaskedConv2D: bad arguments are named', () => {
  assert.throws(() => new MaskedConv2D({ filters: 2, kernelSize: 4, maskType: 'A' }), /kernelSize must be an odd/);
  assert.throws(() => new MaskedConv2D({ filters: 0, kernelSize: 3, maskType: 'A' }), /filters must be a positive integer/);
  assert.throws(() => new MaskedConv2D({ filters: 2, kernelSize: 3, maskType: 'C' as 'A' }), /maskType must be 'A' or 'B'/);
});
