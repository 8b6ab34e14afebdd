/**
 * The student's side of a check, shared by the exercises' `answer` functions (lib/coursework/exercises/*.ts):
 * build the probe's tensors, call the student's function, and turn its result — or what it threw — into an
 * Answer of plain data (lib/coursework/protocol.ts). Nothing here knows an expected value: this runs in the
 * graded kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { Answer, Matrix, SweepRow } from './protocol';
import { Rng } from '../model/random';
import { batches, type Dataset } from '../data/dataset';
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

/** The grader's short training of a student's model (exercises judged by behaviour): Adam, one pass per epoch. */
export interface ShortTraining {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/**
 * Trains `variables` with Adam on `lossOf(x)` over shuffled batches of `train` (the order drawn from `seed`),
 * synchronously, so that an inline check can run it too. Stops at the first loss that is not finite and returns
 * it; `lossOf` calls the student's code, whose exceptions propagate.
 */
export function trainShort(variables: tf.Variable[], lossOf: (x: tf.Tensor2D) => tf.Scalar, train: Dataset, t: ShortTraining, seed: number): { steps: number; lastLoss: number } {
  const optimizer = tf.train.adam(t.learningRate);
  const rng = new Rng(seed);
  let steps = 0;
  let lastLoss = NaN;
  try {
    for (let epoch = 0; epoch < t.epochs; epoch++) {
      for (const batch of batches(train, { batchSize: t.batchSize, shuffle: true, rng })) {
        const cost = optimizer.minimize(() => lossOf(tf.tensor2d(batch.x, [batch.size, batch.x.length / batch.size])), true, variables);
        lastLoss = cost?.dataSync()[0] ?? NaN;
        cost?.dispose();
        steps += 1;
        if (!Number.isFinite(lastLoss)) return { steps, lastLoss };
      }
    }
    return { steps, lastLoss };
  } finally {
    optimizer.dispose();
  }
}
