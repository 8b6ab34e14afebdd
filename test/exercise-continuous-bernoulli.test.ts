// Exercise `continuous-bernoulli` (lib/coursework/exercises/continuous-bernoulli.ts): the solution scores full marks
// and the stub 0; the usual mistakes — no normaliser, the normaliser in λ = σ(l), the closed form at l = 0, a
// switch to the series on tf.less (no gradient) or on a condition read out of the tensor (a NaN gradient at 0), a
// mean over pixels — each lose the cases they should, with their hints.
// (Every seed's probes, the grading view and grading itself: test/protocol.test.ts, test/grade-library.test.ts,
// test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { bernoulliLogLikelihood } from '../lib/model/distributions';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import type { Fn } from '../lib/coursework/exercises/continuous-bernoulli';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
});

const quiet = { quiet: true };
const failing = (r: CheckResult, name: RegExp) => r.cases.find((c) => name.test(c.name) && !c.passed);
const hintOf = (r: CheckResult, name: RegExp) => failing(r, name)?.hint ?? '';

/** log C written in λ = σ(l), as the paper writes it: 2 artanh(1 − 2λ) / (1 − 2λ). */
const logCInLambda = (l: tf.Tensor2D) => {
  const u = tf.sub(1, tf.mul(2, tf.sigmoid(l))); // 1 − 2λ
  const artanh = tf.mul(0.5, tf.log(tf.div(tf.add(1, u), tf.sub(1, u))));
  return tf.log(tf.div(tf.mul(2, artanh), u));
};
/** log C in the logit, closed form only: log(|l| / tanh(|l| / 2)). */
const logCClosed = (l: tf.Tensor2D) => tf.sub(tf.log(tf.abs(l)), tf.log(tf.tanh(tf.mul(tf.abs(l), 0.5))));
const series = (l: tf.Tensor2D) => {
  const l2 = tf.square(l);
  return tf.add(Math.log(2), tf.mul(l2, tf.sub(1 / 12, tf.mul(l2, 7 / 1440))));
};
/** The series near 0 switched in with tf.where on tf.less: TF.js has no gradient for tf.less. */
const logCLess = (l: tf.Tensor2D) => tf.where(tf.less(tf.abs(l), 0.1), series(l), logCClosed(l));
/** The same switch with a condition read out of the tensor: right values, NaN gradients from the closed branch at 0. */
const logCDetached = (l: tf.Tensor2D) => {
  const small = tf.tensor(Array.from(l.dataSync(), (v) => (Math.abs(v) < 0.1 ? 1 : 0)), l.shape, 'bool');
  return tf.where(small, series(l), logCClosed(l));
};
const withLogC = (logC: (l: tf.Tensor2D) => tf.Tensor, reduce: 'sum' | 'mean' = 'sum'): Fn => (x, l) =>
  tf.tidy(() => {
    const perExample = tf.add(bernoulliLogLikelihood(x, l), tf.sum(logC(l), 1));
    return reduce === 'sum' ? perExample : tf.div(perExample, x.shape[1]);
  });

test('continuous Bernoulli: the solution scores full marks and the stub 0; each usual mistake gets its hint', { timeout: 120_000 }, () => {
  const before = tf.memory().numTensors;
  const ok = check.continuousBernoulliLogProb(solutionOf('continuous-bernoulli') as Fn, quiet);
  assert.equal(ok.ok, true, formatResult(ok));

  const stub = check.continuousBernoulliLogProb(() => {
    throw new Error('TODO: implement continuousBernoulliLogProb');
  }, quiet);
  assert.equal(stub.points, 0, formatResult(stub));

  const noNormaliser = check.continuousBernoulliLogProb((x, l) => bernoulliLogLikelihood(x, l), quiet);
  assert.equal(noNormaliser.points, 0, formatResult(noNormaliser));
  assert.match(hintOf(noNormaliser, /random x/), /without the normaliser/);

  const inLambda = check.continuousBernoulliLogProb(withLogC(logCInLambda), quiet);
  assert.match(hintOf(inLambda, /large \|logits\|/), /write log C in the logit/, formatResult(inLambda));

  const closed = check.continuousBernoulliLogProb(withLogC(logCClosed), quiet);
  assert.match(hintOf(closed, /logits 0/), /0\/0/, formatResult(closed));
  assert.ok(failing(closed, /near 0/), 'the closed form fails near 0 too');
  assert.equal(failing(closed, /random x/), undefined, 'the closed form is right away from 0');

  const detached = check.continuousBernoulliLogProb(withLogC(logCDetached), quiet);
  assert.match(hintOf(detached, /near 0/), /gradient is NaN although the value is right/, formatResult(detached));

  const mean = check.continuousBernoulliLogProb(withLogC(logCDetached, 'mean'), quiet);
  assert.equal(mean.points, 0, formatResult(mean));
  assert.match(hintOf(mean, /random x/), /averaged over the pixels/);
  assert.equal(tf.memory().numTensors, before, 'the checks leave no tensor behind');

  // Last: when tf.grad fails for want of a gradient (tf.less has none), TF.js leaves the tape's tensors behind,
  // outside any scope the check can close.
  const less = check.continuousBernoulliLogProb(withLogC(logCLess), quiet);
  assert.match(hintOf(less, /near 0/), /no gradient for a comparison/, formatResult(less));
});
