/**
 * Convolution filter gradients for the wasm backend.
 *
 * @tensorflow/tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel, so
 * the stock gradients of Conv2D (our strided encoder convs) and of
 * Conv2DBackpropInput (the decoder's transposed convs) fail there with
 * "Kernel 'Conv2DBackpropFilter' not registered". This module re-registers
 * those two gradients with the filter gradient written as im2col + one matMul:
 *
 *   dW[i, j, c, o] = Σ_{n, y, x} xpad[n, y·s + i, x·s + j, c] · dy[n, y, x, o]
 *
 * i.e. the strided patches of the padded input, laid side by side
 * ([n·outH·outW, kh·kw·inC]), transposed and multiplied by dy ([n·outH·outW, outC]).
 * The input gradient keeps the stock kernels. Installed only on wasm (the
 * gradient registry is global; other backends have the native kernel).
 */
import * as tf from '@tensorflow/tfjs';

type GradConfig = ReturnType<typeof tf.getGradient>;
type Pad = 'same' | 'valid' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

let stock: { conv2d: GradConfig; backpropInput: GradConfig } | undefined;
let active = false;

/** The filter gradient of conv2d(x, filter) given dy, by im2col and a single matMul. */
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
    const { top, bottom, left, right } = info.padInfo;
    const { strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
    const n = x.shape[0];
    const xpad = top + bottom + left + right > 0 ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const patches: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const patch = tf.stridedSlice(
          xpad,
          [0, i, j, 0],
          [n, i + (outHeight - 1) * sh + 1, j + (outWidth - 1) * sw + 1, inC],
          [1, sh, sw, 1],
        ); // [n, outH, outW, inC]
        patches.push(patch);
      }
    }
    const cols = tf.reshape(tf.concat(patches, 3), [n * outHeight * outWidth, kh * kw * inC]); // [n·outH·outW, kh·kw·inC]
    const dyFlat = tf.reshape(dy, [n * outHeight * outWidth, outC]); // [n·outH·outW, outC]
    // Explicit transpose: the wasm matMul is several times faster than with transposeA (FACTS.md).
    return tf.reshape(tf.matMul(tf.transpose(cols), dyFlat), [kh, kw, inC, outC]) as tf.Tensor4D;
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

/** Installs the override when the active backend lacks Conv2DBackpropFilter (wasm); called by the conv model factories. */
export function ensureConvGradients(): void {
  const backend = tf.getBackend();
  if (backend && tf.getKernel('Conv2DBackpropFilter', backend) === undefined) setConvGradOverride(true);
}

/** Whether the im2col filter gradients are installed. */
export function convGradOverrideActive(): boolean {
  return active;
}
