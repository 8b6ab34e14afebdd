import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import {
  LIKELIHOODS, LIKELIHOOD_NAMES, likelihoodOf, checkSupport, continuousBernoulliLogNormalizer, continuousBernoulliMean,
} from '../lib/model/likelihood';
import { bernoulliLogLikelihood, gaussianLogLikelihood } from '../lib/model/distributions';
import { elbo, logLikelihood } from '../lib/model/elbo';
import { createVAE } from '../lib/model/vae';
import { checkManifest, MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../lib/io/artifacts';
import { decodeLatents } from '../lib/training/generate';
import { evaluate } from '../lib/training/evaluate';
import type { Dataset } from '../lib/data/dataset';

before(async () => {
  await initBackend();
});

const softplus = (l: number) => Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));

/** Simpson's rule on [0, 1] with n (even) intervals, in float64. */
function simpson(f: (x: number) => number, n = 2000): number {
  const h = 1 / n;
  let s = f(0) + f(1);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}

const LOGITS = [-40, -8, -1, -0.1001, -0.0999, -0.01, -1e-5, 0, 1e-5, 0.01, 0.0999, 0.1001, 1, 3, 8, 40];

test('continuous Bernoulli: log C(λ) = log(l / tanh(l/2)) and = −log ∫₀¹ λ^x (1−λ)^(1−x) dx, stable at λ = ½', () => {
  const got = tf.tidy(() => continuousBernoulliLogNormalizer(tf.tensor1d(LOGITS)).arraySync() as number[]);
  LOGITS.forEach((l, i) => {
    const closed = l === 0 ? Math.log(2) : Math.log(l / Math.tanh(l / 2));
    assert.ok(Math.abs(got[i] - closed) < 2e-6 * Math.max(1, Math.abs(closed)), `l = ${l}: ${got[i]} vs closed form ${closed}`);
    if (Math.abs(l) <= 8) {
      const integral = simpson((x) => Math.exp(x * l - softplus(l)));
      assert.ok(Math.abs(got[i] + Math.log(integral)) < 1e-5, `l = ${l}: ${got[i]} vs −log ∫ = ${-Math.log(integral)}`);
    }
  });
  assert.ok(Math.abs(got[LOGITS.indexOf(0)] - Math.log(2)) < 1e-7, 'C(½) = 2');
});

test('continuous Bernoulli: the mean is ∫ x p(x) dx, ½ at λ = ½, and the density integrates to 1', () => {
  const means = tf.tidy(() => continuousBernoulliMean(tf.tensor1d(LOGITS)).arraySync() as number[]);
  LOGITS.forEach((l, i) => {
    const logC = l === 0 ? Math.log(2) : Math.log(l / Math.tanh(l / 2));
    const p = (x: number) => Math.exp(x * l - softplus(l) + logC);
    if (Math.abs(l) <= 8) {
      assert.ok(Math.abs(simpson(p) - 1) < 1e-6, `l = ${l}: ∫ p = ${simpson(p)}`);
      assert.ok(Math.abs(means[i] - simpson((x) => x * p(x))) < 1e-5, `l = ${l}: mean ${means[i]} vs ∫ x p = ${simpson((x) => x * p(x))}`);
    }
    assert.ok(means[i] > 0 && means[i] < 1, `l = ${l}: mean ${means[i]} in (0, 1)`);
  });
  assert.ok(Math.abs(means[LOGITS.indexOf(40)] - (1 - 1 / 40)) < 1e-5, 'large l: mean → 1 − 1/l');
  assert.ok(Math.abs(means[LOGITS.indexOf(-40)] - 1 / 40) < 1e-5, 'large −l: mean → 1/|l|');
  // The registry's logProb on one pixel is the same density: exp(logProb) integrates to 1 over a grid of x.
  const n = 2000;
  const xs = Array.from({ length: n + 1 }, (_, i) => i / n);
  for (const l of [-3, 0, 0.05, 2]) {
    const lp = tf.tidy(() =>
      LIKELIHOODS['continuous-bernoulli'].logProb(tf.tensor2d(xs, [n + 1, 1]), tf.fill([n + 1, 1], l) as tf.Tensor2D).arraySync() as number[],
    );
    const w = (i: number) => (i === 0 || i === n ? 1 : i % 2 ? 4 : 2);
    const integral = lp.reduce((s, v, i) => s + w(i) * Math.exp(v), 0) / (3 * n);
    assert.ok(Math.abs(integral - 1) < 1e-5, `l = ${l}: ∫ exp(logProb) = ${integral}`);
  }
});

test('every likelihood: logProb per example matches its closed form, mean in [0, 1], finite gradients, no leaked tensors', () => {
  const logits = tf.tensor2d([LOGITS.slice(0, 8), LOGITS.slice(8)]); // [2, 8], includes 0 and ±40
  const xGrey = tf.tensor2d([[0, 0.1, 0.5, 1, 0.3, 0, 1, 0.7], [1, 0.2, 0, 0.5, 0.9, 1, 0, 0.4]]);
  const xBin = tf.tensor2d([[0, 1, 1, 0, 0, 1, 0, 1], [1, 0, 0, 1, 1, 0, 1, 0]]);
  const before = tf.memory().numTensors;
  const l = logits.arraySync();
  const xg = xGrey.arraySync();
  const xb = xBin.arraySync();
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const bern = (x: number[][], i: number) => x[i].reduce((s, xi, j) => s + xi * l[i][j] - softplus(l[i][j]), 0);
  const logC = (v: number) => (v === 0 ? Math.log(2) : Math.log(v / Math.tanh(v / 2)));
  const expected: Record<string, (i: number) => number> = {
    bernoulli: (i) => bern(xg, i),
    'bernoulli-binary': (i) => bern(xb, i),
    'continuous-bernoulli': (i) => bern(xg, i) + l[i].reduce((s, v) => s + logC(v), 0),
    gaussian: (i) => xg[i].reduce((s, xi, j) => s - 0.5 * (Math.log(2 * Math.PI) + Math.log(0.1) + (xi - sig(l[i][j])) ** 2 / 0.1), 0),
  };
  for (const name of LIKELIHOOD_NAMES) {
    const lik = LIKELIHOODS[name];
    assert.equal(likelihoodOf(name), lik);
    const x = lik.support === 'binary' ? xBin : xGrey;
    const params = { outputLogVar: Math.log(0.1) };
    const lp = lik.logProb(x, logits, params);
    assert.deepEqual(lp.shape, [2]);
    const v = lp.arraySync() as number[];
    lp.dispose();
    v.forEach((got, i) => assert.ok(Math.abs(got - expected[name](i)) < 1e-4 * Math.max(1, Math.abs(got)), `${name} row ${i}: ${got} vs ${expected[name](i)}`));
    const m = lik.mean(logits, params);
    assert.deepEqual(m.shape, [2, 8]);
    const mv = m.dataSync();
    m.dispose();
    assert.ok(mv.every((p) => p >= 0 && p <= 1), `${name}: mean in [0, 1]`);
    const g = tf.grad((lg: tf.Tensor) => tf.sum(lik.logProb(x, lg as tf.Tensor2D, params)))(logits);
    const gv = g.dataSync();
    g.dispose();
    assert.ok(gv.every(Number.isFinite), `${name}: finite gradients at l = 0 and |l| = 40: ${Array.from(gv)}`);
    assert.equal(tf.memory().numTensors, before, `${name}: no tensor leaked`);
  }
  // The continuous Bernoulli's gradient is continuous across its series/closed-form switch at |l| = 0.1.
  const g = tf.grad((lg: tf.Tensor) => tf.sum(continuousBernoulliLogNormalizer(lg)))(tf.tensor1d([0.0999, 0.1001, -0.0999, -0.1001]));
  const [a, b, c, d] = Array.from(g.dataSync());
  assert.ok(Math.abs(a - b) < 1e-4 && Math.abs(c - d) < 1e-4 && Math.abs(a - 0.1 / 6) < 1e-4, `d log C / dl near ±0.1: ${[a, b, c, d]}`);
  tf.dispose([g, logits, xGrey, xBin]);
});

test('elbo and logLikelihood go through the registry; unknown names and data outside the support are errors', () => {
  const vae = createVAE({ latentDim: 2, hiddenUnits: [8], seed: 1, likelihood: 'continuous-bernoulli' });
  const x = tf.tensor2d([Array.from({ length: 784 }, (_, i) => (i % 7) / 6)]);
  const out = vae.forward(x, tf.zeros([1, 2]) as tf.Tensor2D);
  const t = elbo(x, out, { likelihood: 'continuous-bernoulli' });
  const viaObject = elbo(x, out, { likelihood: LIKELIHOODS['continuous-bernoulli'] });
  const direct = tf.neg(LIKELIHOODS['continuous-bernoulli'].logProb(x, out.logits));
  assert.ok(Math.abs(t.recon.dataSync()[0] - direct.dataSync()[0]) < 1e-3);
  assert.equal(viaObject.recon.dataSync()[0], t.recon.dataSync()[0]);
  const bern = elbo(x, out, { likelihood: 'bernoulli' });
  assert.notEqual(bern.recon.dataSync()[0], t.recon.dataSync()[0], 'the normalizer enters the continuous Bernoulli');
  assert.throws(() => logLikelihood(x, out.logits, 'poisson' as never), /unknown likelihood 'poisson' \(use 'bernoulli', 'bernoulli-binary', 'continuous-bernoulli', 'gaussian'\)/);
  assert.throws(() => createVAE({ likelihood: 'poisson' as never }), /createVAE: likelihood must be one of 'bernoulli', .* got 'poisson'/);
  assert.throws(() => checkSupport('data d', LIKELIHOODS['bernoulli-binary'], [0, 1, 0.5]), /data d has value 0\.5 at index 2, outside the support of the 'bernoulli-binary' likelihood \(0 or 1: binarize the data first\)/);
  assert.throws(() => checkSupport('data d', LIKELIHOODS.gaussian, [0, 1.5]), /value 1\.5 at index 1.*\[0, 1\]/);
  checkSupport('data d', LIKELIHOODS.bernoulli, [0, 0.5, 1]);
  // Evaluating a binary likelihood on grey digits is refused, naming the data.
  const grey: Dataset = { images: new Float32Array(784).fill(0.5), labels: new Uint8Array(1), size: 1, height: 28, width: 28, name: 'grey-digits' };
  const binVae = createVAE({ latentDim: 2, hiddenUnits: [8], seed: 1, likelihood: 'bernoulli-binary' });
  assert.throws(() => evaluate(binVae, grey), /evaluate: data 'grey-digits' has value 0\.5 at index 0, outside the support of the 'bernoulli-binary' likelihood/);
  // Generation shows the likelihood's mean: for the continuous Bernoulli it is not sigmoid(logits).
  const codes = new Float32Array([0.3, -1.2, 2, 0.5]);
  const pictures = decodeLatents(vae, codes);
  const expected = tf.tidy(() => continuousBernoulliMean(vae.decode(tf.tensor2d(codes, [2, 2]))).dataSync());
  const sigmoid = tf.tidy(() => tf.sigmoid(vae.decode(tf.tensor2d(codes, [2, 2]))).dataSync());
  assert.ok(pictures.every((p, i) => Math.abs(p - expected[i]) < 1e-6));
  assert.ok(pictures.some((p, i) => Math.abs(p - sigmoid[i]) > 1e-3));
  tf.dispose([x, out.mean, out.logVar, out.z, out.logits, t.recon, t.kl, t.loss, t.elbo, viaObject.recon, viaObject.kl, viaObject.loss, viaObject.elbo, direct, bern.recon, bern.kl, bern.loss, bern.elbo]);
  vae.dispose();
  binVae.dispose();
});

test('a saved config without a likelihood (an older model) loads as the grey-level Bernoulli; a saved name round-trips', () => {
  const { likelihood: _absent, outputLogVar: _alsoAbsent, ...old } = createVAE({ latentDim: 2, hiddenUnits: [8] }).config;
  const m = checkManifest({ format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: 'vae', config: old }, 'old-model');
  assert.equal(m.config.likelihood, 'bernoulli');
  assert.equal(m.config.outputLogVar, 0);
  const cb = checkManifest({ format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: 'vae', config: { ...old, likelihood: 'continuous-bernoulli' } }, 'new');
  assert.equal(cb.config.likelihood, 'continuous-bernoulli');
  assert.throws(() => checkManifest({ format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: 'vae', config: { ...old, likelihood: 'poisson' } }, 'bad'), /loadModel: likelihood must be one of/);
  // The reconstruction term of the gaussian entry is the library's Gaussian log-density of sigmoid(logits).
  const x = tf.tensor2d([[0.2, 0.8]]);
  const l = tf.tensor2d([[0.5, -1]]);
  const a = LIKELIHOODS.gaussian.logProb(x, l, { outputLogVar: -1 });
  const b = tf.tidy(() => gaussianLogLikelihood(x, tf.sigmoid(l) as tf.Tensor2D, -1));
  const c = bernoulliLogLikelihood(x, l);
  const d = LIKELIHOODS.bernoulli.logProb(x, l);
  assert.equal(a.dataSync()[0], b.dataSync()[0]);
  assert.equal(c.dataSync()[0], d.dataSync()[0]);
  assert.throws(() => LIKELIHOODS.gaussian.logProb(x, l, { outputLogVar: NaN }), /outputLogVar must be a finite number/);
  tf.dispose([x, l, a, b, c, d]);
});

test('every likelihood samples: seeded, its draws average to its mean, continuous Bernoulli draws follow its CDF; no leaked tensors', () => {
  const logits = [-8, -1, -0.05, 0, 0.05, 1, 8];
  const n = 4000; // draws per logit
  const l = tf.tensor2d(Array.from({ length: n }, () => logits).flat(), [n, logits.length]);
  const before = tf.memory().numTensors;
  for (const name of LIKELIHOOD_NAMES) {
    const lik = LIKELIHOODS[name];
    const a = lik.sample(l, 7);
    const b = lik.sample(l, 7);
    const c = lik.sample(l, 8);
    const draws = a.arraySync();
    assert.deepEqual(draws, b.arraySync(), `${name}: same seed, same draws`);
    assert.notDeepEqual(draws, c.arraySync(), `${name}: another seed, other draws`);
    const mean = tf.tidy(() => lik.mean(l.slice([0, 0], [1, logits.length])).arraySync()[0]);
    logits.forEach((lj, j) => {
      const column = draws.map((row) => row[j]);
      const avg = column.reduce((s, v) => s + v, 0) / n;
      // 4,000 draws of a variable in [0, 1] (sd ≤ ½; the Gaussian's sd is 1): the average is within 5 standard errors.
      const se = (name === 'gaussian' ? 1 : 0.5) / Math.sqrt(n);
      assert.ok(Math.abs(avg - mean[j]) < 5 * se, `${name} at logit ${lj}: average draw ${avg}, mean ${mean[j]}`);
      if (name === 'bernoulli' || name === 'bernoulli-binary') assert.ok(column.every((v) => v === 0 || v === 1), `${name}: binary draws`);
      if (name === 'continuous-bernoulli') {
        assert.ok(column.every((v) => v >= 0 && v <= 1), 'draws in [0, 1]');
        // The empirical CDF at ¼, ½ and ¾ against F(x) = (e^{lx} − 1)/(e^l − 1) (x itself at l = 0).
        for (const x of [0.25, 0.5, 0.75]) {
          const F = lj === 0 ? x : Math.expm1(lj * x) / Math.expm1(lj);
          const empirical = column.filter((v) => v <= x).length / n;
          assert.ok(Math.abs(empirical - F) < 0.04, `continuous Bernoulli at logit ${lj}: P(x ≤ ${x}) = ${empirical}, F = ${F}`);
        }
      }
    });
    tf.dispose([a, b, c]);
  }
  assert.equal(tf.memory().numTensors, before);
  l.dispose();
});
