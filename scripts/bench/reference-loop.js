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
exports.matMulCase = exports.cpuSeconds = exports.referenceLoss = exports.referenceVars = void 0;
/**
 * The hand-written dense VAE training loop that issues 6 and 7 measured (784-400-20,
 * batch 128, Adam 1e-3, Bernoulli loss), built from raw tf ops on purpose so that it
 * depends on no model code of the library. scripts/bench/matmul-ab.ts times it (and
 * `npm run bench` quotes it as its calibration line); scripts/bench/wasm-threads.ts
 * times it with one and two wasm threads.
 */
const tf = __importStar(require("@tensorflow/tfjs"));
const random_1 = require("../../lib/model/random");
const flops_1 = require("../../lib/model/flops");
const stats_1 = require("./stats");
function glorot(rng, fanIn, fanOut) {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.next() - 1) * limit);
    return tf.variable(tf.tensor2d(w, [fanIn, fanOut]));
}
/** Fresh weights from seed 0 (Glorot-uniform kernels, zero biases). */
function referenceVars() {
    const rng = new random_1.Rng(0);
    const [i, h, l] = [784, 400, 20];
    return {
        w1: glorot(rng, i, h), b1: tf.variable(tf.zeros([h])),
        wMean: glorot(rng, h, l), bMean: tf.variable(tf.zeros([l])),
        wLogVar: glorot(rng, h, l), bLogVar: tf.variable(tf.zeros([l])),
        w2: glorot(rng, l, h), b2: tf.variable(tf.zeros([h])),
        w3: glorot(rng, h, i), b3: tf.variable(tf.zeros([i])),
    };
}
exports.referenceVars = referenceVars;
/** The negative ELBO of one batch, nats per example, with noise seeded by `noiseSeed`. */
function referenceLoss(vars, batch, noiseSeed) {
    const x = tf.tensor2d(batch.x, [batch.size, 784]); // [batch, 784]
    const hidden = tf.relu(tf.add(tf.matMul(x, vars.w1), vars.b1)); // [batch, 400]
    const mean = tf.add(tf.matMul(hidden, vars.wMean), vars.bMean); // [batch, 20]
    const logVar = tf.add(tf.matMul(hidden, vars.wLogVar), vars.bLogVar); // [batch, 20]
    const eps = tf.randomNormal([batch.size, 20], 0, 1, 'float32', noiseSeed); // [batch, 20]
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)); // [batch, 20]
    const h2 = tf.relu(tf.add(tf.matMul(z, vars.w2), vars.b2)); // [batch, 400]
    const logits = tf.add(tf.matMul(h2, vars.w3), vars.b3); // [batch, 784]
    // −log p(x|z) = Σ softplus(l) − x·l ; KL = −½ Σ (1 + logVar − mean² − exp logVar)
    const recon = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1));
    return tf.mean(tf.add(recon, kl));
}
exports.referenceLoss = referenceLoss;
/** CPU seconds used by this process so far. */
function cpuSeconds() {
    return (0, stats_1.cpuMs)() / 1000;
}
exports.cpuSeconds = cpuSeconds;
/** One product to time: tf.matMul(a, b, tA, tB) on seeded operands of the given shapes, read back. */
function matMulCase(shapeA, shapeB, tA, tB) {
    const a = tf.randomUniform(shapeA, -1, 1, 'float32', 1);
    const b = tf.randomUniform(shapeB, -1, 1, 'float32', 2);
    const m = tA ? shapeA[1] : shapeA[0];
    const k = tA ? shapeA[0] : shapeA[1];
    const n = tB ? shapeB[0] : shapeB[1];
    return {
        run: () => tf.tidy(() => void tf.matMul(a, b, tA, tB).dataSync()),
        flops: (0, flops_1.matMulFlops)(m, k, n),
        dispose: () => tf.dispose([a, b]),
    };
}
exports.matMulCase = matMulCase;
