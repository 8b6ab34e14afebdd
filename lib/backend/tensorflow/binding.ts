/**
 * The part of tfjs-node's N-API binding (tfjs-node 4.22, binding/tfjs_binding.cc)
 * that lib/backend/tensorflow/adam.ts, lib/backend/tensorflow/step.ts and lib/backend/tensorflow/lean-kernels.ts call directly:
 * running a TensorFlow op on tensor handles without making a TF.js tensor of
 * every intermediate, and constants kept as handles.
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
