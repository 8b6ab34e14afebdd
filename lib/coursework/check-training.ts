/**
 * Checks of chapter 4's exercises (a KL warm-up schedule, against lib/model/elbo.ts;
 * the β sweep's result) and chapter 6's importance-weighted bound, against a
 * reference built from lib/model/distributions.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { bernoulliLogLikelihood as refBernoulli, logNormal, logStandardNormal, reparameterize as refReparameterize } from '../model/distributions';
import { klWarmup as refKlWarmup } from '../model/elbo';
import {
  CheckOptions,
  CheckResult,
  Outcome,
  PASS,
  WrongAnswer,
  allClose,
  callStudent,
  checked,
  compareTensor,
  describeValue,
  fail,
  fmtNum,
  fmtValues,
  readTensor,
  requireFunction,
} from './runner';
import { binary, perExampleShapeHint, randn } from './inputs';

/** The signatures the exercises ask for (exercises/04-training.ipynb, exercises/06-beyond.ipynb). */
export type WarmupFn = (step: number, warmupSteps: number, betaMax: number) => number;
export type IwaeFn = (
  x: tf.Tensor2D,
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D,
  decode: (z: tf.Tensor2D) => tf.Tensor2D,
  eps: tf.Tensor3D,
) => tf.Tensor;
/** One row of the β sweep of chapter 4: the β a model was trained with and its test measurements. */
export interface BetaSweepRow {
  beta: number;
  /** −E_q[log p(x|z)] on the test set, nats per example. */
  recon: number;
  /** KL(q(z|x) ‖ p(z)) on the test set, nats per example. */
  kl: number;
  /** Latent dimensions with Cov_x(E_q[z_j]) > 0.01. */
  activeUnits: number;
}

/** Exercise `kl-warmup` (chapter 4; Bowman et al. 2016): β(step) = betaMax · min(1, step / warmupSteps). */
export function checkKlWarmup(fn: WarmupFn, opts: CheckOptions = {}): CheckResult {
  return checked('kl-warmup', opts, (run) => {
    if (requireFunction(run, 'warmupBeta', fn)) {
      const f = fn as WarmupFn;
      const call = (step: number, warmupSteps: number, betaMax: number): number => {
        const v = callStudent('warmupBeta', f, step, warmupSteps, betaMax) as unknown;
        if (typeof v !== 'number') throw new WrongAnswer('warmupBeta did not return a number', describeValue(v), 'return β as a plain number');
        return v;
      };
      const cmp = (cases: [number, number, number][], hint: string): Outcome => {
        const expected = cases.map(([s, w, b]) => refKlWarmup({ warmupSteps: w, betaMax: b })(s));
        const got = cases.map(([s, w, b]) => call(s, w, b));
        if (allClose(expected, got, 1e-9, 1e-9)) return PASS;
        return fail(fmtValues(expected, 8), fmtValues(got, 8), hint);
      };
      run.case('β starts at 0 and reaches betaMax after warmupSteps', () => cmp([[0, 100, 1], [100, 100, 1]], 'β(0) = 0 and β(warmupSteps) = betaMax'));
      run.case('β rises linearly: steps 25, 50, 75 of 100 with betaMax 2', () => cmp([[25, 100, 2], [50, 100, 2], [75, 100, 2]], 'β = betaMax · step / warmupSteps during the warm-up'));
      run.case('β stays at betaMax after the warm-up', () => cmp([[101, 100, 1], [1000, 100, 1], [5000, 10, 0.5]], 'cap it: β = betaMax · min(1, step / warmupSteps)'));
      run.case('warmupSteps 0 means no warm-up (no division by zero)', () => {
        const v = call(0, 0, 1);
        return Number.isFinite(v) && Math.abs(v - 1) < 1e-9 ? PASS : fail('1', fmtNum(v), 'with warmupSteps = 0 return betaMax directly (0 / 0 is NaN)');
      });
    }
  });
}

/**
 * Exercise `beta-sweep` (chapter 4, posterior collapse): rows { beta, recon, kl, activeUnits }
 * from VAEs trained with several β. Checks the rows are well formed, cover a
 * useful range of β, and show the expected trend: a larger β pushes the
 * posterior onto the prior, so the KL and the number of active units fall.
 */
export function checkBetaSweep(rows: BetaSweepRow[], opts: CheckOptions & { latentDim?: number } = {}): CheckResult {
  return checked('beta-sweep', opts, (run) => {
    let list: BetaSweepRow[] = [];
    run.case('a list of rows { beta, recon, kl, activeUnits }', () => {
      const raw: unknown[] | unknown = rows;
      if (!Array.isArray(raw)) return fail('an array of { beta, recon, kl, activeUnits }', describeValue(rows), 'collect one row per β, e.g. rows.push({ beta, recon, kl, activeUnits })');
      if (rows.length === 0) return fail('one row per β', 'an empty array', 'train one model per β and push its row');
      const bad = raw.findIndex((r: unknown) => r === null || typeof r !== 'object' || !['beta', 'recon', 'kl', 'activeUnits'].every((k) => typeof (r as Record<string, unknown>)[k] === 'number' && Number.isFinite((r as Record<string, number>)[k])));
      if (bad >= 0) return fail('finite numbers beta, recon, kl and activeUnits in every row', `row ${bad}: ${JSON.stringify(rows[bad])}`, 'recon and kl: evaluate(model, test); activeUnits: activeUnits(model, test).count');
      list = [...(rows as BetaSweepRow[])].sort((a, b) => a.beta - b.beta);
      return PASS;
    });
    const betas = () => [...new Set(list.map((r) => r.beta))];
    run.case('at least three β values, from ≤ 0.5 up to ≥ 2', () => {
      const b = betas();
      if (list.length === 0) return fail('rows', 'none', 'fix the rows first');
      return b.length >= 3 && Math.min(...b) <= 0.5 && Math.max(...b) >= 2 ? PASS : fail('≥ 3 distinct β spanning [0.5, 2] or wider', fmtValues(b), 'sweep for example β ∈ {0, 0.5, 1, 2, 4}');
    });
    run.case('active units are whole numbers between 0 and latentDim', () => {
      if (list.length === 0) return fail('rows', 'none', 'fix the rows first');
      const max = opts.latentDim ?? Infinity;
      const bad = list.find((r) => !Number.isInteger(r.activeUnits) || r.activeUnits < 0 || r.activeUnits > max);
      return bad === undefined ? PASS : fail(`integers in [0, ${opts.latentDim ?? 'latentDim'}]`, String(bad.activeUnits), 'count the latent dimensions whose Cov_x(E_q[z_j]) exceeds 0.01 (Burda et al. 2016)');
    });
    run.case('the KL falls as β grows', () => {
      if (list.length < 2) return fail('rows for several β', `${list.length}`, 'fix the rows first');
      const lo = list[0];
      const hi = list[list.length - 1];
      return hi.kl < lo.kl ? PASS : fail(`kl at β = ${fmtNum(hi.beta)} below kl at β = ${fmtNum(lo.beta)}`, `${fmtNum(hi.kl)} vs ${fmtNum(lo.kl)}`, 'each row must come from its own model trained with that β (create a fresh VAE per β)');
    });
    run.case('active units do not grow with β (posterior collapse)', () => {
      if (list.length < 2) return fail('rows for several β', `${list.length}`, 'fix the rows first');
      const lo = list[0];
      const hi = list[list.length - 1];
      return hi.activeUnits <= lo.activeUnits ? PASS : fail(`activeUnits at β = ${fmtNum(hi.beta)} ≤ at β = ${fmtNum(lo.beta)}`, `${hi.activeUnits} vs ${lo.activeUnits}`, 'measure the active units on the same data for every model, with the same threshold');
    });
  });
}

/** The reference importance-weighted bound from the library's densities (Burda et al. 2016, eq. 8). */
function refIwae(x: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D, decode: (z: tf.Tensor2D) => tf.Tensor2D, eps: tf.Tensor3D): { bound: number[]; elboMean: number[] } {
  const k = eps.shape[0];
  const logW: tf.Tensor1D[] = [];
  for (let i = 0; i < k; i++) {
    const e = tf.squeeze(tf.slice(eps, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D; // [batch, latentDim]
    const z = refReparameterize(mean, logVar, e); // [batch, latentDim]
    logW.push(tf.sub(tf.add(refBernoulli(x, decode(z)), logStandardNormal(z)), logNormal(z, mean, logVar)) as tf.Tensor1D); // [batch]
  }
  const w = tf.stack(logW); // [k, batch]
  return {
    bound: Array.from(tf.sub(tf.logSumExp(w, 0), Math.log(k)).dataSync()),
    elboMean: Array.from(tf.mean(w, 0).dataSync()),
  };
}

/**
 * Exercise `iwae` (chapter 6; Burda et al. 2016): per example,
 * L_k = log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x) with z_i = mean + exp(logVar/2) ⊙ eps_i,
 * computed with a log-sum-exp.
 */
export function checkIwae(fn: IwaeFn, opts: CheckOptions = {}): CheckResult {
  return checked('iwae', opts, (run) => {
    if (requireFunction(run, 'iwaeBound', fn)) {
      const f = fn as IwaeFn;
      const rng = new Rng(19);
      // A fixed random linear decoder z → logits stands in for a trained one.
      const setup = (batch: number, latentDim: number, dim: number, k: number, wScale: number) => {
        const W = randn(rng, [latentDim, dim], wScale);
        const bias = randn(rng, [1, dim], 0.5);
        const decode = (z: tf.Tensor2D) => tf.add(tf.matMul(z, W), bias) as tf.Tensor2D; // [n, dim]
        const x = binary(rng, [batch, dim]);
        const mean = randn(rng, [batch, latentDim], 0.7);
        const logVar = randn(rng, [batch, latentDim], 0.4, -0.5);
        const epsV = new Float32Array(k * batch * latentDim).map(() => rng.normal());
        const eps = tf.tensor3d(epsV, [k, batch, latentDim]);
        return { x, mean, logVar, decode, eps };
      };
      const call = (s: ReturnType<typeof setup>) => readTensor('iwaeBound(x, mean, logVar, decode, eps)', callStudent('iwaeBound', f, s.x, s.mean, s.logVar, s.decode, s.eps));
      const hint = 'L_k = logsumexp_i(log p(x|z_i) + log p(z_i) − log q(z_i|x)) − log k, with z_i = mean + exp(logVar/2) ⊙ eps[i]';
      const mistakes = (s: ReturnType<typeof setup>) => {
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        const k = s.eps.shape[0];
        return [
          { values: r.elboMean, hint: 'you averaged the log-weights (that is the ELBO estimate): the IWAE bound is the log of the mean of the weights, logsumexp − log k' },
          { values: r.bound.map((v) => v + Math.log(k)), hint: 'the − log k is missing: the bound averages the k weights, log((1/k) Σ w_i)' },
          { values: r.bound.map((v) => -v), hint: 'sign error: return the bound (a log-likelihood estimate, ≤ 0 here), not its negative' },
        ];
      };
      run.case('k = 1 equals the one-sample ELBO estimate', () => {
        const s = setup(3, 2, 10, 1, 1);
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        return compareTensor({ shape: [3], values: r.bound }, call(s), { shapeHint: perExampleShapeHint(3, 1), hint: 'with k = 1, L_1 = log p(x|z) + log p(z) − log q(z|x) at z = mean + exp(logVar/2) ⊙ eps[0]', alternatives: mistakes(s) });
      });
      run.case('k = 5 against the reference', () => {
        const s = setup(4, 3, 12, 5, 1);
        return compareTensor({ shape: [4], values: refIwae(s.x, s.mean, s.logVar, s.decode, s.eps).bound }, call(s), { shapeHint: perExampleShapeHint(4, 5), hint, alternatives: mistakes(s) });
      });
      run.case('k identical samples give the k = 1 value (the − log k)', () => {
        const s = setup(2, 2, 10, 1, 1);
        const eps4 = tf.tile(s.eps, [4, 1, 1]) as tf.Tensor3D; // [4, batch, latentDim], four copies
        const expected = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps).bound;
        const got = readTensor('iwaeBound(…)', callStudent('iwaeBound', f, s.x, s.mean, s.logVar, s.decode, eps4));
        return compareTensor({ shape: [2], values: expected }, got, { shapeHint: perExampleShapeHint(2, 4), hint, alternatives: [{ values: expected.map((v) => v + Math.log(4)), hint: 'the − log k is missing: k identical weights must average to the same weight' }] });
      });
      run.case('stable when log-weights are around −1000 (log-sum-exp)', () => {
        const s = setup(2, 3, 300, 6, 6);
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        const got = call(s);
        if (got.values.some((v) => !Number.isFinite(v))) {
          return fail(fmtValues(r.bound), fmtValues(got.values), 'exp(−1000) underflows to 0 and log(0) = −Infinity: use tf.logSumExp over the k axis (it subtracts the maximum first)');
        }
        return compareTensor({ shape: [2], values: r.bound }, got, { shapeHint: perExampleShapeHint(2, 6), hint, alternatives: mistakes(s), rtol: 1e-4, atol: 1e-2 });
      });
      run.case('the bound is at least the average log-weight (Jensen)', () => {
        const s = setup(3, 2, 10, 8, 1.5);
        const r = refIwae(s.x, s.mean, s.logVar, s.decode, s.eps);
        const got = call(s);
        if (got.values.length !== 3) return fail('3 values', `${got.values.length} values`, 'one value per example');
        const bad = got.values.findIndex((v, i) => !(v >= r.elboMean[i] - 1e-3));
        return bad < 0 ? PASS : fail(`≥ ${fmtValues(r.elboMean)}`, fmtValues(got.values), 'log of a mean ≥ mean of the logs: the IWAE bound is never below the ELBO estimate from the same samples');
      });
    }
  });
}
