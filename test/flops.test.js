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
// lib/model/flops.ts: FLOPs per example of a training step, from the layers, against closed forms
// written out from the architectures, and against the matMuls TF.js actually dispatches.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const vae_1 = require("../lib/model/vae");
const autoencoder_1 = require("../lib/model/autoencoder");
const dataset_1 = require("../lib/data/dataset");
const load_1 = require("../lib/data/load");
const train_1 = require("../lib/training/train");
const flops_1 = require("../lib/model/flops");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
});
/** 2·in·out per Dense layer, forward. */
const dense = (i, o) => 2 * i * o;
(0, node_test_1.test)('dense VAE 784-400-20: 3.28 MFLOP per example (no input gradient at the first layer)', () => {
    const vae = (0, vae_1.createVAE)();
    const tensors = tf.memory().numTensors;
    const f = (0, flops_1.trainingFlops)(vae);
    strict_1.default.equal(tf.memory().numTensors, tensors, 'counting reads the layers, it creates no tensors');
    const forward = dense(784, 400) + 2 * dense(400, 20) + dense(20, 400) + dense(400, 784);
    strict_1.default.equal(f.forward, forward);
    strict_1.default.equal(f.forward, 1302400);
    // Backward: weight gradients of all layers, input gradients of all but the first.
    strict_1.default.equal(f.backward, 2 * forward - dense(784, 400));
    strict_1.default.equal(f.total, 3280000);
    strict_1.default.deepEqual(f.layers.map((l) => [l.name, l.inputGrad === 0]), [['enc_dense_0', true], ['enc_mean', false], ['enc_logvar', false], ['dec_dense_0', false], ['dec_logits', false]]);
    vae.dispose();
});
(0, node_test_1.test)('conv VAE: convolutions counted from kernel size, channels and output size', () => {
    const vae = (0, vae_1.createVAE)({ architecture: 'conv' });
    const f = (0, flops_1.trainingFlops)(vae);
    const conv = (outHW, cin, cout) => 2 * outHW * outHW * 9 * cin * cout; // 3×3 kernels
    const deconv = (inHW, cin, cout) => 2 * inHW * inHW * 9 * cin * cout;
    const byName = Object.fromEntries(f.layers.map((l) => [l.name, l]));
    strict_1.default.equal(byName.enc_conv_0.forward, conv(14, 1, 32));
    strict_1.default.equal(byName.enc_conv_1.forward, conv(7, 32, 64));
    strict_1.default.equal(byName.enc_dense_0.forward, dense(7 * 7 * 64, 400));
    strict_1.default.equal(byName.dec_project.forward, dense(400, 7 * 7 * 64));
    strict_1.default.equal(byName.dec_deconv_0.forward, deconv(7, 64, 32));
    strict_1.default.equal(byName.dec_deconv_1.forward, deconv(14, 32, 1));
    const forward = conv(14, 1, 32) + conv(7, 32, 64) + dense(3136, 400) + 2 * dense(400, 20) + dense(20, 400) + dense(400, 3136) + deconv(7, 64, 32) + deconv(14, 32, 1);
    strict_1.default.equal(f.forward, forward);
    strict_1.default.equal(f.total, 3 * forward - conv(14, 1, 32));
    strict_1.default.equal(byName.enc_conv_0.inputGrad, 0);
    strict_1.default.equal(byName.enc_dense_0.inputGrad, byName.enc_dense_0.forward);
    vae.dispose();
});
(0, node_test_1.test)('autoencoder: one code head; decoder input gradient still counted', () => {
    const ae = (0, autoencoder_1.createAutoencoder)();
    const f = (0, flops_1.trainingFlops)(ae);
    strict_1.default.equal(f.total, 2 * dense(784, 400) + 3 * (dense(400, 20) + dense(20, 400) + dense(400, 784)));
    ae.dispose();
});
(0, node_test_1.test)('a layer with weights but no FLOP rule is an error, not a silent zero', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.batchNormalization()] });
    strict_1.default.throws(() => (0, flops_1.modelFlops)(m, false), /no FLOP count for layer .* of class BatchNormalization/);
    m.dispose();
});
(0, node_test_1.test)('dense VAE: the count equals the FLOPs of the matMuls one training step dispatches', async () => {
    const vae = (0, vae_1.createVAE)({ seed: 1 });
    const data = (0, dataset_1.subset)((0, load_1.loadData)({ limit: 200 }).train, 128);
    const profile = await tf.profile(async () => {
        await (0, train_1.train)(vae, data, { epochs: 1, batchSize: 128, progress: false });
    });
    // A product writes [m, n] from an operand A of m·k elements, whatever its transpose flag: 2·m·n·k = 2·n·|A|.
    // tfjs-node runs _FusedMatMul as matMul + add + activation (its kernels/_FusedMatMul.js), and the profile lists
    // that inner BatchMatMul as well: there, count the product once, as its BatchMatMul.
    const fusedIsComposite = tf.getBackend() === 'tensorflow';
    let flops = 0;
    for (const k of profile.kernels) {
        if (k.name !== 'BatchMatMul' && (k.name !== '_FusedMatMul' || fusedIsComposite))
            continue;
        const a = k.inputShapes[0];
        const out = k.outputShapes[0];
        flops += 2 * out[out.length - 1] * a.reduce((p, d) => p * d, 1);
    }
    strict_1.default.equal(flops, 128 * (0, flops_1.trainingFlops)(vae).total);
    vae.dispose();
});
(0, node_test_1.test)('matMulFlops', () => {
    strict_1.default.equal((0, flops_1.matMulFlops)(1024, 1024, 1024), 2 * 1024 ** 3);
});
