/**
 * Shared pieces of the encoder and decoder factories and of the two models
 * built from them (internal: not re-exported from lib/index.ts): seeded
 * initialisers, config checks and the VAE / autoencoder base class.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';

/**
 * The initialisation of PyTorch's nn.Linear / nn.Conv2d (kaiming-uniform with
 * a = √5), as in the pytorch/examples vae/main.py reference: weights and biases
 * uniform in ±1/√fanIn. Each layer gets its own seed from `rng`, so the same
 * model seed gives the same weights on every backend.
 */
type Initializer = ReturnType<typeof tf.initializers.randomUniform>;

export function seededInit(rng: Rng, fanIn: number): { kernelInitializer: Initializer; biasInitializer: Initializer } {
  const limit = 1 / Math.sqrt(Math.max(1, fanIn));
  return {
    // varianceScaling(scale s, fanIn, uniform) draws from ±√(3s / fanIn); s = 1/3 gives ±1/√fanIn.
    kernelInitializer: tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: rng.seed() }),
    biasInitializer: tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: rng.seed() }),
  };
}

export function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

export function checkUnits(fn: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw new Error(`${fn}: ${name} must be an array of positive integers, got ${String(v)}`);
  return v.map((u, i) => checkPositiveInt(fn, `${name}[${i}]`, u));
}

export function checkSeed(fn: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error(`${fn}: seed must be an integer, got ${String(seed)}`);
  return seed;
}

/** Checks that a tensor is a batch of rows of `dim` values: [batch, dim]. */
export function checkBatch(fn: string, name: string, t: tf.Tensor, dim: number): void {
  if (t.rank !== 2 || t.shape[1] !== dim) {
    throw new Error(`${fn}: ${name} must have shape [batch, ${dim}], got [${t.shape.join(',')}]`);
  }
}

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
