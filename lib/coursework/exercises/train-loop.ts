/**
 * Exercise `train-loop` (chapter 4): the loop around the step of exercise `train-step` — epochs of shuffled
 * batches, one step each, with one Adam optimizer — the loop that the library's `train` runs (lib/training/train.ts).
 * Judged by behaviour on a model and data of the grader's: one step per batch of every epoch, a loss that falls,
 * no tensor left behind once the loop returns, and a NaN loss that stops it with an error.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { createVAE, VAE } from '../../model/vae';
import { adam } from '../../training/adam';
import { batches, type Dataset } from '../../data/dataset';
import { CheckPlan, CheckRun, PASS, fail, fmtNum, fmtValues, probeList, unwrap, WrongAnswer } from '../runner';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { callStudent, describeValue, readVector, runAnswer } from '../answering';

export const exercise = {
  id: 'train-loop',
  chapter: '04-training',
  order: 3,
  title: 'The training loop',
  symbol: 'trainLoop',
  check: 'trainLoop',
  points: 2,
  inlineSeed: 37,
  // The library's train is asynchronous (a Promise is refused as an answer); it stays in the graded kernel.
  library: [],
} as const satisfies ExerciseSpec;

export interface LoopOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export type Fn = (model: VAE, data: Dataset, opts: LoopOptions) => number[];

/** The model every probe trains (8 × 8 images): small, so that its data travels as plain numbers. */
const MODEL = { inputDim: 64, height: 8, width: 8, latentDim: 4 } as const;

export interface Probe {
  kind: 'train' | 'nan';
  modelSeed: number;
  /** The images, [size, 64], pixels in [0, 1]. */
  images: Matrix;
  opts: LoopOptions;
  /** The nan probe: the pixel made NaN in the kernel (JSON has no NaN to send it as). */
  nanPixel?: number;
}

interface Looped {
  losses: number[];
  /** Tensors alive after the loop minus before it (the model's weights are made before). */
  leftOver: number;
}

export function schema(p: Probe): Schema {
  return p.kind === 'nan' ? 'vector' : { object: { losses: 'vector', leftOver: 'number' } };
}

function datasetOf(images: Matrix, nanPixel?: number): Dataset {
  const pixels = Float32Array.from(images.values);
  if (nanPixel !== undefined) pixels[nanPixel] = NaN;
  const size = images.shape[0];
  return { images: pixels, labels: new Uint8Array(size), size, height: MODEL.height, width: MODEL.width, name: 'train-loop probe' };
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => {
    const model = createVAE({ ...MODEL, hiddenUnits: [24], seed: p.modelSeed });
    try {
      const data = datasetOf(p.images, p.kind === 'nan' ? p.nanPixel : undefined);
      const before = tf.memory().numTensors;
      const out = callStudent('trainLoop', fn, model, data, { ...p.opts }) as unknown;
      const leftOver = tf.memory().numTensors - before;
      if (!Array.isArray(out)) throw new WrongAnswer('trainLoop did not return an array', describeValue(out), 'return the loss of every step, in order: a number[]');
      const losses = readVector('trainLoop(model, data, opts)', out);
      return p.kind === 'nan' ? losses : ({ losses, leftOver } satisfies Looped);
    } finally {
      model.dispose();
    }
  });
}

// ------------------------------------------------------------------ the judge

const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const size = 80 + rng.int(40);
  const images = () => matrix([size, MODEL.inputDim], Array.from({ length: size * MODEL.inputDim }, () => (rng.next() < 0.25 ? rng.next() : 0)));
  const opts: LoopOptions = { epochs: 2 + rng.int(2), batchSize: 16 + rng.int(8), learningRate: 1e-2, seed: rng.int(1000) };
  const train = ask({ kind: 'train', modelSeed: rng.int(1000), images: images(), opts });
  const nan = ask({ kind: 'nan', modelSeed: rng.int(1000), images: images(), opts, nanPixel: rng.int(size * MODEL.inputDim) });
  const steps = opts.epochs * Math.ceil(size / opts.batchSize);
  return {
    probes,
    judge(run: CheckRun, answers: Answer[]) {
      const got = () => unwrap(answers[train]) as Looped;
      run.case(`one step per batch of every epoch: ${opts.epochs} × ⌈${size} / ${opts.batchSize}⌉ = ${steps} losses`, () => {
        const n = got().losses.length;
        if (n === steps) return PASS;
        const perEpoch = Math.ceil(size / opts.batchSize);
        const hint = n === perEpoch ? 'loop over the epochs too: opts.epochs passes over the data'
          : n === opts.epochs ? 'one step per batch, not per epoch: vae.batches(data, { batchSize, shuffle: true, rng }) inside each epoch'
            : n === opts.epochs * Math.floor(size / opts.batchSize) ? 'the last batch of an epoch holds the remainder: keep it (vae.batches does)'
              : 'one trainStep per batch, every epoch, and push each step\'s loss';
        return fail(`${steps} losses`, `${n}`, hint);
      });
      run.core('the loss falls: the last steps\' mean is below the first steps\'', () => {
        const l = got().losses;
        if (l.length < 4) return fail(`${steps} losses`, fmtValues(l), 'return the loss of every step');
        if (!l.every(Number.isFinite)) return fail('finite losses', fmtValues(l), 'a loss became NaN or infinite: see the step of the previous exercise');
        const k = Math.max(2, Math.floor(l.length / 4));
        const [first, last] = [meanOf(l.slice(0, k)), meanOf(l.slice(-k))];
        return last < first ? PASS : fail(`below ${fmtNum(first)}`, fmtNum(last), 'the loop does not train: one optimizer for the whole run (its moments carry over from step to step), created with the learning rate of opts, and a step per batch');
      });
      run.case('nothing is left behind: the tensor count after the loop is what it was before', () => {
        const left = got().leftOver;
        return left <= 0 ? PASS : fail('no tensor more', `${fmtNum(left)} more tensors`, 'dispose what the loop makes: each batch\'s tensor after its step, and the optimizer (its moments) at the end, optimizer.dispose()');
      });
      run.case('a NaN loss stops the loop with an error', () => {
        const a = answers[nan];
        if ('threw' in a) return /TODO/.test(a.threw.message) ? fail('an error about the loss', a.threw.message, 'the stub still throws: replace it with your implementation') : PASS;
        if ('value' in a) return fail('an error', `returned ${fmtValues(a.value as number[])}`, 'a data set with a NaN pixel gives a NaN loss: stop the loop with an error (the step of the previous exercise throws one; do not catch it)');
        return fail('an error', 'wrong' in a ? a.wrong.got : a.failed.message, 'wrong' in a ? a.wrong.hint : undefined);
      });
    },
  };
}

// ------------------------------------------------------------------ the notebook

// The notebook's \`vae\` (its set-up cell: \`import * as vae from './lib/index'\`) and the step of the previous exercise.
declare const vae: { Rng: typeof Rng; adam: typeof adam; batches: typeof batches };
declare function trainStep(model: VAE, optimizer: tf.Optimizer, x: tf.Tensor2D, noiseSeed: number): number;

/** Epochs of shuffled batches, one Adam step each (chapter 4); the loss of every step. */
export function trainLoop(model: VAE, data: Dataset, opts: { epochs: number; batchSize: number; learningRate: number; seed: number }): number[] {
  const rng = new vae.Rng(opts.seed); // the batch order and the noise, from one seed
  const optimizer = vae.adam({ learningRate: opts.learningRate }); // one optimizer: Adam's moments span the run
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      for (const batch of vae.batches(data, { batchSize: opts.batchSize, shuffle: true, rng })) {
        const x = tf.tensor2d(batch.x, [batch.size, data.height * data.width]);
        try {
          losses.push(trainStep(model, optimizer, x, rng.seed()));
        } finally {
          x.dispose();
        }
      }
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}

export const notebook: ExerciseNotebook = {
  text: `
    Training repeats the step: \`epochs\` passes over the training set, each in a new random order, cut into batches,
    one step per batch — stochastic optimisation of the ELBO, as chapter 4's \`vae.train\` runs it.

    Implement \`trainLoop(model, data, opts)\` with your \`trainStep\`: \`opts.epochs\` passes over \`data\` in shuffled
    batches of \`opts.batchSize\` (\`vae.batches(data, { batchSize, shuffle: true, rng })\` yields them, each with its
    pixels \`batch.x\` and its \`batch.size\`; \`rng = new vae.Rng(opts.seed)\`), one Adam optimizer for the whole run
    (\`vae.adam({ learningRate })\`), and a noise seed per step (\`rng.seed()\`). It returns the loss of every step, in
    order. Like the step, the loop frees what it makes — the batches' tensors, and the optimizer at the end — and
    a loss that is not finite stops it with an error.

    The check (and the grader) runs your loop on a small model and data of its own and checks the number of
    steps, that the loss falls, the tensors left after it and a data set with a NaN pixel.
  `,
  stub: `
    function trainLoop(model: vae.VAE, data: vae.Dataset, opts: { epochs: number; batchSize: number; learningRate: number; seed: number }): number[] {
      // Train the model on data with your trainStep, opts.epochs passes over shuffled batches of opts.batchSize,
      // and return the loss of every step, in order.
      throw new Error('TODO: implement trainLoop');
    }
  `,
  solution: { module: 'coursework/exercises/train-loop', functions: ['trainLoop'], inline: { 'model: VAE, data: Dataset,': 'model: vae.VAE, data: vae.Dataset,' } },
  check: 'check.trainLoop(trainLoop);',
};
