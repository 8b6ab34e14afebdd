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
exports.measureMatMul = exports.PEAK_CASE = exports.MATMUL_CASES = void 0;
/**
 * The backend's raw matrix-product speed, GFLOP/s: the three products of the
 * dense VAE's largest layer (784 → 400, batch 128) — forward, input gradient,
 * weight gradient, the last two with a transposed operand as the gradients
 * call them — and a large square product that shows the backend's best case.
 * Measured with the kernels initBackend installed, and with the stock ones
 * (tuneKernels('none')) where that changes the kernels tf.matMul runs.
 */
const tf = __importStar(require("@tensorflow/tfjs"));
const kernels_1 = require("../../lib/backend/kernels");
const flops_1 = require("../../lib/model/flops");
const stats_1 = require("./stats");
exports.MATMUL_CASES = [
    { label: 'x·W (forward) 128×784 · 784×400', a: [128, 784], b: [784, 400], transposeA: false, transposeB: false },
    { label: 'dY·Wᵀ (input grad) 128×400 · (784×400)ᵀ', a: [128, 400], b: [784, 400], transposeA: false, transposeB: true },
    { label: 'Xᵀ·dY (weight grad) (128×784)ᵀ · 128×400', a: [128, 784], b: [128, 400], transposeA: true, transposeB: false },
    { label: 'square 1024×1024 · 1024×1024', a: [1024, 1024], b: [1024, 1024], transposeA: false, transposeB: false },
];
/** The label of the case whose speed the table calls the backend's matMul peak. */
exports.PEAK_CASE = exports.MATMUL_CASES[3].label;
function flopsOf(c) {
    const m = c.transposeA ? c.a[1] : c.a[0];
    const k = c.transposeA ? c.a[0] : c.a[1];
    const n = c.transposeB ? c.b[0] : c.b[1];
    return (0, flops_1.matMulFlops)(m, k, n);
}
/**
 * Wall and CPU ms of one product with the kernels registered now, read-back
 * included. Kernels on wasm, cpu and tfjs-node run synchronously; the
 * read-back makes sure of it on any backend.
 */
function timeOnce(a, b, c) {
    const t0 = performance.now();
    const c0 = (0, stats_1.cpuMs)();
    const y = tf.matMul(a, b, c.transposeA, c.transposeB);
    y.dataSync();
    const cpu = (0, stats_1.cpuMs)() - c0;
    const wall = performance.now() - t0;
    y.dispose();
    return { wall, cpu };
}
/** The kernel functions that run tf.matMul on this backend now (to tell whether tuneKernels('none') changes them). */
function matMulKernels(backend) {
    return ['BatchMatMul', 'Transpose'].map((k) => tf.getKernel(k, backend)?.kernelFunc);
}
/**
 * GFLOP/s of every case: the median of repeated products (at least 3, for at
 * least `minSeconds` per case and arm) after one untimed one. Where
 * tuneKernels('none') swaps the kernels tf.matMul runs, the stock and the
 * installed kernels alternate product by product, so that other work on the
 * machine slows both alike.
 */
function measureMatMul(backend, minSeconds) {
    const installed = matMulKernels(backend);
    (0, kernels_1.tuneKernels)('none');
    const stockDiffers = matMulKernels(backend).some((f, i) => f !== installed[i]);
    (0, kernels_1.tuneKernels)(backend);
    const arms = stockDiffers ? ['tuned', 'stock'] : ['tuned'];
    const use = (arm) => void (0, kernels_1.tuneKernels)(arm === 'tuned' ? backend : 'none');
    const out = [];
    try {
        for (const c of exports.MATMUL_CASES) {
            const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
            const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
            const times = { tuned: [], stock: [] };
            for (const arm of arms) {
                use(arm);
                timeOnce(a, b, c);
            }
            const started = performance.now();
            while (times.tuned.length < 3 || performance.now() - started < minSeconds * 1000 * arms.length) {
                for (const arm of arms) {
                    use(arm);
                    times[arm].push(timeOnce(a, b, c));
                }
            }
            tf.dispose([a, b]);
            const flops = flopsOf(c);
            const gflops = (ms) => flops / ((0, stats_1.spread)(ms).median / 1000) / 1e9;
            out.push({
                ...c,
                flops,
                tuned: gflops(times.tuned.map((t) => t.wall)),
                tunedPerCpuSecond: gflops(times.tuned.map((t) => t.cpu)),
                ...(stockDiffers ? { stock: gflops(times.stock.map((t) => t.wall)) } : {}),
            });
        }
    }
    finally {
        use('tuned');
    }
    return out;
}
exports.measureMatMul = measureMatMul;
