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
// Reshape, Sum, Mean, Max, Transpose, Tile and ExpandDims on tfjs-node with cached int32 operands, and Cast to
// the same dtype as no op (lib/backend/tensorflow/lean-kernels.ts): the same bits as tfjs-node's own kernels for float32, int32
// and bool, keepDims and negative axes included, the same gradients through them, and no tensors or TensorFlow
// handles left behind.
// Where tfjs-node does not load these tests skip, except in CI (CI=true), where .ci/run sets it up.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const kernels_1 = require("../lib/backend/kernels");
const tfjs_node_1 = require("./fixtures/tfjs-node");
(0, node_test_1.before)(async () => {
    if ((0, tfjs_node_1.tfjsNodeLoads)())
        await (0, backend_1.initBackend)({ backend: 'tensorflow' });
});
/** Every case's output as [shape, dtype, values], computed with the replacements (tuned) or the stock kernels. */
function outputs(tuned) {
    (0, kernels_1.tuneKernels)(tuned ? 'tensorflow' : 'none');
    try {
        strict_1.default.equal((0, kernels_1.kernelTuning)().leanKernels, tuned);
        return tf.tidy(() => {
            const f = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
            const i = tf.tensor3d(Array.from({ length: 24 }, (_, k) => (k * 7) % 11 - 5), [2, 3, 4], 'int32');
            const b = tf.greater(f, 0);
            const w = tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', 2));
            const loss = () => tf.sum(tf.mean(tf.tile(tf.reshape(tf.transpose(tf.mul(w, w)), [4, 3, 1]), [1, 1, 2]), -1));
            const grad = tf.variableGrads(loss, [w]).grads[w.name];
            const results = [
                tf.reshape(f, [6, 4]), tf.reshape(i, [4, -1]), tf.reshape(b, [24]),
                tf.sum(f), tf.sum(f, 1), tf.sum(f, [0, 2], true), tf.sum(i, -1), tf.sum(b, 0),
                tf.mean(f), tf.mean(f, [1, 2]), tf.mean(f, -1, true), tf.mean(i, 0),
                tf.max(f, 2), tf.max(i, [0, 1], true),
                tf.transpose(f), tf.transpose(f, [1, 0, 2]), tf.transpose(i, [2, 0, 1]),
                tf.tile(f, [1, 2, 1]), tf.tile(i, [2, 1, 1]), tf.tile(b, [1, 1, 3]),
                tf.expandDims(f, 0), tf.expandDims(i, -1), tf.expandDims(b, 1),
                tf.stack([f, f], 1), grad,
                tf.cast(f, 'float32'), tf.cast(i, 'int32'), tf.cast(f, 'int32'), tf.cast(i, 'float32'), tf.cast(b, 'float32'),
            ];
            const out = results.map((t) => [t.shape, t.dtype, Array.from(t.dataSync())]);
            w.dispose();
            return out;
        });
    }
    finally {
        (0, kernels_1.tuneKernels)('tensorflow');
    }
}
(0, node_test_1.test)('each replaced kernel gives the stock kernel\'s shape, dtype and bits, and a gradient through them agrees', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const stock = outputs(false);
    const replaced = outputs(true);
    strict_1.default.equal(replaced.length, stock.length);
    replaced.forEach((r, k) => strict_1.default.deepEqual(r, stock[k], `case ${k}`));
});
(0, node_test_1.test)('no TF.js tensors and no TensorFlow handles pile up: the operands are made once per distinct value', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const binding = tf.backend().binding;
    const x = tf.randomNormal([8, 6], 0, 1, 'float32', 3);
    const round = () => tf.tidy(() => void tf.sum(tf.mean(tf.cast(tf.reshape(tf.transpose(x), [3, 16]), 'float32'), 1)).dataSync());
    round(); // makes the constants
    const [tensors, handles] = [tf.memory().numTensors, binding.getNumOfTensors()];
    for (let k = 0; k < 10; k++)
        round();
    strict_1.default.equal(tf.memory().numTensors, tensors);
    strict_1.default.equal(binding.getNumOfTensors(), handles);
    x.dispose();
});
(0, node_test_1.test)('a same-dtype cast shares the handle: disposing either leaves the other readable', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const x = tf.tensor1d([1.5, -2, 3]);
    const c = tf.cast(x, 'float32');
    c.dispose();
    strict_1.default.deepEqual(Array.from(x.dataSync()), [1.5, -2, 3]);
    const d = tf.cast(x, 'float32');
    x.dispose();
    strict_1.default.deepEqual(Array.from(d.dataSync()), [1.5, -2, 3]);
    d.dispose();
});
