"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.profileTable = exports.matMulTable = exports.trainTable = exports.TRAIN_LEGEND = exports.peakGflops = void 0;
/**
 * The tables `npm run bench` prints, from the results the children sent:
 * training speed against the backend's matMul speed, the matMul speeds
 * themselves, and (with --profile) the kernels that take a step's time.
 */
const display_1 = require("../../lib/figures/display");
const matmul_1 = require("./matmul");
const stats_1 = require("./stats");
const MiB = 2 ** 20;
const round = (x, digits) => x.toFixed(digits);
/** The backend's best matMul speed: the large square product with its own kernels. */
function peakGflops(m) {
    return m?.cases.find((c) => c.label === matmul_1.PEAK_CASE)?.tuned;
}
exports.peakGflops = peakGflops;
/** The legend of trainTable's columns, printed above it. */
exports.TRAIN_LEGEND = [
    'training through lib/training/train.ts (Adam 1e-3, batch 128, seed 0), each row in a process of its own:',
    '  steps      warm-up steps + timed runs × steps per run; samples/s is the median over runs, min–max beside it',
    '  CPU/wall   CPU time of the process over wall time in the timed steps (under 100 %: it waited for a core)',
    '  /CPU-s     samples per CPU-second of the process: what a loaded machine does not lower (threads, e.g. tfjs-node\'s, do)',
    '  GFLOP/s    MFLOP/sample (lib/model/flops.ts, from the layers) × samples/s',
    '  matMul     the backend\'s own 1024³ product, GFLOP/s; ÷matMul = GFLOP/s over it',
    '  ÷machine   GFLOP/s over numpy\'s 1024³ product on all cores (the CPU\'s BLAS speed)',
    '  RSS        peak resident memory of the process (Node, tsx, TF.js, the wasm heap); tf MiB: tensors alive between steps',
];
function trainTable(rows, matmul, machineGflops) {
    const pct = (x) => `${round(100 * x, 1)} %`;
    return (0, display_1.formatTable)(rows.map((r) => {
        const achieved = (r.flopsPerSample.total * r.samplesPerSecond.median) / 1e9;
        const peak = peakGflops(matmul.get(r.backend.label));
        return {
            backend: r.backend.label,
            model: r.model,
            steps: `${r.plan.warmup} + ${r.plan.runs}×${r.plan.steps}`,
            'samples/s': Math.round(r.samplesPerSecond.median),
            'min–max': `${Math.round(r.samplesPerSecond.min)}–${Math.round(r.samplesPerSecond.max)}`,
            'ms/step': round(r.msPerStep.median, 1),
            'CPU/wall': `${Math.round(100 * (0, stats_1.spread)(r.runs.map((x) => x.cpuShare)).median)} %`,
            '/CPU-s': Math.round((0, stats_1.spread)(r.runs.map((x) => x.samplesPerCpuSecond)).median),
            'MFLOP/sample': round(r.flopsPerSample.total / 1e6, 2),
            'GFLOP/s': round(achieved, 2),
            matMul: peak === undefined ? 'n/a' : round(peak, 1),
            '÷matMul': peak === undefined ? 'n/a' : pct(achieved / peak),
            '÷machine': machineGflops === undefined ? 'n/a' : pct(achieved / machineGflops),
            'RSS MiB': Math.round(r.maxRssBytes / MiB),
            'tf MiB': round(r.tfBytesBetweenSteps / MiB, 1),
        };
    }));
}
exports.trainTable = trainTable;
function matMulTable(results) {
    const rows = [];
    for (const r of results) {
        for (const c of r.cases) {
            rows.push({
                backend: r.backend.label,
                product: c.label,
                'MFLOP': round(c.flops / 1e6, 1),
                'GFLOP/s (kernels of initBackend)': round(c.tuned, 2),
                'per CPU-s': round(c.tunedPerCpuSecond, 2),
                "GFLOP/s (stock, tuneKernels('none'))": c.stock === undefined ? '(same kernels)' : round(c.stock, 2),
            });
        }
    }
    return (0, display_1.formatTable)(rows);
}
exports.matMulTable = matMulTable;
function profileTable(p, top) {
    const shown = p.kernels.slice(0, top);
    const rest = p.kernels.slice(top);
    const rows = shown.map((k) => ({
        kernel: k.name,
        'calls/step': round(k.calls, k.calls % 1 === 0 ? 0 : 1),
        'ms/step': round(k.ms, 2),
        'share of step': `${round((100 * k.ms) / p.stepMs, 1)} %`,
    }));
    if (rest.length > 0) {
        const ms = rest.reduce((s, k) => s + k.ms, 0);
        rows.push({
            kernel: `(${rest.length} other kernels)`,
            'calls/step': round(rest.reduce((s, k) => s + k.calls, 0), 0),
            'ms/step': round(ms, 2),
            'share of step': `${round((100 * ms) / p.stepMs, 1)} %`,
        });
    }
    const outside = p.stepMs - p.kernelMs;
    rows.push({
        kernel: '(outside kernels: dispatch, tape, JS)',
        'calls/step': '',
        'ms/step': round(outside, 2),
        'share of step': `${round((100 * outside) / p.stepMs, 1)} %`,
    });
    return (0, display_1.formatTable)(rows);
}
exports.profileTable = profileTable;
