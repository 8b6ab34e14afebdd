/**
 * Exercise `latent-reading` (chapter 7, "How large should the latent space be?"): reading the latent-size sweep of
 * the chapter's notebook. Two numbers the grader checks — the size the held-out bound picks and the active units at
 * d = 50 — and a written explanation the teacher scores with the rubric (the grader exports the text next to the
 * automatic marks).
 */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import type { Rng } from '../../model/random';
import { CheckPlan, PASS, fail, fmtNum, unwrap } from '../runner';
import { Answer, Schema } from '../protocol';
import { WrongAnswer, callStudent, describeValue, runAnswer } from '../answering';

export const exercise = {
  id: 'latent-reading',
  chapter: '07-faq',
  order: 1,
  title: 'Reading the latent-size sweep',
  symbol: 'readLatentSweep',
  check: 'latentReading',
  points: 2,
  inlineSeed: 43,
  library: [],
  written: {
    points: 3,
    rubric: [
      '1 point: says how the held-out −ELBO changes from d = 2 to 10, from 10 to 20 and from 20 to 50, with the numbers of the figure and whether each step is beyond the spread between seeds',
      '1 point: explains why the count of active units points the wrong way: every dimension is active up to d = 20, and at d = 50 the count falls to some thirty-odd while the bound does not improve',
      '1 point: says how to choose d: by the held-out bound over a few seeds, the smallest size beyond which it stops improving, and why extra dimensions buy little (the KL prices every nat a unit carries)',
    ],
  },
} as const satisfies ExerciseSpec;

/**
 * What the chapter measured (notebooks/07-faq.ipynb, full profile, three seeds; its claims in chapters/07-faq.md hold
 * the book to these): the bound stops improving beyond d = 20, and at d = 50 the variance count finds between 25 and
 * 45 active units.
 */
export const LATENT_SWEEP = { chosenDim: 20, activeAt50: { above: 25, below: 45 } } as const;

export type Fn = () => { chosenDim: number; activeAt50: number; explanation: string };
export type Probe = Record<string, never>;

export function schema(): Schema {
  return { object: { chosenDim: 'number', activeAt50: 'number', explanation: 'text' } };
}

export function answer(fn: Fn): Answer {
  return runAnswer(() => {
    const out = callStudent('readLatentSweep', fn) as unknown;
    if (out === null || typeof out !== 'object') throw new WrongAnswer('readLatentSweep did not return an object', describeValue(out), 'return { chosenDim, activeAt50, explanation }');
    const o = out as { chosenDim?: unknown; activeAt50?: unknown; explanation?: unknown };
    for (const k of ['chosenDim', 'activeAt50'] as const) {
      if (typeof o[k] !== 'number') throw new WrongAnswer(`${k} is not a number`, describeValue(o[k]), `${k}: a number read off the chapter's figures`);
    }
    if (typeof o.explanation !== 'string') throw new WrongAnswer('explanation is not a string', describeValue(o.explanation), 'explanation: your answer in words, a string');
    return { chosenDim: o.chosenDim as number, activeAt50: o.activeAt50 as number, explanation: o.explanation };
  });
}

export function writtenText(answers: Answer[]): string | undefined {
  const a = answers[0];
  return a && 'value' in a ? (a.value as { explanation: string }).explanation : undefined;
}

export function plan(_rng: Rng): CheckPlan<Probe> {
  const probes: Probe[] = [{}];
  const s = LATENT_SWEEP;
  return {
    probes,
    judge(run, answers) {
      const got = () => unwrap(answers[0]) as { chosenDim: number; activeAt50: number; explanation: string };
      run.core(`the latent size the held-out bound picks: ${s.chosenDim}`, () => {
        const d = got().chosenDim;
        return d === s.chosenDim ? PASS : fail(String(s.chosenDim), fmtNum(d), 'the smallest size beyond which the test −ELBO of @fig-latent-size-elbo stops improving by more than the spread between seeds');
      });
      run.case(`the active units at d = 50: between ${s.activeAt50.above} and ${s.activeAt50.below}`, () => {
        const a = got().activeAt50;
        return a > s.activeAt50.above && a < s.activeAt50.below ? PASS : fail(`between ${s.activeAt50.above} and ${s.activeAt50.below}`, fmtNum(a), 'read the active-unit curve (variance of the posterior mean) of @fig-latent-size-units at d = 50');
      });
      run.case('an explanation in words (the teacher scores it)', () => {
        const words = got().explanation.trim().split(/\s+/).filter(Boolean).length;
        return words >= 20 ? PASS : fail('at least 20 words', `${words} words`, 'explain what the figures show and why, as the questions ask');
      });
    },
  };
}

/** The solution cell (scripts/codegen/exercises.ts copies its source): an answer that meets the rubric. */
export function readLatentSweep(): { chosenDim: number; activeAt50: number; explanation: string } {
  return {
    chosenDim: 20,
    activeAt50: 35,
    explanation:
      'The held-out −ELBO falls steeply from d = 2 to 10, by more than forty nats, and by a few nats more from 10 to 20, beyond the spread between seeds; from 20 to 50 it moves by less than a nat or two, within the noise. ' +
      'The active-unit count would send us the wrong way: every dimension is active up to d = 20, which the old advice reads as a sign to grow the code, yet at d = 50 only some thirty-odd units are active and the bound does not improve. ' +
      'Choose d by the held-out bound over a few seeds: the smallest size beyond which it stops improving, here 20. Extra dimensions buy little because the KL prices every nat a unit carries, so the model leaves units it does not need at the prior.',
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    Chapter 7 trains the reference VAE of chapter 4 with latent sizes $d$ = 2, 10, 20 and 50, over three seeds, and
    reports the test −ELBO, $-\\mathcal{L} = \\mathbb{E}_{q}[-\\log p_\\theta(x \\mid z)] + \\mathrm{KL}(q_\\phi(z \\mid x) \\,\\|\\, p(z))$,
    and the units each model uses: the active units (dimensions whose posterior mean varies over the data,
    $\\mathrm{Var}_x\\, \\mathbb{E}_q[z_j] > 0.01$) and the dimensions whose KL exceeds a tenth of a nat. Read the two figures
    of the section "How large should the latent space be?" (@fig-latent-size-elbo and @fig-latent-size-units in the
    book) and answer in \`readLatentSweep()\`:

    1. \`chosenDim\` (checked by the grader): the latent size the held-out bound tells you to choose.
    2. \`activeAt50\` (checked by the grader): the number of active units of the models with $d = 50$ (a mean over seeds).
    3. \`explanation\` (scored by your teacher, 3 points): how does the bound change from 2 to 10, 10 to 20 and 20 to
       50 dimensions, and which of those changes are beyond the spread between seeds? Why would counting active units
       have sent you the wrong way? How should one choose $d$, and why do extra dimensions buy so little?

    The rubric: one point for each of the three questions, answered with the figures' numbers.
  `,
  stub: `
    function readLatentSweep(): { chosenDim: number; activeAt50: number; explanation: string } {
      // Return the two numbers read off the chapter's figures and your explanation in words.
      throw new Error('TODO: answer readLatentSweep');
    }
  `,
  solution: { module: 'coursework/exercises/latent-reading', functions: ['readLatentSweep'] },
  check: 'check.latentReading(readLatentSweep);',
};
