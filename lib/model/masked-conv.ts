/**
 * A masked 2-D convolution (van den Oord et al. 2016, "Pixel recurrent neural networks", section 3.5; chapter 4,
 * "Collapse where it is real"): the kernel is multiplied by a fixed mask that zeroes every tap on or after the
 * centre pixel in raster order, so output pixel i sees only input pixels before i. Mask 'A' (the first layer) also
 * hides the centre, so the output never sees its own pixel; mask 'B' (later layers) keeps it, since there the
 * centre holds features computed from earlier pixels only. Stacked, the layers give each pixel's output a view
 * of the pixels above it and to its left: an autoregressive decoder p(x|z) = Π_i p(x_i | x_<i, z).
 *
 * A tfjs custom layer (static className, computeOutputShape, getConfig, call inside tidy, registerClass), so a
 * model that contains it saves and loads like any other.
 */
import * as tf from '@tensorflow/tfjs';
import { MaskedLayer, firstShape, type MaskedLayerArgs } from './masked-layer';

export type MaskType = 'A' | 'B';

export interface MaskedConv2DArgs extends MaskedLayerArgs {
  /** Output channels. */
  filters: number;
  /** Odd kernel side (the mask needs a centre). */
  kernelSize: number;
  /** 'A' hides the centre pixel (first layer), 'B' keeps it (later layers). */
  maskType: MaskType;
  /** Applied after the masked convolution and the bias. */
  activation?: 'linear' | 'relu';
}

/**
 * The mask [k, k, inChannels, filters]: 1 above the centre row, 1 left of the centre on its row, the centre
 * itself 1 for 'B' and 0 for 'A', 0 everywhere after it.
 */
export function convMask(kernelSize: number, maskType: MaskType, inChannels: number, filters: number): tf.Tensor4D {
  const c = (kernelSize - 1) / 2;
  const values = new Float32Array(kernelSize * kernelSize * inChannels * filters);
  for (let r = 0; r < kernelSize; r++) {
    for (let q = 0; q < kernelSize; q++) {
      const open = r < c || (r === c && (q < c || (q === c && maskType === 'B')));
      if (!open) continue;
      const base = (r * kernelSize + q) * inChannels * filters;
      values.fill(1, base, base + inChannels * filters);
    }
  }
  return tf.tensor4d(values, [kernelSize, kernelSize, inChannels, filters]);
}

export class MaskedConv2D extends MaskedLayer {
  static className = 'MaskedConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly maskType: MaskType;
  readonly activation: 'linear' | 'relu';

  constructor(args: MaskedConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`MaskedConv2D: filters must be a positive integer, got ${String(args.filters)}`);
    if (!Number.isInteger(args.kernelSize) || args.kernelSize < 1 || args.kernelSize % 2 !== 1) {
      throw new Error(`MaskedConv2D: kernelSize must be an odd positive integer (the mask needs a centre), got ${String(args.kernelSize)}`);
    }
    // Saved configs come back lower-cased (tfjs writes string values in Python style: 'B' → 'b').
    const maskType = typeof args.maskType === 'string' ? args.maskType.toUpperCase() : args.maskType;
    if (maskType !== 'A' && maskType !== 'B') throw new Error(`MaskedConv2D: maskType must be 'A' or 'B', got '${String(args.maskType)}'`);
    const activation = args.activation ?? 'linear';
    if (activation !== 'linear' && activation !== 'relu') throw new Error(`MaskedConv2D: activation must be 'linear' or 'relu', got '${String(activation)}'`);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.maskType = maskType;
    this.activation = activation;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = firstShape(inputShape);
    const inChannels = shape[shape.length - 1];
    if (typeof inChannels !== 'number') throw new Error(`MaskedConv2D: the input's channel count must be known, got shape [${shape.join(',')}]`);
    const k = this.kernelSize;
    // He-uniform over the taps the mask keeps (what the unit really sums over): ±√(6 / fanIn) keeps the
    // variance of the activations through stacked ReLU layers, so a deep stack trains from the first steps.
    const open = (k * k - 1) / 2 + (this.maskType === 'B' ? 1 : 0);
    this.addMaskedWeights(convMask(k, this.maskType, inChannels, this.filters), this.filters, Math.sqrt(6 / Math.max(1, open * inChannels)));
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...firstShape(inputShape).slice(0, -1), this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D; // [batch, h, w, c]
      const { kernel, bias } = this.weightsForCall();
      const y = tf.add(tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same'), bias); // [batch, h, w, filters]
      return this.activation === 'relu' ? tf.relu(y) : y;
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, maskType: this.maskType, activation: this.activation };
  }
}

tf.serialization.registerClass(MaskedConv2D);
