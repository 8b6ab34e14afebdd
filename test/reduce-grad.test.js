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
// The gradients of sum and mean as a broadcast of dy (lib/backend/tensorflow/reduce-grad.ts): the stock gradients' bits for
// every axis choice, keepDims, NaN and ±0, on whichever backend the test runs; a non-float32 dy keeps the
// stock path; switching it off restores the stock configs; initBackend installs it on tensorflow only.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const kernels_1 = require("../lib/backend/kernels");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
});
/** d/dx of Σ w ⊙ reduce(x) for each reduction case, as [shape, values]. */
function gradients() {
    return tf.tidy(() => {
        const x = tf.tensor3d([1, -0, 0, NaN, 2.5, -3, 4, 5, -6, 7, 8, Infinity], [2, 3, 2]);
        const cases = [
            (v) => tf.sum(v), (v) => tf.sum(v, 1), (v) => tf.sum(v, [0, 2], true), (v) => tf.sum(v, -1),
            (v) => tf.mean(v), (v) => tf.mean(v, 0), (v) => tf.mean(v, [1, 2], true), (v) => tf.mean(v, -2),
        ];
        return cases.map((reduce) => {
            const g = tf.grad((v) => {
                const r = reduce(v);
                return tf.sum(tf.mul(r, tf.range(1, r.size + 1).reshape(r.shape)));
            })(x);
            return [g.shape, Array.from(g.dataSync())];
        });
    });
}
(0, node_test_1.test)('the broadcast gradients of sum and mean: the stock gradients\' shapes and bits', () => {
    const wasOn = (0, kernels_1.kernelTuning)().reduceGrad;
    try {
        (0, kernels_1.tuneKernel)('reduceGrad', false);
        const stock = gradients();
        (0, kernels_1.tuneKernel)('reduceGrad', true);
        strict_1.default.ok((0, kernels_1.kernelTuning)().reduceGrad);
        const broadcast = gradients();
        broadcast.forEach((g, k) => strict_1.default.deepEqual(g, stock[k], `case ${k}`));
    }
    finally {
        (0, kernels_1.tuneKernel)('reduceGrad', wasOn);
    }
});
(0, node_test_1.test)('switching it off restores the stock gradient configs', () => {
    const wasOn = (0, kernels_1.kernelTuning)().reduceGrad;
    try {
        (0, kernels_1.tuneKernel)('reduceGrad', false);
        const [sum, mean] = [tf.getGradient('Sum'), tf.getGradient('Mean')];
        (0, kernels_1.tuneKernel)('reduceGrad', true);
        strict_1.default.notEqual(tf.getGradient('Sum'), sum);
        (0, kernels_1.tuneKernel)('reduceGrad', false);
        strict_1.default.equal(tf.getGradient('Sum'), sum);
        strict_1.default.equal(tf.getGradient('Mean'), mean);
    }
    finally {
        (0, kernels_1.tuneKernel)('reduceGrad', wasOn);
    }
});
(0, node_test_1.test)('initBackend installs it on tensorflow only', () => {
    strict_1.default.equal((0, kernels_1.kernelTuning)().reduceGrad, tf.getBackend() === 'tensorflow');
});
