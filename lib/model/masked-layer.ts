/**
 * What the masked layers of the autoregressive decoders share (chapter 4, "Collapse where it is real"): a kernel
 * that every call multiplies by a fixed 0/1 mask, so that the masked weights contribute nothing and get no gradient;
 * a bias; the mask freed with the layer; the seed kept in the saved config. MaskedDense and MaskedConv2D extend it
 * with their mask and their product.
 */
import * as tf from '@tensorflow/tfjs';

export interface MaskedLayerArgs {
  /** Seed of the kernel initialiser (uniform within ±limit; the bias starts at 0). */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/** The shape of a layer's (first) input. */
export function firstShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

export abstract class MaskedLayer extends tf.layers.Layer {
  readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;
  private mask?: tf.Tensor;

  constructor(args: MaskedLayerArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.seed = args.seed;
  }

  /** Adds the kernel (uniform in ±limit, seeded), a zero bias of `units` and the mask (same shape as the kernel). */
  protected addMaskedWeights(mask: tf.Tensor, units: number, limit: number): void {
    this.kernel = this.addWeight('kernel', mask.shape, 'float32', tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: this.seed }));
    this.bias = this.addWeight('bias', [units], 'float32', tf.initializers.zeros());
    this.mask = mask;
    this.built = true;
  }

  /** The kernel with the masked weights zeroed, and the bias (inside the caller's tidy). */
  protected weightsForCall(): { kernel: tf.Tensor; bias: tf.Tensor } {
    if (!this.kernel || !this.bias || !this.mask) throw new Error(`${this.getClassName()}: call before build`);
    return { kernel: tf.mul(this.kernel.read(), this.mask), bias: this.bias.read() };
  }

  getConfig(): tf.serialization.ConfigDict {
    return this.seed === undefined ? super.getConfig() : { ...super.getConfig(), seed: this.seed };
  }

  dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0 && this.mask) {
      this.mask.dispose();
      this.mask = undefined;
    }
    return result;
  }
}
