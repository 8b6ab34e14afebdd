/**
 * Inline feedback for the exercises (exercises/<chapter>.ipynb): each check
 * runs the student's function on reference cases, compares it with the
 * library's own implementation (lib/model/distributions.ts, lib/model/elbo.ts,
 * lib/training/generate.ts) within float32 tolerances, tests shapes, tests gradients
 * where the gradient is the point (the reparameterized sample), and prints
 * what failed with expected against got and a hint. The student's exceptions
 * are reported (message and where), never swallowed. No tensor outlives a check.
 *
 *   check.klDivergence(klDivergence);        // prints a report, returns a CheckResult
 *
 * A check is a plan (lib/coursework/runner.ts): probes drawn from an Rng and a
 * judge. Here both run in the notebook, with a fixed seed. The grader
 * (grade.ts) uses the same plans with a seed of its own: it sends the probes to
 * the student's kernel (lib/coursework/respond.ts answers them there) and judges
 * the answers in its own process (`judgeAnswers`). The plans live in
 * lib/coursework/check-vae.ts (chapter 3), check-latent.ts (chapters 2 and 5) and
 * check-training.ts (chapters 4 and 6).
 *
 * An inline check also warns when the function it is given is, or calls, the
 * library's own implementation of the chapter's exercises: the grader runs
 * answers without those (scripts/grading/view.ts), so such an answer scores 0
 * there. The warning is advisory — it runs in the student's own kernel.
 */
import { Rng } from '../model/random';
import { BETA_SWEEP, exerciseById } from './exercises';
import { CheckOptions, CheckPlan, CheckResult, CheckRun, JudgeContext, checked, exerciseTitle, fail, finish, requireFunction } from './runner';
import { planBernoulliLogLikelihood, planElbo, planKlDivergence, planReparameterize } from './check-vae';
import { planFitGaussian, planLerp, planSlerp } from './check-latent';
import { judgeSweep, planBetaSweep, planIwae, planKlWarmup } from './check-training';
import { planDebugArticle } from './check-article';
import type { Fn as ArticleFn } from './check-article';
import type { BetaSweepRow, IwaeFn, WarmupFn } from './check-training';
import type { ElboFn, KlFn, LogLikelihoodFn, ReparameterizeFn } from './check-vae';
import type { FitGaussianFn, InterpolateFn } from './check-latent';
import { answer, answerProbe, sweepRows } from './respond';
import { Answer } from './protocol';
import { libraryUse } from './library-use';

export type { CaseResult, CheckOptions, CheckResult, StudentErrorInfo } from './runner';
export { formatResult } from './runner';
export type { ElboFn, ElboFnInputs, KlFn, LogLikelihoodFn, ReparameterizeFn } from './check-vae';
export type { FitGaussianFn, InterpolateFn } from './check-latent';
export type { BetaSweepRow, IwaeFn, WarmupFn } from './check-training';

/** How the grader makes a plan: from its seed's Rng and the profile's epochs (only the β sweep trains). */
type Planner = (rng: Rng, opts: { epochs: number }) => CheckPlan;

/** The plans by exercise id (lib/coursework/exercises.ts), with the seed of the inline check's cases. */
const PLANS: Record<string, { plan: Planner; inlineSeed: number }> = {
  'fit-gaussian': { plan: planFitGaussian as Planner, inlineSeed: 2 },
  reparameterize: { plan: planReparameterize as Planner, inlineSeed: 3 },
  kl: { plan: planKlDivergence as Planner, inlineSeed: 5 },
  'bernoulli-ll': { plan: planBernoulliLogLikelihood as Planner, inlineSeed: 7 },
  elbo: { plan: planElbo as Planner, inlineSeed: 11 },
  'kl-warmup': { plan: planKlWarmup as Planner, inlineSeed: 9 },
  'beta-sweep': { plan: ((rng, opts) => planBetaSweep(rng, opts.epochs)) as Planner, inlineSeed: 0 },
  lerp: { plan: planLerp as Planner, inlineSeed: 13 },
  slerp: { plan: planSlerp as Planner, inlineSeed: 17 },
  iwae: { plan: planIwae as Planner, inlineSeed: 19 },
  'debug-article': { plan: planDebugArticle as Planner, inlineSeed: 23 },
};

/** The grader's plan of exercise `id`: probes drawn from `rng` (a seed the student's kernel never sees). */
export function planExercise(id: string, rng: Rng, opts: { epochs?: number } = {}): CheckPlan {
  const p = PLANS[id];
  if (!p) throw new Error(`no check for exercise id '${id}' (known: ${Object.keys(PLANS).join(', ')})`);
  return p.plan(rng, { epochs: opts.epochs ?? BETA_SWEEP.epochs.quick });
}

/** Judges answers that came back for a plan's probes (the grader's side), into a CheckResult. */
export function judgeAnswers(id: string, plan: CheckPlan, answers: Answer[], ctx: JudgeContext = {}, opts: CheckOptions = {}): CheckResult {
  return checked(id, { quiet: true, ...opts }, (run) => plan.judge(run, answers, ctx));
}

/** Runs exercise `id`'s plan on `fn` here, with the inline seed, and warns about library calls. */
function inline(id: string, name: string, fn: unknown, opts: CheckOptions): CheckResult {
  return checked(id, opts, (run) => {
    if (!requireFunction(run, name, fn)) return;
    const plan = PLANS[id].plan(new Rng(PLANS[id].inlineSeed), { epochs: BETA_SWEEP.epochs.quick });
    let answers: Answer[] = [];
    const used = libraryUse(exerciseById(id)?.chapter ?? '', fn, () => {
      answers = plan.probes.map((p) => answerProbe(id, fn, p) as Answer);
    });
    for (const u of used) run.warnings.push(u);
    plan.judge(run, answers, {});
  });
}

export function checkFitGaussian(fn: FitGaussianFn, opts: CheckOptions = {}): CheckResult {
  return inline('fit-gaussian', 'fitGaussian', fn, opts);
}
export function checkReparameterize(fn: ReparameterizeFn, opts: CheckOptions = {}): CheckResult {
  return inline('reparameterize', 'reparameterize', fn, opts);
}
export function checkKlDivergence(fn: KlFn, opts: CheckOptions = {}): CheckResult {
  return inline('kl', 'klDivergence', fn, opts);
}
export function checkBernoulliLogLikelihood(fn: LogLikelihoodFn, opts: CheckOptions = {}): CheckResult {
  return inline('bernoulli-ll', 'bernoulliLogLikelihood', fn, opts);
}
export function checkElbo(fn: ElboFn, opts: CheckOptions = {}): CheckResult {
  return inline('elbo', 'elbo', fn, opts);
}
export function checkKlWarmup(fn: WarmupFn, opts: CheckOptions = {}): CheckResult {
  return inline('kl-warmup', 'warmupBeta', fn, opts);
}
export function checkLerp(fn: InterpolateFn, opts: CheckOptions = {}): CheckResult {
  return inline('lerp', 'lerp', fn, opts);
}
export function checkSlerp(fn: InterpolateFn, opts: CheckOptions = {}): CheckResult {
  return inline('slerp', 'slerp', fn, opts);
}
export function checkIwae(fn: IwaeFn, opts: CheckOptions = {}): CheckResult {
  return inline('iwae', 'iwaeBound', fn, opts);
}
export function checkDebugArticle(fn: ArticleFn, opts: CheckOptions = {}): CheckResult {
  return inline('debug-article', 'articleVae', fn, opts);
}

/**
 * Exercise `beta-sweep` (chapter 4, posterior collapse), inline: the rows the
 * notebook's sweep produced, { beta, recon, kl, activeUnits } per β. Checks they
 * are well formed, cover a useful range of β, and show the expected trend: a
 * larger β pushes the posterior onto the prior, so the KL and the number of
 * active units fall. (The grader calls `sweepBeta` itself, with β of its choosing,
 * and compares with models it trains the same way.)
 */
export function checkBetaSweep(rows: BetaSweepRow[], opts: CheckOptions & { latentDim?: number } = {}): CheckResult {
  return checked('beta-sweep', opts, (run) => judgeSweep(run, answer(() => sweepRows(rows)), { latentDim: opts.latentDim }));
}

// The grader passes whatever value the submission defines; every check validates it at run time.
type AnyCheck = (value: never, opts: CheckOptions) => CheckResult;

const BY_ID: Record<string, AnyCheck> = {
  'fit-gaussian': checkFitGaussian,
  reparameterize: checkReparameterize,
  kl: checkKlDivergence,
  'bernoulli-ll': checkBernoulliLogLikelihood,
  elbo: checkElbo,
  'kl-warmup': checkKlWarmup,
  'beta-sweep': checkBetaSweep,
  lerp: checkLerp,
  slerp: checkSlerp,
  iwae: checkIwae,
  'debug-article': checkDebugArticle,
};

/**
 * Runs the inline check of exercise `id` on `value` (the function or result the
 * answer defines). Never throws: an unknown id or a checker failure becomes a
 * failed result.
 */
export function runExercise(id: string, value: unknown, opts: CheckOptions = {}): CheckResult {
  const fn = BY_ID[id];
  try {
    if (!fn) throw new Error(`no check for exercise id '${id}' (known: ${Object.keys(BY_ID).join(', ')})`);
    return (fn as (v: unknown, o: CheckOptions) => CheckResult)(value, opts);
  } catch (e) {
    const run = new CheckRun(id, exerciseTitle(id));
    const message = e instanceof Error ? e.message : String(e);
    run.case('the check ran', () => fail('a completed check', `checker error: ${message}`, 'please report this: the checker itself failed'));
    return finish(id, run, opts);
  }
}

/** The checks, named after what the exercise implements: `check.klDivergence(myKl)`. */
export const check = {
  fitGaussian: checkFitGaussian,
  reparameterize: checkReparameterize,
  klDivergence: checkKlDivergence,
  bernoulliLogLikelihood: checkBernoulliLogLikelihood,
  elbo: checkElbo,
  klWarmup: checkKlWarmup,
  betaSweep: checkBetaSweep,
  lerp: checkLerp,
  slerp: checkSlerp,
  iwae: checkIwae,
  debugArticle: checkDebugArticle,
  run: runExercise,
};
