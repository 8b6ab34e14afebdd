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

  /** true when the decoder reads the pixels too (an autoregressive decoder, lib/model/pixelcnn-decoder.ts). */
  get autoregressive(): boolean {
    return this.decoder.inputs.length === 2;
  }

  /**
   * p(x|z): z [batch, latentDim] → logits [batch, inputDim] (apply sigmoid for pixel probabilities). An
   * autoregressive decoder also needs the pixels x [batch, inputDim]: logit i is that of p(x_i | x_<i, z) given
   * the real earlier pixels (teacher forcing, chapter 4); a factorized decoder ignores x.
   */
  decode(z: tf.Tensor2D, x?: tf.Tensor2D): tf.Tensor2D {
    checkBatch(`${this.label}.decode`, 'z', z, this.config.latentDim);
    if (!this.autoregressive) return this.decoder.apply(z) as tf.Tensor2D;
    if (!x) {
      throw new Error(`${this.label}.decode: this decoder is autoregressive and needs the pixels x (teacher forcing); to generate, use sampleAutoregressive`);
    }
    checkBatch(`${this.label}.decode`, 'x', x, this.config.inputDim);
    if (x.shape[0] !== z.shape[0]) throw new Error(`${this.label}.decode: z has ${z.shape[0]} rows but x has ${x.shape[0]}`);
    return this.decoder.apply([z, x]) as tf.Tensor2D;
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
