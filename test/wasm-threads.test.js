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
// lib/backend/wasm/threads.ts: the threaded SIMD wasm build in Node. A process initialises the wasm
// backend once, so each configuration runs in a child process (this file, with
// WASM_THREADS_CHILD=<threads, 0 = the stock build>), which prints one JSON line.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const tf = __importStar(require("@tensorflow/tfjs"));
const threads_1 = require("../lib/backend/wasm/threads");
const backend_1 = require("../lib/backend/backend");
const random_1 = require("../lib/model/random");
/** float32 bits of x as hex: equal strings ⇔ identical numbers. */
function bits(x) {
    return new Uint32Array(new Float32Array([x]).buffer)[0].toString(16).padStart(8, '0');
}
/** utime + stime clock ticks of each thread of this process (Linux /proc), or null. */
function threadTicks() {
    const dir = '/proc/self/task';
    if (!fs.existsSync(dir))
        return null;
    const ticks = new Map();
    for (const tid of fs.readdirSync(dir)) {
        try {
            const stat = fs.readFileSync(path.join(dir, tid, 'stat'), 'utf8');
            const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
            ticks.set(tid, Number(fields[11]) + Number(fields[12])); // utime, stime: fields 14, 15
        }
        catch {
            // the thread ended meanwhile
        }
    }
    return ticks;
}
/** A small dense VAE (784-200-10, batch 128) trained for a few Adam steps from seed 0 on seeded noise. */
function trainLosses(steps) {
    const rng = new random_1.Rng(0);
    const [i, h, l, n] = [784, 200, 10, 128];
    const init = (rows, cols) => tf.variable(tf.tensor2d(Float32Array.from({ length: rows * cols }, () => (rng.next() - 0.5) * 0.1), [rows, cols]));
    const v = { w1: init(i, h), wm: init(h, l), wv: init(h, l), w2: init(l, h), w3: init(h, i), b3: tf.variable(tf.zeros([i])) };
    const x = tf.tensor2d(Float32Array.from({ length: n * i }, () => (rng.next() < 0.3 ? 1 : 0)), [n, i]);
    const opt = tf.train.adam(1e-3);
    const losses = [];
    for (let s = 0; s < steps; s++) {
        const cost = opt.minimize(() => {
            const hid = tf.relu(tf.matMul(x, v.w1));
            const mean = tf.matMul(hid, v.wm);
            const logVar = tf.matMul(hid, v.wv);
            const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.randomNormal([n, l], 0, 1, 'float32', s + 1)));
            const logits = tf.add(tf.matMul(tf.relu(tf.matMul(z, v.w2)), v.w3), v.b3);
            const recon = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
            const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1));
            return tf.mean(tf.add(recon, kl));
        }, true);
        losses.push(bits(cost.dataSync()[0]));
        cost.dispose();
    }
    const weights = Array.from(v.w1.dataSync().slice(0, 64), bits).join('') + Array.from(v.w3.dataSync().slice(-64), bits).join('');
    opt.dispose();
    x.dispose();
    Object.values(v).forEach((t) => t.dispose());
    return { losses, weights };
}
async function childMain(threads) {
    // The threads that exist before the wasm backend: main, libuv, V8's platform workers.
    const before = threadTicks();
    if (threads > 0) {
        const r = await (0, threads_1.enableWasmThreads)({ threads });
        if ('reason' in r)
            throw new Error(`enableWasmThreads declined: ${r.reason}`);
    }
    await (0, backend_1.initBackend)({ backend: 'wasm' });
    // The threads that are new now are the pthread workers (a Node worker is one OS thread).
    const workers = [...(threadTicks()?.keys() ?? [])].filter((tid) => before !== null && !before.has(tid));
    const module = tf.backend().wasm;
    const { losses, weights } = trainLosses(8);
    // Who computes a large product. CPU time, not wall time, so that a loaded machine does not
    // decide. Warm up first: until V8 has optimised the wasm code, its compile threads are busy too.
    const a = tf.randomUniform([512, 512], -1, 1, 'float32', 1);
    const loop = (ms) => {
        const t0 = performance.now();
        while (performance.now() - t0 < ms)
            tf.tidy(() => tf.matMul(a, a).dataSync());
    };
    loop(1000);
    const t0 = threadTicks();
    loop(1500);
    const t1 = threadTicks();
    let workerShare = null;
    if (t0 && t1) {
        const delta = (tid) => (t1.get(tid) ?? 0) - (t0.get(tid) ?? 0);
        workerShare = workers.reduce((sum, tid) => sum + delta(tid), 0) / Math.max(delta(String(process.pid)), 1);
    }
    a.dispose();
    const report = {
        threads: module.tfjs.getThreadsCount(),
        runningWorkers: module.PThread?.runningWorkers.length ?? 0,
        losses,
        weights,
        workerShare,
    };
    console.log(JSON.stringify(report));
}
function runChild(threads) {
    const r = (0, node_child_process_1.spawnSync)(process.execPath, ['--import', 'tsx', __filename], {
        env: { ...process.env, WASM_THREADS_CHILD: String(threads) },
        encoding: 'utf8',
        timeout: 180000, // a child that does not exit by itself (a pool thread keeping Node alive) fails here
    });
    const line = r.stdout.split('\n').find((s) => s.startsWith('{'));
    strict_1.default.equal(r.status, 0, `child (threads ${threads}) exited with ${r.status} ${r.signal ?? ''}\n${r.stderr}`);
    strict_1.default.ok(line, `child (threads ${threads}) printed no report\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(line);
}
if (process.env.WASM_THREADS_CHILD !== undefined) {
    childMain(Number(process.env.WASM_THREADS_CHILD)).catch((e) => {
        console.error(e.stack ?? e.message);
        process.exit(1);
    });
}
else {
    (0, node_test_1.test)('threaded wasm: a pool of 2 threads really runs, and training gives the same bits as 1 thread and as the stock build', () => {
        const two = runChild(2);
        const one = runChild(1);
        const stock = runChild(0);
        strict_1.default.equal(two.threads, 2);
        strict_1.default.equal(two.runningWorkers, 1, 'one pthread worker runs the second pool thread');
        strict_1.default.equal(one.threads, 1);
        strict_1.default.equal(stock.threads, 1);
        if (two.workerShare !== null && one.workerShare !== null) {
            // With 2 threads the worker computes part of every product (up to half on an idle
            // machine; much less when other jobs hold the cores: pthreadpool lets the main thread
            // take over the tiles of a worker that is not running).
            // With 1 the one worker the glue keeps stays idle.
            // (Measured: about 0.07 with the load average at 7 on 2 cores; 0 with 1 thread.)
            strict_1.default.ok(two.workerShare > 0.02, `with 2 threads the worker used ${two.workerShare.toFixed(2)} of the main thread's CPU time`);
            strict_1.default.ok(one.workerShare <= 0.01, `with 1 thread the idle worker used ${one.workerShare.toFixed(2)} of the main thread's CPU time`);
        }
        strict_1.default.equal(two.losses.length, 8);
        strict_1.default.deepEqual(two.losses, one.losses, 'losses, 2 threads vs 1');
        strict_1.default.deepEqual(two.losses, stock.losses, 'losses, 2 threads vs the stock build');
        strict_1.default.equal(two.weights, one.weights, 'trained weights, 2 threads vs 1');
        strict_1.default.equal(two.weights, stock.weights, 'trained weights, 2 threads vs the stock build');
    });
    (0, node_test_1.test)('threaded wasm: declines with a reason once the wasm backend is initialised, and validates its option', async () => {
        // This process has not initialised wasm yet: do it the stock way, then ask for threads.
        require('@tensorflow/tfjs-backend-wasm');
        strict_1.default.ok(await tf.setBackend('wasm'));
        await strict_1.default.rejects((0, threads_1.enableWasmThreads)({ threads: 0 }), /threads must be an integer/);
        const r = await (0, threads_1.enableWasmThreads)({ threads: 2 });
        strict_1.default.equal(r.threads, 1);
        strict_1.default.ok('reason' in r && /already initialised/.test(r.reason), JSON.stringify(r));
    });
}
