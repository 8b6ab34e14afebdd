/**
 * The multithreaded wasm backend in Node.
 *
 * @tensorflow/tfjs-backend-wasm 4.22 ships a threaded SIMD build
 * (wasm-out/tfjs-backend-wasm-threaded-simd.{js,wasm}, Emscripten pthreads on
 * worker_threads in Node) but never uses it in Node, for three reasons:
 * 1. its flag WASM_HAS_MULTITHREAD_SUPPORT returns false whenever IS_NODE
 *    (flags_wasm.js; tfjs issue #3830);
 * 2. forced to true, its init() hands Emscripten a `blob:` URL for the pthread
 *    worker script and a Blob for the main script (backend_wasm.js, init());
 *    Node's `new Worker(url)` accepts only file paths (ERR_WORKER_PATH);
 * 3. the C++ side caps the pool at emscripten_num_logical_cores() / 2
 *    (cc/backend.cc: "many x86-64 processors have 2 threads per core"),
 *    and in Node that is os.cpus().length / 2, so 1 thread on a 2-core machine.
 *
 * `enableWasmThreads` instantiates the threaded build itself (file paths for
 * both scripts, the pool size answered through the one import that sets it),
 * builds the package's own BackendWasm on it and registers that as 'wasm':
 * every wasm kernel and every lib/backend/kernels.ts fix applies as usual, and training
 * gives the same bits as the stock build (pthreadpool splits a product into
 * output tiles, each computed whole by one thread; test/wasm-threads.test.ts).
 * Call it BEFORE the first `tf.setBackend('wasm')` of the process; when threads
 * cannot be used it returns the reason and leaves the stock backend in place.
 *
 * What it buys (scripts/bench/wasm-threads.ts, 2 cores shared with other jobs):
 * with the second core free, large matMuls ≈ 1.5–1.6× (128×784·784×400:
 * 27 → 40–46 GFLOP/s; 1024³: 25 → 40–44). Through lib/training/train.ts, with the fused
 * Adam running in the shared memory, the dense VAE gains about a third and the
 * conv VAE about half (`npm run bench`, rows wasm and wasm×2; small kernels and
 * their dispatch stay serial). With the other core busy
 * (load average 3–5) the step is ≈ 40% SLOWER than 1 thread: every pooled
 * kernel, however small, waits until the worker thread is scheduled. It costs
 * ≈ 1.5× the CPU time per sample (pool threads spin while they wait),
 * ≈ 0.2–0.4 s more start-up and ≈ 35 MB more memory. Opt-in only.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

export type WasmThreadsResult = { threads: number } | { threads: 1; reason: string };

export interface WasmThreadsOptions {
  /** Threads in the pool, the calling thread included; default: os.cpus().length, at most 8 (the build pre-spawns 8 workers). */
  threads?: number;
}

/** The slice of @tensorflow/tfjs-backend-wasm this file uses. */
interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** The slice of the Emscripten module this file uses. */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => number;
  PThread?: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
  tfjs?: unknown;
}

type EmscriptenFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** The build pre-spawns this many pthread workers (PThread.initMainThread: pthreadPoolSize=8); the C++ side caps the pool there too. */
const MAX_THREADS = 8;

/** A minimal threaded wasm program (wasm-feature-detect, as flags_wasm.js): shared memory and an atomic load. */
const THREADS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11,
]);
/** A minimal SIMD wasm program (as flags_wasm.js). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/**
 * The WebAssembly global, typed here: the notebooks' compiler settings
 * (tsconfig.tslab.json: lib ES2020, no DOM) do not declare it.
 */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>;
}
const wasmApi = (): WebAssemblyApi | undefined => (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

let enabling: Promise<WasmThreadsResult> | undefined;

/** Why this process cannot run the threaded build, or undefined when it can. */
function missingSupport(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available (needed for wasm shared memory)';
  try {
    require.resolve('worker_threads');
  } catch {
    return 'the worker_threads module is not available';
  }
  const wasm = wasmApi();
  if (!wasm) return 'WebAssembly is not available';
  try {
    if (!wasm.validate(THREADS_PROBE)) return 'this WebAssembly engine has no threads (shared memory, atomics)';
    if (!wasm.validate(SIMD_PROBE)) return 'this WebAssembly engine has no SIMD (the threaded build is SIMD only)';
  } catch (e) {
    return `WebAssembly feature check failed: ${(e as Error).message}`;
  }
  return undefined;
}

/**
 * Register a 'wasm' backend that runs the threaded SIMD build with `threads`
 * threads (the calling thread is one of them). Must run before the first
 * `tf.setBackend('wasm')` of the process: a backend already initialised keeps
 * its build. Idempotent: later calls (with any options) return the first result.
 *
 * Returns `{ threads }` once the threaded module runs with a pool of that size
 * and is registered (tf.setBackend('wasm') then activates it and sets up the
 * kernels; the package's getThreadsCount() reports it), or `{ threads: 1, reason }`
 * when it cannot run here; the stock backend is then left as it was.
 */
export function enableWasmThreads(opts: WasmThreadsOptions = {}): Promise<WasmThreadsResult> {
  const requested = opts.threads ?? Math.min(os.cpus().length, MAX_THREADS);
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_THREADS) {
    return Promise.reject(new Error(`enableWasmThreads: threads must be an integer in 1..${MAX_THREADS}, got ${requested}`));
  }
  // One attempt per process: a second instantiation would start a second module and pool.
  enabling ??= start(requested);
  return enabling;
}

async function start(requested: number): Promise<WasmThreadsResult> {
  const fail = (reason: string): WasmThreadsResult => ({ threads: 1, reason });
  // Not tf.findBackend('wasm'): it starts initialising the stock backend when none exists.
  const engine = tf.engine() as unknown as { registry: Record<string, unknown>; pendingBackendInit: unknown };
  if ('wasm' in engine.registry) {
    return fail("the wasm backend is already initialised in this process; call enableWasmThreads before tf.setBackend('wasm')");
  }
  if (engine.pendingBackendInit != null) {
    return fail('a backend is being initialised (tf.setBackend or tf.ready still pending); call enableWasmThreads before it');
  }
  const missing = missingSupport();
  if (missing !== undefined) return fail(missing);

  let pkg: WasmPackage;
  let factory: EmscriptenFactory;
  let root: string;
  try {
    root = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    pkg = require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
    // The Emscripten glue of the threaded build. The package bundles a copy of
    // it but does not export it; the file is the same code, and its path also
    // serves as the script each pthread worker loads (mainScriptUrlOrBlob).
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    factory = require(path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js')) as EmscriptenFactory;
  } catch (e) {
    return fail(`@tensorflow/tfjs-backend-wasm failed to load: ${(e as Error).message}`);
  }
  const glue = path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const binary = path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.wasm');
  if (!fs.existsSync(binary)) return fail(`${binary} is missing`);

  let worker: string;
  try {
    worker = writeWorkerScript(root);
  } catch (e) {
    return fail(`could not write the pthread worker script: ${(e as Error).message}`);
  }

  // Instantiate now, not in the backend factory: the result then says whether
  // threads really run, and a failure leaves the stock factory untouched.
  const threads = requested;
  let backend: tf.KernelBackend;
  let actual: number;
  try {
    const module = await instantiate(factory, { glue, binary, worker, threads });
    // BackendWasm's constructor calls init_with_threads_count(<setThreadsCount value>),
    // which creates the pthreadpool, and records get_threads_count() for getThreadsCount().
    pkg.setThreadsCount(threads);
    backend = new pkg.BackendWasm(module);
    actual = pkg.getThreadsCount();
    // Emscripten ref()s a worker while it runs a pthread, and pthreadpool's
    // threads never return: without this Node would never exit on its own.
    for (const w of module.PThread?.runningWorkers ?? []) w.unref();
  } catch (e) {
    return fail(`the threaded wasm build failed to start: ${(e as Error).message}`);
  }

  if ('wasm' in engine.registry || engine.pendingBackendInit != null) {
    // tf.setBackend / tf.ready ran while the module was starting; swapping now would drop that backend.
    return fail("a wasm backend was initialised while the threaded one was starting; await enableWasmThreads before tf.setBackend('wasm')");
  }

  // Swap the factory: removeBackend drops the stock one (no instance exists yet,
  // checked above), registerBackend refuses a name that is still registered.
  // The kernels stay registered for 'wasm' and are set up on this instance by
  // tf.setBackend('wasm') as usual.
  tf.removeBackend('wasm');
  const WASM_PRIORITY = 2; // as the package's own registration (base.js)
  tf.registerBackend('wasm', () => backend, WASM_PRIORITY);
  return { threads: actual };
}

/**
 * The pthread worker script as a file. The package ships it only as a JS
 * string (wasm-out/…worker.js exports `wasmWorkerContents`) that init() turns
 * into a blob: URL; Node's Worker needs a path. Written once per content to
 * the temp directory (atomic rename, so concurrent processes do not race).
 */
function writeWorkerScript(root: string): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { wasmWorkerContents } = require(path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The string came from a template literal, so the `\n` escapes inside its
  // string literals became real newlines; the script is one line, so escaping
  // every newline restores them (init() does the same before making its Blob).
  const contents = wasmWorkerContents.replace(/\n/g, '\\n');
  let hash = 0;
  for (let i = 0; i < contents.length; i++) hash = (Math.imul(hash, 31) + contents.charCodeAt(i)) | 0;
  const file = path.join(os.tmpdir(), `tfjs-backend-wasm-threaded-simd-${(hash >>> 0).toString(16)}.worker.js`);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== contents) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
  }
  return file;
}

/** How long the module may take to start (instantiation + workers loading it) before it counts as failed. */
const START_TIMEOUT_MS = 60_000;

interface PThreadPool {
  unusedWorkers: { terminate(): unknown }[];
  runningWorkers: { terminate(): unknown }[];
}

/** Instantiate the threaded build the way backend_wasm.js init() does, but with paths Node can load. */
function instantiate(
  factory: EmscriptenFactory,
  files: { glue: string; binary: string; worker: string; threads: number },
): Promise<EmscriptenModule> {
  return new Promise<EmscriptenModule>((resolve, reject) => {
    let settled = false;
    const config: Record<string, unknown> = {};
    const pool = (): PThreadPool | undefined => (config as { PThread?: PThreadPool }).PThread;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Workers are ref()ed until they have loaded the module: stop them, or a
      // failed start would keep the process alive.
      const p = pool();
      if (p) for (const w of [...p.unusedWorkers, ...p.runningWorkers]) void w.terminate();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    // A start that never completes (e.g. a worker that never reports 'loaded')
    // would otherwise leave the promise pending; in Node, with nothing else
    // scheduled, the process would then just exit with code 0.
    const timer = setTimeout(() => fail(new Error(`the threaded wasm module did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    Object.assign(config, {
      // Emscripten asks for the worker script and the binary by bare name.
      locateFile: (file: string, prefix: string): string =>
        file.endsWith('.worker.js') ? files.worker : file.endsWith('.wasm') ? files.binary : prefix + file,
      // Each pthread worker importScripts() this (in Node: fs.readFileSync + eval),
      // then calls the global WasmBackendModuleThreadedSimd it defines.
      mainScriptUrlOrBlob: files.glue,
      // Instantiating here lets us answer the one import that sizes the pool:
      // cc/backend.cc computes num_cores = emscripten_num_logical_cores() / 2
      // once, at static initialisation, and caps the pool at it. Reporting
      // 2 × threads makes the cap the requested count. Workers instantiate with
      // their own imports but never run static initialisers.
      instantiateWasm: (
        imports: { env: Record<string, unknown> },
        receive: (instance: object, module: object) => void,
      ): Record<string, never> => {
        imports.env.emscripten_num_logical_cores = () => 2 * files.threads;
        // The glue has already started its fixed pool of 8 pthread workers
        // (PThread.initMainThread, before createWasm) and will load the module
        // into each of them once we hand it over. The pool needs threads − 1
        // (the calling thread is the first): stop the others before they load
        // (saves about 1.5 s of start-up and 8 isolates' memory on 2 cores).
        // Keep at least one: with none, receiveInstance never removes its
        // 'wasm-instantiate' run dependency and the module never becomes ready.
        const p = pool();
        if (p) for (const w of p.unusedWorkers.splice(Math.max(files.threads - 1, 1))) void w.terminate();
        (wasmApi() as WebAssemblyApi)
          .instantiate(fs.readFileSync(files.binary), imports)
          .then(({ instance, module }) => receive(instance, module))
          .catch(fail);
        return {};
      },
      onAbort: (what: unknown) => fail(new Error(`the threaded wasm module aborted: ${String(what)}`)),
    });
    factory(config).then((module) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The same bridge init() installs (backend_wasm.js); BackendWasm and the kernels use it.
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      resolve(module);
    }, fail);
  });
}
