// Exercise `independent-pixels` (lib/coursework/exercises/independent-pixels.ts): the solution passes and matches
// the sum written out by hand; the usual mistakes — no clipping, bits, a mean over pixels, fitting on the test set,
// clipping only at 0 — each fail with their hint. (Every seed's probes, the grading view and grading itself:
// test/protocol.test.ts, test/grade-library.test.ts, test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import { PIXEL_EPSILON } from '../lib/coursework/exercises/independent-pixels';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
});

type Fn = (train: tf.Tensor2D, test: tf.Tensor2D) => tf.Tensor;
const quiet = { quiet: true };
const hints = (r: CheckResult) => r.cases.filter((c) => !c.passed).map((c) => c.hint ?? '').join(' | ');

/** The log-likelihood written out as chapter 1 does, with the probabilities clipped to [lo, hi] and a log `log`. */
function written(opts: { lo?: number; hi?: number; log?: (t: tf.Tensor) => tf.Tensor; fitOnTest?: boolean; mean?: boolean } = {}): Fn {
  const log = opts.log ?? tf.log;
  return (train, test) =>
    tf.tidy(() => {
      let p: tf.Tensor = tf.mean(opts.fitOnTest ? test : train, 0);
      p = tf.clipByValue(p, opts.lo ?? 0, opts.hi ?? 1);
      const perPixel = tf.add(tf.mul(test, log(p)), tf.mul(tf.sub(1, test), log(tf.sub(1, p))));
      return opts.mean ? tf.mean(perPixel, 1) : tf.sum(perPixel, 1);
    });
}
const eps = PIXEL_EPSILON;
const clipped = { lo: eps, hi: 1 - eps };

test('independent pixels: the solution passes and equals the log-likelihood written out per pixel', () => {
  const start = tf.memory().numTensors;
  const solution = solutionOf('independent-pixels') as Fn;
  const ok = check.independentPixelsLogLikelihood(solution, quiet);
  assert.equal(ok.ok, true, formatResult(ok));
  // The library's logit form and the chapter's sum agree on digits-like data.
  tf.tidy(() => {
    const train = tf.cast(tf.greater(tf.randomUniform([50, 20], 0, 1, 'float32', 1), 0.7), 'float32') as tf.Tensor2D;
    const testImages = tf.cast(tf.greater(tf.randomUniform([6, 20], 0, 1, 'float32', 2), 0.7), 'float32') as tf.Tensor2D;
    const a = Array.from(solution(train, testImages).dataSync());
    const b = Array.from(written(clipped)(train, testImages).dataSync());
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-3, `${v} against ${b[i]}`));
  });
  const hand = check.independentPixelsLogLikelihood(written(clipped), quiet);
  assert.equal(hand.ok, true, formatResult(hand));
  assert.equal(tf.memory().numTensors, start);
});

test('independent pixels: no clipping, bits, a mean over pixels, fitting on the test set and a one-sided clip get their hints', () => {
  const start = tf.memory().numTensors;
  const noClip = check.independentPixelsLogLikelihood(written(), quiet);
  assert.equal(noClip.ok, false);
  assert.equal(noClip.points, 0, formatResult(noClip));
  assert.match(hints(noClip), /log 0 = −Infinity .*: clip p_i/);

  const bits = check.independentPixelsLogLikelihood(written({ ...clipped, log: (t) => tf.div(tf.log(t), Math.LN2) }), quiet);
  assert.equal(bits.points, 0, formatResult(bits));
  assert.match(hints(bits), /in bits/);

  const meanOverPixels = check.independentPixelsLogLikelihood(written({ ...clipped, mean: true }), quiet);
  assert.equal(meanOverPixels.points, 0, formatResult(meanOverPixels));
  assert.match(hints(meanOverPixels), /averaged over the pixels/);

  const onTest = check.independentPixelsLogLikelihood(written({ ...clipped, fitOnTest: true }), quiet);
  assert.equal(onTest.points, 0, formatResult(onTest));
  assert.match(hints(onTest), /fitted p_i on the test images/);

  const floorOnly = check.independentPixelsLogLikelihood(written({ lo: eps, hi: 1 }), quiet);
  assert.equal(floorOnly.ok, false);
  assert.match(hints(floorOnly), /always on: 1 − p_i = 0/);

  const negated = check.independentPixelsLogLikelihood((a, b) => tf.neg(written(clipped)(a, b)), quiet);
  assert.equal(negated.points, 0);
  assert.match(hints(negated), /≤ 0/);
  assert.equal(tf.memory().numTensors, start);
});
