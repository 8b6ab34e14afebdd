// The gradients of sum and mean as a broadcast of dy (lib/backend/tensorflow/reduce-grad.ts): the stock gradients' bits for
// every axis choice, keepDims, NaN and ±0, on whichever backend the test runs; a non-float32 dy keeps the
// stock path; switching it off restores the stock configs; initBackend installs it on tensorflow only.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { tuneKernel, kernelTuning } from '../lib/backend/kernels';

before(async () => {
  await initBackend();
});

/** d/dx of Σ w ⊙ reduce(x) for each reduction case, as [shape, values]. */
function gradients(): [number[], number[]][] {
  return tf.tidy(() => {
    const x = tf.tensor3d([1, -0, 0, NaN, 2.5, -3, 4, 5, -6, 7, 8, Infinity], [2, 3, 2]);
    const cases: ((v: tf.Tensor) => tf.Tensor)[] = [
      (v) => tf.sum(v), (v) => tf.sum(v, 1), (v) => tf.sum(v, [0, 2], true), (v) => tf.sum(v, -1),
      (v) => tf.mean(v), (v) => tf.mean(v, 0), (v) => tf.mean(v, [1, 2], true), (v) => tf.mean(v, -2),
    ];
    return cases.map((reduce) => {
      const g = tf.grad((v: tf.Tensor) => {
        const r = reduce(v);
        return tf.sum(tf.mul(r, tf.range(1, r.size + 1).reshape(r.shape))) as tf.Scalar;
      })(x);
      return [g.shape, Array.from(g.dataSync())];
    });
  });
}

test('the broadcast gradients of sum and mean: the stock gradients\' shapes and bits', () => {
  const wasOn = kernelTuning().reduceGrad;
  try {
    tuneKernel('reduceGrad', false);
    const stock = gradients();
    tuneKernel('reduceGrad', true);
    assert.ok(kernelTuning().reduceGrad);
    const broadcast = gradients();
    broadcast.forEach((g, k) => assert.deepEqual(g, stock[k], `case ${k}`));
  } finally {
    tuneKernel('reduceGrad', wasOn);
  }
});

test('switching it off restores the stock gradient configs', () => {
  const wasOn = kernelTuning().reduceGrad;
  try {
    tuneKernel('reduceGrad', false);
    const [sum, mean] = [tf.getGradient('Sum'), tf.getGradient('Mean')];
    tuneKernel('reduceGrad', true);
    assert.notEqual(tf.getGradient('Sum'), sum);
    tuneKernel('reduceGrad', false);
    assert.equal(tf.getGradient('Sum'), sum);
    assert.equal(tf.getGradient('Mean'), mean);
  } finally {
    tuneKernel('reduceGrad', wasOn);
  }
});

test('initBackend installs it on tensorflow only', () => {
  assert.equal(kernelTuning().reduceGrad, tf.getBackend() === 'tensorflow');
});
