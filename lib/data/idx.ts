/**
 * The IDX file format of LeCun's MNIST distribution (also used by
 * Fashion-MNIST): a 4-byte magic number [0, 0, type, ndims], ndims big-endian
 * uint32 sizes, then the values. Labels are 0x00000801 (ubyte, 1-D), images
 * 0x00000803 (ubyte, 3-D: count × rows × cols). Files may be gzipped.
 * Chapter 2 uses it to swap the 10,000 embedded digits for the full 70,000.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Dataset } from './dataset';

export interface IdxArray {
  /** Sizes from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values, one unsigned byte each, row-major. */
  data: Uint8Array;
}

/** IDX type byte for unsigned bytes, the only type MNIST uses. */
const UBYTE = 0x08;

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Parse IDX bytes (gunzipping when they start with the gzip magic 1f 8b).
 * `name` (usually the file path) is put into every error message.
 */
export function readIdx(bytes: Uint8Array, name = '<bytes>'): IdxArray {
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = new Uint8Array(zlib.gunzipSync(buf));
    } catch (e) {
      throw new Error(`readIdx: ${name} looks gzipped but cannot be decompressed (truncated or corrupt?): ${(e as Error).message}`);
    }
  }
  if (buf.length < 4) {
    throw new Error(`readIdx: ${name} is truncated: ${buf.length} bytes, too short for the 4-byte IDX magic number`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0);
  const type = buf[2];
  const ndims = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || ndims === 0) {
    throw new Error(`readIdx: ${name} has magic number ${hex(magic)}, not an IDX file (expected 0x000008NN)`);
  }
  if (type !== UBYTE) {
    throw new Error(`readIdx: ${name} has IDX data type 0x${type.toString(16).padStart(2, '0')}; only unsigned bytes (0x08) are supported`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) {
    throw new Error(`readIdx: ${name} is truncated: ${buf.length} bytes, the header alone needs ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = buf.length - headerBytes;
  if (found < expected) {
    throw new Error(
      `readIdx: ${name} is truncated: dims [${dims.join(', ')}] need ${expected} data bytes, found ${found}`,
    );
  }
  if (found > expected) {
    throw new Error(`readIdx: ${name} has ${found - expected} bytes beyond the ${expected} its dims [${dims.join(', ')}] describe`);
  }
  return { dims, data: buf.slice(headerBytes) };
}

/** Valid IDX bytes for `data` with shape `dims` (ubyte), gzipped on request. For tests and tools. */
export function writeIdx(data: Uint8Array, dims: number[], opts: { gzip?: boolean } = {}): Uint8Array {
  if (dims.length < 1 || dims.length > 255) throw new Error(`writeIdx: need 1 to 255 dims, got ${dims.length}`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new Error(`writeIdx: bad dimension ${d} in [${dims.join(', ')}]`);
  }
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`writeIdx: dims [${dims.join(', ')}] need ${n} values, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE << 8) | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return opts.gzip ? new Uint8Array(zlib.gzipSync(out)) : out;
}

/** The first existing file among the usual spellings (plain or .gz, '-idx' or '.idx'). */
function findFile(folder: string, prefix: string, kind: 'images' | 'labels'): string {
  const idx = kind === 'images' ? 'idx3-ubyte' : 'idx1-ubyte';
  const candidates = [`${prefix}-${kind}-${idx}`, `${prefix}-${kind}.${idx}`].flatMap((f) => [f, `${f}.gz`]);
  for (const c of candidates) {
    const p = path.join(folder, c);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`loadIdxFolder: missing file ${path.join(folder, candidates[0])} (or ${candidates.slice(1).join(', ')})`);
}

function readFileIdx(file: string, rank: number): IdxArray {
  const arr = readIdx(new Uint8Array(fs.readFileSync(file)), file);
  if (arr.dims.length !== rank) {
    const want = rank === 1 ? '0x00000801 (labels)' : '0x00000803 (images)';
    throw new Error(`loadIdxFolder: ${file} has ${arr.dims.length} dims [${arr.dims.join(', ')}], expected magic ${want}`);
  }
  return arr;
}

/**
 * One split of an MNIST-layout folder: `train-…` or `t10k-…` images and labels,
 * pixels scaled to [0, 1]. The counts of the two files must agree.
 */
export function loadIdxFolder(folder: string, split: 'train' | 'test'): Dataset {
  if (split !== 'train' && split !== 'test') throw new Error(`loadIdxFolder: split must be 'train' or 'test', got '${String(split)}'`);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new Error(`loadIdxFolder: ${folder} is not a folder`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const imageFile = findFile(folder, prefix, 'images');
  const labelFile = findFile(folder, prefix, 'labels');
  const img = readFileIdx(imageFile, 3);
  const lab = readFileIdx(labelFile, 1);
  const [count, height, width] = img.dims;
  if (lab.dims[0] !== count) {
    throw new Error(`loadIdxFolder: ${labelFile} has ${lab.dims[0]} labels but ${imageFile} has ${count} images`);
  }
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  return { images, labels: lab.data, size: count, height, width, name: `${path.basename(folder)}/${split}` };
}
