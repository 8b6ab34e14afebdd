/**
 * Generation and latent-space pictures (chapter 5): samples from the
 * prior, reconstructions, interpolation between two inputs, the decoded grid
 * over a 2-D latent space (Kingma & Welling 2014, figure 4) and the latent
 * means of a data set for a scatter plot.
 *
 * Outputs are plain Float32Arrays of the decoder's means E[x | z] in [0, 1] (the
 * model's likelihood, lib/model/likelihood.ts: sigmoid(logits) for a Bernoulli),
 * count × inputDim, row-major: ready for plots.imageGrid or png.digitGridPng.
 * No tensor outlives a call.
 */
import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../data/dataset';
import { Rng, tfSeed } from '../model/random';
import { VAE } from '../model/vae';
import type { LatentDecoder, Model } from '../model/model';
import { checkData, rowsTensor } from './evaluate';
import { checkPositiveInt } from '../model/checks';
import { likelihoodOf } from '../model/likelihood';

const CHUNK = 500;

/** Reads a tensor into a fresh Float32Array and disposes it (reading outside tf.tidy avoids a slow copy). */
function take(t: tf.Tensor): Float32Array {
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

/**
 * Decodes latent codes (count × latentDim, row-major) into pictures (count × inputDim): the mean of p(x|z)
 * under the model's likelihood (sigmoid of the logits for a Bernoulli; a decoder without a likelihood in its
 * config is read as a Bernoulli). Takes a model or a decoder on its own.
 */
export function decodeLatents(model: LatentDecoder, codes: Float32Array | number[]): Float32Array {
  const d = model.config.latentDim;
  if (codes.length === 0 || codes.length % d !== 0) {
    throw new Error(`decodeLatents: ${codes.length} values are not a whole number of codes of latentDim ${d}`);
  }
  const count = codes.length / d;
  const p = model.config.inputDim;
  const out = new Float32Array(count * p);
  const flat = codes instanceof Float32Array ? codes : Float32Array.from(codes);
  const likelihood = likelihoodOf(model.config.likelihood, 'decodeLatents');
  const params = { outputLogVar: model.config.outputLogVar };
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(start + CHUNK, count);
    out.set(
      take(tf.tidy(() => likelihood.mean(model.decode(tf.tensor2d(flat.subarray(start * d, end * d), [end - start, d])), params))),
      start * p,
    );
  }
  return out;
}

/** Posterior means (VAE) or codes (autoencoder) of rows of a data set, count × latentDim. */
function encodeRows(model: Model, ds: Dataset): Float32Array {
  const d = model.config.latentDim;
  const out = new Float32Array(ds.size * d);
  for (let start = 0; start < ds.size; start += CHUNK) {
    const end = Math.min(start + CHUNK, ds.size);
    out.set(
      take(tf.tidy(() => {
        const x = rowsTensor(ds, start, end); // [b, 784]
        return model.kind === 'vae' ? model.encode(x).mean : model.encode(x); // [b, latentDim]
      })),
      start * d,
    );
  }
  return out;
}

/** Wraps one or more flat images into a Dataset-shaped view for the encoders. */
function asDataset(model: Model, x: Float32Array | Dataset, fn: string): Dataset {
  if (!(x instanceof Float32Array)) return x;
  const p = model.config.inputDim;
  if (x.length === 0 || x.length % p !== 0) throw new Error(`${fn}: ${x.length} values are not a whole number of images of ${p} pixels`);
  const side = Math.round(Math.sqrt(p));
  const [height, width] = side * side === p ? [side, side] : [1, p];
  return { images: x, labels: new Uint8Array(x.length / p), size: x.length / p, height, width, name: `${fn} input` };
}

/**
 * Ancestral sampling (chapter 3): z ~ N(0, I), x̂ = E[x | z], the mean of the decoder's likelihood.
 * Returns those means (for a Bernoulli, the usual grey "sample" pictures), count × inputDim. With a `temperature` τ the
 * codes are drawn from N(0, τ²I) instead (τ < 1 keeps them nearer the centre of the prior; chapter 5).
 */
export function samplePrior(vae: VAE, count: number, opts: { seed?: number; temperature?: number } = {}): Float32Array {
  if ((vae as Model).kind !== 'vae') throw new Error('samplePrior: needs a VAE (an autoencoder has no prior to sample; chapter 2)');
  checkPositiveInt('samplePrior', 'count', count);
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new Error(`samplePrior: temperature must be a finite number > 0, got ${temperature}`);
  const z = tf.randomNormal([count, vae.config.latentDim], 0, temperature, 'float32', tfSeed(opts.seed ?? 0)); // [count, latentDim]
  const codes = take(z);
  return decodeLatents(vae, codes);
}

/**
 * Codes drawn uniformly from the bounding box of other codes (count × latentDim): what "a random code" can mean
 * for an autoencoder, which has no prior to sample (chapter 2, "Is it a generative model?"). `codes` is
 * n × latentDim, e.g. `latentMeans(ae, test).points`. Seeded: the same seed gives the same codes.
 */
export function sampleCodeBox(codes: Float32Array, latentDim: number, count: number, opts: { seed?: number } = {}): Float32Array {
  checkPositiveInt('sampleCodeBox', 'latentDim', latentDim);
  checkPositiveInt('sampleCodeBox', 'count', count);
  if (codes.length === 0 || codes.length % latentDim !== 0) {
    throw new Error(`sampleCodeBox: ${codes.length} values are not a whole number of codes of latentDim ${latentDim}`);
  }
  const lo = new Array<number>(latentDim).fill(Infinity);
  const hi = new Array<number>(latentDim).fill(-Infinity);
  for (let i = 0; i < codes.length; i++) {
    const j = i % latentDim;
    lo[j] = Math.min(lo[j], codes[i]);
    hi[j] = Math.max(hi[j], codes[i]);
  }
  const rng = new Rng(opts.seed ?? 0);
  const out = new Float32Array(count * latentDim);
  for (let i = 0; i < out.length; i++) out[i] = lo[i % latentDim] + (hi[i % latentDim] - lo[i % latentDim]) * rng.next();
  return out;
}

/** Reconstructions through the code (the VAE's posterior mean, no sampling): count × inputDim probabilities. */
export function reconstruct(model: Model, x: Float32Array | Dataset): Float32Array {
  const ds = asDataset(model, x, 'reconstruct');
  checkData('reconstruct', model, ds);
  return decodeLatents(model, encodeRows(model, ds));
}

/**
 * Originals followed by their reconstructions (count × inputDim each): shown as a
 * digit grid with `cols = ds.size`, the top row is the input and the bottom row
 * what the model makes of it (chapter 2, "Reconstructions").
 */
export function reconstructionPairs(model: Model, ds: Dataset): Float32Array {
  const xHat = reconstruct(model, ds);
  const both = new Float32Array(ds.images.length + xHat.length);
  both.set(ds.images, 0);
  both.set(xHat, ds.images.length);
  return both;
}

function checkSameLength(fn: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`${fn}: vectors have different lengths ${a.length} and ${b.length}`);
}

/** Linear interpolation (1 − t)·a + t·b. */
export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  checkSameLength('lerp', a, b);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
  return out;
}

/**
 * Spherical interpolation (Shoemake 1985; White 2016 for latent spaces): moves
 * along the great circle between a and b, so intermediate codes keep a norm
 * typical of N(0, I) samples instead of shrinking towards the origin. Falls back
 * to lerp when a and b are (anti)parallel or zero.
 */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  checkSameLength('slerp', a, b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return lerp(a, b, t);
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)));
  const omega = Math.acos(cos);
  const sin = Math.sin(omega);
  if (sin < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / sin;
  const wb = Math.sin(t * omega) / sin;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i] + wb * b[i];
  return out;
}

export interface InterpolateOptions {
  /** Images from xa to xb inclusive. */
  steps: number;
  /** 'linear' (lerp) or 'spherical' (slerp) in latent space. */
  method: 'linear' | 'spherical';
}

/**
 * Decoded path between the codes of two images (chapter 5): steps × inputDim
 * probabilities, the first decoding xa's code and the last xb's.
 */
export function interpolate(model: Model, xa: Float32Array, xb: Float32Array, opts: Partial<InterpolateOptions> = {}): Float32Array {
  const steps = opts.steps ?? 10;
  const method = opts.method ?? 'linear';
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolate: steps must be an integer ≥ 2, got ${steps}`);
  if (method !== 'linear' && method !== 'spherical') throw new Error(`interpolate: method must be 'linear' or 'spherical', got '${String(method)}'`);
  const p = model.config.inputDim;
  if (xa.length !== p || xb.length !== p) throw new Error(`interpolate: xa and xb must each hold one image of ${p} pixels, got ${xa.length} and ${xb.length}`);
  const both = new Float32Array(2 * p);
  both.set(xa, 0);
  both.set(xb, p);
  const codes = encodeRows(model, asDataset(model, both, 'interpolate'));
  const d = model.config.latentDim;
  const za = codes.subarray(0, d);
  const zb = codes.subarray(d, 2 * d);
  const path = new Float32Array(steps * d);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    path.set(method === 'linear' ? lerp(za, zb, t) : slerp(za, zb, t), s * d);
  }
  return decodeLatents(model, path);
}

/**
 * Inverse CDF of N(0, 1) (Acklam's rational approximation, relative error
 * below 1.2e-9), for grids spaced by probability as in Kingma & Welling 2014, figure 4.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface LatentGridOptions {
  /** Images per side. */
  size: number;
  /** 'linear': codes evenly spaced in [−range, range]; 'quantile': at normal quantiles of evenly spaced probabilities. */
  spacing: 'linear' | 'quantile';
  /** Half-width of the linear grid. */
  range: number;
}

/** The grid's coordinates along one axis, increasing. */
export function gridCoordinates(opts: Partial<LatentGridOptions> = {}): number[] {
  const size = opts.size ?? 15;
  const spacing = opts.spacing ?? 'linear';
  const range = opts.range ?? 2.5;
  checkPositiveInt('latentGrid', 'size', size);
  if (spacing !== 'linear' && spacing !== 'quantile') throw new Error(`latentGrid: spacing must be 'linear' or 'quantile', got '${String(spacing)}'`);
  if (!(range > 0 && Number.isFinite(range))) throw new Error(`latentGrid: range must be a finite number > 0, got ${range}`);
  return Array.from({ length: size }, (_, i) =>
    spacing === 'linear'
      ? size === 1
        ? 0
        : -range + (2 * range * i) / (size - 1)
      : normalQuantile((i + 1) / (size + 1)),
  );
}

/**
 * The learned manifold (Kingma & Welling 2014, figure 4; chapter 5): decodes a
 * size × size grid of codes of a 2-D latent space. Row r, column c decodes
 * z = (u_c, u_{size−1−r}) so that z₂ grows upwards as in a plot.
 * Returns size² × inputDim probabilities, row-major over the grid.
 */
export function latentGrid(vae: VAE, opts: Partial<LatentGridOptions> = {}): Float32Array {
  if (vae.config.latentDim !== 2) throw new Error(`latentGrid: needs latentDim 2, the model has latentDim ${vae.config.latentDim}`);
  const u = gridCoordinates(opts);
  const size = u.length;
  const codes = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      codes[2 * (r * size + c)] = u[c];
      codes[2 * (r * size + c) + 1] = u[size - 1 - r];
    }
  }
  return decodeLatents(vae, codes);
}

/** Latent means of a data set (VAE: E_q[z|x]; autoencoder: z) with their labels, for a scatter plot (chapters 2 and 5). */
export function latentMeans(model: Model, ds: Dataset): { points: Float32Array; labels: Uint8Array; latentDim: number } {
  checkData('latentMeans', model, ds);
  return { points: encodeRows(model, ds), labels: ds.labels.slice(), latentDim: model.config.latentDim };
}
