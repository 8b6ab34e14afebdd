/**
 * Choosing where the tensors live. Every script, test and notebook calls
 * `await initBackend()` once before touching tf; the choice is process-global
 * (TF.js keeps one active backend), so it is made here and reported.
 *
 * Order for `auto`: tfjs-node-gpu (CUDA), tfjs-node (libtensorflow), wasm
 * (SIMD), cpu (plain JavaScript). tfjs-node is an optional dependency because
 * its installer downloads libtensorflow from a host that some networks block
 * (`npm run setup:tfjs-node` builds it against another copy of the library);
 * without it the wasm backend is the fast path (chapter 1, "Running the code").
 * The tensorflow detail names the libtensorflow release the binding actually
 * loaded (its TF_Version()), which need not be the one tfjs-node was built for.
 *
 * initBackend also installs the kernel fixes the selected backend needs
 * (lib/backend/kernels.ts lists them per backend) and restores the stock ones on a switch.
 * That is the only place they are installed, so call initBackend before
 * building, loading or training a model.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { tuneKernels, type BackendName } from './kernels';
import { enableWasmThreads } from './wasm/threads';
import type { BackendInfo } from './info';

export type { BackendName };
export type { BackendInfo } from './info';
export { describeBackend } from './info';

export interface BackendOptions {
  /** Which backend to use; absent → env VAE_BACKEND, absent too → 'auto'. */
  backend?: BackendName | 'auto';
  /**
   * Threads of the wasm backend (1–8); absent → env VAE_WASM_THREADS, absent too → 1.
   * More than 1 runs the package's threaded build (lib/backend/wasm/threads.ts); same numbers, and
   * only worth it when the other cores are idle. Takes effect when wasm is first set up.
   */
  wasmThreads?: number;
  /**
   * Threads libtensorflow runs one op on (its intra-op pool, TF_NUM_INTRAOP_THREADS); absent → env
   * VAE_TF_THREADS, absent too → TF_NUM_INTRAOP_THREADS if set, else DEFAULT_TENSORFLOW_THREADS (1). The
   * book's models are small: handing one of their ops to another core costs more than it saves, and the
   * book runs two notebooks side by side (`npm run bench` measures both). Same numbers either way. Takes effect when
   * tfjs-node is first loaded in the process.
   */
  tensorflowThreads?: number;
}

const BACKEND_NAMES: readonly string[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;
let pendingRequest: string | undefined;

/** The request as given, or VAE_BACKEND, or 'auto'; validated. */
function requestedBackend(opts?: BackendOptions): { name: BackendName | 'auto'; source: string } {
  if (opts?.backend !== undefined) {
    const name = String(opts.backend);
    if (!BACKEND_NAMES.includes(name)) {
      throw new Error(`initBackend: unknown backend '${name}'; expected one of ${BACKEND_NAMES.join(', ')}`);
    }
    return { name: name as BackendName | 'auto', source: `backend: '${name}'` };
  }
  const env = (process.env.VAE_BACKEND ?? '').trim();
  if (env === '') return { name: 'auto', source: 'default' };
  if (!BACKEND_NAMES.includes(env)) {
    throw new Error(`initBackend: unknown backend '${env}' in VAE_BACKEND; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  return { name: env as BackendName | 'auto', source: `VAE_BACKEND=${env}` };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `require` a package that may be absent; distinguishes "not installed" from "fails to load". */
function tryRequire(pkg: string): { ok: true; module: unknown } | { ok: false; missing: boolean; error: string } {
  try {
    require.resolve(pkg);
  } catch {
    return { ok: false, missing: true, error: `${pkg} is not installed` };
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return { ok: true, module: require(pkg) as unknown };
  } catch (e) {
    return { ok: false, missing: false, error: `${pkg} is installed but failed to load: ${(e as Error).message}` };
  }
}

/**
 * What tfjs-node's backend object (NodeJSKernelBackend, tfjs-node 4.22) exposes
 * that we report: the native binding, whose TF_Version is the TF_Version() of
 * the libtensorflow it loaded, and whether TensorFlow placed ops on a GPU.
 */
interface NodeBackendLike {
  binding?: { TF_Version?: unknown };
  isUsingGpuDevice?: unknown;
}

/**
 * libtensorflow's intra-op threads when nothing asks for a number: one, not TensorFlow's one per core. On few
 * cores one thread trains the dense VAE faster (a small op costs more to hand over than to run), and the book
 * executes two notebooks at a time, one per core; the conv VAE gains from more threads only on an idle machine.
 * `npm run bench -- --backend tensorflow` measures both settings for both models.
 */
export const DEFAULT_TENSORFLOW_THREADS = 1;

/**
 * Intra-op threads of libtensorflow: the option, else VAE_TF_THREADS (`explicit`: a clash with an already
 * loaded libtensorflow is an error); else TF_NUM_INTRAOP_THREADS as TensorFlow reads it, else the default.
 */
function tensorflowThreadsWanted(opts?: BackendOptions): { n: number | undefined; explicit: boolean } {
  const raw = opts?.tensorflowThreads ?? (process.env.VAE_TF_THREADS ?? '').trim();
  if (raw === '') {
    const tfEnv = (process.env.TF_NUM_INTRAOP_THREADS ?? '').trim();
    return { n: tfEnv === '' ? DEFAULT_TENSORFLOW_THREADS : undefined, explicit: false };
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(`initBackend: tensorflowThreads (or VAE_TF_THREADS) must be an integer from 1 to 256, got '${String(raw)}'`);
  }
  return { n, explicit: true };
}

/**
 * The intra-op threads libtensorflow started with: it reads TF_NUM_INTRAOP_THREADS once, when tfjs-node
 * creates its context on load, and otherwise takes one thread per core.
 */
let tensorflowThreadsLoaded: number | undefined;
function setTensorflowThreads(pkg: string, want: { n: number | undefined; explicit: boolean }): void {
  const wanted = want.n;
  let file: string;
  try {
    file = require.resolve(pkg);
  } catch {
    return; // not installed: tryRequire says so
  }
  if (tensorflowThreadsLoaded === undefined) {
    // Someone may have required tfjs-node before the first initBackend: then its pool is made already.
    const loadedAlready = require.cache[file] !== undefined;
    if (wanted !== undefined && !loadedAlready) process.env.TF_NUM_INTRAOP_THREADS = String(wanted);
    const env = Number(process.env.TF_NUM_INTRAOP_THREADS);
    tensorflowThreadsLoaded = Number.isInteger(env) && env > 0 ? env : os.cpus().length;
  }
  if (want.explicit && wanted !== undefined && wanted !== tensorflowThreadsLoaded) {
    throw new Error(
      `initBackend: tensorflowThreads ${wanted} asked for, but libtensorflow already runs with ${tensorflowThreadsLoaded} ` +
        '(it reads its thread count once per process, when tfjs-node loads); set VAE_TF_THREADS before starting Node',
    );
  }
}

/** Set when auto skipped a tfjs-node that is installed but would not load, so the fallback can say so. */
let tensorflowLoadFailure: string | undefined;

async function tryTensorflow(threads: { n: number | undefined; explicit: boolean }): Promise<BackendInfo | string> {
  const reasons: string[] = [];
  tensorflowLoadFailure = undefined;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    setTensorflowThreads(pkg, threads);
    const r = tryRequire(pkg);
    if (r.ok === false) {
      reasons.push(r.error);
      if (!r.missing) tensorflowLoadFailure = pkg;
      continue;
    }
    // Requiring tfjs-node registers the 'tensorflow' backend with the tfjs-core we import
    // (it is hoisted, one copy); if it resolved another copy, setBackend fails here.
    if (!(await tf.setBackend('tensorflow'))) {
      reasons.push(`${pkg} loaded but tf.setBackend('tensorflow') failed`);
      tensorflowLoadFailure = pkg;
      continue;
    }
    await tf.ready();
    const version = (r.module as { version?: Record<string, string> }).version?.['tfjs-node'] ?? 'unknown version';
    const backend = tf.backend() as unknown as NodeBackendLike;
    const tfVersion = typeof backend.binding?.TF_Version === 'string' ? backend.binding.TF_Version : 'of unknown version';
    return {
      name: 'tensorflow',
      package: pkg,
      detail: `libtensorflow ${tfVersion}, ${backend.isUsingGpuDevice === true ? 'GPU (CUDA)' : 'CPU'}, ${plural(tensorflowThreadsLoaded ?? 1, 'thread')}, tfjs-node ${version}`,
    };
  }
  return reasons.join('; ');
}

/** Threads of the wasm backend: the option, else VAE_WASM_THREADS, else 1; validated. */
function wasmThreadsWanted(opts?: BackendOptions): number {
  const raw = opts?.wasmThreads ?? (process.env.VAE_WASM_THREADS ?? '').trim();
  const n = raw === '' ? 1 : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    throw new Error(`initBackend: wasmThreads (or VAE_WASM_THREADS) must be an integer from 1 to 8, got '${String(raw)}'`);
  }
  return n;
}

async function tryWasm(threadsWanted: number): Promise<BackendInfo | string> {
  const r = tryRequire('@tensorflow/tfjs-backend-wasm');
  if (r.ok === false) return r.error; // `=== false`: tslab compiles non-strict, where `!r.ok` does not narrow
  const wasm = r.module as { setWasmPaths(prefix: string): void; getThreadsCount(): number };
  // The .wasm binaries ship in the package's dist/; pointing at them keeps loading offline
  // (inside tslab too). The trailing slash is required by setWasmPaths.
  const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  wasm.setWasmPaths(dist);
  // The threaded build is opt-in: with both cores free it gives the dense VAE about a third more
  // (npm run bench, wasm×2), with the other core busy it ran about 40 % slower (lib/backend/wasm/threads.ts).
  let threadNote = '';
  if (threadsWanted > 1) {
    const t = await enableWasmThreads({ threads: threadsWanted });
    if ('reason' in t) threadNote = `; ${threadsWanted} threads were asked for but ${t.reason}`;
  }
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    return `the wasm backend failed to initialise: ${(e as Error).message}`;
  }
  if (!ok) return 'the wasm backend failed to initialise (tf.setBackend returned false)';
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  return {
    name: 'wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${threadNote}`,
  };
}

async function useCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error("initBackend: tf.setBackend('cpu') failed");
  await tf.ready();
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', detail: 'plain JavaScript' };
}

const TFJS_NODE_HELP =
  'install it with `npm install @tensorflow/tfjs-node@4.22.0` (or @tensorflow/tfjs-node-gpu@4.22.0 with CUDA); ' +
  'its installer downloads libtensorflow: where that host is blocked, set TFJS_NODE_CDN_STORAGE to a mirror ' +
  'or run `npm run setup:tfjs-node` (builds it against the library in PyPI\'s tensorflow-cpu wheel)';

async function select(name: BackendName | 'auto', source: string, threads: { wasm: number; tensorflow: { n: number | undefined; explicit: boolean } }): Promise<BackendInfo> {
  if (name === 'tensorflow') {
    const r = await tryTensorflow(threads.tensorflow);
    if (typeof r === 'string') {
      throw new Error(`initBackend: backend 'tensorflow' was requested (${source}) but is unavailable: ${r}; ${TFJS_NODE_HELP}`);
    }
    return r;
  }
  if (name === 'wasm') {
    const r = await tryWasm(threads.wasm);
    if (typeof r === 'string') throw new Error(`initBackend: backend 'wasm' was requested (${source}) but ${r}`);
    return r;
  }
  if (name === 'cpu') return useCpu();
  const t = await tryTensorflow(threads.tensorflow);
  if (typeof t !== 'string') return t;
  // An installed tfjs-node that does not load is worth a word: the user meant to use it.
  const skipped = tensorflowLoadFailure
    ? `; ${tensorflowLoadFailure} is installed but did not load (VAE_BACKEND=tensorflow shows why)`
    : '';
  const w = await tryWasm(threads.wasm);
  if (typeof w !== 'string') return { ...w, detail: w.detail + skipped };
  const c = await useCpu();
  return { ...c, detail: c.detail + skipped };
}

/**
 * Select and initialise the backend, then install its kernel fixes
 * (`tuneKernels`). Call it before building or loading a model. Idempotent: a
 * second call with the same (or no) request returns the same info; a different
 * explicit request switches (and swaps the kernel fixes with it).
 */
export async function initBackend(opts?: BackendOptions): Promise<BackendInfo> {
  const req = requestedBackend(opts);
  const threads = { wasm: wasmThreadsWanted(opts), tensorflow: tensorflowThreadsWanted(opts) };
  if (current && (req.name === 'auto' || req.name === current.name)) return current;
  if (pending && pendingRequest === req.name) return pending;
  pendingRequest = req.name;
  pending = (async () => {
    const info = await select(req.name, req.source, threads);
    tuneKernels(info.name);
    current = info;
    return info;
  })();
  try {
    return await pending;
  } finally {
    pending = undefined;
    pendingRequest = undefined;
  }
}

/** The active backend; throws if `initBackend` has not run. */
export function currentBackend(): BackendInfo {
  if (!current) throw new Error('currentBackend: no backend initialised yet; call `await initBackend()` first');
  return current;
}

