/**
 * The deterministic autoencoder of chapter 2: x → z = f(x) → logits = g(z).
 * Same layers as the VAE with one code head instead of (mean, logVar); trained
 * on the reconstruction term alone, it is the baseline whose latent space the
 * VAE's KL term regularises.
 */
import * as tf from '@tensorflow/tfjs';
import { checkBatch } from './checks';
import { EncoderDecoder } from './encoder-decoder';
import { buildEncoderDecoder, checkVAEConfig, DEFAULT_VAE_CONFIG, VAE, VAEConfig } from './vae';

/** Same fields as the VAE config (`likelihood` chooses the reconstruction loss: BCE or squared error). */
export type AutoencoderConfig = VAEConfig;

export const DEFAULT_AUTOENCODER_CONFIG: AutoencoderConfig = { ...DEFAULT_VAE_CONFIG };

export class Autoencoder extends EncoderDecoder<AutoencoderConfig> {
  readonly kind = 'ae' as const;
  protected readonly label = 'Autoencoder';

  /** x [batch, inputDim] → z [batch, latentDim]. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    checkBatch('Autoencoder.encode', 'x', x, this.config.inputDim);
    return this.encoder.apply(x) as tf.Tensor2D;
  }

  forward(x: tf.Tensor2D): { z: tf.Tensor2D; logits: tf.Tensor2D } {
    const z = this.encode(x);
    return { z, logits: this.decode(z, x) };
  }
}

export function createAutoencoder(config: Partial<AutoencoderConfig> = {}): Autoencoder {
  const cfg: AutoencoderConfig = { ...DEFAULT_AUTOENCODER_CONFIG, ...config };
  checkVAEConfig('createAutoencoder', cfg);
  const { encoder, decoder } = buildEncoderDecoder(cfg, false);
  return new Autoencoder(cfg, encoder, decoder);
}

