/**
 * Checks of the latent-space exercises: chapter 2's Gaussian fitted to the
 * codes of an autoencoder, and chapter 5's linear and spherical interpolation
 * (against lib/training/generate.ts). Plain arrays in, plain arrays out. Each
 * is a plan of probes and a judge (lib/coursework/runner.ts).
 */
import { Rng } from '../model/random';
import { lerp as refLerp, slerp as refSlerp } from '../training/generate';
import { CheckPlan, Outcome, PASS, allClose, fail, fmtNum, fmtValues, probeList, unwrap } from './runner';
import { vectors } from './inputs';
import type { FitGaussianProbe, InterpolateProbe } from './respond';

/** The signatures the exercises ask for (exercises/02-autoencoder.ipynb, exercises/05-generation.ipynb). */
export type FitGaussianFn = (points: number[][]) => { mean: ArrayLike<number>; cov: ArrayLike<number>[] };
export type InterpolateFn = (a: number[], b: number[], t: number) => ArrayLike<number>;

/** The maximum-likelihood (or unbiased) Gaussian of the points, and the uncentred second moment (a common mistake). */
function gaussianOf(points: number[][], denominator: 'n' | 'n-1'): { mean: number[]; cov: number[][]; raw: number[][] } {
  const n = points.length;
  const d = points[0].length;
  const mean = Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[j], 0) / n);
  const div = denominator === 'n' ? n : n - 1;
  const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + (p[i] - mean[i]) * (p[j] - mean[j]), 0) / div));
  const raw = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[i] * p[j], 0) / n));
  return { mean, cov, raw };
}

/**
 * Exercise `fit-gaussian` (chapter 2, exercise 5): the maximum-likelihood Gaussian of a set of codes,
 * μ = (1/N) Σ_n z_n and Σ = (1/N) Σ_n (z_n − μ)(z_n − μ)ᵀ (the unbiased 1/(N − 1) is accepted too).
 */
export function planFitGaussian(rng: Rng): CheckPlan<FitGaussianProbe> {
  const { probes, ask } = probeList<FitGaussianProbe>();
  const three = ask({ mode: 'fit', points: [[0, 0], [2, 0], [1, 3]] });
  const correlated = ask({
    mode: 'fit',
    points: Array.from({ length: 300 }, () => {
      const a = rng.normal();
      return [1.5 * a + 0.3, 0.8 * a + 0.5 * rng.normal() - 1];
    }),
  });
  const threeD = ask({ mode: 'fit', points: Array.from({ length: 40 }, () => [rng.normal(), 2 * rng.normal(), rng.normal() + 5]) });
  const symmetric = ask({ mode: 'fit', points: Array.from({ length: 50 }, () => [rng.normal(), rng.normal() * 0.5 + rng.normal()]) });
  const unchanged = ask({ mode: 'unchanged', points: [[1, 2], [3, 5], [-1, 0]] });
  return {
    probes,
    judge(run, answers) {
      const fitted = (i: number) => unwrap(answers[i]) as { mean: number[]; cov: number[][] };
      const compare = (i: number): Outcome => {
        const points = probes[i].points;
        const ml = gaussianOf(points, 'n');
        const unbiased = gaussianOf(points, 'n-1');
        const got = fitted(i);
        const d = ml.mean.length;
        if (got.mean.length !== d) return fail(`a mean of ${d} values`, `${got.mean.length} values`, 'the mean has one value per code dimension: average over the points, per dimension');
        if (!allClose(ml.mean, got.mean, 1e-4, 1e-5)) return fail(`mean ${fmtValues(ml.mean)}`, `mean ${fmtValues(got.mean)}`, 'μ_j = (1/N) Σ_n z_nj, the average of each coordinate over all points');
        if (got.cov.length !== d || got.cov.some((r) => r.length !== d)) return fail(`a ${d}×${d} covariance`, `${got.cov.length} rows of lengths ${got.cov.map((r) => r.length).join(', ')}`, 'cov is d×d: one row and one column per code dimension');
        const flat = got.cov.flat();
        if (allClose(ml.cov.flat(), flat, 1e-4, 1e-5) || allClose(unbiased.cov.flat(), flat, 1e-4, 1e-5)) return PASS;
        let hint = 'Σ_ij = (1/N) Σ_n (z_ni − μ_i)(z_nj − μ_j)';
        if (allClose(ml.raw.flat(), flat, 1e-4, 1e-5)) hint = 'subtract the mean before taking the products: Σ = (1/N) Σ_n (z_n − μ)(z_n − μ)ᵀ';
        else if (allClose(ml.cov.map((r, a) => r.map((v, b) => (a === b ? v : 0))).flat(), flat, 1e-4, 1e-5)) hint = 'the off-diagonal entries are missing: the code dimensions are correlated, Σ_ij = mean of (z_i − μ_i)(z_j − μ_j)';
        else if (allClose(ml.cov.map((r, a) => r.map((v, b) => (a === b ? Math.sqrt(v) : v))).flat(), flat, 1e-4, 1e-5)) hint = 'the diagonal holds variances, not standard deviations';
        return fail(`cov ${fmtValues(ml.cov.flat())}`, `cov ${fmtValues(flat)}`, hint);
      };
      run.case('three points in 2-D: mean [1, 1]', () => compare(three));
      run.core(`correlated 2-D codes (${probes[correlated].points.length} points) against the formula`, () => compare(correlated));
      run.core('works in 3-D: a 3-vector mean and a 3×3 covariance', () => compare(threeD));
      run.case('the covariance is symmetric', () => {
        const got = fitted(symmetric);
        const ok = got.cov.length === 2 && got.cov.every((r) => r.length === 2) && Math.abs(got.cov[0][1] - got.cov[1][0]) < 1e-9;
        return ok ? PASS : fail('cov[0][1] = cov[1][0]', got.cov.length === 2 ? `${fmtNum(got.cov[0][1])} and ${fmtNum(got.cov[1][0])}` : `${got.cov.length} rows`, 'Σ_ij and Σ_ji are the same sum');
      });
      run.case('the points are left unchanged', () => (unwrap(answers[unchanged]) === true ? PASS : fail('the input unchanged', 'the input was modified', 'centre copies of the points, not the points themselves')));
    },
  };
}

/** Exercise `lerp` (chapter 5): (1 − t)·a + t·b, elementwise. */
export function planLerp(rng: Rng): CheckPlan<InterpolateProbe> {
  const { probes, ask } = probeList<InterpolateProbe>();
  const a = vectors(rng, 6);
  const b = vectors(rng, 6);
  const start = ask({ a, b, t: 0 });
  const end = ask({ a, b, t: 1 });
  const quarter = ask({ a, b, t: 0.25 });
  const wide = ask({ a: vectors(rng, 20), b: vectors(rng, 20), t: 0.6 });
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as { result: number[]; unchanged: boolean };
      const cmp = (i: number, hint: string): Outcome => {
        const p = probes[i];
        const expected = Array.from(refLerp(p.a, p.b, p.t));
        const { result } = got(i);
        if (result.length !== expected.length) return fail(`${expected.length} values`, `${result.length} values`, 'the result has one value per latent dimension');
        if (allClose(expected, result, 1e-5, 1e-6)) return PASS;
        const swapped = Array.from(refLerp(p.a, p.b, 1 - p.t));
        return fail(fmtValues(expected), fmtValues(result), allClose(swapped, result, 1e-5, 1e-6) ? 't = 0 must give a and t = 1 must give b: (1 − t)·a + t·b' : hint);
      };
      run.case('t = 0 gives a', () => cmp(start, 'at t = 0 the path starts at a'));
      run.case('t = 1 gives b', () => cmp(end, 'at t = 1 the path ends at b'));
      run.core(`t = ${probes[quarter].t} against the library`, () => cmp(quarter, 'lerp(a, b, t) = (1 − t)·a + t·b'));
      run.core(`works in ${probes[wide].a.length} dimensions and leaves a and b unchanged`, () => {
        if (!got(wide).unchanged) return fail('a and b unchanged', 'an input was modified', 'build a new array for the result instead of writing into a or b');
        return cmp(wide, 'loop over every dimension');
      });
    },
  };
}

/**
 * Exercise `slerp` (chapter 5; Shoemake 1985, White 2016): with Ω the angle between
 * a and b, sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b; lerp when a and b are (nearly) parallel.
 */
export function planSlerp(rng: Rng): CheckPlan<InterpolateProbe> {
  const { probes, ask } = probeList<InterpolateProbe>();
  const a = vectors(rng, 5, 1.5);
  const b = vectors(rng, 5, 0.7);
  const start = ask({ a, b, t: 0 });
  const end = ask({ a, b, t: 1 });
  const orthogonal = ask({ a: [1, 0, 0], b: [0, 1, 0], t: 0.5 });
  const random = ask({ a, b, t: 0.3 });
  // cos Ω is exactly 1 here (norms 5 and 10), so an unguarded formula divides 0 by 0.
  const parallel = ask({ a: [3, 0, 4, 0], b: [6, 0, 8, 0], t: 0.5 });
  const same = ask({ a: [0.6, -0.8, 0, 0], b: [0.6, -0.8, 0, 0], t: 0.7 });
  return {
    probes,
    judge(run, answers) {
      const cmp = (i: number, hint: string): Outcome => {
        const p = probes[i];
        const expected = Array.from(refSlerp(p.a, p.b, p.t));
        const { result } = unwrap(answers[i]) as { result: number[] };
        if (result.length !== expected.length) return fail(`${expected.length} values`, `${result.length} values`, 'the result has one value per latent dimension');
        if (allClose(expected, result, 1e-4, 1e-5)) return PASS;
        let h = hint;
        if (allClose(Array.from(refLerp(p.a, p.b, p.t)), result, 1e-4, 1e-5)) h = 'that is the straight line (lerp); slerp follows the arc: sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b';
        else if (allClose(Array.from(refSlerp(p.a, p.b, 1 - p.t)), result, 1e-4, 1e-5)) h = 't = 0 must give a and t = 1 must give b: the weight of a is sin((1 − t)Ω)/sin Ω';
        else if (result.some((v) => !Number.isFinite(v))) h = 'NaN/Infinity: when a and b are (nearly) parallel sin Ω ≈ 0; fall back to lerp there, and clamp the cosine to [−1, 1] before Math.acos';
        return fail(fmtValues(expected), fmtValues(result), h);
      };
      run.case('t = 0 gives a, t = 1 gives b', () => {
        const o = cmp(start, 'at t = 0 the path starts at a');
        return o.passed ? cmp(end, 'at t = 1 the path ends at b') : o;
      });
      run.case('orthogonal unit vectors at t = ½: [√½, √½, 0] (norm 1)', () => cmp(orthogonal, 'Ω = arccos(a·b / (‖a‖‖b‖)); the weights are sin((1 − t)Ω)/sin Ω and sin(tΩ)/sin Ω'));
      run.core(`random vectors of different norms, t = ${probes[random].t}, against the library`, () => cmp(random, 'Ω is the angle between a and b: cos Ω = a·b / (‖a‖‖b‖)'));
      run.case('parallel vectors give finite values (fall back to lerp)', () => cmp(parallel, 'for parallel a and b sin Ω = 0: use lerp when sin Ω is tiny'));
      run.case('identical vectors stay put', () => cmp(same, 'slerp(a, a, t) = a: guard the division by sin Ω = 0, and clamp the cosine to [−1, 1]'));
    },
  };
}
