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
 * The input gradient keeps the stock kernels. lib/kernels.ts installs it for a
 * backend without the kernel (wasm) and restores the stock gradients for any
 * other (the gradient registry is global; other backends have the native kernel).
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
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error(`${kernel} gradient (wasm): only NHWC is supported, got ${attrs.dataFormat}`);
  const d = attrs.dilations;
  if (d !== undefined && !(d === 1 || (Array.isArray(d) && d.every((v) => v === 1)))) {
    throw new Error(`${kernel} gradient (wasm): dilations other than 1 are not supported`);
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
// Transposed convolution (Conv2DBackpropInput) on wasm as s × s small convolutions.
//
// The wasm Conv2DBackpropInput kernel is a direct loop (about 1 GFLOP/s here);
// the decoder's transposed convs and the input gradient of the encoder's convs
// both run through it. With stride s, output row y = py + s·a (phase py) only
// receives the filter rows ky ≡ py + padTop (mod s), so each of the s² output
// phases is an ordinary 'valid' convolution of dy (suitably padded) with a
// sub-filter of about (kh/s) × (kw/s) taps, flipped, channel axes swapped; the
// phases are then interleaved (the "sub-pixel" view of Shi et al. 2016;
// Dumoulin & Visin 2016, section 4). Same sums as the definition, s² times
// fewer multiplications than convolving a zero-interleaved dy, and each runs
// on the wasm Conv2D kernel (XNNPACK).
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

/** One axis of one phase: which filter taps, which rows of dy, how many output rows. */
interface PhaseAxis {
  /** First filter tap of the phase (taps r, r + s, r + 2s, …). */
  r: number;
  /** Number of taps. */
  taps: number;
  /** Output rows of the phase: y = p, p + s, … < size. */
  out: number;
  /** Row of dy read for output 0 and the first tap of the flipped sub-filter. */
  offset: number;
}

function phaseAxis(p: number, s: number, k: number, pad: number, size: number): PhaseAxis {
  const r = (p + pad) % s;
  const taps = r < k ? Math.ceil((k - r) / s) : 0;
  const out = p < size ? Math.ceil((size - p) / s) : 0;
  // dx[p + s·a] = Σ_t dy[a + q − t]·W[r + s·t] with q = (p + pad − r)/s; flipping t → taps − 1 − t
  // makes it a correlation over dy rows a + q − taps + 1 + u.
  const q = (p + pad - r) / s;
  return { r, taps, out, offset: q - taps + 1 };
}

function backpropInputSubPixel(args: Parameters<KernelConfig['kernelFunc']>[0]): Info {
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
    const { top, left } = info.padInfo;
    const hMax = Math.ceil(H / sh);
    const wMax = Math.ceil(W / sw);
    const rows: Info[] = [];
    for (let py = 0; py < sh; py++) {
      const ay = phaseAxis(py, sh, kh, top, H);
      const cols: Info[] = [];
      for (let px = 0; px < sw; px++) {
        const ax = phaseAxis(px, sw, kw, left, W);
        let phase: Info;
        if (ay.taps === 0 || ax.taps === 0 || ay.out === 0 || ax.out === 0) {
          phase = keep(run('Fill', {}, { shape: [n, ay.out, ax.out, C], value: 0, dtype: 'float32' }));
        } else {
          // dy rows offset … offset + out + taps − 2, zero outside dy (and the same for columns).
          const ly = ay.out + ay.taps - 1;
          const lx = ax.out + ax.taps - 1;
          const pads = [[0, 0], [Math.max(0, -ay.offset), Math.max(0, ay.offset + ly - h)], [Math.max(0, -ax.offset), Math.max(0, ax.offset + lx - w)], [0, 0]];
          let x = dy;
          if (pads.some(([p0, p1]) => p0 + p1 > 0)) x = keep(run('PadV2', { x }, { paddings: pads, constantValue: 0 }));
          const by = Math.max(0, ay.offset);
          const bx = Math.max(0, ax.offset);
          if (by > 0 || bx > 0 || x.shape[1] !== ly || x.shape[2] !== lx) {
            x = keep(run('Slice', { x }, { begin: [0, by, bx, 0], size: [n, ly, lx, D] }));
          }
          // The phase's taps, flipped, with the channel axes swapped: [taps_y, taps_x, D, C].
          const taps = keep(run('StridedSlice', { x: filter }, {
            begin: [ay.r, ax.r, 0, 0], end: [kh, kw, C, D], strides: [sh, sw, 1, 1],
            beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
          }));
          const flipped = keep(run('Reverse', { x: taps }, { dims: [0, 1] }));
          const f = keep(run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }));
          phase = keep(run('Conv2D', { x, filter: f }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] }));
        }
        // Pad every phase to hMax × wMax so that they interleave by a reshape.
        if (ay.out < hMax || ax.out < wMax) {
          phase = keep(run('PadV2', { x: phase }, { paddings: [[0, 0], [0, hMax - ay.out], [0, wMax - ax.out], [0, 0]], constantValue: 0 }));
        }
        cols.push(keep(run('Reshape', { x: phase }, { shape: [n, hMax, wMax, 1, C] })));
      }
      // [n, hMax, wMax, sw, C] → one row phase: [n, hMax, 1, wMax·sw, C].
      const row = sw > 1 ? keep(run('Concat', cols as unknown as Record<string, Info>, { axis: 3 })) : cols[0];
      rows.push(keep(run('Reshape', { x: row }, { shape: [n, hMax, 1, wMax * sw, C] })));
    }
    const all = sh > 1 ? keep(run('Concat', rows as unknown as Record<string, Info>, { axis: 2 })) : rows[0];
    const full = keep(run('Reshape', { x: all }, { shape: [n, hMax * sh, wMax * sw, C] }));
    if (hMax * sh === H && wMax * sw === W) {
      temps.splice(temps.indexOf(full), 1);
      return full;
    }
    return run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [n, H, W, C] });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Install (true) or restore (false) the Conv2DBackpropInput kernel of wasm that runs as s² small Conv2Ds. Idempotent. */
export function setWasmConvTransposeOverride(enabled: boolean): void {
  const current = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!current) return;
  const installed = stockBackpropInput !== undefined;
  if (enabled === installed) return;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  if (enabled) {
    stockBackpropInput = current;
    tf.registerKernel({ ...current, kernelFunc: backpropInputSubPixel as unknown as KernelConfig['kernelFunc'] });
  } else {
    tf.registerKernel(stockBackpropInput as KernelConfig);
    stockBackpropInput = undefined;
  }
}

/** Whether the Conv2DBackpropInput kernel of wasm runs as s² small Conv2Ds. */
export function wasmConvTransposeOverrideActive(): boolean {
  return stockBackpropInput !== undefined;
}
