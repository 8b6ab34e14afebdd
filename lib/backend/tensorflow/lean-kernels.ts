/**
 * tfjs-node kernels that do less per call: Reshape, the reductions, Transpose,
 * Tile and ExpandDims with their shape, axis or permutation operand made once,
 * and Cast to the dtype a tensor already has as no op at all.
 *
 * TensorFlow takes those operands as int32 tensors. tfjs-node 4.22 makes each
 * one as a TF.js tensor (tensor1d, through the engine), uploads it, runs the op
 * and disposes it again: three engine calls around every op. A dense VAE step
 * runs about 40 reshapes (tf.fused.matMul works on 3-D views of its 2-D
 * operands, and its gradient reshapes back) and a dozen reductions, so that
 * overhead was a few percent of a step (`npm run bench -- --profile`). Here the
 * operands are TensorFlow constants kept by value (lib/backend/tensorflow/binding.ts), and the
 * op runs directly on the binding: the same TensorFlow op on the same inputs, so
 * the same bits (test/tf-lean-kernels.test.ts). Mean also skips tfjs-node's cast
 * of a float32 input to float32. A Cast to the same dtype, which ReLU's
 * gradient runs twice a step and TensorFlow answers by forwarding its input,
 * shares the input's handle as tfjs-node's Identity does. Other dtypes than
 * float32, int32 and bool keep the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { constantHandle, type Binding, type NodeKernelBackend, type OpAttr } from './binding';
import type { KernelFix, KernelFunc as AnyKernelFunc } from '../kernel-fix';

function tfType(b: Binding, dtype: string): number | undefined {
  return dtype === 'float32' ? b.TF_FLOAT : dtype === 'int32' ? b.TF_INT32 : dtype === 'bool' ? b.TF_BOOL : undefined;
}

type Args = { inputs: Record<string, tf.Tensor>; backend: NodeKernelBackend; attrs: Record<string, unknown> };
type KernelFunc = (args: Args) => tf.Tensor;

/**
 * The kernel `op` (TensorFlow's op of the same name) on x and one int32
 * constant, falling back to the stock kernel for dtypes other than `dtypes`.
 * `operand` gives the constant and whether it is a scalar; `attrs` the op's
 * attributes besides T.
 */
function withConstant(
  op: string,
  input: string,
  operand: (x: tf.Tensor, attrs: Record<string, unknown>) => [number[], boolean],
  attrs: (b: Binding, x: tf.Tensor, a: Record<string, unknown>) => OpAttr[],
  dtypes: readonly string[] = ['float32', 'int32', 'bool'],
): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const x = args.inputs[input];
    const b = args.backend.binding;
    const T = tfType(b, x.dtype);
    if (T === undefined || !dtypes.includes(x.dtype)) return stock(args);
    const [values, scalar] = operand(x, args.attrs);
    const [xId] = args.backend.getInputTensorIds([x]);
    const meta = b.executeOp(op, [{ name: 'T', type: b.TF_ATTR_TYPE, value: T }, ...attrs(b, x, args.attrs)], [xId, constantHandle(b, 'int32', values, scalar)], 1)[0];
    return args.backend.createOutputTensor(meta);
  };
}

const int32Attr = (name: string) => (b: Binding): OpAttr[] => [{ name, type: b.TF_ATTR_TYPE, value: b.TF_INT32 }];
const reduction = (axisAttr: string): [(x: tf.Tensor, a: Record<string, unknown>) => [number[], boolean], (b: Binding, x: tf.Tensor, a: Record<string, unknown>) => OpAttr[]] => [
  (x, a) => [tf.util.parseAxisParam(a[axisAttr] as number | number[], x.shape), false],
  (b, _x, a) => [
    { name: 'keep_dims', type: b.TF_ATTR_BOOL, value: Boolean(a.keepDims) },
    { name: 'Tidx', type: b.TF_ATTR_TYPE, value: b.TF_INT32 },
  ],
];

const KERNELS: Record<string, (stock: KernelFunc) => KernelFunc> = {
  Reshape: withConstant('Reshape', 'x', (_x, a) => [a.shape as number[], false], int32Attr('Tshape')),
  Sum: withConstant('Sum', 'x', ...reduction('axis')),
  // tfjs-node's Mean casts its input to float32 first: for float32 that is no op, the others keep it.
  Mean: withConstant('Mean', 'x', ...reduction('axis'), ['float32']),
  Max: withConstant('Max', 'x', ...reduction('reductionIndices')),
  Transpose: withConstant('Transpose', 'x', (_x, a) => [a.perm as number[], false], int32Attr('Tperm')),
  Tile: withConstant('Tile', 'x', (_x, a) => [a.reps as number[], false], int32Attr('Tmultiples')),
  ExpandDims: withConstant('ExpandDims', 'input', (_x, a) => [[a.dim as number], true], int32Attr('Tdim')),
  Cast: (stock) => (args) => {
    const { x } = args.inputs;
    if (args.attrs.dtype !== x.dtype) return stock(args);
    (args.backend as NodeKernelBackend & { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as unknown as tf.Tensor;
  },
};

export const tfLeanKernels: KernelFix = {
  backends: ['tensorflow'],
  why:
    'tfjs-node makes, uploads and disposes a TF.js tensor for the operand on every call, about 50 calls a dense VAE step; ' +
    'with the broadcast reduce gradients 9,512 against 9,281 samples/s (alternating 300-step runs, 1 thread; docs/speed.md)',
  kernels: Object.entries(KERNELS).map(([kernelName, make]) => ({
    kernelName,
    backendName: 'tensorflow' as const,
    replace: (stock: AnyKernelFunc) => make(stock as unknown as KernelFunc) as unknown as AnyKernelFunc,
  })),
};
