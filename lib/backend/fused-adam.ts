/**
 * The fused Adam update (Kingma & Ba 2015, Algorithm 1) as a kernel of its
 * own, `VaeFusedAdam`, on wasm, cpu and tensorflow; lib/training/adam.ts runs it.
 *
 * TF.js's AdamOptimizer updates each variable with about fifteen element-wise
 * kernels (two moments, two bias corrections, sqrt, add, div, mul, add and the
 * assigns), each a full pass over the weights: for the dense VAE that is a
 * quarter of a training step on wasm and a third on tfjs-node (`npm run bench -- --profile`).
 * The kernel registered here reads g, m, v and θ once and writes m', v', θ':
 *
 *   m' = β₁·m + (1−β₁)·g        v' = β₂·v + (1−β₂)·g²
 *   θ' = θ − lr · (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε)
 *
 * with the same float32 operations in the same order as the stock optimizer, in
 * WebAssembly SIMD (lib/backend/wasm/adam.wat). IEEE +, ×, ÷ and √ are correctly rounded
 * in every lane, as in the backends' own kernels, so on wasm and cpu the fused
 * update gives bit for bit the numbers of the stock one (test/adam.test.ts).
 * The outputs are fresh buffers, never the inputs written in place: a
 * variable's data may be shared with a clone.
 *
 * The kernel exists for wasm (a SIMD module working in the backend's own
 * memory), cpu (the same module on copies of the arrays) and tfjs-node, where it
 * is TensorFlow's own ResourceApplyAdam (lib/backend/tensorflow/adam.ts: one native op instead
 * of about fifteen, each costing tens of microseconds to dispatch; equal to the
 * stock update to float32 rounding, not bit for bit). Without it
 * (`tuneKernels('none')`) `adam()` runs the stock update.
 */
import * as tf from '@tensorflow/tfjs';
import { WASM_BASE64, WASM_SHARED_BASE64 } from './wasm/adam';
import { resourceApplyAdam } from './tensorflow/adam';
import type { NodeKernelBackend } from './tensorflow/binding';
import type { KernelFix } from './kernel-fix';

/** The name of the fused kernel in the TF.js kernel registry. */
export const FUSED_ADAM = 'VaeFusedAdam';
const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;

/** Float32 constants of one update, computed as the stock optimizer's scalars are. */
export interface AdamAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ, from the float32 accumulators. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLearningRate: number;
}

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  getMemoryOffset(dataId: object): number;
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory };
}

/**
 * The bits of the WebAssembly API used here, typed locally: tslab compiles
 * lib/ with the ES2020 library only, which does not declare WebAssembly.
 */
interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type SimdAdam = (theta: number, g: number, m: number, v: number, thetaOut: number, mOut: number, vOut: number, n: number, ...attrs: number[]) => void;

/** The module's `adam` export, instantiated on `memory` (shared memory needs the shared assembly). */
function instantiate(memory: WasmMemory): SimdAdam {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  // atob, not Buffer: the same code runs in a browser (a Worker may compile a module synchronously).
  const module = new WA.Module(Uint8Array.from(atob(shared ? WASM_SHARED_BASE64 : WASM_BASE64), (c) => c.charCodeAt(0)));
  return new WA.Instance(module, { env: { memory } }).exports.adam as SimdAdam;
}

/** The update's float32 constants, in the order adam.wat takes them. */
function constants(a: AdamAttrs): number[] {
  return [a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.oneMinusAccBeta1, a.oneMinusAccBeta2, a.epsilon, a.negLearningRate].map(Math.fround);
}

/**
 * The SIMD update of lib/backend/wasm/adam.wat, instantiated on the backend's own
 * memory (Emscripten's `asm.memory`, or `wasmMemory`), so it reads and writes the
 * tensors in place of the backend: no copies. The threaded build's memory is
 * shared, which the module must declare: a second assembly of the same source.
 * Undefined where the memory is not reachable: then the update runs on copies.
 */
const simdByMemory = new WeakMap<WasmMemory, SimdAdam>();
function simdAdam(backend: WasmBackend): SimdAdam | undefined {
  // The single-threaded build exports its memory; the threaded build imports a shared one, kept as wasmMemory.
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!(memory instanceof WA.Memory)) return undefined;
  let fn = simdByMemory.get(memory);
  if (!fn) {
    fn = instantiate(memory);
    simdByMemory.set(memory, fn);
  }
  return fn;
}

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}

function inputsOf(args: { inputs: unknown }): TensorInfo[] {
  const { theta, gradient, m, v } = args.inputs as Record<string, TensorInfo>;
  for (const t of [theta, gradient, m, v]) {
    if (t.dtype !== 'float32') throw new Error(`${FUSED_ADAM}: expected float32 tensors, got ${t.dtype}`);
  }
  return [theta, gradient, m, v];
}

/**
 * The SIMD update on arrays that live outside the wasm backend's memory (cpu's
 * typed arrays): copied into a memory of our own, updated there, copied out.
 * Seven copies of the weights cost less than a JS loop.
 */
let scratch: { memory: WasmMemory & { grow(pages: number): number }; adam: SimdAdam } | undefined;
function simdOnCopies(theta: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, a: AdamAttrs): [Float32Array, Float32Array, Float32Array] {
  if (!scratch) {
    const memory = new (WA.Memory as unknown as new (d: { initial: number }) => WasmMemory & { grow(pages: number): number })({ initial: 1 });
    scratch = { memory, adam: instantiate(memory) };
  }
  const n = g.length;
  const bytes = 7 * 4 * n;
  if (scratch.memory.buffer.byteLength < bytes) scratch.memory.grow(Math.ceil((bytes - scratch.memory.buffer.byteLength) / 65536));
  const heap = new Float32Array(scratch.memory.buffer, 0, 7 * n);
  [theta, g, m, v].forEach((x, i) => heap.set(x, i * n));
  scratch.adam(0, 4 * n, 8 * n, 12 * n, 16 * n, 20 * n, 24 * n, n, ...constants(a));
  return [heap.slice(4 * n, 5 * n), heap.slice(5 * n, 6 * n), heap.slice(6 * n, 7 * n)];
}

const kernelFuncs: Record<(typeof BACKENDS)[number], (args: { inputs: unknown; backend: unknown; attrs?: unknown }) => TensorInfo[]> = {
  wasm(args) {
    const [theta, gradient, m, v] = inputsOf(args);
    const backend = args.backend as WasmBackend;
    const a = args.attrs as AdamAttrs;
    // Allocate before taking views: a malloc may grow the wasm memory and detach earlier views.
    const outs = [backend.makeOutput(theta.shape, 'float32'), backend.makeOutput(theta.shape, 'float32'), backend.makeOutput(theta.shape, 'float32')];
    const view = (t: TensorInfo): Float32Array => backend.typedArrayFromHeap(t);
    const simd = simdAdam(backend);
    if (simd) {
      const ptr = (t: TensorInfo): number => backend.getMemoryOffset(t.dataId);
      simd(ptr(theta), ptr(gradient), ptr(m), ptr(v), ptr(outs[0]), ptr(outs[1]), ptr(outs[2]), view(theta).length, ...constants(a));
    } else {
      simdOnCopies(view(theta), view(gradient), view(m), view(v), a).forEach((values, i) => view(outs[i]).set(values));
    }
    return outs;
  },
  cpu(args) {
    const [theta, gradient, m, v] = inputsOf(args);
    const backend = args.backend as CpuBackend;
    const view = (t: TensorInfo): Float32Array => backend.data.get(t.dataId).values;
    return simdOnCopies(view(theta), view(gradient), view(m), view(v), args.attrs as AdamAttrs).map((values) => backend.makeTensorInfo(theta.shape, 'float32', values));
  },
  tensorflow(args) {
    inputsOf(args);
    const { theta, gradient, m, v } = args.inputs as { theta: tf.Tensor; gradient: tf.Tensor; m: tf.Variable; v: tf.Variable };
    // θ' only: the moments stay in TensorFlow until FusedAdam's state is read (lib/backend/tensorflow/adam.ts).
    return [resourceApplyAdam(args.backend as NodeKernelBackend, { theta, gradient, m, v }, args.attrs as AdamAttrs)];
  },
};

export const fusedAdam: KernelFix = {
  backends: BACKENDS,
  why:
    'the stock optimizer runs about 15 element-wise kernels per variable, a quarter of a dense VAE step on wasm ' +
    'and a third on tfjs-node (npm run bench -- --profile)',
  kernels: BACKENDS.map((backendName) => ({ kernelName: FUSED_ADAM, backendName, add: kernelFuncs[backendName] as never })),
};
