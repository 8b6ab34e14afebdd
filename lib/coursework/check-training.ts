/**
 * Checks of chapter 4's exercises (a KL warm-up schedule, against lib/model/elbo.ts;
 * the β sweep's result) and chapter 6's importance-weighted bound, against a
 * reference built from lib/model/distributions.ts. Each is a plan of probes and a
 * judge (lib/coursework/runner.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { bernoulliLogLikelihood as refBernoulli, logNormal, logStandardNormal, reparameterize as refReparameterize } from '../model/distributions';
import { klWarmup as refKlWarmup } from '../model/elbo';
import { CheckPlan, CheckRun, JudgeContext, Outcome, PASS, allClose, compareTensor, fail, fmtNum, fmtValues, probeList, unwrap } from './runner';
import { binary, perExampleShapeHint, randn, tensor2d, tensorOf } from './inputs';
import { Answer, Matrix, SweepRow, matrix } from './protocol';
import type { IwaeProbe, SweepProbe, WarmupProbe } from './respond';

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
export type BetaSweepRow = SweepRow;

/** Exercise `kl-warmup` (chapter 4; Bowman et al. 2016): β(step) = betaMax · min(1, step / warmupSteps). */
export function planKlWarmup(rng: Rng): CheckPlan<WarmupProbe> {
  const { probes, ask } = probeList<WarmupProbe>();
  // Fixed edge cases, plus points drawn inside and after a warm-up of random length.
  const steps = 10 + rng.int(200);
  const betaMax = Math.round((0.5 + 3 * rng.next()) * 100) / 100;
  const ends = ask({ calls: [[0, 100, 1], [100, 100, 1], [0, steps, betaMax], [steps, steps, betaMax]] });
  const linear = ask({ calls: [[25, 100, 2], [50, 100, 2], [75, 100, 2], ...[0.1, 0.37, 0.8].map((f): [number, number, number] => [Math.round(f * steps), steps, betaMax])] });
  const after = ask({ calls: [[101, 100, 1], [1000, 100, 1], [5000, 10, 0.5], [steps + 1 + rng.int(1000), steps, betaMax]] });
  const none = ask({ calls: [[0, 0, 1]] });
  return {
    probes,
    judge(run, answers) {
      const cmp = (i: number, hint: string): Outcome => {
        const expected = probes[i].calls.map(([s, w, b]) => refKlWarmup({ warmupSteps: w, betaMax: b })(s));
        const got = unwrap(answers[i]) as number[];
        if (got.length === expected.length && allClose(expected, got, 1e-9, 1e-9)) return PASS;
        return fail(fmtValues(expected, 8), fmtValues(got, 8), hint);
      };
      run.case('β starts at 0 and reaches betaMax after warmupSteps', () => cmp(ends, 'β(0) = 0 and β(warmupSteps) = betaMax'));
      run.core(`β rises linearly: steps 25, 50, 75 of 100 with betaMax 2, and inside a warm-up of ${steps} steps`, () => cmp(linear, 'β = betaMax · step / warmupSteps during the warm-up'));
      run.case('β stays at betaMax after the warm-up', () => cmp(after, 'cap it: β = betaMax · min(1, step / warmupSteps)'));
      run.case('warmupSteps 0 means no warm-up (no division by zero)', () => {
        const [v] = unwrap(answers[none]) as number[];
        return Number.isFinite(v) && Math.abs(v - 1) < 1e-9 ? PASS : fail('1', fmtNum(v), 'with warmupSteps = 0 return betaMax directly (0 / 0 is NaN)');
      });
    },
  };
}

/**
 * How far a sweep's rows may be from the grader's own models (same data, model and seeds): recon within 1 %,
 * KL within 2 % + 0.1 nats, active units within 1. Backends differ only in rounding, far less than that
 * (scripts/bench/sweep-reference.ts prints the rows on each); a model trained otherwise is further off.
 */
export const SWEEP_TOLERANCE = { recon: 0.01, kl: 0.02, klNats: 0.1, activeUnits: 1 };

/**
 * Exercise `beta-sweep` (chapter 4, posterior collapse) as the grader asks it:
 * `sweepBeta(betas, epochs)` on three β drawn for the run (one ≤ 0.5, one
 * around 1, one ≥ 2, in a random order). Judged like the inline check, plus:
 * one row per requested β in the order asked, and — when the grader trained
 * its own models (ctx.reference) — values that match them.
 */
export function planBetaSweep(rng: Rng, epochs: number): CheckPlan<SweepProbe> {
  const pickOne = (xs: number[]) => xs[rng.int(xs.length)];
  const betas = rng.shuffle([pickOne([0, 0.25, 0.5]), pickOne([1, 1.5]), pickOne([2, 3, 4])]);
  const probe: SweepProbe = { betas, epochs };
  return { probes: [probe], judge: (run, answers, ctx) => judgeSweep(run, answers[0], ctx, probe) };
}

/** The cases of the β sweep: the rows' form, their range and trend, and (when asked for) the request and the reference. */
export function judgeSweep(run: CheckRun, ans: Answer, ctx: JudgeContext, probe?: SweepProbe): void {
  let rows: SweepRow[] = [];
  run.case('a list of rows { beta, recon, kl, activeUnits }', () => {
    const got = unwrap(ans) as SweepRow[];
    if (got.length === 0) return fail('one row per β', 'an empty array', 'train one model per β and push its row');
    const bad = got.findIndex((r) => ![r.beta, r.recon, r.kl, r.activeUnits].every(Number.isFinite));
    if (bad >= 0) return fail('finite numbers beta, recon, kl and activeUnits in every row', `row ${bad}: ${JSON.stringify(got[bad])}`, 'recon and kl: evaluate(model, test); activeUnits: activeUnits(model, test).count');
    rows = got;
    return PASS;
  });
  const list = () => [...rows].sort((a, b) => a.beta - b.beta);
  if (probe) {
    run.case(`one row per requested β, in the order asked (${probe.betas.map(fmtNum).join(', ')})`, () => {
      const got = rows.map((r) => r.beta);
      const same = got.length === probe.betas.length && got.every((b, i) => b === probe.betas[i]);
      return same ? PASS : fail(fmtValues(probe.betas), fmtValues(got), 'sweepBeta(betas, epochs) returns one row per β of `betas`, in that order, each with the β it was trained with');
    });
  }
  run.case('at least three β values, from ≤ 0.5 up to ≥ 2', () => {
    const b = [...new Set(list().map((r) => r.beta))];
    if (rows.length === 0) return fail('rows', 'none', 'fix the rows first');
    return b.length >= 3 && Math.min(...b) <= 0.5 && Math.max(...b) >= 2 ? PASS : fail('≥ 3 distinct β spanning [0.5, 2] or wider', fmtValues(b), 'sweep for example β ∈ {0, 0.5, 1, 2, 4}');
  });
  run.case('active units are whole numbers between 0 and latentDim', () => {
    if (rows.length === 0) return fail('rows', 'none', 'fix the rows first');
    const max = ctx.latentDim ?? Infinity;
    const bad = rows.find((r) => !Number.isInteger(r.activeUnits) || r.activeUnits < 0 || r.activeUnits > max);
    return bad === undefined ? PASS : fail(`integers in [0, ${ctx.latentDim ?? 'latentDim'}]`, String(bad.activeUnits), 'count the latent dimensions whose Cov_x(E_q[z_j]) exceeds 0.01 (Burda et al. 2016)');
  });
  run.case('the KL falls as β grows', () => {
    const l = list();
    if (l.length < 2) return fail('rows for several β', `${l.length}`, 'fix the rows first');
    const [lo, hi] = [l[0], l[l.length - 1]];
    return hi.kl < lo.kl ? PASS : fail(`kl at β = ${fmtNum(hi.beta)} below kl at β = ${fmtNum(lo.beta)}`, `${fmtNum(hi.kl)} vs ${fmtNum(lo.kl)}`, 'each row must come from its own model trained with that β (create a fresh VAE per β)');
  });
  run.case('active units do not grow with β (posterior collapse)', () => {
    const l = list();
    if (l.length < 2) return fail('rows for several β', `${l.length}`, 'fix the rows first');
    const [lo, hi] = [l[0], l[l.length - 1]];
    return hi.activeUnits <= lo.activeUnits ? PASS : fail(`activeUnits at β = ${fmtNum(hi.beta)} ≤ at β = ${fmtNum(lo.beta)}`, `${hi.activeUnits} vs ${lo.activeUnits}`, 'measure the active units on the same data for every model, with the same threshold');
  });
  const reference = ctx.reference;
  if (probe && reference) {
    const trained = 'train each model as the exercise says (createVAE with its latentDim, hiddenUnits and seed; train with that β, the epochs given and seed 0) and measure on the test digits';
    run.core('recon and KL agree with models the grader trained the same way', () => {
      if (rows.length !== reference.length) return fail(`${reference.length} rows`, `${rows.length} rows`, 'fix the rows first');
      const t = SWEEP_TOLERANCE;
      const off = rows.findIndex((r, i) => !(Math.abs(r.recon - reference[i].recon) <= t.recon * Math.abs(reference[i].recon)) || !(Math.abs(r.kl - reference[i].kl) <= t.kl * Math.abs(reference[i].kl) + t.klNats));
      if (off < 0) return PASS;
      const [r, e] = [rows[off], reference[off]];
      return fail(`β = ${fmtNum(e.beta)}: recon ${fmtNum(e.recon)}, kl ${fmtNum(e.kl)}`, `recon ${fmtNum(r.recon)}, kl ${fmtNum(r.kl)}`, trained);
    });
    run.case(`active units agree with those models (±${SWEEP_TOLERANCE.activeUnits})`, () => {
      if (rows.length !== reference.length) return fail(`${reference.length} rows`, `${rows.length} rows`, 'fix the rows first');
      const off = rows.findIndex((r, i) => !(Math.abs(r.activeUnits - reference[i].activeUnits) <= SWEEP_TOLERANCE.activeUnits));
      return off < 0 ? PASS : fail(`β = ${fmtNum(reference[off].beta)}: ${reference[off].activeUnits}`, String(rows[off].activeUnits), trained);
    });
  }
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

function refOf(p: IwaeProbe): { bound: number[]; elboMean: number[] } {
  const [w, bias] = [tensor2d(p.w), tensor2d(p.bias)];
  const decode = (z: tf.Tensor2D) => tf.add(tf.matMul(z, w), bias) as tf.Tensor2D;
  return refIwae(tensor2d(p.x), tensor2d(p.mean), tensor2d(p.logVar), decode, tensorOf(p.eps) as tf.Tensor3D);
}

/**
 * Exercise `iwae` (chapter 6; Burda et al. 2016): per example,
 * L_k = log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x) with z_i = mean + exp(logVar/2) ⊙ eps_i,
 * computed with a log-sum-exp.
 */
export function planIwae(rng: Rng): CheckPlan<IwaeProbe> {
  const { probes, ask } = probeList<IwaeProbe>();
  // A fixed random linear decoder z → logits stands in for a trained one.
  const setup = (batch: number, latentDim: number, dim: number, k: number, wScale: number): IwaeProbe => ({
    w: randn(rng, [latentDim, dim], wScale),
    bias: randn(rng, [1, dim], 0.5),
    x: binary(rng, [batch, dim]),
    mean: randn(rng, [batch, latentDim], 0.7),
    logVar: randn(rng, [batch, latentDim], 0.4, -0.5),
    eps: randn(rng, [k, batch, latentDim]),
  });
  const one = ask(setup(3, 2, 10, 1, 1));
  const five = ask(setup(4, 3, 12, 5, 1));
  const single = setup(2, 2, 10, 1, 1);
  const tiled = ask({ ...single, eps: matrix([4, ...single.eps.shape.slice(1)], [...single.eps.values, ...single.eps.values, ...single.eps.values, ...single.eps.values]) });
  const stable = ask(setup(2, 3, 300, 6, 6));
  const jensen = ask(setup(3, 2, 10, 8, 1.5));
  const hint = 'L_k = logsumexp_i(log p(x|z_i) + log p(z_i) − log q(z_i|x)) − log k, with z_i = mean + exp(logVar/2) ⊙ eps[i]';
  const mistakes = (p: IwaeProbe) => {
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
