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
 * The input gradient keeps the stock kernels. lib/kernels.ts installs it on wasm
 * (no such kernel) and cpu (a slow direct loop), and restores the stock
 * gradients for tfjs-node (the gradient registry is global).
 */
import * as tf from '@tensorflow/tfjs';

type GradConfig = ReturnType<typeof tf.getGradient>;
type Pad = 'same' | 'valid' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

let stock: { conv2d: GradConfig; backpropInput: GradConfig } | undefined;
let active = false;

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

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: Rounding;
}

function checkAttrs(kernel: string, attrs: ConvAttrs): void {
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

/** Install (true) or restore (false) the im2col filter gradients. Idempotent. */
export function setConvGradOverride(enabled: boolean): void {
  if (enabled === active) return;
  if (enabled) {
    stock = { conv2d: tf.getGradient('Conv2D'), backpropInput: tf.getGradient('Conv2DBackpropInput') };
    tf.registerGradient(conv2dGrad);
    tf.registerGradient(backpropInputGrad);
  } else if (stock) {
    tf.registerGradient(stock.conv2d);
    tf.registerGradient(stock.backpropInput);
  }
  active = enabled;
}

/** Whether the im2col filter gradients are installed. */
export function convGradOverrideActive(): boolean {
  return active;
}

// ---------------------------------------------------------------------------
// Transposed convolution (Conv2DBackpropInput) on wasm as a plain convolution.
//
// The wasm Conv2DBackpropInput kernel is a direct loop (about 1 GFLOP/s here);
// the decoder's transposed convs and the input gradient of the encoder's convs
// both run through it. A transposed convolution with stride s equals a 'valid'
// convolution of dy with zeros interleaved (s − 1 between neighbours), padded by
// kh − 1 − padTop, with the filter rotated by 180° and its channel axes swapped
// (Dumoulin & Visin 2016, "A guide to convolution arithmetic", section 4). The
// wasm Conv2D kernel (XNNPACK) runs that many times faster.
// ---------------------------------------------------------------------------

interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface WasmLike {
  disposeData(dataId: object): void;
}

let stockBackpropInput: KernelConfig | undefined;
type KernelConfig = Parameters<typeof tf.registerKernel>[0];

function kernel(name: string): KernelConfig['kernelFunc'] {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`conv-grad: the wasm backend has no ${name} kernel`);
  return k.kernelFunc;
}

function backpropInputAsConv(args: Parameters<KernelConfig['kernelFunc']>[0]): Info {
  const { dy, filter } = args.inputs as unknown as { dy: Info; filter: Info };
  const backend = args.backend as unknown as WasmLike;
  const a = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  if (a.dataFormat && a.dataFormat !== 'NHWC') return (stockBackpropInput as KernelConfig).kernelFunc(args) as unknown as Info;
  const run = (name: string, inputs: Record<string, Info>, attrs: Record<string, unknown>): Info =>
    kernel(name)({ inputs: inputs as never, backend: args.backend, attrs: attrs as never }) as unknown as Info;
  const temps: Info[] = [];
  const keep = (t: Info): Info => {
    temps.push(t);
    return t;
  };
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
    if (top < 0 || left < 0) return (stockBackpropInput as KernelConfig).kernelFunc(args) as unknown as Info;
    if (top + left + Math.max(0, bottom) + Math.max(0, right) > 0) {
      u = keep(run('PadV2', { x: u }, { paddings: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]], constantValue: 0 }));
    }
    if (bottom < 0 || right < 0) u = keep(run('Slice', { x: u }, { begin: [0, 0, 0, 0], size: [n, H + kh - 1, W + kw - 1, D] }));
    const flipped = keep(run('Reverse', { x: filter }, { dims: [0, 1] })); // [kh, kw, C, D]
    const f = keep(run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] })); // [kh, kw, D, C]
    const out = run('Conv2D', { x: u, filter: f }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
    if (out.shape[1] !== H || out.shape[2] !== W || out.shape[3] !== C) {
      backend.disposeData(out.dataId);
      throw new Error(`conv-grad: transposed conv produced [${out.shape}] instead of [${a.inputShape}]`);
    }
    return out;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Install (true) or restore (false) the Conv2DBackpropInput kernel of wasm that runs as a Conv2D. Idempotent. */
export function setWasmConvTransposeOverride(enabled: boolean): void {
  const current = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!current) return;
  const installed = stockBackpropInput !== undefined;
  if (enabled === installed) return;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  if (enabled) {
    stockBackpropInput = current;
    tf.registerKernel({ ...current, kernelFunc: backpropInputAsConv as unknown as KernelConfig['kernelFunc'] });
  } else {
    tf.registerKernel(stockBackpropInput as KernelConfig);
    stockBackpropInput = undefined;
  }
}

/** Whether the Conv2DBackpropInput kernel of wasm runs as a Conv2D. */
export function wasmConvTransposeOverrideActive(): boolean {
  return stockBackpropInput !== undefined;
}
