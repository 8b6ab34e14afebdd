/**
 * The gradients of sum and mean as a broadcast of dy, for tfjs-node.
 *
 * The gradient of y = Σᵢ xᵢ is 1 for every xᵢ, so dL/dx is dL/dy repeated over
 * the reduced axes (chapter 4: the reconstruction term sums 784 pixels per
 * digit). TF.js computes that repetition as dy · ones(x.shape): it fills an
 * array of ones in JavaScript, uploads it and multiplies, every step. A
 * broadcast (one Tile op) gives the same bits: x · 1 = x in IEEE arithmetic,
 * NaN and ±0 included, and the mean divides by the same count afterwards
 * (test/reduce-grad.test.ts).
 *
 * Only tfjs-node gets it: the wasm backend's Tile is slower than its product
 * with ones.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelFix } from '../kernel-fix';

/** dy with the reduced axes of x put back as size-1 axes, broadcast to x's shape. */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  return tf.broadcastTo(tf.reshape(dy, x.shape.map((size, i) => (axes.includes(i) ? 1 : size))), x.shape);
}

function reduceGrad(kernelName: 'Sum' | 'Mean', stock: GradConfig): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      // Anything but float32 keeps the stock gradient, which goes through ones('float32').
      if (d.dtype !== 'float32') return stock.gradFunc(dy, saved, attrs);
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      if (kernelName === 'Sum') return { x: () => broadcastBack(d, x, axes) };
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      return { x: () => tf.div(broadcastBack(d, x, axes), count) };
    },
  };
}

export const reduceGradFix: KernelFix = {
  backends: ['tensorflow'],
  why:
    'TF.js fills an array of ones in JS and uploads it every step; on wasm the broadcast measured slower ' +
    '(4.3 ms against 0.77 ms for 128×784), so wasm keeps the stock gradient (docs/speed.md)',
  gradients: [
    { kernelName: 'Sum', replace: (stock) => reduceGrad('Sum', stock) },
    { kernelName: 'Mean', replace: (stock) => reduceGrad('Mean', stock) },
  ],
};
