/**
 * Identity without a copy on the wasm backend.
 *
 * The wasm Identity kernel (@tensorflow/tfjs-backend-wasm 4.22) copies its
 * input into a new buffer. The gradient tape runs Identity for every pass-
 * through gradient and tfjs-layers for every layer output it keeps, a dozen
 * full-size copies per training step of the dense VAE. The cpu backend shares
 * the buffer instead (reference counted, as Reshape does on wasm too); no
 * kernel writes into its inputs, so sharing is safe. lib/kernels.ts installs it.
 */
import * as tf from '@tensorflow/tfjs';

type KernelConfig = Parameters<typeof tf.registerKernel>[0];

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

let stock: KernelConfig | undefined;

const shared: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as unknown as { x: TensorInfo }).x;
    // Strings live in JS, not on the heap: the stock kernel handles them.
    if (x.dtype === 'string') return stock!.kernelFunc(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as never;
  },
};

/** Install (true) or restore (false) the sharing Identity kernel on wasm. Idempotent; a no-op without wasm. */
export function setWasmIdentityOverride(enabled: boolean): void {
  if (enabled === (stock !== undefined)) return;
  if (enabled) {
    const current = tf.getKernel('Identity', 'wasm');
    if (!current) return;
    stock = current;
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel(shared);
  } else {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel(stock!);
    stock = undefined;
  }
}

/** Whether the sharing Identity kernel is installed. */
export function wasmIdentityOverrideActive(): boolean {
  return stock !== undefined;
}
