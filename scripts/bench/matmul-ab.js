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
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Measures what the kernel fixes that initBackend installs (lib/backend/kernels.ts)
 * buy for matMul: the throughput of the three products of one dense layer's
 * step with the stock kernels and with the fixes, and training steps of the
 * dense VAE 784-400-20 (batch 128, Adam 1e-3, Bernoulli loss) both ways.
 * The two training arms alternate so that a machine loaded by other work
 * slows both alike; CPU time is reported next to wall time for the same reason.
 *
 *   npx tsx scripts/bench/matmul-ab.ts [--steps 40] [--rounds 2] [--backend wasm]
 *   npx tsx scripts/bench/matmul-ab.ts --reference [--stock] [--steps 40] [--rounds 2]   # the loop alone, as JSON
 *
 * `--reference` is the calibration row of `npm run bench`: the hand-written loop
 * issue 6 measured (about 5,100 samples/s with the matMul fix when it was filed)
 * and, with `--stock` (no kernel fixes), the one issue 7 measured on tfjs-node
 * (about 11,600) and on stock wasm (about 1,500), so that a bench run on a
 * slower or busier machine can be read against them.
 *
 * The loop is scripts/bench/reference-loop.ts: raw tf ops, no model code of the library.
 */
const os = __importStar(require("node:os"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../../lib/backend/backend");
const kernels_1 = require("../../lib/backend/kernels");
const dataset_1 = require("../../lib/data/dataset");
const load_1 = require("../../lib/data/load");
const reference_loop_1 = require("./reference-loop");
function arg(name, fallback) {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
/** Median samples/s of the dense VAE training step over `steps` steps (after warm-up), by wall and by CPU time. */
function trainSpeed(steps, data) {
    const vars = (0, reference_loop_1.referenceVars)();
    const opt = tf.train.adam(1e-3);
    const times = [];
    const cpuTimes = [];
    for (let s = 0; s < steps + 3; s++) {
        const batch = data[s % data.length];
        const t0 = performance.now();
        const c0 = (0, reference_loop_1.cpuSeconds)();
        const cost = opt.minimize(() => (0, reference_loop_1.referenceLoss)(vars, batch, s + 1), true);
        cost?.dataSync();
        cost?.dispose();
        if (s >= 3) {
            times.push((performance.now() - t0) / 1000);
            cpuTimes.push((0, reference_loop_1.cpuSeconds)() - c0);
        }
    }
    opt.dispose();
    Object.values(vars).forEach((v) => v.dispose());
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { wall: 128 / median(times), cpu: 128 / median(cpuTimes) };
}
/** GFLOP per CPU-second of matMul(a, b, tA, tB) for the given operand shapes, with whatever kernels are registered. */
function matMulSpeed(shapeA, shapeB, tA, tB) {
    const { run, flops, dispose } = (0, reference_loop_1.matMulCase)(shapeA, shapeB, tA, tB);
    run();
    const reps = 10;
    const c0 = (0, reference_loop_1.cpuSeconds)();
    for (let r = 0; r < reps; r++)
        run();
    const seconds = ((0, reference_loop_1.cpuSeconds)() - c0) / reps;
    dispose();
    return flops / seconds / 1e9;
}
async function main() {
    const info = await (0, backend_1.initBackend)({ backend: arg('backend', 'wasm') });
    const steps = Number(arg('steps', '40'));
    const rounds = Number(arg('rounds', '2'));
    const { train } = (0, load_1.loadData)({ limit: 1280 });
    const data = [...(0, dataset_1.batches)(train, { batchSize: 128, seed: 0 })];
    if (process.argv.includes('--reference')) {
        // --stock: without this project's kernel fixes, as the probes behind issue 7 ran tfjs-node and stock wasm.
        if (process.argv.includes('--stock'))
            (0, kernels_1.tuneKernels)('none');
        const runs = Array.from({ length: rounds }, () => trainSpeed(steps, data));
        const best = runs.reduce((a, b) => (b.wall > a.wall ? b : a));
        console.log(JSON.stringify({ backend: (0, backend_1.describeBackend)(info), samplesPerSecond: best.wall, samplesPerCpuSecond: best.cpu, steps, rounds }));
        return;
    }
    console.log(`backend: ${(0, backend_1.describeBackend)(info)}`);
    console.log('matMul GFLOP per CPU-second (stock kernels → kernel fixes of this backend):');
    const cases = [
        ['forward x·W        128×784 · 784×400', [128, 784], [784, 400], false, false],
        ['dX = dY·Wᵀ         128×400 · (784×400)ᵀ', [128, 400], [784, 400], false, true],
        ['dW = Xᵀ·dY         (128×784)ᵀ · 128×400', [128, 784], [128, 400], true, false],
    ];
    for (const [label, sa, sb, tA, tB] of cases) {
        (0, kernels_1.tuneKernels)('none');
        const stock = matMulSpeed(sa, sb, tA, tB);
        (0, kernels_1.tuneKernels)(info.name);
        const tuned = matMulSpeed(sa, sb, tA, tB);
        console.log(`  ${label}: ${stock.toFixed(1)} → ${tuned.toFixed(1)}`);
    }
    const arms = { stock: { wall: [], cpu: [] }, tuned: { wall: [], cpu: [] } };
    for (let r = 0; r < rounds; r++) {
        for (const arm of r % 2 === 0 ? ['stock', 'tuned'] : ['tuned', 'stock']) {
            (0, kernels_1.tuneKernels)(arm === 'stock' ? 'none' : info.name);
            const speed = trainSpeed(steps, data);
            arms[arm].wall.push(speed.wall);
            arms[arm].cpu.push(speed.cpu);
        }
    }
    (0, kernels_1.tuneKernels)(info.name);
    const best = (xs) => Math.max(...xs);
    const line = (a) => `${Math.round(best(a.wall))} samples/s (wall), ${Math.round(best(a.cpu))} samples per CPU-second`;
    console.log(`dense VAE training (batch 128, median of ${steps} steps, best of ${rounds} alternating rounds; load average ${os.loadavg()[0].toFixed(2)}):`);
    console.log(`  stock kernels:  ${line(arms.stock)}`);
    console.log(`  kernel fixes:   ${line(arms.tuned)}  (×${(best(arms.tuned.cpu) / best(arms.stock.cpu)).toFixed(2)} per CPU-second)`);
}
main().catch((e) => {
    console.error(e.message);
    process.exit(1);
});
