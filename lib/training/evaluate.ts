/**
 * Held-out evaluation (chapter 4): the ELBO split into reconstruction
 * and KL, the importance-weighted estimate of log p(x) (Burda et al. 2015),
 * reconstruction error, per-digit averages and active units.
 *
 * All results are plain numbers in nats per example; every tensor is disposed
 * before a function returns, so repeated calls leave tf.memory() unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { Dataset } from '../data/dataset';
import { klDivergence, klPerDimension, logNormal, logStandardNormal, reparameterize, bernoulliLogLikelihood } from '../model/distributions';
import { logLikelihood } from '../model/elbo';
import { checkSupport, likelihoodOf } from '../model/likelihood';
import { VAE } from '../model/vae';
import type { Model } from '../model/model';
import { checkPositiveInt } from '../model/checks';

export interface EvaluateOptions {
  /** Rows per forward pass (memory vs. speed only; results do not depend on it when useMean is set). */
  batchSize: number;
  /** KL weight used for `loss` (the `elbo` field is always the β = 1 bound). */
  beta: number;
  /** Seed of the single noise draw z ~ q(z|x) per example. */
  seed: number;
  /** Decode the posterior mean instead of a sample (a deterministic, slightly optimistic reconstruction term). */
  useMean: boolean;
}

export const DEFAULT_EVALUATE_OPTIONS: EvaluateOptions = { batchSize: 500, beta: 1, seed: 0, useMean: false };

export interface EvalResult {
  /** Mean ELBO, nats per example (for an autoencoder: −recon, there is no KL term). */
  elbo: number;
  /** Mean −E_q[log p(x|z)], nats per example. */
  recon: number;
  /** Mean KL(q(z|x) ‖ N(0, I)), nats per example (0 for an autoencoder). */
  kl: number;
  /** recon + β·kl. */
  loss: number;
}

export interface PerExample {
  /** −log p(x|z) of each example, nats. */
  recon: Float32Array;
  /** KL of each example, nats (zeros for an autoencoder). */
  kl: Float32Array;
}

/** Throws unless the data set's images fit the model's input. */
export function checkData(fn: string, model: Model, ds: Dataset): void {
  const pixels = ds.height * ds.width;
  if (pixels !== model.config.inputDim) {
    throw new Error(`${fn}: data '${ds.name}' has ${ds.height}×${ds.width} = ${pixels} pixels per image but the model expects inputDim ${model.config.inputDim}`);
  }
  if (ds.size < 1) throw new Error(`${fn}: data '${ds.name}' is empty`);
  if (ds.images.length !== ds.size * pixels) {
    throw new Error(`${fn}: data '${ds.name}' holds ${ds.images.length} values, expected size × pixels = ${ds.size * pixels}`);
  }
}

/**
 * Throws unless the data's pixels lie in the support of the model's likelihood (lib/model/likelihood.ts): a
 * likelihood of binary pixels evaluated on grey digits would report numbers that are not log-probabilities.
 */
export function checkLikelihoodData(fn: string, model: Model, ds: Dataset): void {
  checkSupport(`${fn}: data '${ds.name}'`, likelihoodOf(model.config.likelihood, fn), ds.images);
}

/** Rows [start, end) of a data set as a tensor [end − start, pixels]. */
export function rowsTensor(ds: Dataset, start: number, end: number): tf.Tensor2D {
  const pixels = ds.height * ds.width;
  return tf.tensor2d(ds.images.subarray(start * pixels, end * pixels), [end - start, pixels]);
}

/**
 * Reconstruction and KL terms of every example, with one seeded draw of z per
 * example (or the posterior mean with `useMean`). The building block of
 * `evaluate` and `perDigit`.
 */
export function elboPerExample(model: Model, ds: Dataset, opts: Partial<EvaluateOptions> = {}): PerExample {
  const { batchSize, seed, useMean } = { ...DEFAULT_EVALUATE_OPTIONS, ...opts };
  checkPositiveInt('evaluate', 'batchSize', batchSize);
  checkData('evaluate', model, ds);
  checkLikelihoodData('evaluate', model, ds);
  const recon = new Float32Array(ds.size);
  const kl = new Float32Array(ds.size);
  const rng = new Rng(seed);
  const { likelihood, outputLogVar } = model.config;
  for (let start = 0; start < ds.size; start += batchSize) {
    const end = Math.min(start + batchSize, ds.size);
    const noiseSeed = rng.seed();
    const terms = tf.tidy(() => {
      const x = rowsTensor(ds, start, end); // [b, 784]
      if (model.kind === 'ae') {
        const { logits } = model.forward(x);
        return tf.stack([tf.neg(logLikelihood(x, logits, likelihood, outputLogVar)), tf.zeros([end - start])]); // [2, b]
      }
      const { mean, logVar } = model.encode(x);
      const z = useMean ? mean : reparameterize(mean, logVar, undefined, noiseSeed); // [b, latentDim]
      const logits = model.decode(z, x); // [b, 784] (an autoregressive decoder reads x: teacher forcing)
      return tf.stack([tf.neg(logLikelihood(x, logits, likelihood, outputLogVar)), klDivergence(mean, logVar)]); // [2, b]
    });
    const values = terms.dataSync();
    terms.dispose();
    const b = end - start;
    recon.set(values.subarray(0, b), start);
    kl.set(values.subarray(b, 2 * b), start);
  }
  return { recon, kl };
}

function summarise(recon: ArrayLike<number>, kl: ArrayLike<number>, idx: ArrayLike<number> | null, beta: number): EvalResult {
  let r = 0;
  let k = 0;
  const n = idx ? idx.length : recon.length;
  for (let j = 0; j < n; j++) {
    const i = idx ? idx[j] : j;
    r += recon[i];
    k += kl[i];
  }
  r /= n;
  k /= n;
  return { elbo: -(r + k), recon: r, kl: k, loss: r + beta * k };
}

/**
 * Mean ELBO terms over a data set, nats per example (Kingma & Welling 2014,
 * eq. 10; chapter 3). One seeded sample of z per example: the same seed gives
 * the same numbers.
 */
export function evaluate(model: Model, ds: Dataset, opts: Partial<EvaluateOptions> = {}): EvalResult {
  const beta = opts.beta ?? DEFAULT_EVALUATE_OPTIONS.beta;
  const { recon, kl } = elboPerExample(model, ds, opts);
  return summarise(recon, kl, null, beta);
}

export interface IwaeOptions {
  /** Importance samples per example (K). K = 1 gives the ELBO estimate. */
  k: number;
  /** Examples encoded together; default max(1, ⌊chunkRows / k⌋). */
  batchSize?: number;
  /**
   * Rows (examples × samples) decoded in one pass: the K samples of a batch are drawn and decoded in chunks of
   * at most max(1, ⌊chunkRows / batchSize⌋) samples and combined by a running log-sum-exp, so memory stays
   * bounded at any K (Burda et al. measure with K = 5,000). Memory and speed only; the result does not depend on it
   * beyond the noise drawn.
   */
  chunkRows: number;
  /** Seed of the importance samples. */
  seed: number;
}

export const DEFAULT_IWAE_OPTIONS: IwaeOptions = { k: 100, chunkRows: 5000, seed: 0 };

/** log(e^a + e^b) in float64, exact at −∞. */
function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * The importance-weighted estimate of log p(x) for every example (Burda et al. 2015, eq. 8; chapters 4 and 6):
 *   log p(x) ≥ log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x),  z_k ~ q(z|x),
 * nats, one value per example. The K samples are decoded in chunks (IwaeOptions.chunkRows) whose log-sum-exps
 * are combined in float64, so tf.memory() stays flat and bounded however large K is.
 */
export function iwaePerExample(vae: VAE, ds: Dataset, opts: Partial<IwaeOptions> = {}): Float64Array {
  if ((vae as Model).kind !== 'vae') throw new Error('iwaeNll: needs a VAE (an autoencoder has no q(z|x) to sample)');
  const { k, seed, chunkRows } = { ...DEFAULT_IWAE_OPTIONS, ...opts };
  checkPositiveInt('iwaeNll', 'k', k);
  checkPositiveInt('iwaeNll', 'chunkRows', chunkRows);
  const batchSize = opts.batchSize ?? Math.max(1, Math.floor(chunkRows / k));
  checkPositiveInt('iwaeNll', 'batchSize', batchSize);
  checkData('iwaeNll', vae, ds);
  checkLikelihoodData('iwaeNll', vae, ds);
  const { likelihood, outputLogVar, latentDim } = vae.config;
  const perChunk = Math.max(1, Math.floor(chunkRows / batchSize));
  const rng = new Rng(seed);
  const out = new Float64Array(ds.size);
  for (let start = 0; start < ds.size; start += batchSize) {
    const end = Math.min(start + batchSize, ds.size);
    const b = end - start;
    const x = rowsTensor(ds, start, end); // [b, 784]
    const { mean, logVar } = vae.encode(x); // [b, latentDim]
    const lse = new Float64Array(b).fill(-Infinity);
    try {
      for (let s0 = 0; s0 < k; s0 += perChunk) {
        const kc = Math.min(perChunk, k - s0);
        const noiseSeed = rng.seed();
        const chunk = tf.tidy(() => {
          // Row s*b + i holds importance sample s of example i.
          const meanK = tf.tile(mean, [kc, 1]) as tf.Tensor2D; // [kc*b, latentDim]
          const logVarK = tf.tile(logVar, [kc, 1]) as tf.Tensor2D; // [kc*b, latentDim]
          const eps = tf.randomNormal([kc * b, latentDim], 0, 1, 'float32', noiseSeed) as tf.Tensor2D;
          const z = reparameterize(meanK, logVarK, eps); // [kc*b, latentDim]
          const xK = tf.tile(x, [kc, 1]) as tf.Tensor2D; // [kc*b, 784]
          const logW = tf.sub(
            tf.add(logLikelihood(xK, vae.decode(z, xK), likelihood, outputLogVar), logStandardNormal(z)), // teacher forcing for an autoregressive decoder
            logNormal(z, meanK, logVarK),
          ); // [kc*b]
          return tf.logSumExp(tf.reshape(logW, [kc, b]), 0); // [b]
        });
        const v = chunk.dataSync();
        chunk.dispose();
        for (let i = 0; i < b; i++) lse[i] = logAddExp(lse[i], v[i]);
      }
    } finally {
      tf.dispose([x, mean, logVar]);
    }
    const logK = Math.log(k);
    for (let i = 0; i < b; i++) out[start + i] = lse[i] - logK;
  }
  return out;
}

/**
 * Negative log-likelihood estimate −log p(x), nats per example, averaged over the data set: the mean of
 * −iwaePerExample. The bound tightens as K grows, so the NLL it gives is at most the −ELBO (K = 1) in expectation.
 */
export function iwaeNll(vae: VAE, ds: Dataset, opts: Partial<IwaeOptions> = {}): number {
  const logPx = iwaePerExample(vae, ds, opts);
  let total = 0;
  for (const v of logPx) total += v;
  return -total / ds.size;
}

export interface ReconstructionError {
  /** Binary cross-entropy −log p(x|z) of the Bernoulli decoder, nats per example (sum over pixels). */
  bce: number;
  /** Mean squared error between x and the decoder's mean (the likelihood's E[x|z]), per pixel. */
  mse: number;
}

/**
 * How well the model reproduces its input through the code (chapter 2): the
 * autoencoder's z, or the VAE's posterior mean (no sampling).
 */
export function reconstructionError(model: Model, ds: Dataset, opts: { batchSize?: number } = {}): ReconstructionError {
  const batchSize = opts.batchSize ?? 500;
  checkPositiveInt('reconstructionError', 'batchSize', batchSize);
  checkData('reconstructionError', model, ds);
  const likelihood = likelihoodOf(model.config.likelihood, 'reconstructionError');
  const params = { outputLogVar: model.config.outputLogVar };
  let bce = 0;
  let se = 0;
  for (let start = 0; start < ds.size; start += batchSize) {
    const end = Math.min(start + batchSize, ds.size);
    const sums = tf.tidy(() => {
      const x = rowsTensor(ds, start, end); // [b, 784]
      const logits = model.kind === 'ae' ? model.forward(x).logits : model.decode(model.encode(x).mean, x); // [b, 784]
      return tf.stack([tf.neg(tf.sum(bernoulliLogLikelihood(x, logits))), tf.sum(tf.squaredDifference(x, likelihood.mean(logits, params)))]);
    });
    const v = sums.dataSync();
    sums.dispose();
    bce += v[0];
    se += v[1];
  }
  return { bce: bce / ds.size, mse: se / (ds.size * model.config.inputDim) };
}

export interface DigitResult extends EvalResult {
  /** The class label (digit). */
  label: number;
  /** Examples with this label. */
  count: number;
}

/** Evaluation terms averaged per label (chapter 7, "Data": which digits are hard to model, imbalanced classes). Labels with no examples are left out. */
export function perDigit(model: Model, ds: Dataset, opts: Partial<EvaluateOptions> = {}): DigitResult[] {
  const beta = opts.beta ?? DEFAULT_EVALUATE_OPTIONS.beta;
  const { recon, kl } = elboPerExample(model, ds, opts);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < ds.size; i++) {
    const label = ds.labels[i];
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  }
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .map((label) => {
      const idx = groups.get(label) as number[];
      return { label, count: idx.length, ...summarise(recon, kl, idx, beta) };
    });
}

export interface ActiveUnits {
  /** Latent dimensions whose posterior mean varies across the data more than the threshold. */
  count: number;
  /** Cov_x(E_q[z_j]) for every latent dimension j. */
  variances: Float32Array;
  threshold: number;
}

/**
 * Active units (Burda et al. 2015, section 5.2; chapter 4): dimension j is active
 * when Var_x(E_q(z|x)[z_j]) > threshold (0.01). Inactive dimensions have collapsed
 * onto the prior and carry no information about x.
 */
export function activeUnits(vae: VAE, ds: Dataset, opts: { threshold?: number; batchSize?: number } = {}): ActiveUnits {
  const threshold = opts.threshold ?? 0.01;
  const batchSize = opts.batchSize ?? 500;
  checkPositiveInt('activeUnits', 'batchSize', batchSize);
  checkData('activeUnits', vae, ds);
  const d = vae.config.latentDim;
  const sum = new Float64Array(d);
  const sumSq = new Float64Array(d);
  for (let start = 0; start < ds.size; start += batchSize) {
    const end = Math.min(start + batchSize, ds.size);
    const mean = tf.tidy(() => vae.encode(rowsTensor(ds, start, end)).mean); // [b, latentDim]
    const m = mean.dataSync();
    mean.dispose();
    for (let i = 0; i < m.length; i++) {
      sum[i % d] += m[i];
      sumSq[i % d] += m[i] * m[i];
    }
  }
  const variances = new Float32Array(d);
  let count = 0;
  for (let j = 0; j < d; j++) {
    const mu = sum[j] / ds.size;
    variances[j] = Math.max(0, sumSq[j] / ds.size - mu * mu);
    if (variances[j] > threshold) count++;
  }
  return { count, variances, threshold };
}

/**
 * Each latent dimension's KL(q(z_j|x) ‖ N(0, 1)) averaged over a data set, nats (chapter 4, "Posterior collapse
 * and active units"): how much each dimension costs, and an upper bound on the information it carries about x.
 * Unlike the variance count of `activeUnits` it is measured in nats, so a dimension whose mean wobbles a little
 * across the data but whose posterior is as wide as the prior shows up as what it is: all but empty. The
 * values sum to the KL term of `evaluate`.
 */
export function klPerUnit(vae: VAE, ds: Dataset, opts: { batchSize?: number } = {}): Float32Array {
  const batchSize = opts.batchSize ?? 500;
  checkPositiveInt('klPerUnit', 'batchSize', batchSize);
  checkData('klPerUnit', vae, ds);
  const d = vae.config.latentDim;
  const sum = new Float64Array(d);
  for (let start = 0; start < ds.size; start += batchSize) {
    const end = Math.min(start + batchSize, ds.size);
    const kl = tf.tidy(() => {
      const { mean, logVar } = vae.encode(rowsTensor(ds, start, end)); // [b, latentDim]
      return tf.sum(klPerDimension(mean, logVar), 0); // [latentDim]
    });
    const v = kl.dataSync();
    kl.dispose();
    for (let j = 0; j < d; j++) sum[j] += v[j];
  }
  return Float32Array.from(sum, (s) => s / ds.size);
}
