/**
 * The probability pieces of a VAE (chapters 3 and 4): the reparameterization
 * trick, KL divergences between diagonal Gaussians, Gaussian log-densities and
 * the Bernoulli / Gaussian log-likelihoods of a decoder's output.
 *
 * Every function takes and returns tensors shaped [batch, dim] → [batch]
 * (summed over the last axis), so per-example values stay visible to the
 * caller; averaging over the batch is the ELBO's job (lib/model/elbo.ts).
 * Nothing here owns tensors it returns: the caller disposes them (or wraps the
 * call in tf.tidy).
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from './random';

const LOG_2PI = Math.log(2 * Math.PI);

function sameShape(fn: string, aName: string, a: tf.Tensor, bName: string, b: tf.Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(
      `${fn}: ${aName} shape [${a.shape.join(',')}] and ${bName} shape [${b.shape.join(',')}] differ`,
    );
  }
}

function rank2(fn: string, name: string, t: tf.Tensor): void {
  if (t.rank !== 2) {
    throw new Error(`${fn}: ${name} must be 2-D [batch, dim], got shape [${t.shape.join(',')}]`);
  }
}

/**
 * The reparameterization trick (Kingma & Welling 2014, section 2.4; chapter 3):
 * z = mean + exp(logVar / 2) ⊙ eps with eps ~ N(0, I). Writing the sample as a
 * deterministic function of (mean, logVar) and outside noise lets gradients
 * flow into the encoder.
 *
 * Pass `eps` to fix the noise (tests, figures); otherwise it is drawn with
 * `seed` (the same seed gives the same eps; no seed: fresh noise every call).
 */
export function reparameterize(
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D,
  eps?: tf.Tensor2D,
  seed?: number,
): tf.Tensor2D {
  rank2('reparameterize', 'mean', mean);
  sameShape('reparameterize', 'mean', mean, 'logVar', logVar);
  if (eps !== undefined) sameShape('reparameterize', 'mean', mean, 'eps', eps);
  return tf.tidy(() => {
    // tfSeed: tfjs treats a seed of 0 as "unseeded"; every user seed must be reproducible.
    const noise = eps ?? tf.randomNormal(mean.shape, 0, 1, 'float32', seed === undefined ? undefined : tfSeed(seed)); // [batch, latentDim]
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)) as tf.Tensor2D; // [batch, latentDim]
  });
}

/**
 * KL(N(mean, diag exp(logVar)) ‖ N(0, I)) in closed form, per example
 * (Kingma & Welling 2014, appendix B; chapter 3):
 * ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j).
 */
export function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  rank2('klDivergence', 'mean', mean);
  sameShape('klDivergence', 'mean', mean, 'logVar', logVar);
  return tf.tidy(() => tf.sum(klPerDimension(mean, logVar), 1) as tf.Tensor1D); // [batch]
}

/**
 * The same KL split over the latent dimensions, ½(σ_j² + μ_j² − 1 − log σ_j²) for each j: [batch, latentDim],
 * nats. A dimension's KL averaged over the data is how much information it carries (chapter 4, "Posterior
 * collapse and active units"); free bits act on it (lib/model/elbo.ts).
 */
export function klPerDimension(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  rank2('klPerDimension', 'mean', mean);
  sameShape('klPerDimension', 'mean', mean, 'logVar', logVar);
  return tf.tidy(() => tf.mul(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(logVar, 1)), 0.5) as tf.Tensor2D);
}

/**
 * KL(N(mean1, diag exp logVar1) ‖ N(mean2, diag exp logVar2)) per example (chapter 3, "The KL term in closed form", for the general case):
 * ½ Σ_j (logVar2 − logVar1 + (exp(logVar1) + (mean1 − mean2)²) / exp(logVar2) − 1).
 */
export function gaussianKl(
  mean1: tf.Tensor2D,
  logVar1: tf.Tensor2D,
  mean2: tf.Tensor2D,
  logVar2: tf.Tensor2D,
): tf.Tensor1D {
  rank2('gaussianKl', 'mean1', mean1);
  sameShape('gaussianKl', 'mean1', mean1, 'logVar1', logVar1);
  sameShape('gaussianKl', 'mean1', mean1, 'mean2', mean2);
  sameShape('gaussianKl', 'mean1', mean1, 'logVar2', logVar2);
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.exp(logVar1), tf.squaredDifference(mean1, mean2)), tf.exp(logVar2));
    const perDim = tf.sub(tf.add(tf.sub(logVar2, logVar1), ratio), 1); // [batch, latentDim]
    return tf.mul(tf.sum(perDim, 1), 0.5) as tf.Tensor1D; // [batch]
  });
}

/**
 * log N(z; mean, diag exp(logVar)) summed over dimensions, per example:
 * −½ Σ_j (log 2π + logVar_j + (z_j − mean_j)² / exp(logVar_j)).
 */
export function logNormal(z: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  rank2('logNormal', 'z', z);
  sameShape('logNormal', 'z', z, 'mean', mean);
  sameShape('logNormal', 'z', z, 'logVar', logVar);
  return tf.tidy(() => {
    const mahalanobis = tf.mul(tf.squaredDifference(z, mean), tf.exp(tf.neg(logVar))); // [batch, dim]
    const perDim = tf.add(tf.add(mahalanobis, logVar), LOG_2PI); // [batch, dim]
    return tf.mul(tf.sum(perDim, 1), -0.5) as tf.Tensor1D; // [batch]
  });
}

/** log N(z; 0, I) summed over dimensions, per example: −½ Σ_j (log 2π + z_j²). The prior p(z) of chapter 3. */
export function logStandardNormal(z: tf.Tensor2D): tf.Tensor1D {
  rank2('logStandardNormal', 'z', z);
  return tf.tidy(() => {
    const [, dim] = z.shape;
    return tf.mul(tf.add(tf.sum(tf.square(z), 1), dim * LOG_2PI), -0.5) as tf.Tensor1D; // [batch]
  });
}

export interface KlMonteCarloOptions {
  /** Number of samples z ~ q(z|x) averaged per example. */
  samples: number;
  /** Seed of the noise. */
  seed: number;
}

/**
 * Monte-Carlo estimate of KL(q ‖ p) = E_q[log q(z) − log p(z)] with p = N(0, I),
 * averaged over `samples` draws per example (chapter 3: the estimator the
 * analytic form replaces; its mean agrees with `klDivergence` within a few
 * standard errors).
 */
export function klMonteCarlo(
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D,
  opts: KlMonteCarloOptions,
): tf.Tensor1D {
  rank2('klMonteCarlo', 'mean', mean);
  sameShape('klMonteCarlo', 'mean', mean, 'logVar', logVar);
  const { samples, seed } = opts;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`klMonteCarlo: samples must be a positive integer, got ${samples}`);
  }
  return tf.tidy(() => {
    const [batch, dim] = mean.shape;
    // Stack the samples along the batch axis: row s*batch + i is sample s of example i.
    const meanK = tf.tile(mean, [samples, 1]) as tf.Tensor2D; // [samples*batch, dim]
    const logVarK = tf.tile(logVar, [samples, 1]) as tf.Tensor2D; // [samples*batch, dim]
    const eps = tf.randomNormal([samples * batch, dim], 0, 1, 'float32', tfSeed(seed)) as tf.Tensor2D;
    const z = reparameterize(meanK, logVarK, eps); // [samples*batch, dim]
    const logRatio = tf.sub(logNormal(z, meanK, logVarK), logStandardNormal(z)); // [samples*batch]
    return tf.mean(tf.reshape(logRatio, [samples, batch]), 0) as tf.Tensor1D; // [batch]
  });
}

/**
 * log p(x | z) for a Bernoulli decoder given its logits l, summed over pixels:
 * Σ_i x_i l_i − softplus(l_i), which equals Σ x log σ(l) + (1 − x) log(1 − σ(l))
 * without ever forming σ(l), so it stays finite for large |l| (chapter 3;
 * the binary cross-entropy of pytorch/examples vae/main.py, with the sign flipped).
 * Its gradient with respect to l is x − σ(l).
 */
export function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  rank2('bernoulliLogLikelihood', 'x', x);
  sameShape('bernoulliLogLikelihood', 'x', x, 'logits', logits);
  return tf.tidy(() => tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), 1) as tf.Tensor1D); // [batch]
}

/**
 * log N(x; mean, exp(logVar) I) summed over pixels (chapter 4, "the MSE view"):
 * with a fixed variance this is −½ Σ (x − mean)² / σ² plus a constant, i.e. a
 * scaled squared error. `logVar` is a number (shared, fixed variance; default 0,
 * σ = 1) or a tensor broadcastable to x.
 */
export function gaussianLogLikelihood(
  x: tf.Tensor2D,
  mean: tf.Tensor2D,
  logVar: number | tf.Tensor = 0,
): tf.Tensor1D {
  rank2('gaussianLogLikelihood', 'x', x);
  sameShape('gaussianLogLikelihood', 'x', x, 'mean', mean);
  if (typeof logVar === 'number' && !Number.isFinite(logVar)) {
    throw new Error(`gaussianLogLikelihood: logVar must be finite, got ${logVar}`);
  }
  return tf.tidy(() => {
    const lv = typeof logVar === 'number' ? tf.scalar(logVar) : logVar;
    const perPixel = tf.add(tf.add(tf.mul(tf.squaredDifference(x, mean), tf.exp(tf.neg(lv))), lv), LOG_2PI);
    return tf.mul(tf.sum(perPixel, 1), -0.5) as tf.Tensor1D; // [batch]
  });
}
