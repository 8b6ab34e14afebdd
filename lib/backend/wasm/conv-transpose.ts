/**
 * The transposed convolution (Conv2DBackpropInput) on wasm as a plain convolution.
 *
 * The wasm Conv2DBackpropInput kernel is a direct loop (about 1 GFLOP/s here);
 * the decoder's transposed convs and the input gradient of the encoder's convs
 * both run through it. A transposed convolution with stride s equals a 'valid'
 * convolution of dy with zeros interleaved (s − 1 between neighbours), padded by
 * kh − 1 − padTop, with the filter rotated by 180° and its channel axes swapped
 * (Dumoulin & Visin 2016, "A guide to convolution arithmetic", section 4). The
 * wasm Conv2D kernel (XNNPACK) runs that many times faster.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvAttrs } from '../conv-grad';
import type { KernelFix, KernelFunc } from '../kernel-fix';
import { kernelCalls, type Info } from './kernel-calls';

const backpropInputAsConv = (stock: KernelFunc): KernelFunc => (args) => {
  const { dy, filter } = args.inputs as unknown as { dy: Info; filter: Info };
  const a = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  if (a.dataFormat && a.dataFormat !== 'NHWC') return stock(args);
  const { run, keep, free, release } = kernelCalls(args, 'conv-grad');
  try {
    const [n, H, W, C] = a.inputShape;
    const [kh, kw, , D] = filter.shape;
    const [, h, w] = dy.shape;
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
    const { strideHeight: sh, strideWidth: sw } = info;
    // Interleave zeros: rows, then columns (rank-4 pads keep the wasm fast paths).
    let u: Info = dy;
    if (sh > 1) {
      const r = keep(run('Reshape', { x: u }, { shape: [n, h, 1, w * D] }));
      const p = keep(run('PadV2', { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0]], constantValue: 0 }));
      u = keep(run('Reshape', { x: p }, { shape: [n, h * sh, w, D] }));
    }
    if (sw > 1) {
      const r = keep(run('Reshape', { x: u }, { shape: [n * h * sh, w, 1, D] }));
      const p = keep(run('PadV2', { x: r }, { paddings: [[0, 0], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 }));
      u = keep(run('Reshape', { x: p }, { shape: [n, h * sh, w * sw, D] }));
    }
    // u has h·sh rows; the convolution needs H + kh − 1 of them, starting kh − 1 − padTop above.
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = H + kh - 1 - top - h * sh;
    const right = W + kw - 1 - left - w * sw;
    if (top < 0 || left < 0) return stock(args);
    if (top + left + Math.max(0, bottom) + Math.max(0, right) > 0) {
      u = keep(run('PadV2', { x: u }, { paddings: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]], constantValue: 0 }));
    }
    if (bottom < 0 || right < 0) u = keep(run('Slice', { x: u }, { begin: [0, 0, 0, 0], size: [n, H + kh - 1, W + kw - 1, D] }));
    const flipped = keep(run('Reverse', { x: filter }, { dims: [0, 1] })); // [kh, kw, C, D]
    const f = keep(run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] })); // [kh, kw, D, C]
    const out = run('Conv2D', { x: u, filter: f }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
    if (out.shape[1] !== H || out.shape[2] !== W || out.shape[3] !== C) {
      free(out);
      throw new Error(`conv-grad: transposed conv produced [${out.shape}] instead of [${a.inputShape}]`);
    }
    return out as never;
  } finally {
    release();
  }
};

export const wasmConvTranspose: KernelFix = {
  backends: ['wasm'],
  why: 'the stock wasm transposed convolution is a direct loop; the conv VAE trains at 408 samples/s with this (npm run bench -- --model conv)',
  kernels: [{ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', replace: backpropInputAsConv }],
};
