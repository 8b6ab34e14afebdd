// Reshape, Sum, Mean, Max, Transpose, Tile and ExpandDims on tfjs-node with cached int32 operands, and Cast to
// the same dtype as no op (lib/backend/tensorflow/lean-kernels.ts): the same bits as tfjs-node's own kernels for float32, int32
// and bool, keepDims and negative axes included, the same gradients through them, and no tensors or TensorFlow
// handles left behind.
// Where tfjs-node does not load these tests skip, except in CI (CI=true), where .ci/run sets it up.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { tuneKernels, kernelTuning } from '../lib/backend/kernels';
import { tfjsNodeLoads, needTfjsNode } from './fixtures/tfjs-node';

before(async () => {
  if (tfjsNodeLoads()) await initBackend({ backend: 'tensorflow' });
});

/** Every case's output as [shape, dtype, values], computed with the replacements (tuned) or the stock kernels. */
function outputs(tuned: boolean): [number[], string, number[]][] {
  tuneKernels(tuned ? 'tensorflow' : 'none');
  try {
    assert.equal(kernelTuning().leanKernels, tuned);
    return tf.tidy(() => {
      const f = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
      const i = tf.tensor3d(Array.from({ length: 24 }, (_, k) => (k * 7) % 11 - 5), [2, 3, 4], 'int32');
      const b = tf.greater(f, 0);
      const w = tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', 2));
      const loss = () => tf.sum(tf.mean(tf.tile(tf.reshape(tf.transpose(tf.mul(w, w)), [4, 3, 1]), [1, 1, 2]), -1)) as tf.Scalar;
      const grad = tf.variableGrads(loss, [w]).grads[w.name];
      const results = [
        tf.reshape(f, [6, 4]), tf.reshape(i, [4, -1]), tf.reshape(b, [24]),
        tf.sum(f), tf.sum(f, 1), tf.sum(f, [0, 2], true), tf.sum(i, -1), tf.sum(b, 0),
        tf.mean(f), tf.mean(f, [1, 2]), tf.mean(f, -1, true), tf.mean(i, 0),
        tf.max(f, 2), tf.max(i, [0, 1], true),
        tf.transpose(f), tf.transpose(f, [1, 0, 2]), tf.transpose(i, [2, 0, 1]),
        tf.tile(f, [1, 2, 1]), tf.tile(i, [2, 1, 1]), tf.tile(b, [1, 1, 3]),
        tf.expandDims(f, 0), tf.expandDims(i, -1), tf.expandDims(b, 1),
        tf.stack([f, f], 1), grad,
        tf.cast(f, 'float32'), tf.cast(i, 'int32'), tf.cast(f, 'int32'), tf.cast(i, 'float32'), tf.cast(b, 'float32'),
      ];
      const out = results.map((t): [number[], string, number[]] => [t.shape, t.dtype, Array.from(t.dataSync())]);
      w.dispose();
      return out;
    });
  } finally {
    tuneKernels('tensorflow');
  }
}

test('each replaced kernel gives the stock kernel\'s shape, dtype and bits, and a gradient through them agrees', (t) => {
  if (!needTfjsNode(t)) return;
  const stock = outputs(false);
  const replaced = outputs(true);
  assert.equal(replaced.length, stock.length);
  replaced.forEach((r, k) => assert.deepEqual(r, stock[k], `case ${k}`));
});

test('no TF.js tensors and no TensorFlow handles pile up: the operands are made once per distinct value', (t) => {
  if (!needTfjsNode(t)) return;
  const binding = (tf.backend() as unknown as { binding: { getNumOfTensors(): number } }).binding;
  const x = tf.randomNormal([8, 6], 0, 1, 'float32', 3);
  const round = () => tf.tidy(() => void tf.sum(tf.mean(tf.cast(tf.reshape(tf.transpose(x), [3, 16]), 'float32'), 1)).dataSync());
  round(); // makes the constants
  const [tensors, handles] = [tf.memory().numTensors, binding.getNumOfTensors()];
  for (let k = 0; k < 10; k++) round();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(binding.getNumOfTensors(), handles);
  x.dispose();
});

test('a same-dtype cast shares the handle: disposing either leaves the other readable', (t) => {
  if (!needTfjsNode(t)) return;
  const x = tf.tensor1d([1.5, -2, 3]);
  const c = tf.cast(x, 'float32');
  c.dispose();
  assert.deepEqual(Array.from(x.dataSync()), [1.5, -2, 3]);
  const d = tf.cast(x, 'float32');
  x.dispose();
  assert.deepEqual(Array.from(d.dataSync()), [1.5, -2, 3]);
  d.dispose();
});
