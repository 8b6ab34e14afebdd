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
const dataset_1 = require("../lib/data/dataset");
const load_1 = require("../lib/data/load");
const vae_1 = require("../lib/model/vae");
const autoencoder_1 = require("../lib/model/autoencoder");
const random_1 = require("../lib/model/random");
const generate_1 = require("../lib/training/generate");
let vae;
let ds;
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
    ds = (0, dataset_1.subset)((0, load_1.loadData)({ limit: 200 }).test, 20);
    vae = (0, vae_1.createVAE)({ latentDim: 4, hiddenUnits: [32], seed: 0 });
});
function maxDiff(a, b) {
    strict_1.default.equal(a.length, b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++)
        m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
}
(0, node_test_1.test)('samplePrior: count × 784 probabilities, seeded; bad inputs', () => {
    const a = (0, generate_1.samplePrior)(vae, 6, { seed: 1 });
    strict_1.default.equal(a.length, 6 * 784);
    strict_1.default.ok(a.every((p) => p >= 0 && p <= 1));
    strict_1.default.deepEqual((0, generate_1.samplePrior)(vae, 6, { seed: 1 }), a);
    strict_1.default.notDeepEqual((0, generate_1.samplePrior)(vae, 6, { seed: 2 }), a);
    strict_1.default.deepEqual((0, generate_1.samplePrior)(vae, 3, { seed: 0 }), (0, generate_1.samplePrior)(vae, 3), 'seed 0 (the default) is reproducible too');
    // It is the decoder applied to N(0, I) draws.
    const z = tf.randomNormal([6, 4], 0, 1, 'float32', (0, random_1.tfSeed)(1));
    strict_1.default.ok(maxDiff((0, generate_1.decodeLatents)(vae, z.dataSync()), a) < 1e-6);
    z.dispose();
    strict_1.default.throws(() => (0, generate_1.samplePrior)(vae, 0), /samplePrior: count must be a positive integer, got 0/);
    const ae = (0, autoencoder_1.createAutoencoder)({ latentDim: 2, hiddenUnits: [8] });
    strict_1.default.throws(() => (0, generate_1.samplePrior)(ae, 4), /samplePrior: needs a VAE/);
    ae.dispose();
});
(0, node_test_1.test)('reconstruct: decodes the posterior mean; Dataset and Float32Array inputs agree', () => {
    const r = (0, generate_1.reconstruct)(vae, ds);
    strict_1.default.equal(r.length, ds.size * 784);
    strict_1.default.deepEqual((0, generate_1.reconstruct)(vae, ds.images), r);
    const expected = tf.tidy(() => tf.sigmoid(vae.decode(vae.encode(tf.tensor2d(ds.images, [ds.size, 784])).mean)).dataSync());
    strict_1.default.ok(maxDiff(r, expected) < 1e-6);
    strict_1.default.throws(() => (0, generate_1.reconstruct)(vae, new Float32Array(100)), /reconstruct: 100 values are not a whole number of images of 784 pixels/);
});
(0, node_test_1.test)('lerp and slerp: hand values', () => {
    strict_1.default.deepEqual(Array.from((0, generate_1.lerp)([0, 2], [4, 6], 0.25)), [1, 3]);
    const s = (0, generate_1.slerp)([1, 0], [0, 1], 0.5);
    strict_1.default.ok(maxDiff(s, [Math.SQRT1_2, Math.SQRT1_2]) < 1e-6, 'halfway along the quarter circle');
    const s3 = (0, generate_1.slerp)([2, 0], [0, 2], 1 / 3);
    strict_1.default.ok(maxDiff(s3, [2 * Math.cos(Math.PI / 6), 2 * Math.sin(Math.PI / 6)]) < 1e-6, 'norm kept, angle 30°');
    strict_1.default.ok(maxDiff((0, generate_1.slerp)([1, 2, 3], [3, 1, 0], 0), [1, 2, 3]) < 1e-6);
    strict_1.default.ok(maxDiff((0, generate_1.slerp)([1, 2, 3], [3, 1, 0], 1), [3, 1, 0]) < 1e-6);
    strict_1.default.deepEqual(Array.from((0, generate_1.slerp)([1, 1], [2, 2], 0.5)), Array.from((0, generate_1.lerp)([1, 1], [2, 2], 0.5)), 'parallel: falls back to lerp');
    strict_1.default.throws(() => (0, generate_1.lerp)([1], [1, 2], 0.5), /lerp: vectors have different lengths 1 and 2/);
});
(0, node_test_1.test)('interpolate: endpoints are the reconstructions of xa and xb; the linear midpoint decodes the mean code', () => {
    const xa = (0, dataset_1.imageAt)(ds, 0);
    const xb = (0, dataset_1.imageAt)(ds, 1);
    const path = (0, generate_1.interpolate)(vae, xa, xb, { steps: 5 });
    strict_1.default.equal(path.length, 5 * 784);
    const rec = (0, generate_1.reconstruct)(vae, (0, dataset_1.subset)(ds, 2));
    strict_1.default.ok(maxDiff(path.subarray(0, 784), rec.subarray(0, 784)) < 1e-6);
    strict_1.default.ok(maxDiff(path.subarray(4 * 784), rec.subarray(784)) < 1e-6);
    const { points } = (0, generate_1.latentMeans)(vae, (0, dataset_1.subset)(ds, 2));
    const mid = (0, generate_1.decodeLatents)(vae, (0, generate_1.lerp)(points.subarray(0, 4), points.subarray(4, 8), 0.5));
    strict_1.default.ok(maxDiff(path.subarray(2 * 784, 3 * 784), mid) < 1e-6);
    const sph = (0, generate_1.interpolate)(vae, xa, xb, { steps: 5, method: 'spherical' });
    strict_1.default.ok(maxDiff(sph.subarray(0, 784), path.subarray(0, 784)) < 1e-6);
    strict_1.default.throws(() => (0, generate_1.interpolate)(vae, xa, xb, { steps: 1 }), /steps must be an integer ≥ 2/);
    strict_1.default.throws(() => (0, generate_1.interpolate)(vae, xa, new Float32Array(10)), /xa and xb must each hold one image of 784 pixels/);
});
(0, node_test_1.test)('latentGrid: size² images, z₁ along columns and z₂ growing upwards; needs latentDim 2', () => {
    const flat = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [16], seed: 0 });
    const grid = (0, generate_1.latentGrid)(flat, { size: 3, range: 2 });
    strict_1.default.equal(grid.length, 9 * 784);
    strict_1.default.deepEqual((0, generate_1.gridCoordinates)({ size: 3, range: 2 }), [-2, 0, 2]);
    // Top-left is (z₁, z₂) = (−2, 2); bottom-right (2, −2).
    strict_1.default.ok(maxDiff(grid.subarray(0, 784), (0, generate_1.decodeLatents)(flat, [-2, 2])) < 1e-6);
    strict_1.default.ok(maxDiff(grid.subarray(8 * 784), (0, generate_1.decodeLatents)(flat, [2, -2])) < 1e-6);
    const q = (0, generate_1.gridCoordinates)({ size: 3, spacing: 'quantile' });
    strict_1.default.ok(maxDiff(q, [(0, generate_1.normalQuantile)(0.25), 0, (0, generate_1.normalQuantile)(0.75)]) < 1e-12);
    strict_1.default.ok(Math.abs((0, generate_1.normalQuantile)(0.975) - 1.959963985) < 1e-8);
    strict_1.default.ok(Math.abs((0, generate_1.normalQuantile)(0.001) + 3.090232306) < 1e-8);
    strict_1.default.throws(() => (0, generate_1.latentGrid)(vae), /latentGrid: needs latentDim 2, the model has latentDim 4/);
    strict_1.default.throws(() => (0, generate_1.latentGrid)(flat, { size: 0 }), /size must be a positive integer/);
    flat.dispose();
});
(0, node_test_1.test)('latentMeans: one point per example with its label', () => {
    const m = (0, generate_1.latentMeans)(vae, ds);
    strict_1.default.equal(m.latentDim, 4);
    strict_1.default.equal(m.points.length, ds.size * 4);
    strict_1.default.deepEqual(m.labels, ds.labels);
    const expected = tf.tidy(() => vae.encode(tf.tensor2d(ds.images, [ds.size, 784])).mean.dataSync());
    strict_1.default.ok(maxDiff(m.points, expected) < 1e-6);
});
(0, node_test_1.test)('reconstructionPairs: the originals, then their reconstructions', () => {
    const shown = (0, dataset_1.subset)(ds, 6);
    const before = tf.memory().numTensors;
    const pairs = (0, generate_1.reconstructionPairs)(vae, shown);
    strict_1.default.equal(tf.memory().numTensors, before);
    strict_1.default.equal(pairs.length, 2 * 6 * 784);
    strict_1.default.equal(maxDiff(pairs.subarray(0, 6 * 784), shown.images), 0);
    strict_1.default.equal(maxDiff(pairs.subarray(6 * 784), (0, generate_1.reconstruct)(vae, shown)), 0);
});
