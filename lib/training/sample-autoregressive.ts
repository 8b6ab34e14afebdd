/**
 * Generation from a VAE with an autoregressive decoder (chapter 4, "Collapse where it is real"): the decoder
 * gives p(x_i | x_<i, z), so an image is drawn one pixel at a time in raster order, each pass of the decoder
 * reading the pixels drawn so far: 784 passes for a 28×28 digit. Cheap enough for a handful of samples.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, tfSeed } from '../model/random';
import type { VAE } from '../model/vae';
import { checkPositiveInt } from '../model/checks';
import { likelihoodOf } from '../model/likelihood';

export interface AutoregressiveSampleOptions {
  /** Seed of the prior draw z (when codes are not given) and of the pixel draws. */
  seed: number;
  /**
   * What each drawn pixel becomes before the next pass: 'sample' draws it from the decoder's likelihood (for a
   * Bernoulli, binary pixels: an exact draw from the model); 'mean' writes the likelihood's mean, the grey level the
   * model predicts, which matches the inputs of a model trained on grey levels.
   */
  mode: 'sample' | 'mean';
}

export const DEFAULT_AUTOREGRESSIVE_SAMPLE: AutoregressiveSampleOptions = { seed: 0, mode: 'sample' };

/**
 * Draws images pixel by pixel from `vae`'s autoregressive decoder, given codes z (count × latentDim, row-major),
 * or `count` codes drawn from the prior N(0, I). Returns count × inputDim values in [0, 1].
 */
export function sampleAutoregressive(
  vae: VAE, codesOrCount: Float32Array | number, opts: Partial<AutoregressiveSampleOptions> = {},
): Float32Array {
  const { seed, mode } = { ...DEFAULT_AUTOREGRESSIVE_SAMPLE, ...opts };
  if (!vae.autoregressive) throw new Error('sampleAutoregressive: the model\'s decoder is not autoregressive; decode its codes with decodeLatents or samplePrior');
  if (mode !== 'sample' && mode !== 'mean') throw new Error(`sampleAutoregressive: mode must be 'sample' or 'mean', got '${String(mode)}'`);
  const likelihood = likelihoodOf(vae.config.likelihood, 'sampleAutoregressive');
  const params = { outputLogVar: vae.config.outputLogVar };
  const { latentDim: d, inputDim: p } = vae.config;
  let codes: Float32Array;
  if (typeof codesOrCount === 'number') {
    checkPositiveInt('sampleAutoregressive', 'count', codesOrCount);
    const z = tf.randomNormal([codesOrCount, d], 0, 1, 'float32', tfSeed(seed));
    codes = z.dataSync() as Float32Array;
    z.dispose();
  } else {
    codes = codesOrCount;
    if (codes.length === 0 || codes.length % d !== 0) {
      throw new Error(`sampleAutoregressive: ${codes.length} values are not a whole number of codes of latentDim ${d}`);
    }
  }
  const count = codes.length / d;
  const rng = new Rng(seed ^ 0x51a7e);
  const x = new Float32Array(count * p);
  const z = tf.tensor2d(codes, [count, d]);
  try {
    for (let i = 0; i < p; i++) {
      // Pixel i's distribution depends only on pixels < i, all of which are already drawn.
      const pixelSeed = rng.seed();
      const drawn = tf.tidy(() => {
        const logits = tf.slice(vae.decode(z, tf.tensor2d(x, [count, p])), [0, i], [count, 1]) as tf.Tensor2D;
        return mode === 'mean' ? likelihood.mean(logits, params) : likelihood.sample(logits, pixelSeed, params);
      });
      const values = drawn.dataSync();
      drawn.dispose();
      for (let n = 0; n < count; n++) x[n * p + i] = values[n];
    }
  } finally {
    z.dispose();
  }
  return x;
}
