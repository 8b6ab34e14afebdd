/**
 * The evidence lower bound (chapter 3) and the β weighting, KL warm-up and
 * free bits of chapter 4, as pure functions outside the model.
 *
 *   ELBO(x) = E_q(z|x)[log p(x|z)] − KL(q(z|x) ‖ p(z))      (Kingma & Welling 2014, eq. 3 and 10)
 *
 * estimated with one reparameterized sample z per example, and reported in
 * nats per example (averaged over the batch).
 */
import * as tf from '@tensorflow/tfjs';
import { klDivergence, klPerDimension } from './distributions';
import { likelihoodOf, type Likelihood, type LikelihoodName } from './likelihood';

/** What a VAE forward pass hands the loss: the posterior's parameters, the sample and the decoder output. */
export interface ElboInputs {
  mean: tf.Tensor2D; // [batch, latentDim]
  logVar: tf.Tensor2D; // [batch, latentDim]
  z?: tf.Tensor2D; // [batch, latentDim] (not needed by the analytic KL; kept for symmetry with forward())
  logits: tf.Tensor2D; // [batch, inputDim]
}

export interface ElboOptions {
  /** Weight of the KL term in the loss (β-VAE, Higgins et al. 2017; chapters 4 and 6). 1 = the true ELBO. */
  beta?: number;
  /** Decoder likelihood p(x|z): an entry of LIKELIHOODS (lib/model/likelihood.ts) or its name. */
  likelihood?: LikelihoodName | Likelihood;
  /** log σ² of the Gaussian decoder (fixed, shared by all pixels); ignored by the other likelihoods. */
  outputLogVar?: number;
  /**
   * Free bits λ, nats per latent dimension (Kingma et al. 2016; chapter 4): the loss's KL term becomes
   * Σ_j max(λ, batch mean of KL_j), so no dimension is pushed below λ nats. 0 = the plain KL term.
   */
  freeBits?: number;
  /**
   * How the loss reduces the reconstruction term over pixels: 'sum' (the log-likelihood of the image) or
   * 'mean', the bug of the article's PyTorch code (chapter 4, "Posterior collapse"): a per-pixel mean next to a
   * summed KL weighs the KL inputDim (784) times too much. Only `loss` changes; `recon` and `elbo` stay sums.
   */
  pixelReduction?: 'sum' | 'mean';
}

export const DEFAULT_ELBO_OPTIONS: Required<ElboOptions> = {
  beta: 1,
  likelihood: 'bernoulli',
  outputLogVar: 0,
  freeBits: 0,
  pixelReduction: 'sum',
};

export interface ElboTerms {
  /** −E_q[log p(x|z)], nats per example. */
  recon: tf.Scalar;
  /** KL(q(z|x) ‖ N(0, I)), nats per example. */
  kl: tf.Scalar;
  /** recon + β·kl (with free bits: recon + β·Σ_j max(λ, KL_j)): what training minimises. */
  loss: tf.Scalar;
  /** −(recon + kl): the bound itself (β does not enter it). */
  elbo: tf.Scalar;
}

/**
 * log p(x | z) per example for the chosen likelihood (lib/model/likelihood.ts), from the decoder's logits.
 * Shared by the ELBO, the IWAE estimate and the autoencoder loss.
 */
export function logLikelihood(
  x: tf.Tensor2D,
  logits: tf.Tensor2D,
  likelihood: LikelihoodName | Likelihood = 'bernoulli',
  outputLogVar = 0,
): tf.Tensor1D {
  return likelihoodOf(likelihood, 'logLikelihood').logProb(x, logits, { outputLogVar });
}

/**
 * The KL term with free bits (Kingma et al. 2016, eq. 15; chapter 4, "Posterior collapse"): each latent
 * dimension's KL, averaged over the batch, counts as at least λ nats, Σ_j max(λ, mean_b KL_bj). Below λ
 * its gradient is zero, so the term stops pushing a dimension onto the prior once it is that close.
 */
export function freeBitsKl(mean: tf.Tensor2D, logVar: tf.Tensor2D, lambda: number): tf.Scalar {
  if (!Number.isFinite(lambda) || lambda < 0) throw new Error(`freeBitsKl: lambda must be a finite number ≥ 0, got ${lambda}`);
  return tf.tidy(() => {
    const perDim = klPerDimension(mean, logVar); // [batch, latentDim]
    return tf.sum(tf.maximum(tf.mean(perDim, 0), lambda)) as tf.Scalar; // Σ_j max(λ, KL_j)
  });
}

/**
 * The negative ELBO split into its terms, averaged over the batch (nats per
 * example). `loss = recon + β·kl` is what the optimiser sees (with free bits
 * the KL part is `freeBitsKl`); `elbo` is the bound with β = 1 whatever β is.
 */
export function elbo(x: tf.Tensor2D, out: ElboInputs, opts: ElboOptions = {}): ElboTerms {
  const { beta, likelihood, outputLogVar, freeBits, pixelReduction } = { ...DEFAULT_ELBO_OPTIONS, ...opts };
  if (!Number.isFinite(beta) || beta < 0) throw new Error(`elbo: beta must be a finite number ≥ 0, got ${beta}`);
  if (!Number.isFinite(freeBits) || freeBits < 0) throw new Error(`elbo: freeBits must be a finite number ≥ 0, got ${freeBits}`);
  if (pixelReduction !== 'sum' && pixelReduction !== 'mean') {
    throw new Error(`elbo: pixelReduction must be 'sum' or 'mean', got '${String(pixelReduction)}'`);
  }
  if (x.rank !== 2 || out.logits.rank !== 2 || x.shape[1] !== out.logits.shape[1] || x.shape[0] !== out.logits.shape[0]) {
    throw new Error(`elbo: x shape [${x.shape.join(',')}] and logits shape [${out.logits.shape.join(',')}] differ`);
  }
  if (out.mean.shape[0] !== x.shape[0]) {
    throw new Error(`elbo: x has ${x.shape[0]} rows but mean has ${out.mean.shape[0]}`);
  }
  return tf.tidy(() => {
    const recon = tf.neg(tf.mean(logLikelihood(x, out.logits, likelihood, outputLogVar))) as tf.Scalar;
    const kl = tf.mean(klDivergence(out.mean, out.logVar)) as tf.Scalar;
    const klLoss = freeBits > 0 ? freeBitsKl(out.mean, out.logVar, freeBits) : kl;
    const reconLoss = pixelReduction === 'mean' ? tf.div(recon, x.shape[1]) : recon;
    const loss = (beta === 1 ? tf.add(reconLoss, klLoss) : tf.add(reconLoss, tf.mul(klLoss, beta))) as tf.Scalar;
    const bound = tf.neg(tf.add(recon, kl)) as tf.Scalar;
    return { recon, kl, loss, elbo: bound };
  });
}

/** A β schedule: the KL weight as a function of the global training step (0-based). */
export type BetaSchedule = (step: number) => number;

export interface KlWarmupConfig {
  /** Steps over which β rises linearly from 0 to betaMax (Bowman et al. 2016; Sønderby et al. 2016). */
  warmupSteps: number;
  /** β after the warm-up. */
  betaMax?: number;
}

/**
 * Linear KL warm-up (chapter 4): β = betaMax · min(1, step / warmupSteps).
 * Starting with a small β lets the decoder learn to use z before the KL term
 * pushes the posterior onto the prior (a remedy for posterior collapse).
 */
export function klWarmup(cfg: KlWarmupConfig): BetaSchedule {
  const { warmupSteps, betaMax = 1 } = cfg;
  if (!Number.isFinite(warmupSteps) || warmupSteps < 0) {
    throw new Error(`klWarmup: warmupSteps must be a number ≥ 0, got ${warmupSteps}`);
  }
  if (!Number.isFinite(betaMax) || betaMax < 0) throw new Error(`klWarmup: betaMax must be ≥ 0, got ${betaMax}`);
  return (step: number) => (warmupSteps === 0 ? betaMax : betaMax * Math.min(1, Math.max(0, step) / warmupSteps));
}

/** A constant β (β = 1 is the plain VAE; β > 1 the β-VAE of Higgins et al. 2017). */
export function constantBeta(beta: number): BetaSchedule {
  if (!Number.isFinite(beta) || beta < 0) throw new Error(`constantBeta: beta must be a finite number ≥ 0, got ${beta}`);
  return () => beta;
}
