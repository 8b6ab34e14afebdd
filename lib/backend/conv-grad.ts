/**
 * Convolution filter gradients for the wasm backend.
 *
 * @tensorflow/tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel, so
 * the stock gradients of Conv2D (our strided encoder convs) and of
 * Conv2DBackpropInput (the decoder's transposed convs) fail there with
 * "Kernel 'Conv2DBackpropFilter' not registered". This module re-registers
 * those two gradients with the filter gradient written as one dilated convolution:
 *
 *   dW[i, j, c, o] = Σ_{n, y, x} xpad[n, y·s + i, x·s + j, c] · dy[n, y, x, o]
 *
 * i.e. a 'valid' convolution of the padded input (batch and channel axes
 * swapped) with dy as the filter, dilated by the stride (the identity TensorFlow
 * itself uses for this gradient).
 * The input gradient keeps the stock kernels. Installed on wasm (no such
 * kernel) and cpu (a slow direct loop); tfjs-node keeps its native one.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelFix } from './kernel-fix';

type Pad = 'same' | 'valid' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** The filter gradient of conv2d(x, filter) given dy, as one dilated convolution. */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: Rounding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, inC, outC] = filterShape;
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode);
    const { top, left } = info.padInfo;
    const { strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
    const n = x.shape[0];
    // Pad as the forward pass did, then pad or crop bottom/right to exactly
    // kh + (outH − 1)·sh rows (kw + (outW − 1)·sw columns): the rows a filter tap can touch.
    const hp = kh + (outHeight - 1) * sh;
    const wp = kw + (outWidth - 1) * sw;
    const extraH = hp - (x.shape[1] + top);
    const extraW = wp - (x.shape[2] + left);
    let xpad: tf.Tensor4D = x;
    if (top + Math.max(0, extraH) + left + Math.max(0, extraW) > 0) {
      xpad = tf.pad(x, [[0, 0], [top, Math.max(0, extraH)], [left, Math.max(0, extraW)], [0, 0]]);
    }
    if (extraH < 0 || extraW < 0) xpad = tf.slice(xpad, [0, 0, 0, 0], [n, hp, wp, inC]);
    // dW[i, j, c, o] = Σ_{y, x, n} xpad[n, i + y·s, j + x·s, c] · dy[n, y, x, o] is a
    // 'valid' convolution of xpad (batch and channel axes swapped) with dy as the
    // filter, dilated by the stride: the wasm Conv2D kernel (XNNPACK) does it in one call.
    const xT = tf.transpose(xpad, [3, 1, 2, 0]); // [inC, hp, wp, n]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [outH, outW, n, outC]
    const r = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', [sh, sw]); // [inC, kh, kw, outC]
    return tf.transpose(r, [1, 2, 0, 3]) as tf.Tensor4D; // [kh, kw, inC, outC]
  });
}

export interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: Rounding;
}

export function checkAttrs(kernel: string, attrs: ConvAttrs): void {
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error(`${kernel} gradient (wasm, cpu): only NHWC is supported, got ${attrs.dataFormat}`);
  const d = attrs.dilations;
  if (d !== undefined && !(d === 1 || (Array.isArray(d) && d.every((v) => v === 1)))) {
    throw new Error(`${kernel} gradient (wasm, cpu): dilations other than 1 are not supported`);
  }
}

const conv2dGrad: GradConfig = {
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as ConvAttrs;
    checkAttrs('Conv2D', a);
    const g = dy as tf.Tensor4D;
    return {
      x: () => tf.conv2dTranspose(g, filter, x.shape, a.strides, a.pad as 'same' | 'valid', a.dimRoundingMode),
      filter: () => conv2dFilterGrad(x, g, filter.shape, a.strides, a.pad, a.dimRoundingMode),
    };
  },
};

const backpropInputGrad: GradConfig = {
  kernelName: 'Conv2DBackpropInput',
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as ConvAttrs;
    checkAttrs('Conv2DBackpropInput', a);
    const g = ddx as tf.Tensor4D;
    return {
      dy: () => tf.conv2d(g, filter, a.strides, a.pad, 'NHWC', 1, a.dimRoundingMode),
      filter: () => conv2dFilterGrad(g, dy, filter.shape, a.strides, a.pad, a.dimRoundingMode),
    };
  },
};

export const convFilterGrad: KernelFix = {
  backends: ['wasm', 'cpu'],
  why:
    'wasm has no Conv2DBackpropFilter kernel, so a conv VAE cannot train there without it; cpu has a direct loop: ' +
    'a cpu conv VAE step took 43 s with it, 85 % of the time there (npm run bench -- --profile --backend cpu --model conv --stock)',
  gradients: [
    { kernelName: 'Conv2D', replace: () => conv2dGrad },
    { kernelName: 'Conv2DBackpropInput', replace: () => backpropInputGrad },
  ],
};
