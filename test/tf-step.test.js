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
// The Step kernel on tfjs-node (lib/backend/tensorflow/step.ts): the values of tfjs-node's own kernel, NaN, ±Inf and ±0
// included; leaky steps (α ≠ 0) still go to the stock kernel; ReLU's gradient through it is unchanged.
// Where tfjs-node does not load these tests skip, except in CI (CI=true), where .ci/run sets it up.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const tfjs_node_1 = require("./fixtures/tfjs-node");
const kernels_1 = require("../lib/backend/kernels");
(0, node_test_1.before)(async () => {
    if ((0, tfjs_node_1.tfjsNodeLoads)())
        await (0, backend_1.initBackend)({ backend: 'tensorflow' });
});
const X = [-3, -0, 0, 1e-30, 2.5, -1e-30, Infinity, -Infinity, NaN];
/** step(x, α) and ReLU's gradient at X, with the replacement (tuned) or with tfjs-node's own kernel. */
function values(tuned, alpha) {
    (0, kernels_1.tuneKernels)(tuned ? 'tensorflow' : 'none');
    try {
        strict_1.default.equal((0, kernels_1.kernelTuning)().step, tuned);
        return tf.tidy(() => {
            const x = tf.tensor1d(X);
            const step = Array.from(tf.step(x, alpha).dataSync());
            const grad = Array.from(tf.grad((v) => tf.sum(tf.relu(v)))(x).dataSync());
            return { step, grad };
        });
    }
    finally {
        (0, kernels_1.tuneKernels)('tensorflow');
    }
}
(0, node_test_1.test)('step(x) with α = 0: the stock kernel\'s values, including NaN, ±Inf and ±0, and ReLU\'s gradient', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const stock = values(false, 0);
    const replaced = values(true, 0);
    strict_1.default.deepEqual(replaced.step, stock.step);
    strict_1.default.deepEqual(replaced.grad, stock.grad);
    strict_1.default.deepEqual(replaced.step, [0, 0, 0, 1, 1, 0, 1, 0, NaN], 'and what a step is');
});
(0, node_test_1.test)('step(x) with α ≠ 0 (leaky) goes to the stock kernel', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    strict_1.default.deepEqual(values(true, 0.25).step, values(false, 0.25).step);
});
(0, node_test_1.test)('the replacement leaves no tensors behind and frees its intermediates in TensorFlow', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const binding = tf.backend().binding;
    const x = tf.randomNormal([64, 32], 0, 1, 'float32', 1);
    tf.step(x).dispose(); // the first call makes the cached scalar 0
    const [tensors, handles] = [tf.memory().numTensors, binding.getNumOfTensors()];
    for (let i = 0; i < 10; i++)
        tf.step(x).dispose();
    strict_1.default.equal(tf.memory().numTensors, tensors);
    strict_1.default.equal(binding.getNumOfTensors(), handles);
    x.dispose();
});
