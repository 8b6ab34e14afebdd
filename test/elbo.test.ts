import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { elbo, freeBitsKl, klWarmup, constantBeta, logLikelihood } from '../lib/model/elbo';

before(async () => {
  await initBackend();
});

const LOG_2PI = Math.log(2 * Math.PI);
const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
const bern = (x: number[], l: number[]) => x.reduce((s, xi, i) => s + xi * Math.log(sigmoid(l[i])) + (1 - xi) * Math.log(1 - sigmoid(l[i])), 0);
const kl = (m: number[], lv: number[]) => 0.5 * m.reduce((s, mi, i) => s + Math.exp(lv[i]) + mi * mi - 1 - lv[i], 0);

function num(t: tf.Tensor): number {
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

test('elbo: terms in nats per example on hand values, β weights only the loss', () => {
  const before = tf.memory().numTensors;
  const expectRecon = -(bern(X[0], LOGITS[0]) + bern(X[1], LOGITS[1])) / 2;
  const expectKl = (kl(MEAN[0], LOGVAR[0]) + kl(MEAN[1], LOGVAR[1])) / 2;
  tf.tidy(() => {
    const { x, out } = inputs();
    const t1 = elbo(x, out);
    assert.ok(Math.abs(num(t1.recon) - expectRecon) < 1e-5, `recon ${num(t1.recon)} vs ${expectRecon}`);
    assert.ok(Math.abs(num(t1.kl) - expectKl) < 1e-5, `kl ${num(t1.kl)} vs ${expectKl}`);
    assert.ok(Math.abs(num(t1.loss) - (expectRecon + expectKl)) < 1e-5);
    assert.ok(Math.abs(num(t1.elbo) + (expectRecon + expectKl)) < 1e-5);
    const t2 = elbo(x, out, { beta: 4 });
    assert.ok(Math.abs(num(t2.loss) - (expectRecon + 4 * expectKl)) < 1e-4, 'loss = recon + β·kl');
    assert.ok(Math.abs(num(t2.elbo) + (expectRecon + expectKl)) < 1e-5, 'elbo does not depend on β');
    for (const s of [t1.recon, t1.kl, t1.loss, t1.elbo]) assert.equal(s.rank, 0);
  });
  assert.equal(tf.memory().numTensors, before);
});

test('elbo: Gaussian likelihood reads sigmoid(logits) as the mean', () => {
  tf.tidy(() => {
    const { x, out } = inputs();
    const t = elbo(x, out, { likelihood: 'gaussian', outputLogVar: Math.log(0.1) });
    let expected = 0;
    for (let r = 0; r < 2; r++) {
      for (let i = 0; i < 3; i++) {
        const d = X[r][i] - sigmoid(LOGITS[r][i]);
        expected += 0.5 * (LOG_2PI + Math.log(0.1) + (d * d) / 0.1);
      }
    }
    assert.ok(Math.abs(num(t.recon) - expected / 2) < 1e-4, `recon ${num(t.recon)} vs ${expected / 2}`);
  });
});

test('elbo: gradient of the loss wrt logits is −(x − σ(l)) / batch', () => {
  tf.tidy(() => {
    const { x, out } = inputs();
    const g = tf.grad((l: tf.Tensor) => elbo(x, { ...out, logits: l as tf.Tensor2D }).loss)(out.logits).arraySync() as number[][];
    for (let r = 0; r < 2; r++) {
      for (let i = 0; i < 3; i++) {
        const expected = -(X[r][i] - sigmoid(LOGITS[r][i])) / 2;
        assert.ok(Math.abs(g[r][i] - expected) < 1e-5, `g[${r}][${i}] = ${g[r][i]}, expected ${expected}`);
      }
    }
  });
});

/** KL of dimension j of example b, by hand. */
const klDim = (m: number, lv: number) => 0.5 * (Math.exp(lv) + m * m - 1 - lv);

test('freeBitsKl: Σ_j max(λ, batch mean of KL_j), with no gradient below λ', () => {
  const perDim = [0, 1].map((j) => (klDim(MEAN[0][j], LOGVAR[0][j]) + klDim(MEAN[1][j], LOGVAR[1][j])) / 2);
  tf.tidy(() => {
    const { out } = inputs();
    assert.ok(Math.abs(num(freeBitsKl(out.mean, out.logVar, 0)) - (perDim[0] + perDim[1])) < 1e-5, 'λ = 0: the plain KL');
    const lambda = (perDim[0] + perDim[1]) / 2; // between the two dimensions' KLs
    const expected = Math.max(lambda, perDim[0]) + Math.max(lambda, perDim[1]);
    assert.ok(Math.abs(num(freeBitsKl(out.mean, out.logVar, lambda)) - expected) < 1e-5);
    // The dimension below λ gets no gradient; the one above gets the plain KL's, ∂/∂μ = μ / batch.
    const low = perDim[0] < perDim[1] ? 0 : 1;
    const g = tf.grad((m: tf.Tensor) => freeBitsKl(m as tf.Tensor2D, out.logVar, lambda))(out.mean).arraySync() as number[][];
    for (let b = 0; b < 2; b++) {
      assert.equal(g[b][low], 0, `example ${b}, dimension ${low} (below λ): no gradient`);
      assert.ok(Math.abs(g[b][1 - low] - MEAN[b][1 - low] / 2) < 1e-5);
    }
    assert.throws(() => freeBitsKl(out.mean, out.logVar, -1), /freeBitsKl: lambda must be a finite number ≥ 0, got -1/);
  });
});

test('elbo: free bits and the per-pixel mean change the loss only; recon, kl and elbo stay in nats', () => {
  tf.tidy(() => {
    const { x, out } = inputs();
    const plain = elbo(x, out);
    const fb = elbo(x, out, { freeBits: 10 });
    assert.ok(Math.abs(num(fb.loss) - (num(plain.recon) + 2 * 10)) < 1e-4, 'every dimension is below λ = 10: Σ_j λ');
    const mean = elbo(x, out, { pixelReduction: 'mean', beta: 2 });
    assert.ok(Math.abs(num(mean.loss) - (num(plain.recon) / 3 + 2 * num(plain.kl))) < 1e-5, 'recon / pixels + β·kl');
    for (const t of [fb, mean]) {
      assert.equal(num(t.recon), num(plain.recon));
      assert.equal(num(t.kl), num(plain.kl));
      assert.equal(num(t.elbo), num(plain.elbo));
    }
    assert.throws(() => elbo(x, out, { freeBits: -0.5 }), /elbo: freeBits must be a finite number ≥ 0, got -0.5/);
    assert.throws(() => elbo(x, out, { pixelReduction: 'median' as never }), /elbo: pixelReduction must be 'sum' or 'mean', got 'median'/);
  });
});

test('elbo: bad inputs are clear errors', () => {
  tf.tidy(() => {
    const { x, out } = inputs();
    assert.throws(() => elbo(x, out, { beta: -1 }), /elbo: beta must be a finite number ≥ 0, got -1/);
    assert.throws(() => elbo(x, out, { beta: NaN }), /beta must be/);
    assert.throws(() => elbo(tf.zeros([2, 4]) as tf.Tensor2D, out), /elbo: x shape \[2,4\] and logits shape \[2,3\] differ/);
    assert.throws(() => logLikelihood(x, out.logits, 'poisson' as never), /unknown likelihood 'poisson'/);
  });
});

test('klWarmup: linear from 0 to betaMax, then flat; constantBeta', () => {
  const w = klWarmup({ warmupSteps: 100, betaMax: 2 });
  assert.equal(w(0), 0);
  assert.equal(w(50), 1);
  assert.equal(w(100), 2);
  assert.equal(w(1000), 2);
  assert.equal(klWarmup({ warmupSteps: 10 })(5), 0.5);
  assert.equal(klWarmup({ warmupSteps: 0 })(0), 1);
  assert.equal(constantBeta(3)(12345), 3);
  assert.throws(() => klWarmup({ warmupSteps: -1 }), /warmupSteps must be a number ≥ 0/);
  assert.throws(() => constantBeta(-0.5), /constantBeta: beta must be a finite number ≥ 0/);
});
