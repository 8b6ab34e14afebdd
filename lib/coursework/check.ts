/**
 * Inline feedback for the exercises (exercises/<chapter>.ipynb): each check
 * runs the student's function on reference cases, compares it with the
 * library's own implementation within float32 tolerances, tests shapes, tests
 * gradients where the gradient is the point (the reparameterized sample), and
 * prints what failed with expected against got and a hint. The student's
 * exceptions are reported (message and where), never swallowed. No tensor
 * outlives a check.
 *
 *   check.klDivergence(klDivergence);        // prints a report, returns a CheckResult
 *
 * A check is an exercise module's plan (lib/coursework/exercises/<id>.ts):
 * probes drawn from an Rng and a judge. Here both run in the notebook, with a
 * fixed seed. The grader (grade.ts) uses the same plans with a seed of its
 * own: it sends the probes to the student's kernel (the module's `answer`
 * answers them there) and judges the answers in its own process
 * (`judgeAnswers`). The `check` object has one function per exercise, named
 * by the module's `check`.
 *
 * An inline check also warns when the function it is given is, or calls, the
 * library's own implementation of the chapter's exercises: the grader runs
 * answers without those (scripts/grading/view.ts), so such an answer scores 0
 * there. The warning is advisory — it runs in the student's own kernel.
 */
import { Rng } from '../model/random';
import type { ExerciseModule } from './exercise';
import type { MODULES } from './exercises/index';
import { BETA_SWEEP } from './exercises/beta-sweep';
import { CheckOptions, CheckPlan, CheckResult, CheckRun, JudgeContext, checked, fail, finish, requireFunction } from './runner';
import { answerProbe } from './respond';
import { Answer } from './protocol';
import { libraryUse } from './library-use';
import { EXERCISE_MODULES, exerciseModule } from './registry';

export type { CaseResult, CheckOptions, CheckResult, StudentErrorInfo } from './runner';
export { formatResult } from './runner';
export type { Fn as ReparameterizeFn } from './exercises/reparameterize';
export type { Fn as KlFn } from './exercises/kl';
export type { Fn as LogLikelihoodFn } from './exercises/bernoulli-ll';
export type { Fn as ElboFn, ElboFnInputs } from './exercises/elbo';
export type { Fn as FitGaussianFn } from './exercises/fit-gaussian';
export type { Fn as InterpolateFn } from './exercises/lerp';
export type { Fn as WarmupFn } from './exercises/kl-warmup';
export type { Fn as IwaeFn } from './exercises/iwae';
export type { BetaSweepRow } from './exercises/beta-sweep';

function moduleOf(id: string): ExerciseModule {
  const m = exerciseModule(id);
  if (!m) throw new Error(`no check for exercise id '${id}' (known: ${EXERCISE_MODULES.map((e) => e.exercise.id).join(', ')})`);
  return m;
}

/** The grader's plan of exercise `id`: probes drawn from `rng` (a seed the student's kernel never sees). */
export function planExercise(id: string, rng: Rng, opts: { epochs?: number } = {}): CheckPlan {
  return moduleOf(id).plan(rng, { epochs: opts.epochs ?? BETA_SWEEP.epochs.quick });
}

/** Judges answers that came back for a plan's probes (the grader's side), into a CheckResult. */
export function judgeAnswers(id: string, plan: CheckPlan, answers: Answer[], ctx: JudgeContext = {}, opts: CheckOptions = {}): CheckResult {
  return checked(moduleOf(id).exercise, { quiet: true, ...opts }, (run) => plan.judge(run, answers, ctx));
}

/** Runs exercise `m`'s plan on `fn` here, with the inline seed, and warns about library calls. */
function inline(m: ExerciseModule, fn: unknown, opts: CheckOptions): CheckResult {
  const spec = m.exercise;
  return checked(spec, opts, (run) => {
    if (!requireFunction(run, spec.symbol, fn)) return;
    const plan = m.plan(new Rng(spec.inlineSeed), { epochs: BETA_SWEEP.epochs.quick });
    let answers: Answer[] = [];
    const used = libraryUse(spec.chapter, fn, () => {
      answers = plan.probes.map((p) => answerProbe(spec.id, fn, p) as Answer);
    });
    for (const u of used) run.warnings.push(u);
    plan.judge(run, answers, {});
  });
}

type Mod = (typeof MODULES)[number];
type Inline<M> = M extends { inlineCheck: infer C } ? C : M extends { answer: (fn: infer F, ...rest: never[]) => unknown } ? (fn: F, opts?: CheckOptions) => CheckResult : never;
/** One inline check per exercise, under the module's `check` name. */
export type Checks = { [M in Mod as M['exercise']['check']]: Inline<M> };

// The grader passes whatever value the submission defines; every check validates it at run time.
type AnyCheck = (value: unknown, opts?: CheckOptions) => CheckResult;

// Built by a call marked pure, as the registry's tables are (lib/coursework/registry.ts says why).
const BY_ID = /* @__PURE__ */ (() => new Map<string, AnyCheck>(
  EXERCISE_MODULES.map((m) => [m.exercise.id, (m.inlineCheck ? (v, o) => (m.inlineCheck as unknown as AnyCheck)(v, o) : (v, o) => inline(m, v, o ?? {})) as AnyCheck]),
))();

/**
 * Runs the inline check of exercise `id` on `value` (the function or result the
 * answer defines). Never throws: an unknown id or a checker failure becomes a
 * failed result.
 */
export function runExercise(id: string, value: unknown, opts: CheckOptions = {}): CheckResult {
  const fn = BY_ID.get(id);
  try {
    if (!fn) throw new Error(`no check for exercise id '${id}' (known: ${[...BY_ID.keys()].join(', ')})`);
    return fn(value, opts);
  } catch (e) {
    const spec = exerciseModule(id)?.exercise;
    const run = new CheckRun(id, spec?.title ?? id, spec?.points);
    const message = e instanceof Error ? e.message : String(e);
    run.case('the check ran', () => fail('a completed check', `checker error: ${message}`, 'please report this: the checker itself failed'));
    return finish(run, opts);
  }
}

/** The checks, named after what the exercise implements: `check.klDivergence(myKl)`. */
export const check = /* @__PURE__ */ (() => ({
  ...(Object.fromEntries(EXERCISE_MODULES.map((m) => [m.exercise.check, BY_ID.get(m.exercise.id)])) as unknown as Checks),
  run: runExercise,
}))();
