/**
 * Fingerprints of what can change a trained model or an executed notebook (the model cache,
 * lib/io/model-cache.ts, and the book's notebook cache): the code a cached piece of work runs, the library's
 * sources and a data set. Plain Node (fs and crypto, and esbuild when it is installed), no TF.js, so the book
 * build can use it without loading a backend.
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
 * and package-lock.json (the versions of TF.js and its backends). The caches' key when a piece of work names
 * no code to bundle, or its code cannot be bundled (codeFingerprint).
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

/** Code to fingerprint: TypeScript modules (as text) whose imports resolve from `root`, like a notebook's cells. */
export interface CodeSources {
  /** Repository root: relative imports ('./lib/index') resolve from here. */
  root: string;
  /** The modules' texts, concatenated into one module in this order (a notebook's code cells). */
  modules: readonly string[];
}

/** What codeFingerprint hashed. */
export interface CodeFingerprint {
  /** sha256 (hex). */
  hash: string;
  /**
   * 'bundle': the code the modules reach, comments and unreached functions left out; 'library': every library
   * source (the fallback when the modules could not be bundled: `reason` says why).
   */
  how: 'bundle' | 'library';
  reason?: string;
  /** Repository files the bundle read ('lib/model/elbo.ts', …). */
  inputs: string[];
}

interface Memo {
  inputs: { file: string; sha: string }[];
  result: CodeFingerprint;
}

const memo = new Map<string, Memo>();
/** The name esbuild gives the concatenated modules (its metafile lists them as an input). */
const STDIN = '<code>';

const sha256 = (bytes: Buffer | string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Kernel magics (lines starting with %) are tslab's, not TypeScript: left out of the bundle. */
function stripMagics(source: string): string {
  return source.replace(/^[ \t]*%.*$/gm, '');
}

/**
 * sha256 of the code `src.modules` run: an esbuild bundle of the modules concatenated into one, with the
 * repository's files they import followed and tree-shaken, minified (no comments, no unreached functions), and
 * packages left external (their versions are package-lock.json's, which a caller hashes beside it). So a
 * comment edit anywhere changes nothing, and a changed formula changes exactly the fingerprints of the code
 * that reaches it. The bundle is only hashed, never run. When bundling fails (esbuild not installed, a syntax
 * error in a cell) it falls back to the fingerprint of every library source, which is never too narrow.
 * Results are remembered per process and reused while the files the bundle read are unchanged (reading and
 * hashing them takes a few milliseconds; a bundle, a tenth of a second).
 */
export function codeFingerprint(src: CodeSources): CodeFingerprint {
  const root = path.resolve(src.root);
  const contents = src.modules.map(stripMagics).join('\n;\n');
  const memoKey = sha256(`${root}\0${contents}`);
  const known = memo.get(memoKey);
  if (known && known.inputs.every((f) => fs.existsSync(path.join(root, f.file)) && sha256(fs.readFileSync(path.join(root, f.file))) === f.sha)) {
    return known.result;
  }
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    return { hash: libraryFingerprint(root), how: 'library', reason: 'esbuild is not installed', inputs: [] };
  }
  let out: import('esbuild').BuildResult<{ write: false; metafile: true }>;
  try {
    out = esbuild.buildSync({
      stdin: { contents, loader: 'ts', resolveDir: root, sourcefile: STDIN },
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: 'esnext',
      packages: 'external',
      treeShaking: true,
      // Not minifyIdentifiers: its renaming weighs the characters of code that tree shaking then drops, so an
      // edit of a function a bundle does not reach could still change the bundle's names.
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
    });
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { line: number } | null }[] }).errors?.[0];
    const reason = first ? `${first.text}${first.location ? ` (line ${first.location.line} of the concatenated code)` : ''}` : String(e);
    return { hash: libraryFingerprint(root), how: 'library', reason, inputs: [] };
  }
  const inputs = Object.keys(out.metafile.inputs).filter((f) => f !== STDIN).sort();
  const result: CodeFingerprint = { hash: sha256(out.outputFiles[0].contents), how: 'bundle', inputs };
  memo.set(memoKey, { inputs: inputs.map((file) => ({ file, sha: sha256(fs.readFileSync(path.join(root, file))) })), result });
  return result;
}
