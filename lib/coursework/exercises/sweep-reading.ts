/**
 * Exercise `sweep-reading` (chapter 4, posterior collapse): reading the β sweep. A number the grader checks —
 * the smallest β of the sweep at which the code has collapsed — and a written explanation the teacher scores
 * with the rubric (the grader exports the text next to the automatic marks).
 */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { CheckPlan, PASS, fail, fmtNum, unwrap } from '../runner';
import { Answer, Schema } from '../protocol';
import { WrongAnswer, callStudent, describeValue, runAnswer } from '../answering';

export const exercise = {
  id: 'sweep-reading',
  chapter: '04-training',
  order: 7,
  title: 'Reading the β sweep',
  symbol: 'readSweep',
  check: 'sweepReading',
  points: 1,
  inlineSeed: 31,
  library: [],
  written: {
    points: 3,
    rubric: [
      '1 point: says at which β the active units fall and what the KL does there, with the numbers of the sweep',
      '1 point: explains why: β prices each nat of KL, and past some β encoding information about x costs more than the reconstruction it buys',
      '1 point: says what happens to recon (it grows as the code carries less) and what that means for samples and reconstructions',
    ],
  },
} as const satisfies ExerciseSpec;

/**
 * Where the exercise's model collapses (quick profile, measured with scripts/grading/reference.ts's referenceSweep
 * as exercises/README.md says): 8 of 10 units active at β = 8, 1 at β = 16. A sweep of other β values finds the
 * first collapsed one anywhere above 8, up to 32 (no unit active).
 */
export const COLLAPSE = { above: 8, atMost: 32 };

export type Fn = () => { collapseBeta: number; explanation: string };
export type Probe = Record<string, never>;

export function schema(): Schema {
  return { object: { collapseBeta: 'number', explanation: 'text' } };
}

export function answer(fn: Fn): Answer {
  return runAnswer(() => {
    const out = callStudent('readSweep', fn) as unknown;
    if (out === null || typeof out !== 'object') throw new WrongAnswer('readSweep did not return an object', describeValue(out), 'return { collapseBeta, explanation }');
    const o = out as { collapseBeta?: unknown; explanation?: unknown };
    if (typeof o.collapseBeta !== 'number') throw new WrongAnswer('collapseBeta is not a number', describeValue(o.collapseBeta), 'collapseBeta: the β (a number) read off your sweep');
    if (typeof o.explanation !== 'string') throw new WrongAnswer('explanation is not a string', describeValue(o.explanation), 'explanation: your answer in words, a string');
    return { collapseBeta: o.collapseBeta, explanation: o.explanation };
  });
}

export function writtenText(answers: Answer[]): string | undefined {
  const a = answers[0];
  return a && 'value' in a ? (a.value as { explanation: string }).explanation : undefined;
}

export function plan(_rng: Rng): CheckPlan<Probe> {
  const probes: Probe[] = [{}];
  return {
    probes,
    judge(run, answers) {
      const got = () => unwrap(answers[0]) as { collapseBeta: number; explanation: string };
      run.core(`the code collapses at a β above ${COLLAPSE.above} and at most ${COLLAPSE.atMost}`, () => {
        const b = got().collapseBeta;
        return b > COLLAPSE.above && b <= COLLAPSE.atMost
          ? PASS
          : fail(`a β in (${COLLAPSE.above}, ${COLLAPSE.atMost}]`, fmtNum(b), 'read it off your sweep: the smallest β whose model keeps at most one active unit (sweep far enough: this model keeps most units up to β = 8)');
      });
      run.case('an explanation in words (the teacher scores it)', () => {
        const words = got().explanation.trim().split(/\s+/).filter(Boolean).length;
        return words >= 20 ? PASS : fail('at least 20 words', `${words} words`, 'explain what the sweep shows and why, as the questions ask');
      });
    },
  };
}

/** The solution cell (scripts/codegen/exercises.ts copies its source): an answer that meets the rubric. */
export function readSweep(): { collapseBeta: number; explanation: string } {
  return {
    collapseBeta: 16,
    explanation:
      'Up to β = 8 the model keeps 8 of its 10 units active while its KL falls from about 55 to 3 nats; at β = 16 only one unit is active and the KL is below 1 nat. ' +
      'β prices every nat of KL in the loss, so once a nat of information about x costs more than the reconstruction it buys, the encoder stops sending it and the posterior falls onto the prior. ' +
      'recon grows from about 260 to 330 nats along the way: reconstructions lose their detail and turn into blurry averages, while samples from the prior look like those reconstructions.',
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    Look at the table and the figure of your sweep (run it with β up to 32) and answer in \`readSweep()\`:

    1. \`collapseBeta\` (checked by the grader): the smallest β of your sweep whose model keeps at most one active unit.
    2. \`explanation\` (scored by your teacher, 3 points): at which β do the active units fall, and what does the KL do
       there? Why does a larger β do this — what does β weigh against what in the loss
       $\\texttt{recon} + \\beta \\cdot \\texttt{kl}$? What happens to \`recon\`, and what would you see in reconstructions and
       samples? Use the numbers of your sweep.

    The rubric: one point for each of the three questions, answered with your numbers.
  `,
  stub: `
    function readSweep(): { collapseBeta: number; explanation: string } {
      // Return the β read off your sweep and your explanation in words.
      throw new Error('TODO: answer readSweep');
    }
  `,
  solution: { module: 'coursework/exercises/sweep-reading', functions: ['readSweep'] },
  check: 'check.sweepReading(readSweep);',
};
