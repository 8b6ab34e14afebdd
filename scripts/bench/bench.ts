/**
 * `npm run bench`: training speed of the dense VAE (784-400-20, batch 128)
 * and the convolutional VAE on every backend that loads, set against each
 * backend's raw matMul speed and the models' FLOPs per example (lib/model/flops.ts),
 * so that the distance to what the machine can do is visible. A command, not
 * a test: it reports what it measured, on whatever else the machine is doing
 * (the load average before and after is printed, and CPU/wall per run).
 * The flags are in USAGE below (`npm run bench -- --help`); docs/speed.md reads the results.
 *
 * Each (backend, model) trains in a child process of its own through
 * lib/training/train.ts (the loop the notebooks run), so peak memory and the kernel
 * registry belong to that configuration. Backends that do not load are listed
 * with initBackend's reason. --profile prints, per backend and model, the
 * kernels that take a training step's time. Results also go to
 * bench-results/bench-<time>.json (or --json FILE).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { BackendName } from '../../lib/backend/backend';
import { BACKENDS, MODELS, RESULT_TAG, defaultPlan, defaultProfilePlan, type MatMulResult, type ModelName, type ProfileResult, type Result, type Task, type TrainResult, type Unavailable } from './plan';
import { machineInfo, load1 } from './machine';
import { trainTable, matMulTable, profileTable, TRAIN_LEGEND } from './report';
import { machineReference } from './reference';
import { parseFlags, positiveInt, usageError, type Command } from '../flags';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'child.ts');

const COMMAND: Command = {
  name: 'bench',
  usage: `usage: npm run bench -- [--backend B[,B]] [--model dense|conv] [--warmup N] [--steps N] [--runs N] [--slow]
                        [--json FILE] [--matmul-seconds S] [--wasm-threads N] [--tf-threads N] [--stock]
       npm run bench -- --profile [--backend B] [--model M] [--warmup N] [--steps N] [--top N] [--by-shape]
  --backend         tensorflow, wasm, cpu, comma-separated, or all [all]
  --model           dense, conv, comma-separated, or all [all]
  --warmup, --steps, --runs   steps before timing, steps per timed run, timed runs [per backend and model:
                    scripts/bench/plan.ts]
  --slow            also run configurations marked slow (naming their --backend and --model runs them too)
  --json            where the results go [bench-results/bench-<time>.json]
  --matmul-seconds  minimum seconds per timed matMul shape [1]
  --wasm-threads N  wasm on N threads only [1, and all cores on the threaded build]
  --tf-threads N    libtensorflow on N intra-op threads only [TensorFlow's default (one per core), and 1]
  --stock           every kernel fix of lib/backend/kernels.ts removed: what the fixes buy
  --profile         per-kernel time of a training step instead of the speed table
  --top N           kernels listed per profile [12]
  --by-shape        profile kernels by name and input shapes`,
};

function list<T extends string>(flag: string, value: string | undefined, all: readonly T[]): T[] {
  if (value === undefined || value === 'all') return [...all];
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) if (!all.includes(n as T)) usageError(COMMAND, `--${flag} must be one of ${all.join(', ')} (comma-separated) or all, got '${n}'`);
  return names as T[];
}

/**
 * Runs one task in a fresh Node process and returns its tagged result line. `threads` is the wasm thread
 * count, or libtensorflow's intra-op thread count (undefined: TensorFlow's default, one per core).
 */
function runChild(task: Task, threads: number | undefined): Result {
  const threadEnv = task.backend === 'wasm' ? { VAE_WASM_THREADS: String(threads ?? 1) } : task.backend === 'tensorflow' && threads !== undefined ? { VAE_TF_THREADS: String(threads) } : {};
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(task)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, VAE_QUIET: '1', VAE_BACKEND: task.backend, VAE_TF_THREADS: undefined, ...threadEnv },
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_TAG));
  if (line) return JSON.parse(line.slice(RESULT_TAG.length)) as Result;
  const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
  return { kind: 'failed', backend: task.backend, reason: `child process gave no result (${why}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}` };
}

/**
 * The hand-written training loop (scripts/bench/reference-loop.ts: raw tf ops, tf.train.adam;
 * scripts/bench/matmul-ab.ts --reference) and what it made on this project's machine in November 2026, before
 * the kernel fixes were written: about 5,100 samples/s on wasm with a first version of the matMul fix,
 * 1,500 on stock wasm, 11,600 on stock tfjs-node. Its figures today say how fast this machine runs compared
 * with then (docs/speed.md).
 */
const CALIBRATIONS: { backend: BackendName; stock: boolean; then: string }[] = [
  { backend: 'wasm', stock: false, then: 'about 5,100 samples/s in November 2026 (with the matMul fix)' },
  { backend: 'wasm', stock: true, then: 'about 1,500 samples/s in November 2026 (stock wasm)' },
  { backend: 'tensorflow', stock: true, then: 'about 11,600 samples/s in November 2026 (stock tfjs-node)' },
];

function calibrationLoop(c: (typeof CALIBRATIONS)[number]): string {
  // As it ran then: TensorFlow's default threads (one per core; the library's default is one), one wasm thread.
  const env = { ...process.env, VAE_TF_THREADS: String(os.cpus().length), VAE_WASM_THREADS: undefined };
  const args = ['--import', 'tsx', path.join(__dirname, 'matmul-ab.ts'), '--reference', '--backend', c.backend, ...(c.stock ? ['--stock'] : [])];
  const who = `${c.backend}${c.stock ? ' (stock kernels)' : ''}`;
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000, env });
  if (r.status !== 0) return `${who}: the hand-written loop did not run (${(r.stderr ?? '').trim().split('\n').pop()})`;
  const o = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { samplesPerSecond: number; samplesPerCpuSecond: number };
  return `${who}: ${Math.round(o.samplesPerSecond)} samples/s now (${Math.round(o.samplesPerCpuSecond)} per CPU-second); ${c.then}`;
}

function say(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, {
    backend: { type: 'string' },
    model: { type: 'string' },
    warmup: { type: 'string' },
    steps: { type: 'string' },
    runs: { type: 'string' },
    slow: { type: 'boolean', default: false },
    json: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'by-shape': { type: 'boolean', default: false },
    top: { type: 'string' },
    'matmul-seconds': { type: 'string', default: '1' },
    'wasm-threads': { type: 'string' },
    'tf-threads': { type: 'string' },
    stock: { type: 'boolean', default: false },
  });
  if (values.stock) process.env.VAE_BENCH_STOCK = '1';
  const backends = list('backend', values.backend, BACKENDS);
  // wasm runs on one thread and, where there are more cores, on the threaded build with all of them
  // (two rows, wasm and wasm×N); --wasm-threads N runs only N. initBackend validates the count.
  const cores = os.cpus().length;
  const wasmThreadsFlag = positiveInt(COMMAND, 'wasm-threads', values['wasm-threads']);
  const wasmThreads = wasmThreadsFlag !== undefined ? [wasmThreadsFlag] : cores > 1 && !values.profile ? [1, cores] : [1];
  // tensorflow runs on one intra-op thread per core (TensorFlow's own default, the row tensorflow×N) and, where
  // there are more cores, on one (the row tensorflow, the library's default: on few cores handing small ops to
  // another thread can cost more than it saves). --tf-threads N runs only N.
  const tfThreadsFlag = positiveInt(COMMAND, 'tf-threads', values['tf-threads']);
  const tfThreads: (number | undefined)[] = tfThreadsFlag !== undefined ? [tfThreadsFlag] : cores > 1 && !values.profile ? [cores, 1] : [1];
  const configs = backends.flatMap((backend): { backend: BackendName; threads: number | undefined }[] =>
    backend === 'wasm' ? wasmThreads.map((threads) => ({ backend, threads })) : backend === 'tensorflow' ? tfThreads.map((threads) => ({ backend, threads })) : [{ backend, threads: 1 }],
  );
  const models = list<ModelName>('model', values.model, MODELS);
  const warmup = positiveInt(COMMAND, 'warmup', values.warmup);
  const steps = positiveInt(COMMAND, 'steps', values.steps);
  const runs = positiveInt(COMMAND, 'runs', values.runs);
  const top = positiveInt(COMMAND, 'top', values.top) ?? 12;
  const matmulSeconds = Number(values['matmul-seconds']);
  if (!(matmulSeconds > 0)) usageError(COMMAND, `--matmul-seconds must be a number > 0, got '${values['matmul-seconds']}'`);
  // A configuration marked slow in plan.ts runs when asked for by --slow or by naming both its backend and its model.
  const explicit = values.backend !== undefined && values.model !== undefined;

  const machine = machineInfo();
  const loadBefore = load1();
  const started = new Date();
  const unavailable: Unavailable[] = [];
  const skipped: { backend: BackendName; model: ModelName; reason: string }[] = [];
  const matmul = new Map<string, MatMulResult>();
  const trained: TrainResult[] = [];
  const profiles: ProfileResult[] = [];

  for (const { backend, threads } of configs) {
    const shownThreads = threads ?? (backend === 'tensorflow' ? cores : 1);
    const who = shownThreads > 1 ? `${backend}×${shownThreads}` : backend;
    if (!values.profile) {
      say(`${who}: matMul speed…`);
      const m = runChild({ kind: 'matmul', backend, minSeconds: matmulSeconds }, threads);
      if (m.kind !== 'matmul') {
        unavailable.push(m as Unavailable);
        say(`${who}: ${m.kind}`);
        continue;
      }
      matmul.set(m.backend.label, m);
    }
    for (const model of models) {
      if (values.profile) {
        const d = defaultProfilePlan(backend, model);
        if (d.slow && !values.slow && !explicit) {
          skipped.push({ backend, model, reason: 'slow on this backend; --slow or naming its --backend and --model runs it' });
          continue;
        }
        const task: Task = { kind: 'profile', backend, model, warmup: warmup ?? d.warmup, steps: steps ?? d.steps, byShape: values['by-shape'] ?? false };
        say(`${who} ${model}: profiling ${task.steps} steps after ${task.warmup} warm-up…`);
        const p = runChild(task, threads);
        if (p.kind === 'profile') profiles.push(p);
        else {
          unavailable.push(p as Unavailable);
          if (p.kind === 'unavailable') break;
        }
        continue;
      }
      const d = defaultPlan(backend, model);
      if (d.slow && !values.slow && !explicit) {
        skipped.push({ backend, model, reason: 'slow on this backend; --slow or naming its --backend and --model runs it' });
        continue;
      }
      const plan = { warmup: warmup ?? d.warmup, steps: steps ?? d.steps, runs: runs ?? d.runs };
      say(`${who} ${model}: ${plan.warmup} warm-up + ${plan.runs}×${plan.steps} timed steps…`);
      const r = runChild({ kind: 'train', backend, model, plan }, threads);
      if (r.kind === 'train') {
        trained.push(r);
        say(`  ${Math.round(r.samplesPerSecond.median)} samples/s (${r.seconds.toFixed(0)} s)`);
      } else unavailable.push(r as Unavailable);
    }
  }
  // After the children, so that its threads do not compete with them.
  const reference = values.profile ? undefined : machineReference();
  // Calibration: the hand-written loop, so that the table can be read against what it made before the fixes.
  const calibration = values.profile ? [] : CALIBRATIONS.filter((c) => trained.some((r) => r.backend.name === c.backend && r.model === 'dense')).map(calibrationLoop);
  const loadAfter = load1();
  const finished = new Date();

  // The report: machine first, then what ran, then what did not.
  const out: string[] = [];
  out.push(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.platform}`);
  out.push(`software: Node ${machine.node}; ${Object.entries(machine.packages).map(([k, v]) => `${k} ${v}`).join(', ')}; commit ${machine.commit}`);
  out.push(
    `load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${machine.cores} cores` +
      (Math.max(loadBefore, loadAfter) > 0.5 ? ' — other work was running; times are what this process got (CPU/wall below 100 % means it waited)' : ''),
  );
  out.push(`started ${started.toISOString()}, ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s`);
  const seen = new Set<string>();
  for (const r of [...matmul.values(), ...trained, ...profiles]) {
    if (seen.has(r.backend.label)) continue;
    seen.add(r.backend.label);
    const fixes = Object.entries(r.backend.kernelTuning).filter(([, on]) => on).map(([k]) => k);
    out.push(`backend ${r.backend.description}; kernel fixes: ${fixes.length ? fixes.join(', ') : 'none'}`);
  }
  if (calibration.length > 0) {
    out.push("calibration: the hand-written dense VAE loop (scripts/bench/matmul-ab.ts --reference; raw tf ops, tf.train.adam), then and now:");
    for (const c of calibration) out.push(`  ${c}`);
  }
  if (typeof reference === 'string') out.push(`machine reference: none — ${reference}`);
  else if (reference) {
    const speeds = Object.entries(reference.gflopsByThreads).map(([t, g]) => `${g.toFixed(1)} GFLOP/s on ${t} thread${t === '1' ? '' : 's'}`);
    out.push(`machine reference: numpy float32 1024³ product (${reference.blas}): ${speeds.join(', ')}`);
  }
  out.push('');
  if (values.profile) {
    out.push('per-kernel wall time of a training step (lib/training/train.ts), self time: a kernel run by another through the engine counts apart;');
    out.push('one called directly counts in its caller (BatchMatMul on wasm includes the transposes of the matMul fix)');
    out.push('');
    for (const p of profiles) {
      out.push(
        `${p.backend.label}, ${p.model} VAE, batch 128: ${p.stepMs.toFixed(1)} ms per step (mean of ${p.steps} after ${p.warmup} warm-up, kernel timers on, CPU/wall ${Math.round(100 * p.cpuShare)} %); ` +
          `kernels ${p.kernelMs.toFixed(1)} ms (${((100 * p.kernelMs) / p.stepMs).toFixed(1)} %), ${p.kernels.length} ${p.byShape ? "kernel × shape entries" : "kernels"}, ${Math.round(p.kernels.reduce((s, k) => s + k.calls, 0))} calls`,
      );
      out.push(profileTable(p, top));
      out.push('');
    }
  } else {
    if (trained.length > 0) {
      const machineGflops = typeof reference === 'object' ? Math.max(...Object.values(reference.gflopsByThreads)) : undefined;
      out.push(...TRAIN_LEGEND);
      out.push(trainTable(trained, matmul, machineGflops));
      // What the table cannot show: a run that leaked tensors or did not learn measured something else than training.
      for (const r of trained) {
        if (r.leakedTensors !== 0) out.push(`note: ${r.backend.label} ${r.model} left ${r.leakedTensors} more tensors alive than before training`);
        if (!(r.loss.last < r.loss.first)) out.push(`note: ${r.backend.label} ${r.model}: loss went from ${r.loss.first.toFixed(2)} to ${r.loss.last.toFixed(2)}; it did not learn`);
      }
      out.push('');
    }
    if (matmul.size > 0) {
      out.push('matMul speed (median wall time of repeated products, including the read-back):');
      out.push(matMulTable([...matmul.values()]));
      out.push('');
    }
  }
  for (const u of unavailable) out.push(`${u.backend}: ${u.kind === 'unavailable' ? 'not available' : 'FAILED'} — ${u.reason}`);
  for (const s of skipped) out.push(`${s.backend} ${s.model}: skipped — ${s.reason}`);
  console.log(out.join('\n').trimEnd());

  const file = values.json ?? path.join(ROOT, 'bench-results', `${values.profile ? 'profile' : 'bench'}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const json = { command: values.profile ? 'profile' : 'bench', started: started.toISOString(), finished: finished.toISOString(), machine, loadAverage: { before: loadBefore, after: loadAfter }, machineReference: reference, calibration, matmul: [...matmul.values()], train: trained, profiles, unavailable, skipped };
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  console.log(`\nwritten: ${path.relative(process.cwd(), path.resolve(file))}`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
