/**
 * A masked fully connected layer (MADE, Germain et al. 2015; chapter 4, "Collapse where it is real"). Every input
 * and every unit has a degree: a pixel's is its index in raster order, a hidden unit's the largest pixel index it
 * may depend on (unit k of n gets ⌊k · pixels / n⌋ − 1, spreading the degrees evenly over −1 … pixels − 2; a unit
 * of degree −1 sees no pixel, and carries what else the layer is given, such as a code z, to every pixel). The kernel
 * [inputs, units] is multiplied by a fixed mask that keeps weight (j → k) when deg(j) ≤ deg(k) into a hidden
 * layer, and only when deg(j) < deg(k) into the pixel outputs. Stacked, output i then depends on pixels < i only:
 * one pass over a whole image gives the logits of p(x_i | x_<i) for every i (teacher forcing).
 *
 * A tfjs custom layer (static className, computeOutputShape, getConfig, call inside tidy, registerClass), so a
 * model that contains it saves and loads like any other.
 */
import * as tf from '@tensorflow/tfjs';
import { MaskedLayer, firstShape, type MaskedLayerArgs } from './masked-layer';

/** What a layer's inputs or units stand for: the pixels themselves, or hidden units. */
export type Degrees = 'pixels' | 'hidden';

export interface MaskedDenseArgs extends MaskedLayerArgs {
  /** Outputs: `pixels` of them for a layer that emits logits. */
  units: number;
  /** Pixels per image (sets the degrees). */
  pixels: number;
  /** What the inputs are. */
  inputDegrees: Degrees;
  /** What the units are. */
  unitDegrees: Degrees;
}

/** The degree of each of `count` inputs or units. */
export function degrees(kind: Degrees, count: number, pixels: number): Int32Array {
  const d = new Int32Array(count);
  for (let k = 0; k < count; k++) d[k] = kind === 'pixels' ? k : Math.floor((k * pixels) / count) - 1;
  return d;
}

/** The mask [inputs, units]: 1 where deg(j) ≤ deg(k) (hidden units) or deg(j) < deg(k) (pixel outputs). */
export function autoregressiveMask(inputs: number, units: number, pixels: number, inputDegrees: Degrees, unitDegrees: Degrees): tf.Tensor2D {
  const dIn = degrees(inputDegrees, inputs, pixels);
  const dOut = degrees(unitDegrees, units, pixels);
  const strict = unitDegrees === 'pixels';
  const values = new Float32Array(inputs * units);
  for (let j = 0; j < inputs; j++) {
    for (let k = 0; k < units; k++) if (strict ? dIn[j] < dOut[k] : dIn[j] <= dOut[k]) values[j * units + k] = 1;
  }
  return tf.tensor2d(values, [inputs, units]);
}

export class MaskedDense extends MaskedLayer {
  static className = 'MaskedDense';
  readonly units: number;
  readonly pixels: number;
  readonly inputDegrees: Degrees;
  readonly unitDegrees: Degrees;

  constructor(args: MaskedDenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) throw new Error(`MaskedDense: units must be a positive integer, got ${String(args.units)}`);
    if (!Number.isInteger(args.pixels) || args.pixels < 2) throw new Error(`MaskedDense: pixels must be an integer ≥ 2, got ${String(args.pixels)}`);
    for (const [name, v] of [['inputDegrees', args.inputDegrees], ['unitDegrees', args.unitDegrees]] as const) {
      if (v !== 'pixels' && v !== 'hidden') throw new Error(`MaskedDense: ${name} must be 'pixels' or 'hidden', got '${String(v)}'`);
    }
    if (args.unitDegrees === 'pixels' && args.units !== args.pixels) {
      throw new Error(`MaskedDense: a layer whose units are the pixels needs units = pixels (${args.pixels}), got ${args.units}`);
    }
    this.units = args.units;
    this.pixels = args.pixels;
    this.inputDegrees = args.inputDegrees;
    this.unitDegrees = args.unitDegrees;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = firstShape(inputShape);
    const inputs = shape[shape.length - 1];
    if (typeof inputs !== 'number') throw new Error(`MaskedDense: the input size must be known, got shape [${shape.join(',')}]`);
    if (this.inputDegrees === 'pixels' && inputs !== this.pixels) throw new Error(`MaskedDense: inputs are the pixels, expected ${this.pixels} of them, got ${inputs}`);
    // A typical unit keeps about half of its inputs: ±1/√(inputs / 2), PyTorch's nn.Linear scale over those.
    const limit = 1 / Math.sqrt(Math.max(1, inputs / 2));
    this.addMaskedWeights(autoregressiveMask(inputs, this.units, this.pixels, this.inputDegrees, this.unitDegrees), this.units, limit);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...firstShape(inputShape).slice(0, -1), this.units];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D; // [batch, inputs]
      const { kernel, bias } = this.weightsForCall();
      return tf.add(tf.matMul(x, kernel as tf.Tensor2D), bias); // [batch, units]
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, pixels: this.pixels, inputDegrees: this.inputDegrees, unitDegrees: this.unitDegrees };
  }
}

tf.serialization.registerClass(MaskedDense);
