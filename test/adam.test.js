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
// The fused Adam update (lib/training/adam.ts, lib/backend/wasm/adam.wat): bit for bit the stock
// tf.AdamOptimizer's numbers on wasm (in the backend's memory) and cpu (on copies), including
// lengths that are not a multiple of 4; no tensors left behind; the assembled
// module in lib/backend/wasm/adam.ts matches its .wat source. On tfjs-node: test/tf-adam.test.ts.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const kernels_1 = require("../lib/backend/kernels");
const adam_1 = require("../lib/training/adam");
const fused_adam_1 = require("../lib/backend/fused-adam");
const adam_2 = require("../lib/backend/wasm/adam");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)({ backend: 'wasm' });
});
/** Final weights and Adam moments after `steps` steps on a small two-layer regression. */
function run(optimizer, steps) {
    const [w1, b1, w2] = tf.tidy(() => [
        tf.variable(tf.randomNormal([13, 7], 0, 1, 'float32', 1)),
        tf.variable(tf.zeros([7])),
        tf.variable(tf.randomNormal([7, 1], 0, 1, 'float32', 2)),
    ]);
    const x = tf.randomNormal([32, 13], 0, 1, 'float32', 3);
    const y = tf.randomNormal([32, 1], 0, 1, 'float32', 4);
    for (let s = 0; s < steps; s++) {
        optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), y))), false, [w1, b1, w2]);
    }
    const out = [w1, b1, w2].map((v) => v.dataSync());
    tf.dispose([w1, b1, w2, x, y]);
    optimizer.dispose();
    return out;
}
function sameBits(a, b) {
    return a.every((t, i) => Buffer.from(t.buffer, t.byteOffset, t.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)));
}
for (const backend of ['wasm', 'cpu']) {
    (0, node_test_1.test)(`fused Adam on ${backend}: the stock optimizer's numbers, bit for bit, over 25 steps`, async () => {
        await (0, backend_1.initBackend)({ backend });
        strict_1.default.ok(tf.getKernel(fused_adam_1.FUSED_ADAM, backend), 'initBackend installs the fused kernel');
        const stock = run(tf.train.adam(0.01), 25);
        const before = tf.memory().numTensors;
        const fused = run((0, adam_1.adam)({ learningRate: 0.01 }), 25);
        strict_1.default.equal(tf.memory().numTensors, before, 'no tensors left behind');
        strict_1.default.ok(sameBits(stock, fused), 'identical float32 bits');
        // And it moved: the comparison is not between two untouched copies.
        const init = tf.randomNormal([13, 7], 0, 1, 'float32', 1);
        strict_1.default.ok(Math.abs(fused[0][0] - init.dataSync()[0]) > 1e-3);
        init.dispose();
    });
}
(0, node_test_1.test)('without the kernel (tuneKernels none), adam() runs the stock update', async () => {
    await (0, backend_1.initBackend)({ backend: 'wasm' });
    (0, kernels_1.tuneKernels)('none');
    try {
        strict_1.default.equal(tf.getKernel(fused_adam_1.FUSED_ADAM, 'wasm'), undefined);
        strict_1.default.ok(sameBits(run(tf.train.adam(0.01), 5), run((0, adam_1.adam)({ learningRate: 0.01 }), 5)));
    }
    finally {
        (0, kernels_1.tuneKernels)('wasm');
    }
});
(0, node_test_1.test)('adam() keeps the stock state: its weights load into tf.train.adam and training continues identically', async () => {
    await (0, backend_1.initBackend)({ backend: 'wasm' });
    const v = tf.variable(tf.tensor1d([1, -2, 3, 0.5, 7]));
    const loss = () => tf.sum(tf.square(tf.sub(v, tf.tensor1d([0, 1, 2, 3, 4]))));
    const a = (0, adam_1.adam)({ learningRate: 0.1 });
    for (let s = 0; s < 3; s++)
        a.minimize(loss, false, [v]);
    const saved = await a.getWeights();
    strict_1.default.equal(saved.length, 3, 'iterations, m and v');
    const b = tf.train.adam(0.1);
    await b.setWeights(saved);
    const start = v.dataSync().slice();
    a.minimize(loss, false, [v]);
    const viaFused = v.dataSync().slice();
    v.assign(tf.tensor1d(start));
    b.minimize(loss, false, [v]);
    strict_1.default.deepEqual(Array.from(v.dataSync()), Array.from(viaFused));
    v.dispose();
    a.dispose();
    b.dispose();
});
(0, node_test_1.test)('lib/backend/wasm/adam.ts is the assembly of lib/backend/wasm/adam.wat (npx tsx scripts/codegen/wasm.ts --check)', () => {
    const r = (0, node_child_process_1.spawnSync)(process.execPath, ['--import', 'tsx', 'scripts/codegen/wasm.ts', '--check'], { encoding: 'utf8' });
    strict_1.default.equal(r.status, 0, r.stderr);
});
(0, node_test_1.test)('the shared-memory assembly (threaded wasm build) computes the same bits as the plain one', () => {
    const n = 11; // two SIMD rounds and a scalar tail of 3
    const run = (base64, memory) => {
        const f = new Float32Array(memory.buffer, 0, 7 * n);
        for (let i = 0; i < 4 * n; i++)
            f[i] = Math.sin(i + 1) * (i % 3 === 0 ? 10 : 0.1); // θ, g, m, v
        for (let i = 3 * n; i < 4 * n; i++)
            f[i] = Math.abs(f[i]); // v ≥ 0
        const adamStep = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), { env: { memory } }).exports.adam;
        adamStep(0, 4 * n, 8 * n, 12 * n, 16 * n, 20 * n, 24 * n, n, 0.9, 0.1, 0.999, 0.001, 0.19, 0.002, 1e-7, -0.01);
        return f.slice(4 * n);
    };
    const plain = run(adam_2.WASM_BASE64, new WebAssembly.Memory({ initial: 1 }));
    const shared = run(adam_2.WASM_SHARED_BASE64, new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }));
    strict_1.default.ok(plain.some((x) => x !== 0));
    strict_1.default.deepEqual(Array.from(shared), Array.from(plain));
});
