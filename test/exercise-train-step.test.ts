// Exercise `train-step` (lib/coursework/exercises/train-step.ts): the solution scores full marks and the stub 0; the
// usual mistakes — a step that leaks its gradients, one that climbs the ELBO, one that never applies the gradients,
// one that trains the decoder only, one that applies a NaN loss, the library's own step — each lose the cases they
// should, with their hints.
// The reference is the library's own trainStep, so this also shows that the step by hand (tf.variableGrads and
// applyGradients) lands where the library's (optimizer.minimize) does. (Every seed's probes, the grading view and
// grading itself: test/protocol.test.ts, test/grade-library.test.ts, test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../lib/index';
import { initBackend } from '../lib/backend/backend';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import type { Fn } from '../lib/coursework/exercises/train-step';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
  // The solution's source uses the notebook's globals (its set-up cell: `import * as vae from './lib/index'`).
  (globalThis as { vae?: typeof lib }).vae = lib;
});

const quiet = { quiet: true };
const hintOf = (r: CheckResult, name: RegExp) => r.cases.find((c) => name.test(c.name) && !c.passed)?.hint ?? '';
const gotOf = (r: CheckResult, name: RegExp) => r.cases.find((c) => name.test(c.name) && !c.passed)?.got ?? '';

/** A step as a student might write it, with one mistake or another. */
function stepWith(opts: { tidy?: boolean; ascend?: boolean; apply?: boolean; decoderOnly?: boolean; nanCheck?: boolean } = {}): Fn {
  const { tidy = true, ascend = false, apply = true, decoderOnly = false, nanCheck = true } = opts;
  return (model, optimizer, x, noiseSeed) => {
    const body = () => {
      const vars = decoderOnly ? model.decoder.trainableWeights.map((w) => w.read() as tf.Variable) : model.trainableWeights();
      const { value, grads } = tf.variableGrads(() => {
        const t = lib.elbo(x, model.forward(x, undefined, noiseSeed));
        return ascend ? t.elbo : t.loss;
      }, vars);
      const loss = value.dataSync()[0];
      if (nanCheck && !Number.isFinite(loss)) throw new Error(`loss ${loss}`);
      if (apply) optimizer.applyGradients(grads);
      return ascend ? -loss : loss;
    };
    return tidy ? tf.tidy(body) : body();
  };
}

test('train step: the solution scores full marks and the stub 0; leaks, ascent, no update, half the weights, NaN and the library\'s own step get their hints', { timeout: 120_000 }, async () => {
  const before = tf.memory().numTensors;
  const ok = check.trainStep(solutionOf('train-step') as Fn, quiet);
  assert.equal(ok.ok, true, formatResult(ok));
  assert.equal(check.trainStep(stepWith(), quiet).ok, true, "a student's own correct step passes");

  const stub = check.trainStep(() => {
    throw new Error('TODO: implement trainStep');
  }, quiet);
  assert.equal(stub.points, 0, formatResult(stub));

  const leaky = check.trainStep(stepWith({ tidy: false }), quiet);
  assert.match(gotOf(leaky, /frees what it allocates/), /\d+ more tensors after each step/, formatResult(leaky));
  assert.match(hintOf(leaky, /frees what it allocates/), /dispose the gradients/);

  const ascent = check.trainStep(stepWith({ ascend: true }), quiet);
  assert.equal(ascent.points, 0, formatResult(ascent));
  assert.match(hintOf(ascent, /leave the weights/), /moved uphill/);

  const noUpdate = check.trainStep(stepWith({ apply: false }), quiet);
  assert.equal(noUpdate.points, 0, formatResult(noUpdate));
  assert.match(hintOf(noUpdate, /leave the weights/), /optimizer\.applyGradients/);

  const decoderOnly = check.trainStep(stepWith({ decoderOnly: true }), quiet);
  assert.match(hintOf(decoderOnly, /leave the weights/), /every weight of the model/, formatResult(decoderOnly));

  const noNanCheck = check.trainStep(stepWith({ nanCheck: false }), quiet);
  assert.match(hintOf(noNanCheck, /not finite/), /Number\.isFinite/, formatResult(noNanCheck));
  assert.equal(noNanCheck.cases.filter((c) => !c.passed).length, 1, 'only the NaN case fails');

  // The library's own step (it calls optimizer.minimize, through which the check's optimizer applies nothing): no points.
  const library = check.trainStep(((model, optimizer, x, noiseSeed) => {
    const loss = tf.tidy(() => lib.elbo(x, model.forward(x, undefined, noiseSeed)).loss.dataSync()[0]);
    void lib.trainStep(model, optimizer as lib.FusedAdam, model.trainableWeights(), x, { beta: 1, freeBits: 0, pixelReduction: 'sum', noiseSeed }).catch(() => undefined);
    return loss;
  }) as Fn, quiet);
  assert.equal(library.points, 0, formatResult(library));
  assert.match(hintOf(library, /leave the weights/), /optimizer\.minimize \(and vae\.trainStep/);

  // The reference's library steps settle their promises (the loss read back) on their own: then nothing is left.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(tf.memory().numTensors, before, 'the checks leave no tensor behind');
});
