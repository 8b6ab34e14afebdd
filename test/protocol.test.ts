// What crosses between the grader and a student's kernel (lib/coursework/protocol.ts, lib/coursework/respond.ts):
// answers as plain data decoded only against the schema the grader asked for, the evaluation cell's lines, and the
// plans' probes drawn from any seed judged right for the library's own implementations (the grader draws a new seed
// every run, so no seed may fail a right answer).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { klDivergence } from '../lib/model/distributions';
import { solutionOf } from './exercise-helpers';
import { judgeAnswers, planExercise } from '../lib/coursework/check';
import { EXERCISES } from '../lib/coursework/exercises';
import { Answer, decodeAnswer, decodeValue, encodeJson } from '../lib/coursework/protocol';
import { answerProbe, answerSchema, respond } from '../lib/coursework/respond';
import { Rng } from '../lib/model/random';

before(async () => {
  await initBackend();
});

test('numbers that are not finite travel as strings, and only where the schema has a number', () => {
  const text = encodeJson({ shape: [3], values: [NaN, Infinity, -Infinity] });
  assert.equal(text, '{"shape":[3],"values":["NaN","Infinity","-Infinity"]}');
  const m = decodeValue('tensor', JSON.parse(text)) as { values: number[] };
  assert.ok(Number.isNaN(m.values[0]));
  assert.equal(m.values[1], Infinity);
  assert.equal(decodeValue('tensor', { shape: [2], values: ['1', 2] }), undefined, 'a number as a string is not a number');
  assert.equal(decodeValue('vector', ['NaN', 'nan']), undefined);
  assert.equal(decodeValue('number', '-Infinity'), -Infinity);
});

test('decoding an answer: the form the grader asked for, or nothing', () => {
  const tensor = { value: { shape: [2, 1], values: [1, 2] } };
  assert.deepEqual(decodeAnswer('tensor', tensor), tensor);
  for (const bad of [
    { value: { shape: [2, 2], values: [1, 2] } }, // size does not match the shape
    { value: { shape: [2.5], values: [1, 2] } },
    { value: { shape: [-1], values: [] } },
    { value: { shape: [1e7], values: [] } },
    { value: [1, 2] }, // a vector where a tensor was asked for
    { value: tensor.value, extra: 1 }, // two keys
    { threw: { message: 42 } },
    { wrong: { got: 'x' } },
    { passed: true },
    null,
    'value',
  ]) {
    assert.equal(decodeAnswer('tensor', bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(decodeAnswer({ object: { z1: 'tensor', z2: 'tensor' } }, { value: { z1: tensor.value, z2: tensor.value, z3: 1 } }), { value: { z1: tensor.value, z2: tensor.value } });
  assert.equal(decodeAnswer({ list: 'number', max: 2 }, { value: [1, 2, 3] }), undefined, 'longer than the probe allows');
  const long = decodeAnswer('tensor', { threw: { message: 'x'.repeat(5000), at: 'at f (cell:1:2)' } }) as { threw: { message: string; at: string } };
  assert.equal(long.threw.message.length, 500);
  assert.equal(long.threw.at, 'at f (cell:1:2)');
  // Text ends up in the teacher's terminal: no escape sequences.
  const escape = decodeAnswer('tensor', { wrong: { got: '\u001b[2J\u001b]0;pwned\u0007', hint: 'line\nbreak' } }) as { wrong: { got: string; hint: string } };
  assert.deepEqual(escape.wrong, { got: ' [2J ]0;pwned ', hint: 'line break' });
});

test('respond: one line per exercise behind the marker; missing names and values that are not functions said so', async () => {
  const lines: string[] = [];
  const plan = planExercise('kl', new Rng(1));
  {
    const request = {
      exercises: [
        { id: 'kl', symbol: 'klDivergence', probes: plan.probes },
        { id: 'lerp', symbol: 'lerp', probes: [] },
        { id: 'slerp', symbol: 'slerp', probes: [] },
        { id: 'iwae', symbol: 'iwaeBound', probes: planExercise('iwae', new Rng(1)).probes },
      ],
    };
    const scope = { klDivergence, slerp: 42, iwaeBound: () => { throw new Error('TODO'); } };
    await respond('@@M@@', JSON.stringify(request), scope, (line) => lines.push(line));
  }
  assert.equal(lines.length, 4);
  assert.ok(lines.every((l) => l.startsWith('@@M@@') && l.endsWith('\n')));
  const [kl, lerpLine, slerpLine, iwae] = lines.map((l) => JSON.parse(l.slice(5)) as { id: string; answers?: unknown[]; missing?: boolean; notFunction?: string });
  assert.equal(kl.id, 'kl');
  const answers = (kl.answers ?? []).map((a, i) => decodeAnswer(answerSchema('kl', plan.probes[i]), a) as Answer);
  assert.equal(judgeAnswers('kl', plan, answers).ok, true);
  assert.deepEqual(lerpLine, { id: 'lerp', missing: true });
  assert.deepEqual(slerpLine, { id: 'slerp', notFunction: '42' });
  assert.ok((iwae.answers ?? []).every((a) => (a as { threw?: { message: string } }).threw?.message === 'Error: TODO'));
});

test('for any seed, the library\'s own implementations pass every plan, answered through the protocol', async () => {
  const before = tf.memory().numTensors;
  for (let seed = 1; seed <= 12; seed++) {
    for (const spec of EXERCISES) {
      // Experiments that train: test/grade.test.ts grades the β sweep, test/exercise-debug-article.test.ts the debugged
      // VAE, test/exercise-networks.test.ts the networks (through the protocol too); a submitted model folder is no
      // probe's answer (test/exercise-capstone.test.ts grades the capstone).
      if (spec.id === 'beta-sweep' || spec.id === 'debug-article' || spec.id === 'networks' || spec.submitted) continue;
      const plan = planExercise(spec.id, new Rng(seed * 7919));
      const answers = plan.probes.map((p) => {
        const a = answerProbe(spec.id, solutionOf(spec.id), p) as Answer;
        // What the kernel prints and the grader reads back.
        return decodeAnswer(answerSchema(spec.id, p), JSON.parse(encodeJson(a))) as Answer;
      });
      assert.ok(answers.every((a) => a !== undefined), `${spec.id}: an answer did not decode`);
      const r = judgeAnswers(spec.id, plan, answers);
      assert.equal(r.ok, true, `seed ${seed}, ${spec.id}: ${r.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.got} vs ${c.expected}`).join('; ')}`);
    }
  }
  // train-step's judge runs the library's trainStep, which frees its loss once it has read it back, a turn later.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(tf.memory().numTensors, before);
});

test('plans differ from seed to seed (the grader\'s probes are not the inline ones)', () => {
  const a = JSON.stringify(planExercise('kl', new Rng(1)).probes);
  const b = JSON.stringify(planExercise('kl', new Rng(2)).probes);
  assert.notEqual(a, b);
  assert.equal(JSON.stringify(planExercise('kl', new Rng(1)).probes), a, 'the same seed draws the same probes');
  const sweep = planExercise('beta-sweep', new Rng(3), { epochs: 2 }).probes[0] as { betas: number[]; epochs: number };
  assert.equal(sweep.betas.length, 3);
  assert.ok(Math.min(...sweep.betas) <= 0.5 && Math.max(...sweep.betas) >= 16, 'the range reaches the collapse of the exercise\'s model');
  assert.equal(sweep.epochs, 2);
});
