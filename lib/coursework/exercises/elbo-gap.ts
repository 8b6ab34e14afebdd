/**
 * Exercise `elbo-gap` (chapter 6; Burda et al. 2016): how loose the ELBO is, measured against the importance-
 * weighted bound from the same K samples — per example, L_K − (1/K) Σ_k log w_k ≥ 0, the ELBO estimate being the
 * mean of the K one-sample bounds.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { iwaeBound } from './iwae';
import { CheckPlan, PASS, compareTensor, fail, fmtValues, probeList, unwrap } from '../runner';
import { boundProbe, tiledProbe } from '../inputs';
import { Answer, Matrix, Schema } from '../protocol';
import { BoundProbe, boundAnswer, boundArgs } from '../answering';

export const exercise = {
  id: 'elbo-gap',
  chapter: '06-beyond',
  order: 2,
  title: 'The ELBO gap against the importance-weighted bound',
  symbol: 'elboGap',
  check: 'elboGap',
  points: 2,
  inlineSeed: 29,
  library: [],
} as const satisfies ExerciseSpec;

export type Bound = (x: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D, decode: (z: tf.Tensor2D) => tf.Tensor2D, eps: tf.Tensor3D) => tf.Tensor1D;
export type Fn = (x: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D, decode: (z: tf.Tensor2D) => tf.Tensor2D, eps: tf.Tensor3D) => tf.Tensor;

/** The decoder is the linear map z ↦ z·w + bias; eps is [k, batch, latentDim]. */
export type Probe = BoundProbe;

export function schema(): Schema {
  return 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return boundAnswer('elboGap', fn, p);
}

/**
 * The solution cell (scripts/codegen/exercises.ts copies its source) and the judge's reference: the bound of
 * the previous exercise on all K samples, minus the mean of its one-sample values.
 */
export function elboGap(
  x: tf.Tensor2D,
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D,
  decode: (z: tf.Tensor2D) => tf.Tensor2D,
  eps: tf.Tensor3D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const ones = tf.unstack(eps).map((e) => iwaeBound(x, mean, logVar, decode, tf.expandDims(e, 0) as tf.Tensor3D)); // K × [batch]
    return tf.sub(iwaeBound(x, mean, logVar, decode, eps), tf.mean(tf.stack(ones), 0)) as tf.Tensor1D; // [batch]
  });
}

function refOf(p: Probe): { gap: number[]; bound: number[] } {
  return tf.tidy(() => {
    const args = boundArgs(p);
    return { gap: Array.from(elboGap(...args).dataSync()), bound: Array.from(iwaeBound(...args).dataSync()) };
  });
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const setup = (batch: number, latentDim: number, dim: number, k: number, wScale: number): Probe => boundProbe(rng, batch, latentDim, dim, k, wScale);
  const one = ask(setup(3, 2, 10, 1, 1));
  const eight = ask(setup(4, 3, 12, 8, 1.5));
  const single = setup(2, 2, 10, 1, 1);
  const tiled = ask(tiledProbe(single, 3));
  const hint = 'gap = L_K − (1/K) Σ_k L_1(eps[k]): the importance-weighted bound on all K samples minus the mean of the K one-sample bounds';
  const mistakes = (p: Probe) => {
    const r = refOf(p);
    return [
      { values: r.gap.map((v) => -v), hint: 'sign: the IWAE bound is the tighter one, so the gap L_K − ELBO is ≥ 0' },
      { values: r.bound, hint: 'that is the bound itself; subtract the ELBO estimate from the same samples' },
    ];
  };
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      run.case('K = 1: no gap', () => compareTensor({ shape: [probes[one].x.shape[0]], values: new Array(probes[one].x.shape[0]).fill(0) }, got(one), { hint: 'with one sample the two bounds are the same number', atol: 1e-3 }));
      run.core(`K = ${probes[eight].eps.shape[0]} against the reference`, () => compareTensor({ shape: [probes[eight].x.shape[0]], values: refOf(probes[eight]).gap }, got(eight), { hint, alternatives: mistakes(probes[eight]), atol: 1e-3 }));
      run.case('K identical samples: no gap', () => compareTensor({ shape: [probes[tiled].x.shape[0]], values: new Array(probes[tiled].x.shape[0]).fill(0) }, got(tiled), { hint: 'identical weights: their log-mean and mean-log agree', atol: 1e-3 }));
      run.case('never negative (Jensen)', () => {
        const out = got(eight);
        return out.values.every((v) => v >= -1e-3) ? PASS : fail('all values ≥ 0', fmtValues(out.values), 'log of a mean ≥ mean of the logs: L_K ≥ the ELBO estimate from the same samples');
      });
    },
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    The ELBO estimate from $K$ samples is the mean of their log-weights, $\\frac{1}{K}\\sum_k \\log w_k$; the
    importance-weighted bound $\\mathcal{L}_K$ of the previous exercise is the log of their mean. By Jensen's
    inequality the second is never below the first, and their difference,

    $$
    \\Delta_K = \\mathcal{L}_K - \\frac{1}{K} \\sum_{k=1}^{K} \\log w_k \\;\\ge\\; 0,
    $$

    is how much of $\\log p_\\theta(x)$ the ELBO leaves out that $K$ samples recover. Implement
    \`elboGap(x, mean, logVar, decode, eps)\` with the arguments of \`iwaeBound\`: one value per example (\`[batch]\`). Your
    \`iwaeBound\` is defined above; a slice \`eps[k]\` alone is a one-sample noise tensor \`[1, batch, latentDim]\`.
  `,
  stub: `
    function elboGap(
      x: tf.Tensor2D,
      mean: tf.Tensor2D,
      logVar: tf.Tensor2D,
      decode: (z: tf.Tensor2D) => tf.Tensor2D,
      eps: tf.Tensor3D,
    ): tf.Tensor1D {
      // Return, per example ([batch]), how far the importance-weighted bound on the K samples is above the ELBO estimate from them.
      throw new Error('TODO: implement elboGap');
    }
  `,
  solution: { module: 'coursework/exercises/elbo-gap', functions: ['elboGap'] },
  check: 'check.elboGap(elboGap);',
  after: [
    { kind: 'md', text: 'On a trained VAE the gap shrinks as the encoder\'s posterior gets closer to the true one: the demonstration above prints the bound for K = 1, 10, 100; the gap is its growth from K = 1.' },
  ],
};
