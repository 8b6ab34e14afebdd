// Exercise `free-bits` (lib/coursework/exercises/free-bits.ts): the solution passes, and the usual mistakes —
// flooring the total instead of each dimension, flooring per example before the batch mean, no floor — each get
// their hint. (Every seed's probes, the grading view and grading itself: test/protocol.test.ts,
// test/grade-library.test.ts, test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { klPerDimension } from '../lib/model/distributions';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
});

const quiet = { quiet: true };
const hintOf = (r: CheckResult, name: RegExp) => r.cases.find((c) => name.test(c.name) && !c.passed)?.hint ?? '';

test('free bits: the solution passes; a floor on the total, per-example floors and no floor get their hints', () => {
  const before = tf.memory().numTensors;
  const ok = check.freeBits(solutionOf('free-bits') as (m: tf.Tensor2D, lv: tf.Tensor2D, l: number) => tf.Tensor, quiet);
  assert.equal(ok.ok, true, formatResult(ok));
  const total = check.freeBits((m: tf.Tensor2D, lv: tf.Tensor2D, l: number) => tf.maximum(tf.sum(tf.mean(klPerDimension(m, lv), 0)), l), quiet);
  assert.match(hintOf(total, /a floor above every dimension/), /each latent dimension/);
  const perExample = check.freeBits((m: tf.Tensor2D, lv: tf.Tensor2D, l: number) => tf.mean(tf.sum(tf.maximum(klPerDimension(m, lv), l), 1)), quiet);
  assert.match(hintOf(perExample, /some dimensions below the floor/), /average each dimension's KL over the batch first/);
  const none = check.freeBits((m: tf.Tensor2D, lv: tf.Tensor2D) => tf.sum(tf.mean(klPerDimension(m, lv), 0)), quiet);
  assert.equal(none.points, 0, 'no core case passes without the floor');
  assert.match(hintOf(none, /some dimensions below the floor/), /the floor λ is missing/);
  const perDim = check.freeBits((m: tf.Tensor2D, lv: tf.Tensor2D) => klPerDimension(m, lv), quiet);
  assert.match(perDim.cases.find((c) => /a scalar/.test(c.name))?.hint ?? '', /one number/);
  assert.equal(tf.memory().numTensors, before);
});
