/**
 * The decoder's likelihood p(x | z) as an object (chapters 3 and 4): one registry, LIKELIHOODS, where each entry
 * reads the decoder's output l (its logits, [batch, pixels]) as a distribution over images and provides
 *   - logProb(x, l): log p(x | z) summed over pixels, per example ([batch]), the reconstruction term of the ELBO
 *     and of the importance weights;
 *   - mean(l): E[x | z], the picture a decoded code is shown as (generation, reconstructions).
 * A model's config names its entry (`likelihood: 'bernoulli'`, saved with the model); elbo, evaluate, train and
 * generate look it up here and nowhere else switch on the name. Adding a likelihood is adding an entry.
 *
 * The entries, and which data each is a density of:
 *   bernoulli             Bernoulli(σ(l)) applied to grey levels x ∈ [0, 1]: the cross-entropy loss of the
 *                         article and of pytorch/examples. Not a normalized density of grey images, so its
 *                         "nats" cannot be set beside published likelihoods.
 *   bernoulli-binary      the same formula on binary pixels x ∈ {0, 1} (binarized MNIST): a true log-probability,
 *                         the one the literature reports (Burda et al. 2016).
 *   continuous-bernoulli  the normalized version for x ∈ [0, 1] (Loaiza-Ganem & Cunningham 2019):
 *                         p(x | λ) = C(λ) λ^x (1 − λ)^(1−x), λ = σ(l).
 *   gaussian              N(x; σ(l), exp(outputLogVar)) per pixel, a fixed variance shared by all pixels
 *                         (the "MSE view" of chapter 4). Fixed, not learned: a learned per-pixel variance makes the
 *                         likelihood unbounded on pixels that are always 0 (σ → 0 there; Mattei & Frellsen 2018).
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliLogLikelihood, gaussianLogLikelihood } from './distributions';

/** The names of the registry's entries, as a model's config stores them. */
export const LIKELIHOOD_NAMES = ['bernoulli', 'bernoulli-binary', 'continuous-bernoulli', 'gaussian'] as const;

export type LikelihoodName = (typeof LIKELIHOOD_NAMES)[number];

/** What the pixel values of the data must be for logProb to be a log-density of them. */
export type LikelihoodSupport = 'binary' | 'unit-interval';

/** The likelihood's parameters that are not the decoder's output (from the model's config). */
export interface LikelihoodParams {
  /** log σ² of the Gaussian (fixed, shared by all pixels); ignored by the others. */
  outputLogVar: number;
}

export const DEFAULT_LIKELIHOOD_PARAMS: LikelihoodParams = { outputLogVar: 0 };

export interface Likelihood {
  readonly name: LikelihoodName;
  /** One line for tables and captions: which distribution, on which data. */
  readonly description: string;
  /** The pixel values it is a distribution over; the data are checked against it (`checkSupport`). */
  readonly support: LikelihoodSupport;
  /** Whether logProb is a normalized log-density of such data, so that its nats compare with published ones. */
  readonly normalized: boolean;
  /** log p(x | z) summed over pixels: x, logits [batch, pixels] → [batch]. The caller owns the result. */
  logProb(x: tf.Tensor2D, logits: tf.Tensor2D, params?: Partial<LikelihoodParams>): tf.Tensor1D;
  /** E[x | z] per pixel: logits [batch, pixels] → [batch, pixels], in [0, 1]. The caller owns the result. */
  mean(logits: tf.Tensor2D, params?: Partial<LikelihoodParams>): tf.Tensor2D;
  /**
   * A draw x ~ p(x | z) per pixel, from the seeded noise of TF.js (same seed and backend, same draw): logits
   * [batch, pixels] → [batch, pixels]. The caller owns the result.
   */
  sample(logits: tf.Tensor2D, seed: number, params?: Partial<LikelihoodParams>): tf.Tensor2D;
}

/** |l| below which the continuous Bernoulli uses its Taylor series: the closed forms divide 0 by 0 at l = 0. */
const CB_TAYLOR = 0.1;

/**
 * 1 where |l| < CB_TAYLOR, else 0, as a float mask: tf.step has a (zero) gradient where tf.less has none, and
 * blending two branches with it keeps the unused branch's gradient out (it is multiplied by 0 and finite).
 */
function seriesMask(logits: tf.Tensor): tf.Tensor {
  return tf.step(tf.sub(CB_TAYLOR, tf.abs(logits)));
}

/** mask · series + (1 − mask) · closed. */
function blend(mask: tf.Tensor, series: tf.Tensor, closed: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(mask, series), tf.mul(tf.sub(1, mask), closed));
}

/**
 * log C(λ) of the continuous Bernoulli (Loaiza-Ganem & Cunningham 2019, eq. 7), in terms of the logit l of λ:
 * C(λ) = 2 artanh(1 − 2λ) / (1 − 2λ) = l / tanh(l / 2), which is even in l and equals 2 at l = 0 (λ = ½).
 * Near l = 0 the series log 2 + l²/12 − 7 l⁴/1440 replaces the ratio (error below 1e-9 for |l| < 0.1), and the
 * closed form is fed |l| = 1 there so that it stays finite, its gradient included.
 */
export function continuousBernoulliLogNormalizer(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const mask = seriesMask(logits);
    const a = tf.abs(logits);
    const safe = tf.add(a, tf.mul(mask, tf.sub(1, a))); // |l| off the series branch, 1 on it
    const closed = tf.sub(tf.log(safe), tf.log(tf.tanh(tf.mul(safe, 0.5)))); // log(|l| / tanh(|l| / 2))
    const l2 = tf.square(logits);
    const series = tf.add(Math.log(2), tf.mul(l2, tf.sub(1 / 12, tf.mul(l2, 7 / 1440))));
    return blend(mask, series, closed);
  });
}

/**
 * E[x] of the continuous Bernoulli (Loaiza-Ganem & Cunningham 2019, appendix): λ / (2λ − 1) + 1 / (2 artanh(1 − 2λ)),
 * which in the logit l is 1 / (1 − e^(−l)) − 1 / l; near l = 0 the series ½ + l/12 − l³/720.
 */
export function continuousBernoulliMean(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const mask = seriesMask(logits);
    const safe = tf.add(logits, tf.mul(mask, tf.sub(1, logits))); // l off the series branch, 1 on it
    const closed = tf.sub(tf.div(-1, tf.expm1(tf.neg(safe))), tf.div(1, safe));
    const series = tf.add(0.5, tf.mul(logits, tf.sub(1 / 12, tf.mul(tf.square(logits), 1 / 720))));
    return blend(mask, series, closed);
  });
}

const sigmoidMean = (logits: tf.Tensor2D): tf.Tensor2D => tf.sigmoid(logits);

const uniform = (logits: tf.Tensor2D, seed: number): tf.Tensor2D => tf.randomUniform(logits.shape, 0, 1, 'float32', seed);

/** x = 1 where u < σ(l): a Bernoulli draw. */
const bernoulliSample = (logits: tf.Tensor2D, seed: number): tf.Tensor2D =>
  tf.tidy(() => tf.cast(tf.less(uniform(logits, seed), tf.sigmoid(logits)), 'float32') as tf.Tensor2D);

/**
 * A continuous Bernoulli draw by the inverse of its CDF, F(x) = (e^{l x} − 1) / (e^l − 1):
 * x = log1p(u (e^l − 1)) / l, written with e^{−|l|} so that no exponential overflows, and by its Taylor series
 * u + u(1 − u) l / 2 + (u/6 − u²/2 + u³/3) l² where |l| is small (0/0 at l = 0).
 */
export function continuousBernoulliSample(logits: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const u = uniform(logits, seed);
    const a = tf.maximum(tf.abs(logits), CB_TAYLOR / 2); // only the series is used below CB_TAYLOR
    const e = tf.exp(tf.neg(a));
    const oneMinusU = tf.sub(1, u);
    // l > 0: 1 + log(u + (1 − u) e^{−a}) / a; l < 0: −log(1 − u + u e^{−a}) / a.
    const positive = tf.add(1, tf.div(tf.log(tf.add(u, tf.mul(oneMinusU, e))), a));
    const negative = tf.neg(tf.div(tf.log(tf.add(oneMinusU, tf.mul(u, e))), a));
    const closed = tf.where(tf.greater(logits, 0), positive, negative);
    const u2 = tf.square(u);
    const series = tf.add(
      tf.add(u, tf.mul(tf.mul(u, oneMinusU), tf.div(logits, 2))),
      tf.mul(tf.add(tf.sub(tf.div(u, 6), tf.div(u2, 2)), tf.div(tf.mul(u2, u), 3)), tf.square(logits)),
    );
    return tf.clipByValue(blend(seriesMask(logits), series, closed), 0, 1) as tf.Tensor2D;
  });
}

function outputLogVarOf(params: Partial<LikelihoodParams> | undefined): number {
  const v = params?.outputLogVar ?? DEFAULT_LIKELIHOOD_PARAMS.outputLogVar;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`gaussian likelihood: outputLogVar must be a finite number, got ${String(v)}`);
  return v;
}

/** The registry. Each formula is written once: in lib/model/distributions.ts or above. */
export const LIKELIHOODS: Readonly<Record<LikelihoodName, Likelihood>> = {
  bernoulli: {
    name: 'bernoulli',
    description: 'Bernoulli cross-entropy on grey levels (the article\'s and pytorch/examples\' loss)',
    support: 'unit-interval',
    normalized: false,
    logProb: (x, logits) => bernoulliLogLikelihood(x, logits),
    mean: sigmoidMean,
    sample: bernoulliSample,
  },
  'bernoulli-binary': {
    name: 'bernoulli-binary',
    description: 'Bernoulli on binarized pixels (the likelihood of the literature)',
    support: 'binary',
    normalized: true,
    logProb: (x, logits) => bernoulliLogLikelihood(x, logits),
    mean: sigmoidMean,
    sample: bernoulliSample,
  },
  'continuous-bernoulli': {
    name: 'continuous-bernoulli',
    description: 'continuous Bernoulli on grey levels (Loaiza-Ganem & Cunningham 2019)',
    support: 'unit-interval',
    normalized: true,
    logProb: (x, logits) =>
      tf.tidy(() => tf.add(bernoulliLogLikelihood(x, logits), tf.sum(continuousBernoulliLogNormalizer(logits), 1)) as tf.Tensor1D),
    mean: (logits) => continuousBernoulliMean(logits) as tf.Tensor2D,
    sample: continuousBernoulliSample,
  },
  gaussian: {
    name: 'gaussian',
    description: 'Gaussian with mean σ(l) and a fixed variance shared by all pixels',
    support: 'unit-interval',
    normalized: true,
    logProb: (x, logits, params) => {
      const logVar = outputLogVarOf(params);
      return tf.tidy(() => gaussianLogLikelihood(x, tf.sigmoid(logits) as tf.Tensor2D, logVar));
    },
    mean: sigmoidMean,
    // Not clipped: a Gaussian draw can leave [0, 1], as the density says it may.
    sample: (logits, seed, params) => {
      const sd = Math.exp(outputLogVarOf(params) / 2);
      return tf.tidy(() => tf.add(tf.sigmoid(logits), tf.randomNormal(logits.shape, 0, sd, 'float32', seed)) as tf.Tensor2D);
    },
  },
};

/** The registry's entry of that name (a Likelihood object is returned as it is); unknown names are an error listing the known ones. */
export function likelihoodOf(likelihood: LikelihoodName | Likelihood | undefined, fn = 'likelihood'): Likelihood {
  if (likelihood === undefined) return LIKELIHOODS.bernoulli;
  if (typeof likelihood === 'object' && likelihood !== null) return likelihood;
  if (typeof likelihood === 'string' && Object.prototype.hasOwnProperty.call(LIKELIHOODS, likelihood)) return LIKELIHOODS[likelihood];
  throw new Error(`${fn}: unknown likelihood '${String(likelihood)}' (use ${LIKELIHOOD_NAMES.map((n) => `'${n}'`).join(', ')})`);
}

/**
 * Throws unless every value of `values` lies in the likelihood's support: 0 or 1 for a binary likelihood, [0, 1]
 * otherwise. `what` names the data in the error (e.g. 'evaluate: data mnist-full/test').
 */
export function checkSupport(what: string, likelihood: Likelihood, values: ArrayLike<number>): void {
  const binary = likelihood.support === 'binary';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (binary ? v !== 0 && v !== 1 : !(v >= 0 && v <= 1)) {
      throw new Error(
        `${what} has value ${v} at index ${i}, outside the support of the '${likelihood.name}' likelihood (${binary ? '0 or 1: binarize the data first' : '[0, 1]'})`,
      );
    }
  }
}
