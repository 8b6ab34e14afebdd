/**
 * The Step kernel on tfjs-node as four native ops run on the binding (chapter 2:
 * the gradient of ReLU is dy·step(x), so every backward pass through a ReLU
 * layer runs it once).
 *
 * tfjs-node 4.22 builds step(x) from TF.js ops: isNaN(x), x > 0, ones(shape)
 * made in JS, fill(shape, α), a where and a final Select: five TensorFlow ops
 * through the engine and four uploads, one of them a full-size array of ones.
 * For α = 0 (ReLU's case) the same values come from Greater, Cast, IsNan and
 * Select with a cached scalar 0: 1 where x > 0, 0 where x ≤ 0, NaN where x is
 * NaN, as the stock kernel (test/tf-step.test.ts). Leaky steps (α ≠ 0) keep the
 * stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { constantHandle, type NodeKernelBackend } from './binding';
import type { KernelFix, KernelFunc } from '../kernel-fix';

interface StepArgs {
  inputs: { x: tf.Tensor };
  backend: NodeKernelBackend;
  attrs: { alpha: number };
}

const step = (stock: KernelFunc) => (args: StepArgs): tf.Tensor => {
  const { x } = args.inputs;
  const backend = args.backend;
  if (args.attrs.alpha !== 0 || x.dtype !== 'float32') return stock(args as never) as tf.Tensor;
  const b = backend.binding;
  const zero = constantHandle(b, 'float32', [0], true);
  const T = { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
  const [xId] = backend.getInputTensorIds([x]);
  const positive = b.executeOp('Greater', [T], [xId, zero], 1)[0].id;
  const ones = b.executeOp('Cast', [{ name: 'SrcT', type: b.TF_ATTR_TYPE, value: b.TF_BOOL }, { name: 'DstT', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT }, { name: 'Truncate', type: b.TF_ATTR_BOOL, value: false }], [positive], 1)[0].id;
  const nan = b.executeOp('IsNan', [T], [xId], 1)[0].id;
  const out = b.executeOp('Select', [T], [nan, xId, ones], 1)[0];
  [positive, ones, nan].forEach((id) => b.deleteTensor(id));
  return backend.createOutputTensor(out);
};

export const tfStep: KernelFix = {
  backends: ['tensorflow'],
  why: 'tfjs-node builds step(x) from five ops and four uploads, one a full-size array of ones made in JS; part of the ×1.5 the tensorflow fixes buy (npm run bench -- --stock)',
  kernels: [{ kernelName: 'Step', backendName: 'tensorflow', replace: (stock) => step(stock) as unknown as KernelFunc }],
};
