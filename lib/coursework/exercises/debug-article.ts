/**
 * Exercise `debug-article` (chapter 8): the article's VAE, ported to TF.js with its mistakes, is the answer cell,
 * and the student fixes it. It is judged by behaviour, never by its text: the grader builds the student's model,
 * runs a batch of images through it and the loss, looks for each mistake's symptom (no forward pass, images not
 * flattened, a one-dimensional code, outputs read as probabilities, a per-pixel mean next to a summed KL), and
 * trains it, asking for a test −ELBO under a bound.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { bernoulliLogLikelihood, klDivergence, reparameterize } from '../../model/distributions';
import { seededInit } from '../../model/init';
import { elbo } from '../../model/elbo';
import { toTensor, type Dataset } from '../../data/dataset';
import { embeddedData } from '../../data/embedded';
import { CheckPlan, CheckRun, PASS, fail, fmtNum, fmtShape, fmtValues, probeList, unwrap, WrongAnswer } from '../runner';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, describeValue, readTensor, runAnswer, t2, trainShort } from '../answering';

export const exercise = {
  id: 'debug-article',
  chapter: '08-the-article',
  order: 1,
  title: "Debug the article's VAE",
  symbol: 'articleVae',
  check: 'debugArticle',
  points: 5,
  inlineSeed: 23,
  library: [],
  debugging: true,
} as const satisfies ExerciseSpec;

/** What `articleVae(seed)` returns: a fresh model (its encoder and decoder hold the weights) and its loss. */
export interface ArticleParts {
  model: { apply(x: tf.Tensor): unknown; encoder: tf.LayersModel; decoder: tf.LayersModel };
  loss: (x: tf.Tensor2D, xHat: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Scalar;
}
export type Fn = (seed: number) => ArticleParts;

/**
 * The training the grader gives the fixed model, and the bound its test −ELBO must be under. The bound only says
 * that the model trains, with a margin over what the solution reaches on any seed and backend; after so short a
 * run the article's per-pixel mean is not far behind, so the loss case, not the bound, is what sees that mistake
 * (both measured by `npx tsx scripts/bench/article-bound.ts`, docs/testing.md).
 */
export const ARTICLE_TRAINING = { digits: 2000, epochs: 3, batchSize: 128, learningRate: 1e-3, bound: 235 } as const;

export type Probe =
  | { kind: 'forward'; seed: number; x: Matrix }
  | { kind: 'saturated'; seed: number; x: Matrix; logits: Matrix; mean: Matrix; logVar: Matrix }
  | { kind: 'train'; seed: number };

export function schema(p: Probe): Schema {
  if (p.kind === 'forward') return { object: { xHat: 'tensor', mean: 'tensor', logVar: 'tensor', loss: 'number' } };
  if (p.kind === 'saturated') return 'number';
  return { object: { testNegElbo: 'number', steps: 'number' } };
}

/** The student's model and loss for `seed`, or a WrongAnswer saying what came back instead. */
function parts(fn: Fn, seed: number): ArticleParts {
  const out = callStudent('articleVae', fn, seed) as unknown;
  const o = (out !== null && typeof out === 'object' ? out : {}) as Partial<ArticleParts>;
  if (!o.model || typeof o.model.apply !== 'function' || typeof o.loss !== 'function') {
    throw new WrongAnswer('articleVae(seed) did not return { model, loss }', describeValue(out), 'keep the last function of the cell: articleVae(seed) returns { model: new ArticleVae(seed), loss: articleLoss }');
  }
  return o as ArticleParts;
}

/** One forward pass of the student's model on images [batch, 28, 28, 1], as its training loop would run it. */
function forward(p: ArticleParts, x: tf.Tensor2D): tf.Tensor2D[] {
  const images = tf.reshape(x, [x.shape[0], 28, 28, 1]); // [batch, 28, 28, 1]: as an image loader hands them over
  const out = callStudent('model.apply', (i: tf.Tensor) => p.model.apply(i), images) as unknown;
  if (!Array.isArray(out) || out.length !== 3 || !out.every((t) => t instanceof tf.Tensor)) {
    throw new WrongAnswer('model.apply(images) did not return [xHat, mean, logVar]', Array.isArray(out) ? `an array of ${out.length}` : describeValue(out),
      'a tf.layers.Layer without call() returns its input: give the model a call(inputs) that encodes, samples z and decodes, returning [xHat, mean, logVar]');
  }
  return out as tf.Tensor2D[];
}

/** The trainable variables of the student's model (its encoder's and decoder's weights). */
function variablesOf(p: ArticleParts): tf.Variable[] {
  const weights = [...(p.model.encoder?.trainableWeights ?? []), ...(p.model.decoder?.trainableWeights ?? [])];
  if (weights.length === 0) throw new WrongAnswer('the model has no encoder and decoder weights', 'none', 'keep the model\'s `encoder` and `decoder` fields: the grader trains their weights');
  return weights.map((w) => w.read() as tf.Variable);
}

function disposeParts(p: ArticleParts): void {
  p.model.encoder?.dispose();
  p.model.decoder?.dispose();
}

/** Trains the student's model as ARTICLE_TRAINING says and measures its −ELBO on the held-out digits (logits read as such). */
function trainAndTest(p: ArticleParts, data: { train: Dataset; test: Dataset }, seed: number): { testNegElbo: number; steps: number } {
  const lossOf = (x: tf.Tensor2D) => {
    const [xHat, mean, logVar] = forward(p, x);
    return callStudent('loss', p.loss, x, xHat, mean, logVar) as tf.Scalar;
  };
  const { steps, lastLoss } = trainShort(variablesOf(p), lossOf, data.train, ARTICLE_TRAINING, seed);
  if (!Number.isFinite(lastLoss)) return { testNegElbo: lastLoss, steps };
  const x = toTensor(data.test);
  const [xHat, mean, logVar] = forward(p, x);
  const terms = elbo(x, { mean, logVar, logits: xHat });
  return { testNegElbo: -terms.elbo.dataSync()[0], steps };
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => {
    const ps = parts(fn, p.seed);
    try {
      if (p.kind === 'train') return trainAndTest(ps, embeddedData({ limit: ARTICLE_TRAINING.digits }), p.seed);
      if (p.kind === 'saturated') {
        const value = readTensor('loss(x, xHat, mean, logVar)', callStudent('loss', ps.loss, t2(p.x), t2(p.logits), t2(p.mean), t2(p.logVar)));
        return value.values[0];
      }
      const x = t2(p.x);
      const [xHat, mean, logVar] = forward(ps, x);
      const loss = readTensor('loss(x, xHat, mean, logVar)', callStudent('loss', ps.loss, x, xHat, mean, logVar));
      return { xHat: asMatrix(readTensor('xHat', xHat)), mean: asMatrix(readTensor('mean', mean)), logVar: asMatrix(readTensor('logVar', logVar)), loss: loss.values[0] };
    } finally {
      disposeParts(ps);
    }
  });
}

/** The negative ELBO of outputs read as logits, and the article's two mistakes on the same outputs. */
function lossesOf(x: Matrix, xHat: Matrix, mean: Matrix, logVar: Matrix): { elbo: number; pixelMean: number; probabilities: number; both: number } {
  return tf.tidy(() => {
    const [xs, out, m, lv] = [t2(x), t2(xHat), t2(mean), t2(logVar)];
    const kl = tf.mean(klDivergence(m, lv)).dataSync()[0];
    const recon = -tf.mean(bernoulliLogLikelihood(xs, out)).dataSync()[0];
    // The outputs read as probabilities (clipped as TF.js's binaryCrossentropy does), summed over pixels.
    const p = tf.clipByValue(out, 1e-7, 1 - 1e-7);
    const bce = -tf.mean(tf.sum(tf.add(tf.mul(xs, tf.log(p)), tf.mul(tf.sub(1, xs), tf.log(tf.sub(1, p)))), 1)).dataSync()[0];
    return { elbo: recon + kl, pixelMean: recon / x.shape[1] + kl, probabilities: bce + kl, both: bce / x.shape[1] + kl };
  });
}

/** Why a forward pass failed, from the student's error. */
function forwardHint(message: string): string | undefined {
  if (/not iterable/.test(message)) return 'the model has no forward pass: give it call(inputs) returning [xHat, mean, logVar]';
  if (/value 784/.test(message)) return 'the images reach the first fully connected layer as [batch, 28, 28, 1]: flatten them to [batch, 784] first';
  if (/value 20\b/.test(message)) return 'the encoder\'s head gives a code of one dimension: it needs a mean and a log-variance for each of the 20 latent dimensions';
  return undefined;
}

const close = (a: number, b: number, rtol = 1e-3) => Math.abs(a - b) <= rtol * Math.abs(b) + 1e-3;

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const seed = rng.int(1000);
  // Images with the statistics of digits (mostly blank, some ink), drawn afresh: the loss is judged on the outputs
  // the student's model gives for them, whatever they show.
  const batch = 8;
  const digits = matrix([batch, 784], Array.from({ length: batch * 784 }, () => (rng.next() < 0.2 ? rng.next() : 0)));
  const fwd = ask({ kind: 'forward', seed, x: digits });
  // Saturated logits: ±40, against the pixel's value for a third of them (a confident mistake), with it otherwise.
  const n = 4;
  const dim = 784;
  const xs: number[] = [];
  const logits: number[] = [];
  for (let i = 0; i < n * dim; i++) {
    const ink = rng.next() < 0.2 ? 1 : 0;
    xs.push(ink);
    const agree = rng.next() < 2 / 3;
    logits.push((ink === 1) === agree ? 40 : -40);
  }
  const small = (k: number) => matrix([n, 20], Array.from({ length: n * 20 }, () => k * (rng.next() - 0.5)));
  const sat = ask({ kind: 'saturated', seed, x: matrix([n, dim], xs), logits: matrix([n, dim], logits), mean: small(1), logVar: small(0.5) });
  const trained = ask({ kind: 'train', seed });
  const t = ARTICLE_TRAINING;
  return {
    probes,
    judge(run: CheckRun, answers: Answer[]) {
      const onError = (e: { message: string }) => forwardHint(e.message);
      let out: { xHat: Matrix; mean: Matrix; logVar: Matrix; loss: number } | undefined;
      run.case('model.apply(images of [batch, 28, 28, 1]) returns [xHat, mean, logVar]', () => {
        out = unwrap(answers[fwd]) as typeof out;
        return PASS;
      }, onError);
      run.case('a code of 20 dimensions: mean and logVar are [batch, 20]', () => {
        if (!out) return fail(`[${batch}, 20]`, 'no forward pass', 'fix the forward pass first');
        const ok = [out.mean, out.logVar].every((m) => m.shape.length === 2 && m.shape[0] === batch && m.shape[1] === 20);
        return ok ? PASS : fail(`[${batch}, 20] and [${batch}, 20]`, `${fmtShape(out.mean.shape)} and ${fmtShape(out.logVar.shape)}`, 'the head needs 2 × 20 outputs, split into a mean and a log-variance of 20 each');
      });
      run.case('one output per pixel: xHat is [batch, 784]', () => {
        if (!out) return fail(`[${batch}, 784]`, 'no forward pass', 'fix the forward pass first');
        return out.xHat.shape.length === 2 && out.xHat.shape[0] === batch && out.xHat.shape[1] === dim ? PASS : fail(`[${batch}, 784]`, fmtShape(out.xHat.shape), 'the decoder ends with 784 outputs, one per pixel');
      });
      run.core('the loss is the negative ELBO of the outputs read as logits (sums over pixels and code, mean over the batch)', () => {
        if (!out) return fail('a loss', 'no forward pass', 'fix the forward pass first');
        const shapesOk = out.mean.shape[1] === 20 && out.xHat.shape[1] === dim;
        if (!shapesOk) return fail('outputs of the right shapes', 'other shapes', 'fix the shapes first');
        const l = lossesOf(digits, out.xHat, out.mean, out.logVar);
        if (!Number.isFinite(out.loss)) return fail(fmtNum(l.elbo), fmtNum(out.loss), 'the loss takes the log of numbers outside (0, 1): the decoder\'s outputs are logits, and the cross-entropy on logits is softplus(ℓ) − xℓ (chapter 2)');
        if (close(out.loss, l.elbo)) return PASS;
        if (close(out.loss, l.pixelMean)) return fail(fmtNum(l.elbo), fmtNum(out.loss), 'the cross-entropy is averaged over the 784 pixels while the KL is summed: that is β = 784. Sum over the pixels (chapter 3, "The loss we minimise")');
        if (close(out.loss, l.probabilities, 1e-2)) return fail(fmtNum(l.elbo), fmtNum(out.loss), 'the loss reads the decoder\'s outputs as probabilities: read them as logits, with the stable cross-entropy (vae.bernoulliLogLikelihood)');
        if (close(out.loss, l.both, 1e-2)) return fail(fmtNum(l.elbo), fmtNum(out.loss), 'the loss reads the decoder\'s outputs as probabilities (TF.js\'s binaryCrossentropy clips them into (0, 1) and their gradient vanishes there): read them as logits, with the stable cross-entropy (vae.bernoulliLogLikelihood); and it averages over the pixels');
        return fail(fmtNum(l.elbo), fmtNum(out.loss), 'loss = mean over the batch of (Σ_pixels [softplus(ℓ) − xℓ] + KL(q(z|x) ‖ N(0, I)))');
      });
      run.case('the loss stays finite and right where logits saturate (|ℓ| = 40)', () => {
        const p = probes[sat];
        if (p.kind !== 'saturated') return fail(undefined, undefined, 'internal: wrong probe');
        const got = unwrap(answers[sat]) as number;
        const l = lossesOf(p.x, p.logits, p.mean, p.logVar);
        if (!Number.isFinite(got)) return fail(fmtNum(l.elbo), fmtNum(got), 'a sigmoid in float32 is exactly 1 above ℓ ≈ 17, and log(1 − 1) = −∞: compute the cross-entropy from the logits, softplus(ℓ) − xℓ (chapter 2)');
        return close(got, l.elbo) ? PASS : fail(fmtNum(l.elbo), fmtNum(got), 'the cross-entropy of a logit ℓ is softplus(ℓ) − xℓ, summed over the pixels');
      });
      run.core(`trained ${t.epochs} epochs on ${t.digits} digits, the test −ELBO is under ${t.bound} nats`, () => {
        const got = unwrap(answers[trained]) as { testNegElbo: number; steps: number };
        if (!Number.isFinite(got.testNegElbo)) return fail(`under ${t.bound}`, `${fmtNum(got.testNegElbo)} after ${got.steps} steps`, 'the loss became NaN or infinite during training: see the cases above');
        return got.testNegElbo < t.bound ? PASS : fail(`under ${t.bound}`, fmtValues([got.testNegElbo]), 'the model trains but poorly: check the loss against the negative ELBO above, and that every mistake is fixed');
      }, onError);
    },
  };
}

// ------------------------------------------------------------------ the notebook: the buggy port and its fix

// The notebook's \`vae\` (its set-up cell: \`import * as vae from './lib/index'\`), as far as the solution uses it.
declare const vae: {
  Rng: typeof Rng;
  seededInit: typeof seededInit;
  reparameterize: typeof reparameterize;
  klDivergence: typeof klDivergence;
  bernoulliLogLikelihood: typeof bernoulliLogLikelihood;
};

/** A fully connected layer initialised like PyTorch's nn.Linear(fanIn, units), its weights drawn from `seed`. */
export function linear(seed: number, fanIn: number, units: number, activation: 'relu' | 'linear' = 'linear') {
  return tf.layers.dense({ inputShape: [fanIn], units: units, activation: activation, ...vae.seededInit(new vae.Rng(seed), fanIn) });
}

/** The article's VAE, fixed: a forward pass, flattened images, a mean and a log-variance per latent dimension. */
export class ArticleVae extends tf.layers.Layer {
  static className = 'ArticleVae';
  readonly latentDim = 20;
  readonly encoder: tf.Sequential;
  readonly decoder: tf.Sequential;
  private noise = new vae.Rng(0);

  constructor(seed: number) {
    super({});
    const rng = new vae.Rng(seed);
    this.noise = new vae.Rng(rng.seed());
    this.encoder = tf.sequential({ layers: [
      linear(rng.seed(), 784, 400, 'relu'),
      linear(rng.seed(), 400, 16, 'relu'),
      linear(rng.seed(), 16, 2 * this.latentDim), // a mean and a log-variance per latent dimension
    ] });
    this.decoder = tf.sequential({ layers: [
      linear(rng.seed(), this.latentDim, 16, 'relu'),
      linear(rng.seed(), 16, 400, 'relu'),
      linear(rng.seed(), 400, 784), // logits
    ] });
  }

  /** The forward pass: images → [batch, 784] → (mean, logVar) → z = mean + σ ⊙ ε → logits. */
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const images = Array.isArray(inputs) ? inputs[0] : inputs;
    const x = tf.reshape(images, [images.shape[0], -1]); // [batch, 784]
    const [mean, logVar] = tf.split(this.encoder.apply(x) as tf.Tensor2D, 2, 1) as tf.Tensor2D[]; // [batch, 20] each
    const z = vae.reparameterize(mean, logVar, undefined, this.noise.seed()); // [batch, 20]
    return [this.decoder.apply(z) as tf.Tensor2D, mean, logVar];
  }
}

/** The negative ELBO: the cross-entropy of the logits summed over pixels, plus the KL summed over the code; mean over the batch. */
export function articleLoss(x: tf.Tensor2D, xHat: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(vae.klDivergence(mean, logVar), vae.bernoulliLogLikelihood(x, xHat))) as tf.Scalar);
}

/** What the grader calls: a fresh model and the loss its training step minimises. */
export function articleVae(seed: number) {
  return { model: new ArticleVae(seed), loss: articleLoss };
}

/** The article's model as ported, mistakes and all: the student's starting point. */
const BUGGY_PORT = `
  /** A fully connected layer initialised like PyTorch's nn.Linear(fanIn, units), its weights drawn from \`seed\`. */
  function linear(seed: number, fanIn: number, units: number, activation: 'relu' | 'linear' = 'linear') {
    return tf.layers.dense({ inputShape: [fanIn], units: units, activation: activation, ...vae.seededInit(new vae.Rng(seed), fanIn) });
  }

  /** The article's VAE. */
  class ArticleVae extends tf.layers.Layer {
    static className = 'ArticleVae';
    readonly latentDim = 20;
    readonly encoder: tf.Sequential;
    readonly decoder: tf.Sequential;
    private noise = new vae.Rng(0);

    constructor(seed: number) {
      super({});
      const rng = new vae.Rng(seed);
      this.noise = new vae.Rng(rng.seed());
      this.encoder = tf.sequential({ layers: [
        linear(rng.seed(), 784, 400, 'relu'),
        linear(rng.seed(), 400, 16, 'relu'),
        linear(rng.seed(), 16, 2),
      ] });
      this.decoder = tf.sequential({ layers: [
        linear(rng.seed(), this.latentDim, 16, 'relu'),
        linear(rng.seed(), 16, 400, 'relu'),
        linear(rng.seed(), 400, 784),
      ] });
    }

    encode(x: tf.Tensor): tf.Tensor2D[] {
      return tf.split(this.encoder.apply(x) as tf.Tensor2D, 2, 1) as tf.Tensor2D[]; // [mean, logVar]
    }

    reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
      return vae.reparameterize(mean, logVar, undefined, this.noise.seed());
    }

    decode(z: tf.Tensor2D): tf.Tensor2D {
      return this.decoder.apply(z) as tf.Tensor2D;
    }
  }

  /** The loss of one training step: binary cross-entropy plus the KL divergence. */
  function articleLoss(x: tf.Tensor2D, xHat: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
    const bce = tf.mean(tf.metrics.binaryCrossentropy(x, xHat));
    const kl = tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1)));
    return tf.add(bce, kl) as tf.Scalar;
  }

  /** What the grader calls: a fresh model and the loss its training step minimises. */
  function articleVae(seed: number) {
    return { model: new ArticleVae(seed), loss: articleLoss };
  }
`;

export const notebook: ExerciseNotebook = {
  text: `
    The cell below is the article's PyTorch VAE ported to TF.js with its mistakes, as chapter 8 of the book found
    them — but without the chapter's comments. A \`tf.layers.Layer\` plays the part of PyTorch's \`nn.Module\`:
    \`model.apply(images)\` runs the layer's \`call()\`, as calling a module runs its \`forward()\`. The article's
    training loop does this with each batch:

    \`\`\`ts
    const images = x.reshape([batch, 28, 28, 1]);              // images as a loader hands them over
    const [xHat, mean, logVar] = model.apply(images);            // the forward pass
    const cost = loss(x, xHat, mean, logVar);                    // x: [batch, 784], pixels in [0, 1]
    \`\`\`

    Find and fix every mistake until the model trains: run the next cells, read each error, fix it, run again. Keep
    the names (\`ArticleVae\` with its \`encoder\` and \`decoder\`, \`articleLoss\`, \`articleVae\`) and the latent size
    of 20. The check (and the grader) builds \`articleVae(seed)\`, runs a batch of images through it and the loss,
    looks for each mistake's symptom, then trains the model for ${ARTICLE_TRAINING.epochs} epochs on
    ${ARTICLE_TRAINING.digits} digits (Adam ${ARTICLE_TRAINING.learningRate}, batches of ${ARTICLE_TRAINING.batchSize})
    and asks for a test −ELBO under ${ARTICLE_TRAINING.bound} nats. There are five mistakes; the last one does not stop
    the code, but the check sees it.
  `,
  stub: BUGGY_PORT,
  solution: { module: 'coursework/exercises/debug-article', functions: ['linear', 'ArticleVae', 'articleLoss', 'articleVae'] },
  after: [
    {
      kind: 'demo',
      code: `
        // One step of the article's training loop, on one batch: where does it stop?
        const { train: digits } = vae.loadData({ limit: 1000 });
        const xBatch = vae.toTensor(vae.subset(digits, 128)); // [128, 784]
        try {
          const { model, loss } = articleVae(0);
          const [xHat, mean, logVar] = model.apply(xBatch.reshape([128, 28, 28, 1])) as tf.Tensor2D[];
          console.log('loss:', loss(xBatch, xHat, mean, logVar).dataSync()[0]);
        } catch (e) {
          console.log(String(e));
        }
      `,
    },
    { kind: 'check', code: 'check.debugArticle(articleVae);' },
  ],
};
