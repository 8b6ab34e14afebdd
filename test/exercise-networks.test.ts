// Exercise `networks` (lib/coursework/exercises/networks.ts): the solution scores full marks; the stub scores 0; the
// usual mistakes — no ReLU, a sigmoid on the logits, one head for mean and log-variance, no hidden layer, an
// unseeded build, the library's own builders — each get their hint and lose the cases they should. (Every seed's
// probes, the grading view and grading itself: test/protocol.test.ts, test/grade-library.test.ts,
// test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../lib/index';
import { initBackend } from '../lib/backend/backend';
import { check, formatResult, CheckResult, judgeAnswers, planExercise } from '../lib/coursework/check';
import { Answer, decodeAnswer, encodeJson } from '../lib/coursework/protocol';
import { answerProbe, answerSchema } from '../lib/coursework/respond';
import { Rng } from '../lib/model/random';
import type { Fn, NetworkSizes } from '../lib/coursework/exercises/networks';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
  // The solution's source uses the notebook's globals (its set-up cell: `import * as vae from './lib/index'`).
  (globalThis as { vae?: typeof lib }).vae = lib;
});

const quiet = { quiet: true };
const failedHints = (r: CheckResult) => r.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.hint ?? c.got ?? ''}`).join(' | ');
const passed = (r: CheckResult, name: RegExp) => r.cases.find((c) => name.test(c.name))?.passed;

interface Variant {
  relu?: boolean;
  sigmoid?: boolean;
  oneHead?: boolean;
  hidden?: boolean;
  seeded?: boolean;
}

/** Networks as a student might write them, with one mistake or another. */
function networks(v: Variant = {}): Fn {
  const { relu = true, sigmoid = false, oneHead = false, hidden = true, seeded = true } = v;
  return (s: NetworkSizes) => {
    const rng = new lib.Rng(s.seed);
    const init = (fanIn: number) => (seeded ? lib.seededInit(rng, fanIn) : {});
    const act = relu ? 'relu' : 'linear';
    const x = tf.input({ shape: [s.inputDim] });
    const h = hidden ? (tf.layers.dense({ units: s.hiddenDim, activation: act, ...init(s.inputDim) }).apply(x) as tf.SymbolicTensor) : x;
    const fan = hidden ? s.hiddenDim : s.inputDim;
    const outputs = oneHead
      ? (tf.layers.dense({ units: 2 * s.latentDim, ...init(fan) }).apply(h) as tf.SymbolicTensor)
      : [tf.layers.dense({ units: s.latentDim, ...init(fan) }).apply(h) as tf.SymbolicTensor, tf.layers.dense({ units: s.latentDim, ...init(fan) }).apply(h) as tf.SymbolicTensor];
    const z = tf.input({ shape: [s.latentDim] });
    const g = hidden ? (tf.layers.dense({ units: s.hiddenDim, activation: act, ...init(s.latentDim) }).apply(z) as tf.SymbolicTensor) : z;
    const logits = tf.layers.dense({ units: s.inputDim, activation: sigmoid ? 'sigmoid' : 'linear', ...init(hidden ? s.hiddenDim : s.latentDim) }).apply(g) as tf.SymbolicTensor;
    return { encoder: tf.model({ inputs: x, outputs }), decoder: tf.model({ inputs: z, outputs: logits }) };
  };
}

test('networks: the solution scores full marks, the stub 0; each usual mistake gets its hint', { timeout: 300_000 }, () => {
  const before = tf.memory().numTensors;
  const ok = check.vaeNetworks(solutionOf('networks') as Fn, quiet);
  assert.equal(ok.ok, true, formatResult(ok));
  assert.equal(ok.points, ok.maxPoints);
  assert.equal(check.vaeNetworks(networks(), quiet).ok, true, 'a student\'s own correct networks pass');

  const stub = check.vaeNetworks(() => {
    throw new Error('TODO: implement vaeNetworks');
  }, quiet);
  assert.equal(stub.points, 0);
  assert.match(failedHints(stub), /the stub still throws/);

  const linear = check.vaeNetworks(networks({ relu: false }), quiet);
  assert.equal(passed(linear, /non-linear/), false, formatResult(linear));
  assert.match(failedHints(linear), /activation: 'relu'/);

  const sigmoid = check.vaeNetworks(networks({ sigmoid: true }), quiet);
  assert.equal(passed(sigmoid, /outputs are linear/), false, formatResult(sigmoid));
  assert.match(failedHints(sigmoid), /no sigmoid on its last layer/);

  const oneHead = check.vaeNetworks(networks({ oneHead: true }), quiet);
  assert.equal(oneHead.points, 0, formatResult(oneHead));
  assert.match(failedHints(oneHead), /two outputs, the mean and the log-variance/);

  const noHidden = check.vaeNetworks(networks({ hidden: false }), quiet);
  assert.equal(passed(noHidden, /parameters/), false, formatResult(noHidden));
  assert.match(failedHints(noHidden), /no hidden layer/);

  const unseeded = check.vaeNetworks(networks({ seeded: false }), quiet);
  assert.equal(passed(unseeded, /same seed/), false, formatResult(unseeded));
  assert.match(failedHints(unseeded), /sizes\.seed/);

  // The library's builders answer the exercise; they stay in this chapter's graded kernel (its β sweep needs
  // them), so the judge recognises their layers and gives no core case.
  const library = check.vaeNetworks(((s: NetworkSizes) => {
    const m = lib.createVAE({ inputDim: s.inputDim, hiddenUnits: [s.hiddenDim], latentDim: s.latentDim, seed: s.seed });
    return { encoder: m.encoder, decoder: m.decoder };
  }) as Fn, quiet);
  assert.equal(library.points, 0, formatResult(library));
  assert.match(failedHints(library), /library's answer/);
  assert.equal(tf.memory().numTensors, before, 'the checks leave no tensor behind');
});

test('networks: the solution\'s answers, through the protocol as the grader reads them, are judged right for another seed', { timeout: 120_000 }, () => {
  const plan = planExercise('networks', new Rng(7919));
  const answers = plan.probes.map((p) => decodeAnswer(answerSchema('networks', p), JSON.parse(encodeJson(answerProbe('networks', solutionOf('networks'), p) as Answer))) as Answer);
  assert.ok(answers.every((a) => a !== undefined), 'an answer did not decode');
  const r = judgeAnswers('networks', plan, answers);
  assert.equal(r.ok, true, formatResult(r));
});
