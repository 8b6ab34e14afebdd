/**
 * Checks of the latent-space exercises: chapter 2's Gaussian fitted to the
 * codes of an autoencoder, and chapter 5's linear and spherical interpolation
 * (against lib/training/generate.ts). Plain arrays in, plain arrays out.
 */
import { Rng } from '../model/random';
import { lerp as refLerp, slerp as refSlerp } from '../training/generate';
import {
  CheckOptions,
  CheckResult,
  Outcome,
  PASS,
  WrongAnswer,
  allClose,
  callStudent,
  checked,
  describeValue,
  fail,
  fmtNum,
  fmtValues,
  readVector,
  requireFunction,
} from './runner';
import { vectors } from './inputs';

/** The signatures the exercises ask for (exercises/02-autoencoder.ipynb, exercises/05-generation.ipynb). */
export type FitGaussianFn = (points: number[][]) => { mean: ArrayLike<number>; cov: ArrayLike<number>[] };
export type InterpolateFn = (a: number[], b: number[], t: number) => ArrayLike<number>;

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
