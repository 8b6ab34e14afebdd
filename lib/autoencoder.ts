/**
 * The deterministic autoencoder of chapter 2: x → z = f(x) → logits = g(z).
 * Same layers as the VAE with one code head instead of (mean, logVar); trained
 * on the reconstruction term alone, it is the baseline whose latent space the
 * VAE's KL term regularises.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { createEncoder } from './encoder';
import { createDecoder } from './decoder';
import { checkBatch } from './layers';
import { checkVAEConfig, DEFAULT_VAE_CONFIG, VAE, VAEConfig } from './vae';

/** Same fields as the VAE config (`likelihood` chooses the reconstruction loss: BCE or squared error). */
export type AutoencoderConfig = VAEConfig;

export const DEFAULT_AUTOENCODER_CONFIG: AutoencoderConfig = { ...DEFAULT_VAE_CONFIG };

export class Autoencoder {
  readonly kind = 'ae' as const;
  readonly config: AutoencoderConfig;
  readonly encoder: tf.LayersModel;
  readonly decoder: tf.LayersModel;

  constructor(config: AutoencoderConfig, encoder: tf.LayersModel, decoder: tf.LayersModel) {
    this.config = config;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** x [batch, inputDim] → z [batch, latentDim]. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    checkBatch('Autoencoder.encode', 'x', x, this.config.inputDim);
    return this.encoder.apply(x) as tf.Tensor2D;
  }

  /** z [batch, latentDim] → logits [batch, inputDim]. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    checkBatch('Autoencoder.decode', 'z', z, this.config.latentDim);
    return this.decoder.apply(z) as tf.Tensor2D;
  }

  forward(x: tf.Tensor2D): { z: tf.Tensor2D; logits: tf.Tensor2D } {
    const z = this.encode(x);
    return { z, logits: this.decode(z) };
  }

  trainableWeights(): tf.Variable[] {
    return [...this.encoder.trainableWeights, ...this.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  }

  countParams(): number {
    return this.encoder.countParams() + this.decoder.countParams();
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}

export function createAutoencoder(config: Partial<AutoencoderConfig> = {}): Autoencoder {
  const cfg: AutoencoderConfig = { ...DEFAULT_AUTOENCODER_CONFIG, ...config };
  checkVAEConfig('createAutoencoder', cfg);
  const seeds = new Rng(cfg.seed);
  const encoder = createEncoder({ ...cfg, variational: false, seed: seeds.seed() });
  const decoder = createDecoder({ ...cfg, seed: seeds.seed() });
  return new Autoencoder(cfg, encoder, decoder);
}

/** Either model: what train, evaluate, generate and io accept. */
export type Model = VAE | Autoencoder;
