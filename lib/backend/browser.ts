/**
 * Choosing the backend in a page or a Web Worker (the JupyterLite kernel, `npm run bench:browser`), as
 * lib/backend/backend.ts does in Node: `auto` takes wasm (SIMD where the browser has it, threads when the page
 * is cross-origin isolated), else WebGL where present, else plain JavaScript; the same kernel fixes as in Node
 * (lib/backend/kernels.ts), so a seed gives the numbers Node's wasm gives. The .wasm files are fetched from
 * `wasmPaths` (setWasmPaths of @tensorflow/tfjs-backend-wasm).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { tuneKernels } from './kernels';
import { fixWebglPrecision } from './webgl/float-precision';
import type { BackendInfo } from './info';

export { describeBackend } from './info';

export interface BrowserBackendOptions {
  /** 'auto' (wasm, else webgl, else cpu), or one of them. */
  backend: 'auto' | 'wasm' | 'webgl' | 'cpu';
  /** Threads of the wasm backend when the page is cross-origin isolated; 0 = TF.js's choice (the cores, up to 8 … ). */
  wasmThreads: number;
}

export const DEFAULT_BROWSER_BACKEND: BrowserBackendOptions = { backend: 'auto', wasmThreads: 0 };

let wasmPrefix: string | undefined;
let current: BackendInfo | undefined;

/** Where the .wasm binaries are served (a URL ending in '/'); set once before the first initBackend. */
export function setWasmLocation(prefix: string): void {
  if (!prefix.endsWith('/')) throw new Error(`setWasmLocation: the prefix must end with '/', got '${prefix}'`);
  wasmPrefix = prefix;
  setWasmPaths(prefix);
}

/** True when the page may share memory with workers (COOP/COEP headers): what wasm threads need. */
export function crossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

async function tryWasm(threads: number): Promise<BackendInfo | string> {
  if (wasmPrefix === undefined) return 'no location of the .wasm files was set (setWasmLocation)';
  if (threads > 0) {
    setThreadsCount(threads);
    // The threaded build caps its pool at emscripten_num_logical_cores() / 2, which a browser answers with
    // navigator.hardwareConcurrency: 1 thread on 2 cores (lib/backend/wasm/threads.ts answers it in Node).
    // Read through globalThis: tslab compiles lib/ without the DOM library, where `navigator` is not declared.
    const nav = (globalThis as { navigator?: { hardwareConcurrency: number } }).navigator;
    if (crossOriginIsolated() && nav !== undefined && nav.hardwareConcurrency < 2 * threads) {
      Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
    }
  }
  try {
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend failed to initialise';
  } catch (e) {
    return `the wasm backend failed to initialise: ${(e as Error).message}`;
  }
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const n = getThreadsCount();
  const why = n > 1 ? '' : crossOriginIsolated() ? '' : ' (the page is not cross-origin isolated: no threads)';
  return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', detail: `${simd ? 'SIMD' : 'no SIMD'}, ${n} thread${n === 1 ? '' : 's'}${why}` };
}

async function tryWebgl(): Promise<BackendInfo | string> {
  try {
    if (!(await tf.setBackend('webgl'))) return 'WebGL is not available here';
  } catch (e) {
    return `WebGL failed to initialise: ${(e as Error).message}`;
  }
  await tf.ready();
  const version = tf.env().getNumber('WEBGL_VERSION');
  // float16 (no EXT_color_buffer_float, or no highp floats) rounds every intermediate to 11 bits: say so.
  const precision = `float${fixWebglPrecision()}`;
  const renderer = webglRenderer();
  const software = renderer !== undefined && /swiftshader|llvmpipe|software/i.test(renderer) ? ', software rendering' : '';
  return { name: 'webgl', package: '@tensorflow/tfjs-backend-webgl', detail: `WebGL ${version}, ${precision}${software}${renderer ? `, ${renderer}` : ''}` };
}

/** The GPU (or software renderer) behind the webgl backend, when the browser tells it. */
function webglRenderer(): string | undefined {
  // Structural types: tslab compiles lib/ without the DOM library, where WebGL's types are not declared.
  type Gl = { getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter(p: number): unknown };
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: Gl } }).gpgpu?.gl;
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  const name = ext ? gl?.getParameter(ext.UNMASKED_RENDERER_WEBGL) : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

async function useCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error("initBackend: tf.setBackend('cpu') failed");
  await tf.ready();
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', detail: 'plain JavaScript' };
}

/**
 * Selects the backend (once; a later call with another choice switches), installs its kernel fixes and says
 * which it is. Throws naming every reason when an explicit choice cannot load.
 */
export async function initBackend(opts: Partial<BrowserBackendOptions> = {}): Promise<BackendInfo> {
  const cfg = { ...DEFAULT_BROWSER_BACKEND, ...opts };
  if (!['auto', 'wasm', 'webgl', 'cpu'].includes(cfg.backend)) {
    throw new Error(`initBackend: unknown backend '${String(cfg.backend)}'; in a browser: auto, wasm, webgl or cpu`);
  }
  if (current && (cfg.backend === 'auto' || cfg.backend === current.name)) return current;
  const reasons: string[] = [];
  let info: BackendInfo | undefined;
  for (const name of cfg.backend === 'auto' ? ['wasm', 'webgl'] : [cfg.backend]) {
    if (name === 'cpu') break;
    const r = name === 'wasm' ? await tryWasm(cfg.wasmThreads) : await tryWebgl();
    if (typeof r === 'string') reasons.push(r);
    else {
      info = r;
      break;
    }
  }
  if (!info) {
    if (cfg.backend !== 'auto' && cfg.backend !== 'cpu') throw new Error(`initBackend: ${cfg.backend} is not available: ${reasons.join('; ')}`);
    info = await useCpu();
  }
  // What `auto` passed over, and why (the .wasm files not served, no WebGL): the kernel prints this line.
  if (reasons.length) info = { ...info, detail: `${info.detail} (${reasons.join('; ')})` };
  tuneKernels(info.name);
  current = info;
  return info;
}

/** The backend chosen by initBackend. */
export function currentBackend(): BackendInfo {
  if (!current) throw new Error('currentBackend: no backend initialised yet; call `await initBackend()` first');
  return current;
}
