// The Step kernel on tfjs-node (lib/backend/tensorflow/step.ts): the values of tfjs-node's own kernel, NaN, ±Inf and ±0
// included; leaky steps (α ≠ 0) still go to the stock kernel; ReLU's gradient through it is unchanged.
// Where tfjs-node does not load these tests skip, except in CI (CI=true), where .ci/run sets it up.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { tfjsNodeLoads, needTfjsNode } from './fixtures/tfjs-node';
import { tuneKernels, kernelTuning } from '../lib/backend/kernels';

before(async () => {
  if (tfjsNodeLoads()) await initBackend({ backend: 'tensorflow' });
});

const X = [-3, -0, 0, 1e-30, 2.5, -1e-30, Infinity, -Infinity, NaN];

/** step(x, α) and ReLU's gradient at X, with the replacement (tuned) or with tfjs-node's own kernel. */
function values(tuned: boolean, alpha: number): { step: number[]; grad: number[] } {
  tuneKernels(tuned ? 'tensorflow' : 'none');
  try {
    assert.equal(kernelTuning().step, tuned);
    return tf.tidy(() => {
      const x = tf.tensor1d(X);
      const step = Array.from(tf.step(x, alpha).dataSync());
      const grad = Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x).dataSync());
      return { step, grad };
    });
  } finally {
    tuneKernels('tensorflow');
  }
}

test('step(x) with α = 0: the stock kernel\'s values, including NaN, ±Inf and ±0, and ReLU\'s gradient', (t) => {
  if (!needTfjsNode(t)) return;
  const stock = values(false, 0);
  const replaced = values(true, 0);
  assert.deepEqual(replaced.step, stock.step);
  assert.deepEqual(replaced.grad, stock.grad);
  assert.deepEqual(replaced.step, [0, 0, 0, 1, 1, 0, 1, 0, NaN], 'and what a step is');
});

test('step(x) with α ≠ 0 (leaky) goes to the stock kernel', (t) => {
  if (!needTfjsNode(t)) return;
  assert.deepEqual(values(true, 0.25).step, values(false, 0.25).step);
});

test('the replacement leaves no tensors behind and frees its intermediates in TensorFlow', (t) => {
  if (!needTfjsNode(t)) return;
  const binding = (tf.backend() as unknown as { binding: { getNumOfTensors(): number } }).binding;
  const x = tf.randomNormal([64, 32], 0, 1, 'float32', 1);
  tf.step(x).dispose(); // the first call makes the cached scalar 0
  const [tensors, handles] = [tf.memory().numTensors, binding.getNumOfTensors()];
  for (let i = 0; i < 10; i++) tf.step(x).dispose();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(binding.getNumOfTensors(), handles);
  x.dispose();
});
