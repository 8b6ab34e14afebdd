/**
 * Measures what the kernel fixes that initBackend installs (lib/backend/kernels.ts)
 * buy for matMul: the throughput of the three products of one dense layer's
 * step with the stock kernels and with the fixes, and training steps of the
 * dense VAE 784-400-20 (batch 128, Adam 1e-3, Bernoulli loss) both ways.
 * The two training arms alternate so that a machine loaded by other work
 * slows both alike; CPU time is reported next to wall time for the same reason.
 *
 * The flags are in USAGE below (`npx tsx scripts/bench/matmul-ab.ts --help`).
 *
 * `--reference` is the calibration row of `npm run bench`: the hand-written loop
 * made about 5,100 samples/s on wasm with the matMul fix in November 2026 and, with
 * `--stock` (no kernel fixes), about 11,600 on tfjs-node and 1,500 on stock wasm,
 * so that a bench run on a slower or busier machine can be read against them.
 *
 * The loop is scripts/bench/reference-loop.ts: raw tf ops, no model code of the library.
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend } from '../../lib/backend/backend';
import { tuneKernels } from '../../lib/backend/kernels';
import { batches, type Batch } from '../../lib/data/dataset';
import { loadData } from '../../lib/data/load';
import { referenceVars, referenceLoss, cpuSeconds, matMulCase } from './reference-loop';
import type { BackendName } from '../../lib/backend/backend';
import { oneOf, parseFlags, positiveInt, usageError, type Command } from '../flags';

const COMMAND: Command = {
  name: 'matmul-ab',
  usage: `usage: npx tsx scripts/bench/matmul-ab.ts [--backend wasm|tensorflow|cpu] [--steps N] [--rounds N]
       npx tsx scripts/bench/matmul-ab.ts --reference [--stock] [--backend B] [--steps N] [--rounds N]
  --backend    the backend [wasm]
  --steps      timed training steps per round [40]
  --rounds     rounds (stock and fixed kernels alternate) [2]
  --reference  time only the hand-written loop and print one JSON line (the calibration of npm run bench)
  --stock      with --reference: no kernel fixes`,
};

/** Median samples/s of the dense VAE training step over `steps` steps (after warm-up), by wall and by CPU time. */
function trainSpeed(steps: number, data: Batch[]): { wall: number; cpu: number } {
  const vars = referenceVars();
  const opt = tf.train.adam(1e-3);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let s = 0; s < steps + 3; s++) {
    const batch = data[s % data.length];
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const cost = opt.minimize(() => referenceLoss(vars, batch, s + 1), true);
    cost?.dataSync();
    cost?.dispose();
    if (s >= 3) {
      times.push((performance.now() - t0) / 1000);
      cpuTimes.push(cpuSeconds() - c0);
    }
  }
  opt.dispose();
  Object.values(vars).forEach((v) => v.dispose());
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: 128 / median(times), cpu: 128 / median(cpuTimes) };
}

/** GFLOP per CPU-second of matMul(a, b, tA, tB) for the given operand shapes, with whatever kernels are registered. */
function matMulSpeed(shapeA: [number, number], shapeB: [number, number], tA: boolean, tB: boolean): number {
  const { run, flops, dispose } = matMulCase(shapeA, shapeB, tA, tB);
  run();
  const reps = 10;
  const c0 = cpuSeconds();
  for (let r = 0; r < reps; r++) run();
  const seconds = (cpuSeconds() - c0) / reps;
  dispose();
  return flops / seconds / 1e9;
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, {
    backend: { type: 'string' },
    steps: { type: 'string' },
    rounds: { type: 'string' },
    reference: { type: 'boolean' },
    stock: { type: 'boolean' },
  });
  const backend = oneOf<BackendName>(COMMAND, 'backend', values.backend, ['wasm', 'tensorflow', 'cpu']) ?? 'wasm';
  const steps = positiveInt(COMMAND, 'steps', values.steps) ?? 40;
  const rounds = positiveInt(COMMAND, 'rounds', values.rounds) ?? 2;
  if (values.stock && !values.reference) usageError(COMMAND, '--stock needs --reference (without it, both arms run)');
  const info = await initBackend({ backend });
  const { train } = loadData({ limit: 1280 });
  const data = [...batches(train, { batchSize: 128, seed: 0 })];
  if (values.reference) {
    // --stock: without this project's kernel fixes, as the loop ran on tfjs-node and stock wasm before them.
    if (values.stock) tuneKernels('none');
    const runs = Array.from({ length: rounds }, () => trainSpeed(steps, data));
    const best = runs.reduce((a, b) => (b.wall > a.wall ? b : a));
    console.log(JSON.stringify({ backend: describeBackend(info), samplesPerSecond: best.wall, samplesPerCpuSecond: best.cpu, steps, rounds }));
    return;
  }
  console.log(`backend: ${describeBackend(info)}`);

  console.log('matMul GFLOP per CPU-second (stock kernels → kernel fixes of this backend):');
  const cases: [string, [number, number], [number, number], boolean, boolean][] = [
    ['forward x·W        128×784 · 784×400', [128, 784], [784, 400], false, false],
    ['dX = dY·Wᵀ         128×400 · (784×400)ᵀ', [128, 400], [784, 400], false, true],
    ['dW = Xᵀ·dY         (128×784)ᵀ · 128×400', [128, 784], [128, 400], true, false],
  ];
  for (const [label, sa, sb, tA, tB] of cases) {
    tuneKernels('none');
    const stock = matMulSpeed(sa, sb, tA, tB);
    tuneKernels(info.name);
    const tuned = matMulSpeed(sa, sb, tA, tB);
    console.log(`  ${label}: ${stock.toFixed(1)} → ${tuned.toFixed(1)}`);
  }

  const arms: Record<'stock' | 'tuned', { wall: number[]; cpu: number[] }> = { stock: { wall: [], cpu: [] }, tuned: { wall: [], cpu: [] } };
  for (let r = 0; r < rounds; r++) {
    for (const arm of r % 2 === 0 ? (['stock', 'tuned'] as const) : (['tuned', 'stock'] as const)) {
      tuneKernels(arm === 'stock' ? 'none' : info.name);
      const speed = trainSpeed(steps, data);
      arms[arm].wall.push(speed.wall);
      arms[arm].cpu.push(speed.cpu);
    }
  }
  tuneKernels(info.name);
  const best = (xs: number[]): number => Math.max(...xs);
  const line = (a: { wall: number[]; cpu: number[] }): string =>
    `${Math.round(best(a.wall))} samples/s (wall), ${Math.round(best(a.cpu))} samples per CPU-second`;
  console.log(`dense VAE training (batch 128, median of ${steps} steps, best of ${rounds} alternating rounds; load average ${os.loadavg()[0].toFixed(2)}):`);
  console.log(`  stock kernels:  ${line(arms.stock)}`);
  console.log(`  kernel fixes:   ${line(arms.tuned)}  (×${(best(arms.tuned.cpu) / best(arms.stock.cpu)).toFixed(2)} per CPU-second)`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
