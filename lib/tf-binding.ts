/**
 * The part of tfjs-node's N-API binding (tfjs-node 4.22, binding/tfjs_binding.cc)
 * that lib/tf-adam.ts, lib/tf-step.ts and lib/tf-lean-kernels.ts call directly:
 * running a TensorFlow op on tensor handles without making a TF.js tensor of
 * every intermediate, constants kept as handles, and the registration of those
 * kernel replacements.
 */
import * as tf from '@tensorflow/tfjs';

export interface Binding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_SHAPE: number;
  TF_ATTR_STRING: number;
  TF_ATTR_BOOL: number;
  /** Runs op `name` eagerly on the handles `inputIds`; returns the outputs' new handles. */
  executeOp(name: string, attrs: OpAttr[], inputIds: number[], numOutputs: number): TensorMeta[];
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array): number;
  deleteTensor(id: number): void;
}

export interface OpAttr {
  name: string;
  type: number;
  value: number | string | boolean | number[];
}

export interface TensorMeta {
  id: number;
  shape: number[];
  dtype: number;
}

/** tfjs-node's NodeJSKernelBackend, as far as lib/ uses it. */
export interface NodeKernelBackend {
  binding: Binding;
  /** The handles of TF.js tensors, uploading values still held in JS. */
  getInputTensorIds(tensors: { dataId: object }[]): number[];
  /** A TF.js tensor owning the handle `meta.id`. */
  createOutputTensor(meta: TensorMeta): tf.Tensor;
}

/** Constant handles by value: a model uses a few dozen shapes and axes, so the cap is never reached in practice. */
const constants = new Map<string, number>();
const MAX_CONSTANTS = 4096;

/** A TensorFlow constant (a scalar, or a vector of `values`) made once per value and kept. */
export function constantHandle(b: Binding, dtype: 'float32' | 'int32', values: number[], scalar: boolean): number {
  const key = `${dtype}${scalar ? 's' : 'v'}${values.join(',')}`;
  let id = constants.get(key);
  if (id === undefined) {
    if (constants.size >= MAX_CONSTANTS) {
      constants.forEach((handle) => b.deleteTensor(handle));
      constants.clear();
    }
    const data = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    id = b.createTensor(scalar ? [] : [values.length], dtype === 'int32' ? b.TF_INT32 : b.TF_FLOAT, data);
    constants.set(key, id);
  }
  return id;
}

/**
 * Replacements for some of tfjs-node's kernels, registered and restored
 * together by lib/kernels.ts; tfjs-node's own kernels stay callable through
 * `stock` for the cases a replacement hands back (tfjs-node registers them
 * when it loads, so `set(true)` does nothing before that).
 */
export function tensorflowKernels(kernels: Record<string, (args: never) => unknown>): {
  set(enabled: boolean): void;
  active(): boolean;
  stock<A>(kernelName: string): (args: A) => tf.Tensor;
} {
  const saved = new Map<string, tf.KernelConfig>();
  return {
    set(enabled) {
      if (enabled === saved.size > 0) return;
      for (const kernelName of Object.keys(kernels)) {
        if (enabled) {
          const config = tf.getKernel(kernelName, 'tensorflow');
          if (!config) continue;
          saved.set(kernelName, config);
          tf.unregisterKernel(kernelName, 'tensorflow');
          tf.registerKernel({ kernelName, backendName: 'tensorflow', kernelFunc: kernels[kernelName] as never });
        } else if (saved.has(kernelName)) {
          tf.unregisterKernel(kernelName, 'tensorflow');
          tf.registerKernel(saved.get(kernelName)!);
        }
      }
      if (!enabled) saved.clear();
    },
    active: () => saved.size > 0,
    stock: <A>(kernelName: string) => saved.get(kernelName)!.kernelFunc as unknown as (args: A) => tf.Tensor,
  };
}
