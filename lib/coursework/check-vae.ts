/**
 * Checks of chapter 3's exercises (exercises/03-vae.ipynb): the reparameterized
 * sample (values and gradients), the Gaussian KL in closed form, the Bernoulli
 * log-likelihood from logits and the ELBO, each against lib/model/distributions.ts
 * and lib/model/elbo.ts, with hints for the usual mistakes (a sign, a missing ½, a
 * sum where a mean belongs, a sample cut off from the gradient).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { bernoulliLogLikelihood as refBernoulli, klDivergence as refKl, reparameterize as refReparameterize } from '../model/distributions';
import { elbo as refElbo } from '../model/elbo';
import {
  CheckOptions,
  CheckResult,
  PASS,
  WrongAnswer,
  allClose,
  callStudent,
  checked,
  compareTensor,
  describeValue,
  fail,
  fmtNum,
  fmtShape,
  fmtValues,
  readTensor,
  requireFunction,
} from './runner';
import { binary, perExampleShapeHint, randn, scaled, uniform, values } from './inputs';

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

/** Exercise `reparameterize` (chapter 3; Kingma & Welling 2014, section 2.4): z = mean + exp(logVar / 2) ⊙ eps. */
export function checkReparameterize(fn: ReparameterizeFn, opts: CheckOptions = {}): CheckResult {
  return checked('reparameterize', opts, (run) => {
    if (requireFunction(run, 'reparameterize', fn)) {
      const f = fn as ReparameterizeFn;
      const rng = new Rng(3);
      const call = (m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => readTensor('reparameterize(mean, logVar, eps)', callStudent('reparameterize', f, m, lv, e));
      const shapeHint = (got: number[]) => (got.length !== 2 ? 'z has the shape of mean: [batch, latentDim] (combine elementwise, do not reduce)' : 'z has the shape of mean, [batch, latentDim]');

      run.case('zero noise gives the mean', () => {
        const mean = randn(rng, [3, 2]);
        const logVar = randn(rng, [3, 2], 0.5);
        return compareTensor(values(mean), call(mean, logVar, tf.zerosLike(mean)), { shapeHint, hint: 'with eps = 0 the sample is the mean itself' });
      });
      run.case('random mean, logVar and eps [4, 3] against the library', () => {
        const mean = randn(rng, [4, 3]);
        const logVar = randn(rng, [4, 3], 0.8);
        const eps = randn(rng, [4, 3]);
        const expected = values(refReparameterize(mean, logVar, eps));
        const alt = (t: tf.Tensor) => Array.from(t.dataSync());
        return compareTensor(expected, call(mean, logVar, eps), {
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
        const mean = randn(rng, [2, 4]);
        const logVar = tf.zeros([2, 4]) as tf.Tensor2D;
        const e1 = randn(rng, [2, 4]);
        const e2 = randn(rng, [2, 4]);
        const z1 = call(mean, logVar, e1);
        const z2 = call(mean, logVar, e2);
        if (allClose(z1.values, z2.values, 1e-6, 1e-6)) {
          return fail('different z for different eps', 'the same z for both', 'use the eps argument; do not draw your own noise (tf.randomNormal) inside');
        }
        return compareTensor(values(tf.add(mean, e2)), z2, { shapeHint, hint: 'with logVar = 0, z = mean + eps exactly' });
      });
      run.case('batch 5, latentDim 7: z has shape [5, 7]', () => {
        const mean = randn(rng, [5, 7]);
        const got = call(mean, randn(rng, [5, 7], 0.3), randn(rng, [5, 7]));
        return got.shape.join() === '5,7' ? PASS : fail('shape [5, 7]', `shape ${fmtShape(got.shape)}`, shapeHint(got.shape));
      });
      // The point of the trick: z is a differentiable function of mean and logVar (chapter 3).
      const mean = randn(rng, [3, 4]);
      const logVar = randn(rng, [3, 4], 0.5);
      const eps = randn(rng, [3, 4]);
      const w = randn(rng, [3, 4]); // an arbitrary upstream gradient: d(Σ w ⊙ z) = w ⊙ dz
      run.case('the gradient reaches mean (∂z/∂mean = 1)', () => {
        const g = tf.grad((m: tf.Tensor) => tf.sum(tf.mul(w, readTensorKeep(callStudent('reparameterize', f, m as tf.Tensor2D, logVar, eps)))))(mean);
        return compareTensor(values(w), values(g), { hint: 'z must be built from mean with tf ops (mean + …), so the gradient flows back to the encoder' });
      }, gradientHint);
      run.case('the gradient reaches logVar (∂z/∂logVar = ½ exp(logVar/2) ⊙ eps)', () => {
        const g = tf.grad((lv: tf.Tensor) => tf.sum(tf.mul(w, readTensorKeep(callStudent('reparameterize', f, mean, lv as tf.Tensor2D, eps)))))(logVar);
        const expected = values(tf.mul(w, tf.mul(tf.mul(tf.exp(tf.mul(logVar, 0.5)), 0.5), eps)));
        return compareTensor(expected, values(g), { hint: 'compute σ = exp(logVar / 2) with tf ops on logVar (not from copied numbers), so the gradient reaches the encoder\'s logVar head' });
      }, gradientHint);
    }
  });
}

function gradientHint(e: { message: string }): string | undefined {
  if (/Cannot compute gradient/.test(e.message)) {
    return 'no gradient reaches this input: z is not built from it with tf ops (dataSync/arraySync/tf.tensor(...) of copied numbers, or sampling z directly, cut the graph) — that is exactly what the trick avoids';
  }
  if (/TODO/.test(e.message)) return 'the stub still throws: replace it with your implementation';
  return undefined;
}

/** Inside tf.grad the student's output must be a tensor; same validation as readTensor but keeps the tensor. */
function readTensorKeep(v: unknown): tf.Tensor {
  if (v instanceof tf.Tensor) return v;
  throw new WrongAnswer('reparameterize did not return a tf.Tensor', describeValue(v), 'return a tf.Tensor built with tf ops');
}

/** Exercise `kl` (chapter 3; Kingma & Welling 2014, appendix B): ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j), per example. */
export function checkKlDivergence(fn: KlFn, opts: CheckOptions = {}): CheckResult {
  return checked('kl', opts, (run) => {
    if (requireFunction(run, 'klDivergence', fn)) {
      const f = fn as KlFn;
      const rng = new Rng(5);
      const call = (m: tf.Tensor2D, lv: tf.Tensor2D) => readTensor('klDivergence(mean, logVar)', callStudent('klDivergence', f, m, lv));
      const hint = 'KL = ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j), summed over the latent axis, one value per example';
      const mistakes = (mean: tf.Tensor2D, logVar: tf.Tensor2D) => {
        const e = Array.from(refKl(mean, logVar).dataSync());
        const dim = mean.shape[1];
        const sigmaNotVar = Array.from(tf.mul(tf.sum(tf.sub(tf.add(tf.exp(tf.mul(logVar, 0.5)), tf.square(mean)), tf.add(logVar, 1)), 1), 0.5).dataSync());
        return [
          { values: scaled(e, -1), hint: 'sign error: the KL is never negative; it is ½ Σ (exp(logVar) + mean² − 1 − logVar)' },
          { values: scaled(e, 2), hint: 'your values are twice the expected: the factor ½ is missing' },
          { values: scaled(e, 1 / dim), hint: 'you averaged over the latent dimensions: sum them (tf.sum(…, 1)), the KL of independent dimensions adds up' },
          { values: e.map((v) => v + dim / 2), hint: 'the −1 inside the sum is missing' },
          { values: sigmaNotVar, hint: 'use the variance exp(logVar), not the standard deviation exp(logVar / 2)' },
        ];
      };
      run.case('N(0, I) has zero KL', () => {
        const z = tf.zeros([3, 4]) as tf.Tensor2D;
        return compareTensor({ shape: [3], values: [0, 0, 0] }, call(z, z), { shapeHint: perExampleShapeHint(3, 4), hint });
      });
      run.case('mean [1, 2], logVar 0: KL = ½ (1 + 4) = 2.5', () => {
        const mean = tf.tensor2d([[1, 2]]);
        const logVar = tf.zeros([1, 2]) as tf.Tensor2D;
        return compareTensor({ shape: [1], values: [2.5] }, call(mean, logVar), { shapeHint: perExampleShapeHint(1, 2), hint, alternatives: mistakes(mean, logVar) });
      });
      run.case('mean 0, logVar [ln 4]: KL = ½ (4 − 1 − ln 4)', () => {
        const mean = tf.zeros([1, 1]) as tf.Tensor2D;
        const logVar = tf.tensor2d([[Math.log(4)]]);
        return compareTensor({ shape: [1], values: [0.5 * (4 - 1 - Math.log(4))] }, call(mean, logVar), { shapeHint: perExampleShapeHint(1, 1), hint, alternatives: mistakes(mean, logVar) });
      });
      run.case('random mean and logVar [4, 5] against the library', () => {
        const mean = randn(rng, [4, 5]);
        const logVar = randn(rng, [4, 5], 0.7);
        return compareTensor(values(refKl(mean, logVar)), call(mean, logVar), { shapeHint: perExampleShapeHint(4, 5), hint, alternatives: mistakes(mean, logVar) });
      });
      run.case('one value per example: shape [batch]', () => {
        const mean = randn(rng, [6, 3]);
        const got = call(mean, randn(rng, [6, 3], 0.5));
        return got.shape.join() === '6' ? PASS : fail('shape [6]', `shape ${fmtShape(got.shape)}`, perExampleShapeHint(6, 3)(got.shape) ?? 'one KL value per example');
      });
      run.case('never negative, even for wide and narrow posteriors', () => {
        const mean = randn(rng, [8, 4], 2);
        const logVar = randn(rng, [8, 4], 3);
        const got = call(mean, logVar);
        const neg = got.values.filter((v) => v < -1e-5);
        return neg.length === 0 ? PASS : fail('all values ≥ 0', fmtValues(got.values), 'a KL divergence is ≥ 0: check the sign of each term, ½ Σ (exp(logVar) + mean² − 1 − logVar)');
      });
    }
  });
}

/** Exercise `bernoulli-ll` (chapter 3): log p(x|z) = Σ_i x_i l_i − softplus(l_i) per example, stable for large |l|. */
export function checkBernoulliLogLikelihood(fn: LogLikelihoodFn, opts: CheckOptions = {}): CheckResult {
  return checked('bernoulli-ll', opts, (run) => {
    if (requireFunction(run, 'bernoulliLogLikelihood', fn)) {
      const f = fn as LogLikelihoodFn;
      const rng = new Rng(7);
      const call = (x: tf.Tensor2D, l: tf.Tensor2D) => readTensor('bernoulliLogLikelihood(x, logits)', callStudent('bernoulliLogLikelihood', f, x, l));
      const hint = 'log p(x|z) = Σ_i x_i·l_i − softplus(l_i), summed over pixels, one value per example';
      const mistakes = (x: tf.Tensor2D, l: tf.Tensor2D) => {
        const e = Array.from(refBernoulli(x, l).dataSync());
        return [
          { values: scaled(e, -1), hint: 'you returned the binary cross-entropy (the negative): a log-likelihood of binary pixels is ≤ 0' },
          { values: scaled(e, 1 / x.shape[1]), hint: 'you averaged over the pixels: sum them (tf.sum(…, 1)), the pixels are independent given z' },
        ];
      };
      run.case('logits 0 give log ½ per pixel', () => {
        const x = binary(rng, [2, 6]);
        const l = tf.zeros([2, 6]) as tf.Tensor2D;
        return compareTensor({ shape: [2], values: [6 * Math.log(0.5), 6 * Math.log(0.5)] }, call(x, l), { shapeHint: perExampleShapeHint(2, 6), hint, alternatives: mistakes(x, l) });
      });
      run.case('random x in [0, 1] and logits [3, 10] against the library', () => {
        const x = uniform(rng, [3, 10]);
        const l = randn(rng, [3, 10], 2);
        return compareTensor(values(refBernoulli(x, l)), call(x, l), { shapeHint: perExampleShapeHint(3, 10), hint, alternatives: mistakes(x, l) });
      });
      run.case('binary x: the log-likelihood is ≤ 0', () => {
        const x = binary(rng, [4, 12]);
        const got = call(x, randn(rng, [4, 12], 3));
        const pos = got.values.filter((v) => v > 1e-5);
        return pos.length === 0 ? PASS : fail('all values ≤ 0', fmtValues(got.values), 'probabilities are ≤ 1, so their logs are ≤ 0: check the sign (this is the log-likelihood, not the cross-entropy)');
      });
      run.case('large logits (±30 … ±100) stay finite and exact', () => {
        const x = tf.tensor2d([[1, 0, 1, 0], [0, 1, 1, 0]]);
        const l = tf.tensor2d([[100, -100, -30, 30], [60, -60, 45, -45]]);
        const got = call(x, l);
        if (got.values.some((v) => !Number.isFinite(v))) {
          return fail(fmtValues(values(refBernoulli(x, l)).values), fmtValues(got.values), 'log(sigmoid(l)) underflows to log(0) = −Infinity for large |l|: use the stable form x·l − softplus(l) (tf.softplus)');
        }
        return compareTensor(values(refBernoulli(x, l)), got, { shapeHint: perExampleShapeHint(2, 4), hint: 'for large |l| compute x·l − softplus(l) rather than log(sigmoid(l)) (it rounds to 0 or 1 in float32)', alternatives: mistakes(x, l) });
      });
      run.case('one value per example: shape [batch]', () => {
        const got = call(binary(rng, [5, 3]), randn(rng, [5, 3]));
        return got.shape.join() === '5' ? PASS : fail('shape [5]', `shape ${fmtShape(got.shape)}`, perExampleShapeHint(5, 3)(got.shape) ?? 'one value per example');
      });
    }
  });
}

/**
 * Exercise `elbo` (chapter 3): recon = −mean_batch log p(x|z), kl = mean_batch KL,
 * loss = recon + β·kl, elbo = −(recon + kl); all scalars in nats per example.
 */
export function checkElbo(fn: ElboFn, opts: CheckOptions = {}): CheckResult {
  return checked('elbo', opts, (run) => {
    if (requireFunction(run, 'elbo', fn)) {
      const f = fn as ElboFn;
      const rng = new Rng(11);
      const batch = 3;
      const x = binary(rng, [batch, 8]);
      const mean = randn(rng, [batch, 2]);
      const logVar = randn(rng, [batch, 2], 0.5);
      const logits = randn(rng, [batch, 8], 2);
      type Terms = { recon: number; kl: number; loss: number; elbo: number };
      const ref = (beta: number): Terms => {
        const t = refElbo(x, { mean, logVar, logits }, { beta });
        const out = { recon: t.recon.dataSync()[0], kl: t.kl.dataSync()[0], loss: t.loss.dataSync()[0], elbo: t.elbo.dataSync()[0] };
        tf.dispose([t.recon, t.kl, t.loss, t.elbo]);
        return out;
      };
      const call = (beta: number): { terms: Partial<Terms>; shapes: Record<string, number[]> } => {
        const out = callStudent('elbo', f, x, { mean, logVar, logits }, beta) as unknown;
        if (out === null || typeof out !== 'object') {
          throw new WrongAnswer('elbo did not return an object', describeValue(out), 'return { recon, kl, loss, elbo } (four scalar tensors)');
        }
        const o = out as Record<string, unknown>;
        const terms: Partial<Terms> = {};
        const shapes: Record<string, number[]> = {};
        for (const k of ['recon', 'kl', 'loss', 'elbo'] as const) {
          if (!(k in o)) throw new WrongAnswer(`elbo's result has no '${k}'`, describeValue(out), 'return { recon, kl, loss, elbo }');
          const t = readTensor(`elbo(…).${k}`, o[k]);
          shapes[k] = t.shape;
          terms[k] = t.values.length === 1 ? t.values[0] : NaN;
        }
        return { terms, shapes };
      };
      const termCase = (name: string, beta: number, key: keyof Terms, extra: (e: number) => { values: number[]; hint: string }[]) => {
        run.case(name, () => {
          const e = ref(beta)[key];
          const { terms, shapes } = call(beta);
          const g = terms[key] as number;
          if (shapes[key].length !== 0) {
            return fail('a scalar (shape [])', `shape ${fmtShape(shapes[key])}`, `average over the batch: ${key} is one number in nats per example (tf.mean)`);
          }
          const alts = [
            { values: [-e], hint: `sign error in ${key}: recon = −E[log p(x|z)] ≥ 0, kl ≥ 0, loss = recon + β·kl, elbo = −(recon + kl)` },
            { values: [e * batch], hint: `${key} is ${batch}× too large: take the mean over the batch (nats per example), not the sum` },
            ...extra(e),
          ];
          return compareTensor({ shape: [], values: [e] }, { shape: [], values: [g] }, { alternatives: alts, hint: 'recon = −mean(log p(x|z)), kl = mean(KL), loss = recon + β·kl, elbo = −(recon + kl)' });
        });
      };
      const refs1 = () => ref(1);
      termCase('recon = −mean over the batch of log p(x|z)', 1, 'recon', () => [
        { values: [refs1().recon / 8], hint: 'sum log p(x|z) over the pixels (then average over the batch), do not average over pixels' },
      ]);
      termCase('kl = mean over the batch of the Gaussian KL', 1, 'kl', () => [
        { values: [refs1().kl / 2], hint: 'sum the KL over the latent dimensions (then average over the batch)' },
      ]);
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
        const { terms } = call(1);
        const ok = (terms.recon as number) >= -1e-5 && (terms.kl as number) >= -1e-5 && (terms.elbo as number) <= 1e-5;
        return ok ? PASS : fail('recon ≥ 0, kl ≥ 0, elbo ≤ 0', `recon ${fmtNum(terms.recon as number)}, kl ${fmtNum(terms.kl as number)}, elbo ${fmtNum(terms.elbo as number)}`, 'recon is a negative log-likelihood (≥ 0), the KL is ≥ 0, and the ELBO is a log-probability bound (≤ 0 for binary pixels)');
      });
    }
  });
}
