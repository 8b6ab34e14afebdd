/**
 * Exercise `beta-sweep` (chapter 4, posterior collapse): train one VAE per β, measure recon, KL and the active
 * units on the test digits. The grader calls `sweepBeta` itself on three β of its choosing and compares the rows
 * with models it trains the same way (scripts/grading/reference.ts).
 */
import type { Dataset } from '../../data/dataset';
import type { createVAE } from '../../model/vae';
import type { train as trainModel } from '../../training/train-node';
import type { activeUnits, evaluate } from '../../training/evaluate';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { CheckOptions, CheckPlan, CheckResult, CheckRun, JudgeContext, PASS, checked, fail, fmtNum, fmtValues, unwrap } from '../runner';
import { Answer, Schema, SweepRow } from '../protocol';
import { StudentFailure, describeError, failure, runAnswer, sweepRows } from '../answering';

export const exercise = {
  id: 'beta-sweep',
  chapter: '04-training',
  order: 5,
  title: 'Sweep β and count active units',
  symbol: 'sweepBeta',
  check: 'betaSweep',
  points: 3,
  inlineSeed: 0,
  library: [],
} as const satisfies ExerciseSpec;

/**
 * The β sweep's model, data and training: one source for the notebook's text and code and for the models the
 * grader trains to compare a submission's rows with (scripts/grading/reference.ts).
 */
export const BETA_SWEEP = {
  latentDim: 10,
  hiddenUnits: [256],
  /** createVAE's seed and train's seed. */
  seed: 0,
  /** loadData options per profile. */
  data: { quick: { limit: 1000 }, full: {} },
  /** Epochs per model per profile. */
  epochs: { quick: 2, full: 10 },
} as const;

/** One row of the β sweep: the β a model was trained with and its test measurements. */
export type BetaSweepRow = SweepRow;
export type Fn = (betas: number[], epochs: number) => Promise<BetaSweepRow[]> | BetaSweepRow[];

export interface Probe {
  betas: number[];
  epochs: number;
}

export function schema(p: Probe): Schema {
  return { list: { object: { beta: 'number', recon: 'number', kl: 'number', activeUnits: 'number' } }, max: p.betas.length + 10 };
}

export async function answer(fn: Fn, p: Probe): Promise<Answer> {
  try {
    let out: unknown;
    try {
      out = await fn([...p.betas], p.epochs);
    } catch (e) {
      throw new StudentFailure(describeError(e));
    }
    return { value: sweepRows(out) };
  } catch (e) {
    return failure(e);
  }
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
export function plan(rng: Rng, opts: { epochs: number }): CheckPlan<Probe> {
  const pickOne = (xs: number[]) => xs[rng.int(xs.length)];
  // One β per regime of this model (quick profile, measured with scripts/grading/reference.ts's referenceSweep:
  // active units 10, 9, 9, 8, 8, 1, 0 at β = 0, 1, 2, 4, 8, 16, 32): all units active, most active, collapsed.
  const betas = rng.shuffle([pickOne([0, 0.25, 0.5]), pickOne([1, 2, 4]), pickOne([16, 24, 32])]);
  const probe: Probe = { betas, epochs: opts.epochs };
  return { probes: [probe], judge: (run, answers, ctx) => judgeSweep(run, answers[0], ctx, probe) };
}

/** The cases of the β sweep: the rows' form, their range and trend, and (when asked for) the request and the reference. */
export function judgeSweep(run: CheckRun, ans: Answer, ctx: JudgeContext, probe?: Probe): void {
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
  run.case('at least three β values, from ≤ 0.5 up to ≥ 16 (where this model collapses)', () => {
    const b = [...new Set(list().map((r) => r.beta))];
    if (rows.length === 0) return fail('rows', 'none', 'fix the rows first');
    return b.length >= 3 && Math.min(...b) <= 0.5 && Math.max(...b) >= 16 ? PASS : fail('≥ 3 distinct β spanning [0.5, 16] or wider', fmtValues(b), 'sweep for example β ∈ {0, 1, 4, 16, 32}: this model keeps most units up to β = 8');
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

/**
 * The inline check (exercises/04-training.ipynb): the rows the notebook's sweep produced. Checks they are well
 * formed, cover a useful range of β, and show the expected trend: a larger β pushes the posterior onto the
 * prior, so the KL and the number of active units fall.
 */
export function inlineCheck(rows: BetaSweepRow[], opts: CheckOptions & { latentDim?: number } = {}): CheckResult {
  return checked(exercise, opts, (run) => judgeSweep(run, runAnswer(() => sweepRows(rows)), { latentDim: opts.latentDim }));
}

// The notebook's globals the solution uses (its set-up cell defines them); of \`vae\` (lib/index.ts), only what it
// calls, so that this module does not import the library's whole surface (which imports the coursework back).
declare const vae: { createVAE: typeof createVAE; train: typeof trainModel; evaluate: typeof evaluate; activeUnits: typeof activeUnits };
declare const train: Dataset;
declare const test: Dataset;
declare const latentDim: number;

/** The solution cell (scripts/codegen/exercises.ts copies its source, with BETA_SWEEP's values written out). */
export async function sweepBeta(betas: number[], epochs: number): Promise<BetaSweepRow[]> {
  const rows: BetaSweepRow[] = [];
  for (const beta of betas) {
    const model = vae.createVAE({ latentDim: latentDim, hiddenUnits: [...BETA_SWEEP.hiddenUnits], seed: BETA_SWEEP.seed });
    await vae.train(model, train, { epochs, beta, seed: BETA_SWEEP.seed, progress: false });
    const { recon, kl } = vae.evaluate(model, test);
    rows.push({ beta, recon, kl, activeUnits: vae.activeUnits(model, test).count });
    model.dispose();
  }
  return rows;
}

const CREATE = /* @__PURE__ */ (() => `vae.createVAE({ latentDim: latentDim, hiddenUnits: [${BETA_SWEEP.hiddenUnits.join(', ')}], seed: ${BETA_SWEEP.seed} })`)();

export const notebook: ExerciseNotebook = {
  text: `
    For each β in a list, train a fresh VAE (\`${CREATE}\`) with
    \`vae.train(model, train, { epochs, beta, seed: ${BETA_SWEEP.seed}, progress: false })\`, then measure on the test digits:

    * \`recon\` and \`kl\` in nats per example: \`vae.evaluate(model, test)\`;
    * the active units, the latent dimensions whose posterior mean varies across the data,
      $\\operatorname{Cov}_x\\big(\\mathbb{E}_{q(z \\mid x)}[z_j]\\big) > 0.01$ (Burda et al. 2016): \`vae.activeUnits(model, test).count\`.

    Return one row \`{ beta, recon, kl, activeUnits }\` per β, in the order of \`betas\`, and dispose each model when you
    are done with it (\`model.dispose()\`). The next cell runs your sweep; the check looks at its result
    \`sweepResult\`: well-formed rows, a range of β, a KL that falls as β grows and active units that do not grow. The
    grader calls \`sweepBeta\` itself, with three β of its choosing, and compares your rows with models it trains the
    same way (same data, architecture and seeds): use exactly the model and training options above.

    *A tslab quirk:* inside a function, write \`{ latentDim: latentDim }\` rather than the shorthand \`{ latentDim }\` for
    a name defined in another cell; tslab 1.0 does not resolve the shorthand and throws \`latentDim is not defined\`.
  `,
  stub: `
    async function sweepBeta(betas: number[], epochs: number): Promise<BetaSweepRow[]> {
      // Return one row { beta, recon, kl, activeUnits } per β of betas, in that order, each from a fresh model.
      throw new Error('TODO: implement sweepBeta');
    }
  `,
  solution: {
    module: 'coursework/exercises/beta-sweep',
    functions: ['sweepBeta'],
    inline: { '[...BETA_SWEEP.hiddenUnits]': `[${BETA_SWEEP.hiddenUnits.join(', ')}]`, 'BETA_SWEEP.seed': String(BETA_SWEEP.seed) },
  },
  after: [
    {
      kind: 'demo',
      code: `
        const sweepResult = await sweepBeta(pick({ quick: [0, 1, 4, 16, 32], full: [0, 1, 2, 4, 8, 16, 32] }), pick({ quick: ${BETA_SWEEP.epochs.quick}, full: ${BETA_SWEEP.epochs.full} }));
        showTable(sweepResult.map((r) => ({ ...r })));
      `,
    },
    { kind: 'check', code: 'check.betaSweep(sweepResult, { latentDim: latentDim });' },
    {
      kind: 'demo',
      code: `
        show(vae.lineChart(
          { x: sweepResult.map((r) => r.beta), ys: [{ name: 'active units', y: sweepResult.map((r) => r.activeUnits) }, { name: 'KL (nats)', y: sweepResult.map((r) => r.kl) }] },
          { title: 'Posterior collapse as β grows', xTitle: 'β' },
        ));
      `,
    },
    {
      kind: 'md',
      text: `
        Which β keeps all units active, and at which does the code collapse? How does \`recon\` change along the way?
        (With the quick profile this model keeps 8 of its 10 units up to β = 8 and collapses between β = 8 and 16.)
      `,
    },
  ],
};
