// No library function answers a graded exercise (scripts/grading/view.ts): in the grading view of each chapter,
// every exported function of lib/ is tried as the answer of each of the chapter's exercises on the grader's probes —
// called with the probe's arguments as they are, with a trailing 0 or 1 (a λ, a β, a k), and row by row with the
// rows' results joined (a function of a batch that averages it, such as free bits, gives a row's own value) — and
// judged as the grader judges. None may pass a case against the reference (a core case). The candidates run in a
// child process in the view, as a student's kernel would; only the answers that carry a value come back.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { judgeAnswers, planExercise } from '../lib/coursework/check';
import { EXERCISE_CHAPTERS, exercisesOf } from '../lib/coursework/exercises';
import { Answer, decodeAnswer } from '../lib/coursework/protocol';
import { answerSchema } from '../lib/coursework/respond';
import { Rng } from '../lib/model/random';
import { writeView } from '../scripts/grading/view';

const ROOT = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-library-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs in the view: tries every exported function of lib/ on the probes; prints the answers that hold a value. */
const CHILD = `
const fs = require('fs'), path = require('path');
const tf = require('@tensorflow/tfjs');
process.on('unhandledRejection', () => undefined);
const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const files = [];
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (p.endsWith('.js')) files.push(p); } };
walk(path.resolve('lib'));
const seen = new Set();
const candidates = [];
for (const f of files.sort()) {
  let mod;
  try { mod = require(f); } catch { continue; }
  for (const [name, v] of Object.entries(mod)) {
    if (typeof v !== 'function' || seen.has(v) || /^class\\s/.test(Function.prototype.toString.call(v))) continue;
    seen.add(v);
    candidates.push({ name: path.relative('lib', f) + '#' + name, fn: v });
  }
}
const rowwise = (g, extra) => (...args) => {
  const first = args.find((a) => a instanceof tf.Tensor && a.rank >= 2);
  if (!first) throw new Error('no batch');
  const n = first.shape[0];
  const outs = [];
  for (let i = 0; i < n; i++) {
    const row = args.map((a) => (a instanceof tf.Tensor && a.rank >= 2 && a.shape[0] === n ? tf.slice(a, [i], [1]) : a));
    outs.push(tf.reshape(g(...row, ...extra), [1]));
  }
  return tf.concat(outs);
};
const strategies = [
  ['as is', (g) => (...a) => g(...a)],
  ['with 0', (g) => (...a) => g(...a, 0)],
  ['with 1', (g) => (...a) => g(...a, 1)],
  ['row by row', (g) => rowwise(g, [])],
  ['row by row with 0', (g) => rowwise(g, [0])],
  ['row by row with 1', (g) => rowwise(g, [1])],
];
(async () => {
  // Loading every module registers every backend (wasm among them, uninitialized): compute on the plain one.
  await tf.setBackend('cpu');
  await tf.ready();
  const out = [];
  for (const ex of request.exercises) {
    const { answer } = require(path.resolve('lib/coursework/exercises', ex.id + '.js'));
    for (const c of candidates) {
      for (const [how, wrap] of strategies) {
        const answers = [];
        let values = 0;
        for (const p of ex.probes) {
          let a;
          try { a = await answer(wrap(c.fn), p); } catch (e) { a = { failed: { message: String(e) } }; }
          if ('value' in a) values++;
          answers.push(a);
        }
        if (values > 0) out.push({ id: ex.id, candidate: c.name, how, answers });
      }
    }
  }
  fs.writeFileSync(process.argv[3], JSON.stringify({ candidates: candidates.map((c) => c.name), tried: out }));
  process.exit(0);
})();
`;

for (const chapter of EXERCISE_CHAPTERS) {
  // The β sweep is an experiment and the article's debugging exercise a model to train (the grader trains the
  // student's code to judge both; test/grade.test.ts and test/exercise-debug-article.test.ts grade them): no probe
  // of tensors to try a library function on. Nor has a submitted model folder (the grader scores it itself) or a
  // reading question (its probe is empty: the answer is numbers read off the book's figures and a text).
  const specs = exercisesOf(chapter).filter((e) => e.id !== 'beta-sweep' && !e.debugging && !e.submitted && !e.written);
  if (specs.length === 0) continue;
  test(`${chapter}: no exported library function passes a case against the reference in the grading view`, { timeout: 600_000 }, () => {
    const view = path.join(dir, chapter);
    writeView(ROOT, chapter, view);
    fs.rmdirSync(path.join(view, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(view, 'node_modules'), 'dir');
    const plans = new Map(specs.map((s) => [s.id, planExercise(s.id, new Rng(20261207))]));
    const requestFile = path.join(dir, `${chapter}-request.json`);
    const outFile = path.join(dir, `${chapter}-answers.json`);
    fs.writeFileSync(requestFile, JSON.stringify({ exercises: specs.map((s) => ({ id: s.id, probes: plans.get(s.id)?.probes })) }));
    fs.writeFileSync(path.join(view, 'try.js'), CHILD);
    const r = spawnSync(process.execPath, ['try.js', requestFile, outFile], { cwd: view, encoding: 'utf8', timeout: 540_000, env: { PATH: process.env.PATH, TF_CPP_MIN_LOG_LEVEL: '2', VAE_QUIET: '1', VAE_BACKEND: 'cpu' } });
    assert.equal(r.status, 0, `the child failed: ${r.stderr.slice(-2000)}`);
    const { candidates, tried } = JSON.parse(fs.readFileSync(outFile, 'utf8')) as { candidates: string[]; tried: { id: string; candidate: string; how: string; answers: unknown[] }[] };
    // The library's functions were all tried (a view that failed to load would try none and pass for nothing).
    assert.ok(candidates.length >= 150, `only ${candidates.length} exported functions found in the view`);
    for (const name of ['index.js#elbo', 'index.js#train', 'core.js#freeBitsKl', 'index.js#iwaeNll']) assert.ok(candidates.some((c) => c.endsWith(name.split('#')[1]) && c.includes('#')), `${name} not tried`);
    console.log(`${chapter}: ${candidates.length} exported functions tried, ${tried.length} (exercise, function, way) triples returned values`);
    // Some functions do return values of the right form (e.g. logStandardNormal on a batch): the calls really ran.
    assert.ok(tried.length >= 5, `only ${tried.length} calls returned a value: the candidates did not run`);
    const passing: string[] = [];
    for (const t of tried) {
      const plan = plans.get(t.id);
      if (!plan) continue;
      const answers = t.answers.map((a, i) => decodeAnswer(answerSchema(t.id, plan.probes[i]), JSON.parse(JSON.stringify(a))) ?? { failed: { message: 'undecodable' } }) as Answer[];
      const res = judgeAnswers(t.id, plan, answers);
      const core = res.cases.filter((c) => c.core && c.passed);
      if (core.length > 0) passing.push(`${t.id}: ${t.candidate} (${t.how}) passes ${core.map((c) => c.name).join('; ')}`);
    }
    assert.deepEqual(passing, [], `library functions that answer a graded exercise in the ${chapter} view:\n${passing.join('\n')}`);
  });
}
