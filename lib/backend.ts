/**
 * Choosing where the tensors live. Every script, test and notebook calls
 * `await initBackend()` once before touching tf; the choice is process-global
 * (TF.js keeps one active backend), so it is made here and reported.
 *
 * Order for `auto`: tfjs-node-gpu (CUDA), tfjs-node (libtensorflow), wasm
 * (SIMD), cpu (plain JavaScript). tfjs-node is an optional dependency because
 * its installer downloads libtensorflow from a host that some networks block;
 * without it the wasm backend is the fast path (chapter 1, "Running the code").
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The TF.js backend name that is active (`tf.getBackend()`). */
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  /** Human-readable specifics, e.g. 'SIMD, 1 thread' or 'libtensorflow, GPU'. */
  detail: string;
}

export interface BackendOptions {
  /** Which backend to use; absent → env VAE_BACKEND, absent too → 'auto'. */
  backend?: BackendName | 'auto';
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

async function tryTensorflow(): Promise<BackendInfo | string> {
  const reasons: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const r = tryRequire(pkg);
    if (r.ok === false) {
      reasons.push(r.error);
      continue;
    }
    // Requiring tfjs-node registers the 'tensorflow' backend with the tfjs-core we import.
    if (!(await tf.setBackend('tensorflow'))) {
      reasons.push(`${pkg} loaded but tf.setBackend('tensorflow') failed`);
      continue;
    }
    await tf.ready();
    const version = (r.module as { version?: Record<string, string> }).version?.['tfjs-node'] ?? 'unknown version';
    return {
      name: 'tensorflow',
      package: pkg,
      detail: `libtensorflow, ${pkg.endsWith('-gpu') ? 'GPU (CUDA)' : 'CPU'}, tfjs-node ${version}`,
    };
  }
  return reasons.join('; ');
}

async function tryWasm(): Promise<BackendInfo | string> {
  const r = tryRequire('@tensorflow/tfjs-backend-wasm');
  if (r.ok === false) return r.error; // `=== false`: tslab compiles non-strict, where `!r.ok` does not narrow
  const wasm = r.module as { setWasmPaths(prefix: string): void; getThreadsCount(): number };
  // The .wasm binaries ship in the package's dist/; pointing at them keeps loading offline
  // (inside tslab too). The trailing slash is required by setWasmPaths.
  const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  wasm.setWasmPaths(dist);
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
    detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`,
  };
}

async function useCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error("initBackend: tf.setBackend('cpu') failed");
  await tf.ready();
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', detail: 'plain JavaScript' };
}

const TFJS_NODE_HELP =
  'install it with `npm install @tensorflow/tfjs-node@4.22.0` (or @tensorflow/tfjs-node-gpu@4.22.0 with CUDA); ' +
  'its installer downloads libtensorflow, see TFJS_NODE_CDN_STORAGE in its README for blocked networks';

async function select(name: BackendName | 'auto', source: string): Promise<BackendInfo> {
  if (name === 'tensorflow') {
    const r = await tryTensorflow();
    if (typeof r === 'string') {
      throw new Error(`initBackend: backend 'tensorflow' was requested (${source}) but is unavailable: ${r}; ${TFJS_NODE_HELP}`);
    }
    return r;
  }
  if (name === 'wasm') {
    const r = await tryWasm();
    if (typeof r === 'string') throw new Error(`initBackend: backend 'wasm' was requested (${source}) but ${r}`);
    return r;
  }
  if (name === 'cpu') return useCpu();
  const t = await tryTensorflow();
  if (typeof t !== 'string') return t;
  const w = await tryWasm();
  if (typeof w !== 'string') return w;
  return useCpu();
}

/**
 * Select and initialise the backend. Idempotent: a second call with the same
 * (or no) request returns the same info; a different explicit request switches.
 */
export async function initBackend(opts?: BackendOptions): Promise<BackendInfo> {
  const req = requestedBackend(opts);
  if (current && (req.name === 'auto' || req.name === current.name)) return current;
  if (pending && pendingRequest === req.name) return pending;
  pendingRequest = req.name;
  pending = (async () => {
    const info = await select(req.name, req.source);
    setBatchMatMulGradOverride(info.name === 'wasm');
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

/** One line for logs, the CLI and notebooks: "wasm (@tensorflow/tfjs-backend-wasm; SIMD, 1 thread)". */
export function describeBackend(info: BackendInfo): string {
  return `${info.name} (${info.package}; ${info.detail})`;
}

// ---------------------------------------------------------------------------
// BatchMatMul gradient with explicit transposes (wasm only).
//
// The stock gradient of C = A·B computes dA = dC·Bᵀ and dB = Aᵀ·dC by calling
// matMul with transposeA/transposeB flags. The wasm kernel handles a transposed
// operand with a strided loop that runs at about 3.4 GFLOP/s here, against
// about 25 GFLOP/s when the operand is first copied by tf.transpose (FACTS.md).
// For the dense VAE this lifts training from ~1,500 to ~6,200 samples/s on
// wasm. tfjs-node gets slower with it (extra kernel dispatches), so it is only
// installed for wasm. The registry is global, which is why initBackend sets or
// restores it whenever the backend changes.
// ---------------------------------------------------------------------------

type GradConfig = ReturnType<typeof tf.getGradient>;
let stockBatchMatMulGrad: GradConfig | undefined;
let overrideActive = false;

/** Swap the last two axes (works for rank 2 and batched rank 3+). */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

/** matMul(x, y, tx, ty) with the transposes done as separate copies first. */
function mm(x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean): tf.Tensor {
  return tf.matMul(tx ? swapLast(x) : x, ty ? swapLast(y) : y);
}

const explicitTransposeGrad: GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const dC = dy as tf.Tensor;
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    // Same algebra as tfjs-core's BatchMatMul_grad, one case per transpose pair.
    if (!transposeA && !transposeB) return { a: () => mm(dC, b, false, true), b: () => mm(a, dC, true, false) };
    if (!transposeA && transposeB) return { a: () => mm(dC, b, false, false), b: () => mm(dC, a, true, false) };
    if (transposeA && !transposeB) return { a: () => mm(b, dC, false, true), b: () => mm(a, dC, false, false) };
    return { a: () => mm(b, dC, true, true), b: () => mm(dC, a, true, true) };
  },
};

/**
 * Install (true) or restore the stock (false) BatchMatMul gradient. initBackend
 * calls it; it is exported for the equivalence test and the benchmark
 * (scripts/bench-matmul.ts), not for everyday use.
 */
export function setBatchMatMulGradOverride(enabled: boolean): void {
  if (enabled === overrideActive) return;
  if (enabled) {
    stockBatchMatMulGrad = tf.getGradient('BatchMatMul');
    tf.registerGradient(explicitTransposeGrad);
  } else if (stockBatchMatMulGrad) {
    tf.registerGradient(stockBatchMatMulGrad);
  }
  overrideActive = enabled;
}

/** Whether the explicit-transpose BatchMatMul gradient is installed. */
export function batchMatMulGradOverrideActive(): boolean {
  return overrideActive;
}
