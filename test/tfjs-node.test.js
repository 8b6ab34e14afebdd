"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// tfjs-node (the 'tensorflow' backend, native libtensorflow) against wasm: the same fixed computations in two
// child processes (the backend is process-global), VAE_BACKEND=wasm and VAE_BACKEND=tensorflow, must agree;
// and the kernel-fix policy: on tensorflow, tuneKernels installs only the fused Adam update and the Step kernel.
// Without a loadable tfjs-node (`npm run setup:tfjs-node` builds one) these tests skip, except in CI (CI=true),
// where .ci/run sets it up, so a missing tfjs-node there is a failure.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const root = path.join(__dirname, '..');
function run(args, env) {
    const r = (0, node_child_process_1.spawnSync)(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** Does `require('@tensorflow/tfjs-node')` work here? Asked once, in a child process. */
let loadable;
function tfjsNodeLoads() {
    if (!loadable) {
        const r = run(['-e', "require('@tensorflow/tfjs-node')"], {});
        // The thrown error's own line ("Error: Cannot find module …", "Error: The Node.js native addon …").
        const error = /^\w*Error: (.*)$/m.exec(r.stderr)?.[1] ?? r.stderr.trim().split('\n').pop() ?? '';
        loadable = { ok: r.status === 0, why: error.length > 200 ? error.slice(0, 200) + '…' : error };
    }
    return loadable;
}
/** Skips (or, in CI, fails) when tfjs-node is not set up; true when the test may go on. */
function needTfjsNode(t) {
    const { ok, why } = tfjsNodeLoads();
    if (ok)
        return true;
    const message = `@tensorflow/tfjs-node does not load (${why}); run \`npm run setup:tfjs-node\` to build it`;
    if (process.env.CI === 'true')
        strict_1.default.fail(`${message} (CI=true: .ci/run sets it up, so it must load)`);
    t.skip(message);
    return false;
}
const runs = new Map();
/** test/fixtures/backend-run.ts on one backend (memoised: each child takes a few seconds). */
function backendRun(backend, tensorflowThreads) {
    const key = `${backend}:${tensorflowThreads ?? 'default'}`;
    let r = runs.get(key);
    if (!r) {
        const c = run(['--import', 'tsx', 'test/fixtures/backend-run.ts'], { VAE_BACKEND: backend, VAE_TF_THREADS: tensorflowThreads?.toString() });
        strict_1.default.equal(c.status, 0, `VAE_BACKEND=${backend} child failed:\n${c.stderr}`);
        r = JSON.parse(c.stdout.trim().split('\n').pop() ?? '{}');
        runs.set(key, r);
    }
    return r;
}
/** |a − b| / max(|a|, |b|, 1e-30), elementwise maximum. */
function maxRel(a, b) {
    strict_1.default.equal(a.length, b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++)
        m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), 1e-30));
    return m;
}
function maxAbs(a, b) {
    strict_1.default.equal(a.length, b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++)
        m = Math.max(m, Math.abs(a[i] - b[i]));
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
(0, node_test_1.test)('an installed tfjs-node that fails to load: auto says so in the wasm line, forcing tensorflow shows the error', () => {
    // Runs everywhere: a preload makes `@tensorflow/tfjs-node` resolve to a module that throws on load.
    const preload = ['-r', './test/fixtures/broken-tfjs-node-preload.js', '--import', 'tsx', '-e'];
    const code = `require('./lib/index').initBackend().then((i) => console.log(require('./lib/index').describeBackend(i)), (e) => { console.error(e.message); process.exit(3); });`;
    const auto = run([...preload, code], { VAE_BACKEND: undefined });
    strict_1.default.equal(auto.status, 0, auto.stderr);
    strict_1.default.match(auto.stdout, /^wasm \(@tensorflow\/tfjs-backend-wasm; SIMD.*; @tensorflow\/tfjs-node is installed but did not load \(VAE_BACKEND=tensorflow shows why\)\)$/m);
    const forced = run([...preload, code], { VAE_BACKEND: 'tensorflow' });
    strict_1.default.equal(forced.status, 3);
    strict_1.default.match(forced.stderr, /@tensorflow\/tfjs-node is installed but failed to load: simulated: the Node\.js native addon/);
    strict_1.default.match(forced.stderr, /npm run setup:tfjs-node/);
});
(0, node_test_1.test)('auto picks tfjs-node when it loads and names the libtensorflow it runs', (t) => {
    if (!needTfjsNode(t))
        return;
    const code = `require('./lib/index').initBackend().then((i) => console.log(JSON.stringify(i)), (e) => { console.error(e.message); process.exit(3); });`;
    const r = run(['--import', 'tsx', '-e', code], { VAE_BACKEND: undefined });
    strict_1.default.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    strict_1.default.equal(info.name, 'tensorflow');
    strict_1.default.match(info.package, /^@tensorflow\/tfjs-node(-gpu)?$/);
    // The version comes from the binding's TF_Version(), i.e. the library actually loaded.
    strict_1.default.match(info.detail, /^libtensorflow \d+\.\d+\.\d+\S*, (CPU|GPU \(CUDA\)), \d+ threads?, tfjs-node \d+\.\d+\.\d+$/);
});
(0, node_test_1.test)('kernel-fix policy: on tensorflow tuneKernels installs the fused Adam update and the native Step, nothing of wasm\'s (stock gradients); on wasm the rest', (t) => {
    if (!needTfjsNode(t))
        return;
    const tfn = backendRun('tensorflow');
    strict_1.default.equal(tfn.backend, 'tensorflow', tfn.line);
    strict_1.default.ok(Object.keys(tfn.tuning).length > 0);
    strict_1.default.deepEqual(Object.entries(tfn.tuning).filter(([, on]) => on).map(([k]) => k), ['fusedAdam', 'step', 'leanKernels', 'reduceGrad'], 'on tensorflow only the Adam kernel (TensorFlow\'s ResourceApplyAdam), Step and the lean kernels');
    strict_1.default.equal(tfn.stockGradients, true, 'the gradient registry holds the stock gradients');
    const wasm = backendRun('wasm');
    strict_1.default.equal(wasm.backend, 'wasm', wasm.line);
    strict_1.default.equal(wasm.tuning.matMul, true, 'the same call installs the wasm matMul fix on wasm');
});
(0, node_test_1.test)('dense VAE forward pass on a fixed batch and noise: ELBO terms agree between wasm and tensorflow', (t) => {
    if (!needTfjsNode(t))
        return;
    const a = backendRun('wasm').initial;
    const b = backendRun('tensorflow').initial;
    strict_1.default.ok(a.recon > 100 && a.recon < 2000, `an untrained model's reconstruction term: ${a.recon}`);
    strict_1.default.ok(maxRel([a.recon, a.kl], [b.recon, b.kl]) <= FORWARD_REL, `recon ${a.recon} vs ${b.recon}, kl ${a.kl} vs ${b.kl}`);
    strict_1.default.ok(maxRel(a.perExample, b.perExample) <= FORWARD_REL, `per-example log p(x|z): max relative difference ${maxRel(a.perExample, b.perExample)}`);
    strict_1.default.ok(maxAbs(a.mean, b.mean) <= MEAN_ABS, `encoder means: max difference ${maxAbs(a.mean, b.mean)}`);
});
(0, node_test_1.test)('8 training steps through lib/training/train.ts: the losses and the trained model agree between wasm and tensorflow', (t) => {
    if (!needTfjsNode(t))
        return;
    const a = backendRun('wasm');
    const b = backendRun('tensorflow');
    strict_1.default.equal(a.losses.length, 8);
    strict_1.default.ok(a.losses[7] < a.losses[0] - 50, `training lowers the loss: ${a.losses.join(', ')}`);
    strict_1.default.ok(maxRel(a.losses, b.losses) <= TRAIN_REL, `losses per step:\n wasm ${a.losses.join(', ')}\n tensorflow ${b.losses.join(', ')}`);
    strict_1.default.ok(maxRel([a.trained.recon, a.trained.kl], [b.trained.recon, b.trained.kl]) <= TRAIN_REL, `after training: recon ${a.trained.recon} vs ${b.trained.recon}, kl ${a.trained.kl} vs ${b.trained.kl}`);
    strict_1.default.ok(maxRel(a.trained.perExample, b.trained.perExample) <= TRAIN_REL, `per-example: ${maxRel(a.trained.perExample, b.trained.perExample)}`);
});
(0, node_test_1.test)("tfjs-node's own TensorBoard writer produces files that readEventFile reads", (t) => {
    if (!needTfjsNode(t))
        return;
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
        strict_1.default.equal(r.status, 0, r.stderr);
        // Read in this process: our reader against TensorFlow's own writer (tensor-valued scalars).
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { findEventFiles, readEventFile } = require('../lib/io/tensorboard');
        const files = findEventFiles(dir);
        strict_1.default.equal(files.length, 1);
        strict_1.default.deepEqual(readEventFile(files[0]).map((e) => [e.tag, e.step, e.value]), [['loss', 0, 0], ['loss', 1, 1.5], ['loss', 2, 3]]);
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
(0, node_test_1.test)('VAE_TF_THREADS=1: libtensorflow runs each op on one thread, says so, and computes the same numbers', (t) => {
    if (!needTfjsNode(t))
        return;
    const one = backendRun('tensorflow', 1);
    const all = backendRun('tensorflow');
    strict_1.default.match(one.line, /, 1 thread, /);
    strict_1.default.match(all.line, /, \d+ threads?, /);
    strict_1.default.deepEqual(one.losses, all.losses, 'losses of the 8 steps');
    strict_1.default.deepEqual(one.trained, all.trained, 'the trained model\'s forward pass');
});
(0, node_test_1.test)('tensorflowThreads cannot change once libtensorflow is loaded: a clear error says how to set it', (t) => {
    if (!needTfjsNode(t))
        return;
    const code = "const b = require('./lib/index'); b.initBackend({ backend: 'tensorflow', tensorflowThreads: 1 })" +
        ".then(() => b.initBackend({ backend: 'cpu' })).then(() => b.initBackend({ backend: 'tensorflow', tensorflowThreads: 2 }))" +
        ".then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });";
    const r = run(['--import', 'tsx', '-e', code], { VAE_BACKEND: undefined, VAE_TF_THREADS: undefined });
    strict_1.default.equal(r.status, 3, r.stderr);
    strict_1.default.match(r.stderr, /tensorflowThreads 2 asked for, but libtensorflow already runs with 1 .*VAE_TF_THREADS/);
});
