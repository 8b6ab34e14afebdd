/**
 * Exercise `train-step` (chapter 4): one optimisation step of a VAE by hand — the negative ELBO of a batch, its
 * gradients with `tf.variableGrads`, Adam's update with `optimizer.applyGradients` — the step that the library's
 * `train` repeats (lib/training/train.ts `trainStep`). Judged by behaviour: from the same model, batches, noise
 * seeds and optimizer, the student's steps must leave the weights where the library's steps leave them (within
 * float tolerance) and return the loss each step minimised; the step must free what it allocates (tensors
 * counted over steps) and refuse a loss that is not finite instead of applying it.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { createVAE, VAE } from '../../model/vae';
import { elbo } from '../../model/elbo';
import { adam } from '../../training/adam';
import { trainStep as libraryStep } from '../../training/train';
import { CheckPlan, CheckRun, PASS, fail, fmtNum, fmtValues, probeList, unwrap, WrongAnswer } from '../runner';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { callStudent, describeValue, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'train-step',
  chapter: '04-training',
  order: 2,
  title: 'One training step with Adam',
  symbol: 'trainStep',
  check: 'trainStep',
  points: 3,
  inlineSeed: 31,
  // The library's trainStep cannot be taken out of this chapter's graded kernel: its β sweep trains with it.
  library: [],
} as const satisfies ExerciseSpec;

export type Fn = (model: VAE, optimizer: tf.Optimizer, x: tf.Tensor2D, noiseSeed: number) => number;

/** The model every probe trains: small (8 × 8 images), so that its batches and weights travel as plain numbers. */
const MODEL = { inputDim: 64, height: 8, width: 8, hiddenUnits: [24], latentDim: 4 } as const;
const BATCH = 16;
const MINIMIZE_HINT = 'compute the gradients yourself with tf.variableGrads and apply them with optimizer.applyGradients: optimizer.minimize (and vae.trainStep, which calls it) is what this exercise replaces, and the check\'s optimizer applies nothing through it';
const STEPS = 3;

export interface Probe {
  kind: 'steps' | 'nan';
  modelSeed: number;
  learningRate: number;
  /** Each step's batch, [BATCH, 64], pixels in [0, 1]. */
  batches: Matrix[];
  noiseSeeds: number[];
  /** The nan probe: the pixel of the batch made NaN in the kernel (JSON has no NaN to send it as). */
  nanPixel?: number;
}

interface Stepped {
  /** Every trainable weight after the steps, encoder's then decoder's, flattened in order. */
  weights: number[];
  /** What each call returned. */
  losses: number[];
  /** Tensors alive after the last step minus after the one before it (Adam's slots are made by the first). */
  leak: number;
  /** The step called optimizer.minimize (the shortcut the exercise replaces; it applies nothing here). */
  minimized: boolean;
}

export function schema(p: Probe): Schema {
  return p.kind === 'nan' ? 'number' : { object: { weights: 'vector', losses: 'vector', leak: 'number', minimized: 'boolean' } };
}

function modelOf(seed: number): VAE {
  return createVAE({ ...MODEL, hiddenUnits: [...MODEL.hiddenUnits], seed });
}

function weightsOf(model: VAE): number[] {
  return model.trainableWeights().flatMap((w) => Array.from(w.dataSync()));
}

/** The student's step, called once; its result must be a finite number. */
function step(fn: Fn, model: VAE, optimizer: tf.Optimizer, x: tf.Tensor2D, noiseSeed: number): number {
  const out = callStudent('trainStep', fn, model, optimizer, x, noiseSeed) as unknown;
  if (typeof out !== 'number') {
    throw new WrongAnswer('trainStep did not return a number', describeValue(out), 'return the loss as a number (read it from its tensor with dataSync()[0] or arraySync()), after applying the gradients');
  }
  return out;
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => {
    const model = modelOf(p.modelSeed);
    const optimizer = adam({ learningRate: p.learningRate });
    // The step is the exercise: the library's trainStep (which calls minimize) stays in this chapter's kernel for the
    // β sweep, so the optimizer handed to the student only notes a call of minimize, runs its closure (so that an
    // awaiting caller finds what it expects) and applies nothing.
    let minimized = false;
    optimizer.minimize = ((f: () => tf.Scalar) => {
      minimized = true;
      tf.tidy(() => {
        f();
      });
      return null;
    }) as typeof optimizer.minimize;
    try {
      // The nan probe's batch has one pixel NaN: its loss is NaN, and the step must say so instead of applying it.
      if (p.kind === 'nan') {
        const pixels = [...p.batches[0].values];
        pixels[p.nanPixel ?? 0] = NaN;
        return step(fn, model, optimizer, t2({ shape: p.batches[0].shape, values: pixels }), p.noiseSeeds[0]);
      }
      const losses: number[] = [];
      const alive: number[] = [];
      p.batches.forEach((batch, i) => {
        const x = t2(batch);
        losses.push(step(fn, model, optimizer, x, p.noiseSeeds[i]));
        x.dispose();
        alive.push(tf.memory().numTensors);
      });
      return { weights: weightsOf(model), losses, leak: alive[alive.length - 1] - alive[alive.length - 2], minimized } satisfies Stepped;
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
}

// ------------------------------------------------------------------ the judge

/** The library's steps on the same model, batches and noise: the weights before and after, and each step's loss. */
function reference(p: Probe): { initial: number[]; final: number[]; losses: number[]; encoderSize: number } {
  const model = modelOf(p.modelSeed);
  const optimizer = adam({ learningRate: p.learningRate });
  const vars = model.trainableWeights();
  try {
    const initial = weightsOf(model);
    const losses: number[] = [];
    p.batches.forEach((batch, i) => {
      const x = t2(batch);
      losses.push(tf.tidy(() => elbo(x, model.forward(x, undefined, p.noiseSeeds[i])).loss.dataSync()[0]));
      // The library's step applies its update before its first await (it only awaits reading the loss back), so
      // the weights have moved when the call returns; its promise settles on its own and frees what it kept.
      libraryStep(model, optimizer, vars, x, { beta: 1, freeBits: 0, pixelReduction: 'sum', noiseSeed: p.noiseSeeds[i] }).then(() => x.dispose(), () => x.dispose());
    });
    return { initial, final: weightsOf(model), losses, encoderSize: model.encoder.countParams() };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-5 + 1e-3 * Math.abs(b);

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const learningRate = [1e-3, 3e-3, 1e-2][rng.int(3)];
  // Images with the statistics of digits (mostly blank, some ink in [0, 1]).
  const image = () => matrix([BATCH, MODEL.inputDim], Array.from({ length: BATCH * MODEL.inputDim }, () => (rng.next() < 0.25 ? rng.next() : 0)));
  const batches = Array.from({ length: STEPS }, image);
  const noiseSeeds = Array.from({ length: STEPS }, () => rng.int(100000));
  const steps = ask({ kind: 'steps', modelSeed: rng.int(1000), learningRate, batches, noiseSeeds });
  const nan = ask({ kind: 'nan', modelSeed: rng.int(1000), learningRate, batches: [batches[0]], noiseSeeds: [noiseSeeds[0]], nanPixel: rng.int(BATCH * MODEL.inputDim) });
  return {
    probes,
    judge(run: CheckRun, answers: Answer[]) {
      const ref = reference(probes[steps]);
      const got = () => {
        const g = unwrap(answers[steps]) as Stepped;
        if (g.weights.length !== ref.final.length) throw new WrongAnswer('the model lost or gained weights', `${g.weights.length} values`, 'update the model\'s own weights in place; do not build another model');
        return g;
      };
      run.core(`${STEPS} steps (Adam, learning rate ${learningRate}) leave the weights where the library's steps leave them`, () => {
        const g = got();
        const n = ref.final.length;
        if (g.minimized) return fail('gradients from tf.variableGrads, applied with optimizer.applyGradients', 'a call of optimizer.minimize', MINIMIZE_HINT);
        const matching = g.weights.filter((w, i) => near(w, ref.final[i])).length;
        if (matching >= 0.999 * n) return PASS;
        const moved = g.weights.map((w, i) => w - ref.initial[i]);
        const refMoved = ref.final.map((w, i) => w - ref.initial[i]);
        const still = (from: number, to: number) => moved.slice(from, to).every((d) => d === 0);
        const expected = `${n} weights as the library's step leaves them`;
        const gotText = `${matching} of them within tolerance`;
        if (still(0, n)) return fail(expected, 'no weight changed', 'compute the gradients and apply them: optimizer.applyGradients(grads) with grads from tf.variableGrads');
        if (still(0, ref.encoderSize)) return fail(expected, 'the encoder\'s weights did not change', 'differentiate with respect to every weight of the model: model.trainableWeights(), the encoder\'s and the decoder\'s');
        if (still(ref.encoderSize, n)) return fail(expected, 'the decoder\'s weights did not change', 'differentiate with respect to every weight of the model: model.trainableWeights(), the encoder\'s and the decoder\'s');
        const dot = moved.reduce((s, d, i) => s + d * refMoved[i], 0);
        if (dot < 0) return fail(expected, gotText, 'the weights moved uphill: minimise the negative ELBO (elbo(…).loss), not the ELBO');
        return fail(expected, gotText, 'the loss of the step is elbo(x, model.forward(x, undefined, noiseSeed)).loss, with the step\'s own noise seed; one tf.variableGrads and one optimizer.applyGradients per call');
      });
      run.case('each call returns the loss it minimised (nats per example, before the update)', () => {
        const g = got();
        if (g.losses.length === ref.losses.length && g.losses.every((l, i) => near(l, ref.losses[i]))) return PASS;
        const hint = g.losses.every((l, i) => near(-l, ref.losses[i])) ? 'return the loss, the negative ELBO, not the ELBO' : 'return value.dataSync()[0] of the loss tf.variableGrads computed (the negative ELBO of the batch, β = 1)';
        return fail(fmtValues(ref.losses), fmtValues(g.losses), hint);
      });
      run.case('a step frees what it allocates: the tensor count stays flat from step to step', () => {
        const g = got();
        return g.leak <= 0 ? PASS : fail('no tensor more after a step', `${fmtNum(g.leak)} more tensors after each step`, 'dispose the gradients and the loss once the update is applied (tf.dispose(grads), value.dispose()), or compute them inside tf.tidy');
      });
      run.case('a loss that is not finite stops the step with an error', () => {
        const a = answers[nan];
        if ('threw' in a) {
          if (/TODO/.test(a.threw.message)) return fail('an error about the loss', a.threw.message, 'the stub still throws: replace it with your implementation');
          return PASS;
        }
        if ('value' in a) return fail('an error naming the loss', `returned ${fmtNum(a.value as number)}`, 'a batch with a NaN pixel gives a NaN loss: check Number.isFinite(loss) before applying the gradients and throw an Error that says so');
        return fail('an error naming the loss', 'wrong' in a ? a.wrong.got : a.failed.message, 'wrong' in a ? a.wrong.hint : undefined);
      });
    },
  };
}

// ------------------------------------------------------------------ the notebook

// The notebook's \`vae\` (its set-up cell: \`import * as vae from './lib/index'\`), as far as the solution uses it.
declare const vae: { elbo: typeof elbo };

/** One step of Adam on the negative ELBO of the batch x (chapter 4); throws on a loss that is not finite. */
export function trainStep(model: VAE, optimizer: tf.Optimizer, x: tf.Tensor2D, noiseSeed: number): number {
  const { value, grads } = tf.variableGrads(() => vae.elbo(x, model.forward(x, undefined, noiseSeed)).loss, model.trainableWeights());
  const loss = value.dataSync()[0];
  if (!Number.isFinite(loss)) {
    tf.dispose([value, grads]);
    throw new Error(`trainStep: the loss is ${loss}; the gradients are not applied`);
  }
  optimizer.applyGradients(grads);
  tf.dispose([value, grads]);
  return loss;
}

export const notebook: ExerciseNotebook = {
  text: `
    Training minimises the negative ELBO of each batch over the weights $\\theta, \\phi$ of both networks
    (chapter 4):

    $$
    \\mathcal{L}(\\theta, \\phi; x) = -\\frac{1}{B} \\sum_{i=1}^{B} \\Big( \\mathbb{E}_{q_\\phi(z \\mid x_i)}\\big[\\log p_\\theta(x_i \\mid z)\\big] - \\mathrm{KL}\\big(q_\\phi(z \\mid x_i) \\,\\|\\, p(z)\\big) \\Big),
    $$

    and one step of Adam moves every weight against its gradient, scaled by Adam's running moments.
    Implement \`trainStep(model, optimizer, x, noiseSeed)\`: one step on the batch \`x\`. The pieces: \`model.forward(x,
    undefined, noiseSeed)\` (encode, sample $z$ with that noise seed, decode), \`vae.elbo(x, out)\` (its \`loss\` is
    $\\mathcal{L}$), \`tf.variableGrads(f, variables)\` (the value of \`f\` and its gradients with respect to
    \`variables\`), \`model.trainableWeights()\`, and \`optimizer.applyGradients(grads)\` (the optimizer the check hands
    you applies nothing through \`minimize\`: that shortcut, and the library's \`vae.trainStep\` built on it, are what
    you replace). It returns the loss of the
    step as a number. A step must free every tensor it makes (a long run would otherwise run out of memory), and a
    loss that is not finite must stop it with an error before the update (a NaN applied once spreads to every weight).

    The check (and the grader) runs your step ${STEPS} times on a model of its own, with its batches and noise seeds,
    and compares the weights with those the library's own step (\`vae.trainStep\`, which \`vae.train\` repeats) leaves,
    counts the tensors alive from step to step, and feeds it a batch with a NaN pixel.
  `,
  stub: `
    function trainStep(model: vae.VAE, optimizer: tf.Optimizer, x: tf.Tensor2D, noiseSeed: number): number {
      // Update every weight of the model by one step of the optimizer on the negative ELBO of the batch x
      // (noise drawn with noiseSeed); return that loss as a number. Throw an Error if it is not finite.
      throw new Error('TODO: implement trainStep');
    }
  `,
  solution: { module: 'coursework/exercises/train-step', functions: ['trainStep'], inline: { 'model: VAE,': 'model: vae.VAE,' } },
  check: 'check.trainStep(trainStep);',
};
