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
const distributions_1 = require("../lib/model/distributions");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
});
const LOG_2PI = Math.log(2 * Math.PI);
function close(actual, expected, tol, what) {
    strict_1.default.equal(actual.length, expected.length, `${what}: length`);
    for (let i = 0; i < expected.length; i++) {
        const err = Math.abs(actual[i] - expected[i]);
        strict_1.default.ok(err <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
    }
}
function values(t) {
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
}
/**
 * Central differences of a scalar function f of one tensor, in float32: the
 * step h = 1e-2 keeps the rounding error (~1e-7 · |f| / h) well below the
 * truncation error (~h² · f'''), so 1e-2 relative agreement is a real check.
 */
function numericGrad(f, x, h = 1e-2) {
    const base = x.dataSync();
    const out = [];
    for (let i = 0; i < base.length; i++) {
        const plus = base.slice();
        const minus = base.slice();
        plus[i] += h;
        minus[i] -= h;
        const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)).dataSync()[0]);
        const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)).dataSync()[0]);
        out.push((fp - fm) / (2 * h));
    }
    return out;
}
(0, node_test_1.test)('reparameterize: z = mean + exp(logVar/2) * eps on hand values', () => {
    const z = tf.tidy(() => (0, distributions_1.reparameterize)(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, Math.log(4)]]), tf.tensor2d([[0.5, -1]])));
    strict_1.default.deepEqual(z.shape, [1, 2]);
    close(values(z), [1.5, 0], 1e-6, 'z');
});
(0, node_test_1.test)('reparameterize: seeded noise is reproducible and has the requested mean and variance', () => {
    const n = 20000;
    const [a, b, c] = tf.tidy(() => {
        const mean = tf.fill([n, 1], 0.5);
        const logVar = tf.fill([n, 1], Math.log(0.25));
        return [(0, distributions_1.reparameterize)(mean, logVar, undefined, 7), (0, distributions_1.reparameterize)(mean, logVar, undefined, 7), (0, distributions_1.reparameterize)(mean, logVar, undefined, 8)];
    });
    const zero = tf.tidy(() => {
        const m = tf.zeros([4, 2]);
        return [(0, distributions_1.reparameterize)(m, m, undefined, 0), (0, distributions_1.reparameterize)(m, m, undefined, 0)];
    });
    strict_1.default.deepEqual(values(zero[0]), values(zero[1]), 'seed 0 is a seed like any other');
    const va = values(a);
    strict_1.default.deepEqual(va, values(b), 'same seed, same draws');
    strict_1.default.notDeepEqual(va, values(c), 'different seed, different draws');
    const m = va.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(va.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1));
    // Standard error of the mean is 0.5/√n ≈ 0.0035; allow 4 of them.
    strict_1.default.ok(Math.abs(m - 0.5) < 0.015, `sample mean ${m}`);
    strict_1.default.ok(Math.abs(sd - 0.5) < 0.01, `sample sd ${sd}`);
});
(0, node_test_1.test)('reparameterize: gradient reaches mean (1) and logVar (eps·σ/2), matching finite differences', () => {
    const mean = tf.tensor2d([[0.3, -1.2]]);
    const logVar = tf.tensor2d([[-0.5, 0.8]]);
    const eps = tf.tensor2d([[0.7, -1.1]]);
    const f = (m, lv) => tf.sum((0, distributions_1.reparameterize)(m, lv, eps));
    const [gMean, gLogVar] = tf.grads(f)([mean, logVar]);
    close(values(gMean), [1, 1], 1e-6, 'dz/dmean');
    const expected = [0.5 * Math.exp(-0.25) * 0.7, 0.5 * Math.exp(0.4) * -1.1];
    close(values(gLogVar), expected, 1e-5, 'dz/dlogVar');
    close(numericGrad((lv) => f(mean, lv), logVar), expected, 1e-2, 'finite differences');
    tf.dispose([mean, logVar, eps]);
});
(0, node_test_1.test)('reparameterize: mismatched shapes and rank are clear errors', () => {
    const before = tf.memory().numTensors;
    const m = tf.zeros([2, 3]);
    const lv = tf.zeros([2, 4]);
    strict_1.default.throws(() => (0, distributions_1.reparameterize)(m, lv), /reparameterize: mean shape \[2,3\] and logVar shape \[2,4\] differ/);
    strict_1.default.throws(() => (0, distributions_1.reparameterize)(m, m, lv), /reparameterize: mean shape \[2,3\] and eps shape \[2,4\] differ/);
    const v = tf.zeros([3]);
    strict_1.default.throws(() => (0, distributions_1.reparameterize)(v, v), /must be 2-D/);
    tf.dispose([m, lv, v]);
    strict_1.default.equal(tf.memory().numTensors, before);
});
(0, node_test_1.test)('klDivergence: closed form on hand values, zero at the prior', () => {
    // ½[(e⁰ + 1 − 1 − 0) + (2 + 0 − 1 − ln 2)] = 1 − ln(2)/2
    const kl = tf.tidy(() => (0, distributions_1.klDivergence)(tf.tensor2d([[1, 0], [0, 0]]), tf.tensor2d([[0, Math.log(2)], [0, 0]])));
    strict_1.default.deepEqual(kl.shape, [2]);
    close(values(kl), [1 - Math.log(2) / 2, 0], 1e-6, 'KL');
});
(0, node_test_1.test)('klDivergence: dKL/dmean = mean and dKL/dlogVar = (exp(logVar) − 1)/2, matching finite differences', () => {
    const mean = tf.tensor2d([[0.4, -1.5, 2]]);
    const logVar = tf.tensor2d([[-1, 0.3, 1.2]]);
    const f = (m, lv) => tf.sum((0, distributions_1.klDivergence)(m, lv));
    const [gMean, gLogVar] = tf.grads(f)([mean, logVar]);
    close(values(gMean), [0.4, -1.5, 2], 1e-5, 'dKL/dmean');
    const expectedLv = [-1, 0.3, 1.2].map((lv) => (Math.exp(lv) - 1) / 2);
    close(values(gLogVar), expectedLv, 1e-5, 'dKL/dlogVar');
    close(numericGrad((m) => f(m, logVar), mean), [0.4, -1.5, 2], 1e-2, 'finite differences, mean');
    close(numericGrad((lv) => f(mean, lv), logVar), expectedLv, 1e-2, 'finite differences, logVar');
    tf.dispose([mean, logVar]);
});
(0, node_test_1.test)('gaussianKl: hand value, zero for equal Gaussians, equals klDivergence against N(0, I)', () => {
    // KL(N(1, 1) ‖ N(0, 4)) = ½(ln 4 + (1 + 1)/4 − 1)
    const kl = tf.tidy(() => (0, distributions_1.gaussianKl)(tf.tensor2d([[1]]), tf.tensor2d([[0]]), tf.tensor2d([[0]]), tf.tensor2d([[Math.log(4)]])));
    close(values(kl), [0.5 * (Math.log(4) + 0.5 - 1)], 1e-6, 'KL');
    const [same, vsPrior, analytic] = tf.tidy(() => {
        const m = tf.tensor2d([[0.3, -0.7], [1.1, 0.2]]);
        const lv = tf.tensor2d([[0.5, -0.4], [-1, 0.9]]);
        const zero = tf.zerosLike(m);
        return [(0, distributions_1.gaussianKl)(m, lv, m, lv), (0, distributions_1.gaussianKl)(m, lv, zero, zero), (0, distributions_1.klDivergence)(m, lv)];
    });
    close(values(same), [0, 0], 1e-6, 'KL(p‖p)');
    close(values(vsPrior), values(analytic), 1e-6, 'KL vs prior');
});
(0, node_test_1.test)('klMonteCarlo: agrees with the analytic KL within a few standard errors', () => {
    const mean = [0.8, -0.3, 1.5];
    const logVar = [-0.6, 0.4, -1.2];
    const n = 4000;
    // n single-sample estimates (one row per draw) give the standard error too.
    const [single, many, analytic] = tf.tidy(() => {
        const m = tf.tensor2d([mean]);
        const lv = tf.tensor2d([logVar]);
        return [
            (0, distributions_1.klMonteCarlo)(tf.tile(m, [n, 1]), tf.tile(lv, [n, 1]), { samples: 1, seed: 3 }),
            (0, distributions_1.klMonteCarlo)(m, lv, { samples: n, seed: 4 }),
            (0, distributions_1.klDivergence)(m, lv),
        ];
    });
    const draws = values(single);
    const exact = values(analytic)[0];
    const avg = draws.reduce((s, v) => s + v, 0) / n;
    const se = Math.sqrt(draws.reduce((s, v) => s + (v - avg) ** 2, 0) / (n - 1) / n);
    strict_1.default.ok(se > 0 && se < 0.1, `standard error ${se}`);
    strict_1.default.ok(Math.abs(avg - exact) < 4 * se, `MC mean ${avg} vs analytic ${exact} (SE ${se})`);
    const [manyMean] = values(many);
    strict_1.default.ok(Math.abs(manyMean - exact) < 4 * se, `MC over ${n} samples ${manyMean} vs analytic ${exact}`);
    strict_1.default.throws(() => (0, distributions_1.klMonteCarlo)(tf.zeros([1, 1]), tf.zeros([1, 1]), { samples: 0, seed: 0 }), /samples must be a positive integer/);
});
(0, node_test_1.test)('logNormal and logStandardNormal: hand values', () => {
    const [a, b, c] = tf.tidy(() => [
        (0, distributions_1.logNormal)(tf.tensor2d([[1]]), tf.tensor2d([[0]]), tf.tensor2d([[0]])),
        // N(2; 1, e^{ln 4}) = −½(log 2π + ln 4 + 1/4)
        (0, distributions_1.logNormal)(tf.tensor2d([[2, 1]]), tf.tensor2d([[1, 1]]), tf.tensor2d([[Math.log(4), 0]])),
        (0, distributions_1.logStandardNormal)(tf.tensor2d([[1, 0], [2, -1]])),
    ]);
    close(values(a), [-0.5 * (LOG_2PI + 1)], 1e-6, 'logN(1;0,1)');
    close(values(b), [-0.5 * (LOG_2PI + Math.log(4) + 0.25) - 0.5 * LOG_2PI], 1e-6, '2-D logN');
    close(values(c), [-(LOG_2PI + 1 / 2), -(LOG_2PI + 5 / 2)], 1e-6, 'logStandardNormal');
});
(0, node_test_1.test)('bernoulliLogLikelihood: equals x log σ(l) + (1 − x) log(1 − σ(l)) and stays finite for large logits', () => {
    const x = [1, 0, 0.3, 1, 0, 1, 0];
    const l = [2, -1, 0.5, 100, 100, -100, -100];
    const ll = values(tf.tidy(() => (0, distributions_1.bernoulliLogLikelihood)(tf.tensor2d([x]), tf.tensor2d([l]))));
    let expected = 0;
    for (let i = 0; i < 3; i++) {
        const p = 1 / (1 + Math.exp(-l[i]));
        expected += x[i] * Math.log(p) + (1 - x[i]) * Math.log(1 - p);
    }
    // log σ(100) ≈ 0, log(1 − σ(100)) ≈ −100, log σ(−100) ≈ −100, log(1 − σ(−100)) ≈ 0.
    expected += 0 - 100 - 100 + 0;
    strict_1.default.ok(Number.isFinite(ll[0]));
    close(ll, [expected], 1e-5, 'log-likelihood');
});
(0, node_test_1.test)('bernoulliLogLikelihood: gradient wrt logits is x − σ(l), matching finite differences', () => {
    const xv = [1, 0, 0.3, 0.8];
    const lv = [2, -1, 0.5, -3];
    const x = tf.tensor2d([xv]);
    const logits = tf.tensor2d([lv]);
    const f = (l) => tf.sum((0, distributions_1.bernoulliLogLikelihood)(x, l));
    const g = tf.grad(f)(logits);
    const expected = xv.map((xi, i) => xi - 1 / (1 + Math.exp(-lv[i])));
    close(values(g), expected, 1e-5, 'd/dlogits');
    close(numericGrad(f, logits), expected, 1e-2, 'finite differences');
    strict_1.default.throws(() => (0, distributions_1.bernoulliLogLikelihood)(x, tf.zeros([1, 3])), /x shape \[1,4\] and logits shape \[1,3\] differ/);
    tf.dispose([x, logits]);
});
(0, node_test_1.test)('gaussianLogLikelihood: fixed and tensor variance, hand values', () => {
    const [a, b, c] = tf.tidy(() => {
        const x = tf.tensor2d([[1, 0.5]]);
        const m = tf.tensor2d([[0, 0.5]]);
        return [(0, distributions_1.gaussianLogLikelihood)(x, m), (0, distributions_1.gaussianLogLikelihood)(x, m, Math.log(0.5)), (0, distributions_1.gaussianLogLikelihood)(x, m, tf.tensor2d([[Math.log(0.5), 0]]))];
    });
    close(values(a), [-0.5 * 1 - LOG_2PI], 1e-6, 'σ² = 1');
    // Per pixel: −½(log 2π + ln ½ + d²/½)
    close(values(b), [-0.5 * (2 * LOG_2PI + 2 * Math.log(0.5) + 2)], 1e-6, 'σ² = ½');
    close(values(c), [-0.5 * (LOG_2PI + Math.log(0.5) + 2) - 0.5 * LOG_2PI], 1e-6, 'per-pixel σ²');
    strict_1.default.throws(() => (0, distributions_1.gaussianLogLikelihood)(tf.zeros([1, 2]), tf.zeros([1, 2]), NaN), /logVar must be finite/);
});
(0, node_test_1.test)('no leaks: every function leaves tf.memory().numTensors where it was once outputs are disposed', () => {
    const m = tf.tensor2d([[0.1, 0.2]]);
    const lv = tf.tensor2d([[0.3, -0.2]]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
        tf.dispose([
            (0, distributions_1.reparameterize)(m, lv, undefined, i),
            (0, distributions_1.klDivergence)(m, lv),
            (0, distributions_1.gaussianKl)(m, lv, lv, m),
            (0, distributions_1.klMonteCarlo)(m, lv, { samples: 5, seed: i }),
            (0, distributions_1.logNormal)(m, m, lv),
            (0, distributions_1.logStandardNormal)(m),
            (0, distributions_1.bernoulliLogLikelihood)(m, lv),
            (0, distributions_1.gaussianLogLikelihood)(m, lv, 0.5),
        ]);
    }
    strict_1.default.equal(tf.memory().numTensors, before);
    tf.dispose([m, lv]);
});
