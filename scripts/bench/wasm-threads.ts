/**
 * A probe: does the threaded SIMD wasm build (lib/backend/wasm/threads.ts) run
 * in Node, use both cores, help, and give the same numbers? (docs/speed.md, "threads")
 *
 * Each arm runs in its own child process (a process initialises wasm once):
 *   simd  the stock build initBackend picks today (SIMD, 1 thread)
 *   t1    the threaded build with a pool of 1
 *   t2    the threaded build with a pool of 2 (the calling thread + 1 worker)
 * All arms use initBackend({ backend: 'wasm' }), so the kernel fixes of
 * lib/backend/kernels.ts are installed. Arms alternate (forward, then reversed order)
 * so that other jobs on the machine slow them alike; the load average is
 * printed with every run and CPU time next to wall time.
 *
 * The flags are in USAGE below (`npx tsx scripts/bench/wasm-threads.ts --help`).
 *
 * Per child: init time, getThreadsCount(), matMul GFLOP/s (wall) and
 * CPU-seconds per wall-second, dense VAE 784-400-20 training samples/s (median
 * step, batch 128, Adam 1e-3, as scripts/bench/matmul-ab.ts), and the float32 bits
 * of 20 training losses plus a hash of the final weights for the determinism check.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend } from '../../lib/backend/backend';
import { enableWasmThreads } from '../../lib/backend/wasm/threads';
import { batches, type Batch } from '../../lib/data/dataset';
import { loadData } from '../../lib/data/load';
import { referenceVars, referenceLoss, cpuSeconds, matMulCase } from './reference-loop';
import { oneOf, parseFlags, positiveInt, usageError, type Command } from '../flags';

const ARMS = ['simd', 't1', 't2'] as const;
type Arm = (typeof ARMS)[number];

const COMMAND: Command = {
  name: 'wasm-threads',
  usage: `usage: npx tsx scripts/bench/wasm-threads.ts [--rounds N] [--steps N] [--arms simd,t1,t2]
  --rounds  rounds of every arm, the order reversed every other round [4]
  --steps   timed training steps per run [40]
  --arms    comma-separated: simd (the stock build, 1 thread), t1 and t2 (the threaded build, 1 and 2 threads)
            [simd,t1,t2]
  --child   ARM: run one arm in this process and print its result as JSON (what the rounds spawn)`,
};

interface ChildResult {
  arm: Arm;
  backend: string;
  threads: number;
  /** pthread workers running a pool thread (threads − 1 when the pool is real). */
  runningWorkers: number;
  initMs: number;
  load: number;
  matMul: Record<string, { gflops: number; cpuPerWall: number }>;
  train: { wall: number; cpu: number; cpuPerWall: number; mainCpuS: number; workerCpuS: number; wallS: number };
  losses: string[];
  weightsHash: string;
  /** ms per training step by kernel (tf.profile, wall time per kernel call), largest first, and the step's total. */
  profile: { total: number; kernels: [string, number][] };
}


/** utime + stime clock ticks of each thread of this process (Linux /proc), or an empty map. */
function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  const dir = '/proc/self/task';
  if (!fs.existsSync(dir)) return ticks;
  for (const tid of fs.readdirSync(dir)) {
    try {
      const stat = fs.readFileSync(`${dir}/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, Number(f[11]) + Number(f[12]));
    } catch {
      // ended meanwhile
    }
  }
  return ticks;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];


/** float32 bits as hex: equal strings ⇔ bit-identical numbers. */
function bits(x: number): string {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0].toString(16).padStart(8, '0');
}

/** FNV-1a over the float32 bits of every element. */
function hashFloats(xs: Float32Array): string {
  const u = new Uint32Array(xs.buffer, xs.byteOffset, xs.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * `steps` training steps of the dense VAE from seed 0; per-step wall and CPU
 * seconds (after `warmup` steps), the loss bits of every step, the final weights' hash.
 */
function train(steps: number, warmup: number, data: Batch[]) {
  const vars = referenceVars();
  const opt = tf.train.adam(1e-3);
  const wall: number[] = [];
  const cpu: number[] = [];
  const losses: string[] = [];
  const start = performance.now();
  for (let s = 0; s < warmup + steps; s++) {
    const batch = data[s % data.length];
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const cost = opt.minimize(() => referenceLoss(vars, batch, s + 1), true);
    const value = cost!.dataSync()[0];
    cost!.dispose();
    losses.push(bits(value));
    if (s >= warmup) {
      wall.push((performance.now() - t0) / 1000);
      cpu.push(cpuSeconds() - c0);
    }
  }
  const weightsHash = [vars.w1, vars.w2, vars.w3, vars.wMean].map((v) => hashFloats(v.dataSync() as Float32Array)).join('');
  opt.dispose();
  Object.values(vars).forEach((v) => v.dispose());
  return { wall, cpu, losses, weightsHash, totalWall: (performance.now() - start) / 1000 };
}

/** Wall GFLOP/s and CPU-s per wall-s of tf.matMul(a, b, tA, tB), over ≥ 0.4 s. */
function matMulSpeed(shapeA: [number, number], shapeB: [number, number], tA: boolean, tB: boolean) {
  const { run, flops, dispose } = matMulCase(shapeA, shapeB, tA, tB);
  for (let r = 0; r < 3; r++) run();
  let reps = 0;
  const t0 = performance.now();
  const c0 = cpuSeconds();
  while (performance.now() - t0 < 400 || reps < 5) {
    run();
    reps++;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  dispose();
  return { gflops: (flops * reps) / wall / 1e9, cpuPerWall: cpu / wall };
}

/** Kernel wall times of 5 training steps (after 20 unprofiled ones), summed by kernel name, per step. */
async function profileStep(data: Batch[]): Promise<ChildResult['profile']> {
  const byName = new Map<string, number>();
  const info = await tf.profile(() => {
    train(5, 0, data);
  });
  for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number) / 5);
  const kernels = [...byName.entries()].sort((a, b) => b[1] - a[1]);
  return { total: kernels.reduce((s, [, ms]) => s + ms, 0), kernels: kernels.slice(0, 10).map(([n, ms]) => [n, Number(ms.toFixed(2))]) };
}

async function child(arm: Arm, steps: number): Promise<void> {
  const threadsBefore = new Set(threadTicks().keys());
  const t0 = performance.now();
  if (arm !== 'simd') {
    const r = await enableWasmThreads({ threads: arm === 't2' ? 2 : 1 });
    if ('reason' in r) throw new Error(`enableWasmThreads: ${r.reason}`);
  }
  const info = await initBackend({ backend: 'wasm' });
  const initMs = performance.now() - t0;
  // Ask the active instance, not the package: getThreadsCount() is a module-level
  // value that the last BackendWasm constructed sets.
  const module = (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number }; PThread?: { runningWorkers: unknown[] } } }).wasm;
  const threads = module.tfjs.getThreadsCount();
  const runningWorkers = module.PThread?.runningWorkers.length ?? 0;
  const { train: ds } = loadData({ limit: 1280 });
  const data = [...batches(ds, { batchSize: 128, seed: 0 })];
  const cases: [string, [number, number], [number, number], boolean, boolean][] = [
    ['128x784 . 784x400', [128, 784], [784, 400], false, false],
    ['128x400 . 400x784', [128, 400], [400, 784], false, false],
    ['128x400 . (784x400)T', [128, 400], [784, 400], false, true],
    ['(128x784)T . 128x400', [128, 784], [128, 400], true, false],
    ['1024^3', [1024, 1024], [1024, 1024], false, false],
    ['small 128x20 . 20x400', [128, 20], [20, 400], false, false],
  ];
  // Warm-up: V8 first runs wasm code from its baseline compiler and optimises hot
  // functions in the background; the first second of matMuls is several times slower.
  train(20, 0, data);
  const matMul: ChildResult['matMul'] = {};
  for (const [label, sa, sb, tA, tB] of cases) matMul[label] = matMulSpeed(sa, sb, tA, tB);
  // The pthread workers are the threads the backend added (a Node worker is one OS thread).
  const workerTids = [...threadTicks().keys()].filter((tid) => !threadsBefore.has(tid));
  const ticks0 = threadTicks();
  const t = train(steps, 3, data);
  const ticks1 = threadTicks();
  const delta = (tid: string): number => (ticks1.get(tid) ?? 0) - (ticks0.get(tid) ?? 0);
  const mainTicks = delta(String(process.pid));
  const workerTicks = workerTids.reduce((sum, tid) => sum + delta(tid), 0);
  const profile = await profileStep(data);
  const wallMed = median(t.wall);
  const cpuMed = median(t.cpu);
  const result: ChildResult = {
    arm,
    backend: describeBackend(info),
    threads,
    runningWorkers,
    initMs,
    load: os.loadavg()[0],
    matMul,
    train: {
      wall: 128 / wallMed,
      cpu: 128 / cpuMed,
      cpuPerWall: t.cpu.reduce((a, b) => a + b, 0) / t.wall.reduce((a, b) => a + b, 0),
      // whole training loop incl. warm-up steps, from /proc (clock ticks of 10 ms)
      mainCpuS: mainTicks / 100,
      workerCpuS: workerTicks / 100,
      wallS: t.totalWall,
    },
    losses: t.losses.slice(0, 20),
    weightsHash: t.weightsHash,
    profile,
  };
  console.log(JSON.stringify(result));
}

function parent(rounds: number, steps: number, arms: Arm[]): void {
  const results: ChildResult[] = [];
  console.log(`${os.cpus().length} CPUs; ${rounds} rounds of ${arms.join(', ')} (order reversed every other round); ${steps} timed steps each`);
  for (let r = 0; r < rounds; r++) {
    for (const arm of r % 2 === 0 ? arms : [...arms].reverse()) {
      const before = os.loadavg()[0];
      const p = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', arm, '--steps', String(steps)], {
        encoding: 'utf8',
        env: { ...process.env, VAE_QUIET: '1' },
      });
      const line = p.stdout.split('\n').find((s) => s.startsWith('{'));
      if (p.status !== 0 || !line) {
        console.log(`round ${r} ${arm}: FAILED (exit ${p.status})\n${p.stderr}${p.stdout}`);
        continue;
      }
      const c = JSON.parse(line) as ChildResult;
      results.push(c);
      const mm = Object.entries(c.matMul).map(([k, v]) => `${k} ${v.gflops.toFixed(1)} (cpu/wall ${v.cpuPerWall.toFixed(2)})`).join('; ');
      console.log(
        `round ${r} ${arm.padEnd(4)} [${c.backend}] threads=${c.threads} (pool workers ${c.runningWorkers}) init ${c.initMs.toFixed(0)} ms; load ${before.toFixed(2)}→${c.load.toFixed(2)}\n` +
          `    matMul GFLOP/s: ${mm}\n` +
          `    train: ${c.train.wall.toFixed(0)} samples/s wall, ${c.train.cpu.toFixed(0)} samples per CPU-s (cpu/wall ${c.train.cpuPerWall.toFixed(2)}); ` +
          `threads' CPU over ${c.train.wallS.toFixed(2)} s: main ${c.train.mainCpuS.toFixed(2)} s, pthread workers ${c.train.workerCpuS.toFixed(2)} s\n` +
          `    kernel ms per step (tf.profile, sum ${c.profile.total.toFixed(1)}): ${c.profile.kernels.map(([n, ms]) => `${n} ${ms}`).join(', ')}`,
      );
    }
  }
  console.log('\nsummary (median over rounds / best):');
  for (const arm of arms) {
    const rs = results.filter((c) => c.arm === arm);
    if (rs.length === 0) continue;
    const f = (xs: number[], d = 0): string => `${median(xs).toFixed(d)} / ${Math.max(...xs).toFixed(d)}`;
    console.log(`  ${arm}: train ${f(rs.map((c) => c.train.wall))} samples/s wall, ${f(rs.map((c) => c.train.cpu))} per CPU-s`);
    for (const k of Object.keys(rs[0].matMul)) console.log(`      ${k.padEnd(22)} ${f(rs.map((c) => c.matMul[k].gflops), 1)} GFLOP/s wall`);
  }
  console.log('\ndeterminism (float32 bits of 20 losses + final-weights hash):');
  const ref = results[0];
  if (!ref) return;
  console.log(`  first run (${ref.arm}): losses ${ref.losses.slice(0, 3).join(' ')} … weights ${ref.weightsHash}`);
  for (const c of results.slice(1)) {
    const firstDiff = c.losses.findIndex((x, i) => x !== ref.losses[i]);
    const same = firstDiff < 0 && c.weightsHash === ref.weightsHash;
    console.log(`  ${c.arm}: ${same ? 'identical' : `DIFFERENT (first loss differing at step ${firstDiff}, weights ${c.weightsHash})`}`);
  }
}

function main(): void {
  const values = parseFlags(COMMAND, {
    rounds: { type: 'string' },
    steps: { type: 'string' },
    arms: { type: 'string' },
    child: { type: 'string' },
  });
  const steps = positiveInt(COMMAND, 'steps', values.steps) ?? 40;
  const childArm = oneOf(COMMAND, 'child', values.child, ARMS);
  if (childArm) {
    child(childArm, steps).catch((e: Error) => {
      console.error(e.stack ?? e.message);
      process.exit(1);
    });
    return;
  }
  const arms = (values.arms ?? ARMS.join(',')).split(',').map((a) => a.trim());
  for (const a of arms) if (!ARMS.includes(a as Arm)) usageError(COMMAND, `--arms must be a comma-separated list of ${ARMS.join(', ')}, got '${a}'`);
  parent(positiveInt(COMMAND, 'rounds', values.rounds) ?? 4, steps, arms as Arm[]);
}

main();
