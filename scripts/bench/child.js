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
 * One benchmark configuration in a process of its own (started by
 * scripts/bench/bench.ts): `node --import tsx scripts/bench/child.ts '<task JSON>'`.
 * Prints its result as one JSON line tagged RESULT_TAG on stdout. A backend
 * that initBackend cannot load is reported as unavailable with its reason.
 */
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../../lib/backend/backend");
const kernels_1 = require("../../lib/backend/kernels");
const vae_1 = require("../../lib/model/vae");
const flops_1 = require("../../lib/model/flops");
const train_steps_1 = require("./train-steps");
const matmul_1 = require("./matmul");
const kernel_timer_1 = require("./kernel-timer");
const machine_1 = require("./machine");
const stats_1 = require("./stats");
const plan_1 = require("./plan");
function maxRssBytes() {
    return process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
}
async function runTrain(task, backend) {
    const started = performance.now();
    const loadStart = (0, machine_1.load1)();
    const { warmup, steps, runs } = task.plan;
    const model = (0, vae_1.createVAE)({ architecture: task.model, seed: plan_1.SEED });
    const flops = (0, flops_1.trainingFlops)(model);
    const tensorsBefore = tf.memory().numTensors;
    const marks = await (0, train_steps_1.trainSteps)(model, warmup + steps * runs);
    const leakedTensors = tf.memory().numTensors - tensorsBefore;
    // marks[i] is the end of step i + 1; timed run r spans the steps after marks[warmup − 1 + r·steps].
    const runStats = [];
    for (let r = 0; r < runs; r++) {
        const from = marks[warmup - 1 + r * steps];
        const to = marks[warmup - 1 + (r + 1) * steps];
        const msPerStep = (to.ms - from.ms) / steps;
        const cpuMs = to.cpuMs - from.cpuMs;
        runStats.push({
            msPerStep,
            samplesPerSecond: (plan_1.BATCH_SIZE * 1000) / msPerStep,
            cpuShare: cpuMs / (to.ms - from.ms),
            samplesPerCpuSecond: (plan_1.BATCH_SIZE * steps * 1000) / cpuMs,
        });
    }
    const stepMs = marks.slice(warmup).map((m, i) => m.ms - marks[warmup - 1 + i].ms);
    model.dispose();
    return {
        kind: 'train',
        backend,
        model: task.model,
        plan: task.plan,
        batchSize: plan_1.BATCH_SIZE,
        runs: runStats,
        samplesPerSecond: (0, stats_1.spread)(runStats.map((r) => r.samplesPerSecond)),
        msPerStep: (0, stats_1.spread)(runStats.map((r) => r.msPerStep)),
        stepMs,
        flopsPerSample: { forward: flops.forward, backward: flops.backward, total: flops.total },
        loss: { first: marks[0].loss, last: marks[marks.length - 1].loss },
        maxRssBytes: maxRssBytes(),
        tfBytesBetweenSteps: Math.max(...marks.map((m) => m.tfBytes)),
        leakedTensors,
        loadAverage: { start: loadStart, end: (0, machine_1.load1)() },
        seconds: (performance.now() - started) / 1000,
    };
}
async function runProfile(task, backend) {
    const model = (0, vae_1.createVAE)({ architecture: task.model, seed: plan_1.SEED });
    const timer = (0, kernel_timer_1.installKernelTimer)(task.backend, task.byShape);
    // Kernel totals at the end of the last warm-up step, and at the end of the last profiled one.
    let atStart = timer.totals();
    let atEnd = atStart;
    const marks = await (0, train_steps_1.trainSteps)(model, task.warmup + task.steps, (step) => {
        if (step === task.warmup)
            atStart = timer.totals();
        if (step === task.warmup + task.steps)
            atEnd = timer.totals();
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
async function run(task) {
    let backend;
    try {
        const info = await (0, backend_1.initBackend)({ backend: task.backend });
        // --stock: the same run with every kernel fix of lib/backend/kernels.ts removed, to measure what they buy per backend.
        if (process.env.VAE_BENCH_STOCK === '1')
            (0, kernels_1.tuneKernels)('none');
        const threads = Number(/, (\d+) threads/.exec(info.detail)?.[1] ?? 1);
        backend = { name: info.name, label: threads > 1 ? `${info.name}×${threads}` : info.name, description: (0, backend_1.describeBackend)(info), kernelTuning: { ...(0, kernels_1.kernelTuning)() } };
    }
    catch (e) {
        return { kind: 'unavailable', backend: task.backend, reason: e.message };
    }
    if (task.kind === 'train')
        return runTrain(task, backend);
    if (task.kind === 'profile')
        return runProfile(task, backend);
    const result = { kind: 'matmul', backend, cases: (0, matmul_1.measureMatMul)(task.backend, task.minSeconds), maxRssBytes: maxRssBytes() };
    return result;
}
async function main() {
    const task = JSON.parse(process.argv[2] ?? '');
    let result;
    try {
        result = await run(task);
    }
    catch (e) {
        result = { kind: 'failed', backend: task.backend, reason: e.stack ?? String(e) };
    }
    process.stdout.write(`${plan_1.RESULT_TAG}${JSON.stringify(result)}\n`);
}
void main();
