/**
 * Inline feedback for the exercises (exercises/<chapter>.ipynb): each check
 * runs the student's function on reference cases, compares it with the
 * library's own implementation (lib/distributions.ts, lib/elbo.ts,
 * lib/generate.ts) within float32 tolerances, tests shapes, tests gradients
 * where the gradient is the point (the reparameterized sample), and prints
 * what failed with expected against got and a hint. The student's exceptions
 * are reported (message and where), never swallowed.
 *
 *   check.klDivergence(klDivergence);        // prints a report, returns a CheckResult
 *
 * The grader (grade.ts) calls `runExercise(id, value)` with the value of the
 * name an answer cell defines (lib/exercises.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';
import { bernoulliLogLikelihood as refBernoulli, klDivergence as refKl, logNormal, logStandardNormal, reparameterize as refReparameterize } from './distributions';
import { elbo as refElbo, klWarmup as refKlWarmup } from './elbo';
import { lerp as refLerp, slerp as refSlerp } from './generate';
import { exerciseById } from './exercises';
import {
  CheckResult,
  CheckRun,
  Outcome,
  PASS,
  WrongAnswer,
  allClose,
  callStudent,
  compareTensor,
  describeValue,
  fail,
  fmtNum,
  fmtShape,
  fmtValues,
  formatResult,
  readTensor,
  readVector,
} from './check-runner';

export type { CaseResult, CheckResult, StudentErrorInfo } from './check-runner';
export { formatResult } from './check-runner';

/** Signatures the exercises ask for (the stubs in exercises/*.ipynb use them). */
export type ReparameterizeFn = (mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D) => tf.Tensor;
export type KlFn = (mean: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor;
export type LogLikelihoodFn = (x: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor;
export interface ElboFnInputs {
  mean: tf.Tensor2D; // [batch, latentDim]
  logVar: tf.Tensor2D; // [batch, latentDim]
  logits: tf.Tensor2D; // [batch, inputDim]
}
export type ElboFn = (x: tf.Tensor2D, out: ElboFnInputs, beta: number) => { recon: tf.Tensor; kl: tf.Tensor; loss: tf.Tensor; elbo: tf.Tensor };
export type FitGaussianFn = (points: number[][]) => { mean: ArrayLike<number>; cov: ArrayLike<number>[] };
export type WarmupFn = (step: number, warmupSteps: number, betaMax: number) => number;
export type InterpolateFn = (a: number[], b: number[], t: number) => ArrayLike<number>;
export type IwaeFn = (
  x: tf.Tensor2D,
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D,
  decode: (z: tf.Tensor2D) => tf.Tensor2D,
  eps: tf.Tensor3D,
) => tf.Tensor;
/** One row of the β sweep of chapter 4: the β a model was trained with and its test measurements. */
export interface BetaSweepRow {
  beta: number;
  /** −E_q[log p(x|z)] on the test set, nats per example. */
  recon: number;
  /** KL(q(z|x) ‖ p(z)) on the test set, nats per example. */
  kl: number;
  /** Latent dimensions with Cov_x(E_q[z_j]) > 0.01. */
  activeUnits: number;
}

export interface CheckOptions {
  /** Print nothing (the grader collects the returned result instead). */
  quiet?: boolean;
  /** Points of the exercise (default: lib/exercises.ts). */
  points?: number;
}

// ------------------------------------------------------------------ seeded test data

function randn(rng: Rng, shape: [number, number], scale = 1, shift = 0): tf.Tensor2D {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = shift + scale * rng.normal();
  return tf.tensor2d(v, shape);
}

function uniform(rng: Rng, shape: [number, number], lo = 0, hi = 1): tf.Tensor2D {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.next();
  return tf.tensor2d(v, shape);
}

function binary(rng: Rng, shape: [number, number]): tf.Tensor2D {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = rng.next() < 0.5 ? 1 : 0;
  return tf.tensor2d(v, shape);
}

function values(t: tf.Tensor): { shape: number[]; values: number[] } {
  return { shape: [...t.shape], values: Array.from(t.dataSync()) };
}

function scaled(v: number[], s: number): number[] {
  return v.map((x) => x * s);
}

/** Hints for the usual reduction mistakes of a per-example quantity [batch] over [batch, dim] inputs. */
function perExampleShapeHint(batch: number, dim: number): (got: number[]) => string | undefined {
  return (got) => {
    if (got.length === 0) return `you returned one number; return one value per example (shape [${batch}]): reduce over the last axis only, e.g. tf.sum(t, 1)`;
    if (got.length === 2 && got[0] === batch && got[1] === dim) return 'you did not reduce: sum over the last axis, tf.sum(t, 1)';
    if (got.length === 2 && got[0] === batch && got[1] === 1) return 'drop the kept dimension: tf.sum(t, 1) without keepDims';
    if (got.length === 1 && got[0] === dim) return 'you reduced over the batch axis (0); reduce over axis 1 instead';
    return undefined;
  };
}

function finish(id: string, run: CheckRun, opts: CheckOptions): CheckResult {
  const result = run.result(opts.points ?? exerciseById(id)?.points);
  if (!opts.quiet) console.log(formatResult(result));
  // A notebook shows the value of a cell's last expression; the report is already printed, so the
  // returned result shows as one line there (non-enumerable: JSON and the grader do not see it).
  const summary = `CheckResult ${result.id}: ${result.passed}/${result.total} cases passed${result.maxPoints !== undefined ? `, ${result.points}/${result.maxPoints} points` : ''}`;
  Object.defineProperty(result, Symbol.for('nodejs.util.inspect.custom'), { value: () => summary, enumerable: false });
  return result;
}

/** Runs a check's cases inside one tf scope, so the fixed inputs it builds are released too. */
function checked(id: string, opts: CheckOptions, body: (run: CheckRun) => void): CheckResult {
  const run = new CheckRun(id, title(id));
  tf.tidy(() => body(run));
  return finish(id, run, opts);
}

function title(id: string): string {
  return exerciseById(id)?.title ?? id;
}

function requireFunction(run: CheckRun, name: string, fn: unknown): fn is (...args: never[]) => unknown {
  if (typeof fn === 'function') return true;
  run.case(`${name} is a function`, () => fail('a function', describeValue(fn), `define \`function ${name}(…)\` in the answer cell and run that cell`));
  return false;
}

// ------------------------------------------------------------------ chapter 2

/**
 * Exercise `fit-gaussian` (chapter 2, exercise 5): the maximum-likelihood Gaussian of a set of codes,
 * μ = (1/N) Σ_n z_n and Σ = (1/N) Σ_n (z_n − μ)(z_n − μ)ᵀ (the unbiased 1/(N − 1) is accepted too).
 */
export function checkFitGaussian(fn: FitGaussianFn, opts: CheckOptions = {}): CheckResult {
  return checked('fit-gaussian', opts, (run) => {
    if (requireFunction(run, 'fitGaussian', fn)) {
      const f = fn as FitGaussianFn;
      const rng = new Rng(2);
      const call = (points: number[][]): { mean: number[]; cov: number[][] } => {
        const out = callStudent('fitGaussian', f, points.map((p) => [...p])) as unknown;
        if (out === null || typeof out !== 'object' || !('mean' in out) || !('cov' in out)) {
          throw new WrongAnswer('fitGaussian did not return { mean, cov }', describeValue(out), 'return { mean: number[], cov: number[][] }');
        }
        const o = out as { mean: unknown; cov: unknown };
        const mean = readVector('fitGaussian(…).mean', o.mean);
        if (!Array.isArray(o.cov)) throw new WrongAnswer('cov is not an array of rows', describeValue(o.cov), 'return cov as number[][] (d rows of d numbers)');
        const cov = (o.cov as unknown[]).map((row, i) => readVector(`fitGaussian(…).cov[${i}]`, row));
        return { mean, cov };
      };
      const reference = (points: number[][], denominator: 'n' | 'n-1') => {
        const n = points.length;
        const d = points[0].length;
        const mean = Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[j], 0) / n);
        const div = denominator === 'n' ? n : n - 1;
        const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + (p[i] - mean[i]) * (p[j] - mean[j]), 0) / div));
        const raw = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[i] * p[j], 0) / n));
        return { mean, cov, raw };
      };
      const compare = (points: number[][]): Outcome => {
        const ml = reference(points, 'n');
        const unbiased = reference(points, 'n-1');
        const got = call(points);
        const d = ml.mean.length;
        if (got.mean.length !== d) return fail(`a mean of ${d} values`, `${got.mean.length} values`, 'the mean has one value per code dimension: average over the points, per dimension');
        if (!allClose(ml.mean, got.mean, 1e-4, 1e-5)) return fail(`mean ${fmtValues(ml.mean)}`, `mean ${fmtValues(got.mean)}`, 'μ_j = (1/N) Σ_n z_nj, the average of each coordinate over all points');
        if (got.cov.length !== d || got.cov.some((r) => r.length !== d)) return fail(`a ${d}×${d} covariance`, `${got.cov.length} rows of lengths ${got.cov.map((r) => r.length).join(', ')}`, 'cov is d×d: one row and one column per code dimension');
        const flat = got.cov.flat();
        if (allClose(ml.cov.flat(), flat, 1e-4, 1e-5) || allClose(unbiased.cov.flat(), flat, 1e-4, 1e-5)) return PASS;
        let hint = 'Σ_ij = (1/N) Σ_n (z_ni − μ_i)(z_nj − μ_j)';
        if (allClose(ml.raw.flat(), flat, 1e-4, 1e-5)) hint = 'subtract the mean before taking the products: Σ = (1/N) Σ_n (z_n − μ)(z_n − μ)ᵀ';
        else if (allClose(ml.cov.map((r, i) => r.map((v, j) => (i === j ? v : 0))).flat(), flat, 1e-4, 1e-5)) hint = 'the off-diagonal entries are missing: the code dimensions are correlated, Σ_ij = mean of (z_i − μ_i)(z_j − μ_j)';
        else if (allClose(ml.cov.map((r, i) => r.map((v, j) => (i === j ? Math.sqrt(v) : v))).flat(), flat, 1e-4, 1e-5)) hint = 'the diagonal holds variances, not standard deviations';
        return fail(`cov ${fmtValues(ml.cov.flat())}`, `cov ${fmtValues(flat)}`, hint);
      };
      run.case('three points in 2-D: mean [1, 1]', () => compare([[0, 0], [2, 0], [1, 3]]));
      run.case('correlated 2-D codes (300 points) against the formula', () => {
        const pts = Array.from({ length: 300 }, () => {
          const a = rng.normal();
          return [1.5 * a + 0.3, 0.8 * a + 0.5 * rng.normal() - 1];
        });
        return compare(pts);
      });
      run.case('works in 3-D: a 3-vector mean and a 3×3 covariance', () => compare(Array.from({ length: 40 }, () => [rng.normal(), 2 * rng.normal(), rng.normal() + 5])));
      run.case('the covariance is symmetric', () => {
        const got = call(Array.from({ length: 50 }, () => [rng.normal(), rng.normal() * 0.5 + rng.normal()]));
        const ok = got.cov.length === 2 && Math.abs(got.cov[0][1] - got.cov[1][0]) < 1e-9;
        return ok ? PASS : fail('cov[0][1] = cov[1][0]', got.cov.length === 2 ? `${fmtNum(got.cov[0][1])} and ${fmtNum(got.cov[1][0])}` : `${got.cov.length} rows`, 'Σ_ij and Σ_ji are the same sum');
      });
      run.case('the points are left unchanged', () => {
        const pts = [[1, 2], [3, 5], [-1, 0]];
        const copy = pts.map((p) => [...p]);
        callStudent('fitGaussian', f, pts);
        return allClose(copy.flat(), pts.flat(), 0, 0) ? PASS : fail('the input unchanged', 'the input was modified', 'centre copies of the points, not the points themselves');
      });
    }
  });
}

// ------------------------------------------------------------------ chapter 3

/** Exercise `reparameterize` (chapter 3; Kingma & Welling 2014, section 2.4): z = mean + exp(logVar / 2) ⊙ eps. */
export function checkReparameterize(fn: ReparameterizeFn, opts: CheckOptions = {}): CheckResult {
  return checked('reparameterize', opts, (run) => {
    if (requireFunction(run, 'reparameterize', fn)) {
      const f = fn as ReparameterizeFn;
      const rng = new Rng(3);
      const call = (m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => readTensor('reparameterize(mean, logVar, eps)', callStudent('reparameterize', f, m, lv, e));
      const shapeHint = (got: number[]) => (got.length !== 2 ? 'z has the shape of mean: [batch, latentDim] (combine elementwise, do not reduce)' : 'z has the shape of mean, [batch, latentDim]');

      run.case('zero noise gives the mean', () => {
        const mean = randn(rng, [3, 2]);
        const logVar = randn(rng, [3, 2], 0.5);
        return compareTensor(values(mean), call(mean, logVar, tf.zerosLike(mean)), { shapeHint, hint: 'with eps = 0 the sample is the mean itself' });
      });
      run.case('random mean, logVar and eps [4, 3] against the library', () => {
        const mean = randn(rng, [4, 3]);
        const logVar = randn(rng, [4, 3], 0.8);
        const eps = randn(rng, [4, 3]);
        const expected = values(refReparameterize(mean, logVar, eps));
        const alt = (t: tf.Tensor) => Array.from(t.dataSync());
        return compareTensor(expected, call(mean, logVar, eps), {
          shapeHint,
          hint: 'z = mean + exp(logVar / 2) ⊙ eps',
          alternatives: [
            { values: alt(tf.add(mean, tf.mul(tf.exp(logVar), eps))), hint: 'you scaled eps by the variance exp(logVar); the standard deviation is exp(logVar / 2)' },
            { values: alt(tf.add(mean, tf.mul(logVar, eps))), hint: 'logVar is a log-variance: the standard deviation is exp(logVar / 2), not logVar' },
            { values: alt(tf.add(mean, tf.mul(tf.sqrt(tf.abs(logVar)), eps))), hint: 'logVar is a log-variance: the standard deviation is exp(logVar / 2)' },
            { values: alt(tf.sub(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps))), hint: 'sign error: add the noise term, z = mean + σ ⊙ eps' },
            { values: alt(tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, -0.5)), eps))), hint: 'sign error in the exponent: σ = exp(+logVar / 2)' },
          ],
        });
      });
      run.case('uses the eps it is given (no noise of its own)', () => {
        const mean = randn(rng, [2, 4]);
        const logVar = tf.zeros([2, 4]) as tf.Tensor2D;
        const e1 = randn(rng, [2, 4]);
        const e2 = randn(rng, [2, 4]);
        const z1 = call(mean, logVar, e1);
        const z2 = call(mean, logVar, e2);
        if (allClose(z1.values, z2.values, 1e-6, 1e-6)) {
          return fail('different z for different eps', 'the same z for both', 'use the eps argument; do not draw your own noise (tf.randomNormal) inside');
        }
        return compareTensor(values(tf.add(mean, e2)), z2, { shapeHint, hint: 'with logVar = 0, z = mean + eps exactly' });
      });
      run.case('batch 5, latentDim 7: z has shape [5, 7]', () => {
        const mean = randn(rng, [5, 7]);
        const got = call(mean, randn(rng, [5, 7], 0.3), randn(rng, [5, 7]));
        return got.shape.join() === '5,7' ? PASS : fail('shape [5, 7]', `shape ${fmtShape(got.shape)}`, shapeHint(got.shape));
      });
      // The point of the trick: z is a differentiable function of mean and logVar (chapter 3).
      const mean = randn(rng, [3, 4]);
      const logVar = randn(rng, [3, 4], 0.5);
      const eps = randn(rng, [3, 4]);
      const w = randn(rng, [3, 4]); // an arbitrary upstream gradient: d(Σ w ⊙ z) = w ⊙ dz
      run.case('the gradient reaches mean (∂z/∂mean = 1)', () => {
        const g = tf.grad((m: tf.Tensor) => tf.sum(tf.mul(w, readTensorKeep(callStudent('reparameterize', f, m as tf.Tensor2D, logVar, eps)))))(mean);
        return compareTensor(values(w), values(g), { hint: 'z must be built from mean with tf ops (mean + …), so the gradient flows back to the encoder' });
      }, gradientHint);
      run.case('the gradient reaches logVar (∂z/∂logVar = ½ exp(logVar/2) ⊙ eps)', () => {
        const g = tf.grad((lv: tf.Tensor) => tf.sum(tf.mul(w, readTensorKeep(callStudent('reparameterize', f, mean, lv as tf.Tensor2D, eps)))))(logVar);
        const expected = values(tf.mul(w, tf.mul(tf.mul(tf.exp(tf.mul(logVar, 0.5)), 0.5), eps)));
        return compareTensor(expected, values(g), { hint: 'compute σ = exp(logVar / 2) with tf ops on logVar (not from copied numbers), so the gradient reaches the encoder\'s logVar head' });
      }, gradientHint);
    }
  });
}

function gradientHint(e: { message: string }): string | undefined {
  if (/Cannot compute gradient/.test(e.message)) {
    return 'no gradient reaches this input: z is not built from it with tf ops (dataSync/arraySync/tf.tensor(...) of copied numbers, or sampling z directly, cut the graph) — that is exactly what the trick avoids';
  }
  if (/TODO/.test(e.message)) return 'the stub still throws: replace it with your implementation';
  return undefined;
}

/** Inside tf.grad the student's output must be a tensor; same validation as readTensor but keeps the tensor. */
function readTensorKeep(v: unknown): tf.Tensor {
  if (v instanceof tf.Tensor) return v;
  throw new WrongAnswer('reparameterize did not return a tf.Tensor', describeValue(v), 'return a tf.Tensor built with tf ops');
}

/** Exercise `kl` (chapter 3; Kingma & Welling 2014, appendix B): ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j), per example. */
export function checkKlDivergence(fn: KlFn, opts: CheckOptions = {}): CheckResult {
  return checked('kl', opts, (run) => {
    if (requireFunction(run, 'klDivergence', fn)) {
      const f = fn as KlFn;
      const rng = new Rng(5);
      const call = (m: tf.Tensor2D, lv: tf.Tensor2D) => readTensor('klDivergence(mean, logVar)', callStudent('klDivergence', f, m, lv));
      const hint = 'KL = ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j), summed over the latent axis, one value per example';
      const mistakes = (mean: tf.Tensor2D, logVar: tf.Tensor2D) => {
        const e = Array.from(refKl(mean, logVar).dataSync());
        const dim = mean.shape[1];
        const sigmaNotVar = Array.from(tf.mul(tf.sum(tf.sub(tf.add(tf.exp(tf.mul(logVar, 0.5)), tf.square(mean)), tf.add(logVar, 1)), 1), 0.5).dataSync());
        return [
          { values: scaled(e, -1), hint: 'sign error: the KL is never negative; it is ½ Σ (exp(logVar) + mean² − 1 − logVar)' },
          { values: scaled(e, 2), hint: 'your values are twice the expected: the factor ½ is missing' },
          { values: scaled(e, 1 / dim), hint: 'you averaged over the latent dimensions: sum them (tf.sum(…, 1)), the KL of independent dimensions adds up' },
          { values: e.map((v) => v + dim / 2), hint: 'the −1 inside the sum is missing' },
          { values: sigmaNotVar, hint: 'use the variance exp(logVar), not the standard deviation exp(logVar / 2)' },
        ];
      };
      run.case('N(0, I) has zero KL', () => {
        const z = tf.zeros([3, 4]) as tf.Tensor2D;
        return compareTensor({ shape: [3], values: [0, 0, 0] }, call(z, z), { shapeHint: perExampleShapeHint(3, 4), hint });
      });
      run.case('mean [1, 2], logVar 0: KL = ½ (1 + 4) = 2.5', () => {
        const mean = tf.tensor2d([[1, 2]]);
        const logVar = tf.zeros([1, 2]) as tf.Tensor2D;
        return compareTensor({ shape: [1], values: [2.5] }, call(mean, logVar), { shapeHint: perExampleShapeHint(1, 2), hint, alternatives: mistakes(mean, logVar) });
      });
      run.case('mean 0, logVar [ln 4]: KL = ½ (4 − 1 − ln 4)', () => {
        const mean = tf.zeros([1, 1]) as tf.Tensor2D;
        const logVar = tf.tensor2d([[Math.log(4)]]);
        return compareTensor({ shape: [1], values: [0.5 * (4 - 1 - Math.log(4))] }, call(mean, logVar), { shapeHint: perExampleShapeHint(1, 1), hint, alternatives: mistakes(mean, logVar) });
      });
      run.case('random mean and logVar [4, 5] against the library', () => {
        const mean = randn(rng, [4, 5]);
        const logVar = randn(rng, [4, 5], 0.7);
        return compareTensor(values(refKl(mean, logVar)), call(mean, logVar), { shapeHint: perExampleShapeHint(4, 5), hint, alternatives: mistakes(mean, logVar) });
      });
      run.case('one value per example: shape [batch]', () => {
        const mean = randn(rng, [6, 3]);
        const got = call(mean, randn(rng, [6, 3], 0.5));
        return got.shape.join() === '6' ? PASS : fail('shape [6]', `shape ${fmtShape(got.shape)}`, perExampleShapeHint(6, 3)(got.shape) ?? 'one KL value per example');
      });
      run.case('never negative, even for wide and narrow posteriors', () => {
        const mean = randn(rng, [8, 4], 2);
        const logVar = randn(rng, [8, 4], 3);
        const got = call(mean, logVar);
        const neg = got.values.filter((v) => v < -1e-5);
        return neg.length === 0 ? PASS : fail('all values ≥ 0', fmtValues(got.values), 'a KL divergence is ≥ 0: check the sign of each term, ½ Σ (exp(logVar) + mean² − 1 − logVar)');
      });
    }
  });
}

/** Exercise `bernoulli-ll` (chapter 3): log p(x|z) = Σ_i x_i l_i − softplus(l_i) per example, stable for large |l|. */
export function checkBernoulliLogLikelihood(fn: LogLikelihoodFn, opts: CheckOptions = {}): CheckResult {
  return checked('bernoulli-ll', opts, (run) => {
    if (requireFunction(run, 'bernoulliLogLikelihood', fn)) {
      const f = fn as LogLikelihoodFn;
      const rng = new Rng(7);
      const call = (x: tf.Tensor2D, l: tf.Tensor2D) => readTensor('bernoulliLogLikelihood(x, logits)', callStudent('bernoulliLogLikelihood', f, x, l));
      const hint = 'log p(x|z) = Σ_i x_i·l_i − softplus(l_i), summed over pixels, one value per example';
      const mistakes = (x: tf.Tensor2D, l: tf.Tensor2D) => {
        const e = Array.from(refBernoulli(x, l).dataSync());
        return [
          { values: scaled(e, -1), hint: 'you returned the binary cross-entropy (the negative): a log-likelihood of binary pixels is ≤ 0' },
          { values: scaled(e, 1 / x.shape[1]), hint: 'you averaged over the pixels: sum them (tf.sum(…, 1)), the pixels are independent given z' },
        ];
      };
      run.case('logits 0 give log ½ per pixel', () => {
        const x = binary(rng, [2, 6]);
        const l = tf.zeros([2, 6]) as tf.Tensor2D;
        return compareTensor({ shape: [2], values: [6 * Math.log(0.5), 6 * Math.log(0.5)] }, call(x, l), { shapeHint: perExampleShapeHint(2, 6), hint, alternatives: mistakes(x, l) });
      });
      run.case('random x in [0, 1] and logits [3, 10] against the library', () => {
        const x = uniform(rng, [3, 10]);
        const l = randn(rng, [3, 10], 2);
        return compareTensor(values(refBernoulli(x, l)), call(x, l), { shapeHint: perExampleShapeHint(3, 10), hint, alternatives: mistakes(x, l) });
      });
      run.case('binary x: the log-likelihood is ≤ 0', () => {
        const x = binary(rng, [4, 12]);
        const got = call(x, randn(rng, [4, 12], 3));
        const pos = got.values.filter((v) => v > 1e-5);
        return pos.length === 0 ? PASS : fail('all values ≤ 0', fmtValues(got.values), 'probabilities are ≤ 1, so their logs are ≤ 0: check the sign (this is the log-likelihood, not the cross-entropy)');
      });
      run.case('large logits (±30 … ±100) stay finite and exact', () => {
        const x = tf.tensor2d([[1, 0, 1, 0], [0, 1, 1, 0]]);
        const l = tf.tensor2d([[100, -100, -30, 30], [60, -60, 45, -45]]);
        const got = call(x, l);
        if (got.values.some((v) => !Number.isFinite(v))) {
          return fail(fmtValues(values(refBernoulli(x, l)).values), fmtValues(got.values), 'log(sigmoid(l)) underflows to log(0) = −Infinity for large |l|: use the stable form x·l − softplus(l) (tf.softplus)');
        }
        return compareTensor(values(refBernoulli(x, l)), got, { shapeHint: perExampleShapeHint(2, 4), hint: 'for large |l| compute x·l − softplus(l) rather than log(sigmoid(l)) (it rounds to 0 or 1 in float32)', alternatives: mistakes(x, l) });
      });
      run.case('one value per example: shape [batch]', () => {
        const got = call(binary(rng, [5, 3]), randn(rng, [5, 3]));
        return got.shape.join() === '5' ? PASS : fail('shape [5]', `shape ${fmtShape(got.shape)}`, perExampleShapeHint(5, 3)(got.shape) ?? 'one value per example');
      });
    }
  });
}

/**
 * Exercise `elbo` (chapter 3): recon = −mean_batch log p(x|z), kl = mean_batch KL,
 * loss = recon + β·kl, elbo = −(recon + kl); all scalars in nats per example.
 */
export function checkElbo(fn: ElboFn, opts: CheckOptions = {}): CheckResult {
  return checked('elbo', opts, (run) => {
    if (requireFunction(run, 'elbo', fn)) {
      const f = fn as ElboFn;
      const rng = new Rng(11);
      const batch = 3;
      const x = binary(rng, [batch, 8]);
      const mean = randn(rng, [batch, 2]);
      const logVar = randn(rng, [batch, 2], 0.5);
      const logits = randn(rng, [batch, 8], 2);
      type Terms = { recon: number; kl: number; loss: number; elbo: number };
      const ref = (beta: number): Terms => {
        const t = refElbo(x, { mean, logVar, logits }, { beta });
        const out = { recon: t.recon.dataSync()[0], kl: t.kl.dataSync()[0], loss: t.loss.dataSync()[0], elbo: t.elbo.dataSync()[0] };
        tf.dispose([t.recon, t.kl, t.loss, t.elbo]);
        return out;
      };
      const call = (beta: number): { terms: Partial<Terms>; shapes: Record<string, number[]> } => {
        const out = callStudent('elbo', f, x, { mean, logVar, logits }, beta) as unknown;
        if (out === null || typeof out !== 'object') {
          throw new WrongAnswer('elbo did not return an object', describeValue(out), 'return { recon, kl, loss, elbo } (four scalar tensors)');
        }
        const o = out as Record<string, unknown>;
        const terms: Partial<Terms> = {};
        const shapes: Record<string, number[]> = {};
        for (const k of ['recon', 'kl', 'loss', 'elbo'] as const) {
          if (!(k in o)) throw new WrongAnswer(`elbo's result has no '${k}'`, describeValue(out), 'return { recon, kl, loss, elbo }');
          const t = readTensor(`elbo(…).${k}`, o[k]);
          shapes[k] = t.shape;
          terms[k] = t.values.length === 1 ? t.values[0] : NaN;
        }
        return { terms, shapes };
      };
      const termCase = (name: string, beta: number, key: keyof Terms, extra: (e: number) => { values: number[]; hint: string }[]) => {
        run.case(name, () => {
          const e = ref(beta)[key];
          const { terms, shapes } = call(beta);
          const g = terms[key] as number;
          if (shapes[key].length !== 0) {
            return fail('a scalar (shape [])', `shape ${fmtShape(shapes[key])}`, `average over the batch: ${key} is one number in nats per example (tf.mean)`);
          }
          const alts = [
            { values: [-e], hint: `sign error in ${key}: recon = −E[log p(x|z)] ≥ 0, kl ≥ 0, loss = recon + β·kl, elbo = −(recon + kl)` },
            { values: [e * batch], hint: `${key} is ${batch}× too large: take the mean over the batch (nats per example), not the sum` },
            ...extra(e),
          ];
          return compareTensor({ shape: [], values: [e] }, { shape: [], values: [g] }, { alternatives: alts, hint: 'recon = −mean(log p(x|z)), kl = mean(KL), loss = recon + β·kl, elbo = −(recon + kl)' });
        });
      };
      const refs1 = () => ref(1);
      termCase('recon = −mean over the batch of log p(x|z)', 1, 'recon', () => [
        { values: [refs1().recon / 8], hint: 'sum log p(x|z) over the pixels (then average over the batch), do not average over pixels' },
      ]);
      termCase('kl = mean over the batch of the Gaussian KL', 1, 'kl', () => [
        { values: [refs1().kl / 2], hint: 'sum the KL over the latent dimensions (then average over the batch)' },
      ]);
      termCase('loss with β = 1 is recon + kl', 1, 'loss', () => []);
      termCase('loss with β = 4 weights the KL: recon + 4·kl', 4, 'loss', () => [
        { values: [refs1().loss], hint: 'β is ignored: loss = recon + β·kl' },
        { values: [refs1().recon * 4 + refs1().kl], hint: 'β multiplies the KL, not the reconstruction term' },
      ]);
      termCase('loss with β = 0 is the reconstruction alone', 0, 'loss', () => [{ values: [refs1().loss], hint: 'β is ignored: loss = recon + β·kl' }]);
      termCase('elbo = −(recon + kl) whatever β (here β = 4)', 4, 'elbo', () => [
        { values: [-ref(4).loss], hint: 'the ELBO is the bound itself: β weights the loss only, elbo = −(recon + kl)' },
        { values: [ref(4).loss], hint: 'the ELBO is −(recon + kl): β weights the loss only, and the sign is negative' },
      ]);
      run.case('recon ≥ 0, kl ≥ 0, elbo ≤ 0', () => {
        const { terms } = call(1);
        const ok = (terms.recon as number) >= -1e-5 && (terms.kl as number) >= -1e-5 && (terms.elbo as number) <= 1e-5;
        return ok ? PASS : fail('recon ≥ 0, kl ≥ 0, elbo ≤ 0', `recon ${fmtNum(terms.recon as number)}, kl ${fmtNum(terms.kl as number)}, elbo ${fmtNum(terms.elbo as number)}`, 'recon is a negative log-likelihood (≥ 0), the KL is ≥ 0, and the ELBO is a log-probability bound (≤ 0 for binary pixels)');
      });
    }
  });
}

// ------------------------------------------------------------------ chapter 4

/** Exercise `kl-warmup` (chapter 4; Bowman et al. 2016): β(step) = betaMax · min(1, step / warmupSteps). */
export function checkKlWarmup(fn: WarmupFn, opts: CheckOptions = {}): CheckResult {
  return checked('kl-warmup', opts, (run) => {
    if (requireFunction(run, 'warmupBeta', fn)) {
      const f = fn as WarmupFn;
      const call = (step: number, warmupSteps: number, betaMax: number): number => {
        const v = callStudent('warmupBeta', f, step, warmupSteps, betaMax) as unknown;
        if (typeof v !== 'number') throw new WrongAnswer('warmupBeta did not return a number', describeValue(v), 'return β as a plain number');
        return v;
      };
      const cmp = (cases: [number, number, number][], hint: string): Outcome => {
        const expected = cases.map(([s, w, b]) => refKlWarmup({ warmupSteps: w, betaMax: b })(s));
        const got = cases.map(([s, w, b]) => call(s, w, b));
        if (allClose(expected, got, 1e-9, 1e-9)) return PASS;
        return fail(fmtValues(expected, 8), fmtValues(got, 8), hint);
      };
      run.case('β starts at 0 and reaches betaMax after warmupSteps', () => cmp([[0, 100, 1], [100, 100, 1]], 'β(0) = 0 and β(warmupSteps) = betaMax'));
      run.case('β rises linearly: steps 25, 50, 75 of 100 with betaMax 2', () => cmp([[25, 100, 2], [50, 100, 2], [75, 100, 2]], 'β = betaMax · step / warmupSteps during the warm-up'));
      run.case('β stays at betaMax after the warm-up', () => cmp([[101, 100, 1], [1000, 100, 1], [5000, 10, 0.5]], 'cap it: β = betaMax · min(1, step / warmupSteps)'));
      run.case('warmupSteps 0 means no warm-up (no division by zero)', () => {
        const v = call(0, 0, 1);
        return Number.isFinite(v) && Math.abs(v - 1) < 1e-9 ? PASS : fail('1', fmtNum(v), 'with warmupSteps = 0 return betaMax directly (0 / 0 is NaN)');
      });
    }
  });
}

/**
 * Exercise `beta-sweep` (chapter 4, posterior collapse): rows { beta, recon, kl, activeUnits }
 * from VAEs trained with several β. Checks the rows are well formed, cover a
 * useful range of β, and show the expected trend: a larger β pushes the
 * posterior onto the prior, so the KL and the number of active units fall.
 */
export function checkBetaSweep(rows: BetaSweepRow[], opts: CheckOptions & { latentDim?: number } = {}): CheckResult {
  return checked('beta-sweep', opts, (run) => {
    let list: BetaSweepRow[] = [];
    run.case('a list of rows { beta, recon, kl, activeUnits }', () => {
      const raw: unknown[] | unknown = rows;
      if (!Array.isArray(raw)) return fail('an array of { beta, recon, kl, activeUnits }', describeValue(rows), 'collect one row per β, e.g. rows.push({ beta, recon, kl, activeUnits })');
      if (rows.length === 0) return fail('one row per β', 'an empty array', 'train one model per β and push its row');
      const bad = raw.findIndex((r: unknown) => r === null || typeof r !== 'object' || !['beta', 'recon', 'kl', 'activeUnits'].every((k) => typeof (r as Record<string, unknown>)[k] === 'number' && Number.isFinite((r as Record<string, number>)[k])));
      if (bad >= 0) return fail('finite numbers beta, recon, kl and activeUnits in every row', `row ${bad}: ${JSON.stringify(rows[bad])}`, 'recon and kl: evaluate(model, test); activeUnits: activeUnits(model, test).count');
      list = [...(rows as BetaSweepRow[])].sort((a, b) => a.beta - b.beta);
      return PASS;
    });
    const betas = () => [...new Set(list.map((r) => r.beta))];
    run.case('at least three β values, from ≤ 0.5 up to ≥ 2', () => {
      const b = betas();
      if (list.length === 0) return fail('rows', 'none', 'fix the rows first');
      return b.length >= 3 && Math.min(...b) <= 0.5 && Math.max(...b) >= 2 ? PASS : fail('≥ 3 distinct β spanning [0.5, 2] or wider', fmtValues(b), 'sweep for example β ∈ {0, 0.5, 1, 2, 4}');
    });
    run.case('active units are whole numbers between 0 and latentDim', () => {
      if (list.length === 0) return fail('rows', 'none', 'fix the rows first');
      const max = opts.latentDim ?? Infinity;
      const bad = list.find((r) => !Number.isInteger(r.activeUnits) || r.activeUnits < 0 || r.activeUnits > max);
      return bad === undefined ? PASS : fail(`integers in [0, ${opts.latentDim ?? 'latentDim'}]`, String(bad.activeUnits), 'count the latent dimensions whose Cov_x(E_q[z_j]) exceeds 0.01 (Burda et al. 2016)');
    });
    run.case('the KL falls as β grows', () => {
      if (list.length < 2) return fail('rows for several β', `${list.length}`, 'fix the rows first');
      const lo = list[0];
      const hi = list[list.length - 1];
      return hi.kl < lo.kl ? PASS : fail(`kl at β = ${fmtNum(hi.beta)} below kl at β = ${fmtNum(lo.beta)}`, `${fmtNum(hi.kl)} vs ${fmtNum(lo.kl)}`, 'each row must come from its own model trained with that β (create a fresh VAE per β)');
    });
    run.case('active units do not grow with β (posterior collapse)', () => {
      if (list.length < 2) return fail('rows for several β', `${list.length}`, 'fix the rows first');
      const lo = list[0];
      const hi = list[list.length - 1];
      return hi.activeUnits <= lo.activeUnits ? PASS : fail(`activeUnits at β = ${fmtNum(hi.beta)} ≤ at β = ${fmtNum(lo.beta)}`, `${hi.activeUnits} vs ${lo.activeUnits}`, 'measure the active units on the same data for every model, with the same threshold');
    });
  });
}

// ------------------------------------------------------------------ chapter 5

function vectors(rng: Rng, dim: number, scale = 1): number[] {
  return Array.from({ length: dim }, () => scale * rng.normal());
}

/** Exercise `lerp` (chapter 5): (1 − t)·a + t·b, elementwise. */
export function checkLerp(fn: InterpolateFn, opts: CheckOptions = {}): CheckResult {
  return checked('lerp', opts, (run) => {
    if (requireFunction(run, 'lerp', fn)) {
      const f = fn as InterpolateFn;
      const rng = new Rng(13);
      const call = (a: number[], b: number[], t: number) => readVector('lerp(a, b, t)', callStudent('lerp', f, [...a], [...b], t));
      const cmp = (a: number[], b: number[], t: number, hint: string): Outcome => {
        const expected = Array.from(refLerp(a, b, t));
        const got = call(a, b, t);
        if (got.length !== expected.length) return fail(`${expected.length} values`, `${got.length} values`, 'the result has one value per latent dimension');
        if (allClose(expected, got, 1e-5, 1e-6)) return PASS;
        const swapped = Array.from(refLerp(a, b, 1 - t));
        return fail(fmtValues(expected), fmtValues(got), allClose(swapped, got, 1e-5, 1e-6) ? 't = 0 must give a and t = 1 must give b: (1 − t)·a + t·b' : hint);
      };
      const a = vectors(rng, 6);
      const b = vectors(rng, 6);
      run.case('t = 0 gives a', () => cmp(a, b, 0, 'at t = 0 the path starts at a'));
      run.case('t = 1 gives b', () => cmp(a, b, 1, 'at t = 1 the path ends at b'));
      run.case('t = 0.25 against the library', () => cmp(a, b, 0.25, 'lerp(a, b, t) = (1 − t)·a + t·b'));
      run.case('works in 20 dimensions and leaves a and b unchanged', () => {
        const a2 = vectors(rng, 20);
        const b2 = vectors(rng, 20);
        const ac = [...a2];
        const bc = [...b2];
        const got = readVector('lerp(a, b, t)', callStudent('lerp', f, a2, b2, 0.6));
        if (!allClose(ac, a2, 0, 0) || !allClose(bc, b2, 0, 0)) return fail('a and b unchanged', 'an input was modified', 'build a new array for the result instead of writing into a or b');
        const expected = Array.from(refLerp(ac, bc, 0.6));
        return allClose(expected, got, 1e-5, 1e-6) ? PASS : fail(fmtValues(expected), fmtValues(got), 'loop over every dimension');
      });
    }
  });
}

/**
 * Exercise `slerp` (chapter 5; Shoemake 1985, White 2016): with Ω the angle between
 * a and b, sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b; lerp when a and b are (nearly) parallel.
 */
export function checkSlerp(fn: InterpolateFn, opts: CheckOptions = {}): CheckResult {
  return checked('slerp', opts, (run) => {
    if (requireFunction(run, 'slerp', fn)) {
      const f = fn as InterpolateFn;
      const rng = new Rng(17);
      const call = (a: number[], b: number[], t: number) => readVector('slerp(a, b, t)', callStudent('slerp', f, [...a], [...b], t));
      const cmp = (a: number[], b: number[], t: number, hint: string): Outcome => {
        const expected = Array.from(refSlerp(a, b, t));
        const got = call(a, b, t);
        if (got.length !== expected.length) return fail(`${expected.length} values`, `${got.length} values`, 'the result has one value per latent dimension');
        if (allClose(expected, got, 1e-4, 1e-5)) return PASS;
        let h = hint;
        if (allClose(Array.from(refLerp(a, b, t)), got, 1e-4, 1e-5)) h = 'that is the straight line (lerp); slerp follows the arc: sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b';
        else if (allClose(Array.from(refSlerp(a, b, 1 - t)), got, 1e-4, 1e-5)) h = 't = 0 must give a and t = 1 must give b: the weight of a is sin((1 − t)Ω)/sin Ω';
        else if (got.some((v) => !Number.isFinite(v))) h = 'NaN/Infinity: when a and b are (nearly) parallel sin Ω ≈ 0; fall back to lerp there, and clamp the cosine to [−1, 1] before Math.acos';
        return fail(fmtValues(expected), fmtValues(got), h);
      };
      const a = vectors(rng, 5, 1.5);
      const b = vectors(rng, 5, 0.7);
      run.case('t = 0 gives a, t = 1 gives b', () => {
        const o = cmp(a, b, 0, 'at t = 0 the path starts at a');
        return o.passed ? cmp(a, b, 1, 'at t = 1 the path ends at b') : o;
      });
      run.case('orthogonal unit vectors at t = ½: [√½, √½, 0] (norm 1)', () => cmp([1, 0, 0], [0, 1, 0], 0.5, 'Ω = arccos(a·b / (‖a‖‖b‖)); the weights are sin((1 − t)Ω)/sin Ω and sin(tΩ)/sin Ω'));
      run.case('random vectors of different norms, t = 0.3, against the library', () => cmp(a, b, 0.3, 'Ω is the angle between a and b: cos Ω = a·b / (‖a‖‖b‖)'));
      run.case('parallel vectors give finite values (fall back to lerp)', () => {
        // cos Ω is exactly 1 here (norms 5 and 10), so an unguarded formula divides 0 by 0.
        return cmp([3, 0, 4, 0], [6, 0, 8, 0], 0.5, 'for parallel a and b sin Ω = 0: use lerp when sin Ω is tiny');
      });
      run.case('identical vectors stay put', () => {
        const p = [0.6, -0.8, 0, 0];
        return cmp(p, p, 0.7, 'slerp(a, a, t) = a: guard the division by sin Ω = 0, and clamp the cosine to [−1, 1]');
      });
    }
  });
}

// ------------------------------------------------------------------ chapter 6

/** The reference importance-weighted bound from the library's densities (Burda et al. 2016, eq. 8). */
function refIwae(x: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D, decode: (z: tf.Tensor2D) => tf.Tensor2D, eps: tf.Tensor3D): { bound: number[]; elboMean: number[] } {
  const k = eps.shape[0];
  const logW: tf.Tensor1D[] = [];
  for (let i = 0; i < k; i++) {
    const e = tf.squeeze(tf.slice(eps, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D; // [batch, latentDim]
    const z = refReparameterize(mean, logVar, e); // [batch, latentDim]
    logW.push(tf.sub(tf.add(refBernoulli(x, decode(z)), logStandardNormal(z)), logNormal(z, mean, logVar)) as tf.Tensor1D); // [batch]
  }
  const w = tf.stack(logW); // [k, batch]
  return {
    bound: Array.from(tf.sub(tf.logSumExp(w, 0), Math.log(k)).dataSync()),
    elboMean: Array.from(tf.mean(w, 0).dataSync()),
  };
}

/**
 * Exercise `iwae` (chapter 6; Burda et al. 2016): per example,
 * L_k = log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x) with z_i = mean + exp(logVar/2) ⊙ eps_i,
 * computed with a log-sum-exp.
 */
export function checkIwae(fn: IwaeFn, opts: CheckOptions = {}): CheckResult {
  return checked('iwae', opts, (run) => {
    if (requireFunction(run, 'iwaeBound', fn)) {
      const f = fn as IwaeFn;
      const rng = new Rng(19);
      // A fixed random linear decoder z → logits stands in for a trained one.
      const setup = (batch: number, latentDim: number, dim: number, k: number, wScale: number) => {
        const W = randn(rng, [latentDim, dim], wScale);
        const bias = randn(rng, [1, dim], 0.5);
        const decode = (z: tf.Tensor2D) => tf.add(tf.matMul(z, W), bias) as tf.Tensor2D; // [n, dim]
        const x = binary(rng, [batch, dim]);
        const mean = randn(rng, [batch, latentDim], 0.7);
        const logVar = randn(rng, [batch, latentDim], 0.4, -0.5);
        const epsV = new Float32Array(k * batch * latentDim).map(() => rng.normal());
        const eps = tf.tensor3d(epsV, [k, batch, latentDim]);
        return { x, mean, logVar, decode, eps };
      };
      const call = (s: ReturnType<typeof setup>) => readTensor('iwaeBound(x, mean, logVar, decode, eps)', callStudent('iwaeBound', f, s.x, s.mean, s.logVar, s.decode, s.eps));
      const hint = 'L_k = logsumexp_i(log p(x|z_i) + log p(z_i) − log q(z_i|x)) − log k, with z_i = mean + exp(logVar/2) ⊙ eps[i]';
      const mistakes = (s: ReturnType<typeof setup>) => {
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        const k = s.eps.shape[0];
        return [
          { values: r.elboMean, hint: 'you averaged the log-weights (that is the ELBO estimate): the IWAE bound is the log of the mean of the weights, logsumexp − log k' },
          { values: r.bound.map((v) => v + Math.log(k)), hint: 'the − log k is missing: the bound averages the k weights, log((1/k) Σ w_i)' },
          { values: r.bound.map((v) => -v), hint: 'sign error: return the bound (a log-likelihood estimate, ≤ 0 here), not its negative' },
        ];
      };
      run.case('k = 1 equals the one-sample ELBO estimate', () => {
        const s = setup(3, 2, 10, 1, 1);
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        return compareTensor({ shape: [3], values: r.bound }, call(s), { shapeHint: perExampleShapeHint(3, 1), hint: 'with k = 1, L_1 = log p(x|z) + log p(z) − log q(z|x) at z = mean + exp(logVar/2) ⊙ eps[0]', alternatives: mistakes(s) });
      });
      run.case('k = 5 against the reference', () => {
        const s = setup(4, 3, 12, 5, 1);
        return compareTensor({ shape: [4], values: refIwae(s.x, s.mean, s.logVar, s.decode, s.eps).bound }, call(s), { shapeHint: perExampleShapeHint(4, 5), hint, alternatives: mistakes(s) });
      });
      run.case('k identical samples give the k = 1 value (the − log k)', () => {
        const s = setup(2, 2, 10, 1, 1);
        const eps4 = tf.tile(s.eps, [4, 1, 1]) as tf.Tensor3D; // [4, batch, latentDim], four copies
        const expected = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps).bound;
        const got = readTensor('iwaeBound(…)', callStudent('iwaeBound', f, s.x, s.mean, s.logVar, s.decode, eps4));
        return compareTensor({ shape: [2], values: expected }, got, { shapeHint: perExampleShapeHint(2, 4), hint, alternatives: [{ values: expected.map((v) => v + Math.log(4)), hint: 'the − log k is missing: k identical weights must average to the same weight' }] });
      });
      run.case('stable when log-weights are around −1000 (log-sum-exp)', () => {
        const s = setup(2, 3, 300, 6, 6);
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        const got = call(s);
        if (got.values.some((v) => !Number.isFinite(v))) {
          return fail(fmtValues(r.bound), fmtValues(got.values), 'exp(−1000) underflows to 0 and log(0) = −Infinity: use tf.logSumExp over the k axis (it subtracts the maximum first)');
        }
        return compareTensor({ shape: [2], values: r.bound }, got, { shapeHint: perExampleShapeHint(2, 6), hint, alternatives: mistakes(s), rtol: 1e-4, atol: 1e-2 });
      });
      run.case('the bound is at least the average log-weight (Jensen)', () => {
        const s = setup(3, 2, 10, 8, 1.5);
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        const got = call(s);
        if (got.values.length !== 3) return fail('3 values', `${got.values.length} values`, 'one value per example');
        const bad = got.values.findIndex((v, i) => !(v >= r.elboMean[i] - 1e-3));
        return bad < 0 ? PASS : fail(`≥ ${fmtValues(r.elboMean)}`, fmtValues(got.values), 'log of a mean ≥ mean of the logs: the IWAE bound is never below the ELBO estimate from the same samples');
      });
    }
  });
}

// ------------------------------------------------------------------ dispatch

/** The checks by exercise id (the grader's entry point is `runExercise`). */
// The grader passes whatever value the submission defines; every check validates it at run time.
type AnyCheck = (value: never, opts: CheckOptions) => CheckResult;
const BY_ID: Record<string, AnyCheck> = {
  'fit-gaussian': checkFitGaussian,
  reparameterize: checkReparameterize,
  kl: checkKlDivergence,
  'bernoulli-ll': checkBernoulliLogLikelihood,
  elbo: checkElbo,
  'kl-warmup': checkKlWarmup,
  'beta-sweep': checkBetaSweep,
  lerp: checkLerp,
  slerp: checkSlerp,
  iwae: checkIwae,
};

/**
 * Runs the check of exercise `id` on `value` (the function or result the
 * answer defines). Never throws: an unknown id or a checker failure becomes a
 * failed result, so a grading run always gets a result line.
 */
export function runExercise(id: string, value: unknown, opts: CheckOptions = {}): CheckResult {
  const fn = BY_ID[id];
  const before = tf.memory().numTensors;
  try {
    if (!fn) throw new Error(`no check for exercise id '${id}' (known: ${Object.keys(BY_ID).join(', ')})`);
    return (fn as (v: unknown, o: CheckOptions) => CheckResult)(value, opts);
  } catch (e) {
    const run = new CheckRun(id, title(id));
    const message = e instanceof Error ? e.message : String(e);
    run.case('the check ran', () => fail('a completed check', `checker error: ${message}`, 'please report this: the checker itself failed'));
    return finish(id, run, opts);
  } finally {
    // The checks create their fixed inputs outside the per-case scopes; nothing may survive a check.
    if (tf.memory().numTensors !== before && process.env.VAE_CHECK_DEBUG) {
      console.log(`check ${id}: numTensors ${before} → ${tf.memory().numTensors}`);
    }
  }
}

/** The checks, named after what the exercise implements: `check.klDivergence(myKl)`. */
export const check = {
  fitGaussian: checkFitGaussian,
  reparameterize: checkReparameterize,
  klDivergence: checkKlDivergence,
  bernoulliLogLikelihood: checkBernoulliLogLikelihood,
  elbo: checkElbo,
  klWarmup: checkKlWarmup,
  betaSweep: checkBetaSweep,
  lerp: checkLerp,
  slerp: checkSlerp,
  iwae: checkIwae,
  run: runExercise,
};
