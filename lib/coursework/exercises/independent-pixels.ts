/**
 * Exercise `independent-pixels` (chapter 1, "A first attempt: independent pixels"): the simplest generative model
 * of binary images. Fit one Bernoulli ink probability per pixel by maximum likelihood on the training images (their
 * mean, chapter 1's exercise 2), kept ε away from 0 and 1, and return the log-likelihood in nats of each test image,
 * log p(x) = Σ_i x_i log p_i + (1 − x_i) log(1 − p_i).
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { bernoulliLogLikelihood } from '../../model/distributions';
import { CheckPlan, PASS, compareTensor, fail, fmtShape, fmtValues, probeList, unwrap } from '../runner';
import { binary, perExampleShapeHint, scaled, tensor2d, values, valuesOf } from '../inputs';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, readTensor, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'independent-pixels',
  chapter: '01-generative-models',
  order: 1,
  title: 'The independent-pixel model: fit by counting, score test digits',
  symbol: 'independentPixelsLogLikelihood',
  check: 'independentPixelsLogLikelihood',
  points: 2,
  inlineSeed: 47,
  // The library has no independent-pixel model of its own; its Bernoulli log-likelihood is a building block an
  // answer may use (it needs logits, not the fitted probabilities), not the answer.
  library: [],
} as const satisfies ExerciseSpec;

/** How far the fitted ink probabilities are kept from 0 and 1 (the notebook states it). */
export const PIXEL_EPSILON = 1e-3;

export type Fn = (train: tf.Tensor2D, test: tf.Tensor2D) => tf.Tensor;

/** Binary images, flattened: train [n, D] and test [m, D] with m ≠ n. */
export interface Probe {
  train: Matrix;
  test: Matrix;
}

export function schema(): Schema {
  return 'tensor';
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => asMatrix(readTensor('independentPixelsLogLikelihood(train, test)', callStudent('independentPixelsLogLikelihood', fn, t2(p.train), t2(p.test)))));
}

/**
 * The solution cell (scripts/codegen/exercises.ts copies its source) and the judge's reference. The Bernoulli
 * log-likelihood is the library's (chapter 3), from the log-odds of the fitted probabilities: the same sum,
 * x log p + (1 − x) log(1 − p), written once.
 */
export function independentPixelsLogLikelihood(train: tf.Tensor2D, test: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    // Maximum likelihood: p_i is the fraction of training images with ink at pixel i; clipped, so that a pixel
    // never (or always) on in training still gives a test image a finite log-probability.
    const p = tf.clipByValue(tf.mean(train, 0), PIXEL_EPSILON, 1 - PIXEL_EPSILON); // [D]
    const logOdds = tf.sub(tf.log(p), tf.log(tf.sub(1, p))); // [D]
    return bernoulliLogLikelihood(test, tf.broadcastTo(logOdds, test.shape) as tf.Tensor2D); // [m], nats
  });
}

/** Binary images whose pixels have ink probabilities of their own, so that the mean image is not flat. */
function binaryImages(rng: Rng, rows: number, inkProbability: number[]): Matrix {
  const d = inkProbability.length;
  return matrix([rows, d], Array.from({ length: rows * d }, (_, k) => (rng.next() < inkProbability[k % d] ? 1 : 0)));
}

function ref(train: Matrix, test: Matrix): number[] {
  return tf.tidy(() => valuesOf(independentPixelsLogLikelihood(tensor2d(train), tensor2d(test))));
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const eps = PIXEL_EPSILON;
  // Four training images of three pixels: pixel 0 on in two, pixel 1 in one, pixel 2 in none; one test image.
  const counted = ask({ train: matrix([4, 3], [1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]), test: matrix([1, 3], [1, 0, 0]) });
  const d = 12;
  const ink = Array.from({ length: d }, () => 0.1 + 0.8 * rng.next());
  const random = ask({ train: binaryImages(rng, 9, ink), test: binary(rng, [5, d]) });
  // A pixel never on and one always on in training, both flipped in a test image.
  const unseenTrain = binaryImages(rng, 6, ink.slice(0, 8));
  for (let n = 0; n < 6; n++) {
    unseenTrain.values[n * 8] = 0;
    unseenTrain.values[n * 8 + 1] = 1;
  }
  const unseenTest = binary(rng, [3, 8]);
  for (let n = 0; n < 3; n++) {
    unseenTest.values[n * 8] = 1;
    unseenTest.values[n * 8 + 1] = 0;
  }
  const unseen = ask({ train: unseenTrain, test: unseenTest });
  const shape = ask({ train: binary(rng, [7, 5]), test: binary(rng, [4, 5]) });
  const hint = 'log p(x) = Σ_i x_i log p_i + (1 − x_i) log(1 − p_i) in nats, summed over the pixels of each test image, with p_i the training images\' mean at pixel i clipped to [ε, 1 − ε]';
  const mistakes = (p: Probe) => {
    const e = ref(p.train, p.test);
    return [
      { values: scaled(e, 1 / Math.LN2), hint: 'your values are in bits: the book measures log-likelihoods in nats, natural logarithms (tf.log)' },
      { values: scaled(e, 1 / p.test.shape[1]), hint: 'you averaged over the pixels: sum them (tf.sum(…, 1)), independent pixels\' log-probabilities add up' },
      { values: ref(p.test, p.test), hint: 'you fitted p_i on the test images: fit on the training images only, then score the test images' },
      { values: scaled(e, -1), hint: 'sign: a log-probability of a binary image is ≤ 0 (you returned the negative log-likelihood)' },
    ];
  };
  const shapeOf = (i: number) => perExampleShapeHint(probes[i].test.shape[0], probes[i].test.shape[1]);
  // p_i = 0 or 1 (a pixel never or always on in training) makes log p_i or log(1 − p_i) −Infinity, and 0 · (−Infinity)
  // is NaN: whichever the student's answer shows, the cause is the missing clip.
  const clipHint = `a pixel never on in training has p_i = 0 (always on: 1 − p_i = 0), and log 0 = −Infinity (0 · log 0 is NaN): clip p_i to [ε, 1 − ε] with ε = ${eps} (tf.clipByValue)`;
  const refOf = (i: number) => ({ shape: [probes[i].test.shape[0]], values: ref(probes[i].train, probes[i].test) });
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as Matrix;
      const against = (i: number, expected: { shape: number[]; values: number[] }, caseHint = hint) => {
        const out = got(i);
        if (out.values.some((v) => !Number.isFinite(v))) return fail(fmtValues(expected.values), fmtValues(out.values), clipHint);
        return compareTensor(expected, out, { shapeHint: shapeOf(i), hint: caseHint, alternatives: mistakes(probes[i]) });
      };
      run.case('counted by hand: p = (½, ¼, ε), test image [1, 0, 0] has log ½ + log ¾ + log(1 − ε)', () =>
        against(counted, { shape: [1], values: [Math.log(0.5) + Math.log(0.75) + Math.log(1 - eps)] }),
      );
      run.core(`random binary images, train ${fmtShape(probes[random].train.shape)} and test ${fmtShape(probes[random].test.shape)}, against the reference`, () => against(random, refOf(random)));
      run.core('a pixel never on and one always on in training, flipped in every test image: finite, with log ε each', () =>
        against(unseen, refOf(unseen), `clip p_i to [${eps}, ${1 - eps}] on both sides: a pixel always on in training has p_i = 1, and log(1 − p_i) needs the same care`),
      );
      run.case('one value per test image: shape [m], whatever the number of training images', () => {
        const [m] = probes[shape].test.shape;
        const out = got(shape);
        return out.shape.join() === `${m}` ? PASS : fail(`shape [${m}]`, `shape ${fmtShape(out.shape)}`, shapeOf(shape)(out.shape) ?? 'one log-likelihood per test image (the training images only fit p)');
      });
      run.case('never positive: probabilities of binary images are ≤ 1', () => {
        const out = got(random);
        if (out.values.some((v) => !Number.isFinite(v))) return fail('all values finite and ≤ 0', fmtValues(out.values), clipHint);
        return out.values.every((v) => v <= 1e-5) ? PASS : fail('all values ≤ 0', fmtValues(out.values), 'a log-probability of a binary image is ≤ 0: return the log-likelihood, not its negative');
      });
    },
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    Chapter 1's first model of binary images, $x \\in \\{0, 1\\}^D$, gives every pixel its own coin with ink
    probability $p_i$ and ignores every dependency between pixels:

    $$
    \\log p_\\theta(x) = \\sum_{i=1}^{D} \\big[x_i \\log p_i + (1 - x_i) \\log(1 - p_i)\\big].
    $$

    Maximum likelihood on $N$ training images gives $p_i = \\frac{1}{N}\\sum_n x^{(n)}_i$, the fraction of training
    images with ink at pixel $i$ (the chapter's exercise 2). A pixel that is never on in training gets $p_i = 0$,
    and a test image with ink there would have probability 0; so keep every $p_i$ in $[\\varepsilon, 1 - \\varepsilon]$
    with $\\varepsilon = 10^{-3}$.

    Implement \`independentPixelsLogLikelihood(train, test)\`: fit the $p_i$ on \`train\` (\`[n, D]\`, binary) and return
    the log-likelihood in nats of each image of \`test\` (\`[m, D]\`, binary) under them, shape \`[m]\`.
  `,
  stub: `
    function independentPixelsLogLikelihood(train: tf.Tensor2D, test: tf.Tensor2D): tf.Tensor1D {
      // Fit each pixel's ink probability on the training images (kept within [1e-3, 1 - 1e-3]), then
      // return the log-likelihood in nats of each test image under it: a tensor of shape [m].
      throw new Error('TODO: implement independentPixelsLogLikelihood');
    }
  `,
  solution: {
    module: 'coursework/exercises/independent-pixels',
    functions: ['independentPixelsLogLikelihood'],
    inline: { PIXEL_EPSILON: '1e-3', 'bernoulliLogLikelihood(': 'vae.bernoulliLogLikelihood(' },
  },
  check: 'check.independentPixelsLogLikelihood(independentPixelsLogLikelihood);',
  after: [
    { kind: 'md', text: 'On the digits: binarize them as chapter 1 does (ink where the grey level is above one half), fit on the training digits and score the test digits, in nats per image and bits per pixel (chapter 1, exercise 4).' },
    {
      kind: 'demo',
      code: `
        {
          const { train, test } = vae.loadData({ seed: 0 });
          const [xTrain, xTest] = [train, test].map((d) => vae.toTensor(vae.binarize(d, { mode: 'threshold' })));
          const logLik = independentPixelsLogLikelihood(xTrain as tf.Tensor2D, xTest as tf.Tensor2D);
          const meanLogLik = tf.mean(logLik);
          const nll = -(await meanLogLik.data())[0];
          console.log(\`independent pixels: test NLL \${nll.toFixed(2)} nats per image, \${(nll / (784 * Math.LN2)).toFixed(3)} bits per pixel\`);
          tf.dispose([xTrain, xTest, logLik, meanLogLik]);
        }
      `,
    },
  ],
};
