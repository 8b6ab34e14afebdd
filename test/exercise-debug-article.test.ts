// Exercise `debug-article` (lib/coursework/exercises/debug-article.ts): the student's starting point, the buggy port
// of the notebook, fails the check with the hint of its first mistake; fixed one mistake at a time (the fixes of
// chapter 8, applied to the notebook's own text), each step moves the failure on to the next mistake, and the
// solution passes, training included. (Every seed's probes, the grading view and grading itself:
// test/protocol.test.ts, test/grade-library.test.ts, test/grade.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import ts from 'typescript';
import * as lib from '../lib/index';
import { initBackend } from '../lib/backend/backend';
import { check, formatResult, CheckResult } from '../lib/coursework/check';
import { notebook } from '../lib/coursework/exercises/debug-article';
import type { Fn } from '../lib/coursework/exercises/debug-article';
import { solutionOf } from './exercise-helpers';

before(async () => {
  await initBackend();
  // The solution's source uses the notebook's globals (its set-up cell: `import * as vae from './lib/index'`).
  (globalThis as { vae?: typeof lib }).vae = lib;
});

const quiet = { quiet: true };

/** The answer cell's text, compiled and run with the notebook's `tf` and `vae`: its `articleVae`. */
function answerOf(source: string): Fn {
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.None } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('tf', 'vae', `${js}\nreturn articleVae;`)(tf, lib) as Fn;
}

/** The chapter's five fixes, in the order the code meets the mistakes, as edits of the stub's text. */
const FIXES: [string, (s: string) => string][] = [
  ['a forward pass', (s) => s.replace(/\n  encode\(x: tf\.Tensor\)/, `
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [mean, logVar] = this.encode(x);
    return [this.decode(this.reparameterize(mean, logVar)), mean, logVar];
  }

  encode(x: tf.Tensor)`)],
  ['flattened images', (s) => s.replace('const x = Array.isArray(inputs) ? inputs[0] : inputs;', 'const images = Array.isArray(inputs) ? inputs[0] : inputs;\n    const x = images.reshape([images.shape[0], -1]);')],
  ['a head of 2 × 20', (s) => s.replace('linear(rng.seed(), 16, 2),', 'linear(rng.seed(), 16, 2 * this.latentDim),')],
  ['logits', (s) => s.replace('const bce = tf.mean(tf.metrics.binaryCrossentropy(x, xHat));', 'const bce = tf.neg(tf.mean(tf.div(vae.bernoulliLogLikelihood(x, xHat), 784)));')],
  ['sums', (s) => s.replace('tf.div(vae.bernoulliLogLikelihood(x, xHat), 784)', 'vae.bernoulliLogLikelihood(x, xHat)')],
];

const failed = (r: CheckResult) => r.cases.filter((c) => !c.passed);

/** The stub as the notebook's answer cell holds it (without the template's indentation). */
function stubText(): string {
  const lines = notebook.stub.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

test('debug the article: each fix of chapter 8 moves the failure on to the next mistake; the solution passes', { timeout: 300_000 }, () => {
  const stub = stubText();
  const steps: string[] = [stub];
  for (const [name, fix] of FIXES) {
    const next = fix(steps[steps.length - 1]);
    assert.notEqual(next, steps[steps.length - 1], `the fix '${name}' does not apply to the stub`);
    steps.push(next);
  }
  const results = steps.map((s) => check.debugArticle(answerOf(s), quiet));
  const hints = results.map((r) => failed(r).map((c) => c.hint ?? c.got ?? '').join(' | '));
  // The buggy port: no forward pass.
  assert.match(hints[0], /without call\(\) returns its input/, formatResult(results[0]));
  assert.equal(results[0].points, 0, 'no core case passes before the fixes');
  assert.match(hints[1], /flatten them/, formatResult(results[1]));
  assert.match(hints[2], /each of the 20 latent dimensions/, formatResult(results[2]));
  // The model runs: the loss reads its outputs as probabilities (NaN by the formula, clipped by TF.js).
  assert.match(hints[3], /read them as logits|outside \(0, 1\)/, formatResult(results[3]));
  assert.match(hints[4], /averaged over the 784 pixels/, formatResult(results[4]));
  assert.equal(results[5].ok, true, formatResult(results[5]));
  const solution = check.debugArticle(solutionOf('debug-article') as Fn, quiet);
  assert.equal(solution.ok, true, formatResult(solution));
});

test('debug the article: a sigmoid in front of the cross-entropy fails where the logits saturate', { timeout: 300_000 }, () => {
  const before = tf.memory().numTensors;
  const src = FIXES.slice(0, 3).reduce((s, [, fix]) => fix(s), stubText())
    .replace('linear(rng.seed(), 400, 784),', "linear(rng.seed(), 400, 784), tf.layers.activation({ activation: 'sigmoid' }),")
    .replace('const bce = tf.mean(tf.metrics.binaryCrossentropy(x, xHat));', 'const bce = tf.neg(tf.mean(tf.sum(tf.add(tf.mul(x, tf.log(xHat)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, xHat)))), 1)));');
  const r = check.debugArticle(answerOf(src), quiet);
  assert.match(failed(r).map((c) => c.hint).join(' '), /ℓ ≈ 17/, formatResult(r));
  assert.equal(tf.memory().numTensors, before);
});
