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
 * The grader (grade.ts) calls `runExercise(id, value)` with the value of the
 * name an answer cell defines (lib/coursework/exercises.ts). The checks themselves live in
 * lib/coursework/check-vae.ts (chapter 3), lib/coursework/check-latent.ts (chapters 2 and 5) and
 * lib/coursework/check-training.ts (chapters 4 and 6).
 */
import { CheckOptions, CheckResult, CheckRun, exerciseTitle, fail, finish } from './runner';
import { checkBernoulliLogLikelihood, checkElbo, checkKlDivergence, checkReparameterize } from './check-vae';
import { checkFitGaussian, checkLerp, checkSlerp } from './check-latent';
import { checkBetaSweep, checkIwae, checkKlWarmup } from './check-training';

export type { CaseResult, CheckOptions, CheckResult, StudentErrorInfo } from './runner';
export { formatResult } from './runner';
export type { ElboFn, ElboFnInputs, KlFn, LogLikelihoodFn, ReparameterizeFn } from './check-vae';
export type { FitGaussianFn, InterpolateFn } from './check-latent';
export type { BetaSweepRow, IwaeFn, WarmupFn } from './check-training';
export {
  checkBernoulliLogLikelihood,
  checkBetaSweep,
  checkElbo,
  checkFitGaussian,
  checkIwae,
  checkKlDivergence,
  checkKlWarmup,
  checkLerp,
  checkReparameterize,
  checkSlerp,
};

// The grader passes whatever value the submission defines; every check validates it at run time.
type AnyCheck = (value: never, opts: CheckOptions) => CheckResult;

/** The checks by exercise id (lib/coursework/exercises.ts). */
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
};

/**
 * Runs the check of exercise `id` on `value` (the function or result the
 * answer defines). Never throws: an unknown id or a checker failure becomes a
 * failed result, so a grading run always gets a result line.
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
  run: runExercise,
};
