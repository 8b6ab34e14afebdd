/**
 * The encoder q(z | x) of chapter 3 (and the deterministic encoder of the
 * autoencoder in chapter 2), as a TF.js layers model so it saves in the
 * standard model.json + weights.bin format.
 *
 * Dense: x [batch, 784] → Dense(400, ReLU) → two linear heads mean, logVar [batch, latentDim]
 * (the model of pytorch/examples vae/main.py). Conv: x → [28, 28, 1] → Conv 32 and 64
 * (3×3, stride 2, ReLU) → flatten → Dense hidden layers → heads (the convolutional VAE of chapter 6).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { checkPositiveInt, checkSeed, checkUnits } from './checks';
import { seededInit } from './init';

export type Architecture = 'dense' | 'conv';

export interface EncoderConfig {
  /** Pixels per input (height × width). */
  inputDim: number;
  /** Image height, used by the conv architecture to reshape the flat input. */
  height: number;
  /** Image width, used by the conv architecture. */
  width: number;
  /** Sizes of the hidden Dense layers (ReLU), in order from the input. */
  hiddenUnits: number[];
  /** Size of the code z. */
  latentDim: number;
  /** 'dense' (MLP) or 'conv' (strided convolutions before the Dense layers). */
  architecture: Architecture;
  /** Filters of the strided 3×3 conv layers (conv architecture only); each halves height and width. */
  convFilters: number[];
  /** true: two heads (mean, logVar) of q(z|x); false: one deterministic code (autoencoder). */
  variational: boolean;
  /** Seed of the weight initialisers. */
  seed: number;
}

export const DEFAULT_ENCODER_CONFIG: EncoderConfig = {
  inputDim: 784,
  height: 28,
  width: 28,
  hiddenUnits: [400],
  latentDim: 20,
  architecture: 'dense',
  convFilters: [32, 64],
  variational: true,
  seed: 0,
};

/** Validates a full config (shared with the decoder and the models): clear errors naming the field. */
export function checkEncoderConfig(fn: string, cfg: EncoderConfig): void {
  checkPositiveInt(fn, 'latentDim', cfg.latentDim);
  checkPositiveInt(fn, 'inputDim', cfg.inputDim);
  checkUnits(fn, 'hiddenUnits', cfg.hiddenUnits);
  checkSeed(fn, cfg.seed);
  if (cfg.architecture !== 'dense' && cfg.architecture !== 'conv') {
    throw new Error(`${fn}: architecture must be 'dense' or 'conv', got '${String(cfg.architecture)}'`);
  }
  if (cfg.architecture === 'conv') {
    checkPositiveInt(fn, 'height', cfg.height);
    checkPositiveInt(fn, 'width', cfg.width);
    const filters = checkUnits(fn, 'convFilters', cfg.convFilters);
    if (filters.length === 0) throw new Error(`${fn}: convFilters must not be empty for the conv architecture`);
    if (cfg.height * cfg.width !== cfg.inputDim) {
      throw new Error(`${fn}: conv architecture needs inputDim = height × width, got ${cfg.inputDim} ≠ ${cfg.height}×${cfg.width}`);
    }
    const factor = 2 ** filters.length;
    if (cfg.height % factor !== 0 || cfg.width % factor !== 0) {
      throw new Error(`${fn}: ${filters.length} stride-2 conv layers need height and width divisible by ${factor}, got ${cfg.height}×${cfg.width}`);
    }
  }
}

/**
 * Builds the encoder. Variational: outputs [mean, logVar], each [batch, latentDim]
 * (Kingma & Welling 2014, appendix C.2). Otherwise: one output z [batch, latentDim].
 */
export function createEncoder(config: Partial<EncoderConfig> = {}): tf.LayersModel {
  const cfg: EncoderConfig = { ...DEFAULT_ENCODER_CONFIG, ...config };
  checkEncoderConfig('createEncoder', cfg);
  const rng = new Rng(cfg.seed);
  const input = tf.input({ shape: [cfg.inputDim], name: 'x' });
  let h: tf.SymbolicTensor = input;
  let fanIn = cfg.inputDim;
  if (cfg.architecture === 'conv') {
    h = tf.layers.reshape({ targetShape: [cfg.height, cfg.width, 1], name: 'enc_image' }).apply(h) as tf.SymbolicTensor;
    let channels = 1;
    cfg.convFilters.forEach((filters, i) => {
      h = tf.layers
        .conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: `enc_conv_${i}`, ...seededInit(rng, 9 * channels) })
        .apply(h) as tf.SymbolicTensor;
      channels = filters;
    });
    h = tf.layers.flatten({ name: 'enc_flatten' }).apply(h) as tf.SymbolicTensor;
    const factor = 2 ** cfg.convFilters.length;
    fanIn = (cfg.height / factor) * (cfg.width / factor) * channels;
  }
  cfg.hiddenUnits.forEach((units, i) => {
    h = tf.layers.dense({ units, activation: 'relu', name: `enc_dense_${i}`, ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
    fanIn = units;
  });
  if (!cfg.variational) {
    const z = tf.layers.dense({ units: cfg.latentDim, name: 'enc_z', ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: z, name: 'encoder' });
  }
  const mean = tf.layers.dense({ units: cfg.latentDim, name: 'enc_mean', ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
  const logVar = tf.layers.dense({ units: cfg.latentDim, name: 'enc_logvar', ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [mean, logVar], name: 'encoder' });
}
