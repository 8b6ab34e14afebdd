/**
 * An autoregressive decoder p(x | z) = Π_i p(x_i | x_<i, z) (chapter 4, "Collapse where it is real"): a small
 * PixelCNN (van den Oord et al. 2016) whose feature maps are conditioned on z, as in PixelVAE (Gulrajani et
 * al. 2017). It can model much of a digit from the pixels above and to the left of each pixel alone, which is
 * what makes the posterior collapse real: the ELBO is highest when the code is ignored unless the code pays for
 * its KL.
 *
 *   x [batch, 784] → [28, 28, 1] → MaskedConv2D 'A' (firstKernel², channels)
 *                  → layers × (h + MaskedConv2D 'B' (3×3, channels)) → 1×1 conv → logits [batch, 784]
 *   z [batch, latentDim] → one Dense(channels) per masked layer, added to its output before the ReLU
 *
 * Training and the ELBO read it with teacher forcing (the real pixels go in, all 784 logits come out in one
 * pass); sampling is sequential, one pixel per pass (lib/training/sample-autoregressive.ts). The book's experiment
 * uses the MADE decoder (lib/model/made-decoder.ts), whose steps are cheaper here (chapter 4); the two are
 * interchangeable through VAEConfig.autoregressive.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { seededInit } from './init';
import { MaskedConv2D } from './masked-conv';
import { checkPositiveInt } from './checks';

export interface PixelCnnConfig {
  kind: 'pixelcnn';
  /** Channels of every masked layer. */
  channels: number;
  /** Masked 3×3 layers (mask 'B') after the first one. */
  layers: number;
  /** Odd side of the first layer's kernel (mask 'A'); with `layers` it sets how far up and left a pixel sees. */
  firstKernel: number;
}

export const DEFAULT_PIXELCNN_CONFIG: PixelCnnConfig = {
  kind: 'pixelcnn',
  channels: 16,
  layers: 3,
  firstKernel: 7,
};

/** What the decoder factory needs beyond the PixelCNN's own fields. */
export interface PixelCnnDecoderConfig extends PixelCnnConfig {
  latentDim: number;
  height: number;
  width: number;
  seed: number;
}

/** Checks a PixelCNN config: clear errors naming the bad field. */
export function checkPixelCnnConfig(fn: string, cfg: PixelCnnConfig): void {
  checkPositiveInt(fn, 'autoregressive.channels', cfg.channels);
  if (!Number.isInteger(cfg.layers) || cfg.layers < 0) throw new Error(`${fn}: autoregressive.layers must be an integer ≥ 0, got ${String(cfg.layers)}`);
  if (!Number.isInteger(cfg.firstKernel) || cfg.firstKernel < 3 || cfg.firstKernel % 2 !== 1) {
    throw new Error(`${fn}: autoregressive.firstKernel must be an odd integer ≥ 3, got ${String(cfg.firstKernel)}`);
  }
}

/** Builds the decoder: inputs [z [batch, latentDim], x [batch, height·width]] → logits [batch, height·width]. */
export function createPixelCnnDecoder(config: PixelCnnDecoderConfig): tf.LayersModel {
  const cfg = { ...DEFAULT_PIXELCNN_CONFIG, ...config };
  checkPixelCnnConfig('createPixelCnnDecoder', cfg);
  checkPositiveInt('createPixelCnnDecoder', 'latentDim', cfg.latentDim);
  const rng = new Rng(cfg.seed);
  const pixels = cfg.height * cfg.width;
  const z = tf.input({ shape: [cfg.latentDim], name: 'z' });
  const x = tf.input({ shape: [pixels], name: 'x' });
  let h = tf.layers.reshape({ targetShape: [cfg.height, cfg.width, 1], name: 'dec_image' }).apply(x) as tf.SymbolicTensor;
  const kernels = [cfg.firstKernel, ...Array<number>(cfg.layers).fill(3)];
  kernels.forEach((k, i) => {
    const conv = new MaskedConv2D({ filters: cfg.channels, kernelSize: k, maskType: i === 0 ? 'A' : 'B', seed: rng.seed(), name: `dec_masked_${i}` })
      .apply(h) as tf.SymbolicTensor; // [batch, h, w, channels]
    // The code enters every layer as a per-channel offset, the same at every pixel (a "global" condition).
    let c = tf.layers.dense({ units: cfg.channels, name: `dec_cond_${i}`, ...seededInit(rng, cfg.latentDim) }).apply(z) as tf.SymbolicTensor;
    c = tf.layers.reshape({ targetShape: [1, 1, cfg.channels], name: `dec_cond_${i}_map` }).apply(c) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: `dec_add_${i}` }).apply([conv, c]) as tf.SymbolicTensor;
    const out = tf.layers.activation({ activation: 'relu', name: `dec_relu_${i}` }).apply(sum) as tf.SymbolicTensor;
    // Residual from the second layer on (a 'B' layer maps channels to channels): the stack trains like a shallow one.
    h = i === 0 ? out : (tf.layers.add({ name: `dec_residual_${i}` }).apply([h, out]) as tf.SymbolicTensor);
  });
  // A 1×1 convolution mixes channels at the same pixel only, so it keeps the ordering the masks set up.
  h = tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'dec_out', ...seededInit(rng, cfg.channels) }).apply(h) as tf.SymbolicTensor;
  const logits = tf.layers.flatten({ name: 'dec_logits' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, x], outputs: logits, name: 'decoder' });
}
