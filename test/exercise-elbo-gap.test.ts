// Exercise `elbo-gap` (lib/coursework/exercises/elbo-gap.ts): the solution passes; the sign flipped and the bound
// itself get their hints; a constant zero passes the cases where the gap is zero but earns nothing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { check, formatResult, IwaeFn } from '../lib/coursework/check';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
});

const quiet = { quiet: true };

test('ELBO gap: the solution passes; a flipped sign and the bound itself get their hints; zeros earn nothing', () => {
  const before = tf.memory().numTensors;
  const gap = solutionOf('elbo-gap') as IwaeFn;
  const bound = solutionOf('iwae') as IwaeFn;
  const ok = check.elboGap(gap, quiet);
  assert.equal(ok.ok, true, formatResult(ok));
  const flipped = check.elboGap((...a: Parameters<IwaeFn>) => tf.neg(gap(...a)), quiet);
  assert.match(flipped.cases.find((c) => /against the reference/.test(c.name))?.hint ?? '', /gap L_K − ELBO is ≥ 0/);
  const itself = check.elboGap(bound, quiet);
  assert.match(itself.cases.find((c) => /against the reference/.test(c.name))?.hint ?? '', /that is the bound itself/);
  const zeros = check.elboGap((x: tf.Tensor2D) => tf.zeros([x.shape[0]]), quiet);
  assert.ok(zeros.passed >= 2, formatResult(zeros));
  assert.equal(zeros.points, 0);
  assert.equal(tf.memory().numTensors, before);
});
