/**
 * The embedded digits (the `mnist` package's 10,000) and the book's seeded train/test split of them, without
 * saying where the digits come from: Node reads them from the package's files (lib/data/load.ts), a browser
 * from the packed copy the JupyterLite kernel fetches. Whoever has them registers a source once.
 */
import { checkCount, Dataset, DEFAULT_SPLIT, subset, trainTestSplit } from './dataset';

/** What the embedded split can be asked for (the embedded fields of LoadDataOptions). */
export interface EmbeddedDataOptions {
  /** Seed of the train/test split. */
  seed?: number;
  /** Held-out examples. */
  testSize?: number;
  /** Training examples (default: the rest). */
  trainSize?: number;
  /** Quick runs: keep the first `limit` training and ceil(limit / 4) test examples. */
  limit?: number;
}

let source: (() => Dataset) | undefined;

/** Registers where the 10,000 embedded digits come from (called once by the environment: Node or a page). */
export function setEmbeddedDigits(load: () => Dataset): void {
  source = load;
}

/** The 10,000 embedded digits, grouped by digit; the same object on every call (copy before changing it). */
export function embeddedDigits(): Dataset {
  if (!source) {
    throw new Error('embeddedDigits: no source of the embedded digits is registered (Node: import lib/index.ts; a page: setEmbeddedDigits)');
  }
  return source();
}

/** The seeded 8,000 / 2,000 split of the embedded digits (smaller with trainSize, testSize or limit). */
export function embeddedData(opts: EmbeddedDataOptions = {}): { train: Dataset; test: Dataset } {
  let { train, test } = trainTestSplit(embeddedDigits(), {
    testSize: opts.testSize ?? DEFAULT_SPLIT.testSize,
    trainSize: opts.trainSize,
    seed: opts.seed ?? DEFAULT_SPLIT.seed,
  });
  if (opts.limit !== undefined) ({ train, test } = limitData({ train, test }, opts.limit));
  return { train, test };
}

/** The first `limit` training and ceil(limit / 4) test examples. */
export function limitData(data: { train: Dataset; test: Dataset }, limit: number): { train: Dataset; test: Dataset } {
  checkCount('loadData: limit', limit, 1);
  return {
    train: subset(data.train, Math.min(limit, data.train.size)),
    test: subset(data.test, Math.min(Math.ceil(limit / 4), data.test.size)),
  };
}

/**
 * A split with an official train/test division (the full MNIST, IDX folders) cut as loadData's options ask: the
 * first `trainSize` training and `testSize` test examples, then `limit` (limitData). Names are kept.
 */
export function firstExamples(
  data: { train: Dataset; test: Dataset },
  opts: { trainSize?: number; testSize?: number; limit?: number },
): { train: Dataset; test: Dataset } {
  let { train, test } = data;
  if (opts.trainSize !== undefined) train = { ...subset(train, opts.trainSize), name: train.name };
  if (opts.testSize !== undefined) test = { ...subset(test, opts.testSize), name: test.name };
  if (opts.limit !== undefined) ({ train, test } = limitData({ train, test }, opts.limit));
  return { train, test };
}
