/**
 * Checks of chapter 3's exercises (exercises/03-vae.ipynb): the reparameterized
 * sample (values and gradients), the Gaussian KL in closed form, the Bernoulli
 * log-likelihood from logits and the ELBO, each judged against lib/model/distributions.ts
 * and lib/model/elbo.ts, with hints for the usual mistakes (a sign, a missing ½, a
 * sum where a mean belongs, a sample cut off from the gradient).
 *
 * Each check is a plan (lib/coursework/runner.ts): the probes, drawn from an Rng,
 * and a judge of the answers. lib/coursework/check.ts runs them inline; the grader
 * sends the probes to the student's kernel and judges in its own process.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { bernoulliLogLikelihood as refBernoulli, klDivergence as refKl, reparameterize as refReparameterize } from '../model/distributions';
import { elbo as refElbo } from '../model/elbo';
import { CheckPlan, PASS, allClose, compareTensor, fail, fmtNum, fmtShape, fmtValues, probeList, unwrap } from './runner';
import { binary, perExampleShapeHint, randn, scaled, tensor2d, uniform, values, zeros } from './inputs';
import { Matrix, matrix } from './protocol';
import type { BernoulliProbe, ElboProbe, KlProbe, ReparameterizeProbe } from './respond';

/** The signatures the exercises ask for (the stubs in exercises/03-vae.ipynb). */
export type ReparameterizeFn = (mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D) => tf.Tensor;
export type KlFn = (mean: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor;
export type LogLikelihoodFn = (x: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor;
export interface ElboFnInputs {
  mean: tf.Tensor2D; // [batch, latentDim]
  logVar: tf.Tensor2D; // [batch, latentDim]
  logits: tf.Tensor2D; // [batch, inputDim]
}
export type ElboFn = (x: tf.Tensor2D, out: ElboFnInputs, beta: number) => { recon: tf.Tensor; kl: tf.Tensor; loss: tf.Tensor; elbo: tf.Tensor };

const alt = (t: tf.Tensor) => Array.from(t.dataSync());

/** Exercise `reparameterize` (chapter 3; Kingma & Welling 2014, section 2.4): z = mean + exp(logVar / 2) ⊙ eps. */
export function planReparameterize(rng: Rng): CheckPlan<ReparameterizeProbe> {
  const { probes, ask } = probeList<ReparameterizeProbe>();
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
            { values: alt(tf.add(mean, tf.mul(tf.exp(logVar), eps))), hint: 'you scaled eps by the variance exp(logVar); the standard deviation is exp(logVar / 2)' },
            { values: alt(tf.add(mean, tf.mul(logVar, eps))), hint: 'logVar is a log-variance: the standard deviation is exp(logVar / 2), not logVar' },
            { values: alt(tf.add(mean, tf.mul(tf.sqrt(tf.abs(logVar)), eps))), hint: 'logVar is a log-variance: the standard deviation is exp(logVar / 2)' },
            { values: alt(tf.sub(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps))), hint: 'sign error: add the noise term, z = mean + σ ⊙ eps' },
            { values: alt(tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, -0.5)), eps))), hint: 'sign error in the exponent: σ = exp(+logVar / 2)' },
          ],
        });
      });
      run.case('uses the eps it is given (no noise of its own)', () => {
        const p = probes[pair] as Extract<ReparameterizeProbe, { mode: 'pair' }>;
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

function gradientHint(e: { message: string }): string | undefined {
  if (/Cannot compute gradient/.test(e.message)) {
    return 'no gradient reaches this input: z is not built from it with tf ops (dataSync/arraySync/tf.tensor(...) of copied numbers, or sampling z directly, cut the graph) — that is exactly what the trick avoids';
  }
  if (/TODO/.test(e.message)) return 'the stub still throws: replace it with your implementation';
  return undefined;
}

/** Exercise `kl` (chapter 3; Kingma & Welling 2014, appendix B): ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j), per example. */
export function planKlDivergence(rng: Rng): CheckPlan<KlProbe> {
  const { probes, ask } = probeList<KlProbe>();
  const zero = ask({ mean: zeros([3, 4]), logVar: zeros([3, 4]) });
  const twoAndHalf = ask({ mean: matrix([1, 2], [1, 2]), logVar: zeros([1, 2]) });
  const ln4 = ask({ mean: zeros([1, 1]), logVar: matrix([1, 1], [Math.log(4)]) });
  const random = ask({ mean: randn(rng, [4, 5]), logVar: randn(rng, [4, 5], 0.7) });
  const shape = ask({ mean: randn(rng, [6, 3]), logVar: randn(rng, [6, 3], 0.5) });
  const wide = ask({ mean: randn(rng, [8, 4], 2), logVar: randn(rng, [8, 4], 3) });
  const hint = 'KL = ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j), summed over the latent axis, one value per example';
  const mistakes = (p: KlProbe) => {
    const [mean, logVar] = [tensor2d(p.mean), tensor2d(p.logVar)];
    const e = alt(refKl(mean, logVar));
    const dim = mean.shape[1];
    const sigmaNotVar = alt(tf.mul(tf.sum(tf.sub(tf.add(tf.exp(tf.mul(logVar, 0.5)), tf.square(mean)), tf.add(logVar, 1)), 1), 0.5));
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

/** Exercise `bernoulli-ll` (chapter 3): log p(x|z) = Σ_i x_i l_i − softplus(l_i) per example, stable for large |l|. */
export function planBernoulliLogLikelihood(rng: Rng): CheckPlan<BernoulliProbe> {
  const { probes, ask } = probeList<BernoulliProbe>();
  const half = ask({ x: binary(rng, [2, 6]), logits: zeros([2, 6]) });
  const random = ask({ x: uniform(rng, [3, 10]), logits: randn(rng, [3, 10], 2) });
  const negative = ask({ x: binary(rng, [4, 12]), logits: randn(rng, [4, 12], 3) });
  const large = ask({ x: matrix([2, 4], [1, 0, 1, 0, 0, 1, 1, 0]), logits: matrix([2, 4], [100, -100, -30, 30, 60, -60, 45, -45]) });
  const shape = ask({ x: binary(rng, [5, 3]), logits: randn(rng, [5, 3]) });
  const hint = 'log p(x|z) = Σ_i x_i·l_i − softplus(l_i), summed over pixels, one value per example';
  const ref = (p: BernoulliProbe) => values(refBernoulli(tensor2d(p.x), tensor2d(p.logits)));
  const mistakes = (p: BernoulliProbe) => {
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

type Terms = { recon: number; kl: number; loss: number; elbo: number };

/**
 * Exercise `elbo` (chapter 3): recon = −mean_batch log p(x|z), kl = mean_batch KL,
 * loss = recon + β·kl, elbo = −(recon + kl); all scalars in nats per example.
 */
export function planElbo(rng: Rng): CheckPlan<ElboProbe> {
  const { probes, ask } = probeList<ElboProbe>();
  const batch = 3;
  const data = { x: binary(rng, [batch, 8]), mean: randn(rng, [batch, 2]), logVar: randn(rng, [batch, 2], 0.5), logits: randn(rng, [batch, 8], 2) };
  const at = new Map<number, number>([1, 4, 0].map((beta) => [beta, ask({ ...data, beta })]));
  const ref = (beta: number): Terms => {
    const t = refElbo(tensor2d(data.x), { mean: tensor2d(data.mean), logVar: tensor2d(data.logVar), logits: tensor2d(data.logits) }, { beta });
    return { recon: t.recon.dataSync()[0], kl: t.kl.dataSync()[0], loss: t.loss.dataSync()[0], elbo: t.elbo.dataSync()[0] };
  };
  return {
    probes,
    judge(run, answers) {
      const terms = (beta: number) => unwrap(answers[at.get(beta) as number]) as Record<keyof Terms, Matrix>;
      const termCase = (name: string, beta: number, key: keyof Terms, extra: (e: number) => { values: number[]; hint: string }[]) => {
        run.core(name, () => {
          const e = ref(beta)[key];
          const t = terms(beta)[key];
          if (t.shape.length !== 0) {
            return fail('a scalar (shape [])', `shape ${fmtShape(t.shape)}`, `average over the batch: ${key} is one number in nats per example (tf.mean)`);
          }
          const alts = [
            { values: [-e], hint: `sign error in ${key}: recon = −E[log p(x|z)] ≥ 0, kl ≥ 0, loss = recon + β·kl, elbo = −(recon + kl)` },
            { values: [e * batch], hint: `${key} is ${batch}× too large: take the mean over the batch (nats per example), not the sum` },
            ...extra(e),
          ];
          return compareTensor({ shape: [], values: [e] }, t, { alternatives: alts, hint: 'recon = −mean(log p(x|z)), kl = mean(KL), loss = recon + β·kl, elbo = −(recon + kl)' });
        });
      };
      const refs1 = () => ref(1);
      termCase('recon = −mean over the batch of log p(x|z)', 1, 'recon', () => [
        { values: [refs1().recon / 8], hint: 'sum log p(x|z) over the pixels (then average over the batch), do not average over pixels' },
      ]);
      termCase('kl = mean over the batch of the Gaussian KL', 1, 'kl', () => [{ values: [refs1().kl / 2], hint: 'sum the KL over the latent dimensions (then average over the batch)' }]);
      termCase('loss with β = 1 is recon + kl', 1, 'loss', () => []);
      termCase('loss with β = 4 weights the KL: recon + 4·kl', 4, 'loss', () => [
        { values: [refs1().loss], hint: 'β is ignored: loss = recon + β·kl' },
        { values: [refs1().recon * 4 + refs1().kl], hint: 'β multiplies the KL, not the reconstruction term' },
      ]);
      termCase('loss with β = 0 is the reconstruction alone', 0, 'loss', () => [{ values: [refs1().loss], hint: 'β is ignored: loss = recon + β·kl' }]);
      termCase('elbo = −(recon + kl) whatever β (here β = 4)', 4, 'elbo', () => [
        { values: [-ref(4).loss], hint: 'the ELBO is the bound itself: β weights the loss only, elbo = −(recon + kl)' },
        { values: [ref(4).loss], hint: 'the ELBO is −(recon + kl): β weights the loss only, and the sign is negative' },
      ]);
      run.case('recon ≥ 0, kl ≥ 0, elbo ≤ 0', () => {
        const t = terms(1);
        const [recon, kl, elbo] = [t.recon, t.kl, t.elbo].map((m) => (m.values.length === 1 ? m.values[0] : NaN));
        const ok = recon >= -1e-5 && kl >= -1e-5 && elbo <= 1e-5;
        return ok ? PASS : fail('recon ≥ 0, kl ≥ 0, elbo ≤ 0', `recon ${fmtNum(recon)}, kl ${fmtNum(kl)}, elbo ${fmtNum(elbo)}`, 'recon is a negative log-likelihood (≥ 0), the KL is ≥ 0, and the ELBO is a log-probability bound (≤ 0 for binary pixels)');
      });
    },
  };
}
