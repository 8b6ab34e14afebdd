import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, currentBackend, describeBackend, type BackendName } from '../lib/backend/backend';
import { tuneKernels, kernelTuning } from '../lib/backend/kernels';
import { Rng } from '../lib/model/random';

const root = path.join(__dirname, '..');

function hasPackage(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** Run a snippet in a fresh Node process (the backend is process-global). */
function child(code: string, env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('currentBackend throws before initBackend', () => {
  assert.throws(() => currentBackend(), /initBackend/);
});

test('auto picks wasm here (tfjs-node absent) and reports it', async (t) => {
  if (hasPackage('@tensorflow/tfjs-node') || hasPackage('@tensorflow/tfjs-node-gpu')) {
    t.skip('tfjs-node is installed on this machine, auto would pick it');
    return;
  }
  const prev = process.env.VAE_BACKEND;
  delete process.env.VAE_BACKEND;
  try {
    const info = await initBackend();
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(info.package, '@tensorflow/tfjs-backend-wasm');
    assert.match(info.detail, /SIMD/);
    assert.match(describeBackend(info), /^wasm \(@tensorflow\/tfjs-backend-wasm; .*SIMD/);
    assert.equal(currentBackend(), info);
    // Idempotent: same object back, for 'auto' and for the same explicit name.
    assert.equal(await initBackend(), info);
    assert.equal(await initBackend({ backend: 'wasm' }), info);
    assert.deepEqual(kernelTuning(), { matMul: true, convFilterGrad: true, convTranspose: true, convBackpropFilter: true, identity: true, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
  } finally {
    if (prev !== undefined) process.env.VAE_BACKEND = prev;
  }
});

test('unknown backend names are clear errors (option and env)', async () => {
  await assert.rejects(initBackend({ backend: 'gpu' as BackendName }), /unknown backend 'gpu'.*auto, tensorflow, wasm, cpu/);
  const prev = process.env.VAE_BACKEND;
  process.env.VAE_BACKEND = 'webgpu';
  try {
    await assert.rejects(initBackend(), /unknown backend 'webgpu' in VAE_BACKEND/);
  } finally {
    if (prev === undefined) delete process.env.VAE_BACKEND;
    else process.env.VAE_BACKEND = prev;
  }
});

test("forcing 'tensorflow' without tfjs-node says it is not installed and how to install it", async (t) => {
  if (hasPackage('@tensorflow/tfjs-node') || hasPackage('@tensorflow/tfjs-node-gpu')) {
    t.skip('tfjs-node is installed on this machine');
    return;
  }
  const before = currentBackend();
  await assert.rejects(
    initBackend({ backend: 'tensorflow' }),
    (e: Error) =>
      /tfjs-node is not installed/.test(e.message) && /npm install @tensorflow\/tfjs-node@/.test(e.message),
  );
  // A failed request leaves the working backend in place.
  assert.equal(currentBackend(), before);
  assert.equal(tf.getBackend(), before.name);
});

test('VAE_BACKEND=cpu forces cpu (child process)', () => {
  const code = `
    const { initBackend, describeBackend } = require('./lib/index');
    const tf = require('@tensorflow/tfjs');
    initBackend().then((info) => {
      const s = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
      console.log(JSON.stringify({ info, active: tf.getBackend(), s, line: describeBackend(info) }));
    }, (e) => { console.error(e.message); process.exit(3); });`;
  const r = child(code, { VAE_BACKEND: 'cpu' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    info: { name: string }; active: string; s: number; line: string;
  };
  assert.equal(out.info.name, 'cpu');
  assert.equal(out.active, 'cpu');
  assert.equal(out.s, 6);
  assert.match(out.line, /^cpu /);
});

test('an explicit request switches backends and restores the stock kernels and gradients off wasm (child process)', () => {
  const code = `
    const b = require('./lib/index');
    const k = require('./lib/index');
    const tf = require('@tensorflow/tfjs');
    (async () => {
      // The registered configs before any fix, to check that a switch puts back these very objects.
      require('@tensorflow/tfjs-backend-wasm');
      const names = [['BatchMatMul', 'wasm'], ['_FusedMatMul', 'wasm'], ['Conv2DBackpropInput', 'wasm'], ['Identity', 'wasm']];
      const stockKernels = names.map(([n, be]) => tf.getKernel(n, be));
      const stockGrads = ['BatchMatMul', 'Conv2D', 'Conv2DBackpropInput'].map((n) => tf.getGradient(n));
      const first = await b.initBackend({ backend: 'wasm' }); // not auto: it picks tfjs-node where that is set up
      const afterWasm = k.kernelTuning();
      const replaced = names.map(([n, be], i) => tf.getKernel(n, be) !== stockKernels[i]);
      const second = await b.initBackend({ backend: 'cpu' });
      const afterCpu = k.kernelTuning();
      const kernelsBack = names.every(([n, be], i) => tf.getKernel(n, be) === stockKernels[i]);
      // cpu keeps the conv filter-gradient replacement (its own kernel is a slow loop); 'none' restores every stock gradient.
      const gradsOnCpu = ['BatchMatMul', 'Conv2D', 'Conv2DBackpropInput'].map((n, i) => tf.getGradient(n) === stockGrads[i]);
      k.tuneKernels('none');
      const gradsBack = ['BatchMatMul', 'Conv2D', 'Conv2DBackpropInput'].every((n, i) => tf.getGradient(n) === stockGrads[i]);
      k.tuneKernels('cpu');
      const third = await b.initBackend();
      console.log(JSON.stringify({ names: [first.name, second.name, third.name], afterWasm, replaced, afterCpu, kernelsBack, gradsOnCpu, gradsBack, same: third === second }));
    })().catch((e) => { console.error(e.message); process.exit(3); });`;
  const r = child(code, { VAE_BACKEND: undefined });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    names: string[]; afterWasm: Record<string, boolean>; replaced: boolean[]; afterCpu: Record<string, boolean>;
    kernelsBack: boolean; gradsOnCpu: boolean[]; gradsBack: boolean; same: boolean;
  };
  assert.deepEqual(out.names, ['wasm', 'cpu', 'cpu']);
  assert.deepEqual(out.afterWasm, { matMul: true, convFilterGrad: true, convTranspose: true, convBackpropFilter: true, identity: true, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
  assert.deepEqual(out.replaced, [true, true, true, true]);
  assert.deepEqual(out.afterCpu, { matMul: false, convFilterGrad: true, convTranspose: false, convBackpropFilter: false, identity: false, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
  assert.equal(out.kernelsBack, true);
  assert.deepEqual(out.gradsOnCpu, [true, false, false]);
  assert.equal(out.gradsBack, true);
  assert.equal(out.same, true);
});

test('VAE_BACKEND=tensorflow without tfjs-node fails in a child process with a clear message', (t) => {
  if (hasPackage('@tensorflow/tfjs-node') || hasPackage('@tensorflow/tfjs-node-gpu')) {
    t.skip('tfjs-node is installed on this machine');
    return;
  }
  const code = `
    require('./lib/index').initBackend().then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
  const r = child(code, { VAE_BACKEND: 'tensorflow' });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /VAE_BACKEND=tensorflow/);
  assert.match(r.stderr, /npm install @tensorflow\/tfjs-node@/);
});

test('matMul gradients through the wasm kernel fixes equal the stock ones, for every transpose pair', async () => {
  await initBackend({ backend: 'wasm' });
  assert.equal(tf.getBackend(), 'wasm');
  const cases: { shapeA: number[]; shapeB: number[]; tA: boolean; tB: boolean }[] = [
    { shapeA: [5, 7], shapeB: [7, 3], tA: false, tB: false },
    { shapeA: [5, 7], shapeB: [3, 7], tA: false, tB: true },
    { shapeA: [7, 5], shapeB: [7, 3], tA: true, tB: false },
    { shapeA: [7, 5], shapeB: [3, 7], tA: true, tB: true },
    { shapeA: [2, 5, 7], shapeB: [2, 7, 3], tA: false, tB: false },
    { shapeA: [2, 7, 5], shapeB: [2, 3, 7], tA: true, tB: true },
  ];
  // Inputs from our Rng (tf.randomNormal treats seed 0 as "unseeded").
  const normal = (shape: number[], rng: Rng): tf.Tensor => {
    const n = shape.reduce((p, q) => p * q, 1);
    return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
  };
  const gradsFor = (c: (typeof cases)[number], seed: number): Float32Array[] =>
    tf.tidy(() => {
      const rng = new Rng(seed);
      const a = normal(c.shapeA, rng);
      const b = normal(c.shapeB, rng);
      // A non-uniform upstream gradient so every element of dC matters.
      const outShape = tf.matMul(a, b, c.tA, c.tB).shape;
      const w = normal(outShape, rng);
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, c.tA, c.tB), w)));
      return g([a, b]).map((t) => t.dataSync() as Float32Array);
    });
  const before = tf.memory().numTensors;
  try {
    cases.forEach((c, i) => {
      tuneKernels('none');
      const stock = gradsFor(c, 10 * i);
      tuneKernels('wasm');
      const ours = gradsFor(c, 10 * i);
      for (let k = 0; k < 2; k++) {
        assert.equal(ours[k].length, stock[k].length);
        for (let j = 0; j < stock[k].length; j++) {
          assert.ok(
            Math.abs(ours[k][j] - stock[k][j]) <= 1e-4 * (1 + Math.abs(stock[k][j])),
            `case ${i} input ${k} element ${j}: ${ours[k][j]} vs ${stock[k][j]}`,
          );
        }
      }
    });
  } finally {
    tuneKernels('wasm');
  }
  assert.equal(tf.memory().numTensors, before);
});

test('a hand-computed gradient: d/dA sum(A·B) = 1·Bᵀ with the kernel fixes on', async () => {
  await initBackend({ backend: 'wasm' });
  assert.equal(kernelTuning().matMul, true);
  const [dA, dB] = tf.tidy(() => {
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.tensor2d([[5, 6, 7], [8, 9, 10]]);
    return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]).map((t) => Array.from(t.dataSync()));
  });
  // Row sums of B for every row of dA; column sums of A for every column of dB.
  assert.deepEqual(dA, [18, 27, 18, 27]);
  assert.deepEqual(dB, [4, 4, 4, 6, 6, 6]);
});

test('VAE_WASM_THREADS: 2 runs the threaded build, says so and trains to the same bits (fused Adam on shared memory); a bad value is a clear error (child processes)', () => {
  const code = `
    const lib = require('./lib');
    (async () => {
      const info = await lib.initBackend({ backend: 'wasm' });
      console.log(lib.describeBackend(info));
      const vae = lib.createVAE({ latentDim: 4, hiddenUnits: [32], seed: 3 });
      const r = await lib.train(vae, lib.loadData({ limit: 192 }).train, { epochs: 1, batchSize: 64, progress: false });
      console.log(JSON.stringify(r.history.map((h) => h.loss)));
      process.exit(0);
    })().catch((e) => { console.error(e.message); process.exit(3); });`;
  const two = child(code, { VAE_WASM_THREADS: '2', VAE_BACKEND: undefined });
  assert.equal(two.status, 0, two.stderr);
  assert.match(two.stdout, /^wasm \(@tensorflow\/tfjs-backend-wasm; SIMD, 2 threads\)/m);
  const one = child(code, { VAE_WASM_THREADS: '1', VAE_BACKEND: undefined });
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /SIMD, 1 thread\)/);
  const losses = (out: string): number[] => JSON.parse(out.trim().split('\n').pop() ?? '[]') as number[];
  assert.ok(losses(two.stdout).length >= 2, 'a few steps ran');
  assert.deepEqual(losses(two.stdout), losses(one.stdout));
  const bad = child(code, { VAE_WASM_THREADS: 'many', VAE_BACKEND: undefined });
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /VAE_WASM_THREADS\) must be an integer from 1 to 8, got 'many'/);
});

test('VAE_TF_THREADS / tensorflowThreads: a bad value is a clear error before any backend loads (child process)', () => {
  const code = `require('./lib').initBackend({ backend: 'cpu' }).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
  const bad = child(code, { VAE_TF_THREADS: '0', VAE_BACKEND: undefined });
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /tensorflowThreads \(or VAE_TF_THREADS\) must be an integer from 1 to 256, got '0'/);
  assert.equal(child(code, { VAE_TF_THREADS: '1', VAE_BACKEND: undefined }).status, 0, 'a good value is fine on any backend');
});
