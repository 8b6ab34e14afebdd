/**
 * Either model of the book, the autoencoder (chapter 2) or the VAE (chapter 3):
 * what train, evaluate, generate and saveModel accept. The two are told apart
 * by their `kind` ('ae' or 'vae').
 */
import type * as tf from '@tensorflow/tfjs';
import type { Autoencoder } from './autoencoder';
import type { VAE } from './vae';
import type { LikelihoodName } from './likelihood';

export type Model = VAE | Autoencoder;

/**
 * What decoding needs: z [batch, latentDim] → logits [batch, inputDim]. Either model is one, and so is a
 * decoder loaded on its own (lib/io/artifacts.ts), which is all that generating from codes takes (chapter 5).
 */
export interface LatentDecoder {
  /** Sizes, and how the logits are read (lib/model/likelihood.ts; absent: a Bernoulli). */
  readonly config: { readonly latentDim: number; readonly inputDim: number; readonly likelihood?: LikelihoodName; readonly outputLogVar?: number };
  decode(z: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}
