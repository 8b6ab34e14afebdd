/**
 * The variational autoencoder of chapter 3 (Kingma & Welling 2014): an encoder
 * q(z|x) = N(mean, diag exp logVar), the reparameterized sample z, and a decoder
 * p(x|z) that emits logits. The loss lives outside the model (lib/model/elbo.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { reparameterize } from './distributions';
import { createEncoder, checkEncoderConfig, Architecture } from './encoder';
import { createDecoder } from './decoder';
import { createPixelCnnDecoder, checkPixelCnnConfig, PixelCnnConfig } from './pixelcnn-decoder';
import { createMadeDecoder, checkMadeConfig, MadeConfig } from './made-decoder';
import { LIKELIHOOD_NAMES, type LikelihoodName } from './likelihood';
import { checkBatch } from './checks';
import { EncoderDecoder } from './encoder-decoder';

/** An autoregressive decoder p(x|z) = Π_i p(x_i | x_<i, z): masked dense layers (MADE) or masked convolutions. */
export type AutoregressiveConfig = MadeConfig | PixelCnnConfig;

function checkAutoregressiveConfig(fn: string, cfg: AutoregressiveConfig): void {
  if (!cfg || typeof cfg !== 'object') throw new Error(`${fn}: autoregressive must be an object with kind 'made' or 'pixelcnn', got ${String(cfg)}`);
  if (cfg.kind === 'made') checkMadeConfig(fn, cfg);
  else if (cfg.kind === 'pixelcnn') checkPixelCnnConfig(fn, cfg);
  else throw new Error(`${fn}: autoregressive.kind must be 'made' or 'pixelcnn', got '${String((cfg as { kind?: unknown }).kind)}'`);
}

export interface VAEConfig {
  /** Size of the latent code z. */
  latentDim: number;
  /** Hidden Dense layer sizes of the encoder (the decoder uses them reversed). */
  hiddenUnits: number[];
  /** 'dense' (784-400-20 by default) or 'conv'. */
  architecture: Architecture;
  /**
   * How the decoder's logits are read as p(x|z): a name in LIKELIHOODS (lib/model/likelihood.ts). 'bernoulli'
   * (grey levels, the default and the value of models saved before the field existed), 'bernoulli-binary',
   * 'continuous-bernoulli' or 'gaussian' (chapter 4, the "MSE view").
   */
  likelihood: LikelihoodName;
  /** log σ² of the Gaussian decoder (ignored by the other likelihoods). */
  outputLogVar: number;
  /** Seed of the weight initialisers and of the noise drawn by forward() without eps. */
  seed: number;
  /** Pixels per input. */
  inputDim: number;
  /** Image height (conv architecture). */
  height: number;
  /** Image width (conv architecture). */
  width: number;
  /** Filters of the strided conv layers (conv architecture). */
  convFilters: number[];
  /**
   * An autoregressive decoder p(x|z) = Π_i p(x_i | x_<i, z) instead of the factorized one (chapter 4, "Collapse
   * where it is real"); absent (the default) = the factorized decoder of `architecture`.
   */
  autoregressive?: AutoregressiveConfig;
}

export const DEFAULT_VAE_CONFIG: VAEConfig = {
  latentDim: 20,
  hiddenUnits: [400],
  architecture: 'dense',
  likelihood: 'bernoulli',
  outputLogVar: 0,
  seed: 0,
  inputDim: 784,
  height: 28,
  width: 28,
  convFilters: [32, 64],
};

/** What one forward pass computes (all owned by the caller). */
export interface VAEOutput {
  mean: tf.Tensor2D; // [batch, latentDim]
  logVar: tf.Tensor2D; // [batch, latentDim]
  z: tf.Tensor2D; // [batch, latentDim]
  logits: tf.Tensor2D; // [batch, inputDim]
}

/** Checks a VAE / autoencoder config: clear errors naming the bad field. */
export function checkVAEConfig(fn: string, cfg: VAEConfig): void {
  checkEncoderConfig(fn, { ...cfg, variational: true });
  if (!(LIKELIHOOD_NAMES as readonly string[]).includes(cfg.likelihood)) {
    throw new Error(`${fn}: likelihood must be one of ${LIKELIHOOD_NAMES.map((n) => `'${n}'`).join(', ')}, got '${String(cfg.likelihood)}'`);
  }
  if (typeof cfg.outputLogVar !== 'number' || !Number.isFinite(cfg.outputLogVar)) {
    throw new Error(`${fn}: outputLogVar must be a finite number, got ${String(cfg.outputLogVar)}`);
  }
  if (cfg.autoregressive !== undefined) {
    checkAutoregressiveConfig(fn, cfg.autoregressive);
    if (cfg.height * cfg.width !== cfg.inputDim) {
      throw new Error(`${fn}: an autoregressive decoder orders the pixels of a height × width image; ${cfg.height} × ${cfg.width} is not inputDim ${cfg.inputDim}`);
    }
  }
}

export class VAE extends EncoderDecoder<VAEConfig> {
  readonly kind = 'vae' as const;
  protected readonly label = 'VAE';
  /** Noise seeds for forward() calls without eps: same model seed → same sequence of draws. */
  private readonly noise: Rng;

  /** Prefer `createVAE`; the constructor also takes already built (e.g. loaded) encoder and decoder. */
  constructor(config: VAEConfig, encoder: tf.LayersModel, decoder: tf.LayersModel) {
    super(config, encoder, decoder);
    this.noise = new Rng(config.seed + 0x5eed);
  }

  /** q(z|x): x [batch, inputDim] → mean, logVar [batch, latentDim]. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    checkBatch('VAE.encode', 'x', x, this.config.inputDim);
    const [mean, logVar] = this.encoder.apply(x) as tf.Tensor2D[];
    return { mean, logVar };
  }

  /**
   * Encode, sample z = mean + σ ⊙ eps, decode. Without `eps` the noise is drawn
   * with `seed`, or with the next seed of the model's own generator.
   */
  forward(x: tf.Tensor2D, eps?: tf.Tensor2D, seed?: number): VAEOutput {
    const { mean, logVar } = this.encode(x);
    const z = reparameterize(mean, logVar, eps, eps ? undefined : seed ?? this.noise.seed());
    const logits = this.decode(z, x); // an autoregressive decoder reads x (teacher forcing); a factorized one ignores it
    return { mean, logVar, z, logits };
  }
}

/** Builds a fresh VAE (nothing is shared between calls; same config → same initial weights). */
export function createVAE(config: Partial<VAEConfig> = {}): VAE {
  const cfg: VAEConfig = { ...DEFAULT_VAE_CONFIG, ...config };
  checkVAEConfig('createVAE', cfg);
  const { encoder, decoder } = buildEncoderDecoder(cfg, true);
  return new VAE(cfg, encoder, decoder);
}

/**
 * Fresh encoder and decoder for a checked config, seeded from `cfg.seed` (the
 * encoder takes the first derived seed, the decoder the second). Shared with
 * createAutoencoder so that both models derive their weights' seeds alike.
 */
export function buildEncoderDecoder(cfg: VAEConfig, variational: boolean): { encoder: tf.LayersModel; decoder: tf.LayersModel } {
  const seeds = new Rng(cfg.seed);
  const encoder = createEncoder({ ...cfg, variational, seed: seeds.seed() });
  const decoderSeed = seeds.seed();
  const ar = cfg.autoregressive;
  const shape = { latentDim: cfg.latentDim, height: cfg.height, width: cfg.width, seed: decoderSeed };
  const decoder = ar === undefined ? createDecoder({ ...cfg, seed: decoderSeed })
    : ar.kind === 'made' ? createMadeDecoder({ ...ar, ...shape })
      : createPixelCnnDecoder({ ...ar, ...shape });
  return { encoder, decoder };
}
