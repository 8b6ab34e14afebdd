/**
 * The student's side of a check, shared by the exercises' `answer` functions (lib/coursework/exercises/*.ts):
 * build the probe's tensors, call the student's function, and turn its result — or what it threw — into an
 * Answer of plain data (lib/coursework/protocol.ts). Nothing here knows an expected value: this runs in the
 * graded kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { Answer, Matrix, SweepRow } from './protocol';
import { StudentFailure, WrongAnswer, callStudent as callStudentOf, describeError, describeValue, readTensor as readTensorOf, readVector as readVectorOf } from './runner';

export { callStudent, readTensor, readVector, StudentFailure, WrongAnswer, describeError, describeValue } from './runner';

export function tensorOf(m: Matrix): tf.Tensor {
  return tf.tensor(m.values, m.shape, 'float32');
}

export function t2(m: Matrix): tf.Tensor2D {
  return tensorOf(m) as tf.Tensor2D;
}

export function asMatrix(v: { shape: number[]; values: number[] }): Matrix {
  return { shape: v.shape, values: v.values };
}

/** Inside tf.grad the student's output must stay a tensor (readTensor would copy it out). */
export function keepTensor(what: string, v: unknown): tf.Tensor {
  if (v instanceof tf.Tensor) return v;
  throw new WrongAnswer(`${what} did not return a tf.Tensor`, describeValue(v), 'return a tf.Tensor built with tf ops');
}

/** Runs one answer inside a tf scope and turns what went wrong into an Answer (never throws). */
export function runAnswer<R>(body: () => R): Answer<R> {
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

/** What went wrong, as an Answer. */
export function failure(e: unknown): Answer<never> {
  if (e instanceof StudentFailure) return { threw: e.info };
  if (e instanceof WrongAnswer) return { wrong: { got: e.got ?? e.message, hint: e.hint ?? e.message } };
  return { failed: describeError(e) };
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

/** Both interpolation exercises (chapter 5): the path's point, and whether the ends were left as they were. */
export interface InterpolateProbe {
  a: number[];
  b: number[];
  t: number;
}

export function interpolateAnswer(name: string, fn: (a: number[], b: number[], t: number) => unknown, p: InterpolateProbe): Answer {
  return runAnswer(() => {
    const a = [...p.a];
    const b = [...p.b];
    const result = readVectorOf(`${name}(a, b, t)`, callStudentOf(name, fn, a, b, p.t));
    const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
    return { result, unchanged: same(a, p.a) && same(b, p.b) };
  });
}

/**
 * A probe of the chapter 6 bounds: a fixed linear decoder z ↦ z·w + bias stands in for a trained one; eps holds
 * the noise, [k, batch, latentDim].
 */
export interface BoundProbe {
  x: Matrix;
  mean: Matrix;
  logVar: Matrix;
  w: Matrix;
  bias: Matrix;
  eps: Matrix;
}

/** The arguments of a bound's function on a probe: (x, mean, logVar, decode, eps), inside the caller's tf scope. */
export type BoundArgs = [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, (z: tf.Tensor2D) => tf.Tensor2D, tf.Tensor3D];

export function boundArgs(p: BoundProbe): BoundArgs {
  const [w, bias] = [t2(p.w), t2(p.bias)];
  const decode = (z: tf.Tensor2D) => tf.add(tf.matMul(z, w), bias) as tf.Tensor2D; // [n, dim]
  return [t2(p.x), t2(p.mean), t2(p.logVar), decode, tensorOf(p.eps) as tf.Tensor3D];
}

/** The student's bound `name` on one probe: its per-example values. */
export function boundAnswer(name: string, fn: (...args: BoundArgs) => unknown, p: BoundProbe): Answer {
  return runAnswer(() => asMatrix(readTensorOf(`${name}(x, mean, logVar, decode, eps)`, callStudentOf(name, fn, ...boundArgs(p)))));
}
