// lib/backend/wasm/threads.ts: the threaded SIMD wasm build in Node. A process initialises the wasm
// backend once, so each configuration runs in a child process (this file, with
// WASM_THREADS_CHILD=<threads, 0 = the stock build>), which prints one JSON line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { enableWasmThreads } from '../lib/backend/wasm/threads';
import { initBackend } from '../lib/backend/backend';
import { Rng } from '../lib/model/random';

interface ChildReport {
  threads: number;
  runningWorkers: number;
  losses: string[];
  weights: string;
  /** CPU time of the pthread workers per CPU time of the main thread during matMuls; null without /proc. */
  workerShare: number | null;
}

/** float32 bits of x as hex: equal strings ⇔ identical numbers. */
function bits(x: number): string {
  return new Uint32Array(new Float32Array([x]).buffer)[0].toString(16).padStart(8, '0');
}

/** utime + stime clock ticks of each thread of this process (Linux /proc), or null. */
function threadTicks(): Map<string, number> | null {
  const dir = '/proc/self/task';
  if (!fs.existsSync(dir)) return null;
  const ticks = new Map<string, number>();
  for (const tid of fs.readdirSync(dir)) {
    try {
      const stat = fs.readFileSync(path.join(dir, tid, 'stat'), 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      ticks.set(tid, Number(fields[11]) + Number(fields[12])); // utime, stime: fields 14, 15
    } catch {
      // the thread ended meanwhile
    }
  }
  return ticks;
}

/** A small dense VAE (784-200-10, batch 128) trained for a few Adam steps from seed 0 on seeded noise. */
function trainLosses(steps: number): { losses: string[]; weights: string } {
  const rng = new Rng(0);
  const [i, h, l, n] = [784, 200, 10, 128];
  const init = (rows: number, cols: number): tf.Variable =>
    tf.variable(tf.tensor2d(Float32Array.from({ length: rows * cols }, () => (rng.next() - 0.5) * 0.1), [rows, cols]));
  const v = { w1: init(i, h), wm: init(h, l), wv: init(h, l), w2: init(l, h), w3: init(h, i), b3: tf.variable(tf.zeros([i])) };
  const x = tf.tensor2d(Float32Array.from({ length: n * i }, () => (rng.next() < 0.3 ? 1 : 0)), [n, i]);
  const opt = tf.train.adam(1e-3);
  const losses: string[] = [];
  for (let s = 0; s < steps; s++) {
    const cost = opt.minimize(() => {
      const hid = tf.relu(tf.matMul(x, v.w1));
      const mean = tf.matMul(hid, v.wm);
      const logVar = tf.matMul(hid, v.wv);
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.randomNormal([n, l], 0, 1, 'float32', s + 1)));
      const logits = tf.add(tf.matMul(tf.relu(tf.matMul(z, v.w2)), v.w3), v.b3);
      const recon = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1));
      return tf.mean(tf.add(recon, kl)) as tf.Scalar;
    }, true)!;
    losses.push(bits(cost.dataSync()[0]));
    cost.dispose();
  }
  const weights = Array.from(v.w1.dataSync().slice(0, 64), bits).join('') + Array.from(v.w3.dataSync().slice(-64), bits).join('');
  opt.dispose();
  x.dispose();
  Object.values(v).forEach((t) => t.dispose());
  return { losses, weights };
}

async function childMain(threads: number): Promise<void> {
  // The threads that exist before the wasm backend: main, libuv, V8's platform workers.
  const before = threadTicks();
  if (threads > 0) {
    const r = await enableWasmThreads({ threads });
    if ('reason' in r) throw new Error(`enableWasmThreads declined: ${r.reason}`);
  }
  await initBackend({ backend: 'wasm' });
  // The threads that are new now are the pthread workers (a Node worker is one OS thread).
  const workers = [...(threadTicks()?.keys() ?? [])].filter((tid) => before !== null && !before.has(tid));
  const module = (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number }; PThread?: { runningWorkers: unknown[] } } }).wasm;
  const { losses, weights } = trainLosses(8);
  // Who computes a large product. CPU time, not wall time, so that a loaded machine does not
  // decide. Warm up first: until V8 has optimised the wasm code, its compile threads are busy too.
  const a = tf.randomUniform([512, 512], -1, 1, 'float32', 1);
  const loop = (ms: number): void => {
    const t0 = performance.now();
    while (performance.now() - t0 < ms) tf.tidy(() => tf.matMul(a, a).dataSync());
  };
  loop(1000);
  const t0 = threadTicks();
  loop(1500);
  const t1 = threadTicks();
  let workerShare: number | null = null;
  if (t0 && t1) {
    const delta = (tid: string): number => (t1.get(tid) ?? 0) - (t0.get(tid) ?? 0);
    workerShare = workers.reduce((sum, tid) => sum + delta(tid), 0) / Math.max(delta(String(process.pid)), 1);
  }
  a.dispose();
  const report: ChildReport = {
    threads: module.tfjs.getThreadsCount(),
    runningWorkers: module.PThread?.runningWorkers.length ?? 0,
    losses,
    weights,
    workerShare,
  };
  console.log(JSON.stringify(report));
}

function runChild(threads: number): ChildReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, WASM_THREADS_CHILD: String(threads) },
    encoding: 'utf8',
    timeout: 180_000, // a child that does not exit by itself (a pool thread keeping Node alive) fails here
  });
  const line = r.stdout.split('\n').find((s) => s.startsWith('{'));
  assert.equal(r.status, 0, `child (threads ${threads}) exited with ${r.status} ${r.signal ?? ''}\n${r.stderr}`);
  assert.ok(line, `child (threads ${threads}) printed no report\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line) as ChildReport;
}

if (process.env.WASM_THREADS_CHILD !== undefined) {
  childMain(Number(process.env.WASM_THREADS_CHILD)).catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  });
} else {
  test('threaded wasm: a pool of 2 threads really runs, and training gives the same bits as 1 thread and as the stock build', () => {
    const two = runChild(2);
    const one = runChild(1);
    const stock = runChild(0);
    assert.equal(two.threads, 2);
    assert.equal(two.runningWorkers, 1, 'one pthread worker runs the second pool thread');
    assert.equal(one.threads, 1);
    assert.equal(stock.threads, 1);
    if (two.workerShare !== null && one.workerShare !== null) {
      // With 2 threads the worker computes part of every product (up to half on an idle
      // machine; much less when other jobs hold the cores: pthreadpool lets the main thread
      // take over the tiles of a worker that is not running).
      // With 1 the one worker the glue keeps stays idle.
      // (Measured: about 0.07 with the load average at 7 on 2 cores; 0 with 1 thread.)
      assert.ok(two.workerShare > 0.02, `with 2 threads the worker used ${two.workerShare.toFixed(2)} of the main thread's CPU time`);
      assert.ok(one.workerShare <= 0.01, `with 1 thread the idle worker used ${one.workerShare.toFixed(2)} of the main thread's CPU time`);
    }
    assert.equal(two.losses.length, 8);
    assert.deepEqual(two.losses, one.losses, 'losses, 2 threads vs 1');
    assert.deepEqual(two.losses, stock.losses, 'losses, 2 threads vs the stock build');
    assert.equal(two.weights, one.weights, 'trained weights, 2 threads vs 1');
    assert.equal(two.weights, stock.weights, 'trained weights, 2 threads vs the stock build');
  });

  test('threaded wasm: declines with a reason once the wasm backend is initialised, and validates its option', async () => {
    // This process has not initialised wasm yet: do it the stock way, then ask for threads.
    require('@tensorflow/tfjs-backend-wasm');
    assert.ok(await tf.setBackend('wasm'));
    await assert.rejects(enableWasmThreads({ threads: 0 }), /threads must be an integer/);
    const r = await enableWasmThreads({ threads: 2 });
    assert.equal(r.threads, 1);
    assert.ok('reason' in r && /already initialised/.test(r.reason), JSON.stringify(r));
  });
}
