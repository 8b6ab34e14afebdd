/**
 * The part of tfjs-node's N-API binding (tfjs-node 4.22, binding/tfjs_binding.cc)
 * that lib/tf-adam.ts and lib/tf-step.ts call directly: running a TensorFlow op
 * on tensor handles without making a TF.js tensor of every intermediate.
 */
import type * as tf from '@tensorflow/tfjs';

export interface Binding {
  TF_FLOAT: number;
  TF_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_SHAPE: number;
  TF_ATTR_STRING: number;
  TF_ATTR_BOOL: number;
  /** Runs op `name` eagerly on the handles `inputIds`; returns the outputs' new handles. */
  executeOp(name: string, attrs: OpAttr[], inputIds: number[], numOutputs: number): TensorMeta[];
  createTensor(shape: number[], dtype: number, values: Float32Array): number;
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
