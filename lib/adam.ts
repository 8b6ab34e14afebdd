/**
 * Adam (Kingma & Ba 2015, Algorithm 1) with the per-variable update fused into
 * one kernel (chapter 4, "Training in practice").
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
 * WebAssembly SIMD (lib/wasm/adam.wat). IEEE +, ×, ÷ and √ are correctly rounded
 * in every lane, as in the backends' own kernels, so on wasm and cpu the fused
 * update gives bit for bit the numbers of the stock one (test/adam.test.ts).
 * The outputs are fresh buffers, never the inputs written in place: a
 * variable's data may be shared with a clone.
 *
 * The kernel exists for wasm (a SIMD module working in the backend's own
 * memory), cpu (the same module on copies of the arrays) and tfjs-node, where it
 * is TensorFlow's own ResourceApplyAdam (lib/tf-adam.ts: one native op instead
 * of about fifteen, each costing tens of microseconds to dispatch; equal to the
 * stock update to float32 rounding, not bit for bit). lib/kernels.ts installs it
 * with the other kernel fixes; without it (`tuneKernels('none')`) `adam()` runs
 * the stock update.
 */
import * as tf from '@tensorflow/tfjs';
import { WASM_BASE64, WASM_SHARED_BASE64 } from './wasm/adam';
import { resourceApplyAdam, syncMoments, releaseResources } from './tf-adam';
import type { NodeKernelBackend } from './tf-binding';

/** The name of the fused kernel in the TF.js kernel registry. */
export const FUSED_ADAM = 'VaeFusedAdam';
const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;

/** Float32 constants of one update, computed as the stock optimizer's scalars are. */
interface AdamAttrs {
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
  const module = new WA.Module(Buffer.from(shared ? WASM_SHARED_BASE64 : WASM_BASE64, 'base64'));
  return new WA.Instance(module, { env: { memory } }).exports.adam as SimdAdam;
}

/** The update's float32 constants, in the order adam.wat takes them. */
function constants(a: AdamAttrs): number[] {
  return [a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.oneMinusAccBeta1, a.oneMinusAccBeta2, a.epsilon, a.negLearningRate].map(Math.fround);
}

/**
 * The SIMD update of lib/wasm/adam.wat, instantiated on the backend's own
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
    // θ' only: the moments stay in TensorFlow until FusedAdam's state is read (lib/tf-adam.ts).
    return [resourceApplyAdam(args.backend as NodeKernelBackend, { theta, gradient, m, v }, args.attrs as AdamAttrs)];
  },
};

let installed = false;

/** Register (true) or remove (false) the fused Adam kernel on wasm, cpu and tensorflow. Idempotent. */
export function setFusedAdamKernel(enabled: boolean): void {
  if (enabled === installed) return;
  for (const backendName of BACKENDS) {
    if (enabled) {
      tf.registerKernel({ kernelName: FUSED_ADAM, backendName, kernelFunc: kernelFuncs[backendName] as never });
    } else {
      tf.unregisterKernel(FUSED_ADAM, backendName);
    }
  }
  installed = enabled;
}

/** Whether the fused Adam kernel is registered. */
export function fusedAdamKernelActive(): boolean {
  return installed;
}

/** The stock optimizer's private state, which the fused path reads and updates in the same way. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/**
 * tf.AdamOptimizer whose update runs the fused kernel when the active backend
 * has it. State, checkpoints (getWeights / setWeights) and serialisation are the
 * stock optimizer's, so the two are interchangeable mid-training.
 */
export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getKernel(FUSED_ADAM, tf.getBackend()) === undefined) {
      for (const { m, v } of this.moments()) syncMoments(m, v);
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const named: { name: string; tensor: tf.Tensor | undefined }[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    tf.tidy(() => {
      // As the stock optimizer: 1 − β^t from the float32 accumulators, the scalars rounded to float32.
      const [accBeta1, accBeta2] = [state.accBeta1.dataSync()[0], state.accBeta2.dataSync()[0]];
      const attrs: AdamAttrs = {
        beta1: this.beta1,
        oneMinusBeta1: 1 - this.beta1,
        beta2: this.beta2,
        oneMinusBeta2: 1 - this.beta2,
        oneMinusAccBeta1: Math.fround(1 - accBeta1),
        oneMinusAccBeta2: Math.fround(1 - accBeta2),
        epsilon: this.epsilon,
        negLearningRate: -this.learningRate,
      };
      named.forEach(({ name, tensor: gradient }, i) => {
        const theta = tf.engine().registeredVariables[name];
        if (!theta) throw new Error(`FusedAdam: no variable named '${name}'`);
        const slot = (suffix: string) => ({ originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(theta).variable(false)) });
        state.accumulatedFirstMoment[i] ??= slot('m');
        state.accumulatedSecondMoment[i] ??= slot('v');
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        const [thetaNew, mNew, vNew] = tf.engine().runKernel(FUSED_ADAM, { theta, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        // tfjs-node's kernel keeps m' and v' in TensorFlow (lib/tf-adam.ts) and returns θ' alone.
        if (mNew) m.assign(mNew);
        if (vNew) v.assign(vNew);
        theta.assign(thetaNew);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** The stock optimizer's state (iterations, m and v per variable), with the moments tfjs-node keeps copied out first. */
  override async getWeights(): ReturnType<tf.AdamOptimizer['getWeights']> {
    for (const { m, v } of this.moments()) syncMoments(m, v);
    return super.getWeights();
  }

  override dispose(): void {
    for (const { m } of this.moments()) releaseResources(m);
    super.dispose();
  }

  /** The m and v variables of each weight this optimizer has updated. */
  private moments(): { m: tf.Variable; v: tf.Variable }[] {
    const state = this as unknown as AdamState;
    return state.accumulatedFirstMoment.flatMap((first, i) => {
      const second = state.accumulatedSecondMoment[i];
      return first && second ? [{ m: first.variable, v: second.variable }] : [];
    });
  }
}

/** Options of `adam`; the defaults are Kingma & Ba's and tf.train.adam's. */
export interface AdamOptions {
  /** Step size (default 1e-3). */
  learningRate?: number;
  /** Decay of the first-moment average (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average (default 0.999). */
  beta2?: number;
  /** Added to √v̂ (default: the backend's epsilon, 1e-7 in float32). */
  epsilon?: number;
}

/** Adam with the fused update where the backend has it; the optimizer lib/train.ts uses. */
export function adam(opts: AdamOptions = {}): FusedAdam {
  const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon } = opts;
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}
