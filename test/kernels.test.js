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
// The kernel fixes that initBackend installs through lib/backend/kernels.ts: explicit-transpose matMul
// kernels on wasm (lib/backend/wasm/matmul.ts), the conv filter gradient as one dilated convolution
// (lib/backend/conv-grad.ts) and the transposed conv as a Conv2D (lib/backend/wasm/conv-transpose.ts).
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const kernels_1 = require("../lib/backend/kernels");
const conv_grad_1 = require("../lib/backend/conv-grad");
const vae_1 = require("../lib/model/vae");
const elbo_1 = require("../lib/model/elbo");
// These are tests of the wasm replacements: ask for wasm, whatever auto would pick (tfjs-node, when set up).
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)({ backend: 'wasm' });
});
function maxDiff(a, b) {
    strict_1.default.equal(a.length, b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++)
        m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
}
function dataIds() {
    return tf.engine().backend.numDataIds();
}
(0, node_test_1.test)('wasm matMul override: same products for every transpose pair, batched and fused; no backend memory left', (t) => {
    if (tf.getBackend() !== 'wasm') {
        t.skip('wasm only');
        return;
    }
    const a = tf.randomNormal([3, 5, 7], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 7, 4], 0, 1, 'float32', 2);
    const bias = tf.randomNormal([4], 0, 1, 'float32', 3);
    const aT = tf.transpose(a, [0, 2, 1]);
    const bT = tf.transpose(b, [0, 2, 1]);
    const cases = () => [
        tf.matMul(a, b).dataSync(),
        tf.matMul(aT, b, true, false).dataSync(),
        tf.matMul(a, bT, false, true).dataSync(),
        tf.matMul(aT, bT, true, true).dataSync(),
        tf.fused.matMul({ a: aT, b: bT, transposeA: true, transposeB: true, bias, activation: 'relu' }).dataSync(),
    ];
    const wasActive = (0, kernels_1.kernelTuning)().matMul;
    (0, kernels_1.tuneKernel)('matMul', false);
    const stock = tf.tidy(cases);
    (0, kernels_1.tuneKernel)('matMul', true);
    strict_1.default.ok((0, kernels_1.kernelTuning)().matMul);
    const ids = dataIds();
    const mine = tf.tidy(cases);
    strict_1.default.equal(dataIds(), ids, 'temporary transposes are freed');
    for (let i = 0; i < stock.length; i++)
        strict_1.default.ok(maxDiff(mine[i], stock[i]) < 1e-5, `case ${i}`);
    // The plain product equals the reference in all four layouts.
    for (let i = 1; i < 4; i++)
        strict_1.default.ok(maxDiff(mine[i], mine[0]) < 1e-5, `layout ${i}`);
    (0, kernels_1.tuneKernel)('matMul', wasActive);
    tf.dispose([a, b, bias, aT, bT]);
});
/** dW[i,j,c,o] = Σ x_pad[n, y·s+i, x·s+j, c] · dy[n, y, x, o], by loops (the definition). */
function naiveFilterGrad(x, dy, k, s, padTop, padLeft) {
    const [n, h, w, c] = x.shape;
    const [, oh, ow, o] = dy.shape;
    const xv = x.dataSync();
    const dv = dy.dataSync();
    const out = new Array(k * k * c * o).fill(0);
    for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++)
            for (let ci = 0; ci < c; ci++)
                for (let oi = 0; oi < o; oi++) {
                    let sum = 0;
                    for (let b = 0; b < n; b++)
                        for (let y = 0; y < oh; y++)
                            for (let xx = 0; xx < ow; xx++) {
                                const r = y * s + i - padTop;
                                const q = xx * s + j - padLeft;
                                if (r < 0 || r >= h || q < 0 || q >= w)
                                    continue;
                                sum += xv[((b * h + r) * w + q) * c + ci] * dv[((b * oh + y) * ow + xx) * o + oi];
                            }
                    out[((i * k + j) * c + ci) * o + oi] = sum;
                }
    return out;
}
(0, node_test_1.test)('conv2dFilterGrad: matches the definition for stride 2 "same" and stride 1 "valid"', () => {
    tf.tidy(() => {
        const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 4);
        // stride 2, same: out 3×3, total padding max((3−1)·2 + 3 − 6, 0) = 1 → top 0, bottom 1.
        const dy1 = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 5);
        const g1 = (0, conv_grad_1.conv2dFilterGrad)(x, dy1, [3, 3, 3, 4], 2, 'same');
        strict_1.default.deepEqual(g1.shape, [3, 3, 3, 4]);
        strict_1.default.ok(maxDiff(g1.dataSync(), naiveFilterGrad(x, dy1, 3, 2, 0, 0)) < 1e-4);
        const dy2 = tf.randomNormal([2, 4, 4, 4], 0, 1, 'float32', 6);
        const g2 = (0, conv_grad_1.conv2dFilterGrad)(x, dy2, [3, 3, 3, 4], 1, 'valid');
        strict_1.default.ok(maxDiff(g2.dataSync(), naiveFilterGrad(x, dy2, 3, 1, 0, 0)) < 1e-4);
        const dy3 = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 7);
        const g3 = (0, conv_grad_1.conv2dFilterGrad)(x, dy3, [3, 3, 3, 4], 1, 'same');
        strict_1.default.ok(maxDiff(g3.dataSync(), naiveFilterGrad(x, dy3, 3, 1, 1, 1)) < 1e-4);
    });
});
(0, node_test_1.test)('conv VAE: gradients of every weight exist on this backend and match finite differences', () => {
    const vae = (0, vae_1.createVAE)({ architecture: 'conv', latentDim: 4, hiddenUnits: [16], convFilters: [4, 8], seed: 0 });
    tf.tidy(() => {
        const x = tf.randomUniform([3, 784], 0, 1, 'float32', 1);
        const eps = tf.randomNormal([3, 4], 0, 1, 'float32', 2);
        const vars = vae.trainableWeights();
        const loss = () => (0, elbo_1.elbo)(x, vae.forward(x, eps)).loss;
        const { grads } = tf.variableGrads(loss, vars);
        strict_1.default.equal(Object.keys(grads).length, vars.length);
        // Finite differences on a few entries of the first encoder conv kernel and the last decoder deconv kernel.
        for (const v of [vars[0], vars.find((w) => w.name.includes('dec_deconv_1') && w.shape.length === 4)]) {
            const g = grads[v.name].dataSync();
            const orig = v.dataSync().slice();
            for (const idx of [0, 5, 17]) {
                const h = 1e-2;
                const at = (delta) => {
                    const w = orig.slice();
                    w[idx] += delta;
                    v.assign(tf.tensor(w, v.shape));
                    return loss().dataSync()[0];
                };
                const numeric = (at(h) - at(-h)) / (2 * h);
                v.assign(tf.tensor(orig, v.shape));
                strict_1.default.ok(Math.abs(numeric - g[idx]) < 0.05 * Math.max(1, Math.abs(g[idx])), `${v.name}[${idx}]: analytic ${g[idx]}, numeric ${numeric}`);
            }
        }
    });
    vae.dispose();
});
(0, node_test_1.test)('conv VAE on wasm: without the fixes the filter gradient is missing; initBackend installed them', (t) => {
    if (tf.getBackend() !== 'wasm') {
        t.skip('wasm only');
        return;
    }
    strict_1.default.deepEqual((0, kernels_1.kernelTuning)(), { matMul: true, convFilterGrad: true, convTranspose: true, identity: true, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
    const vae = (0, vae_1.createVAE)({ architecture: 'conv', latentDim: 2, hiddenUnits: [8], convFilters: [2, 2], seed: 1 });
    const step = () => tf.tidy(() => {
        const x = tf.randomUniform([2, 784], 0, 1, 'float32', 3);
        const eps = tf.randomNormal([2, 2], 0, 1, 'float32', 4);
        const { grads } = tf.variableGrads(() => (0, elbo_1.elbo)(x, vae.forward(x, eps)).loss, vae.trainableWeights());
        return Object.keys(grads).length;
    });
    try {
        strict_1.default.deepEqual((0, kernels_1.tuneKernels)('none'), { matMul: false, convFilterGrad: false, convTranspose: false, identity: false, fusedAdam: false, step: false, leanKernels: false, reduceGrad: false });
        strict_1.default.throws(step, /Conv2DBackpropFilter/);
    }
    finally {
        (0, kernels_1.tuneKernels)('wasm');
    }
    strict_1.default.equal(step(), vae.trainableWeights().length);
    vae.dispose();
});
(0, node_test_1.test)('wasm transposed conv as a convolution: same results as the stock kernel, no backend memory left', (t) => {
    if (tf.getBackend() !== 'wasm') {
        t.skip('wasm only');
        return;
    }
    const configs = [
        { x: [2, 7, 7, 8], k: 3, c: 5, s: 2, pad: 'same' },
        { x: [2, 14, 14, 4], k: 3, c: 1, s: 2, pad: 'same' },
        { x: [1, 5, 6, 3], k: 3, c: 2, s: 1, pad: 'same' },
        { x: [1, 5, 5, 3], k: 3, c: 2, s: 2, pad: 'valid' },
        { x: [1, 4, 4, 2], k: 4, c: 3, s: 3, pad: 'same' },
        { x: [2, 4, 3, 3], k: 2, c: 2, s: 2, pad: 'same' },
        { x: [1, 3, 3, 2], k: 1, c: 2, s: 2, pad: 'same' },
        { x: [1, 4, 5, 2], k: 5, c: 3, s: 2, pad: 'valid' },
        { x: [2, 7, 7, 3], k: 3, c: 2, s: 2, pad: 'same', out: 13 }, // the input gradient of a 13 → 7 conv: odd output
    ];
    for (const cfg of configs) {
        const run = () => tf.tidy(() => {
            const [n, h, w, d] = cfg.x;
            const dy = tf.randomNormal([n, h, w, d], 0, 1, 'float32', 11);
            const filter = tf.randomNormal([cfg.k, cfg.k, cfg.c, d], 0, 1, 'float32', 12);
            const outH = cfg.out ?? (cfg.pad === 'same' ? h * cfg.s : (h - 1) * cfg.s + cfg.k);
            const outW = cfg.out ?? (cfg.pad === 'same' ? w * cfg.s : (w - 1) * cfg.s + cfg.k);
            return tf.conv2dTranspose(dy, filter, [n, outH, outW, cfg.c], cfg.s, cfg.pad).dataSync();
        });
        (0, kernels_1.tuneKernel)('convTranspose', false);
        const stock = run();
        (0, kernels_1.tuneKernel)('convTranspose', true);
        const ids = dataIds();
        const mine = run();
        strict_1.default.equal(dataIds(), ids, `temporaries freed for ${JSON.stringify(cfg)}`);
        strict_1.default.ok(maxDiff(mine, stock) < 1e-4, `${JSON.stringify(cfg)}: max difference ${maxDiff(mine, stock)}`);
    }
});
(0, node_test_1.test)('wasm Identity shares the buffer: a clone reads the same values, survives its source, and frees it last', (t) => {
    if (tf.getBackend() !== 'wasm') {
        t.skip('wasm only');
        return;
    }
    strict_1.default.ok((0, kernels_1.kernelTuning)().identity, 'initBackend installed it');
    const ids = dataIds();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x); // runs the Identity kernel
    strict_1.default.equal(dataIds(), ids + 1, 'no second buffer');
    x.dispose();
    strict_1.default.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6]);
    y.dispose();
    strict_1.default.equal(dataIds(), ids, 'the buffer is freed with the last tensor');
    // A gradient that passes through Identity (the tape's pass-through) is unchanged.
    const g = tf.tidy(() => tf.grad((a) => tf.sum(tf.mul(tf.clone(a), a)))(tf.tensor1d([1, -2, 3])).dataSync());
    strict_1.default.deepEqual(Array.from(g), [2, -4, 6]);
});
