/**
 * The backend's raw matrix-product speed, GFLOP/s: the three products of the
 * dense VAE's largest layer (784 → 400, batch 128) — forward, input gradient,
 * weight gradient, the last two with a transposed operand as the gradients
 * call them — and a large square product that shows the backend's best case.
 * Measured with the kernels initBackend installed, and with the stock ones
 * (tuneKernels('none')) where that changes the kernels tf.matMul runs.
 */
import * as tf from '@tensorflow/tfjs';
import { tuneKernels } from '../../lib/backend/kernels';
import { matMulFlops } from '../../lib/model/flops';
import type { BackendName } from '../../lib/backend/backend';
import type { MatMulCase } from './plan';
import { spread, cpuMs } from './stats';

type CaseSpec = Pick<MatMulCase, 'label' | 'a' | 'b' | 'transposeA' | 'transposeB'>;

export const MATMUL_CASES: readonly CaseSpec[] = [
  { label: 'x·W (forward) 128×784 · 784×400', a: [128, 784], b: [784, 400], transposeA: false, transposeB: false },
  { label: 'dY·Wᵀ (input grad) 128×400 · (784×400)ᵀ', a: [128, 400], b: [784, 400], transposeA: false, transposeB: true },
  { label: 'Xᵀ·dY (weight grad) (128×784)ᵀ · 128×400', a: [128, 784], b: [128, 400], transposeA: true, transposeB: false },
  { label: 'square 1024×1024 · 1024×1024', a: [1024, 1024], b: [1024, 1024], transposeA: false, transposeB: false },
];

/** The label of the case whose speed the table calls the backend's matMul peak. */
export const PEAK_CASE = MATMUL_CASES[3].label;

function flopsOf(c: CaseSpec): number {
  const m = c.transposeA ? c.a[1] : c.a[0];
  const k = c.transposeA ? c.a[0] : c.a[1];
  const n = c.transposeB ? c.b[0] : c.b[1];
  return matMulFlops(m, k, n);
}

/**
 * Wall and CPU ms of one product with the kernels registered now, read-back
 * included. Kernels on wasm, cpu and tfjs-node run synchronously; the
 * read-back makes sure of it on any backend.
 */
function timeOnce(a: tf.Tensor, b: tf.Tensor, c: CaseSpec): { wall: number; cpu: number } {
  const t0 = performance.now();
  const c0 = cpuMs();
  const y = tf.matMul(a, b, c.transposeA, c.transposeB);
  y.dataSync();
  const cpu = cpuMs() - c0;
  const wall = performance.now() - t0;
  y.dispose();
  return { wall, cpu };
}

/** The kernel functions that run tf.matMul on this backend now (to tell whether tuneKernels('none') changes them). */
function matMulKernels(backend: string): unknown[] {
  return ['BatchMatMul', 'Transpose'].map((k) => tf.getKernel(k, backend)?.kernelFunc);
}

/**
 * GFLOP/s of every case: the median of repeated products (at least 3, for at
 * least `minSeconds` per case and arm) after one untimed one. Where
 * tuneKernels('none') swaps the kernels tf.matMul runs, the stock and the
 * installed kernels alternate product by product, so that other work on the
 * machine slows both alike.
 */
export function measureMatMul(backend: BackendName, minSeconds: number): MatMulCase[] {
  const installed = matMulKernels(backend);
  tuneKernels('none');
  const stockDiffers = matMulKernels(backend).some((f, i) => f !== installed[i]);
  tuneKernels(backend);
  const arms: ('tuned' | 'stock')[] = stockDiffers ? ['tuned', 'stock'] : ['tuned'];
  const use = (arm: 'tuned' | 'stock'): void => void tuneKernels(arm === 'tuned' ? backend : 'none');
  const out: MatMulCase[] = [];
  try {
    for (const c of MATMUL_CASES) {
      const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
      const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
      const times: Record<string, { wall: number; cpu: number }[]> = { tuned: [], stock: [] };
      for (const arm of arms) {
        use(arm);
        timeOnce(a, b, c);
      }
      const started = performance.now();
      while (times.tuned.length < 3 || performance.now() - started < minSeconds * 1000 * arms.length) {
        for (const arm of arms) {
          use(arm);
          times[arm].push(timeOnce(a, b, c));
        }
      }
      tf.dispose([a, b]);
      const flops = flopsOf(c);
      const gflops = (ms: number[]): number => flops / (spread(ms).median / 1000) / 1e9;
      out.push({
        ...c,
        flops,
        tuned: gflops(times.tuned.map((t) => t.wall)),
        tunedPerCpuSecond: gflops(times.tuned.map((t) => t.cpu)),
        ...(stockDiffers ? { stock: gflops(times.stock.map((t) => t.wall)) } : {}),
      });
    }
  } finally {
    use('tuned');
  }
  return out;
}
