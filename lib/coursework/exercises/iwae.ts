/**
 * Exercise `iwae` (chapter 6; Burda et al. 2016, eq. 8): per example,
 * L_k = log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x) with z_i = mean + exp(logVar/2) ⊙ eps_i, with a log-sum-exp.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import * as vae from '../../model/distributions';
import { CheckPlan, compareTensor, fail, PASS, fmtValues, probeList, unwrap } from '../runner';
import { boundProbe, perExampleShapeHint, tiledProbe } from '../inputs';
import { Answer, Matrix, Schema } from '../protocol';
import { BoundProbe, boundAnswer, boundArgs } from '../answering';

export const exercise = {
  id: 'iwae',
  chapter: '06-beyond',
  order: 1,
  title: 'The importance-weighted bound',
  symbol: 'iwaeBound',
  check: 'iwae',
  points: 3,
  inlineSeed: 19,
  library: ['training/evaluate#iwaeNll'],
} as const satisfies ExerciseSpec;

export type Fn = (x: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D, decode: (z: tf.Tensor2D) => tf.Tensor2D, eps: tf.Tensor3D) => tf.Tensor;

/** The decoder is the linear map z ↦ z·w + bias; eps is [k, batch, latentDim]. */
export type Probe = BoundProbe;

export function schema(): Schema {
  return 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return boundAnswer('iwaeBound', fn, p);
}

/**
 * The solution cell (scripts/codegen/exercises.ts copies its source) and the judge's reference, from the
 * library's densities.
 */
export function iwaeBound(
  x: tf.Tensor2D,
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D,
  decode: (z: tf.Tensor2D) => tf.Tensor2D,
  eps: tf.Tensor3D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const k = eps.shape[0];
    const logW: tf.Tensor1D[] = [];
    for (let i = 0; i < k; i++) {
      const e = tf.squeeze(tf.slice(eps, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D; // [batch, latentDim]
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), e)) as tf.Tensor2D; // [batch, latentDim]
      const logPxz = vae.bernoulliLogLikelihood(x, decode(z)); // [batch]
      logW.push(tf.sub(tf.add(logPxz, vae.logStandardNormal(z)), vae.logNormal(z, mean, logVar)) as tf.Tensor1D);
    }
    return tf.sub(tf.logSumExp(tf.stack(logW), 0), Math.log(k)) as tf.Tensor1D; // [batch]
  });
}

/** The bound on a probe, and the mean of its k one-sample bounds (the ELBO estimate from the same samples). */
function refOf(p: Probe): { bound: number[]; elboMean: number[] } {
  return tf.tidy(() => {
    const [x, mean, logVar, decode, eps] = boundArgs(p);
    const ones = tf.unstack(eps).map((e) => iwaeBound(x, mean, logVar, decode, tf.expandDims(e, 0) as tf.Tensor3D));
    return { bound: Array.from(iwaeBound(x, mean, logVar, decode, eps).dataSync()), elboMean: Array.from(tf.mean(tf.stack(ones), 0).dataSync()) };
  });
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  // A fixed random linear decoder z → logits stands in for a trained one.
  const setup = (batch: number, latentDim: number, dim: number, k: number, wScale: number): Probe => boundProbe(rng, batch, latentDim, dim, k, wScale);
  const one = ask(setup(3, 2, 10, 1, 1));
  const five = ask(setup(4, 3, 12, 5, 1));
  const single = setup(2, 2, 10, 1, 1);
  const tiled = ask(tiledProbe(single, 4));
  const stable = ask(setup(2, 3, 300, 6, 6));
  const jensen = ask(setup(3, 2, 10, 8, 1.5));
  const hint = 'L_k = logsumexp_i(log p(x|z_i) + log p(z_i) − log q(z_i|x)) − log k, with z_i = mean + exp(logVar/2) ⊙ eps[i]';
  const mistakes = (p: Probe) => {
    const r = refOf(p);
    const k = p.eps.shape[0];
    return [
      { values: r.elboMean, hint: 'you averaged the log-weights (that is the ELBO estimate): the IWAE bound is the log of the mean of the weights, logsumexp − log k' },
      { values: r.bound.map((v) => v + Math.log(k)), hint: 'the − log k is missing: the bound averages the k weights, log((1/k) Σ w_i)' },
      { values: r.bound.map((v) => -v), hint: 'sign error: return the bound (a log-likelihood estimate, ≤ 0 here), not its negative' },
    ];
  };
  const shapeOf = (i: number) => perExampleShapeHint(probes[i].x.shape[0], probes[i].eps.shape[0]);
  const batchOf = (i: number) => probes[i].x.shape[0];
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      run.core('k = 1 equals the one-sample ELBO estimate', () =>
        compareTensor({ shape: [batchOf(one)], values: refOf(probes[one]).bound }, got(one), { shapeHint: shapeOf(one), hint: 'with k = 1, L_1 = log p(x|z) + log p(z) − log q(z|x) at z = mean + exp(logVar/2) ⊙ eps[0]', alternatives: mistakes(probes[one]) }),
      );
      run.core(`k = ${probes[five].eps.shape[0]} against the reference`, () => compareTensor({ shape: [batchOf(five)], values: refOf(probes[five]).bound }, got(five), { shapeHint: shapeOf(five), hint, alternatives: mistakes(probes[five]) }));
      run.core('k identical samples give the k = 1 value (the − log k)', () => {
        const expected = refOf(single).bound;
        return compareTensor({ shape: [batchOf(tiled)], values: expected }, got(tiled), { shapeHint: shapeOf(tiled), hint, alternatives: [{ values: expected.map((v) => v + Math.log(4)), hint: 'the − log k is missing: k identical weights must average to the same weight' }] });
      });
      run.core('stable when log-weights are around −1000 (log-sum-exp)', () => {
        const r = refOf(probes[stable]);
        const out = got(stable);
        if (out.values.some((v) => !Number.isFinite(v))) {
          return fail(fmtValues(r.bound), fmtValues(out.values), 'exp(−1000) underflows to 0 and log(0) = −Infinity: use tf.logSumExp over the k axis (it subtracts the maximum first)');
        }
        return compareTensor({ shape: [batchOf(stable)], values: r.bound }, out, { shapeHint: shapeOf(stable), hint, alternatives: mistakes(probes[stable]), rtol: 1e-4, atol: 1e-2 });
      });
      run.case('the bound is at least the average log-weight (Jensen)', () => {
        const r = refOf(probes[jensen]);
        const out = got(jensen);
        const b = batchOf(jensen);
        if (out.values.length !== b) return fail(`${b} values`, `${out.values.length} values`, 'one value per example');
        const bad = out.values.findIndex((v, i) => !(v >= r.elboMean[i] - 1e-3));
        return bad < 0 ? PASS : fail(`≥ ${fmtValues(r.elboMean)}`, fmtValues(out.values), 'log of a mean ≥ mean of the logs: the IWAE bound is never below the ELBO estimate from the same samples');
      });
    },
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    With $z_k = \\mu + \\sigma \\odot \\varepsilon_k$ for $k = 1, \\dots, K$ and the log-weights
    $\\log w_k = \\log p_\\theta(x \\mid z_k) + \\log p(z_k) - \\log q_\\phi(z_k \\mid x)$,

    $$
    \\mathcal{L}_K = \\log \\frac{1}{K} \\sum_{k=1}^{K} w_k .
    $$

    $\\mathcal{L}_1$ is the one-sample ELBO; $\\mathcal{L}_K$ grows with $K$ towards $\\log p_\\theta(x)$. Implement
    \`iwaeBound(x, mean, logVar, decode, eps)\`: \`x\` is \`[batch, 784]\`, \`mean\` and \`logVar\` are
    \`[batch, latentDim]\`, \`decode\` maps codes \`[n, latentDim]\` to logits \`[n, 784]\`, and \`eps\` holds the noise,
    \`[K, batch, latentDim]\`. Return $\\mathcal{L}_K$ per example (\`[batch]\`). You may use the library's densities
    \`vae.bernoulliLogLikelihood\`, \`vae.logStandardNormal\` and \`vae.logNormal\`. The log-weights of real digits are
    around −100 nats and more, and \`exp\` of them underflows to 0 in float32: compute the logarithm of the mean
    without leaving log space.
  `,
  stub: `
    function iwaeBound(
      x: tf.Tensor2D,
      mean: tf.Tensor2D,
      logVar: tf.Tensor2D,
      decode: (z: tf.Tensor2D) => tf.Tensor2D,
      eps: tf.Tensor3D,
    ): tf.Tensor1D {
      // Return the importance-weighted bound L_K of each example ([batch]), one sample z_k per slice eps[k].
      throw new Error('TODO: implement iwaeBound');
    }
  `,
  solution: { module: 'coursework/exercises/iwae', functions: ['iwaeBound'] },
  check: 'check.iwae(iwaeBound);',
  after: [
    {
      kind: 'md',
      text: `
        ## The bound on a trained VAE

        The cell trains a small VAE and evaluates your bound on 100 test digits for $K = 1, 10, 100$, next to the
        library's test ELBO and its IWAE estimate with $K = 100$ (\`vae.iwaeNll\` reports the negative, in nats). Does
        $K = 1$ agree with the ELBO on average? Does the estimate grow with $K$?
      `,
    },
    {
      kind: 'demo',
      code: `
        const { train, test } = vae.loadData({ limit: pick({ quick: 1000, full: 8000 }) });
        const model = vae.createVAE({ latentDim: 20, seed: 0 });
        await vae.train(model, train, { epochs: pick({ quick: 2, full: 10 }), seed: 0, progress: false });
        const few = vae.subset(test, 100);
        const rows: Record<string, string | number>[] = [];
        for (const k of [1, 10, 100]) {
          const bound = tf.tidy(() => {
            const x = vae.toTensor(few); // [100, 784]
            const { mean, logVar } = model.encode(x); // [100, 20] each
            const eps = tf.randomNormal([k, few.size, model.config.latentDim], 0, 1, 'float32', k) as tf.Tensor3D;
            return tf.mean(iwaeBound(x, mean, logVar, (z) => model.decode(z), eps)).dataSync()[0];
          });
          rows.push({ estimate: \`your L_\${k}\`, nats: bound });
        }
        rows.push({ estimate: 'library ELBO', nats: vae.evaluate(model, few).elbo });
        rows.push({ estimate: 'library IWAE, K = 100', nats: -vae.iwaeNll(model, few, { k: 100 }) });
        showTable(rows);
        model.dispose();
      `,
    },
  ],
};
