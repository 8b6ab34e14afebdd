/**
 * An autoregressive decoder p(x | z) = Π_i p(x_i | x_<i, z) built from masked dense layers (MADE, Germain et al.
 * 2015; chapter 4, "Collapse where it is real"), conditioned on z as in the conditional MADE of Kingma et al.
 * (2016): z adds an offset to every hidden unit.
 *
 *   x [batch, 784] → MaskedDense (pixels → hidden) + Dense(z → hidden) → ReLU → MaskedDense (hidden → pixels)
 *                  + MaskedDense (pixels → pixels, the direct connection)                → logits [batch, 784]
 *
 * Logit i sees pixels 0 … i − 1 and z, never pixel i or later, so one pass over a whole image gives every
 * p(x_i | x_<i, z) (teacher forcing); generation draws the pixels one at a time (sample-autoregressive.ts).
 * It models much of a digit from the pixels already drawn, which is what makes the posterior collapse real:
 * the code is worth its KL only where it tells the decoder something the earlier pixels do not.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { seededInit } from './init';
import { MaskedDense } from './masked-dense';
import { checkPositiveInt } from './checks';

export interface MadeConfig {
  kind: 'made';
  /** Hidden units of the masked layer (each with a degree: the last pixel it may see). */
  hiddenUnits: number;
}

export const DEFAULT_MADE_CONFIG: MadeConfig = { kind: 'made', hiddenUnits: 400 };

/** Checks a MADE config: clear errors naming the bad field. */
export function checkMadeConfig(fn: string, cfg: MadeConfig): void {
  checkPositiveInt(fn, 'autoregressive.hiddenUnits', cfg.hiddenUnits);
}

/** Builds the decoder: inputs [z [batch, latentDim], x [batch, height·width]] → logits [batch, height·width]. */
export function createMadeDecoder(config: MadeConfig & { latentDim: number; height: number; width: number; seed: number }): tf.LayersModel {
  checkMadeConfig('createMadeDecoder', config);
  checkPositiveInt('createMadeDecoder', 'latentDim', config.latentDim);
  const rng = new Rng(config.seed);
  const pixels = config.height * config.width;
  const z = tf.input({ shape: [config.latentDim], name: 'z' });
  const x = tf.input({ shape: [pixels], name: 'x' });
  const fromX = new MaskedDense({ units: config.hiddenUnits, pixels, inputDegrees: 'pixels', unitDegrees: 'hidden', seed: rng.seed(), name: 'dec_masked_hidden' })
    .apply(x) as tf.SymbolicTensor; // [batch, hidden]
  const fromZ = tf.layers.dense({ units: config.hiddenUnits, name: 'dec_cond', ...seededInit(rng, config.latentDim) }).apply(z) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'dec_hidden_sum' }).apply([fromX, fromZ]) as tf.SymbolicTensor;
  const hidden = tf.layers.activation({ activation: 'relu', name: 'dec_hidden' }).apply(sum) as tf.SymbolicTensor;
  const out = new MaskedDense({ units: pixels, pixels, inputDegrees: 'hidden', unitDegrees: 'pixels', seed: rng.seed(), name: 'dec_masked_out' })
    .apply(hidden) as tf.SymbolicTensor;
  const direct = new MaskedDense({ units: pixels, pixels, inputDegrees: 'pixels', unitDegrees: 'pixels', seed: rng.seed(), name: 'dec_masked_direct' })
    .apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.add({ name: 'dec_logits' }).apply([out, direct]) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, x], outputs: logits, name: 'decoder' });
}
