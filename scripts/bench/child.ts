/**
 * One benchmark configuration in a process of its own (started by
 * scripts/bench/bench.ts): `node --import tsx scripts/bench/child.ts '<task JSON>'`.
 * Prints its result as one JSON line tagged RESULT_TAG on stdout. A backend
 * that initBackend cannot load is reported as unavailable with its reason.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend } from '../../lib/backend/backend';
import { kernelTuning, tuneKernels } from '../../lib/backend/kernels';
import { createVAE } from '../../lib/model/vae';
import { trainingFlops } from '../../lib/model/flops';
import { trainSteps } from './train-steps';
import { measureMatMul } from './matmul';
import { installKernelTimer } from './kernel-timer';
import { load1 } from './machine';
import { spread } from './stats';
import { BATCH_SIZE, RESULT_TAG, SEED, type BackendReport, type MatMulResult, type ProfileResult, type Result, type Task, type TrainResult } from './plan';

function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
}

async function runTrain(task: Extract<Task, { kind: 'train' }>, backend: BackendReport): Promise<TrainResult> {
  const started = performance.now();
  const loadStart = load1();
  const { warmup, steps, runs } = task.plan;
  const model = createVAE({ architecture: task.model, seed: SEED });
  const flops = trainingFlops(model);
  const tensorsBefore = tf.memory().numTensors;
  const marks = await trainSteps(model, warmup + steps * runs);
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  // marks[i] is the end of step i + 1; timed run r spans the steps after marks[warmup − 1 + r·steps].
  const runStats: TrainResult['runs'] = [];
  for (let r = 0; r < runs; r++) {
    const from = marks[warmup - 1 + r * steps];
    const to = marks[warmup - 1 + (r + 1) * steps];
    const msPerStep = (to.ms - from.ms) / steps;
    const cpuMs = to.cpuMs - from.cpuMs;
    runStats.push({
      msPerStep,
      samplesPerSecond: (BATCH_SIZE * 1000) / msPerStep,
      cpuShare: cpuMs / (to.ms - from.ms),
      samplesPerCpuSecond: (BATCH_SIZE * steps * 1000) / cpuMs,
    });
  }
  const stepMs = marks.slice(warmup).map((m, i) => m.ms - marks[warmup - 1 + i].ms);
  model.dispose();
  return {
    kind: 'train',
    backend,
    model: task.model,
    plan: task.plan,
    batchSize: BATCH_SIZE,
    runs: runStats,
    samplesPerSecond: spread(runStats.map((r) => r.samplesPerSecond)),
    msPerStep: spread(runStats.map((r) => r.msPerStep)),
    stepMs,
    flopsPerSample: { forward: flops.forward, backward: flops.backward, total: flops.total },
    loss: { first: marks[0].loss, last: marks[marks.length - 1].loss },
    maxRssBytes: maxRssBytes(),
    tfBytesBetweenSteps: Math.max(...marks.map((m) => m.tfBytes)),
    leakedTensors,
    loadAverage: { start: loadStart, end: load1() },
    seconds: (performance.now() - started) / 1000,
  };
}

async function runProfile(task: Extract<Task, { kind: 'profile' }>, backend: BackendReport): Promise<ProfileResult> {
  const model = createVAE({ architecture: task.model, seed: SEED });
  const timer = installKernelTimer(task.backend, task.byShape);
  // Kernel totals at the end of the last warm-up step, and at the end of the last profiled one.
  let atStart = timer.totals();
  let atEnd = atStart;
  const marks = await trainSteps(model, task.warmup + task.steps, (step) => {
    if (step === task.warmup) atStart = timer.totals();
    if (step === task.warmup + task.steps) atEnd = timer.totals();
  });
  model.dispose();
  const first = marks[task.warmup - 1];
  const last = marks[marks.length - 1];
  const stepMs = (last.ms - first.ms) / task.steps;
  const kernels = [...atEnd]
    .map(([name, t]) => {
      const s = atStart.get(name) ?? { ms: 0, calls: 0 };
      return { name, calls: (t.calls - s.calls) / task.steps, ms: (t.ms - s.ms) / task.steps };
    })
    .filter((k) => k.calls > 0)
    .sort((a, b) => b.ms - a.ms);
  return {
    kind: 'profile',
    backend,
    model: task.model,
    warmup: task.warmup,
    steps: task.steps,
    stepMs,
    cpuShare: (last.cpuMs - first.cpuMs) / (last.ms - first.ms),
    byShape: task.byShape,
    kernelMs: kernels.reduce((s, k) => s + k.ms, 0),
    kernels,
  };
}

async function run(task: Task): Promise<Result> {
  let backend: BackendReport;
  try {
    const info = await initBackend({ backend: task.backend });
    // --stock: the same run with every kernel fix of lib/backend/kernels.ts removed, to measure what they buy per backend.
    if (process.env.VAE_BENCH_STOCK === '1') tuneKernels('none');
    const threads = Number(/, (\d+) threads/.exec(info.detail)?.[1] ?? 1);
    backend = { name: info.name, label: threads > 1 ? `${info.name}×${threads}` : info.name, description: describeBackend(info), kernelTuning: { ...kernelTuning() } };
  } catch (e) {
    return { kind: 'unavailable', backend: task.backend, reason: (e as Error).message };
  }
  if (task.kind === 'train') return runTrain(task, backend);
  if (task.kind === 'profile') return runProfile(task, backend);
  const result: MatMulResult = { kind: 'matmul', backend, cases: measureMatMul(task.backend, task.minSeconds), maxRssBytes: maxRssBytes() };
  return result;
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as Task;
  let result: Result;
  try {
    result = await run(task);
  } catch (e) {
    result = { kind: 'failed', backend: task.backend, reason: (e as Error).stack ?? String(e) };
  }
  process.stdout.write(`${RESULT_TAG}${JSON.stringify(result)}\n`);
}

void main();
