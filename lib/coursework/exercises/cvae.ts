/**
 * Exercise `cvae` (chapter 6): the conditional VAE's forward pass (Sohn et al. 2015) — the label, one-hot, appended to
 * the encoder's input and to the code the decoder reads — on networks the grader builds. Judged by behaviour against
 * the same forward pass (the module's own, as chapter 6's notebook writes it inline: the library has no conditional
 * model): the outputs on the grader's inputs and noise, and that both networks see the label.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { createEncoder } from '../../model/encoder';
import { createDecoder } from '../../model/decoder';
import { reparameterize } from '../../model/distributions';
import { CheckPlan, PASS, compareTensor, fail, fmtShape, probeList, unwrap, WrongAnswer } from '../runner';
import { randn } from '../inputs';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, describeValue, readTensor, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'cvae',
  chapter: '06-beyond',
  order: 4,
  title: "The conditional VAE's forward pass",
  symbol: 'cvaeForward',
  check: 'cvaeForward',
  points: 2,
  inlineSeed: 43,
  library: [],
} as const satisfies ExerciseSpec;

/** Classes of the labels (digits). */
const CLASSES = 10;

export interface CvaeOutput {
  mean: tf.Tensor2D;
  logVar: tf.Tensor2D;
  logits: tf.Tensor2D;
}

export type Fn = (encoder: tf.LayersModel, decoder: tf.LayersModel, x: tf.Tensor2D, labels: number[], eps: tf.Tensor2D) => CvaeOutput;

export interface Probe {
  inputDim: number;
  latentDim: number;
  seed: number;
  x: Matrix;
  labels: number[];
  eps: Matrix;
}

export function schema(): Schema {
  return { object: { mean: 'tensor', logVar: 'tensor', logits: 'tensor' } };
}

/** The grader's conditional networks: the encoder reads [x, y] (inputDim + 10), the decoder [z, y] (latentDim + 10). */
function networks(p: Probe): { encoder: tf.LayersModel; decoder: tf.LayersModel } {
  const hiddenUnits = [16];
  return {
    encoder: createEncoder({ inputDim: p.inputDim + CLASSES, hiddenUnits, latentDim: p.latentDim, seed: p.seed }),
    decoder: createDecoder({ inputDim: p.inputDim, hiddenUnits, latentDim: p.latentDim + CLASSES, seed: p.seed + 1 }),
  };
}

/** Runs `forward` on the probe's networks and inputs; the outputs as plain data. */
function run(forward: Fn, p: Probe): { mean: Matrix; logVar: Matrix; logits: Matrix } {
  const { encoder, decoder } = networks(p);
  try {
    const out = callStudent('cvaeForward', forward, encoder, decoder, t2(p.x), [...p.labels], t2(p.eps)) as unknown;
    const o = (out !== null && typeof out === 'object' ? out : {}) as Partial<CvaeOutput>;
    if (!('mean' in o && 'logVar' in o && 'logits' in o)) {
      throw new WrongAnswer('cvaeForward did not return { mean, logVar, logits }', describeValue(out), 'return an object { mean, logVar, logits } of tensors');
    }
    return { mean: asMatrix(readTensor('mean', o.mean)), logVar: asMatrix(readTensor('logVar', o.logVar)), logits: asMatrix(readTensor('logits', o.logits)) };
  } finally {
    encoder.dispose();
    decoder.dispose();
  }
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => run(fn, p));
}

// ------------------------------------------------------------------ the judge

function probe(rng: Rng, batch: number, labels?: number[], base?: Probe): Probe {
  if (base) return { ...base, labels: labels ?? base.labels };
  const inputDim = 10 + rng.int(15);
  const latentDim = 2 + rng.int(4);
  return {
    inputDim,
    latentDim,
    seed: rng.int(1000),
    x: matrix([batch, inputDim], Array.from({ length: batch * inputDim }, () => (rng.next() < 0.3 ? rng.next() : 0))),
    labels: labels ?? Array.from({ length: batch }, () => rng.int(CLASSES)),
    eps: randn(rng, [batch, latentDim]),
  };
}

/** What the usual mistakes compute on a probe. */
function mistakes(p: Probe): { logits: number[]; hint: string }[] {
  const labelsFirst: Fn = (enc, dec, x, labels, eps) => {
    const y = oneHotOf(labels);
    const [mean, logVar] = enc.apply(tf.concat([y, x], 1)) as tf.Tensor2D[];
    return { mean, logVar, logits: dec.apply(tf.concat([y, reparameterize(mean, logVar, eps)], 1)) as tf.Tensor2D };
  };
  const sigmaAsVar: Fn = (enc, dec, x, labels, eps) => {
    const y = oneHotOf(labels);
    const [mean, logVar] = enc.apply(tf.concat([x, y], 1)) as tf.Tensor2D[];
    return { mean, logVar, logits: dec.apply(tf.concat([tf.add(mean, tf.mul(tf.exp(logVar), eps)), y], 1)) as tf.Tensor2D };
  };
  const blind: Fn = (enc, dec, x, labels, eps) => {
    const y = oneHotOf(labels);
    const [mean, logVar] = enc.apply(tf.concat([x, y], 1)) as tf.Tensor2D[];
    return { mean, logVar, logits: dec.apply(tf.concat([reparameterize(mean, logVar, eps), tf.zerosLike(y)], 1)) as tf.Tensor2D };
  };
  return [
    { logits: run(blind, p).logits.values, hint: 'the decoder ignores the label: feed it tf.concat([z, y], 1) with the one-hot labels' },
    { logits: run(labelsFirst, p).logits.values, hint: 'append the label after the pixels and after the code, tf.concat([x, y], 1) and tf.concat([z, y], 1), as the networks were trained' },
    { logits: run(sigmaAsVar, p).logits.values, hint: 'z = mean + σ ⊙ eps with σ = exp(logVar / 2), the standard deviation (chapter 3)' },
  ];
}

const shapeHint = 'a network was fed an input of the wrong width: the encoder reads [x, one-hot y] (inputDim + 10 columns), the decoder [z, one-hot y] (latentDim + 10)';

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const batch = 6;
  const base = probe(rng, batch);
  const main = ask(base);
  // The same images and noise with other labels: each network's output must change with them.
  const relabelled = ask(probe(rng, batch, base.labels.map((l) => (l + 1 + rng.int(CLASSES - 1)) % CLASSES), base));
  const onError = (e: { message: string }) => (/shape|Shape|expected|incompatible/.test(e.message) ? shapeHint : undefined);
  return {
    probes,
    judge(run2, answers) {
      const ref = (i: number) => run(cvaeForward, probes[i]);
      const got = (i: number) => unwrap(answers[i]) as { mean: Matrix; logVar: Matrix; logits: Matrix };
      run2.core('mean and logVar: the encoder reads the images with their one-hot labels', () => {
        const [r, g] = [ref(main), got(main)];
        const m = compareTensor(r.mean, g.mean, { hint: 'encoder.apply(tf.concat([x, y], 1)) with y = tf.oneHot(labels, 10) as floats gives [mean, logVar]' });
        return m.passed ? compareTensor(r.logVar, g.logVar, { hint: 'the encoder\'s second output is logVar' }) : m;
      }, onError);
      run2.core(`logits [${batch}, ${base.inputDim}]: the decoder reads z = mean + σ ⊙ eps with the one-hot labels`, () => {
        const p = probes[main];
        return compareTensor(ref(main).logits, got(main).logits, { hint: 'decoder.apply(tf.concat([z, y], 1)), z from the probe\'s eps', alternatives: mistakes(p).map((m) => ({ values: m.logits, hint: m.hint })) });
      }, onError);
      run2.case('other labels, same images and noise: the code and the logits change', () => {
        const [a, b] = [got(main), got(relabelled)];
        const same = (u: Matrix, v: Matrix) => u.values.length === v.values.length && u.values.every((x, i) => x === v.values[i]);
        if (same(a.mean, b.mean)) return fail('a different mean', 'the same mean', 'the encoder ignores the label: feed it tf.concat([x, y], 1)');
        if (same(a.logits, b.logits)) return fail('different logits', 'the same logits', 'the decoder ignores the label: feed it tf.concat([z, y], 1)');
        const r = ref(relabelled);
        return compareTensor(r.logits, b.logits, { hint: 'the labels of this probe differ: build the one-hot from the labels given', alternatives: mistakes(probes[relabelled]).map((m) => ({ values: m.logits, hint: m.hint })) });
      }, onError);
      run2.case('one row per example', () => {
        const g = got(main);
        return g.logits.shape.join() === `${batch},${base.inputDim}` ? PASS : fail(`[${batch}, ${base.inputDim}]`, fmtShape(g.logits.shape), 'the decoder\'s output is one row of logits per example');
      }, onError);
    },
  };
}

// ------------------------------------------------------------------ the notebook

/** Labels as one-hot rows, [n, 10] floats. */
export function oneHotOf(labels: number[]): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() as tf.Tensor2D;
}

/** The conditional VAE's forward pass (chapter 6): [x, y] → (mean, logVar), z = mean + σ ⊙ eps, [z, y] → logits. */
export function cvaeForward(encoder: tf.LayersModel, decoder: tf.LayersModel, x: tf.Tensor2D, labels: number[], eps: tf.Tensor2D) {
  const y = oneHotOf(labels); // [batch, 10]
  const [mean, logVar] = encoder.apply(tf.concat([x, y], 1)) as tf.Tensor2D[]; // [batch, latentDim] each
  const z = reparameterize(mean, logVar, eps); // [batch, latentDim]
  const logits = decoder.apply(tf.concat([z, y], 1)) as tf.Tensor2D; // [batch, inputDim]
  return { mean, logVar, logits };
}

export const notebook: ExerciseNotebook = {
  text: `
    The conditional VAE of chapter 6 conditions the encoder and the decoder on the label $y$, $q_\\phi(z \\mid x, y)$ and
    $p_\\theta(x \\mid z, y)$, with the prior $\\mathcal{N}(0, I)$; the simplest way is to append the label, as a one-hot
    vector of the ten digits, to each network's input — after the pixels for the encoder, after the code for the
    decoder.

    Implement \`cvaeForward(encoder, decoder, x, labels, eps)\`: \`encoder\` reads \`[batch, inputDim + 10]\` and gives
    \`[mean, logVar]\`; \`decoder\` reads \`[batch, latentDim + 10]\` and gives logits; \`labels\` are the digits (numbers
    0–9), \`eps\` the standard normal noise of the reparameterized sample. Return \`{ mean, logVar, logits }\`.
    \`tf.oneHot\`, \`tf.concat\` and your \`reparameterize\` of chapter 3 (\`vae.reparameterize\` here) are the pieces.
    The check builds networks of its own, and also relabels the same images to see that both networks use the label.
  `,
  stub: `
    function cvaeForward(encoder: tf.LayersModel, decoder: tf.LayersModel, x: tf.Tensor2D, labels: number[], eps: tf.Tensor2D) {
      // Return { mean, logVar, logits }: the encoder's outputs for the images with their labels, and the decoder's
      // logits for the code z drawn with the noise eps, with the labels.
      throw new Error('TODO: implement cvaeForward');
    }
  `,
  // The judge runs the same forward pass in the grader's process, so it imports reparameterize; the notebook's cell
  // takes it from the set-up cell's \`vae\`.
  solution: { module: 'coursework/exercises/cvae', functions: ['oneHotOf', 'cvaeForward'], inline: { 'reparameterize(mean, logVar, eps)': 'vae.reparameterize(mean, logVar, eps)' } },
  check: 'check.cvaeForward(cvaeForward);',
};
