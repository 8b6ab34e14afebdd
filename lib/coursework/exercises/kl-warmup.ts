/** Exercise `kl-warmup` (chapter 4; Bowman et al. 2016): β(step) = betaMax · min(1, step / warmupSteps). */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { klWarmup as refKlWarmup } from '../../model/elbo';
import { CheckPlan, Outcome, PASS, allClose, fail, fmtNum, fmtValues, probeList, unwrap } from '../runner';
import { Answer, Schema } from '../protocol';
import { WrongAnswer, callStudent, describeValue, runAnswer } from '../answering';

export const exercise = {
  id: 'kl-warmup',
  chapter: '04-training',
  order: 4,
  title: 'A linear KL warm-up schedule',
  symbol: 'warmupBeta',
  check: 'klWarmup',
  points: 1,
  inlineSeed: 9,
  library: ['model/elbo#klWarmup'],
} as const satisfies ExerciseSpec;

export type Fn = (step: number, warmupSteps: number, betaMax: number) => number;

/** Calls (step, warmupSteps, betaMax). */
export interface Probe {
  calls: [number, number, number][];
}

export function schema(): Schema {
  return 'vector';
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() =>
    p.calls.map(([step, warmupSteps, betaMax]) => {
      const v = callStudent('warmupBeta', fn, step, warmupSteps, betaMax) as unknown;
      if (typeof v !== 'number') throw new WrongAnswer('warmupBeta did not return a number', describeValue(v), 'return β as a plain number');
      return v;
    }),
  );
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
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
 * The solution cell (scripts/codegen/exercises.ts copies its source): the library's `klWarmup` returns the
 * schedule as a function of the step for `train`; the exercise asks for one value.
 */
export function warmupBeta(step: number, warmupSteps: number, betaMax: number): number {
  if (warmupSteps === 0) return betaMax;
  return betaMax * Math.min(1, Math.max(0, step) / warmupSteps);
}

export const notebook: ExerciseNotebook = {
  text: `
    Starting with a small β lets the decoder learn to use $z$ before the KL term pulls the posterior onto the prior
    (Bowman et al. 2016). The linear warm-up over $T$ steps is

    $$
    \\beta(t) = \\beta_{\\max} \\cdot \\min\\!\\left(1, \\frac{t}{T}\\right), \\qquad t = 0, 1, 2, \\dots,
    $$

    and $T = 0$ means no warm-up ($\\beta = \\beta_{\\max}$ from the start). Implement
    \`warmupBeta(step, warmupSteps, betaMax)\`. (The library's \`vae.klWarmup({ warmupSteps, betaMax })\` returns the
    same schedule as a function of the step, for \`train\`'s \`beta\` option.)
  `,
  stub: `
    function warmupBeta(step: number, warmupSteps: number, betaMax: number): number {
      // Return the KL weight β to use at this training step.
      throw new Error('TODO: implement warmupBeta');
    }
  `,
  solution: { module: 'coursework/exercises/kl-warmup', functions: ['warmupBeta'] },
  check: 'check.klWarmup(warmupBeta);',
};
