/**
 * Exercise `pixels-reading` (chapter 1): reading the independent-pixel model's score. A number the grader checks —
 * its test negative log-likelihood on the book's digits, from the previous exercise's demonstration — and a written
 * explanation the teacher scores with the rubric (the grader exports the text next to the automatic marks).
 */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { CheckPlan, PASS, fail, fmtNum, unwrap } from '../runner';
import { Answer, Schema } from '../protocol';
import { WrongAnswer, callStudent, describeValue, runAnswer } from '../answering';

export const exercise = {
  id: 'pixels-reading',
  chapter: '01-generative-models',
  order: 2,
  title: 'Reading the independent-pixel score',
  symbol: 'readIndependentPixels',
  check: 'pixelsReading',
  points: 1,
  inlineSeed: 53,
  library: [],
  written: {
    points: 3,
    rubric: [
      '1 point: gives the test NLL in nats per image and in bits per pixel (divided by 784 ln 2), and says that lower is better',
      '1 point: explains why the samples are speckles: each pixel is an independent coin, so the model knows where ink tends to be but not that ink comes in strokes (no covariance between pixels)',
      '1 point: says what a latent variable adds: pixels independent given z still depend on each other through z, which is how a VAE does better than this baseline',
    ],
  },
} as const satisfies ExerciseSpec;

/**
 * The test NLL of the independent-pixel model in the previous exercise's demonstration (the embedded digits,
 * loadData({ seed: 0 }), binarized at one half: 8,000 training and 2,000 test digits): 207.50 nats per image with
 * tfjs-node, 7 December 2026. test/exercise-pixels-reading.test.ts recomputes it with the reference.
 */
export const INDEPENDENT_PIXELS_NLL = { nats: 207.5, tolerance: 0.5 };

export type Fn = () => { testNll: number; explanation: string };
export type Probe = Record<string, never>;

export function schema(): Schema {
  return { object: { testNll: 'number', explanation: 'text' } };
}

export function answer(fn: Fn): Answer {
  return runAnswer(() => {
    const out = callStudent('readIndependentPixels', fn) as unknown;
    if (out === null || typeof out !== 'object') throw new WrongAnswer('readIndependentPixels did not return an object', describeValue(out), 'return { testNll, explanation }');
    const o = out as { testNll?: unknown; explanation?: unknown };
    if (typeof o.testNll !== 'number') throw new WrongAnswer('testNll is not a number', describeValue(o.testNll), 'testNll: the test NLL in nats per image (a number) the demonstration printed');
    if (typeof o.explanation !== 'string') throw new WrongAnswer('explanation is not a string', describeValue(o.explanation), 'explanation: your answer in words, a string');
    return { testNll: o.testNll, explanation: o.explanation };
  });
}

export function writtenText(answers: Answer[]): string | undefined {
  const a = answers[0];
  return a && 'value' in a ? (a.value as { explanation: string }).explanation : undefined;
}

export function plan(_rng: Rng): CheckPlan<Probe> {
  const probes: Probe[] = [{}];
  const { nats, tolerance } = INDEPENDENT_PIXELS_NLL;
  return {
    probes,
    judge(run, answers) {
      const got = () => unwrap(answers[0]) as { testNll: number; explanation: string };
      run.core(`the test NLL of independent pixels: ${nats} ± ${tolerance} nats per image`, () => {
        const v = got().testNll;
        if (Math.abs(v - nats) <= tolerance) return PASS;
        const hint =
          Math.abs(v + nats) <= tolerance
            ? 'that is the log-likelihood: the NLL is its negative, a positive number (smaller is better)'
            : Math.abs(v - nats / (784 * Math.LN2)) <= 0.01
              ? 'that is bits per pixel: testNll is in nats per image'
              : Math.abs(v - nats / Math.LN2) <= tolerance / Math.LN2
                ? 'that is bits per image: testNll is in nats (natural logarithms)'
                : 'read it off the demonstration above: the mean over the test digits of −log p(x), in nats per image';
        return fail(`${nats} ± ${tolerance}`, fmtNum(v), hint);
      });
      run.case('an explanation in words (the teacher scores it)', () => {
        const words = got().explanation.trim().split(/\s+/).filter(Boolean).length;
        return words >= 20 ? PASS : fail('at least 20 words', `${words} words`, 'explain what the score and the samples show and why, as the questions ask');
      });
    },
  };
}

/** The solution cell (scripts/codegen/exercises.ts copies its source): an answer that meets the rubric. */
export function readIndependentPixels(): { testNll: number; explanation: string } {
  return {
    testNll: 207.5,
    explanation:
      'The model gives the test digits 207.5 nats per image on average, 207.5 / (784 ln 2) = 0.38 bits per pixel; lower is better, and it is the baseline every later model must beat. ' +
      'Its samples are speckles in the shape of the mean digit because every pixel is an independent coin: the model knows where ink tends to be, but not that a pixel on makes its neighbours likely to be on, so it cannot draw strokes. ' +
      'A latent variable z fixes this: given z the pixels are still independent, but they all depend on z, so the marginal has covariances between pixels, which is how a VAE reaches a much lower NLL.',
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    Run the demonstration above and chapter 1's notebook (\`notebooks/00-data.ipynb\`, whose samples are drawn from
    the same model), then answer in \`readIndependentPixels()\`:

    1. \`testNll\` (checked by the grader): the test negative log-likelihood the demonstration printed, in nats per image.
    2. \`explanation\` (scored by your teacher, 3 points): what is that number in bits per pixel, and is lower or higher
       better? Why are the model's samples speckles rather than digits — what can't it express? What does a latent
       variable $z$ add that lets a VAE do better, though its pixels are independent given $z$?

    The rubric: one point for each of the three questions, answered with your numbers.
  `,
  stub: `
    function readIndependentPixels(): { testNll: number; explanation: string } {
      // Return the test NLL the demonstration printed and your explanation in words.
      throw new Error('TODO: answer readIndependentPixels');
    }
  `,
  solution: { module: 'coursework/exercises/pixels-reading', functions: ['readIndependentPixels'] },
  check: 'check.pixelsReading(readIndependentPixels);',
};
