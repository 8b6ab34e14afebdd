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
const elbo_1 = require("../lib/model/elbo");
const generate_1 = require("../lib/training/generate");
const check_1 = require("../lib/coursework/check");
const exercises_1 = require("../lib/coursework/exercises");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
});
const quiet = { quiet: true };
/** The failed case whose name matches, with its hint; fails the test when no such case failed. */
function failed(r, name) {
    const c = r.cases.find((k) => name.test(k.name));
    strict_1.default.ok(c, `no case matching ${name} in ${r.cases.map((k) => k.name).join(' | ')}`);
    strict_1.default.equal(c.passed, false, `case '${c.name}' passed but should fail`);
    return { hint: c.hint ?? '', got: c.got ?? '', expected: c.expected ?? '', error: c.error?.message ?? '' };
}
function allPass(r) {
    const bad = r.cases.filter((c) => !c.passed);
    strict_1.default.equal(bad.length, 0, (0, check_1.formatResult)(r));
    strict_1.default.equal(r.ok, true);
    strict_1.default.equal(r.passed, r.total);
    strict_1.default.ok(r.total >= 4, `only ${r.total} cases`);
}
/** The library's functions in the exercises' signatures (what the solutions notebooks implement). */
const ref = {
    fitGaussian: (points) => {
        const n = points.length;
        const d = points[0].length;
        const mean = Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[j], 0) / n);
        const cov = mean.map((mi, i) => mean.map((mj, j) => points.reduce((s, p) => s + (p[i] - mi) * (p[j] - mj), 0) / n));
        return { mean, cov };
    },
    elbo: (x, out, beta) => (0, elbo_1.elbo)(x, out, { beta }),
    warmupBeta: (step, warmupSteps, betaMax) => (0, elbo_1.klWarmup)({ warmupSteps, betaMax })(step),
    iwaeBound: (x, mean, logVar, decode, eps) => tf.tidy(() => {
        const k = eps.shape[0];
        const logW = tf.unstack(eps).map((e) => {
            const z = (0, distributions_1.reparameterize)(mean, logVar, e);
            return tf.sub(tf.add((0, distributions_1.bernoulliLogLikelihood)(x, decode(z)), (0, distributions_1.logStandardNormal)(z)), (0, distributions_1.logNormal)(z, mean, logVar));
        });
        return tf.sub(tf.logSumExp(tf.stack(logW), 0), Math.log(k));
    }),
};
const goodSweep = [
    { beta: 0, recon: 60, kl: 60, activeUnits: 20 },
    { beta: 1, recon: 90, kl: 25, activeUnits: 12 },
    { beta: 4, recon: 150, kl: 8, activeUnits: 4 },
];
(0, node_test_1.test)('the library implementations pass every check, and the checks leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    allPass(check_1.check.fitGaussian(ref.fitGaussian, quiet));
    allPass(check_1.check.reparameterize(distributions_1.reparameterize, quiet));
    allPass(check_1.check.klDivergence(distributions_1.klDivergence, quiet));
    allPass(check_1.check.bernoulliLogLikelihood(distributions_1.bernoulliLogLikelihood, quiet));
    allPass(check_1.check.elbo(ref.elbo, quiet));
    allPass(check_1.check.klWarmup(ref.warmupBeta, quiet));
    allPass(check_1.check.betaSweep(goodSweep, { ...quiet, latentDim: 20 }));
    allPass(check_1.check.lerp((a, b, t) => (0, generate_1.lerp)(a, b, t), quiet));
    allPass(check_1.check.slerp((a, b, t) => (0, generate_1.slerp)(a, b, t), quiet));
    allPass(check_1.check.iwae(ref.iwaeBound, quiet));
    strict_1.default.equal(tf.memory().numTensors, before);
});
(0, node_test_1.test)('every exercise id has a check; results carry points from lib/coursework/exercises.ts', () => {
    for (const e of exercises_1.EXERCISES) {
        const r = (0, check_1.runExercise)(e.id, undefined, quiet);
        strict_1.default.equal(r.id, e.id);
        strict_1.default.equal(r.ok, false);
        strict_1.default.equal(r.maxPoints, e.points);
        strict_1.default.equal(r.points, 0);
    }
    const r = (0, check_1.runExercise)('kl', distributions_1.klDivergence, quiet);
    strict_1.default.equal(r.points, 2);
    strict_1.default.equal(r.maxPoints, 2);
    const unknown = (0, check_1.runExercise)('nope', distributions_1.klDivergence, quiet);
    strict_1.default.equal(unknown.ok, false);
    strict_1.default.match(unknown.cases[0].got ?? '', /no check for exercise id 'nope'/);
});
(0, node_test_1.test)('partial credit is points × passed / total', () => {
    const halfBad = (mean, logVar) => tf.mul((0, distributions_1.klDivergence)(mean, logVar), 2); // missing ½
    const r = check_1.check.klDivergence(halfBad, quiet);
    strict_1.default.ok(r.passed > 0 && r.passed < r.total, (0, check_1.formatResult)(r));
    strict_1.default.equal(r.points, Math.round((2 * r.passed * 100) / r.total) / 100);
});
(0, node_test_1.test)('KL: sign error, missing ½, mean over latent dims, a scalar, and a throwing stub each get their hint', () => {
    const sign = check_1.check.klDivergence((m, lv) => tf.neg((0, distributions_1.klDivergence)(m, lv)), quiet);
    strict_1.default.match(failed(sign, /random mean and logVar/).hint, /sign error/);
    strict_1.default.match(failed(sign, /never negative/).hint, /≥ 0/);
    const half = check_1.check.klDivergence((m, lv) => tf.mul((0, distributions_1.klDivergence)(m, lv), 2), quiet);
    strict_1.default.match(failed(half, /random mean and logVar/).hint, /factor ½ is missing/);
    strict_1.default.match(failed(half, /2\.5/).got, /\[5\]/);
    const meanOverDims = check_1.check.klDivergence((m, lv) => tf.mul(tf.mean(tf.sub(tf.add(tf.exp(lv), tf.square(m)), tf.add(lv, 1)), 1), 0.5), quiet);
    strict_1.default.match(failed(meanOverDims, /random mean and logVar/).hint, /averaged over the latent dimensions/);
    const scalar = check_1.check.klDivergence((m, lv) => tf.sum((0, distributions_1.klDivergence)(m, lv)), quiet);
    const s = failed(scalar, /shape \[batch\]/);
    strict_1.default.match(s.got, /shape \[\]/);
    strict_1.default.match(s.hint, /one value per example/);
    const stub = check_1.check.klDivergence(() => {
        throw new Error('TODO: implement klDivergence');
    }, quiet);
    strict_1.default.equal(stub.passed, 0);
    const c = failed(stub, /random mean and logVar/);
    strict_1.default.equal(c.error, 'Error: TODO: implement klDivergence');
    strict_1.default.match(c.hint, /stub still throws/);
    strict_1.default.ok(stub.cases.every((k) => k.error?.message === 'Error: TODO: implement klDivergence'));
    strict_1.default.match((0, check_1.formatResult)(stub), /every case threw Error: TODO: implement klDivergence/);
    strict_1.default.match((0, check_1.formatResult)(stub), /at /, 'the first stack line is shown');
});
(0, node_test_1.test)('reparameterize: variance instead of sd, no gradient (copied numbers), own noise, sign', () => {
    const variance = check_1.check.reparameterize((m, lv, e) => tf.add(m, tf.mul(tf.exp(lv), e)), quiet);
    strict_1.default.match(failed(variance, /against the library/).hint, /variance exp\(logVar\)/);
    strict_1.default.match(failed(variance, /gradient reaches logVar/).expected, /\[/);
    // Right values, but z is rebuilt from copied numbers: the graph to mean and logVar is cut.
    const copied = check_1.check.reparameterize((m, lv, e) => {
        const z = (0, distributions_1.reparameterize)(m, lv, e);
        return tf.tensor2d(Array.from(z.dataSync()), z.shape);
    }, quiet);
    strict_1.default.ok(copied.cases.filter((c) => c.passed).length >= 4, (0, check_1.formatResult)(copied));
    strict_1.default.match(failed(copied, /gradient reaches mean/).hint, /no gradient reaches this input/);
    strict_1.default.match(failed(copied, /gradient reaches logVar/).hint, /no gradient reaches this input/);
    // σ computed from copied numbers: the gradient reaches mean but not logVar.
    const stdCopied = check_1.check.reparameterize((m, lv, e) => {
        const std = tf.tensor2d(Array.from(lv.dataSync()).map((v) => Math.exp(v / 2)), lv.shape);
        return tf.add(m, tf.mul(std, e));
    }, quiet);
    strict_1.default.ok(stdCopied.cases.find((c) => /gradient reaches mean/.test(c.name))?.passed);
    strict_1.default.match(failed(stdCopied, /gradient reaches logVar/).hint, /no gradient reaches this input/);
    const ownNoise = check_1.check.reparameterize((m, lv) => tf.add(m, tf.mul(tf.exp(tf.mul(lv, 0.5)), tf.randomNormal(m.shape, 0, 1, 'float32', 1))), quiet);
    strict_1.default.match(failed(ownNoise, /uses the eps/).hint, /use the eps argument/);
    const sign = check_1.check.reparameterize((m, lv, e) => tf.sub(m, tf.mul(tf.exp(tf.mul(lv, 0.5)), e)), quiet);
    strict_1.default.match(failed(sign, /against the library/).hint, /sign error/);
    const notTensor = check_1.check.reparameterize((m) => Array.from(m.dataSync()), quiet);
    strict_1.default.match(failed(notTensor, /zero noise/).hint, /return a tf\.Tensor/);
    const notFunction = check_1.check.reparameterize(42, quiet);
    strict_1.default.equal(notFunction.total, 1);
    strict_1.default.match(failed(notFunction, /is a function/).got, /42/);
});
(0, node_test_1.test)('Bernoulli log-likelihood: BCE sign, unstable log(sigmoid), mean over pixels', () => {
    const bce = check_1.check.bernoulliLogLikelihood((x, l) => tf.neg((0, distributions_1.bernoulliLogLikelihood)(x, l)), quiet);
    strict_1.default.match(failed(bce, /against the library/).hint, /binary cross-entropy/);
    strict_1.default.match(failed(bce, /≤ 0/).hint, /sign/);
    const naive = check_1.check.bernoulliLogLikelihood((x, l) => {
        const p = tf.sigmoid(l);
        return tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))), 1);
    }, quiet);
    strict_1.default.ok(naive.cases.find((c) => /against the library/.test(c.name))?.passed, 'moderate logits are fine');
    strict_1.default.match(failed(naive, /large logits/).hint, /softplus/);
    const meanPix = check_1.check.bernoulliLogLikelihood((x, l) => tf.mean(tf.sub(tf.mul(x, l), tf.softplus(l)), 1), quiet);
    strict_1.default.match(failed(meanPix, /against the library/).hint, /averaged over the pixels/);
});
(0, node_test_1.test)('ELBO: sum over the batch, β ignored, β in the bound, vectors instead of scalars', () => {
    const summed = check_1.check.elbo((x, out, beta) => {
        const recon = tf.neg(tf.sum((0, distributions_1.bernoulliLogLikelihood)(x, out.logits)));
        const kl = tf.sum((0, distributions_1.klDivergence)(out.mean, out.logVar));
        return { recon, kl, loss: tf.add(recon, tf.mul(kl, beta)), elbo: tf.neg(tf.add(recon, kl)) };
    }, quiet);
    strict_1.default.match(failed(summed, /^recon/).hint, /3× too large: take the mean over the batch/);
    const noBeta = check_1.check.elbo((x, out) => (0, elbo_1.elbo)(x, out, { beta: 1 }), quiet);
    strict_1.default.match(failed(noBeta, /β = 4 weights/).hint, /β is ignored/);
    strict_1.default.ok(noBeta.cases.find((c) => /^recon/.test(c.name))?.passed);
    const betaInBound = check_1.check.elbo((x, out, beta) => {
        const t = (0, elbo_1.elbo)(x, out, { beta });
        return { ...t, elbo: tf.neg(t.loss) };
    }, quiet);
    strict_1.default.match(failed(betaInBound, /elbo = −\(recon \+ kl\)/).hint, /β weights the loss only/);
    const vectors = check_1.check.elbo((x, out, beta) => {
        const recon = tf.neg((0, distributions_1.bernoulliLogLikelihood)(x, out.logits));
        const kl = (0, distributions_1.klDivergence)(out.mean, out.logVar);
        return { recon, kl, loss: tf.add(recon, tf.mul(kl, beta)), elbo: tf.neg(tf.add(recon, kl)) };
    }, quiet);
    strict_1.default.match(failed(vectors, /^recon/).got, /shape \[3\]/);
    const missingKey = check_1.check.elbo((() => ({ recon: tf.scalar(1) })), quiet);
    strict_1.default.match(failed(missingKey, /^recon/).hint, /return \{ recon, kl, loss, elbo \}/);
});
(0, node_test_1.test)('warm-up, β sweep, fitted Gaussian: their usual mistakes', () => {
    const uncapped = check_1.check.klWarmup((s, w, b) => (b * s) / w, quiet);
    strict_1.default.match(failed(uncapped, /stays at betaMax/).hint, /min\(1/);
    strict_1.default.match(failed(uncapped, /warmupSteps 0/).got, /NaN/);
    const notArray = check_1.check.betaSweep({ beta: 1 }, quiet);
    strict_1.default.match(failed(notArray, /a list of rows/).hint, /one row per β/);
    const rising = check_1.check.betaSweep([
        { beta: 0, recon: 100, kl: 5, activeUnits: 3 },
        { beta: 1, recon: 100, kl: 9, activeUnits: 6 },
        { beta: 4, recon: 100, kl: 12, activeUnits: 9 },
    ], quiet);
    strict_1.default.match(failed(rising, /KL falls/).got, /12 vs 5/);
    failed(rising, /active units do not grow/);
    const narrow = check_1.check.betaSweep([{ beta: 1, recon: 80, kl: 3, activeUnits: 4.5 }], { ...quiet, latentDim: 20 });
    strict_1.default.match(failed(narrow, /at least three β/).hint, /β ∈ \{0, 0\.5, 1, 2, 4\}/);
    failed(narrow, /whole numbers/);
    const fit = (f) => check_1.check.fitGaussian(f, quiet);
    const uncentred = fit((pts) => {
        const g = ref.fitGaussian(pts);
        return { mean: g.mean, cov: g.cov.map((r, i) => r.map((_, j) => pts.reduce((s, p) => s + p[i] * p[j], 0) / pts.length)) };
    });
    strict_1.default.match(failed(uncentred, /correlated/).hint, /subtract the mean/);
    const diagonal = fit((pts) => {
        const g = ref.fitGaussian(pts);
        return { mean: g.mean, cov: g.cov.map((r, i) => r.map((v, j) => (i === j ? v : 0))) };
    });
    strict_1.default.match(failed(diagonal, /correlated/).hint, /off-diagonal entries are missing/);
    const unbiased = fit((pts) => {
        const g = ref.fitGaussian(pts);
        const n = pts.length;
        return { mean: g.mean, cov: g.cov.map((r) => r.map((v) => (v * n) / (n - 1))) };
    });
    strict_1.default.equal(unbiased.ok, true, 'the 1/(N − 1) covariance is accepted');
    const inPlace = fit((pts) => {
        const g = ref.fitGaussian(pts);
        for (const p of pts)
            for (let j = 0; j < p.length; j++)
                p[j] -= g.mean[j];
        return g;
    });
    strict_1.default.match(failed(inPlace, /left unchanged/).hint, /copies/);
    const meanOverCoords = fit((pts) => ({ mean: pts.map((p) => p.reduce((a, b) => a + b, 0) / p.length), cov: ref.fitGaussian(pts).cov }));
    strict_1.default.match(failed(meanOverCoords, /three points/).hint, /one value per code dimension/);
});
(0, node_test_1.test)('lerp and slerp: swapped ends, lerp for slerp, no guard for parallel vectors, returning a tensor', () => {
    const swapped = check_1.check.lerp((a, b, t) => (0, generate_1.lerp)(a, b, 1 - t), quiet);
    strict_1.default.match(failed(swapped, /t = 0 gives a/).hint, /t = 0 must give a/);
    const tensor = check_1.check.lerp((a, b, t) => tf.tensor1d(Array.from((0, generate_1.lerp)(a, b, t))), quiet);
    strict_1.default.match(failed(tensor, /t = 0\.25/).hint, /plain number\[\]/);
    const straight = check_1.check.slerp((a, b, t) => (0, generate_1.lerp)(a, b, t), quiet);
    strict_1.default.match(failed(straight, /orthogonal/).hint, /straight line \(lerp\)/);
    const unguarded = check_1.check.slerp((a, b, t) => {
        const dot = a.reduce((s, v, i) => s + v * b[i], 0);
        const na = Math.hypot(...a);
        const nb = Math.hypot(...b);
        const omega = Math.acos(dot / (na * nb));
        return a.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * b[i]) / Math.sin(omega));
    }, quiet);
    strict_1.default.ok(unguarded.cases.find((c) => /orthogonal/.test(c.name))?.passed, (0, check_1.formatResult)(unguarded));
    strict_1.default.match(failed(unguarded, /identical vectors/).hint, /NaN\/Infinity/);
    strict_1.default.match(failed(unguarded, /parallel vectors/).hint, /NaN\/Infinity/);
});
(0, node_test_1.test)('IWAE: averaging the log-weights, a missing − log k, naive exp, throwing', () => {
    const logWeights = (x, mean, logVar, decode, eps) => tf.stack(tf.unstack(eps).map((e) => {
        const z = (0, distributions_1.reparameterize)(mean, logVar, e);
        return tf.sub(tf.add((0, distributions_1.bernoulliLogLikelihood)(x, decode(z)), (0, distributions_1.logStandardNormal)(z)), (0, distributions_1.logNormal)(z, mean, logVar));
    })); // [k, batch]
    const averaged = check_1.check.iwae((x, m, lv, d, e) => tf.mean(logWeights(x, m, lv, d, e), 0), quiet);
    strict_1.default.ok(averaged.cases.find((c) => /k = 1 equals/.test(c.name))?.passed, 'with k = 1 the two agree');
    strict_1.default.match(failed(averaged, /k = 5/).hint, /averaged the log-weights/);
    const noLogK = check_1.check.iwae((x, m, lv, d, e) => tf.logSumExp(logWeights(x, m, lv, d, e), 0), quiet);
    strict_1.default.match(failed(noLogK, /identical samples/).hint, /− log k is missing/);
    const naive = check_1.check.iwae((x, m, lv, d, e) => tf.log(tf.mean(tf.exp(logWeights(x, m, lv, d, e)), 0)), quiet);
    strict_1.default.ok(naive.cases.find((c) => /k = 5/.test(c.name))?.passed, (0, check_1.formatResult)(naive));
    strict_1.default.match(failed(naive, /stable/).hint, /tf\.logSumExp/);
    const throws = check_1.check.iwae(() => {
        throw new RangeError('index out of range');
    }, quiet);
    strict_1.default.equal(failed(throws, /k = 5/).error, 'RangeError: index out of range');
});
(0, node_test_1.test)('the printed report shows expected, got and the hint', () => {
    const lines = [];
    const orig = console.log;
    console.log = (...a) => lines.push(a.join(' '));
    try {
        check_1.check.klDivergence((m, lv) => tf.mul((0, distributions_1.klDivergence)(m, lv), 2));
    }
    finally {
        console.log = orig;
    }
    const text = lines.join('\n');
    strict_1.default.match(text, /✘ kl: The Gaussian KL divergence in closed form: \d\/6 cases passed, [\d.]+\/2 points/);
    strict_1.default.match(text, /✓ N\(0, I\) has zero KL/);
    strict_1.default.match(text, /✗ mean \[1, 2\], logVar 0/);
    strict_1.default.match(text, /expected \[2\.5\]/);
    strict_1.default.match(text, /got {6}\[5\]/);
    strict_1.default.match(text, /hint: your values are twice the expected/);
});
(0, node_test_1.test)('failing and throwing answers leak no tensors either', () => {
    const before = tf.memory().numTensors;
    check_1.check.reparameterize((m, lv, e) => {
        tf.ones([100, 100]); // an intermediate the student never disposes
        return tf.add(m, tf.mul(tf.exp(lv), e));
    }, quiet);
    check_1.check.elbo(() => {
        tf.zeros([3, 3]);
        throw new Error('half-way');
    }, quiet);
    check_1.check.iwae(() => tf.zeros([7]), quiet);
    strict_1.default.equal(tf.memory().numTensors, before);
});
