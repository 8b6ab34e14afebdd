/**
 * Transposed matMuls on the wasm backend, fixed at the kernel level.
 *
 * The wasm BatchMatMul / _FusedMatMul kernels handle transposeA / transposeB
 * with a strided inner loop that runs several times slower than a plain
 * product (docs/speed.md: 2.4 against 17–21 GFLOP/s for the VAE's shapes).
 * Every gradient of a matMul is a matMul with a transpose flag (dA = dC·Bᵀ,
 * dB = Aᵀ·dC), whether it comes from the registered BatchMatMul gradient or
 * from the customGrad of the fused matMul that tfjs-layers' Dense layers use
 * for the VAE's linear heads. Fixing it at the kernel catches both: when a
 * flag is set, the wrapper copies the operand with the Transpose kernel, then
 * calls the original kernel with the flag cleared. Same numbers, one extra
 * copy, a much faster product.
 */
import * as tf from '@tensorflow/tfjs';

import type { KernelFix, KernelFunc } from '../kernel-fix';

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface Backend {
  disposeData(dataId: object): void;
}

function transposeLast(x: TensorInfo, backend: Backend, transpose: KernelFunc): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose({ inputs: { x } as never, backend: backend as never, attrs: { perm } as never }) as unknown as TensorInfo;
}

function wrap(original: KernelFunc): KernelFunc {
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
  return (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const inputs = args.inputs as unknown as Record<string, TensorInfo>;
    const backend = args.backend as unknown as Backend;
    const temps: TensorInfo[] = [];
    const a = attrs.transposeA ? transposeLast(inputs.a, backend, transpose) : inputs.a;
    if (attrs.transposeA) temps.push(a);
    const b = attrs.transposeB ? transposeLast(inputs.b, backend, transpose) : inputs.b;
    if (attrs.transposeB) temps.push(b);
    try {
      return original({
        ...args,
        inputs: { ...inputs, a, b } as never,
        attrs: { ...args.attrs, transposeA: false, transposeB: false } as never,
      });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

export const wasmMatMul: KernelFix = {
  backends: ['wasm'],
  why:
    'wasm runs a matMul with a transposed operand (every gradient of a Dense layer) as a strided loop: ' +
    '2.4 GFLOP/s against 17–21 with the copy (npm run bench, matMul table; npx tsx scripts/bench/matmul-ab.ts)',
  kernels: ['BatchMatMul', '_FusedMatMul'].map((kernelName) => ({ kernelName, backendName: 'wasm' as const, replace: wrap })),
};
