/**
 * Fingerprints of what can change a trained model or an executed notebook (the model cache,
 * lib/io/model-cache.ts, and the book's notebook cache): the library's sources and a data set. Plain Node
 * (fs and crypto), no TF.js, so the book build can use it without loading a backend.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from '../data/dataset';

/** The repository root: lib/ is one level below it (this file is lib/io/fingerprint.ts). */
export function repositoryRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** Every file under `dir` (relative paths with '/', sorted). */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/**
 * sha256 (hex) over the library's sources under `root`: every .ts and .wat file under lib/ (name and bytes)
 * and package-lock.json (the versions of TF.js and its backends). The book's notebook cache uses it too.
 */
export function libraryFingerprint(root = repositoryRoot()): string {
  const h = createHash('sha256');
  const part = (label: string, bytes: Buffer | string) => {
    h.update(`${label}\0${Buffer.byteLength(bytes)}\0`);
    h.update(bytes);
  };
  const libDir = path.join(root, 'lib');
  for (const f of filesUnder(libDir).filter((x) => /\.(ts|wat)$/.test(x))) part(`lib/${f}`, fs.readFileSync(path.join(libDir, f)));
  const lock = path.join(root, 'package-lock.json');
  part('package-lock.json', fs.existsSync(lock) ? fs.readFileSync(lock) : '<absent>');
  return h.digest('hex');
}

/** sha256 (hex, 32 characters) of a data set's pixels, labels and shape. */
export function datasetFingerprint(ds: Dataset): string {
  const h = createHash('sha256');
  h.update(`${ds.size}x${ds.height}x${ds.width}\0`);
  h.update(Buffer.from(ds.images.buffer, ds.images.byteOffset, ds.images.byteLength));
  h.update(Buffer.from(ds.labels.buffer, ds.labels.byteOffset, ds.labels.byteLength));
  return h.digest('hex').slice(0, 32);
}
