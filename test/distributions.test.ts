import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import {
  reparameterize,
  klDivergence,
  gaussianKl,
  klMonteCarlo,
  logNormal,
  logStandardNormal,
  bernoulliLogLikelihood,
  gaussianLogLikelihood,
} from '../lib/model/distributions';

before(async () => {
  await initBackend();
});

const LOG_2PI = Math.log(2 * Math.PI);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(err <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
  }
}

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/**
 * Central differences of a scalar function f of one tensor, in float32: the
 * step h = 1e-2 keeps the rounding error (~1e-7 · |f| / h) well below the
 * truncation error (~h² · f'''), so 1e-2 relative agreement is a real check.
 */
function numericGrad(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, h = 1e-2): number[] {
  const base = x.dataSync();
  const out: number[] = [];
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

test('reparameterize: z = mean + exp(logVar/2) * eps on hand values', () => {
  const z = tf.tidy(() =>
    reparameterize(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, Math.log(4)]]), tf.tensor2d([[0.5, -1]])),
  );
  assert.deepEqual(z.shape, [1, 2]);
  close(values(z), [1.5, 0], 1e-6, 'z');
});

test('reparameterize: seeded noise is reproducible and has the requested mean and variance', () => {
  const n = 20000;
  const [a, b, c] = tf.tidy(() => {
    const mean = tf.fill([n, 1], 0.5) as tf.Tensor2D;
    const logVar = tf.fill([n, 1], Math.log(0.25)) as tf.Tensor2D;
    return [reparameterize(mean, logVar, undefined, 7), reparameterize(mean, logVar, undefined, 7), reparameterize(mean, logVar, undefined, 8)];
  });
  const zero = tf.tidy(() => {
    const m = tf.zeros([4, 2]) as tf.Tensor2D;
    return [reparameterize(m, m, undefined, 0), reparameterize(m, m, undefined, 0)];
  });
  assert.deepEqual(values(zero[0]), values(zero[1]), 'seed 0 is a seed like any other');
  const va = values(a);
  assert.deepEqual(va, values(b), 'same seed, same draws');
  assert.notDeepEqual(va, values(c), 'different seed, different draws');
  const m = va.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(va.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1));
  // Standard error of the mean is 0.5/√n ≈ 0.0035; allow 4 of them.
  assert.ok(Math.abs(m - 0.5) < 0.015, `sample mean ${m}`);
  assert.ok(Math.abs(sd - 0.5) < 0.01, `sample sd ${sd}`);
});

test('reparameterize: gradient reaches mean (1) and logVar (eps·σ/2), matching finite differences', () => {
  const mean = tf.tensor2d([[0.3, -1.2]]);
  const logVar = tf.tensor2d([[-0.5, 0.8]]);
  const eps = tf.tensor2d([[0.7, -1.1]]);
  const f = (m: tf.Tensor, lv: tf.Tensor) => tf.sum(reparameterize(m as tf.Tensor2D, lv as tf.Tensor2D, eps)) as tf.Scalar;
  const [gMean, gLogVar] = tf.grads(f)([mean, logVar]);
  close(values(gMean), [1, 1], 1e-6, 'dz/dmean');
  const expected = [0.5 * Math.exp(-0.25) * 0.7, 0.5 * Math.exp(0.4) * -1.1];
  close(values(gLogVar), expected, 1e-5, 'dz/dlogVar');
  close(numericGrad((lv) => f(mean, lv), logVar), expected, 1e-2, 'finite differences');
  tf.dispose([mean, logVar, eps]);
});

test('reparameterize: mismatched shapes and rank are clear errors', () => {
  const before = tf.memory().numTensors;
  const m = tf.zeros([2, 3]) as tf.Tensor2D;
  const lv = tf.zeros([2, 4]) as tf.Tensor2D;
  assert.throws(() => reparameterize(m, lv), /reparameterize: mean shape \[2,3\] and logVar shape \[2,4\] differ/);
  assert.throws(() => reparameterize(m, m, lv), /reparameterize: mean shape \[2,3\] and eps shape \[2,4\] differ/);
  const v = tf.zeros([3]) as unknown as tf.Tensor2D;
  assert.throws(() => reparameterize(v, v), /must be 2-D/);
  tf.dispose([m, lv, v]);
  assert.equal(tf.memory().numTensors, before);
});

test('klDivergence: closed form on hand values, zero at the prior', () => {
  // ½[(e⁰ + 1 − 1 − 0) + (2 + 0 − 1 − ln 2)] = 1 − ln(2)/2
  const kl = tf.tidy(() => klDivergence(tf.tensor2d([[1, 0], [0, 0]]), tf.tensor2d([[0, Math.log(2)], [0, 0]])));
  assert.deepEqual(kl.shape, [2]);
  close(values(kl), [1 - Math.log(2) / 2, 0], 1e-6, 'KL');
});

test('klDivergence: dKL/dmean = mean and dKL/dlogVar = (exp(logVar) − 1)/2, matching finite differences', () => {
  const mean = tf.tensor2d([[0.4, -1.5, 2]]);
  const logVar = tf.tensor2d([[-1, 0.3, 1.2]]);
  const f = (m: tf.Tensor, lv: tf.Tensor) => tf.sum(klDivergence(m as tf.Tensor2D, lv as tf.Tensor2D)) as tf.Scalar;
  const [gMean, gLogVar] = tf.grads(f)([mean, logVar]);
  close(values(gMean), [0.4, -1.5, 2], 1e-5, 'dKL/dmean');
  const expectedLv = [-1, 0.3, 1.2].map((lv) => (Math.exp(lv) - 1) / 2);
  close(values(gLogVar), expectedLv, 1e-5, 'dKL/dlogVar');
  close(numericGrad((m) => f(m, logVar), mean), [0.4, -1.5, 2], 1e-2, 'finite differences, mean');
  close(numericGrad((lv) => f(mean, lv), logVar), expectedLv, 1e-2, 'finite differences, logVar');
  tf.dispose([mean, logVar]);
});

test('gaussianKl: hand value, zero for equal Gaussians, equals klDivergence against N(0, I)', () => {
  // KL(N(1, 1) ‖ N(0, 4)) = ½(ln 4 + (1 + 1)/4 − 1)
  const kl = tf.tidy(() => gaussianKl(tf.tensor2d([[1]]), tf.tensor2d([[0]]), tf.tensor2d([[0]]), tf.tensor2d([[Math.log(4)]])));
  close(values(kl), [0.5 * (Math.log(4) + 0.5 - 1)], 1e-6, 'KL');
  const [same, vsPrior, analytic] = tf.tidy(() => {
    const m = tf.tensor2d([[0.3, -0.7], [1.1, 0.2]]);
    const lv = tf.tensor2d([[0.5, -0.4], [-1, 0.9]]);
    const zero = tf.zerosLike(m) as tf.Tensor2D;
    return [gaussianKl(m, lv, m, lv), gaussianKl(m, lv, zero, zero), klDivergence(m, lv)];
  });
  close(values(same), [0, 0], 1e-6, 'KL(p‖p)');
  close(values(vsPrior), values(analytic), 1e-6, 'KL vs prior');
});

test('klMonteCarlo: agrees with the analytic KL within a few standard errors', () => {
  const mean = [0.8, -0.3, 1.5];
  const logVar = [-0.6, 0.4, -1.2];
  const n = 4000;
  // n single-sample estimates (one row per draw) give the standard error too.
  const [single, many, analytic] = tf.tidy(() => {
    const m = tf.tensor2d([mean]);
    const lv = tf.tensor2d([logVar]);
    return [
      klMonteCarlo(tf.tile(m, [n, 1]) as tf.Tensor2D, tf.tile(lv, [n, 1]) as tf.Tensor2D, { samples: 1, seed: 3 }),
      klMonteCarlo(m, lv, { samples: n, seed: 4 }),
      klDivergence(m, lv),
    ];
  });
  const draws = values(single);
  const exact = values(analytic)[0];
  const avg = draws.reduce((s, v) => s + v, 0) / n;
  const se = Math.sqrt(draws.reduce((s, v) => s + (v - avg) ** 2, 0) / (n - 1) / n);
  assert.ok(se > 0 && se < 0.1, `standard error ${se}`);
  assert.ok(Math.abs(avg - exact) < 4 * se, `MC mean ${avg} vs analytic ${exact} (SE ${se})`);
  const [manyMean] = values(many);
  assert.ok(Math.abs(manyMean - exact) < 4 * se, `MC over ${n} samples ${manyMean} vs analytic ${exact}`);
  assert.throws(() => klMonteCarlo(tf.zeros([1, 1]) as tf.Tensor2D, tf.zeros([1, 1]) as tf.Tensor2D, { samples: 0, seed: 0 }), /samples must be a positive integer/);
});

test('logNormal and logStandardNormal: hand values', () => {
  const [a, b, c] = tf.tidy(() => [
    logNormal(tf.tensor2d([[1]]), tf.tensor2d([[0]]), tf.tensor2d([[0]])),
    // N(2; 1, e^{ln 4}) = −½(log 2π + ln 4 + 1/4)
    logNormal(tf.tensor2d([[2, 1]]), tf.tensor2d([[1, 1]]), tf.tensor2d([[Math.log(4), 0]])),
    logStandardNormal(tf.tensor2d([[1, 0], [2, -1]])),
  ]);
  close(values(a), [-0.5 * (LOG_2PI + 1)], 1e-6, 'logN(1;0,1)');
  close(values(b), [-0.5 * (LOG_2PI + Math.log(4) + 0.25) - 0.5 * LOG_2PI], 1e-6, '2-D logN');
  close(values(c), [-(LOG_2PI + 1 / 2), -(LOG_2PI + 5 / 2)], 1e-6, 'logStandardNormal');
});

test('bernoulliLogLikelihood: equals x log σ(l) + (1 − x) log(1 − σ(l)) and stays finite for large logits', () => {
  const x = [1, 0, 0.3, 1, 0, 1, 0];
  const l = [2, -1, 0.5, 100, 100, -100, -100];
  const ll = values(tf.tidy(() => bernoulliLogLikelihood(tf.tensor2d([x]), tf.tensor2d([l]))));
  let expected = 0;
  for (let i = 0; i < 3; i++) {
    const p = 1 / (1 + Math.exp(-l[i]));
    expected += x[i] * Math.log(p) + (1 - x[i]) * Math.log(1 - p);
  }
  // log σ(100) ≈ 0, log(1 − σ(100)) ≈ −100, log σ(−100) ≈ −100, log(1 − σ(−100)) ≈ 0.
  expected += 0 - 100 - 100 + 0;
  assert.ok(Number.isFinite(ll[0]));
  close(ll, [expected], 1e-5, 'log-likelihood');
});

test('bernoulliLogLikelihood: gradient wrt logits is x − σ(l), matching finite differences', () => {
  const xv = [1, 0, 0.3, 0.8];
  const lv = [2, -1, 0.5, -3];
  const x = tf.tensor2d([xv]);
  const logits = tf.tensor2d([lv]);
  const f = (l: tf.Tensor) => tf.sum(bernoulliLogLikelihood(x, l as tf.Tensor2D)) as tf.Scalar;
  const g = tf.grad(f)(logits);
  const expected = xv.map((xi, i) => xi - 1 / (1 + Math.exp(-lv[i])));
  close(values(g), expected, 1e-5, 'd/dlogits');
  close(numericGrad(f, logits), expected, 1e-2, 'finite differences');
  assert.throws(() => bernoulliLogLikelihood(x, tf.zeros([1, 3]) as tf.Tensor2D), /x shape \[1,4\] and logits shape \[1,3\] differ/);
  tf.dispose([x, logits]);
});

test('gaussianLogLikelihood: fixed and tensor variance, hand values', () => {
  const [a, b, c] = tf.tidy(() => {
    const x = tf.tensor2d([[1, 0.5]]);
    const m = tf.tensor2d([[0, 0.5]]);
    return [gaussianLogLikelihood(x, m), gaussianLogLikelihood(x, m, Math.log(0.5)), gaussianLogLikelihood(x, m, tf.tensor2d([[Math.log(0.5), 0]]))];
  });
  close(values(a), [-0.5 * 1 - LOG_2PI], 1e-6, 'σ² = 1');
  // Per pixel: −½(log 2π + ln ½ + d²/½)
  close(values(b), [-0.5 * (2 * LOG_2PI + 2 * Math.log(0.5) + 2)], 1e-6, 'σ² = ½');
  close(values(c), [-0.5 * (LOG_2PI + Math.log(0.5) + 2) - 0.5 * LOG_2PI], 1e-6, 'per-pixel σ²');
  assert.throws(() => gaussianLogLikelihood(tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([1, 2]) as tf.Tensor2D, NaN), /logVar must be finite/);
});

test('no leaks: every function leaves tf.memory().numTensors where it was once outputs are disposed', () => {
  const m = tf.tensor2d([[0.1, 0.2]]);
  const lv = tf.tensor2d([[0.3, -0.2]]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    tf.dispose([
      reparameterize(m, lv, undefined, i),
      klDivergence(m, lv),
      gaussianKl(m, lv, lv, m),
      klMonteCarlo(m, lv, { samples: 5, seed: i }),
      logNormal(m, m, lv),
      logStandardNormal(m),
      bernoulliLogLikelihood(m, lv),
      gaussianLogLikelihood(m, lv, 0.5),
    ]);
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([m, lv]);
});
