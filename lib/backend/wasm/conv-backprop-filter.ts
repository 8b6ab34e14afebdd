/**
 * The Conv2DBackpropFilter kernel that @tensorflow/tfjs-backend-wasm 4.22 lacks.
 *
 * The gradient fix of lib/backend/conv-grad.ts covers Conv2D and
 * Conv2DBackpropInput, but the fused convolution (a tf.layers.conv2d with a bias
 * and a linear activation, e.g. the PixelCNN decoder's 1×1 output layer) has a
 * gradient of its own that calls this kernel directly. Here it is the same
 * identity as `conv2dFilterGrad`, in wasm kernels:
 *
 *   dW[i, j, c, o] = Σ_{n, y, x} xpad[n, y·s + i, x·s + j, c] · dy[n, y, x, o],
 *
 * a 'valid' convolution of the padded input (batch and channel axes swapped)
 * with dy as the filter, dilated by the stride.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvAttrs } from '../conv-grad';
import type { KernelFix, KernelFunc } from '../kernel-fix';
import { kernelCalls, type Info } from './kernel-calls';

const backpropFilter: KernelFunc = (args) => {
  const { x, dy } = args.inputs as unknown as { x: Info; dy: Info };
  const a = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${a.dataFormat}`);
  const { run, keep, free, release } = kernelCalls(args, 'Conv2DBackpropFilter (wasm)');
  try {
    const [n, H, W, C] = x.shape;
    const [kh, kw, , D] = a.filterShape;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
    const { strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
    const { top, left } = info.padInfo;
    // The rows and columns a filter tap can touch: kh + (outH − 1)·sh of them, from the padded top.
    const hp = kh + (outHeight - 1) * sh;
    const wp = kw + (outWidth - 1) * sw;
    const extraH = hp - (H + top);
    const extraW = wp - (W + left);
    let xpad: Info = x;
    if (top + Math.max(0, extraH) + left + Math.max(0, extraW) > 0) {
      xpad = keep(run('PadV2', { x: xpad }, { paddings: [[0, 0], [top, Math.max(0, extraH)], [left, Math.max(0, extraW)], [0, 0]], constantValue: 0 }));
    }
    if (extraH < 0 || extraW < 0) xpad = keep(run('Slice', { x: xpad }, { begin: [0, 0, 0, 0], size: [n, hp, wp, C] }));
    const xT = keep(run('Transpose', { x: xpad }, { perm: [3, 1, 2, 0] })); // [C, hp, wp, n]
    const dyT = keep(run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] })); // [outH, outW, n, D]
    const r = keep(run('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] })); // [C, kh, kw, D]
    const out = run('Transpose', { x: r }, { perm: [1, 2, 0, 3] }); // [kh, kw, C, D]
    if (out.shape.join() !== [kh, kw, C, D].join()) {
      free(out);
      throw new Error(`Conv2DBackpropFilter (wasm): produced [${out.shape}] instead of [${a.filterShape}]`);
    }
    return out as never;
  } finally {
    release();
  }
};

export const wasmConvBackpropFilter: KernelFix = {
  backends: ['wasm'],
  why: 'wasm has no Conv2DBackpropFilter kernel, and the fused convolution\'s gradient (a linear conv layer with a bias) calls it directly: the PixelCNN decoder could not train on wasm without it',
  kernels: [{ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', add: backpropFilter }],
};
