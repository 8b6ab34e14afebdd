/**
 * Exercise `fit-gaussian` (chapter 2, exercise 5): the maximum-likelihood Gaussian of a set of codes,
 * μ = (1/N) Σ_n z_n and Σ = (1/N) Σ_n (z_n − μ)(z_n − μ)ᵀ (the unbiased 1/(N − 1) is accepted too).
 */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { CheckPlan, Outcome, PASS, allClose, fail, fmtNum, fmtValues, probeList, unwrap } from '../runner';
import { Answer, Schema } from '../protocol';
import { WrongAnswer, callStudent, describeValue, readVector, runAnswer } from '../answering';

export const exercise = {
  id: 'fit-gaussian',
  chapter: '02-autoencoder',
  order: 1,
  title: 'A Gaussian fitted to the codes',
  symbol: 'fitGaussian',
  check: 'fitGaussian',
  points: 2,
  inlineSeed: 2,
  library: [],
} as const satisfies ExerciseSpec;

export type Fn = (points: number[][]) => { mean: ArrayLike<number>; cov: ArrayLike<number>[] };

/** 'fit': the fitted { mean, cov }; 'unchanged': whether the points were left as they were. */
export interface Probe {
  mode: 'fit' | 'unchanged';
  points: number[][];
}

export function schema(p: Probe): Schema {
  return p.mode === 'unchanged' ? 'boolean' : { object: { mean: 'vector', cov: { list: 'vector', max: 1000 } } };
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => {
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
  });
}

/**
 * The solution cell (scripts/codegen/exercises.ts copies its source), and the judge's reference: the
 * maximum-likelihood mean and covariance.
 */
export function fitGaussian(points: number[][]): { mean: number[]; cov: number[][] } {
  const n = points.length;
  const d = points[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const p of points) for (let j = 0; j < d; j++) mean[j] += p[j] / n;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const p of points) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) cov[i][j] += ((p[i] - mean[i]) * (p[j] - mean[j])) / n;
    }
  }
  return { mean, cov };
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
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
        const ml = fitGaussian(points);
        const n = points.length;
        const unbiased = ml.cov.map((r) => r.map((v) => (v * n) / (n - 1)));
        const raw = ml.cov.map((r, a) => r.map((v, b) => v + ml.mean[a] * ml.mean[b])); // the uncentred second moment
        const got = fitted(i);
        const d = ml.mean.length;
        if (got.mean.length !== d) return fail(`a mean of ${d} values`, `${got.mean.length} values`, 'the mean has one value per code dimension: average over the points, per dimension');
        if (!allClose(ml.mean, got.mean, 1e-4, 1e-5)) return fail(`mean ${fmtValues(ml.mean)}`, `mean ${fmtValues(got.mean)}`, 'μ_j = (1/N) Σ_n z_nj, the average of each coordinate over all points');
        if (got.cov.length !== d || got.cov.some((r) => r.length !== d)) return fail(`a ${d}×${d} covariance`, `${got.cov.length} rows of lengths ${got.cov.map((r) => r.length).join(', ')}`, 'cov is d×d: one row and one column per code dimension');
        const flat = got.cov.flat();
        if (allClose(ml.cov.flat(), flat, 1e-4, 1e-5) || allClose(unbiased.flat(), flat, 1e-4, 1e-5)) return PASS;
        let hint = 'Σ_ij = (1/N) Σ_n (z_ni − μ_i)(z_nj − μ_j)';
        if (allClose(raw.flat(), flat, 1e-4, 1e-5)) hint = 'subtract the mean before taking the products: Σ = (1/N) Σ_n (z_n − μ)(z_n − μ)ᵀ';
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

const codes = {
  kind: 'demo',
  code: `
    const { train } = vae.loadData({ limit: pick({ quick: 1000, full: 8000 }) });
    const ae = vae.createAutoencoder({ latentDim: 2, seed: 0 });
    await vae.train(ae, train, { epochs: pick({ quick: 2, full: 10 }), seed: 0, progress: false });
    const codes = vae.latentMeans(ae, train); // codes.points: [train.size * 2], row-major
    const points: number[][] = [];
    for (let n = 0; n < train.size; n++) points.push([codes.points[2 * n], codes.points[2 * n + 1]]);
    show(vae.latentScatter(codes.points, codes.labels, { title: 'Codes of the training digits' }));
  `,
} as const;

const samples = {
  kind: 'demo',
  code: `
    const fitted = fitGaussian(points);
    const L11 = Math.sqrt(fitted.cov[0][0]);
    const L21 = fitted.cov[1][0] / L11;
    const L22 = Math.sqrt(fitted.cov[1][1] - L21 * L21);
    const rng = new vae.Rng(0);
    const samples: number[] = [];
    for (let s = 0; s < 100; s++) {
      const e1 = rng.normal();
      const e2 = rng.normal();
      samples.push(fitted.mean[0] + L11 * e1, fitted.mean[1] + L21 * e1 + L22 * e2);
    }
    showDigits(vae.decodeLatents(ae, samples), { cols: 10 });
  `,
} as const;

export const notebook: ExerciseNotebook = {
  before: [
    {
      kind: 'md',
      text: `
        ## A two-dimensional code space

        Train a small autoencoder with a 2-D code, as in notebook \`01-autoencoder\`, and collect the codes of the training
        digits as a list of points \`[z1, z2]\`.
      `,
    },
    codes,
  ],
  text: `
    The maximum-likelihood Gaussian of $N$ points $z_1, \\dots, z_N \\in \\mathbb{R}^d$ has the sample mean and the
    sample covariance:

    $$
    \\mu = \\frac{1}{N} \\sum_{n=1}^{N} z_n, \\qquad
    \\Sigma = \\frac{1}{N} \\sum_{n=1}^{N} (z_n - \\mu)(z_n - \\mu)^\\top,
    \\quad\\text{i.e.}\\quad \\Sigma_{ij} = \\frac{1}{N} \\sum_n (z_{ni} - \\mu_i)(z_{nj} - \\mu_j).
    $$

    Implement \`fitGaussian(points)\` for points of any dimension $d$: return \`{ mean, cov }\` with \`mean\` a list of
    $d$ numbers and \`cov\` a list of $d$ rows of $d$ numbers. Leave \`points\` unchanged. (The unbiased
    $\\frac{1}{N-1}$ is accepted too.)
  `,
  stub: `
    function fitGaussian(points: number[][]): { mean: number[]; cov: number[][] } {
      // Return the fitted Gaussian: mean (d numbers) and covariance (d rows of d numbers) of the N points.
      throw new Error('TODO: implement fitGaussian');
    }
  `,
  solution: { module: 'coursework/exercises/fit-gaussian', functions: ['fitGaussian'] },
  check: 'check.fitGaussian(fitGaussian);',
  after: [
    {
      kind: 'md',
      text: `
        ## Decoding samples from the fitted Gaussian

        With the Cholesky factor $L$ of $\\Sigma$ ($\\Sigma = L L^\\top$), $z = \\mu + L\\varepsilon$ with
        $\\varepsilon \\sim \\mathcal{N}(0, I)$ has mean $\\mu$ and covariance $\\Sigma$. In two dimensions
        $L = \\begin{pmatrix} \\sqrt{\\Sigma_{11}} & 0 \\\\ \\Sigma_{21} / L_{11} & \\sqrt{\\Sigma_{22} - L_{21}^2} \\end{pmatrix}$.
        The cell decodes 100 such codes. Compare them with the random decodes of notebook \`01-autoencoder\`: which of the
        chapter's three problems does the Gaussian fix, and which remain?
      `,
    },
    samples,
  ],
};
