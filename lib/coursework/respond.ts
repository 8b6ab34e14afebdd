/**
 * The student's side of a check (issue 14): run the student's function on one
 * probe and return its raw answer as plain data. Nothing here knows an
 * expected value or a reference implementation — that is the judge's part
 * (lib/coursework/check-*.ts), which runs in the grader's own process when
 * grading and right after this when a notebook checks itself.
 *
 * The grader's evaluation cell calls `respond(nonce, request)` in the student's
 * kernel: for each exercise it looks up the name the answer defines, answers
 * every probe, and prints one line `<nonce><JSON>`. Whatever the student's code
 * did to this process can only change what those lines say, and a line scores
 * only if its values are right.
 */
import * as tf from '@tensorflow/tfjs';
import { Answer, ExerciseResponse, GradeRequest, Matrix, Schema, SweepRow, encodeJson } from './protocol';
import { StudentFailure, WrongAnswer, callStudent, describeError, describeValue, readTensor, readVector } from './runner';
import { articleAnswer, articleSchema } from './check-article';
import type { Fn as ArticleFn, Probe as ArticleProbe } from './check-article';

// ------------------------------------------------------------------ probes, one type per exercise

export type ReparameterizeProbe =
  | { mode: 'value'; mean: Matrix; logVar: Matrix; eps: Matrix }
  /** Two calls with different noise: z must change with eps. */
  | { mode: 'pair'; mean: Matrix; logVar: Matrix; eps: Matrix; eps2: Matrix }
  /** The gradient of Σ w ⊙ z with respect to one input. */
  | { mode: 'grad'; wrt: 'mean' | 'logVar'; mean: Matrix; logVar: Matrix; eps: Matrix; w: Matrix };
export interface KlProbe {
  mean: Matrix;
  logVar: Matrix;
}
export interface BernoulliProbe {
  x: Matrix;
  logits: Matrix;
}
export interface ElboProbe {
  x: Matrix;
  mean: Matrix;
  logVar: Matrix;
  logits: Matrix;
  beta: number;
}
/** Calls (step, warmupSteps, betaMax). */
export interface WarmupProbe {
  calls: [number, number, number][];
}
/** 'fit': the fitted { mean, cov }; 'unchanged': whether the points were left as they were. */
export interface FitGaussianProbe {
  mode: 'fit' | 'unchanged';
  points: number[][];
}
export interface InterpolateProbe {
  a: number[];
  b: number[];
  t: number;
}
/** The decoder is the linear map z ↦ z·w + bias; eps is [k, batch, latentDim]. */
export interface IwaeProbe {
  x: Matrix;
  mean: Matrix;
  logVar: Matrix;
  w: Matrix;
  bias: Matrix;
  eps: Matrix;
}
export interface SweepProbe {
  betas: number[];
  epochs: number;
}


// ------------------------------------------------------------------ answering

function tensor(m: Matrix): tf.Tensor {
  return tf.tensor(m.values, m.shape, 'float32');
}

function t2(m: Matrix): tf.Tensor2D {
  return tensor(m) as tf.Tensor2D;
}

function asMatrix(v: { shape: number[]; values: number[] }): Matrix {
  return { shape: v.shape, values: v.values };
}

/** Inside tf.grad the student's output must stay a tensor (readTensor would copy it out). */
function keepTensor(what: string, v: unknown): tf.Tensor {
  if (v instanceof tf.Tensor) return v;
  throw new WrongAnswer(`${what} did not return a tf.Tensor`, describeValue(v), 'return a tf.Tensor built with tf ops');
}

/** Runs one answer inside a tf scope and turns what went wrong into an Answer (never throws). */
export function answer<R>(body: () => R): Answer<R> {
  try {
    let value: R | undefined;
    tf.tidy(() => {
      value = body();
    });
    return { value: value as R };
  } catch (e) {
    return failure(e);
  }
}

function failure(e: unknown): Answer<never> {
  if (e instanceof StudentFailure) return { threw: e.info };
  if (e instanceof WrongAnswer) return { wrong: { got: e.got ?? e.message, hint: e.hint ?? e.message } };
  return { failed: describeError(e) };
}

type Fn = (...args: never[]) => unknown;

/** How each exercise's function is called on a probe, and the schema of what comes back. */
interface Answerer {
  schema(probe: never): Schema;
  answer(fn: Fn, probe: never): Answer | Promise<Answer>;
}

const TENSOR_TERMS: Schema = { object: { recon: 'tensor', kl: 'tensor', loss: 'tensor', elbo: 'tensor' } };

export const ANSWERERS: Record<string, Answerer> = {
  'fit-gaussian': {
    schema: (p: FitGaussianProbe) => (p.mode === 'unchanged' ? 'boolean' : { object: { mean: 'vector', cov: { list: 'vector', max: 1000 } } }),
    answer: (fn, p: FitGaussianProbe) =>
      answer(() => {
        const points = p.points.map((q) => [...q]);
        const out = callStudent('fitGaussian', fn, points) as unknown;
        if (p.mode === 'unchanged') return points.every((q, i) => q.length === p.points[i].length && q.every((v, j) => Object.is(v, p.points[i][j])));
        if (out === null || typeof out !== 'object' || !('mean' in out) || !('cov' in out)) {
          throw new WrongAnswer('fitGaussian did not return { mean, cov }', describeValue(out), 'return { mean: number[], cov: number[][] }');
        }
        const o = out as { mean: unknown; cov: unknown };
        const mean = readVector('fitGaussian(…).mean', o.mean);
        if (!Array.isArray(o.cov)) throw new WrongAnswer('cov is not an array of rows', describeValue(o.cov), 'return cov as number[][] (d rows of d numbers)');
        const cov = (o.cov as unknown[]).slice(0, 1000).map((row, i) => readVector(`fitGaussian(…).cov[${i}]`, row));
        return { mean, cov };
      }),
  },
  reparameterize: {
    schema: (p: ReparameterizeProbe) => (p.mode === 'pair' ? { object: { z1: 'tensor', z2: 'tensor' } } : 'tensor'),
    answer: (fn, p: ReparameterizeProbe) =>
      answer(() => {
        const what = 'reparameterize(mean, logVar, eps)';
        const mean = t2(p.mean);
        const logVar = t2(p.logVar);
        const eps = t2(p.eps);
        if (p.mode === 'value') return asMatrix(readTensor(what, callStudent('reparameterize', fn, mean, logVar, eps)));
        if (p.mode === 'pair') {
          const z1 = readTensor(what, callStudent('reparameterize', fn, mean, logVar, eps));
          const z2 = readTensor(what, callStudent('reparameterize', fn, mean, logVar, t2(p.eps2)));
          return { z1: asMatrix(z1), z2: asMatrix(z2) };
        }
        const w = tensor(p.w);
        const z = (m: tf.Tensor, lv: tf.Tensor) => keepTensor('reparameterize', callStudent('reparameterize', fn, m, lv, eps));
        const g = p.wrt === 'mean' ? tf.grad((m: tf.Tensor) => tf.sum(tf.mul(w, z(m, logVar))))(mean) : tf.grad((lv: tf.Tensor) => tf.sum(tf.mul(w, z(mean, lv))))(logVar);
        return asMatrix(readTensor('the gradient', g));
      }),
  },
  kl: {
    schema: () => 'tensor',
    answer: (fn, p: KlProbe) => answer(() => asMatrix(readTensor('klDivergence(mean, logVar)', callStudent('klDivergence', fn, t2(p.mean), t2(p.logVar))))),
  },
  'bernoulli-ll': {
    schema: () => 'tensor',
    answer: (fn, p: BernoulliProbe) => answer(() => asMatrix(readTensor('bernoulliLogLikelihood(x, logits)', callStudent('bernoulliLogLikelihood', fn, t2(p.x), t2(p.logits))))),
  },
  elbo: {
    schema: () => TENSOR_TERMS,
    answer: (fn, p: ElboProbe) =>
      answer(() => {
        const out = callStudent('elbo', fn, t2(p.x), { mean: t2(p.mean), logVar: t2(p.logVar), logits: t2(p.logits) }, p.beta) as unknown;
        if (out === null || typeof out !== 'object') {
          throw new WrongAnswer('elbo did not return an object', describeValue(out), 'return { recon, kl, loss, elbo } (four scalar tensors)');
        }
        const o = out as Record<string, unknown>;
        const terms: Record<string, Matrix> = {};
        for (const k of ['recon', 'kl', 'loss', 'elbo']) {
          if (!(k in o)) throw new WrongAnswer(`elbo's result has no '${k}'`, describeValue(out), 'return { recon, kl, loss, elbo }');
          terms[k] = asMatrix(readTensor(`elbo(…).${k}`, o[k]));
        }
        return terms;
      }),
  },
  'kl-warmup': {
    schema: () => 'vector',
    answer: (fn, p: WarmupProbe) =>
      answer(() =>
        p.calls.map(([step, warmupSteps, betaMax]) => {
          const v = callStudent('warmupBeta', fn, step, warmupSteps, betaMax) as unknown;
          if (typeof v !== 'number') throw new WrongAnswer('warmupBeta did not return a number', describeValue(v), 'return β as a plain number');
          return v;
        }),
      ),
  },
  'beta-sweep': {
    schema: (p: SweepProbe) => ({ list: { object: { beta: 'number', recon: 'number', kl: 'number', activeUnits: 'number' } }, max: p.betas.length + 10 }),
    answer: async (fn, p: SweepProbe) => {
      try {
        let out: unknown;
        try {
          out = await (fn as unknown as (betas: number[], epochs: number) => unknown)([...p.betas], p.epochs);
        } catch (e) {
          throw new StudentFailure(describeError(e));
        }
        return { value: sweepRows(out) };
      } catch (e) {
        return failure(e);
      }
    },
  },
  lerp: {
    schema: () => ({ object: { result: 'vector', unchanged: 'boolean' } }),
    answer: (fn, p: InterpolateProbe) => interpolate('lerp', fn, p),
  },
  slerp: {
    schema: () => ({ object: { result: 'vector', unchanged: 'boolean' } }),
    answer: (fn, p: InterpolateProbe) => interpolate('slerp', fn, p),
  },
  iwae: {
    schema: () => 'tensor',
    answer: (fn, p: IwaeProbe) =>
      answer(() => {
        const w = t2(p.w);
        const bias = t2(p.bias);
        const decode = (z: tf.Tensor2D) => tf.add(tf.matMul(z, w), bias) as tf.Tensor2D; // [n, dim]
        const what = 'iwaeBound(x, mean, logVar, decode, eps)';
        return asMatrix(readTensor(what, callStudent('iwaeBound', fn, t2(p.x), t2(p.mean), t2(p.logVar), decode, tensor(p.eps) as tf.Tensor3D)));
      }),
  },
  'debug-article': { schema: articleSchema, answer: (fn, p: ArticleProbe) => answer(() => articleAnswer(fn as ArticleFn, p)) },
};

function interpolate(name: string, fn: Fn, p: InterpolateProbe): Answer {
  return answer(() => {
    const a = [...p.a];
    const b = [...p.b];
    const result = readVector(`${name}(a, b, t)`, callStudent(name, fn, a, b, p.t));
    const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
    return { result, unchanged: same(a, p.a) && same(b, p.b) };
  });
}

/** The rows of a sweep as plain numbers, or a WrongAnswer saying what is malformed. */
export function sweepRows(out: unknown): SweepRow[] {
  if (!Array.isArray(out)) throw new WrongAnswer('not a list of rows', describeValue(out), 'collect one row per β, e.g. rows.push({ beta, recon, kl, activeUnits })');
  return out.slice(0, 1000).map((r: unknown, i) => {
    const row = (r !== null && typeof r === 'object' ? r : {}) as Record<string, unknown>;
    const bad = ['beta', 'recon', 'kl', 'activeUnits'].find((k) => typeof row[k] !== 'number');
    if (bad) throw new WrongAnswer(`row ${i} has no number '${bad}'`, `row ${i}: ${describeValue(r)}`, 'recon and kl: evaluate(model, test); activeUnits: activeUnits(model, test).count');
    return { beta: row.beta as number, recon: row.recon as number, kl: row.kl as number, activeUnits: row.activeUnits as number };
  });
}

/** The schema of the answer to `probe` of exercise `id`. */
export function answerSchema(id: string, probe: unknown): Schema {
  const a = ANSWERERS[id];
  if (!a) throw new Error(`no exercise '${id}'`);
  return (a.schema as (p: unknown) => Schema)(probe);
}

/** The student's function `fn` on one probe of exercise `id`. */
export function answerProbe(id: string, fn: unknown, probe: unknown): Answer | Promise<Answer> {
  const a = ANSWERERS[id];
  if (!a) throw new Error(`no exercise '${id}'`);
  return (a.answer as (f: unknown, p: unknown) => Answer | Promise<Answer>)(fn, probe);
}

// ------------------------------------------------------------------ the evaluation cell

/** The top-level names the notebook's cells defined (tslab keeps them on one exports object). */
function notebookScope(): Record<string, unknown> {
  const tslab = (globalThis as { __tslab__?: { exports?: Record<string, unknown> } }).__tslab__;
  return tslab?.exports ?? {};
}

/**
 * Answers every probe of `requestJson` (a GradeRequest) with the functions the
 * notebook defines, printing one line `<nonce><ExerciseResponse JSON>` per
 * exercise as soon as it is done, so an exercise that never returns leaves the
 * earlier ones' lines behind.
 */
export async function respond(
  nonce: string,
  requestJson: string,
  scope: Record<string, unknown> = notebookScope(),
  write: (line: string) => void = (line) => process.stdout.write(line),
): Promise<void> {
  const request = JSON.parse(requestJson) as GradeRequest;
  for (const ex of request.exercises) {
    const response: ExerciseResponse = { id: ex.id };
    let fn: unknown;
    let found = false;
    try {
      found = Object.prototype.hasOwnProperty.call(scope, ex.symbol);
      fn = found ? scope[ex.symbol] : undefined;
    } catch {
      found = false;
    }
    if (!found) response.missing = true;
    else if (typeof fn !== 'function') response.notFunction = describeValue(fn);
    else {
      const answers: Answer[] = [];
      for (const probe of ex.probes) answers.push(await answerProbe(ex.id, fn, probe));
      response.answers = answers;
    }
    write(`${nonce}${encodeJson(response)}\n`);
    // Let the line leave the process before the next exercise runs (it may never return).
    await new Promise((resolve) => setImmediate(resolve));
  }
}
