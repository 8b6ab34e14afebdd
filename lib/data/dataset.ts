/**
 * The data every chapter trains on: 28×28 grey digits as flat Float32Arrays in
 * [0, 1], a seeded train/test split, optional binarization and shuffled
 * mini-batches (chapter 1, "The data"). Reading them from disk is
 * lib/data/load.ts; everything here also runs in a browser.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';

export interface Dataset {
  /** size × height × width floats, row-major, each in [0, 1]. */
  images: Float32Array;
  /** One class label per image (the digit, or the Fashion-MNIST class). */
  labels: Uint8Array;
  /** Number of images. */
  size: number;
  /** Image height in pixels (28). */
  height: number;
  /** Image width in pixels (28). */
  width: number;
  /** Where it came from, for logs: 'mnist-embedded/train', 'fashion-mnist/test' … */
  name: string;
}

export interface Batch {
  /** size × pixels floats, row-major; a fresh copy the caller may keep. */
  x: Float32Array;
  /** Labels of the rows of x. */
  labels: Uint8Array;
  /** Rows in this batch (the last batch of an epoch may be smaller). */
  size: number;
}

export interface SplitConfig {
  /** Examples held out for evaluation. */
  testSize: number;
  /** Training examples; absent → all that are not in the test set. */
  trainSize?: number;
  /** Seed of the permutation that decides which example goes where. */
  seed: number;
}

export const DEFAULT_SPLIT: SplitConfig = {
  testSize: 2000,
  seed: 0,
};

export type BinarizeMode = 'threshold' | 'sample';

export interface BinarizeConfig {
  /** 'threshold': pixel > threshold → 1 (fixed); 'sample': pixel ~ Bernoulli(value) (dynamic binarization). */
  mode: BinarizeMode;
  /** Cut-off for 'threshold'. */
  threshold?: number;
  /** Seed for 'sample'. */
  seed?: number;
}

export interface BatchConfig {
  /** Rows per batch; the last batch holds the remainder. */
  batchSize: number;
  /** Visit examples in a random order (else in stored order). */
  shuffle: boolean;
  /** Generator for the order and for sampled binarization; pass the same one across epochs for a new order each epoch. */
  rng?: Rng;
  /** Used to make a fresh Rng when `rng` is absent (same seed → same order every call). */
  seed?: number;
  /** Binarize each batch as it is drawn: 'sample' draws new 0/1 pixels every epoch (Salakhutdinov & Murray 2008). */
  binarize?: 'none' | BinarizeMode;
}

export const DEFAULT_BATCHES: BatchConfig = {
  batchSize: 128,
  shuffle: true,
  seed: 0,
  binarize: 'none',
};

export function checkCount(what: string, n: number, min = 0): void {
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${what} must be an integer ≥ ${min}, got ${n}`);
  }
}

function pixelsOf(ds: { height: number; width: number }): number {
  return ds.height * ds.width;
}

/** Copy the examples at `indices` (in that order) into a new Dataset. */
function gather(ds: Dataset, indices: ArrayLike<number>, name: string): Dataset {
  const p = pixelsOf(ds);
  const images = new Float32Array(indices.length * p);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.size) {
      throw new Error(`subset: index ${i} (position ${k}) is out of range for ${ds.name} of size ${ds.size}`);
    }
    images.set(ds.images.subarray(i * p, (i + 1) * p), k * p);
    labels[k] = ds.labels[i];
  }
  return { images, labels, size: indices.length, height: ds.height, width: ds.width, name };
}

/** The first `count` examples, or the examples at `indices`; always a copy. */
export function subset(ds: Dataset, countOrIndices: number | ArrayLike<number>): Dataset {
  if (typeof countOrIndices === 'number') {
    checkCount('subset: count', countOrIndices);
    if (countOrIndices > ds.size) {
      throw new Error(`subset: count ${countOrIndices} exceeds the ${ds.size} examples of ${ds.name}`);
    }
    const idx = new Uint32Array(countOrIndices);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    return gather(ds, idx, ds.name);
  }
  return gather(ds, countOrIndices, ds.name);
}

/**
 * A seeded random split into disjoint train and test sets. Both come out in
 * permuted order, so `subset(train, n)` is a random sample, not the first digits.
 */
export function trainTestSplit(ds: Dataset, cfg: Partial<SplitConfig> = {}): { train: Dataset; test: Dataset } {
  const { testSize, seed } = { ...DEFAULT_SPLIT, ...cfg };
  checkCount('trainTestSplit: testSize', testSize);
  const trainSize = cfg.trainSize ?? ds.size - testSize;
  checkCount('trainTestSplit: trainSize', trainSize);
  if (testSize + trainSize > ds.size) {
    throw new Error(
      `trainTestSplit: testSize ${testSize} + trainSize ${trainSize} exceeds the ${ds.size} examples of ${ds.name}`,
    );
  }
  const perm = new Rng(seed).permutation(ds.size);
  return {
    train: gather(ds, perm.subarray(testSize, testSize + trainSize), `${ds.name}/train`),
    test: gather(ds, perm.subarray(0, testSize), `${ds.name}/test`),
  };
}

function binarizeInto(src: Float32Array, dst: Float32Array, mode: BinarizeMode, threshold: number, rng: Rng): void {
  if (mode === 'threshold') {
    for (let j = 0; j < src.length; j++) dst[j] = src[j] > threshold ? 1 : 0;
  } else {
    for (let j = 0; j < src.length; j++) dst[j] = rng.next() < src[j] ? 1 : 0;
  }
}

/**
 * 0/1 pixels for the Bernoulli decoder (chapter 4, "Binarized versus grey-level data"). 'threshold' is fixed;
 * 'sample' treats each grey value as P(pixel = 1) and draws once (seeded).
 */
export function binarize(ds: Dataset, cfg: BinarizeConfig): Dataset {
  const threshold = cfg.threshold ?? 0.5;
  if (cfg.mode !== 'threshold' && cfg.mode !== 'sample') {
    throw new Error(`binarize: unknown mode '${String(cfg.mode)}'; expected 'threshold' or 'sample'`);
  }
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`binarize: threshold must be in [0, 1], got ${threshold}`);
  const images = new Float32Array(ds.images.length);
  binarizeInto(ds.images, images, cfg.mode, threshold, new Rng(cfg.seed ?? 0));
  return { ...ds, images, labels: ds.labels.slice(), name: `${ds.name}/binarized-${cfg.mode}` };
}

/**
 * One epoch of mini-batches; every example appears exactly once, the last
 * batch holds the remainder. Pass the same `rng` every epoch to get a new
 * order (and new sampled pixels) each time.
 */
export function* batches(ds: Dataset, cfg: Partial<BatchConfig> = {}): Generator<Batch> {
  const { batchSize, shuffle, binarize: bin } = { ...DEFAULT_BATCHES, ...cfg };
  checkCount('batches: batchSize', batchSize, 1);
  if (bin !== undefined && bin !== 'none' && bin !== 'threshold' && bin !== 'sample') {
    throw new Error(`batches: unknown binarize '${String(bin)}'; expected 'none', 'threshold' or 'sample'`);
  }
  const rng = cfg.rng ?? new Rng(cfg.seed ?? 0);
  const p = pixelsOf(ds);
  let order: Uint32Array;
  if (shuffle) {
    order = rng.permutation(ds.size);
  } else {
    order = new Uint32Array(ds.size);
    for (let i = 0; i < ds.size; i++) order[i] = i;
  }
  for (let start = 0; start < ds.size; start += batchSize) {
    const idx = order.subarray(start, Math.min(start + batchSize, ds.size));
    const x = new Float32Array(idx.length * p);
    const labels = new Uint8Array(idx.length);
    for (let k = 0; k < idx.length; k++) {
      const src = ds.images.subarray(idx[k] * p, (idx[k] + 1) * p);
      if (bin === 'threshold' || bin === 'sample') {
        binarizeInto(src, x.subarray(k * p, (k + 1) * p), bin, 0.5, rng);
      } else {
        x.set(src, k * p);
      }
      labels[k] = ds.labels[idx[k]];
    }
    yield { x, labels, size: idx.length };
  }
}

/** [n, pixels] tensor of a Dataset or Batch; the caller disposes it. */
export function toTensor(data: Dataset | Batch): tf.Tensor2D {
  const x = 'images' in data ? data.images : data.x;
  if (data.size === 0) throw new Error('toTensor: empty data set');
  if (x.length % data.size !== 0) {
    throw new Error(`toTensor: ${x.length} values do not split into ${data.size} rows`);
  }
  return tf.tensor2d(x, [data.size, x.length / data.size]); // [n, 784]
}

/** A copy of image i (height × width floats). */
export function imageAt(ds: Dataset, i: number): Float32Array {
  if (!Number.isInteger(i) || i < 0 || i >= ds.size) {
    throw new Error(`imageAt: index ${i} is out of range for ${ds.name} of size ${ds.size}`);
  }
  const p = pixelsOf(ds);
  return ds.images.slice(i * p, (i + 1) * p);
}
