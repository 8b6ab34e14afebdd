/**
 * Identity without a copy on the wasm backend.
 *
 * The wasm Identity kernel (@tensorflow/tfjs-backend-wasm 4.22) copies its
 * input into a new buffer. The gradient tape runs Identity for every pass-
 * through gradient and tfjs-layers for every layer output it keeps, a dozen
 * full-size copies per training step of the dense VAE. The cpu backend shares
 * the buffer instead (reference counted, as Reshape does on wasm too); no
 * kernel writes into its inputs, so sharing is safe.
 */
import type { KernelFix, KernelFunc } from '../kernel-fix';

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

function shared(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as unknown as { x: TensorInfo }).x;
    // Strings live in JS, not on the heap: the stock kernel handles them.
    if (x.dtype === 'string') return stock(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as never;
  };
}

export const wasmIdentity: KernelFix = {
  backends: ['wasm'],
  why: 'the gradient tape clones dozens of tensors a step, each a full copy on wasm (npm run bench -- --profile --top 20 counts them)',
  kernels: [{ kernelName: 'Identity', backendName: 'wasm', replace: shared }],
};
