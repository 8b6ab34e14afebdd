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
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const vae_1 = require("../lib/model/vae");
const autoencoder_1 = require("../lib/model/autoencoder");
const encoder_1 = require("../lib/model/encoder");
const decoder_1 = require("../lib/model/decoder");
const elbo_1 = require("../lib/model/elbo");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
});
function weightShapes(m) {
    return m.getWeights().map((w) => w.shape);
}
(0, node_test_1.test)('createVAE: the default is the pytorch/examples model, 784-400-(20, 20) and 20-400-784', () => {
    const vae = (0, vae_1.createVAE)();
    strict_1.default.equal(vae.kind, 'vae');
    strict_1.default.deepEqual(vae.config, vae_1.DEFAULT_VAE_CONFIG);
    strict_1.default.deepEqual(weightShapes(vae.encoder), [[784, 400], [400], [400, 20], [20], [400, 20], [20]]);
    strict_1.default.deepEqual(weightShapes(vae.decoder), [[20, 400], [400], [400, 784], [784]]);
    // 784·400+400 + 2(400·20+20) + 20·400+400 + 400·784+784
    strict_1.default.equal(vae.countParams(), 652824);
    strict_1.default.equal(vae.trainableWeights().length, 10);
    vae.dispose();
});
(0, node_test_1.test)('initialisation: seeded, uniform within ±1/√fanIn (PyTorch nn.Linear)', () => {
    const a = (0, vae_1.createVAE)({ seed: 3 });
    const b = (0, vae_1.createVAE)({ seed: 3 });
    const c = (0, vae_1.createVAE)({ seed: 4 });
    const wa = a.trainableWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.trainableWeights().map((w) => Array.from(w.dataSync()));
    const wc = c.trainableWeights().map((w) => Array.from(w.dataSync()));
    strict_1.default.deepEqual(wa, wb, 'same seed → same weights');
    strict_1.default.notDeepEqual(wa[0], wc[0], 'different seed → different weights');
    strict_1.default.notDeepEqual(wa[0].slice(0, 20), wa[6].slice(0, 20), 'layers get different seeds');
    const fanIns = [784, 784, 400, 400, 400, 400, 20, 20, 400, 400];
    wa.forEach((w, i) => {
        const limit = 1 / Math.sqrt(fanIns[i]);
        const scaled = w.map((v) => Math.abs(v) / limit);
        const max = scaled.reduce((m, v) => Math.max(m, v), 0);
        strict_1.default.ok(max <= 1, `weight ${i}: max |w| ${max} × limit exceeds the limit 1/√${fanIns[i]}`);
        if (w.length >= 400) {
            // |U(−L, L)| / L is uniform on [0, 1]: its mean is ½ and its maximum close to 1.
            const mean = scaled.reduce((s, v) => s + v, 0) / scaled.length;
            strict_1.default.ok(Math.abs(mean - 0.5) < 0.05 && max > 0.99, `weight ${i}: mean |w|/L ${mean}, max ${max}`);
        }
    });
    [a, b, c].forEach((m) => m.dispose());
});
(0, node_test_1.test)('forward: shapes, z = mean + exp(logVar/2)·eps with given eps, same outputs for the same seed', () => {
    const vae = (0, vae_1.createVAE)({ latentDim: 4, hiddenUnits: [32], seed: 1 });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
        const x = tf.randomUniform([5, 784], 0, 1, 'float32', 1);
        const eps = tf.randomNormal([5, 4], 0, 1, 'float32', 2);
        const out = vae.forward(x, eps);
        strict_1.default.deepEqual(out.mean.shape, [5, 4]);
        strict_1.default.deepEqual(out.logVar.shape, [5, 4]);
        strict_1.default.deepEqual(out.z.shape, [5, 4]);
        strict_1.default.deepEqual(out.logits.shape, [5, 784]);
        const expectedZ = tf.add(out.mean, tf.mul(tf.exp(tf.mul(out.logVar, 0.5)), eps));
        strict_1.default.ok(tf.max(tf.abs(tf.sub(out.z, expectedZ))).dataSync()[0] < 1e-6);
        const a = vae.forward(x, undefined, 9);
        const b = vae.forward(x, undefined, 9);
        strict_1.default.deepEqual(Array.from(a.logits.dataSync()), Array.from(b.logits.dataSync()));
        const t = (0, elbo_1.elbo)(x, out);
        strict_1.default.ok(Number.isFinite(t.loss.dataSync()[0]));
    });
    strict_1.default.equal(tf.memory().numTensors, before, 'forward inside tidy leaks nothing');
    vae.dispose();
});
(0, node_test_1.test)('gradients reach every weight of encoder and decoder', () => {
    const vae = (0, vae_1.createVAE)({ latentDim: 3, hiddenUnits: [16], seed: 2 });
    tf.tidy(() => {
        const x = tf.randomUniform([4, 784], 0, 1, 'float32', 1);
        const { grads } = tf.variableGrads(() => (0, elbo_1.elbo)(x, vae.forward(x, undefined, 1)).loss, vae.trainableWeights());
        const names = Object.keys(grads);
        strict_1.default.equal(names.length, 10);
        for (const n of names)
            strict_1.default.ok(tf.max(tf.abs(grads[n])).dataSync()[0] > 0, `gradient of ${n} is zero`);
    });
    vae.dispose();
});
(0, node_test_1.test)('bad inputs: latentDim 0, wrong tensor shape, bad architecture, bad likelihood', () => {
    strict_1.default.throws(() => (0, vae_1.createVAE)({ latentDim: 0 }), /createVAE: latentDim must be a positive integer, got 0/);
    strict_1.default.throws(() => (0, vae_1.createVAE)({ latentDim: 2.5 }), /latentDim must be a positive integer/);
    strict_1.default.throws(() => (0, vae_1.createVAE)({ hiddenUnits: [400, -1] }), /hiddenUnits\[1\] must be a positive integer/);
    strict_1.default.throws(() => (0, vae_1.createVAE)({ architecture: 'rnn' }), /architecture must be 'dense' or 'conv'/);
    strict_1.default.throws(() => (0, vae_1.createVAE)({ likelihood: 'poisson' }), /likelihood must be 'bernoulli' or 'gaussian'/);
    strict_1.default.throws(() => (0, autoencoder_1.createAutoencoder)({ latentDim: 0 }), /createAutoencoder: latentDim must be a positive integer/);
    const vae = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [8] });
    const x = tf.zeros([3, 100]);
    strict_1.default.throws(() => vae.encode(x), /VAE.encode: x must have shape \[batch, 784\], got \[3,100\]/);
    strict_1.default.throws(() => vae.decode(tf.zeros([3, 5])), /VAE.decode: z must have shape \[batch, 2\], got \[3,5\]/);
    x.dispose();
    vae.dispose();
});
(0, node_test_1.test)('conv architecture: 28×28 → 14×14×32 → 7×7×64 and back; config checks', () => {
    const vae = (0, vae_1.createVAE)({ architecture: 'conv', latentDim: 8, hiddenUnits: [64], seed: 0 });
    tf.tidy(() => {
        const x = tf.randomUniform([2, 784], 0, 1, 'float32', 1);
        const out = vae.forward(x, undefined, 1);
        strict_1.default.deepEqual(out.mean.shape, [2, 8]);
        strict_1.default.deepEqual(out.logits.shape, [2, 784]);
    });
    const shapes = vae.encoder.layers.map((l) => l.outputShape);
    strict_1.default.deepEqual(shapes.slice(1, 4), [[null, 28, 28, 1], [null, 14, 14, 32], [null, 7, 7, 64]]);
    strict_1.default.ok(vae.decoder.layers.some((l) => l.getClassName() === 'Conv2DTranspose'));
    vae.dispose();
    strict_1.default.throws(() => (0, encoder_1.createEncoder)({ architecture: 'conv', inputDim: 100 }), /inputDim = height × width/);
    strict_1.default.throws(() => (0, decoder_1.createDecoder)({ architecture: 'conv', height: 30, width: 30, inputDim: 900 }), /divisible by 4/);
});
(0, node_test_1.test)('autoencoder: one code head, forward shapes, seeded', () => {
    const ae = (0, autoencoder_1.createAutoencoder)({ latentDim: 5, hiddenUnits: [32], seed: 1 });
    const ae2 = (0, autoencoder_1.createAutoencoder)({ latentDim: 5, hiddenUnits: [32], seed: 1 });
    strict_1.default.equal(ae.kind, 'ae');
    strict_1.default.deepEqual(weightShapes(ae.encoder), [[784, 32], [32], [32, 5], [5]]);
    tf.tidy(() => {
        const x = tf.randomUniform([3, 784], 0, 1, 'float32', 1);
        const { z, logits } = ae.forward(x);
        strict_1.default.deepEqual(z.shape, [3, 5]);
        strict_1.default.deepEqual(logits.shape, [3, 784]);
        strict_1.default.deepEqual(Array.from(logits.dataSync()), Array.from(ae2.forward(x).logits.dataSync()));
    });
    ae.dispose();
    ae2.dispose();
});
