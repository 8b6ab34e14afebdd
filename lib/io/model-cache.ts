/**
 * A cache of trained models, so that the same model is trained once: chapters 4–7 use the same reference VAE,
 * the book's rebuilds and a reader's second run of a notebook in JupyterLab load it instead of training it
 * again. An entry lives in `.cache/models/<name>-<key>/` (or under $VAE_MODEL_CACHE; `VAE_MODEL_CACHE=off`
 * turns the cache off), and its key is a sha256 over everything that can change the trained weights: what the
 * caller passes (the recipe and fingerprints of the data), the code that trains it (the caller names the
 * function; an esbuild bundle of it and the backend setup, lib/io/fingerprint.ts codeFingerprint, so a comment
 * edit retrains nothing and an edited formula retrains exactly the models whose code reaches it; without a name,
 * every library source), package-lock.json and the backend (the same seed gives the same numbers only on the
 * same backend).
 *
 * Two processes that want the same entry at once (the book executes two notebooks at a time) do not both
 * train it: the first takes a lock file, the second waits for the entry and loads it. A lock left by a process
 * that died is taken over. Entries are written to a temporary folder and renamed into place, so a crash leaves
 * no half-written entry.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { codeFingerprint, libraryFingerprint, repositoryRoot } from './fingerprint';

/** Where entries go: $VAE_MODEL_CACHE, else <root>/.cache/models; undefined when VAE_MODEL_CACHE=off. */
export function modelCacheDir(): string | undefined {
  const env = (process.env.VAE_MODEL_CACHE ?? '').trim();
  if (env === 'off' || env === '0') return undefined;
  return env === '' ? path.join(repositoryRoot(), '.cache', 'models') : path.resolve(env);
}

/** A function that makes an entry: exported name `name` of `module` (a path from the repository root). */
export interface TrainingCode {
  /** 'lib/training/recipes' (no extension needed). */
  module: string;
  /** The exported function, e.g. 'trainRecipe'. */
  name: string;
}

/**
 * The fingerprint of the code that makes an entry: `code` and initBackend (which registers the backend's kernel
 * fixes) bundled, or every library source when no `code` is named.
 */
export function trainingCodeFingerprint(code?: TrainingCode | readonly TrainingCode[], root = repositoryRoot()): string {
  const entries = code === undefined ? [] : Array.isArray(code) ? code : [code as TrainingCode];
  if (!entries.length) return `library:${libraryFingerprint(root)}`;
  const from = (m: string) => `./${m.replace(/^\.?\//, '').replace(/\.ts$/, '')}`;
  const exports = [...entries, { module: 'lib/backend/backend', name: 'initBackend' }].map((e) => `export { ${e.name} } from '${from(e.module)}';`);
  const fp = codeFingerprint({ root, modules: [exports.join('\n')] });
  return `${fp.how}:${fp.hash}`;
}

/** The key of an entry: `parts` (JSON), the code that makes it (trainingCodeFingerprint) and the active backend. */
export function modelCacheKey(parts: unknown, code?: TrainingCode | readonly TrainingCode[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(parts));
  h.update('\0');
  h.update(trainingCodeFingerprint(code));
  h.update('\0');
  const lock = path.join(repositoryRoot(), 'package-lock.json');
  h.update(fs.existsSync(lock) ? fs.readFileSync(lock) : '<absent>');
  h.update('\0');
  h.update(tf.getBackend() ?? 'none');
  return h.digest('hex').slice(0, 24);
}

/**
 * modelCacheKey as it is on the backend named `backend` ('tensorflow', 'wasm', 'cpu') instead of the active one: a
 * measurement recorded on tfjs-node (scripts/bench/record.ts) is checked by a book build that loads no backend. The
 * same hash as modelCacheKey, written out twice on purpose: modelCacheKey's own code is part of every recipe's key
 * (cachedModel calls it, so trainingCodeFingerprint bundles it), and rewriting it to call this function would change
 * every key and retrain every cached model. test/record.test.ts checks that the two agree.
 */
export function modelCacheKeyOn(backend: string, parts: unknown, code?: TrainingCode | readonly TrainingCode[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(parts));
  h.update('\0');
  h.update(trainingCodeFingerprint(code));
  h.update('\0');
  const lock = path.join(repositoryRoot(), 'package-lock.json');
  h.update(fs.existsSync(lock) ? fs.readFileSync(lock) : '<absent>');
  h.update('\0');
  h.update(backend);
  return h.digest('hex').slice(0, 24);
}

export interface CachedValue<T> {
  value: T;
  /** true: loaded from the cache; false: built now (and stored, when the cache is on). */
  cached: boolean;
  /** The entry's folder (undefined when the cache is off). */
  dir?: string;
}

export interface CacheFunctions<T> {
  /** Makes the value (trains the model). */
  build(): Promise<T>;
  /**
   * The exported functions whose code `build`, `save` and `load` run (their bundle is part of the key). Without
   * them the key covers every library source: correct, but any library edit then retrains.
   */
  code?: TrainingCode | readonly TrainingCode[];
  /** Writes the value into an empty folder. */
  save(value: T, dir: string): Promise<void>;
  /** Reads it back from a folder `save` wrote. */
  load(dir: string): Promise<T>;
}

const COMPLETE = 'complete.json';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock file, or returns false while a living process holds it (a dead holder's lock is taken over). */
function tryLock(lock: string, retry = true): boolean {
  try {
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname() }), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder: { pid?: number; host?: string } = {};
  try {
    holder = JSON.parse(fs.readFileSync(lock, 'utf8')) as typeof holder;
  } catch {
    return false; // being written right now
  }
  if (retry && holder.host === os.hostname() && typeof holder.pid === 'number' && !alive(holder.pid)) {
    fs.rmSync(lock, { force: true });
    return tryLock(lock, false);
  }
  return false;
}

/**
 * The value stored under (name, parts), or `build()`'s, stored for next time. `name` is a readable prefix of
 * the folder ('reference-vae'); `parts` is everything else that determines the value (see modelCacheKey).
 */
export async function cachedModel<T>(name: string, parts: unknown, fns: CacheFunctions<T>): Promise<CachedValue<T>> {
  if (!/^[a-z0-9]+([.-][a-z0-9]+)*$/.test(name)) throw new Error(`cachedModel: name must be lower-case letters and digits joined by '-' or '.', got '${name}'`);
  const root = modelCacheDir();
  if (root === undefined) return { value: await fns.build(), cached: false };
  const dir = path.join(root, `${name}-${modelCacheKey(parts, fns.code)}`);
  const lock = `${dir}.lock`;
  fs.mkdirSync(root, { recursive: true });
  for (let waited = 0; ; waited++) {
    if (fs.existsSync(path.join(dir, COMPLETE))) return { value: await fns.load(dir), cached: true, dir };
    if (tryLock(lock)) break;
    if (waited === 0) process.stderr.write(`model cache: another process is training ${name}; waiting for it\n`);
    await sleep(1000);
  }
  try {
    if (fs.existsSync(path.join(dir, COMPLETE))) return { value: await fns.load(dir), cached: true, dir };
    const value = await fns.build();
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    try {
      await fns.save(value, tmp);
      fs.writeFileSync(path.join(tmp, COMPLETE), JSON.stringify({ name, backend: tf.getBackend(), saved: new Date().toISOString() }));
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    return { value, cached: false, dir };
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
