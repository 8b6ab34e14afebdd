/**
 * Transposed matMuls on the wasm backend, fixed at the kernel level.
 *
 * The wasm BatchMatMul / _FusedMatMul kernels handle transposeA / transposeB
 * with a strided inner loop that runs several times slower than a plain
 * product (FACTS.md: ≈ 3.4 against ≈ 25 GFLOP/s for the VAE's shapes).
 * Every gradient of a matMul is a matMul with a transpose flag (dA = dC·Bᵀ,
 * dB = Aᵀ·dC), whether it comes from the registered BatchMatMul gradient or
 * from the customGrad of the fused matMul that tfjs-layers' Dense layers use
 * for the VAE's linear heads. Fixing it at the kernel catches both: when a
 * flag is set, the wrapper copies the operand with the Transpose kernel, then
 * calls the original kernel with the flag cleared. Same numbers, one extra
 * copy, a much faster product. lib/kernels.ts installs it on wasm.
 */
import * as tf from '@tensorflow/tfjs';

type KernelConfig = Parameters<typeof tf.registerKernel>[0];
type KernelFunc = KernelConfig['kernelFunc'];
interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface Backend {
  disposeData(dataId: object): void;
}

const originals = new Map<string, KernelConfig>();
let installed = false;

function transposeLast(x: TensorInfo, backend: Backend, transpose: KernelFunc): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose({ inputs: { x } as never, backend: backend as never, attrs: { perm } as never }) as unknown as TensorInfo;
}

function wrap(original: KernelConfig, transpose: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const inputs = args.inputs as unknown as Record<string, TensorInfo>;
    const backend = args.backend as unknown as Backend;
    const temps: TensorInfo[] = [];
    const a = attrs.transposeA ? transposeLast(inputs.a, backend, transpose) : inputs.a;
    if (attrs.transposeA) temps.push(a);
    const b = attrs.transposeB ? transposeLast(inputs.b, backend, transpose) : inputs.b;
    if (attrs.transposeB) temps.push(b);
    try {
      return original.kernelFunc({
        ...args,
        inputs: { ...inputs, a, b } as never,
        attrs: { ...args.attrs, transposeA: false, transposeB: false } as never,
      });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return { ...original, kernelFunc };
}

/**
 * Install (true) or restore (false) the explicit-transpose matMul kernels of
 * the wasm backend. Idempotent; a no-op when the wasm backend is not registered.
 */
export function setWasmMatMulOverride(enabled: boolean): void {
  if (enabled === installed) return;
  const transposeCfg = tf.getKernel('Transpose', 'wasm');
  if (!transposeCfg) return;
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const current = tf.getKernel(name, 'wasm');
    if (!current) continue;
    if (enabled) {
      originals.set(name, current);
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(wrap(current, transposeCfg.kernelFunc));
    } else {
      const original = originals.get(name);
      if (!original) continue;
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(original);
    }
  }
  installed = enabled;
}

/** Whether the explicit-transpose matMul kernels are installed. */
export function wasmMatMulOverrideActive(): boolean {
  return installed;
}
