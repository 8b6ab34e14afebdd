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
const train_1 = require("../lib/training/train");
const evaluate_1 = require("../lib/training/evaluate");
const generate_1 = require("../lib/training/generate");
let vae;
let ae;
let trainSet;
let testSet;
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
    const split = (0, load_1.loadData)({ limit: 1024 });
    trainSet = split.train;
    testSet = split.test; // 256 digits
    vae = (0, vae_1.createVAE)({ latentDim: 10, hiddenUnits: [200], seed: 0 });
    await (0, train_1.train)(vae, trainSet, { epochs: 3, batchSize: 64, seed: 0 });
    ae = (0, autoencoder_1.createAutoencoder)({ latentDim: 10, hiddenUnits: [200], seed: 0 });
    await (0, train_1.train)(ae, trainSet, { epochs: 2, batchSize: 64, seed: 0 });
});
(0, node_test_1.test)('evaluate: seeded, equals the mean of the per-example terms, elbo = −(recon + kl)', () => {
    const a = (0, evaluate_1.evaluate)(vae, testSet, { seed: 1 });
    strict_1.default.deepEqual((0, evaluate_1.evaluate)(vae, testSet, { seed: 1, batchSize: 100 }), (0, evaluate_1.evaluate)(vae, testSet, { seed: 1, batchSize: 100 }));
    strict_1.default.ok(Math.abs(a.elbo + a.recon + a.kl) < 1e-6 * a.recon);
    strict_1.default.ok(a.kl > 0 && a.recon > 0);
    const per = (0, evaluate_1.elboPerExample)(vae, testSet, { seed: 1 });
    const mean = (v) => v.reduce((s, x) => s + x, 0) / v.length;
    strict_1.default.ok(Math.abs(mean(per.recon) - a.recon) < 1e-3);
    strict_1.default.ok(Math.abs(mean(per.kl) - a.kl) < 1e-4);
    strict_1.default.equal((0, evaluate_1.evaluate)(vae, testSet, { beta: 2, seed: 1 }).loss.toFixed(3), (a.recon + 2 * a.kl).toFixed(3));
    const m = (0, evaluate_1.evaluate)(vae, testSet, { useMean: true, seed: 1 });
    strict_1.default.ok(Math.abs(m.kl - a.kl) < 1e-4, 'the KL term does not depend on the sample');
    strict_1.default.notEqual(m.recon, a.recon);
    strict_1.default.deepEqual((0, evaluate_1.evaluate)(vae, testSet, { useMean: true, seed: 2 }), m, 'decoding the mean uses no noise');
    strict_1.default.notDeepEqual((0, evaluate_1.evaluate)(vae, testSet, { seed: 2 }), a, 'another seed, another sample');
});
(0, node_test_1.test)('iwaeNll: K = 1 matches −ELBO within standard errors; K = 50 is tighter, below −ELBO', () => {
    const ev = (0, evaluate_1.evaluate)(vae, testSet, { seed: 0 });
    const per = (0, evaluate_1.elboPerExample)(vae, testSet, { seed: 0 });
    const n = testSet.size;
    const neg = Array.from(per.recon, (r, i) => r + per.kl[i]);
    const avg = neg.reduce((s, v) => s + v, 0) / n;
    const se = Math.sqrt(neg.reduce((s, v) => s + (v - avg) ** 2, 0) / (n - 1) / n);
    const k1 = (0, evaluate_1.iwaeNll)(vae, testSet, { k: 1, seed: 5 });
    strict_1.default.ok(Math.abs(k1 - -ev.elbo) < 3 * Math.SQRT2 * se, `K=1: ${k1} vs −ELBO ${-ev.elbo} (SE ${se})`);
    const k5 = (0, evaluate_1.iwaeNll)(vae, testSet, { k: 5, seed: 0 });
    const k50 = (0, evaluate_1.iwaeNll)(vae, testSet, { k: 50, seed: 0 });
    strict_1.default.ok(k50 < -ev.elbo, `IWAE K=50 ${k50} < −ELBO ${-ev.elbo}`);
    strict_1.default.ok(k50 < k5, `K=50 ${k50} < K=5 ${k5}`);
    strict_1.default.equal((0, evaluate_1.iwaeNll)(vae, testSet, { k: 5, seed: 0, batchSize: 33 }).toFixed(4), (0, evaluate_1.iwaeNll)(vae, testSet, { k: 5, seed: 0, batchSize: 33 }).toFixed(4));
    strict_1.default.throws(() => (0, evaluate_1.iwaeNll)(vae, testSet, { k: 0 }), /iwaeNll: k must be a positive integer, got 0/);
    strict_1.default.throws(() => (0, evaluate_1.iwaeNll)(ae, testSet), /iwaeNll: needs a VAE/);
});
(0, node_test_1.test)('perDigit: ten labels whose counts add up and whose weighted mean is the overall result', () => {
    const rows = (0, evaluate_1.perDigit)(vae, testSet, { seed: 2 });
    const all = (0, evaluate_1.evaluate)(vae, testSet, { seed: 2 });
    strict_1.default.deepEqual(rows.map((r) => r.label), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    strict_1.default.equal(rows.reduce((s, r) => s + r.count, 0), testSet.size);
    const weighted = rows.reduce((s, r) => s + r.recon * r.count, 0) / testSet.size;
    strict_1.default.ok(Math.abs(weighted - all.recon) < 1e-3);
    const ones = rows[1];
    const eights = rows[8];
    strict_1.default.ok(ones.recon < eights.recon, `1s (${ones.recon}) are easier than 8s (${eights.recon})`);
});
(0, node_test_1.test)('activeUnits and reconstructionError', () => {
    const au = (0, evaluate_1.activeUnits)(vae, testSet);
    strict_1.default.equal(au.variances.length, 10);
    strict_1.default.equal(au.count, Array.from(au.variances).filter((v) => v > 0.01).length);
    strict_1.default.ok(au.count >= 1 && au.count <= 10);
    const rv = (0, evaluate_1.reconstructionError)(vae, testSet);
    const ra = (0, evaluate_1.reconstructionError)(ae, testSet);
    for (const r of [rv, ra]) {
        strict_1.default.ok(r.bce > 0 && Number.isFinite(r.bce));
        strict_1.default.ok(r.mse > 0 && r.mse < 0.25);
    }
    const tiny = { images: new Float32Array(4), labels: new Uint8Array(1), size: 1, height: 2, width: 2, name: 'tiny' };
    strict_1.default.throws(() => (0, evaluate_1.evaluate)(vae, tiny), /evaluate: data 'tiny' has 2×2 = 4 pixels per image but the model expects inputDim 784/);
    strict_1.default.throws(() => (0, evaluate_1.reconstructionError)(ae, tiny), /reconstructionError: data 'tiny'/);
});
(0, node_test_1.test)('no leaks: numTensors identical after the 1st and 3rd round of evaluation and generation calls', () => {
    const flat = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [16], seed: 0 });
    const small = (0, dataset_1.subset)(testSet, 40);
    const xa = (0, dataset_1.imageAt)(small, 0);
    const xb = (0, dataset_1.imageAt)(small, 1);
    const counts = [];
    for (let round = 0; round < 3; round++) {
        (0, evaluate_1.evaluate)(vae, small);
        (0, evaluate_1.iwaeNll)(vae, small, { k: 10 });
        (0, evaluate_1.perDigit)(vae, small);
        (0, evaluate_1.activeUnits)(vae, small);
        (0, evaluate_1.reconstructionError)(ae, small);
        (0, generate_1.samplePrior)(vae, 16, { seed: round });
        (0, generate_1.reconstruct)(vae, small);
        (0, generate_1.interpolate)(vae, xa, xb, { steps: 5, method: 'spherical' });
        (0, generate_1.latentGrid)(flat, { size: 4 });
        (0, generate_1.latentMeans)(ae, small);
        counts.push(tf.memory().numTensors);
    }
    strict_1.default.equal(counts[2], counts[0], `numTensors per round: ${counts.join(', ')}`);
    flat.dispose();
});
