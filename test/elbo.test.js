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
const elbo_1 = require("../lib/model/elbo");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
});
const LOG_2PI = Math.log(2 * Math.PI);
const sigmoid = (l) => 1 / (1 + Math.exp(-l));
const bern = (x, l) => x.reduce((s, xi, i) => s + xi * Math.log(sigmoid(l[i])) + (1 - xi) * Math.log(1 - sigmoid(l[i])), 0);
const kl = (m, lv) => 0.5 * m.reduce((s, mi, i) => s + Math.exp(lv[i]) + mi * mi - 1 - lv[i], 0);
function num(t) {
    const v = t.dataSync()[0];
    return v;
}
const X = [
    [1, 0, 0.5],
    [0, 1, 1],
];
const LOGITS = [
    [2, -1, 0.3],
    [-0.5, 1.5, 3],
];
const MEAN = [
    [0.5, -1],
    [0, 2],
];
const LOGVAR = [
    [0, Math.log(2)],
    [-1, 0.5],
];
function inputs() {
    return {
        x: tf.tensor2d(X),
        out: { mean: tf.tensor2d(MEAN), logVar: tf.tensor2d(LOGVAR), logits: tf.tensor2d(LOGITS) },
    };
}
(0, node_test_1.test)('elbo: terms in nats per example on hand values, β weights only the loss', () => {
    const before = tf.memory().numTensors;
    const expectRecon = -(bern(X[0], LOGITS[0]) + bern(X[1], LOGITS[1])) / 2;
    const expectKl = (kl(MEAN[0], LOGVAR[0]) + kl(MEAN[1], LOGVAR[1])) / 2;
    tf.tidy(() => {
        const { x, out } = inputs();
        const t1 = (0, elbo_1.elbo)(x, out);
        strict_1.default.ok(Math.abs(num(t1.recon) - expectRecon) < 1e-5, `recon ${num(t1.recon)} vs ${expectRecon}`);
        strict_1.default.ok(Math.abs(num(t1.kl) - expectKl) < 1e-5, `kl ${num(t1.kl)} vs ${expectKl}`);
        strict_1.default.ok(Math.abs(num(t1.loss) - (expectRecon + expectKl)) < 1e-5);
        strict_1.default.ok(Math.abs(num(t1.elbo) + (expectRecon + expectKl)) < 1e-5);
        const t2 = (0, elbo_1.elbo)(x, out, { beta: 4 });
        strict_1.default.ok(Math.abs(num(t2.loss) - (expectRecon + 4 * expectKl)) < 1e-4, 'loss = recon + β·kl');
        strict_1.default.ok(Math.abs(num(t2.elbo) + (expectRecon + expectKl)) < 1e-5, 'elbo does not depend on β');
        for (const s of [t1.recon, t1.kl, t1.loss, t1.elbo])
            strict_1.default.equal(s.rank, 0);
    });
    strict_1.default.equal(tf.memory().numTensors, before);
});
(0, node_test_1.test)('elbo: Gaussian likelihood reads sigmoid(logits) as the mean', () => {
    tf.tidy(() => {
        const { x, out } = inputs();
        const t = (0, elbo_1.elbo)(x, out, { likelihood: 'gaussian', outputLogVar: Math.log(0.1) });
        let expected = 0;
        for (let r = 0; r < 2; r++) {
            for (let i = 0; i < 3; i++) {
                const d = X[r][i] - sigmoid(LOGITS[r][i]);
                expected += 0.5 * (LOG_2PI + Math.log(0.1) + (d * d) / 0.1);
            }
        }
        strict_1.default.ok(Math.abs(num(t.recon) - expected / 2) < 1e-4, `recon ${num(t.recon)} vs ${expected / 2}`);
    });
});
(0, node_test_1.test)('elbo: gradient of the loss wrt logits is −(x − σ(l)) / batch', () => {
    tf.tidy(() => {
        const { x, out } = inputs();
        const g = tf.grad((l) => (0, elbo_1.elbo)(x, { ...out, logits: l }).loss)(out.logits).arraySync();
        for (let r = 0; r < 2; r++) {
            for (let i = 0; i < 3; i++) {
                const expected = -(X[r][i] - sigmoid(LOGITS[r][i])) / 2;
                strict_1.default.ok(Math.abs(g[r][i] - expected) < 1e-5, `g[${r}][${i}] = ${g[r][i]}, expected ${expected}`);
            }
        }
    });
});
(0, node_test_1.test)('elbo: bad inputs are clear errors', () => {
    tf.tidy(() => {
        const { x, out } = inputs();
        strict_1.default.throws(() => (0, elbo_1.elbo)(x, out, { beta: -1 }), /elbo: beta must be a finite number ≥ 0, got -1/);
        strict_1.default.throws(() => (0, elbo_1.elbo)(x, out, { beta: NaN }), /beta must be/);
        strict_1.default.throws(() => (0, elbo_1.elbo)(tf.zeros([2, 4]), out), /elbo: x shape \[2,4\] and logits shape \[2,3\] differ/);
        strict_1.default.throws(() => (0, elbo_1.logLikelihood)(x, out.logits, 'poisson'), /unknown likelihood 'poisson'/);
    });
});
(0, node_test_1.test)('klWarmup: linear from 0 to betaMax, then flat; constantBeta', () => {
    const w = (0, elbo_1.klWarmup)({ warmupSteps: 100, betaMax: 2 });
    strict_1.default.equal(w(0), 0);
    strict_1.default.equal(w(50), 1);
    strict_1.default.equal(w(100), 2);
    strict_1.default.equal(w(1000), 2);
    strict_1.default.equal((0, elbo_1.klWarmup)({ warmupSteps: 10 })(5), 0.5);
    strict_1.default.equal((0, elbo_1.klWarmup)({ warmupSteps: 0 })(0), 1);
    strict_1.default.equal((0, elbo_1.constantBeta)(3)(12345), 3);
    strict_1.default.throws(() => (0, elbo_1.klWarmup)({ warmupSteps: -1 }), /warmupSteps must be a number ≥ 0/);
    strict_1.default.throws(() => (0, elbo_1.constantBeta)(-0.5), /constantBeta: beta must be a finite number ≥ 0/);
});
