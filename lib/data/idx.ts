/**
 * IDX files (LeCun's MNIST distribution, Fashion-MNIST) read from disk, plain or gzipped; the format and its
 * checks are lib/data/idx-parse.ts, which also runs in a browser.
 * loadData({ source: folder }) reads any MNIST-layout copy with it (chapter 1).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Dataset } from './dataset';
import { IDX_UBYTE, idxByteLength, parseIdx, type IdxArray } from './idx-parse';
import { idxDataset } from './mnist-parse';

export type { IdxArray } from './idx-parse';

/**
 * Parse IDX bytes (gunzipping when they start with the gzip magic 1f 8b; the checks are parseIdx's,
 * lib/data/idx-parse.ts). `name` (usually the file path) is put into every error message.
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
  return parseIdx(buf, name);
}

/** Valid IDX bytes for `data` with shape `dims` (ubyte), gzipped on request. For tests and tools. */
export function writeIdx(data: Uint8Array, dims: number[], opts: { gzip?: boolean } = {}): Uint8Array {
  if (dims.length < 1 || dims.length > 255) throw new Error(`writeIdx: need 1 to 255 dims, got ${dims.length}`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new Error(`writeIdx: bad dimension ${d} in [${dims.join(', ')}]`);
  }
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`writeIdx: dims [${dims.join(', ')}] need ${n} values, got ${data.length}`);
  const out = new Uint8Array(idxByteLength(dims));
  const view = new DataView(out.buffer);
  view.setUint32(0, (IDX_UBYTE << 8) | dims.length);
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
 * pixels scaled to [0, 1]. The counts of the two files must agree and the labels be classes 0–9 (idxDataset).
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
  return idxDataset(img, lab, { images: imageFile, labels: labelFile }, `${path.basename(folder)}/${split}`);
}
