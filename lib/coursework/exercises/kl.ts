/**
 * Exercise `kl` (chapter 3; Kingma & Welling 2014, appendix B): the KL divergence of q(z|x) = N(mean, diag
 * exp logVar) from the prior N(0, I) in closed form, one value per example.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { klDivergence as refKl } from '../../model/distributions';
import { CheckPlan, PASS, compareTensor, fail, fmtShape, fmtValues, probeList, unwrap } from '../runner';
import { perExampleShapeHint, randn, scaled, tensor2d, values, valuesOf, zeros } from '../inputs';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, readTensor, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'kl',
  chapter: '03-vae',
  order: 2,
  title: 'The Gaussian KL divergence in closed form',
  symbol: 'klDivergence',
  check: 'klDivergence',
  points: 2,
  inlineSeed: 5,
  // Every path to the per-example KL: the per-dimension terms, their sum, the general Gaussian KL (with a
  // standard normal) and free bits (whose batch mean of one row with λ = 0 is that row's KL).
  library: ['model/distributions#klPerDimension', 'model/distributions#klDivergence', 'model/distributions#gaussianKl', 'model/elbo#freeBitsKl'],
} as const satisfies ExerciseSpec;

export type Fn = (mean: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor;

export interface Probe {
  mean: Matrix;
  logVar: Matrix;
}

export function schema(): Schema {
  return 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => asMatrix(readTensor('klDivergence(mean, logVar)', callStudent('klDivergence', fn, t2(p.mean), t2(p.logVar)))));
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const zero = ask({ mean: zeros([3, 4]), logVar: zeros([3, 4]) });
  const twoAndHalf = ask({ mean: matrix([1, 2], [1, 2]), logVar: zeros([1, 2]) });
  const ln4 = ask({ mean: zeros([1, 1]), logVar: matrix([1, 1], [Math.log(4)]) });
  const random = ask({ mean: randn(rng, [4, 5]), logVar: randn(rng, [4, 5], 0.7) });
  const shape = ask({ mean: randn(rng, [6, 3]), logVar: randn(rng, [6, 3], 0.5) });
  const wide = ask({ mean: randn(rng, [8, 4], 2), logVar: randn(rng, [8, 4], 3) });
  const hint = 'KL = ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j), summed over the latent axis, one value per example';
  const mistakes = (p: Probe) => {
    const [mean, logVar] = [tensor2d(p.mean), tensor2d(p.logVar)];
    const e = valuesOf(refKl(mean, logVar));
    const dim = mean.shape[1];
    const sigmaNotVar = valuesOf(tf.mul(tf.sum(tf.sub(tf.add(tf.exp(tf.mul(logVar, 0.5)), tf.square(mean)), tf.add(logVar, 1)), 1), 0.5));
    return [
      { values: scaled(e, -1), hint: 'sign error: the KL is never negative; it is ½ Σ (exp(logVar) + mean² − 1 − logVar)' },
      { values: scaled(e, 2), hint: 'your values are twice the expected: the factor ½ is missing' },
      { values: scaled(e, 1 / dim), hint: 'you averaged over the latent dimensions: sum them (tf.sum(…, 1)), the KL of independent dimensions adds up' },
      { values: e.map((v) => v + dim / 2), hint: 'the −1 inside the sum is missing' },
      { values: sigmaNotVar, hint: 'use the variance exp(logVar), not the standard deviation exp(logVar / 2)' },
    ];
  };
  const shapeOf = (i: number) => perExampleShapeHint(probes[i].mean.shape[0], probes[i].mean.shape[1]);
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      run.case('N(0, I) has zero KL', () => compareTensor({ shape: [3], values: [0, 0, 0] }, got(zero), { shapeHint: shapeOf(zero), hint }));
      run.case('mean [1, 2], logVar 0: KL = ½ (1 + 4) = 2.5', () => compareTensor({ shape: [1], values: [2.5] }, got(twoAndHalf), { shapeHint: shapeOf(twoAndHalf), hint, alternatives: mistakes(probes[twoAndHalf]) }));
      run.case('mean 0, logVar [ln 4]: KL = ½ (4 − 1 − ln 4)', () => compareTensor({ shape: [1], values: [0.5 * (4 - 1 - Math.log(4))] }, got(ln4), { shapeHint: shapeOf(ln4), hint, alternatives: mistakes(probes[ln4]) }));
      run.core(`random mean and logVar ${fmtShape(probes[random].mean.shape)} against the library`, () => {
        const p = probes[random];
        return compareTensor(values(refKl(tensor2d(p.mean), tensor2d(p.logVar))), got(random), { shapeHint: shapeOf(random), hint, alternatives: mistakes(p) });
      });
      run.case('one value per example: shape [batch]', () => {
        const [b] = probes[shape].mean.shape;
        const out = got(shape);
        return out.shape.join() === `${b}` ? PASS : fail(`shape [${b}]`, `shape ${fmtShape(out.shape)}`, shapeOf(shape)(out.shape) ?? 'one KL value per example');
      });
      run.case('never negative, even for wide and narrow posteriors', () => {
        const out = got(wide);
        const neg = out.values.filter((v) => !(v >= -1e-5));
        return neg.length === 0 ? PASS : fail('all values ≥ 0', fmtValues(out.values), 'a KL divergence is ≥ 0: check the sign of each term, ½ Σ (exp(logVar) + mean² − 1 − logVar)');
      });
    },
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    For $q = \\mathcal{N}(\\mu, \\operatorname{diag}\\sigma^2)$ and the prior $p = \\mathcal{N}(0, I)$ (chapter 3):

    $$
    \\mathrm{KL}(q \\,\\|\\, p) = \\frac{1}{2} \\sum_{j=1}^{d} \\big( \\sigma_j^2 + \\mu_j^2 - 1 - \\log\\sigma_j^2 \\big).
    $$

    Implement \`klDivergence(mean, logVar)\`: one value per example (shape \`[batch]\`), summed over the latent
    dimensions. It is never negative, and zero exactly when $\\mu = 0$ and $\\sigma = 1$. (The library writes the
    per-dimension terms as a function of their own, \`klPerDimension\`, which its free bits reuse.)
  `,
  stub: `
    function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
      // Return KL(q(z|x) ‖ N(0, I)) of each example: a tensor of shape [batch], from mean and logVar with tf ops.
      throw new Error('TODO: implement klDivergence');
    }
  `,
  solution: { module: 'model/distributions', functions: ['klPerDimension', 'klDivergence'] },
  check: 'check.klDivergence(klDivergence);',
};
