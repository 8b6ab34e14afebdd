// Exercise `cvae` (lib/coursework/exercises/cvae.ts): the solution scores full marks and the stub 0; a decoder that
// is not told the label, integer labels instead of one-hot ones, the label put first, and σ taken as the variance
// each lose the cases they should, with their hints. (Every seed's probes, the grading view and grading itself:
// test/protocol.test.ts, test/grade-library.test.ts, test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { reparameterize } from '../lib/model/distributions';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import type { Fn } from '../lib/coursework/exercises/cvae';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
});

const quiet = { quiet: true };
const hints = (r: CheckResult) => r.cases.filter((c) => !c.passed).map((c) => c.hint ?? '').join(' | ');
const oneHot = (labels: number[]) => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();

test('conditional VAE: the solution scores full marks and the stub 0; the usual mistakes get their hints', { timeout: 120_000 }, () => {
  const before = tf.memory().numTensors;
  const ok = check.cvaeForward(solutionOf('cvae') as Fn, quiet);
  assert.equal(ok.ok, true, formatResult(ok));

  const stub = check.cvaeForward(() => {
    throw new Error('TODO: implement cvaeForward');
  }, quiet);
  assert.equal(stub.points, 0, formatResult(stub));

  // The decoder padded with zeros instead of the label: it runs, but ignores the label.
  const blindDecoder: Fn = (enc, dec, x, labels, eps) => {
    const y = oneHot(labels);
    const [mean, logVar] = enc.apply(tf.concat([x, y], 1)) as tf.Tensor2D[];
    return { mean, logVar, logits: dec.apply(tf.concat([reparameterize(mean, logVar, eps), tf.zerosLike(y)], 1)) as tf.Tensor2D };
  };
  const blind = check.cvaeForward(blindDecoder, quiet);
  assert.match(hints(blind), /the decoder ignores the label/, formatResult(blind));

  const integers: Fn = (enc, dec, x, labels, eps) => {
    const y = tf.tensor2d(labels, [labels.length, 1]);
    const [mean, logVar] = enc.apply(tf.concat([x, y], 1)) as tf.Tensor2D[];
    return { mean, logVar, logits: dec.apply(tf.concat([reparameterize(mean, logVar, eps), y], 1)) as tf.Tensor2D };
  };
  const ints = check.cvaeForward(integers, quiet);
  assert.equal(ints.points, 0, formatResult(ints));
  assert.match(hints(ints), /inputDim \+ 10 columns/);

  const labelFirst: Fn = (enc, dec, x, labels, eps) => {
    const y = oneHot(labels);
    const [mean, logVar] = enc.apply(tf.concat([y, x], 1)) as tf.Tensor2D[];
    return { mean, logVar, logits: dec.apply(tf.concat([y, reparameterize(mean, logVar, eps)], 1)) as tf.Tensor2D };
  };
  const first = check.cvaeForward(labelFirst, quiet);
  assert.equal(first.points, 0, formatResult(first));

  const sigmaAsVar: Fn = (enc, dec, x, labels, eps) => {
    const y = oneHot(labels);
    const [mean, logVar] = enc.apply(tf.concat([x, y], 1)) as tf.Tensor2D[];
    return { mean, logVar, logits: dec.apply(tf.concat([tf.add(mean, tf.mul(tf.exp(logVar), eps)), y], 1)) as tf.Tensor2D };
  };
  const variance = check.cvaeForward(sigmaAsVar, quiet);
  assert.match(hints(variance), /σ = exp\(logVar \/ 2\)/, formatResult(variance));
  assert.equal(tf.memory().numTensors, before, 'the checks leave no tensor behind');
});
