// tfjs-node (the 'tensorflow' backend, native libtensorflow) against wasm: the same fixed computations in two
// child processes (the backend is process-global), VAE_BACKEND=wasm and VAE_BACKEND=tensorflow, must agree;
// and the kernel-fix policy: on tensorflow, tuneKernels installs only the fused Adam update and the Step kernel.
// Without a loadable tfjs-node (`npm run setup:tfjs-node` builds one) these tests skip, except in CI (CI=true),
// where .ci/run sets it up, so a missing tfjs-node there is a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

function run(args: string[], env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Does `require('@tensorflow/tfjs-node')` work here? Asked once, in a child process. */
let loadable: { ok: boolean; why: string } | undefined;
function tfjsNodeLoads(): { ok: boolean; why: string } {
  if (!loadable) {
    const r = run(['-e', "require('@tensorflow/tfjs-node')"], {});
    // The thrown error's own line ("Error: Cannot find module …", "Error: The Node.js native addon …").
    const error = /^\w*Error: (.*)$/m.exec(r.stderr)?.[1] ?? r.stderr.trim().split('\n').pop() ?? '';
    loadable = { ok: r.status === 0, why: error.length > 200 ? error.slice(0, 200) + '…' : error };
  }
  return loadable;
}

/** Skips (or, in CI, fails) when tfjs-node is not set up; true when the test may go on. */
function needTfjsNode(t: { skip(message: string): void }): boolean {
  const { ok, why } = tfjsNodeLoads();
  if (ok) return true;
  const message = `@tensorflow/tfjs-node does not load (${why}); run \`npm run setup:tfjs-node\` to build it`;
  if (process.env.CI === 'true') assert.fail(`${message} (CI=true: .ci/run sets it up, so it must load)`);
  t.skip(message);
  return false;
}

interface Forward {
  recon: number;
  kl: number;
  perExample: number[];
  mean: number[];
}
interface BackendRun {
  backend: string;
  line: string;
  tuning: Record<string, boolean>;
  stockGradients: boolean;
  initial: Forward;
  losses: number[];
  trained: Forward;
}

const runs = new Map<string, BackendRun>();
/** test/fixtures/backend-run.ts on one backend (memoised: each child takes a few seconds). */
function backendRun(backend: 'wasm' | 'tensorflow', tensorflowThreads?: number): BackendRun {
  const key = `${backend}:${tensorflowThreads ?? 'default'}`;
  let r = runs.get(key);
  if (!r) {
    const c = run(['--import', 'tsx', 'test/fixtures/backend-run.ts'], { VAE_BACKEND: backend, VAE_TF_THREADS: tensorflowThreads?.toString() });
    assert.equal(c.status, 0, `VAE_BACKEND=${backend} child failed:\n${c.stderr}`);
    r = JSON.parse(c.stdout.trim().split('\n').pop() ?? '{}') as BackendRun;
    runs.set(key, r);
  }
  return r;
}

/** |a − b| / max(|a|, |b|, 1e-30), elementwise maximum. */
function maxRel(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), 1e-30));
  return m;
}
function maxAbs(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// Tolerances. Both backends compute in float32 (unit roundoff u = 2⁻²⁴ ≈ 6e-8) but add in different orders
// (libtensorflow's Eigen/oneDNN kernels vs wasm's XNNPACK and our transposed-operand matMuls). A per-example
// log-likelihood sums 784 pixel terms of a 784-400-20-400-784 network, and a reordered sum of n float32 terms
// differs by at most about n·u relative: 784 · 6e-8 ≈ 5e-5. FORWARD_REL = 1e-4 is that bound with a margin;
// a wrong kernel (transposed operand, missing term) is off by whole percents. Training compounds it over 8 Adam
// steps, whose normalisation by √v can turn a tiny difference in a near-zero gradient into a different step of
// size ≤ learning rate on that weight, so TRAIN_REL allows ten times more. (Measured: 1.1e-6 and 2.2e-7.)
const FORWARD_REL = 1e-4;
const TRAIN_REL = 1e-3;
// Encoder means are O(1) numbers from the same 400-term sums: absolute 1e-4 (measured 1.7e-7 before training).
const MEAN_ABS = 1e-4;

test('an installed tfjs-node that fails to load: auto says so in the wasm line, forcing tensorflow shows the error', () => {
  // Runs everywhere: a preload makes `@tensorflow/tfjs-node` resolve to a module that throws on load.
  const preload = ['-r', './test/fixtures/broken-tfjs-node-preload.js', '--import', 'tsx', '-e'];
  const code = `require('./lib/index').initBackend().then((i) => console.log(require('./lib/index').describeBackend(i)), (e) => { console.error(e.message); process.exit(3); });`;
  const auto = run([...preload, code], { VAE_BACKEND: undefined });
  assert.equal(auto.status, 0, auto.stderr);
  assert.match(auto.stdout, /^wasm \(@tensorflow\/tfjs-backend-wasm; SIMD.*; @tensorflow\/tfjs-node is installed but did not load \(VAE_BACKEND=tensorflow shows why\)\)$/m);
  const forced = run([...preload, code], { VAE_BACKEND: 'tensorflow' });
  assert.equal(forced.status, 3);
  assert.match(forced.stderr, /@tensorflow\/tfjs-node is installed but failed to load: simulated: the Node\.js native addon/);
  assert.match(forced.stderr, /npm run setup:tfjs-node/);
});

test('auto picks tfjs-node when it loads and names the libtensorflow it runs', (t) => {
  if (!needTfjsNode(t)) return;
  const code = `require('./lib/index').initBackend().then((i) => console.log(JSON.stringify(i)), (e) => { console.error(e.message); process.exit(3); });`;
  const r = run(['--import', 'tsx', '-e', code], { VAE_BACKEND: undefined });
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { name: string; package: string; detail: string };
  assert.equal(info.name, 'tensorflow');
  assert.match(info.package, /^@tensorflow\/tfjs-node(-gpu)?$/);
  // The version comes from the binding's TF_Version(), i.e. the library actually loaded.
  assert.match(info.detail, /^libtensorflow \d+\.\d+\.\d+\S*, (CPU|GPU \(CUDA\)), \d+ threads?, tfjs-node \d+\.\d+\.\d+$/);
});

test('kernel-fix policy: on tensorflow tuneKernels installs the fused Adam update and the native Step, nothing of wasm\'s (stock gradients); on wasm the rest', (t) => {
  if (!needTfjsNode(t)) return;
  const tfn = backendRun('tensorflow');
  assert.equal(tfn.backend, 'tensorflow', tfn.line);
  assert.ok(Object.keys(tfn.tuning).length > 0);
  assert.deepEqual(
    Object.entries(tfn.tuning).filter(([, on]) => on).map(([k]) => k),
    ['fusedAdam', 'step', 'leanKernels', 'reduceGrad'],
    'on tensorflow only the Adam kernel (TensorFlow\'s ResourceApplyAdam), Step and the lean kernels',
  );
  assert.equal(tfn.stockGradients, true, 'the gradient registry holds the stock gradients');
  const wasm = backendRun('wasm');
  assert.equal(wasm.backend, 'wasm', wasm.line);
  assert.equal(wasm.tuning.matMul, true, 'the same call installs the wasm matMul fix on wasm');
});

test('dense VAE forward pass on a fixed batch and noise: ELBO terms agree between wasm and tensorflow', (t) => {
  if (!needTfjsNode(t)) return;
  const a = backendRun('wasm').initial;
  const b = backendRun('tensorflow').initial;
  assert.ok(a.recon > 100 && a.recon < 2000, `an untrained model's reconstruction term: ${a.recon}`);
  assert.ok(maxRel([a.recon, a.kl], [b.recon, b.kl]) <= FORWARD_REL, `recon ${a.recon} vs ${b.recon}, kl ${a.kl} vs ${b.kl}`);
  assert.ok(maxRel(a.perExample, b.perExample) <= FORWARD_REL, `per-example log p(x|z): max relative difference ${maxRel(a.perExample, b.perExample)}`);
  assert.ok(maxAbs(a.mean, b.mean) <= MEAN_ABS, `encoder means: max difference ${maxAbs(a.mean, b.mean)}`);
});

test('8 training steps through lib/training/train.ts: the losses and the trained model agree between wasm and tensorflow', (t) => {
  if (!needTfjsNode(t)) return;
  const a = backendRun('wasm');
  const b = backendRun('tensorflow');
  assert.equal(a.losses.length, 8);
  assert.ok(a.losses[7] < a.losses[0] - 50, `training lowers the loss: ${a.losses.join(', ')}`);
  assert.ok(maxRel(a.losses, b.losses) <= TRAIN_REL, `losses per step:\n wasm ${a.losses.join(', ')}\n tensorflow ${b.losses.join(', ')}`);
  assert.ok(
    maxRel([a.trained.recon, a.trained.kl], [b.trained.recon, b.trained.kl]) <= TRAIN_REL,
    `after training: recon ${a.trained.recon} vs ${b.trained.recon}, kl ${a.trained.kl} vs ${b.trained.kl}`,
  );
  assert.ok(maxRel(a.trained.perExample, b.trained.perExample) <= TRAIN_REL, `per-example: ${maxRel(a.trained.perExample, b.trained.perExample)}`);
});

test("tfjs-node's own TensorBoard writer produces files that readEventFile reads", (t) => {
  if (!needTfjsNode(t)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-tfn-tb-'));
  try {
    const code = `
      const { initBackend } = require('./lib/index');
      const { createSummaryWriter } = require('./lib/index');
      initBackend({ backend: 'tensorflow' }).then(() => {
        const w = createSummaryWriter(${JSON.stringify(dir)}, { implementation: 'tfjs-node' });
        for (let s = 0; s < 3; s++) w.scalar('loss', 1.5 * s, s);
        w.close();
      }).catch((e) => { console.error(e.message); process.exit(3); });`;
    const r = run(['--import', 'tsx', '-e', code], {});
    assert.equal(r.status, 0, r.stderr);
    // Read in this process: our reader against TensorFlow's own writer (tensor-valued scalars).
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { findEventFiles, readEventFile } = require('../lib/io/tensorboard') as typeof import('../lib/io/tensorboard');
    const files = findEventFiles(dir);
    assert.equal(files.length, 1);
    assert.deepEqual(
      readEventFile(files[0]).map((e) => [e.tag, e.step, e.value]),
      [['loss', 0, 0], ['loss', 1, 1.5], ['loss', 2, 3]],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('libtensorflow runs on one thread by default; VAE_TF_THREADS=2 says so and computes the same numbers', (t) => {
  if (!needTfjsNode(t)) return;
  const byDefault = backendRun('tensorflow');
  const two = backendRun('tensorflow', 2);
  assert.match(byDefault.line, /, 1 thread, /);
  assert.match(two.line, /, 2 threads, /);
  assert.deepEqual(byDefault.losses, two.losses, 'losses of the 8 steps');
  assert.deepEqual(byDefault.trained, two.trained, 'the trained model\'s forward pass');
});

test('tensorflowThreads cannot change once libtensorflow is loaded: a clear error says how to set it', (t) => {
  if (!needTfjsNode(t)) return;
  const code =
    "const b = require('./lib/index'); b.initBackend({ backend: 'tensorflow', tensorflowThreads: 1 })" +
    ".then(() => b.initBackend({ backend: 'cpu' })).then(() => b.initBackend({ backend: 'tensorflow', tensorflowThreads: 2 }))" +
    ".then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });";
  const r = run(['--import', 'tsx', '-e', code], { VAE_BACKEND: undefined, VAE_TF_THREADS: undefined });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /tensorflowThreads 2 asked for, but libtensorflow already runs with 1 .*VAE_TF_THREADS/);
});
