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
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const path = __importStar(require("node:path"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const kernels_1 = require("../lib/backend/kernels");
const random_1 = require("../lib/model/random");
const root = path.join(__dirname, '..');
function hasPackage(pkg) {
    try {
        require.resolve(pkg);
        return true;
    }
    catch {
        return false;
    }
}
/** Run a snippet in a fresh Node process (the backend is process-global). */
function child(code, env) {
    const r = (0, node_child_process_1.spawnSync)(process.execPath, ['--import', 'tsx', '-e', code], {
        cwd: root,
        env: { ...process.env, ...env },
        encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
(0, node_test_1.test)('currentBackend throws before initBackend', () => {
    strict_1.default.throws(() => (0, backend_1.currentBackend)(), /initBackend/);
});
(0, node_test_1.test)('auto picks wasm here (tfjs-node absent) and reports it', async (t) => {
    if (hasPackage('@tensorflow/tfjs-node') || hasPackage('@tensorflow/tfjs-node-gpu')) {
        t.skip('tfjs-node is installed on this machine, auto would pick it');
        return;
    }
    const prev = process.env.VAE_BACKEND;
    delete process.env.VAE_BACKEND;
    try {
        const info = await (0, backend_1.initBackend)();
        strict_1.default.equal(info.name, 'wasm');
        strict_1.default.equal(tf.getBackend(), 'wasm');
        strict_1.default.equal(info.package, '@tensorflow/tfjs-backend-wasm');
        strict_1.default.match(info.detail, /SIMD/);
        strict_1.default.match((0, backend_1.describeBackend)(info), /^wasm \(@tensorflow\/tfjs-backend-wasm; .*SIMD/);
        strict_1.default.equal((0, backend_1.currentBackend)(), info);
        // Idempotent: same object back, for 'auto' and for the same explicit name.
        strict_1.default.equal(await (0, backend_1.initBackend)(), info);
        strict_1.default.equal(await (0, backend_1.initBackend)({ backend: 'wasm' }), info);
        strict_1.default.deepEqual((0, kernels_1.kernelTuning)(), { matMul: true, convFilterGrad: true, convTranspose: true, identity: true, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
    }
    finally {
        if (prev !== undefined)
            process.env.VAE_BACKEND = prev;
    }
});
(0, node_test_1.test)('unknown backend names are clear errors (option and env)', async () => {
    await strict_1.default.rejects((0, backend_1.initBackend)({ backend: 'gpu' }), /unknown backend 'gpu'.*auto, tensorflow, wasm, cpu/);
    const prev = process.env.VAE_BACKEND;
    process.env.VAE_BACKEND = 'webgpu';
    try {
        await strict_1.default.rejects((0, backend_1.initBackend)(), /unknown backend 'webgpu' in VAE_BACKEND/);
    }
    finally {
        if (prev === undefined)
            delete process.env.VAE_BACKEND;
        else
            process.env.VAE_BACKEND = prev;
    }
});
(0, node_test_1.test)("forcing 'tensorflow' without tfjs-node says it is not installed and how to install it", async (t) => {
    if (hasPackage('@tensorflow/tfjs-node') || hasPackage('@tensorflow/tfjs-node-gpu')) {
        t.skip('tfjs-node is installed on this machine');
        return;
    }
    const before = (0, backend_1.currentBackend)();
    await strict_1.default.rejects((0, backend_1.initBackend)({ backend: 'tensorflow' }), (e) => /tfjs-node is not installed/.test(e.message) && /npm install @tensorflow\/tfjs-node@/.test(e.message));
    // A failed request leaves the working backend in place.
    strict_1.default.equal((0, backend_1.currentBackend)(), before);
    strict_1.default.equal(tf.getBackend(), before.name);
});
(0, node_test_1.test)('VAE_BACKEND=cpu forces cpu (child process)', () => {
    const code = `
    const { initBackend, describeBackend } = require('./lib/index');
    const tf = require('@tensorflow/tfjs');
    initBackend().then((info) => {
      const s = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
      console.log(JSON.stringify({ info, active: tf.getBackend(), s, line: describeBackend(info) }));
    }, (e) => { console.error(e.message); process.exit(3); });`;
    const r = child(code, { VAE_BACKEND: 'cpu' });
    strict_1.default.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    strict_1.default.equal(out.info.name, 'cpu');
    strict_1.default.equal(out.active, 'cpu');
    strict_1.default.equal(out.s, 6);
    strict_1.default.match(out.line, /^cpu /);
});
(0, node_test_1.test)('an explicit request switches backends and restores the stock kernels and gradients off wasm (child process)', () => {
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
    strict_1.default.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    strict_1.default.deepEqual(out.names, ['wasm', 'cpu', 'cpu']);
    strict_1.default.deepEqual(out.afterWasm, { matMul: true, convFilterGrad: true, convTranspose: true, identity: true, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
    strict_1.default.deepEqual(out.replaced, [true, true, true, true]);
    strict_1.default.deepEqual(out.afterCpu, { matMul: false, convFilterGrad: true, convTranspose: false, identity: false, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
    strict_1.default.equal(out.kernelsBack, true);
    strict_1.default.deepEqual(out.gradsOnCpu, [true, false, false]);
    strict_1.default.equal(out.gradsBack, true);
    strict_1.default.equal(out.same, true);
});
(0, node_test_1.test)('VAE_BACKEND=tensorflow without tfjs-node fails in a child process with a clear message', (t) => {
    if (hasPackage('@tensorflow/tfjs-node') || hasPackage('@tensorflow/tfjs-node-gpu')) {
        t.skip('tfjs-node is installed on this machine');
        return;
    }
    const code = `
    require('./lib/index').initBackend().then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
    const r = child(code, { VAE_BACKEND: 'tensorflow' });
    strict_1.default.equal(r.status, 3);
    strict_1.default.match(r.stderr, /VAE_BACKEND=tensorflow/);
    strict_1.default.match(r.stderr, /npm install @tensorflow\/tfjs-node@/);
});
(0, node_test_1.test)('matMul gradients through the wasm kernel fixes equal the stock ones, for every transpose pair', async () => {
    await (0, backend_1.initBackend)({ backend: 'wasm' });
    strict_1.default.equal(tf.getBackend(), 'wasm');
    const cases = [
        { shapeA: [5, 7], shapeB: [7, 3], tA: false, tB: false },
        { shapeA: [5, 7], shapeB: [3, 7], tA: false, tB: true },
        { shapeA: [7, 5], shapeB: [7, 3], tA: true, tB: false },
        { shapeA: [7, 5], shapeB: [3, 7], tA: true, tB: true },
        { shapeA: [2, 5, 7], shapeB: [2, 7, 3], tA: false, tB: false },
        { shapeA: [2, 7, 5], shapeB: [2, 3, 7], tA: true, tB: true },
    ];
    // Inputs from our Rng (tf.randomNormal treats seed 0 as "unseeded").
    const normal = (shape, rng) => {
        const n = shape.reduce((p, q) => p * q, 1);
        return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
    };
    const gradsFor = (c, seed) => tf.tidy(() => {
        const rng = new random_1.Rng(seed);
        const a = normal(c.shapeA, rng);
        const b = normal(c.shapeB, rng);
        // A non-uniform upstream gradient so every element of dC matters.
        const outShape = tf.matMul(a, b, c.tA, c.tB).shape;
        const w = normal(outShape, rng);
        const g = tf.grads((x, y) => tf.sum(tf.mul(tf.matMul(x, y, c.tA, c.tB), w)));
        return g([a, b]).map((t) => t.dataSync());
    });
    const before = tf.memory().numTensors;
    try {
        cases.forEach((c, i) => {
            (0, kernels_1.tuneKernels)('none');
            const stock = gradsFor(c, 10 * i);
            (0, kernels_1.tuneKernels)('wasm');
            const ours = gradsFor(c, 10 * i);
            for (let k = 0; k < 2; k++) {
                strict_1.default.equal(ours[k].length, stock[k].length);
                for (let j = 0; j < stock[k].length; j++) {
                    strict_1.default.ok(Math.abs(ours[k][j] - stock[k][j]) <= 1e-4 * (1 + Math.abs(stock[k][j])), `case ${i} input ${k} element ${j}: ${ours[k][j]} vs ${stock[k][j]}`);
                }
            }
        });
    }
    finally {
        (0, kernels_1.tuneKernels)('wasm');
    }
    strict_1.default.equal(tf.memory().numTensors, before);
});
(0, node_test_1.test)('a hand-computed gradient: d/dA sum(A·B) = 1·Bᵀ with the kernel fixes on', async () => {
    await (0, backend_1.initBackend)({ backend: 'wasm' });
    strict_1.default.equal((0, kernels_1.kernelTuning)().matMul, true);
    const [dA, dB] = tf.tidy(() => {
        const a = tf.tensor2d([[1, 2], [3, 4]]);
        const b = tf.tensor2d([[5, 6, 7], [8, 9, 10]]);
        return tf.grads((x, y) => tf.sum(tf.matMul(x, y)))([a, b]).map((t) => Array.from(t.dataSync()));
    });
    // Row sums of B for every row of dA; column sums of A for every column of dB.
    strict_1.default.deepEqual(dA, [18, 27, 18, 27]);
    strict_1.default.deepEqual(dB, [4, 4, 4, 6, 6, 6]);
});
(0, node_test_1.test)('VAE_WASM_THREADS: 2 runs the threaded build, says so and trains to the same bits (fused Adam on shared memory); a bad value is a clear error (child processes)', () => {
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
    strict_1.default.equal(two.status, 0, two.stderr);
    strict_1.default.match(two.stdout, /^wasm \(@tensorflow\/tfjs-backend-wasm; SIMD, 2 threads\)/m);
    const one = child(code, { VAE_WASM_THREADS: '1', VAE_BACKEND: undefined });
    strict_1.default.equal(one.status, 0, one.stderr);
    strict_1.default.match(one.stdout, /SIMD, 1 thread\)/);
    const losses = (out) => JSON.parse(out.trim().split('\n').pop() ?? '[]');
    strict_1.default.ok(losses(two.stdout).length >= 2, 'a few steps ran');
    strict_1.default.deepEqual(losses(two.stdout), losses(one.stdout));
    const bad = child(code, { VAE_WASM_THREADS: 'many', VAE_BACKEND: undefined });
    strict_1.default.equal(bad.status, 3);
    strict_1.default.match(bad.stderr, /VAE_WASM_THREADS\) must be an integer from 1 to 8, got 'many'/);
});
(0, node_test_1.test)('VAE_TF_THREADS / tensorflowThreads: a bad value is a clear error before any backend loads (child process)', () => {
    const code = `require('./lib').initBackend({ backend: 'cpu' }).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
    const bad = child(code, { VAE_TF_THREADS: '0', VAE_BACKEND: undefined });
    strict_1.default.equal(bad.status, 3);
    strict_1.default.match(bad.stderr, /tensorflowThreads \(or VAE_TF_THREADS\) must be an integer from 1 to 256, got '0'/);
    strict_1.default.equal(child(code, { VAE_TF_THREADS: '1', VAE_BACKEND: undefined }).status, 0, 'a good value is fine on any backend');
});
