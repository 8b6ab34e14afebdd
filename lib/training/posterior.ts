/**
 * The true posterior of a VAE with a 2-D code, computed on a grid (chapter 3). With two latent dimensions the
 * joint log p(x, z) = log p(x|z) + log p(z) can be evaluated at every point of a fine grid of z; normalising it
 * over the grid gives p(z|x), and its sum times the cell area gives p(x) by quadrature — the evidence the ELBO
 * bounds, with no importance sampling. Each digit's grid is centred on q's mean and spans `halfWidth` of q's
 * larger standard deviation each way; when the posterior lies elsewhere (a digit q places badly), a finer grid over
 * the prior's range is used instead, and the share of posterior mass on the final grid's border is returned so that
 * a caller can check that the window held it.
 */
import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../data/dataset';
import { logStandardNormal } from '../model/distributions';
import { logLikelihood } from '../model/elbo';
import { VAE } from '../model/vae';
import { checkPositiveInt } from '../model/checks';
import { Rng } from '../model/random';
import { checkData, rowsTensor } from './evaluate';

export interface PosteriorGridConfig {
  /** Grid points per axis (odd, so that q's mean is a grid point). */
  size: number;
  /**
   * Half-width of the (square) window, in units of q's larger standard deviation: the posterior can be wider
   * than q along q's narrow axis too.
   */
  halfWidth: number;
  /** The most posterior mass the border of q's window may hold before the prior-wide grid is used. */
  maxBorderMass: number;
  /** Half-width of the prior-wide grid, in prior standard deviations, and its points per axis (odd). */
  priorRange: number;
  priorSize: number;
  /** Grid points per decoder pass (memory only). */
  batchSize: number;
}

export const DEFAULT_POSTERIOR_GRID: PosteriorGridConfig = { size: 61, halfWidth: 10, maxBorderMass: 1e-3, priorRange: 6, priorSize: 241, batchSize: 4000 };

export interface PosteriorGrid {
  /** Grid coordinates of the first and second latent dimension (size values each). */
  z0: number[];
  z1: number[];
  /** p(z|x) at each grid point, normalised to sum to 1, row i = z1[i], column j = z0[j]. */
  posterior: Float32Array;
  /** log p(x) by quadrature: log Σ p(x, z) · cell area, nats. */
  logEvidence: number;
  /** q's mean and log-variance for this digit. */
  qMean: [number, number];
  qLogVar: [number, number];
  /** The true posterior's mean, standard deviations and correlation (of z0 and z1), from the grid. */
  mean: [number, number];
  sd: [number, number];
  correlation: number;
  /** Posterior mass in the outermost ring of grid cells (small: the window held the posterior). */
  borderMass: number;
  /** Which window the grid covers: around q's mean, or the prior's range (when q's window did not hold it). */
  window: 'q' | 'prior';
}

/** p(z|x) of the one digit `x` ([1, inputDim]) on the n × n grid z0 × z1 (evenly spaced), with its statistics. */
function gridPosterior(vae: VAE, x: tf.Tensor2D, z0: number[], z1: number[], batchSize: number): Omit<PosteriorGrid, 'qMean' | 'qLogVar' | 'window'> {
  const { likelihood, outputLogVar } = vae.config;
  const n = z0.length;
  const logJoint = new Float32Array(n * n);
  for (let start = 0; start < n * n; start += batchSize) {
    const end = Math.min(start + batchSize, n * n);
    const codes = new Float32Array(2 * (end - start));
    for (let p = start; p < end; p++) {
      codes[2 * (p - start)] = z0[p % n];
      codes[2 * (p - start) + 1] = z1[Math.floor(p / n)];
    }
    const values = tf.tidy(() => {
      const z = tf.tensor2d(codes, [end - start, 2]);
      const xs = tf.tile(x, [end - start, 1]) as tf.Tensor2D;
      return tf.add(logLikelihood(xs, vae.decode(z), likelihood, outputLogVar), logStandardNormal(z)).dataSync();
    });
    logJoint.set(values, start);
  }
  let top = -Infinity;
  for (const v of logJoint) top = Math.max(top, v);
  let total = 0;
  for (const v of logJoint) total += Math.exp(v - top);
  const posterior = logJoint.map((v) => Math.exp(v - top) / total);
  let borderMass = 0;
  const m = [0, 0];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const pc = posterior[r * n + c];
      if (r === 0 || c === 0 || r === n - 1 || c === n - 1) borderMass += pc;
      m[0] += pc * z0[c];
      m[1] += pc * z1[r];
    }
  }
  let [v0, v1, c01] = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const pc = posterior[r * n + c];
      v0 += pc * (z0[c] - m[0]) ** 2;
      v1 += pc * (z1[r] - m[1]) ** 2;
      c01 += pc * (z0[c] - m[0]) * (z1[r] - m[1]);
    }
  }
  return {
    z0,
    z1,
    posterior,
    logEvidence: top + Math.log(total) + Math.log((z0[1] - z0[0]) * (z1[1] - z1[0])),
    mean: [m[0], m[1]],
    sd: [Math.sqrt(v0), Math.sqrt(v1)],
    correlation: c01 / Math.sqrt(v0 * v1),
    borderMass,
  };
}

/** n evenly spaced values centred on `centre`, `halfWidth` each way. */
const axis = (centre: number, halfWidth: number, n: number): number[] =>
  Array.from({ length: n }, (_, j) => centre + ((j - (n - 1) / 2) * 2 * halfWidth) / (n - 1));

/**
 * The true posterior of each digit of `ds` (a VAE with latentDim 2 only): on a grid around q's mean, or, when
 * that window leaves more than `maxBorderMass` of the posterior on its border (the posterior lies far from q),
 * on a finer grid over the prior's range [−priorRange, priorRange]² (widened to hold q's window).
 */
export function posteriorGrid(vae: VAE, ds: Dataset, config: Partial<PosteriorGridConfig> = {}): PosteriorGrid[] {
  const cfg = { ...DEFAULT_POSTERIOR_GRID, ...config };
  checkPositiveInt('posteriorGrid', 'size', cfg.size);
  checkPositiveInt('posteriorGrid', 'priorSize', cfg.priorSize);
  checkPositiveInt('posteriorGrid', 'batchSize', cfg.batchSize);
  if (cfg.size < 3 || cfg.size % 2 === 0) throw new Error(`posteriorGrid: size must be odd and ≥ 3, got ${cfg.size}`);
  if (!(cfg.halfWidth > 0)) throw new Error(`posteriorGrid: halfWidth must be > 0, got ${cfg.halfWidth}`);
  if (vae.config.latentDim !== 2) throw new Error(`posteriorGrid: needs a VAE with latentDim 2 (the grid is over the plane), got latentDim ${vae.config.latentDim}`);
  checkData('posteriorGrid', vae, ds);
  const out: PosteriorGrid[] = [];
  for (let i = 0; i < ds.size; i++) {
    const x = rowsTensor(ds, i, i + 1);
    try {
      const [mean, logVar] = tf.tidy(() => {
        const q = vae.encode(x);
        return [q.mean.dataSync(), q.logVar.dataSync()];
      });
      const h = cfg.halfWidth * Math.exp(0.5 * Math.max(logVar[0], logVar[1]));
      let grid = gridPosterior(vae, x, axis(mean[0], h, cfg.size), axis(mean[1], h, cfg.size), cfg.batchSize);
      let window: PosteriorGrid['window'] = 'q';
      if (grid.borderMass > cfg.maxBorderMass) {
        // The prior's range, and q's window inside it even when q sits far out.
        const r = Math.max(cfg.priorRange, Math.abs(mean[0]) + h, Math.abs(mean[1]) + h);
        grid = gridPosterior(vae, x, axis(0, r, cfg.priorSize), axis(0, r, cfg.priorSize), cfg.batchSize);
        window = 'prior';
      }
      out.push({ ...grid, qMean: [mean[0], mean[1]], qLogVar: [logVar[0], logVar[1]], window });
    } finally {
      x.dispose();
    }
  }
  return out;
}

/**
 * `count` draws from a grid posterior (each a grid point drawn with its probability, moved uniformly within
 * its cell), for a scatter plot of p(z|x) next to q(z|x): [z0, z1] pairs, flat.
 */
export function samplePosteriorGrid(grid: PosteriorGrid, count: number, seed = 0): Float32Array {
  checkPositiveInt('samplePosteriorGrid', 'count', count);
  const n = grid.z0.length;
  const step = [grid.z0[1] - grid.z0[0], grid.z1[1] - grid.z1[0]];
  const cdf = new Float64Array(grid.posterior.length);
  let acc = 0;
  grid.posterior.forEach((p, i) => {
    acc += p;
    cdf[i] = acc;
  });
  const rng = new Rng(seed);
  const next = (): number => rng.next();
  const out = new Float32Array(2 * count);
  for (let k = 0; k < count; k++) {
    const u = next() * acc;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out[2 * k] = grid.z0[lo % n] + (next() - 0.5) * step[0];
    out[2 * k + 1] = grid.z1[Math.floor(lo / n)] + (next() - 0.5) * step[1];
  }
  return out;
}

export interface AggregatePosteriorConfig {
  /** Grid points per axis over [−range, range]². */
  size: number;
  /** Half-width of the square window, in prior standard deviations. */
  range: number;
}

export const DEFAULT_AGGREGATE_POSTERIOR: AggregatePosteriorConfig = { size: 121, range: 4 };

export interface AggregatePosterior {
  /** Grid coordinates (the same on both axes). */
  z: number[];
  /** q(z) = (1/N) Σ_n q(z|x_n) at each grid point, row i = z1[i], column j = z0[j] (a density). */
  density: Float32Array;
  /** KL(q(z) ‖ p(z)) by quadrature over the grid, nats. */
  klToPrior: number;
  /** Prior mass where q(z) < p(z) / 10: the "holes" of the aggregate posterior. */
  priorMassInHoles: number;
}

/**
 * The aggregate posterior q(z) = (1/N) Σ_n q(z|x_n) of a 2-D code on a grid (chapter 5, holes in the prior), from
 * the posteriors' means and log-variances (n × 2 each, e.g. `encodePosteriors`), with its KL from the prior.
 */
export function aggregatePosterior(means: Float32Array, logVars: Float32Array, config: Partial<AggregatePosteriorConfig> = {}): AggregatePosterior {
  const { size, range } = { ...DEFAULT_AGGREGATE_POSTERIOR, ...config };
  checkPositiveInt('aggregatePosterior', 'size', size);
  if (means.length !== logVars.length || means.length % 2 !== 0 || means.length === 0) {
    throw new Error(`aggregatePosterior: expected n × 2 means and log-variances, got ${means.length} and ${logVars.length} values`);
  }
  const n = means.length / 2;
  const z = Array.from({ length: size }, (_, j) => -range + (2 * range * j) / (size - 1));
  const step = z[1] - z[0];
  // Each posterior factorises over the two axes: tabulate both factors once, then add up outer products.
  const density = new Float32Array(size * size);
  const f0 = new Float64Array(size);
  const f1 = new Float64Array(size);
  for (let k = 0; k < n; k++) {
    for (const [f, d] of [[f0, 0], [f1, 1]] as const) {
      const mu = means[2 * k + d];
      const v = Math.exp(logVars[2 * k + d]);
      for (let j = 0; j < size; j++) f[j] = Math.exp(-((z[j] - mu) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    }
    for (let r = 0; r < size; r++) {
      const a = f1[r] / n;
      if (a === 0) continue;
      for (let c = 0; c < size; c++) density[r * size + c] += a * f0[c];
    }
  }
  let kl = 0;
  let holes = 0;
  let qMass = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const p = Math.exp(-(z[r] ** 2 + z[c] ** 2) / 2) / (2 * Math.PI);
      const q = density[r * size + c];
      qMass += q * step * step;
      if (q > 0) kl += q * Math.log(q / p) * step * step;
      if (q < p / 10) holes += p * step * step;
    }
  }
  if (qMass < 0.99) throw new Error(`aggregatePosterior: only ${qMass.toFixed(3)} of q(z)'s mass lies in [−${range}, ${range}]²; widen the range`);
  return { z, density, klToPrior: kl, priorMassInHoles: holes };
}

/** Every example's posterior mean and log-variance (n × latentDim each, row-major). */
export function encodePosteriors(vae: VAE, ds: Dataset, batchSize = 500): { means: Float32Array; logVars: Float32Array } {
  checkData('encodePosteriors', vae, ds);
  const d = vae.config.latentDim;
  const means = new Float32Array(ds.size * d);
  const logVars = new Float32Array(ds.size * d);
  for (let start = 0; start < ds.size; start += batchSize) {
    const end = Math.min(start + batchSize, ds.size);
    const [m, v] = tf.tidy(() => {
      const q = vae.encode(rowsTensor(ds, start, end));
      return [q.mean.dataSync(), q.logVar.dataSync()];
    });
    means.set(m, start * d);
    logVars.set(v, start * d);
  }
  return { means, logVars };
}
