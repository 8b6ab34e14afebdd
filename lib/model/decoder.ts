/**
 * The decoder p(x | z) of chapter 3: z [batch, latentDim] → logits [batch, 784].
 * The output is linear (logits); the loss reads it through a numerically stable
 * log-likelihood and only generation applies the sigmoid.
 *
 * Dense: z → Dense(400, ReLU) → Dense(784) (pytorch/examples vae/main.py).
 * Conv: z → Dense hidden layers → Dense(7·7·64, ReLU) → reshape → transposed convs
 * (3×3, stride 2) back to [28, 28, 1] → flatten.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { checkEncoderConfig, DEFAULT_ENCODER_CONFIG, EncoderConfig } from './encoder';
import { seededInit } from './init';

/** The decoder is configured with the same fields as the encoder (hidden sizes are used in reverse order). */
export type DecoderConfig = Omit<EncoderConfig, 'variational'>;

export const DEFAULT_DECODER_CONFIG: DecoderConfig = (() => {
  const { variational: _unused, ...rest } = DEFAULT_ENCODER_CONFIG;
  return rest;
})();

/** Builds the decoder: mirror image of `createEncoder` with the same config. */
export function createDecoder(config: Partial<DecoderConfig> = {}): tf.LayersModel {
  const cfg: DecoderConfig = { ...DEFAULT_DECODER_CONFIG, ...config };
  checkEncoderConfig('createDecoder', { ...cfg, variational: true });
  const rng = new Rng(cfg.seed);
  const input = tf.input({ shape: [cfg.latentDim], name: 'z' });
  let h: tf.SymbolicTensor = input;
  let fanIn = cfg.latentDim;
  [...cfg.hiddenUnits].reverse().forEach((units, i) => {
    h = tf.layers.dense({ units, activation: 'relu', name: `dec_dense_${i}`, ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
    fanIn = units;
  });
  let logits: tf.SymbolicTensor;
  if (cfg.architecture === 'conv') {
    const filters = cfg.convFilters;
    const factor = 2 ** filters.length;
    const h0 = cfg.height / factor;
    const w0 = cfg.width / factor;
    let channels = filters[filters.length - 1];
    h = tf.layers
      .dense({ units: h0 * w0 * channels, activation: 'relu', name: 'dec_project', ...seededInit(rng, fanIn) })
      .apply(h) as tf.SymbolicTensor;
    h = tf.layers.reshape({ targetShape: [h0, w0, channels], name: 'dec_image' }).apply(h) as tf.SymbolicTensor;
    // Upsample through the encoder's filter counts in reverse, then one channel at full size.
    const outFilters = [...filters.slice(0, -1)].reverse().concat([1]);
    outFilters.forEach((f, i) => {
      const last = i === outFilters.length - 1;
      h = tf.layers
        .conv2dTranspose({
          filters: f,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: last ? 'linear' : 'relu',
          name: `dec_deconv_${i}`,
          ...seededInit(rng, 9 * channels),
        })
        .apply(h) as tf.SymbolicTensor;
      channels = f;
    });
    logits = tf.layers.flatten({ name: 'dec_logits' }).apply(h) as tf.SymbolicTensor;
  } else {
    logits = tf.layers.dense({ units: cfg.inputDim, name: 'dec_logits', ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: logits, name: 'decoder' });
}
