// Exercise `pixels-reading` (lib/coursework/exercises/pixels-reading.ts): the number it checks is the one the
// independent-pixel model gives on the book's digits (recomputed here with that exercise's reference), the solution
// passes, and the usual slips — the log-likelihood for the NLL, bits per pixel, a one-line explanation — fail with
// their hints. (Grading itself, the written column included: test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { loadData } from '../lib/data/load';
import { binarize, toTensor } from '../lib/data/dataset';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import { independentPixelsLogLikelihood } from '../lib/coursework/exercises/independent-pixels';
import { INDEPENDENT_PIXELS_NLL, readIndependentPixels } from '../lib/coursework/exercises/pixels-reading';

before(async () => {
  await initBackend();
});

const quiet = { quiet: true };
const hints = (r: CheckResult) => r.cases.filter((c) => !c.passed).map((c) => c.hint ?? '').join(' | ');

test('pixels reading: the checked NLL is the one the independent-pixel reference gives on the book digits', () => {
  const start = tf.memory().numTensors;
  const { train, test: testSet } = loadData({ seed: 0 });
  const nll = tf.tidy(() => {
    const [xTrain, xTest] = [train, testSet].map((d) => toTensor(binarize(d, { mode: 'threshold' })) as tf.Tensor2D);
    return -tf.mean(independentPixelsLogLikelihood(xTrain, xTest)).dataSync()[0];
  });
  assert.ok(Math.abs(nll - INDEPENDENT_PIXELS_NLL.nats) < 0.05, `measured ${nll}, the exercise says ${INDEPENDENT_PIXELS_NLL.nats}`);
  assert.equal(tf.memory().numTensors, start);
});

test('pixels reading: the solution passes; the log-likelihood, bits per pixel and a one-liner get their hints', () => {
  const ok = check.pixelsReading(readIndependentPixels, quiet);
  assert.equal(ok.ok, true, formatResult(ok));
  const explanation = readIndependentPixels().explanation;
  const { nats } = INDEPENDENT_PIXELS_NLL;
  const logLik = check.pixelsReading(() => ({ testNll: -nats, explanation }), quiet);
  assert.equal(logLik.points, 0);
  assert.match(hints(logLik), /the NLL is its negative/);
  const bitsPerPixel = check.pixelsReading(() => ({ testNll: nats / (784 * Math.LN2), explanation }), quiet);
  assert.equal(bitsPerPixel.points, 0);
  assert.match(hints(bitsPerPixel), /bits per pixel/);
  const terse = check.pixelsReading(() => ({ testNll: nats, explanation: 'speckles' }), quiet);
  assert.equal(terse.ok, false);
  assert.match(hints(terse), /explain/);
  const notObject = check.pixelsReading((() => nats) as unknown as () => { testNll: number; explanation: string }, quiet);
  assert.equal(notObject.points, 0);
});
