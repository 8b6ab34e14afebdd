/**
 * The base class of the VAE and the autoencoder (internal: not re-exported
 * from lib/index.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { checkBatch } from './checks';

/**
 * What the VAE and the autoencoder have in common: an encoder and a decoder
 * layers model, the decoder's z → logits map, and their weights. The two
 * differ in what the encoder emits (mean and logVar, or one code; chapters 2
 * and 3), so encode and forward stay in the subclasses.
 */
export abstract class EncoderDecoder<C extends { inputDim: number; latentDim: number }> {
  readonly config: C;
  readonly encoder: tf.LayersModel;
  readonly decoder: tf.LayersModel;
  /** Class name in error messages ('VAE.decode: …'). */
  protected abstract readonly label: string;

  constructor(config: C, encoder: tf.LayersModel, decoder: tf.LayersModel) {
    this.config = config;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** p(x|z): z [batch, latentDim] → logits [batch, inputDim] (apply sigmoid for pixel probabilities). */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    checkBatch(`${this.label}.decode`, 'z', z, this.config.latentDim);
    return this.decoder.apply(z) as tf.Tensor2D;
  }

  /** The variables the optimiser updates (encoder then decoder). */
  trainableWeights(): tf.Variable[] {
    return [...this.encoder.trainableWeights, ...this.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  }

  /** Number of trainable parameters. */
  countParams(): number {
    return this.encoder.countParams() + this.decoder.countParams();
  }

  /** Frees the weights. The model cannot be used afterwards. */
  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
