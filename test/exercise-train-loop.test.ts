// Exercise `train-loop` (lib/coursework/exercises/train-loop.ts): the solution scores full marks and the stub 0; a
// loop of one epoch, one that leaves its optimizer and batches behind, one that swallows the NaN error and one whose
// loss rises each lose the cases they should, with their hints. (Every seed's probes, the
// grading view and grading itself: test/protocol.test.ts, test/grade-library.test.ts, test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../lib/index';
import { initBackend } from '../lib/backend/backend';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import type { Fn } from '../lib/coursework/exercises/train-loop';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
  // The loop's solution calls the notebook's trainStep, the answer of the exercise before it.
  (globalThis as { trainStep?: unknown }).trainStep = solutionOf('train-step');
});

const quiet = { quiet: true };
const hintOf = (r: CheckResult, name: RegExp) => r.cases.find((c) => name.test(c.name) && !c.passed)?.hint ?? '';
const step = () => solutionOf('train-step') as (m: lib.VAE, o: tf.Optimizer, x: tf.Tensor2D, s: number) => number;

/** A loop as a student might write it, with one mistake or another. */
function loopWith(opts: { epochs?: boolean; dispose?: boolean; swallow?: boolean } = {}): Fn {
  const { epochs = true, dispose = true, swallow = false } = opts;
  return (model, data, o) => {
    const rng = new lib.Rng(o.seed);
    const optimizer = lib.adam({ learningRate: o.learningRate });
    const losses: number[] = [];
    try {
      for (let e = 0; e < (epochs ? o.epochs : 1); e++) {
        for (const batch of lib.batches(data, { batchSize: o.batchSize, shuffle: true, rng })) {
          const x = tf.tensor2d(batch.x, [batch.size, data.height * data.width]);
          try {
            losses.push(step()(model, optimizer, x, rng.seed()));
          } catch (err) {
            if (!swallow) throw err;
            losses.push(NaN);
          } finally {
            if (dispose) x.dispose();
          }
        }
      }
    } finally {
      if (dispose) optimizer.dispose();
    }
    return losses;
  };
}

test('training loop: the solution scores full marks and the stub 0; one epoch, leaks, a swallowed NaN and a rising loss get their hints', { timeout: 120_000 }, () => {
  const before = tf.memory().numTensors;
  const ok = check.trainLoop(solutionOf('train-loop') as Fn, quiet);
  assert.equal(ok.ok, true, formatResult(ok));
  assert.equal(check.trainLoop(loopWith(), quiet).ok, true, "a student's own correct loop passes");

  const stub = check.trainLoop(() => {
    throw new Error('TODO: implement trainLoop');
  }, quiet);
  assert.equal(stub.points, 0, formatResult(stub));

  const oneEpoch = check.trainLoop(loopWith({ epochs: false }), quiet);
  assert.match(hintOf(oneEpoch, /one step per batch/), /loop over the epochs too/, formatResult(oneEpoch));

  const swallowed = check.trainLoop(loopWith({ swallow: true }), quiet);
  assert.match(hintOf(swallowed, /NaN loss stops the loop/), /do not catch it/, formatResult(swallowed));

  // A loop around a step that climbs the ELBO: the loss rises, no points.
  const climbing: typeof step = () => (model, optimizer, x, seed) => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => lib.elbo(x, model.forward(x, undefined, seed)).elbo, model.trainableWeights());
    optimizer.applyGradients(grads);
    return -value.dataSync()[0];
  });
  const g = globalThis as { trainStep?: unknown };
  g.trainStep = climbing();
  const rising = check.trainLoop(solutionOf('train-loop') as Fn, quiet);
  g.trainStep = solutionOf('train-step');
  assert.equal(rising.points, 0, formatResult(rising));
  assert.match(hintOf(rising, /the loss falls/), /the loop does not train/);
  assert.equal(tf.memory().numTensors, before, 'the checks leave no tensor behind');

  // Last: the optimizer a leaky loop leaves behind holds variables, which no scope of the check can free.
  const leaky = check.trainLoop(loopWith({ dispose: false }), quiet);
  assert.match(hintOf(leaky, /nothing is left behind/), /optimizer\.dispose\(\)/, formatResult(leaky));
});
