/**
 * Exercise `bernoulli-ll` (chapter 3): the Bernoulli log-likelihood of binary pixels under the decoder's logits,
 * log p(x|z) = Σ_i x_i l_i − softplus(l_i) per example, stable for large |l|.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { bernoulliLogLikelihood as refBernoulli } from '../../model/distributions';
import { CheckPlan, PASS, compareTensor, fail, fmtShape, fmtValues, probeList, unwrap } from '../runner';
import { binary, perExampleShapeHint, randn, scaled, tensor2d, uniform, values, zeros } from '../inputs';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, readTensor, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'bernoulli-ll',
  chapter: '03-vae',
  order: 3,
  title: 'The Bernoulli log-likelihood from logits',
  symbol: 'bernoulliLogLikelihood',
  check: 'bernoulliLogLikelihood',
  points: 2,
  inlineSeed: 7,
  library: ['model/distributions#bernoulliLogLikelihood'],
} as const satisfies ExerciseSpec;

export type Fn = (x: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor;

export interface Probe {
  x: Matrix;
  logits: Matrix;
}

export function schema(): Schema {
  return 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => asMatrix(readTensor('bernoulliLogLikelihood(x, logits)', callStudent('bernoulliLogLikelihood', fn, t2(p.x), t2(p.logits)))));
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const half = ask({ x: binary(rng, [2, 6]), logits: zeros([2, 6]) });
  const random = ask({ x: uniform(rng, [3, 10]), logits: randn(rng, [3, 10], 2) });
  const negative = ask({ x: binary(rng, [4, 12]), logits: randn(rng, [4, 12], 3) });
  const large = ask({ x: matrix([2, 4], [1, 0, 1, 0, 0, 1, 1, 0]), logits: matrix([2, 4], [100, -100, -30, 30, 60, -60, 45, -45]) });
  const shape = ask({ x: binary(rng, [5, 3]), logits: randn(rng, [5, 3]) });
  const hint = 'log p(x|z) = Σ_i x_i·l_i − softplus(l_i), summed over pixels, one value per example';
  const ref = (p: Probe) => values(refBernoulli(tensor2d(p.x), tensor2d(p.logits)));
  const mistakes = (p: Probe) => {
    const e = ref(p).values;
    return [
      { values: scaled(e, -1), hint: 'you returned the binary cross-entropy (the negative): a log-likelihood of binary pixels is ≤ 0' },
      { values: scaled(e, 1 / p.x.shape[1]), hint: 'you averaged over the pixels: sum them (tf.sum(…, 1)), the pixels are independent given z' },
    ];
  };
  const shapeOf = (i: number) => perExampleShapeHint(probes[i].x.shape[0], probes[i].x.shape[1]);
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      run.case('logits 0 give log ½ per pixel', () => compareTensor({ shape: [2], values: [6 * Math.log(0.5), 6 * Math.log(0.5)] }, got(half), { shapeHint: shapeOf(half), hint, alternatives: mistakes(probes[half]) }));
      run.core(`random x in [0, 1] and logits ${fmtShape(probes[random].x.shape)} against the library`, () => compareTensor(ref(probes[random]), got(random), { shapeHint: shapeOf(random), hint, alternatives: mistakes(probes[random]) }));
      run.case('binary x: the log-likelihood is ≤ 0', () => {
        const out = got(negative);
        const pos = out.values.filter((v) => !(v <= 1e-5));
        return pos.length === 0 ? PASS : fail('all values ≤ 0', fmtValues(out.values), 'probabilities are ≤ 1, so their logs are ≤ 0: check the sign (this is the log-likelihood, not the cross-entropy)');
      });
      run.case('large logits (±30 … ±100) stay finite and exact', () => {
        const out = got(large);
        const expected = ref(probes[large]);
        if (out.values.some((v) => !Number.isFinite(v))) {
          return fail(fmtValues(expected.values), fmtValues(out.values), 'log(sigmoid(l)) underflows to log(0) = −Infinity for large |l|: use the stable form x·l − softplus(l) (tf.softplus)');
        }
        return compareTensor(expected, out, { shapeHint: shapeOf(large), hint: 'for large |l| compute x·l − softplus(l) rather than log(sigmoid(l)) (it rounds to 0 or 1 in float32)', alternatives: mistakes(probes[large]) });
      });
      run.case('one value per example: shape [batch]', () => {
        const [b] = probes[shape].x.shape;
        const out = got(shape);
        return out.shape.join() === `${b}` ? PASS : fail(`shape [${b}]`, `shape ${fmtShape(out.shape)}`, shapeOf(shape)(out.shape) ?? 'one value per example');
      });
    },
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    The decoder outputs logits $\\ell_i$; pixel $i$ is on with probability $\\operatorname{sigmoid}(\\ell_i)$. Since
    $\\log \\operatorname{sigmoid}(\\ell) = \\ell - \\operatorname{softplus}(\\ell)$ and
    $\\log(1 - \\operatorname{sigmoid}(\\ell)) = -\\operatorname{softplus}(\\ell)$,

    $$
    \\log p(x \\mid z) = \\sum_i \\big[ x_i \\log \\operatorname{sigmoid}(\\ell_i) + (1 - x_i) \\log(1 - \\operatorname{sigmoid}(\\ell_i)) \\big]
    = \\sum_i \\big( x_i \\ell_i - \\operatorname{softplus}(\\ell_i) \\big).
    $$

    Implement \`bernoulliLogLikelihood(x, logits)\`: one value per example (shape \`[batch]\`), summed over pixels.
    Use the right-hand form: \`log(sigmoid(ℓ))\` rounds to \`log(0) = −Infinity\` in float32 for logits of ±100, which
    the check tries.
  `,
  stub: `
    function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
      // Return log p(x|z) of each example, summed over its pixels: a tensor of shape [batch], finite for any logits.
      throw new Error('TODO: implement bernoulliLogLikelihood');
    }
  `,
  solution: { module: 'model/distributions', functions: ['bernoulliLogLikelihood'] },
  check: 'check.bernoulliLogLikelihood(bernoulliLogLikelihood);',
};
