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
// Adam on tfjs-node as TensorFlow's ResourceApplyAdam (lib/backend/tensorflow/adam.ts): the stock optimizer's update to float32
// rounding, over training, after the variables or the optimizer state are set from outside, and on two identical
// runs the same bits; the moments kept in TensorFlow come out in getWeights and before a switch to the stock
// update; no TF.js tensors and no TensorFlow handles pile up, and dispose frees them. Where tfjs-node does not load these
// tests skip, except in CI (CI=true), where .ci/run sets it up.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const tfjs_node_1 = require("./fixtures/tfjs-node");
const kernels_1 = require("../lib/backend/kernels");
const adam_1 = require("../lib/training/adam");
const fused_adam_1 = require("../lib/backend/fused-adam");
(0, node_test_1.before)(async () => {
    if ((0, tfjs_node_1.tfjsNodeLoads)())
        await (0, backend_1.initBackend)({ backend: 'tensorflow' });
});
/**
 * The weights of a small two-layer regression after `steps` steps of `optimizer`, with `between(step, vars)`
 * called before each step (to change things from outside).
 */
function run(optimizer, steps, between) {
    const vars = tf.tidy(() => [
        tf.variable(tf.randomNormal([13, 7], 0, 1, 'float32', 1)),
        tf.variable(tf.zeros([7])),
        tf.variable(tf.randomNormal([7, 1], 0, 1, 'float32', 2)),
    ]);
    const [w1, b1, w2] = vars;
    const x = tf.randomNormal([32, 13], 0, 1, 'float32', 3);
    const y = tf.randomNormal([32, 1], 0, 1, 'float32', 4);
    for (let s = 0; s < steps; s++) {
        between?.(s, vars);
        optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), y))), false, vars);
    }
    const out = vars.map((v) => v.dataSync());
    tf.dispose([...vars, x, y]);
    return out;
}
/** Largest |a − b| relative to the largest |b| of each weight tensor. */
function maxRelDiff(a, b) {
    return Math.max(...a.map((t, i) => Math.max(...t.map((x, j) => Math.abs(x - b[i][j]))) / Math.max(...b[i].map(Math.abs))));
}
// Float32 rounding in a different arrangement of the same update (lib/backend/tensorflow/adam.ts), carried through 25 steps
// whose normalisation by √v amplifies it: measured 6.5e-6 of the largest weight.
const TOL = 1e-4;
(0, node_test_1.test)('ResourceApplyAdam through adam(): the stock optimizer\'s weights to float32 rounding over 25 steps, and moved', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    strict_1.default.ok(tf.getKernel(fused_adam_1.FUSED_ADAM, 'tensorflow'), 'initBackend installs the kernel');
    const stock = run(tf.train.adam(0.01), 25);
    const fused = run((0, adam_1.adam)({ learningRate: 0.01 }), 25);
    const diff = maxRelDiff(fused, stock);
    strict_1.default.ok(diff <= TOL, `max relative difference ${diff}`);
    const init = tf.randomNormal([13, 7], 0, 1, 'float32', 1);
    strict_1.default.ok(Math.abs(fused[0][0] - init.dataSync()[0]) > 1e-3, 'the weights moved');
    init.dispose();
});
(0, node_test_1.test)('same seed, same backend: two runs give the same bits', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const a = run((0, adam_1.adam)({ learningRate: 0.01 }), 10);
    const b = run((0, adam_1.adam)({ learningRate: 0.01 }), 10);
    strict_1.default.deepEqual(a.map((x) => Array.from(x)), b.map((x) => Array.from(x)));
});
(0, node_test_1.test)('a variable assigned from outside mid-training: the resources take the new value', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const reset = (step, vars) => {
        if (step === 5)
            vars[2].assign(tf.tidy(() => tf.mul(vars[2], 0.5)));
    };
    const stock = run(tf.train.adam(0.01), 12, reset);
    const fused = run((0, adam_1.adam)({ learningRate: 0.01 }), 12, reset);
    strict_1.default.ok(maxRelDiff(fused, stock) <= TOL, `max relative difference ${maxRelDiff(fused, stock)}`);
});
(0, node_test_1.test)('optimizer state restored with setWeights mid-training (a checkpoint): training continues as the stock optimizer', async (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const v = tf.variable(tf.tensor1d([1, -2, 3, 0.5, 7]));
    const target = tf.tensor1d([0, 1, 2, 3, 4]);
    const loss = () => tf.sum(tf.square(tf.sub(v, target)));
    const stock = tf.train.adam(0.1);
    for (let s = 0; s < 3; s++)
        stock.minimize(loss, false, [v]);
    const saved = await stock.getWeights();
    const start = v.dataSync().slice();
    const fused = (0, adam_1.adam)({ learningRate: 0.1 });
    fused.minimize(loss, false, [v]); // its resources now hold a state the checkpoint replaces
    v.assign(tf.tensor1d(start));
    await fused.setWeights(saved);
    for (let s = 0; s < 3; s++)
        fused.minimize(loss, false, [v]);
    const viaFused = v.dataSync().slice();
    v.assign(tf.tensor1d(start));
    for (let s = 0; s < 3; s++)
        stock.minimize(loss, false, [v]);
    const viaStock = v.dataSync();
    viaFused.forEach((x, i) => strict_1.default.ok(Math.abs(x - viaStock[i]) <= 1e-5 * Math.abs(viaStock[i]) + 1e-6, `${Array.from(viaFused)} vs ${Array.from(viaStock)}`));
    tf.dispose([v, target]);
    stock.dispose();
    fused.dispose();
});
(0, node_test_1.test)('getWeights gives the moments TensorFlow holds: the stock optimizer\'s m and v after the same steps', async (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const weightsAfter = async (optimizer) => {
        const w = tf.variable(tf.randomNormal([9, 5], 0, 1, 'float32', 8));
        const x = tf.randomNormal([16, 9], 0, 1, 'float32', 9);
        for (let s = 0; s < 5; s++)
            optimizer.minimize(() => tf.mean(tf.square(tf.tanh(tf.matMul(x, w)))), false, [w]);
        const saved = (await optimizer.getWeights()).map((n) => n.tensor.dataSync());
        optimizer.dispose();
        tf.dispose([w, x]);
        return saved;
    };
    const stock = await weightsAfter(tf.train.adam(0.01));
    const fused = await weightsAfter((0, adam_1.adam)({ learningRate: 0.01 }));
    strict_1.default.equal(fused.length, stock.length, 'iterations, then m and v of each variable');
    strict_1.default.equal(fused.length, 3);
    strict_1.default.ok(maxRelDiff(fused, stock) <= TOL, `max relative difference ${maxRelDiff(fused, stock)}`);
    strict_1.default.ok(Math.max(...fused[1].map(Math.abs)) > 0, 'the first moment is not the zeros it started from');
});
(0, node_test_1.test)('kernel removed mid-training (tuneKernels none): the stock update continues from the moments TensorFlow held', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const switchAt = (step) => {
        if (step === 4)
            (0, kernels_1.tuneKernels)('none');
    };
    try {
        const stock = run(tf.train.adam(0.01), 8);
        const mixed = run((0, adam_1.adam)({ learningRate: 0.01 }), 8, switchAt);
        strict_1.default.ok(maxRelDiff(mixed, stock) <= TOL, `max relative difference ${maxRelDiff(mixed, stock)}`);
    }
    finally {
        (0, kernels_1.tuneKernels)('tensorflow');
    }
});
(0, node_test_1.test)('two optimizers taking turns on the same weights keep their own moments, as two stock optimizers do', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const alternate = (make) => {
        const [a, b] = [make(), make()];
        let turn = 0;
        const optimizer = {
            minimize: (f, returnCost, vars) => (turn++ % 2 === 0 ? a : b).minimize(f, returnCost, vars),
        };
        const out = run(optimizer, 10);
        a.dispose();
        b.dispose();
        return out;
    };
    const stock = alternate(() => tf.train.adam(0.01));
    const fused = alternate(() => (0, adam_1.adam)({ learningRate: 0.01 }));
    strict_1.default.ok(maxRelDiff(fused, stock) <= TOL, `max relative difference ${maxRelDiff(fused, stock)}`);
});
(0, node_test_1.test)('no TF.js tensors and no TensorFlow handles pile up over training steps', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    const binding = tf.backend().binding;
    const optimizer = (0, adam_1.adam)({ learningRate: 0.01 });
    const vars = [tf.variable(tf.randomNormal([50, 20], 0, 1, 'float32', 5)), tf.variable(tf.zeros([20]))];
    const x = tf.randomNormal([16, 50], 0, 1, 'float32', 6);
    const step = () => optimizer.minimize(() => tf.mean(tf.square(tf.add(tf.matMul(x, vars[0]), vars[1]))), false, vars);
    step(); // the first step makes the optimizer's slots and the resources
    const [tensors, handles] = [tf.memory().numTensors, binding.getNumOfTensors()];
    for (let s = 0; s < 20; s++)
        step();
    strict_1.default.equal(tf.memory().numTensors, tensors, 'TF.js tensors');
    strict_1.default.equal(binding.getNumOfTensors(), handles, 'TensorFlow handles in the binding');
    optimizer.dispose(); // frees its TF.js slots (each one handle) and the three resources of each variable
    strict_1.default.equal(binding.getNumOfTensors(), handles - (tensors - tf.memory().numTensors) - 2 * 3);
    tf.dispose([...vars, x]);
});
(0, node_test_1.test)('without the kernel (tuneKernels none), adam() runs the stock update bit for bit', (t) => {
    if (!(0, tfjs_node_1.needTfjsNode)(t))
        return;
    (0, kernels_1.tuneKernels)('none');
    try {
        strict_1.default.equal(tf.getKernel(fused_adam_1.FUSED_ADAM, 'tensorflow'), undefined);
        const stock = run(tf.train.adam(0.01), 5);
        const plain = run((0, adam_1.adam)({ learningRate: 0.01 }), 5);
        strict_1.default.deepEqual(plain.map((x) => Array.from(x)), stock.map((x) => Array.from(x)));
    }
    finally {
        (0, kernels_1.tuneKernels)('tensorflow');
    }
});
