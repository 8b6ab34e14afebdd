/**
 * Exercise `continuous-bernoulli` (chapter 6): the log-density of grey pixels x ∈ [0, 1] under the continuous
 * Bernoulli of Loaiza-Ganem & Cunningham (2019), from the decoder's logits, as the library's likelihood registry
 * computes it (lib/model/likelihood.ts). Judged on probes against the library, with the numerically hard cases: the
 * normaliser's 0/0 at logits near 0 (its value and its gradient), and large |logits|, where λ = σ(l) rounds to 0
 * or 1 in float32.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { bernoulliLogLikelihood } from '../../model/distributions';
import { LIKELIHOODS, continuousBernoulliLogNormalizer } from '../../model/likelihood';
import { CheckPlan, Outcome, PASS, compareTensor, fail, fmtShape, fmtValues, probeList, unwrap } from '../runner';
import { perExampleShapeHint, randn, tensor2d, uniform, values } from '../inputs';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, keepTensor, readTensor, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'continuous-bernoulli',
  chapter: '06-beyond',
  order: 3,
  title: 'The continuous Bernoulli log-likelihood',
  symbol: 'continuousBernoulliLogProb',
  check: 'continuousBernoulliLogProb',
  points: 3,
  inlineSeed: 41,
  // Every path to the normaliser: the function itself, and the registry's entry and logLikelihood, which call it.
  library: ['model/likelihood#continuousBernoulliLogNormalizer'],
} as const satisfies ExerciseSpec;

export type Fn = (x: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor;

export interface Probe {
  x: Matrix;
  logits: Matrix;
  /** Also report d(Σ log p)/d logits (the cases near l = 0, where a careless series/closed-form switch gives NaN). */
  gradient?: boolean;
}

export function schema(p: Probe): Schema {
  return p.gradient ? { object: { value: 'tensor', gradient: 'tensor' } } : 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => {
    const name = 'continuousBernoulliLogProb(x, logits)';
    const [x, logits] = [t2(p.x), t2(p.logits)];
    const value = asMatrix(readTensor(name, callStudent('continuousBernoulliLogProb', fn, x, logits)));
    if (!p.gradient) return value;
    const g = tf.grad((l: tf.Tensor) => tf.sum(keepTensor(name, callStudent('continuousBernoulliLogProb', fn, x, l as tf.Tensor2D))))(logits);
    return { value, gradient: asMatrix(readTensor('its gradient', g)) };
  });
}

// ------------------------------------------------------------------ the judge

const reference = (x: tf.Tensor2D, l: tf.Tensor2D) => LIKELIHOODS['continuous-bernoulli'].logProb(x, l);

function refOf(p: Probe): { shape: number[]; values: number[] } {
  return values(reference(tensor2d(p.x), tensor2d(p.logits)));
}

function refGradient(p: Probe): { shape: number[]; values: number[] } {
  const x = tensor2d(p.x);
  return values(tf.grad((l: tf.Tensor) => tf.sum(reference(x, l as tf.Tensor2D)))(tensor2d(p.logits)));
}

/** The usual mistakes, computed exactly on the probe. */
function mistakes(p: Probe): { values: number[]; hint: string }[] {
  const [x, l] = [tensor2d(p.x), tensor2d(p.logits)];
  const bern = values(bernoulliLogLikelihood(x, l)).values;
  const logC = values(tf.sum(continuousBernoulliLogNormalizer(l), 1)).values;
  return [
    { values: bern, hint: 'this is the Bernoulli log-likelihood without the normaliser: add log C(λ) of each pixel, so that the density integrates to 1 over [0, 1]' },
    { values: bern.map((b, i) => b - logC[i]), hint: 'the normaliser enters with a plus sign: p(x | λ) = C(λ) λ^x (1 − λ)^(1−x), so log p gains + log C(λ)' },
    { values: bern.map((b, i) => (b + logC[i]) / p.x.shape[1]), hint: 'you averaged over the pixels: sum them (tf.sum(…, 1)), the pixels are independent given z' },
  ];
}

/** Logits from a list, one row each, with x drawn in [0, 1]. */
function row(rng: Rng, logits: number[]): Probe {
  return { x: uniform(rng, [1, logits.length]), logits: matrix([1, logits.length], logits) };
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const random = ask({ x: uniform(rng, [3, 10]), logits: randn(rng, [3, 10], 2) });
  const atZero = ask({ x: matrix([1, 4], [0, 0.25, 0.5, 1]), logits: matrix([1, 4], [0, 0, 0, 0]) });
  const nearZero = ask({ ...row(rng, [1e-7, -1e-7, 1e-4, -1e-4, 0.003, -0.003, 0.05, -0.05, 0.099, -0.12, 0, 0.2]), gradient: true });
  const large = ask(row(rng, [30, -30, 60, -60, 100, -100, 17 + 3 * rng.next(), -(17 + 3 * rng.next())]));
  const shape = ask({ x: uniform(rng, [5, 3]), logits: randn(rng, [5, 3]) });
  const hint = 'log p(x | λ) = Σ_i [x_i log λ_i + (1 − x_i) log(1 − λ_i) + log C(λ_i)], λ = σ(l), one value per example';
  const shapeOf = (i: number) => perExampleShapeHint(probes[i].x.shape[0], probes[i].x.shape[1]);
  const notFinite = (m: Matrix) => m.values.some((v) => !Number.isFinite(v));
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      run.core(`random x in [0, 1] and logits ${fmtShape(probes[random].x.shape)} against the library`, () => compareTensor(refOf(probes[random]), got(random), { shapeHint: shapeOf(random), hint, alternatives: mistakes(probes[random]) }));
      run.case('logits 0 (λ = ½): every pixel has density C(½) ½ = 1, log p = 0', () => {
        const out = got(atZero);
        if (notFinite(out)) return fail('[0]', fmtValues(out.values), 'at l = 0 the normaliser\'s closed form is 0/0: C(½) = 2 is its limit; near l = 0 use its Taylor series, log C = log 2 + l²/12 − …');
        return compareTensor(refOf(probes[atZero]), out, { shapeHint: shapeOf(atZero), hint, alternatives: mistakes(probes[atZero]) });
      });
      run.core('logits near 0 (|l| from 1e-7 to 0.2): value and gradient finite and right', () => {
        const p = probes[nearZero];
        const out = unwrap(answers[nearZero]) as { value: Matrix; gradient: Matrix };
        const seriesHint = 'the closed form of log C loses every digit as l → 0 (0/0): below a small |l| use the series log 2 + l²/12 − 7l⁴/1440';
        if (notFinite(out.value)) return fail(fmtValues(refOf(p).values), fmtValues(out.value.values), seriesHint);
        const v: Outcome = compareTensor(refOf(p), out.value, { hint: seriesHint, alternatives: mistakes(p) });
        if (!v.passed) return v;
        if (notFinite(out.gradient)) {
          return fail('a finite gradient', fmtValues(out.gradient.values, 12), 'the gradient is NaN although the value is right: tf.where (or a mask) passes the gradient of the unused branch too, and the closed form\'s is NaN at l = 0. Feed the closed form a harmless value (say 1) where the series is used');
        }
        return compareTensor(refGradient(p), out.gradient, { rtol: 1e-3, atol: 1e-4, hint: 'the gradient differs: d/dl log C(l) is l/6 near 0; check both branches' });
      }, (e) => (/gradient function not found|Cannot compute gradient/.test(e.message)
        ? 'TF.js has no gradient for a comparison (tf.less, tf.greater): a mask that switches to the series near 0 must be made with an op that has one, tf.step, and blended as mask · series + (1 − mask) · closed'
        : undefined));
      run.case('large |logits| (17 … 100), where λ = σ(l) rounds to 0 or 1 in float32: finite and exact', () => {
        const p = probes[large];
        const out = got(large);
        if (notFinite(out)) return fail(fmtValues(refOf(p).values), fmtValues(out.values), 'σ(l) is exactly 1 in float32 above l ≈ 17, and C(λ) written in λ then divides by 0 or takes log 0: write log C in the logit, log(l / tanh(l / 2)), and the Bernoulli part as x·l − softplus(l)');
        return compareTensor(refOf(p), out, { shapeHint: shapeOf(large), hint: 'for large |l| compute from the logit: x·l − softplus(l) + log(|l| / tanh(|l| / 2))', alternatives: mistakes(p) });
      });
      run.case('one value per example: shape [batch]', () => {
        const [b] = probes[shape].x.shape;
        const out = got(shape);
        return out.shape.join() === `${b}` ? PASS : fail(`shape [${b}]`, `shape ${fmtShape(out.shape)}`, shapeOf(shape)(out.shape) ?? 'one value per example');
      });
    },
  };
}

// ------------------------------------------------------------------ the notebook

// The notebook's \`vae\` (its set-up cell: \`import * as vae from './lib/index'\`), as far as the solution uses it.
declare const vae: { bernoulliLogLikelihood: typeof bernoulliLogLikelihood };

/** log p(x | λ) of the continuous Bernoulli, λ = σ(l): the Bernoulli terms plus log C per pixel, summed per example. */
export function continuousBernoulliLogProb(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.add(vae.bernoulliLogLikelihood(x, logits), tf.sum(continuousBernoulliLogNormalizer(logits), 1)) as tf.Tensor1D);
}

export const notebook: ExerciseNotebook = {
  text: `
    The Bernoulli likelihood is a distribution over $\\{0, 1\\}$; on grey levels $x \\in [0, 1]$ it is not a density.
    The continuous Bernoulli of Loaiza-Ganem and Cunningham (2019) normalises it on $[0, 1]$:

    $$
    p(x \\mid \\lambda) = C(\\lambda)\\, \\lambda^{x} (1 - \\lambda)^{1 - x}, \\qquad
    C(\\lambda) = \\begin{cases} \\dfrac{2 \\operatorname{artanh}(1 - 2\\lambda)}{1 - 2\\lambda} & \\lambda \\neq \\tfrac{1}{2}, \\\\[4pt] 2 & \\lambda = \\tfrac{1}{2}, \\end{cases}
    $$

    with $\\lambda = \\sigma(\\ell)$ from the decoder's logit $\\ell$, one per pixel. Implement
    \`continuousBernoulliLogProb(x, logits)\`: $\\log p(x \\mid z)$ of each example, summed over its pixels (shape
    \`[batch]\`), as the library's \`'continuous-bernoulli'\` likelihood computes it. Two places are hard in float32:
    logits near 0, where the formula for $C$ is $0/0$ (the check asks for the value *and* its gradient there), and
    large $|\\ell|$, where $\\sigma(\\ell)$ rounds to exactly 0 or 1. Write $C$ in terms of $\\ell$ first. You may use your
    \`bernoulliLogLikelihood\` of chapter 3 (here it is \`vae.bernoulliLogLikelihood\`).
  `,
  stub: `
    function continuousBernoulliLogProb(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
      // Return log p(x|z) of each example under the continuous Bernoulli with λ = sigmoid(logits): shape [batch],
      // finite, with a finite gradient, for any logits.
      throw new Error('TODO: implement continuousBernoulliLogProb');
    }
  `,
  solution: {
    module: 'coursework/exercises/continuous-bernoulli',
    functions: ['model/likelihood#seriesMask', 'model/likelihood#blend', 'model/likelihood#continuousBernoulliLogNormalizer', 'continuousBernoulliLogProb'],
    inline: { CB_TAYLOR: '0.1' },
  },
  check: 'check.continuousBernoulliLogProb(continuousBernoulliLogProb);',
};
