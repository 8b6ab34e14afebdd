/**
 * Exercise `reparameterize` (chapter 3; Kingma & Welling 2014, section 2.4): z = mean + exp(logVar / 2) ⊙ eps,
 * judged on its values and on its gradients with respect to mean and logVar — the point of the trick.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { reparameterize as refReparameterize } from '../../model/distributions';
import { CheckPlan, PASS, StudentErrorInfo, allClose, compareTensor, fail, fmtShape, probeList, unwrap } from '../runner';
import { randn, tensor2d, values, valuesOf, zeros } from '../inputs';
import { Answer, Matrix, Schema } from '../protocol';
import { asMatrix, callStudent, keepTensor, readTensor, runAnswer, t2, tensorOf } from '../answering';

export const exercise = {
  id: 'reparameterize',
  chapter: '03-vae',
  order: 1,
  title: 'The reparameterization trick',
  symbol: 'reparameterize',
  check: 'reparameterize',
  points: 2,
  inlineSeed: 3,
  library: ['model/distributions#reparameterize'],
} as const satisfies ExerciseSpec;

export type Fn = (mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D) => tf.Tensor;

export type Probe =
  | { mode: 'value'; mean: Matrix; logVar: Matrix; eps: Matrix }
  /** Two calls with different noise: z must change with eps. */
  | { mode: 'pair'; mean: Matrix; logVar: Matrix; eps: Matrix; eps2: Matrix }
  /** The gradient of Σ w ⊙ z with respect to one input. */
  | { mode: 'grad'; wrt: 'mean' | 'logVar'; mean: Matrix; logVar: Matrix; eps: Matrix; w: Matrix };

export function schema(p: Probe): Schema {
  return p.mode === 'pair' ? { object: { z1: 'tensor', z2: 'tensor' } } : 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => {
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
    const w = tensorOf(p.w);
    const z = (m: tf.Tensor, lv: tf.Tensor) => keepTensor('reparameterize', callStudent('reparameterize', fn, m, lv, eps));
    const g = p.wrt === 'mean' ? tf.grad((m: tf.Tensor) => tf.sum(tf.mul(w, z(m, logVar))))(mean) : tf.grad((lv: tf.Tensor) => tf.sum(tf.mul(w, z(mean, lv))))(logVar);
    return asMatrix(readTensor('the gradient', g));
  });
}

function gradientHint(e: StudentErrorInfo): string | undefined {
  if (/Cannot compute gradient/.test(e.message)) {
    return 'no gradient reaches this input: z is not built from it with tf ops (dataSync/arraySync/tf.tensor(...) of copied numbers, or sampling z directly, cut the graph) — that is exactly what the trick avoids';
  }
  if (/TODO/.test(e.message)) return 'the stub still throws: replace it with your implementation';
  return undefined;
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const zeroMean = randn(rng, [3, 2]);
  const zero = ask({ mode: 'value', mean: zeroMean, logVar: randn(rng, [3, 2], 0.5), eps: zeros([3, 2]) });
  const random = ask({ mode: 'value', mean: randn(rng, [4, 3]), logVar: randn(rng, [4, 3], 0.8), eps: randn(rng, [4, 3]) });
  const pair = ask({ mode: 'pair', mean: randn(rng, [2, 4]), logVar: zeros([2, 4]), eps: randn(rng, [2, 4]), eps2: randn(rng, [2, 4]) });
  const shape = ask({ mode: 'value', mean: randn(rng, [5, 7]), logVar: randn(rng, [5, 7], 0.3), eps: randn(rng, [5, 7]) });
  // The point of the trick: z is a differentiable function of mean and logVar (chapter 3).
  const g = { mean: randn(rng, [3, 4]), logVar: randn(rng, [3, 4], 0.5), eps: randn(rng, [3, 4]), w: randn(rng, [3, 4]) }; // w: an arbitrary upstream gradient
  const gradMean = ask({ mode: 'grad', wrt: 'mean', ...g });
  const gradLogVar = ask({ mode: 'grad', wrt: 'logVar', ...g });
  const shapeHint = (got: number[]) => (got.length !== 2 ? 'z has the shape of mean: [batch, latentDim] (combine elementwise, do not reduce)' : 'z has the shape of mean, [batch, latentDim]');
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      run.case('zero noise gives the mean', () => compareTensor(zeroMean, got(zero), { shapeHint, hint: 'with eps = 0 the sample is the mean itself' }));
      run.core(`random mean, logVar and eps ${fmtShape(probes[random].mean.shape)} against the library`, () => {
        const p = probes[random];
        const [mean, logVar, eps] = [tensor2d(p.mean), tensor2d(p.logVar), tensor2d(p.eps)];
        return compareTensor(values(refReparameterize(mean, logVar, eps)), got(random), {
          shapeHint,
          hint: 'z = mean + exp(logVar / 2) ⊙ eps',
          alternatives: [
            { values: valuesOf(tf.add(mean, tf.mul(tf.exp(logVar), eps))), hint: 'you scaled eps by the variance exp(logVar); the standard deviation is exp(logVar / 2)' },
            { values: valuesOf(tf.add(mean, tf.mul(logVar, eps))), hint: 'logVar is a log-variance: the standard deviation is exp(logVar / 2), not logVar' },
            { values: valuesOf(tf.add(mean, tf.mul(tf.sqrt(tf.abs(logVar)), eps))), hint: 'logVar is a log-variance: the standard deviation is exp(logVar / 2)' },
            { values: valuesOf(tf.sub(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps))), hint: 'sign error: add the noise term, z = mean + σ ⊙ eps' },
            { values: valuesOf(tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, -0.5)), eps))), hint: 'sign error in the exponent: σ = exp(+logVar / 2)' },
          ],
        });
      });
      run.case('uses the eps it is given (no noise of its own)', () => {
        const p = probes[pair] as Extract<Probe, { mode: 'pair' }>;
        const { z1, z2 } = unwrap(answers[pair]) as { z1: Matrix; z2: Matrix };
        if (allClose(z1.values, z2.values, 1e-6, 1e-6)) {
          return fail('different z for different eps', 'the same z for both', 'use the eps argument; do not draw your own noise (tf.randomNormal) inside');
        }
        return compareTensor(values(tf.add(tensor2d(p.mean), tensor2d(p.eps2))), z2, { shapeHint, hint: 'with logVar = 0, z = mean + eps exactly' });
      });
      const [b, d] = probes[shape].mean.shape;
      run.case(`batch ${b}, latentDim ${d}: z has shape [${b}, ${d}]`, () => {
        const z = got(shape);
        return z.shape.join() === `${b},${d}` ? PASS : fail(`shape [${b}, ${d}]`, `shape ${fmtShape(z.shape)}`, shapeHint(z.shape));
      });
      run.case('the gradient reaches mean (∂z/∂mean = 1)', () => compareTensor(g.w, got(gradMean), { hint: 'z must be built from mean with tf ops (mean + …), so the gradient flows back to the encoder' }), gradientHint);
      run.core('the gradient reaches logVar (∂z/∂logVar = ½ exp(logVar/2) ⊙ eps)', () => {
        const [logVar, eps, w] = [tensor2d(g.logVar), tensor2d(g.eps), tensor2d(g.w)];
        const expected = values(tf.mul(w, tf.mul(tf.mul(tf.exp(tf.mul(logVar, 0.5)), 0.5), eps)));
        return compareTensor(expected, got(gradLogVar), { hint: "compute σ = exp(logVar / 2) with tf ops on logVar (not from copied numbers), so the gradient reaches the encoder's logVar head" });
      }, gradientHint);
    },
  };
}

/**
 * The solution cell (scripts/codegen/exercises.ts copies this function's source): the library's own
 * `reparameterize` also draws the noise when none is given, which the exercise leaves out.
 */
export function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sigma = tf.exp(tf.mul(logVar, 0.5)); // [batch, latentDim]
    return tf.add(mean, tf.mul(sigma, eps)) as tf.Tensor2D; // [batch, latentDim]
  });
}

export const notebook: ExerciseNotebook = {
  text: `
    The encoder outputs the mean $\\mu$ and the log-variance $\\log\\sigma^2$ (\`logVar\`) of
    $q(z \\mid x) = \\mathcal{N}(\\mu, \\operatorname{diag}\\sigma^2)$. Instead of sampling $z$ directly, write it as a
    deterministic function of $(\\mu, \\log\\sigma^2)$ and outside noise $\\varepsilon \\sim \\mathcal{N}(0, I)$:

    $$
    z = \\mu + \\sigma \\odot \\varepsilon, \\qquad \\sigma = \\exp\\big(\\tfrac{1}{2} \\log\\sigma^2\\big).
    $$

    Implement \`reparameterize(mean, logVar, eps)\` (all \`[batch, latentDim]\`, result too). Use tf ops only: the check
    differentiates $z$ with respect to \`mean\` and \`logVar\`. A $z$ rebuilt from copied numbers (\`dataSync\`) or
    drawn with \`tf.randomNormal\` carries no gradient to the encoder.
  `,
  stub: `
    function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
      // Return the sample z, [batch, latentDim], built from mean, logVar and the given noise eps with tf ops.
      throw new Error('TODO: implement reparameterize');
    }
  `,
  solution: { module: 'coursework/exercises/reparameterize', functions: ['reparameterize'] },
  check: 'check.reparameterize(reparameterize);',
};
