/**
 * Exercise `free-bits` (chapter 4, "Posterior collapse"; Kingma et al. 2016, eq. 15): the KL term of the loss
 * with free bits, Σ_j max(λ, (1/B) Σ_b KL_bj) — each latent dimension's KL, averaged over the batch, counts as
 * at least λ nats.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { klPerDimension } from '../../model/distributions';
import { freeBitsKl as refFreeBits } from '../../model/elbo';
import { CheckPlan, PASS, compareTensor, fail, fmtShape, probeList, unwrap } from '../runner';
import { randn, tensor2d, values, valuesOf } from '../inputs';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, readTensor, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'free-bits',
  chapter: '04-training',
  order: 6,
  title: 'The KL term with free bits',
  symbol: 'freeBitsKl',
  check: 'freeBits',
  points: 2,
  inlineSeed: 23,
  library: ['model/elbo#freeBitsKl'],
} as const satisfies ExerciseSpec;

export type Fn = (mean: tf.Tensor2D, logVar: tf.Tensor2D, lambda: number) => tf.Tensor;

export interface Probe {
  mean: Matrix;
  logVar: Matrix;
  lambda: number;
}

export function schema(): Schema {
  return 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => asMatrix(readTensor('freeBitsKl(mean, logVar, lambda)', callStudent('freeBitsKl', fn, t2(p.mean), t2(p.logVar), p.lambda))));
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  // Dimensions of very different KL: some near the prior (below λ), some far from it.
  // The first half of the dimensions near the prior (KL ≪ 1 nat), the rest far from it (KL of a few nats).
  const spread = (batch: number, dim: number) => {
    const near = (j: number) => j < dim / 2;
    const [m, lv] = [randn(rng, [batch, dim], 1.5), randn(rng, [batch, dim], 1)];
    const scale = (x: Matrix, small: number) => matrix(x.shape, x.values.map((v, i) => (near(i % dim) ? v * small : v)));
    return { mean: scale(m, 0.05), logVar: scale(lv, 0.05) };
  };
  const noFloor = ask({ ...spread(5, 4), lambda: 0 });
  const some = spread(6, 5);
  const mixed = ask({ ...some, lambda: 0.5 + rng.next() });
  const all = ask({ ...spread(4, 3), lambda: 50 });
  const shape = ask({ ...spread(7, 2), lambda: 0.2 });
  const ref = (p: Probe) => values(refFreeBits(tensor2d(p.mean), tensor2d(p.logVar), p.lambda));
  const mistakes = (p: Probe) => {
    const perDim = klPerDimension(tensor2d(p.mean), tensor2d(p.logVar)); // [batch, latentDim]
    const d = p.mean.shape[1];
    return [
      { values: valuesOf(tf.sum(tf.mean(perDim, 0))), hint: 'the floor λ is missing: Σ_j max(λ, mean_b KL_bj)' },
      { values: valuesOf(tf.maximum(tf.sum(tf.mean(perDim, 0)), p.lambda)), hint: 'the floor applies to each latent dimension: max(λ, KL_j) for every j, then the sum over j — not max(λ, total KL)' },
      { values: valuesOf(tf.mean(tf.sum(tf.maximum(perDim, p.lambda), 1))), hint: 'average each dimension\'s KL over the batch first, then floor it: Σ_j max(λ, mean_b KL_bj), not the mean of per-example floors' },
      { values: valuesOf(tf.maximum(tf.sum(tf.mean(perDim, 0)), p.lambda * d)), hint: 'the floor applies to each latent dimension separately, not to the total' },
    ];
  };
  const hint = 'Σ_j max(λ, (1/B) Σ_b KL_bj): average the per-dimension KL over the batch, floor each dimension at λ, sum over dimensions';
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      run.case('λ = 0 is the plain KL term, averaged over the batch', () => compareTensor(ref(probes[noFloor]), got(noFloor), { hint, alternatives: mistakes(probes[noFloor]) }));
      run.core(`λ = ${probes[mixed].lambda.toFixed(3)}: some dimensions below the floor, some above, against the library`, () => compareTensor(ref(probes[mixed]), got(mixed), { hint, alternatives: mistakes(probes[mixed]) }));
      run.core('a floor above every dimension\'s KL gives latentDim × λ', () => compareTensor({ shape: [], values: [probes[all].mean.shape[1] * 50] }, got(all), { hint, alternatives: mistakes(probes[all]) }));
      run.case('one number for the batch: a scalar', () => {
        const out = got(shape);
        return out.shape.length === 0 ? PASS : fail('a scalar (shape [])', `shape ${fmtShape(out.shape)}`, 'average over the batch and sum over the dimensions: the term is one number');
      });
    },
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    Free bits (Kingma et al. 2016) stop the KL term from pushing a latent dimension onto the prior once it is within
    λ nats of it: each dimension's KL, averaged over the batch of $B$ examples, counts as at least λ,

    $$
    \\mathrm{KL}_\\lambda = \\sum_{j=1}^{d} \\max\\Big(\\lambda,\\; \\frac{1}{B} \\sum_{b=1}^{B} \\mathrm{KL}_{bj}\\Big),
    \\qquad \\mathrm{KL}_{bj} = \\tfrac{1}{2}\\big(\\sigma_{bj}^2 + \\mu_{bj}^2 - 1 - \\log\\sigma_{bj}^2\\big).
    $$

    Below λ the term's gradient with respect to that dimension is zero. Implement \`freeBitsKl(mean, logVar, lambda)\`
    (\`mean\` and \`logVar\` are \`[batch, latentDim]\`, λ ≥ 0). You may use the per-dimension KL of chapter 3,
    \`vae.klPerDimension(mean, logVar)\` (\`[batch, latentDim]\`); the loss is then \`recon + β · KL_λ\`
    (\`vae.train\`'s option \`freeBits\`).
  `,
  stub: `
    function freeBitsKl(mean: tf.Tensor2D, logVar: tf.Tensor2D, lambda: number): tf.Scalar {
      // Return the KL term of the loss with free bits: one scalar for the batch, in nats.
      throw new Error('TODO: implement freeBitsKl');
    }
  `,
  solution: { module: 'model/elbo', functions: ['model/distributions#klPerDimension', 'freeBitsKl'] },
  check: 'check.freeBits(freeBitsKl);',
};
