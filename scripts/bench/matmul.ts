/**
 * The backend's raw matrix-product speed, GFLOP/s: the three products of the
 * dense VAE's largest layer (784 → 400, batch 128) — forward, input gradient,
 * weight gradient, the last two with a transposed operand as the gradients
 * call them — and a large square product that shows the backend's best case.
 * Measured with the kernels initBackend installed, and with the stock ones
 * (tuneKernels('none')) where this backend has replacements.
 */
import * as tf from '@tensorflow/tfjs';
import { tuneKernels, kernelTuning } from '../../lib/kernels';
import { matMulFlops } from '../../lib/flops';
import type { BackendName } from '../../lib/backend';
import type { MatMulCase } from './plan';
import { spread } from './stats';

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
 * GFLOP/s of one product with the kernels registered now: the median of
 * repetitions after two untimed ones, repeated for at least `minSeconds`
 * (and at least 3 times). Kernels on wasm, cpu and tfjs-node run
 * synchronously; the read-back after each product makes sure of it anyway.
 */
function gflops(c: CaseSpec, minSeconds: number): number {
  const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
  const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
  const once = (): number => {
    const t0 = performance.now();
    const y = tf.matMul(a, b, c.transposeA, c.transposeB);
    y.dataSync();
    const ms = performance.now() - t0;
    y.dispose();
    return ms;
  };
  once();
  once();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 3 || performance.now() - started < minSeconds * 1000) times.push(once());
  tf.dispose([a, b]);
  return flopsOf(c) / (spread(times).median / 1000) / 1e9;
}

export function measureMatMul(backend: BackendName, minSeconds: number): MatMulCase[] {
  const tuned = kernelTuning();
  const hasReplacements = Object.values(tuned).some(Boolean);
  const out: MatMulCase[] = [];
  for (const c of MATMUL_CASES) {
    const row: MatMulCase = { ...c, flops: flopsOf(c), tuned: gflops(c, minSeconds) };
    if (hasReplacements) {
      tuneKernels('none');
      try {
        row.stock = gflops(c, minSeconds);
      } finally {
        tuneKernels(backend);
      }
    }
    out.push(row);
  }
  return out;
}
