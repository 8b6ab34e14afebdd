/**
 * Exercise `networks` (chapter 4): the student builds the encoder q(z|x) and the decoder p(x|z) of chapter 3 as
 * TF.js layers models — x → Dense(hidden, ReLU) → two linear heads (mean, logVar); z → Dense(hidden, ReLU) →
 * Dense(inputDim) logits — for the sizes the grader asks for. Judged by behaviour, never by the text: output
 * shapes, parameter counts, non-linear hidden layers and linear outputs, gradients reaching every weight, the
 * same weights from the same seed, and the networks trained by the grader reaching a test −ELBO under a bound.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { seededInit } from '../../model/init';
import { createEncoder } from '../../model/encoder';
import { createDecoder } from '../../model/decoder';
import { DEFAULT_VAE_CONFIG, VAE } from '../../model/vae';
import { elbo } from '../../model/elbo';
import { toTensor } from '../../data/dataset';
import { embeddedData } from '../../data/embedded';
import { CheckPlan, CheckRun, Outcome, PASS, fail, fmtNum, fmtShape, fmtValues, probeList, unwrap, WrongAnswer } from '../runner';
import { randn } from '../inputs';
import { Answer, Matrix, Schema, matrix } from '../protocol';
import { asMatrix, callStudent, describeValue, readTensor, runAnswer, t2, trainShort } from '../answering';

export const exercise = {
  id: 'networks',
  chapter: '04-training',
  order: 1,
  title: 'The encoder and decoder networks',
  symbol: 'vaeNetworks',
  check: 'vaeNetworks',
  points: 4,
  inlineSeed: 29,
  // The library's builders (createEncoder, createDecoder, createVAE) cannot be taken out of this chapter's graded
  // kernel: its β sweep trains models built by them. The judge recognises their layers by name instead.
  library: [],
} as const satisfies ExerciseSpec;

/** The sizes the grader asks for, and the seed of the weights. */
export interface NetworkSizes {
  inputDim: number;
  hiddenDim: number;
  latentDim: number;
  seed: number;
}

export interface Networks {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}

export type Fn = (sizes: NetworkSizes) => Networks;

/**
 * The training the grader gives the student's networks (the sizes of the β sweep's quick model: one hidden layer
 * of 256, a code of 10), and the bound the test −ELBO must be under: a margin over what the solution reaches on
 * any seed (`npx tsx scripts/bench/networks-bound.ts`, docs/testing.md).
 */
export const NETWORK_TRAINING = { digits: 2000, epochs: 3, batchSize: 128, learningRate: 1e-3, inputDim: 784, hiddenDim: 256, latentDim: 10, bound: 235 } as const;

/** Names of the layers the library's createEncoder and createDecoder give (lib/model/encoder.ts, decoder.ts). */
const LIBRARY_LAYERS = ['enc_dense_0', 'enc_mean', 'enc_logvar', 'dec_dense_0', 'dec_logits'];

export type Probe =
  | { kind: 'build'; sizes: NetworkSizes; x: Matrix; z: Matrix }
  | { kind: 'train'; sizes: NetworkSizes };

/** What a build probe reports: the outputs, the parameter counts, which weights get a gradient, determinism. */
interface Built {
  encoderOutputs: number;
  mean: Matrix;
  logVar: Matrix;
  logits: Matrix;
  encoderParams: number;
  decoderParams: number;
  /** Per trainable weight (encoder's, then decoder's): 1 when the loss's gradient reaches it, else 0. */
  gradients: number[];
  /** The same seed built the same networks (their outputs on x and z agree exactly). */
  sameSeedSame: boolean;
  /** Another seed built other networks. */
  otherSeedDiffers: boolean;
  libraryLayers: number;
}

interface Trained {
  testNegElbo: number;
  steps: number;
  encoderParams: number;
  decoderParams: number;
  libraryLayers: number;
}

export function schema(p: Probe): Schema {
  const counts = { encoderParams: 'number', decoderParams: 'number', libraryLayers: 'number' } as const;
  if (p.kind === 'train') return { object: { testNegElbo: 'number', steps: 'number', ...counts } };
  return {
    object: {
      encoderOutputs: 'number', mean: 'tensor', logVar: 'tensor', logits: 'tensor', ...counts,
      gradients: 'vector', sameSeedSame: 'boolean', otherSeedDiffers: 'boolean',
    },
  };
}

/** The student's networks for `sizes`, or a WrongAnswer saying what came back instead. */
function build(fn: Fn, sizes: NetworkSizes): Networks {
  const out = callStudent('vaeNetworks', fn, { ...sizes }) as unknown;
  const o = (out !== null && typeof out === 'object' ? out : {}) as Partial<Networks>;
  const isModel = (m: unknown) => m instanceof tf.LayersModel;
  if (!isModel(o.encoder) || !isModel(o.decoder)) {
    throw new WrongAnswer('vaeNetworks(sizes) did not return { encoder, decoder } as tf.LayersModel', describeValue(out),
      'return { encoder, decoder }, each built with tf.model({ inputs, outputs }) (or tf.sequential) from tf.layers');
  }
  return o as Networks;
}

/** The encoder's outputs on x: [mean, logVar], or a WrongAnswer when it has one output. */
function encode(n: Networks, x: tf.Tensor2D): tf.Tensor2D[] {
  const out = n.encoder.apply(x) as tf.Tensor | tf.Tensor[];
  if (!Array.isArray(out) || out.length !== 2) {
    throw new WrongAnswer('the encoder has one output', Array.isArray(out) ? `${out.length} outputs` : `one output of shape ${fmtShape(out.shape)}`,
      'the encoder has two outputs, the mean and the log-variance: two Dense heads on the hidden layer, tf.model({ inputs, outputs: [mean, logVar] })');
  }
  return out as tf.Tensor2D[];
}

const libraryLayersOf = (n: Networks) => [...n.encoder.layers, ...n.decoder.layers].filter((l) => LIBRARY_LAYERS.includes(l.name)).length;

function disposeNetworks(n: Networks): void {
  n.encoder.dispose();
  n.decoder.dispose();
}

/** Outputs of freshly built networks on x and z, as flat numbers (to compare two builds). */
function outputsOf(fn: Fn, sizes: NetworkSizes, x: tf.Tensor2D, z: tf.Tensor2D): number[] {
  const n = build(fn, sizes);
  try {
    return tf.tidy(() => [...encode(n, x).flatMap((t) => Array.from(t.dataSync())), ...Array.from((n.decoder.apply(z) as tf.Tensor).dataSync())]);
  } finally {
    disposeNetworks(n);
  }
}

function buildProbe(fn: Fn, p: Extract<Probe, { kind: 'build' }>): Built {
  const [x, z] = [t2(p.x), t2(p.z)];
  const n = build(fn, p.sizes);
  let built: Built;
  try {
    const out = n.encoder.apply(x) as tf.Tensor | tf.Tensor[];
    const encoderOutputs = Array.isArray(out) ? out.length : 1;
    const [mean, logVar] = encode(n, x);
    const logits = n.decoder.apply(z) as tf.Tensor2D;
    // A loss that depends on every output: each weight on a path to an output gets a non-zero gradient.
    const weights = [...n.encoder.trainableWeights, ...n.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => {
      const [m, lv] = encode(n, x);
      return tf.addN([tf.sum(tf.square(m)), tf.sum(tf.square(lv)), tf.sum(tf.square(n.decoder.apply(z) as tf.Tensor))]) as tf.Scalar;
    }, weights);
    const gradients = weights.map((w) => (grads[w.name] && tf.any(tf.notEqual(grads[w.name], 0)).dataSync()[0] ? 1 : 0));
    built = {
      encoderOutputs,
      mean: asMatrix(readTensor('mean', mean)),
      logVar: asMatrix(readTensor('logVar', logVar)),
      logits: asMatrix(readTensor('decoder(z)', logits)),
      encoderParams: n.encoder.countParams(),
      decoderParams: n.decoder.countParams(),
      gradients,
      sameSeedSame: false,
      otherSeedDiffers: false,
      libraryLayers: libraryLayersOf(n),
    };
  } finally {
    disposeNetworks(n);
  }
  const first = outputsOf(fn, p.sizes, x, z);
  const again = outputsOf(fn, p.sizes, x, z);
  const other = outputsOf(fn, { ...p.sizes, seed: p.sizes.seed + 1 }, x, z);
  built.sameSeedSame = first.length === again.length && first.every((v, i) => Object.is(v, again[i]));
  built.otherSeedDiffers = first.length !== other.length || first.some((v, i) => v !== other[i]);
  return built;
}

/** Trains the student's networks as NETWORK_TRAINING says and measures the test −ELBO. */
function trainProbe(fn: Fn, p: Extract<Probe, { kind: 'train' }>): Trained {
  const n = build(fn, p.sizes);
  try {
    const counts = { encoderParams: n.encoder.countParams(), decoderParams: n.decoder.countParams(), libraryLayers: libraryLayersOf(n) };
    const { inputDim, hiddenDim, latentDim, seed } = p.sizes;
    // The library's VAE around the student's networks: its forward pass (encode, reparameterize, decode) and loss.
    const model = new VAE({ ...DEFAULT_VAE_CONFIG, inputDim, hiddenUnits: [hiddenDim], latentDim, seed }, n.encoder, n.decoder);
    const data = embeddedData({ limit: NETWORK_TRAINING.digits });
    tf.tidy(() => encode(n, tf.zeros([1, inputDim]))); // two outputs, or a WrongAnswer saying so before training
    const lossOf = (x: tf.Tensor2D) => elbo(x, model.forward(x)).loss;
    const { steps, lastLoss } = trainShort(model.trainableWeights(), lossOf, data.train, NETWORK_TRAINING, seed);
    if (!Number.isFinite(lastLoss)) return { testNegElbo: lastLoss, steps, ...counts };
    const x = toTensor(data.test);
    return { testNegElbo: -elbo(x, model.forward(x, undefined, seed)).elbo.dataSync()[0], steps, ...counts };
  } finally {
    disposeNetworks(n);
  }
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => (p.kind === 'build' ? buildProbe(fn, p) : trainProbe(fn, p)));
}

// ------------------------------------------------------------------ the judge

/** The parameter counts of the library's networks of these sizes (the reference). */
function referenceCounts(s: NetworkSizes): { encoder: number; decoder: number } {
  const cfg = { inputDim: s.inputDim, hiddenUnits: [s.hiddenDim], latentDim: s.latentDim, seed: 0 };
  const [encoder, decoder] = [createEncoder(cfg), createDecoder(cfg)];
  const counts = { encoder: encoder.countParams(), decoder: decoder.countParams() };
  encoder.dispose();
  decoder.dispose();
  return counts;
}

/** What a wrong parameter count most likely means. */
function countHint(s: NetworkSizes, got: { encoder: number; decoder: number }): string {
  const { inputDim: d, hiddenDim: h, latentDim: k } = s;
  if (got.encoder === d * 2 * k + 2 * k || got.decoder === k * d + d) return 'a network has no hidden layer: x → Dense(hiddenDim, ReLU) → heads, and z → Dense(hiddenDim, ReLU) → Dense(inputDim)';
  if (got.encoder === d * h + h * 2 * k || got.decoder === k * h + h * d) return 'the layers have no biases (useBias: false): a Dense layer computes W·h + b';
  if (got.encoder === d * h + h + h * k + k) return 'the encoder has one head of latentDim units: it needs two, the mean and the log-variance';
  return `one hidden layer of hiddenDim = ${h} units in each network; the encoder's heads have latentDim = ${k} units each, the decoder's output inputDim = ${d}`;
}

const linearCombination = (v: Matrix, [a, b, c]: number[]) => {
  // For rows a, b = −a and c = 0 of the input: f(a) + f(−a) − 2 f(0), which is 0 for an affine map.
  const w = v.shape[1];
  let worst = 0;
  let scale = 0;
  for (let j = 0; j < w; j++) {
    const r = v.values[a * w + j] + v.values[b * w + j] - 2 * v.values[c * w + j];
    worst = Math.max(worst, Math.abs(r));
    scale = Math.max(scale, Math.abs(v.values[a * w + j]), Math.abs(v.values[c * w + j]));
  }
  return worst <= 1e-5 * Math.max(1, scale);
};

function sizesFrom(rng: Rng): NetworkSizes {
  return { inputDim: 12 + rng.int(20), hiddenDim: 6 + rng.int(12), latentDim: 2 + rng.int(5), seed: rng.int(1000) };
}

/** Rows a, −a, 0 and two more: the judge sees whether the networks are affine from the first three. */
function inputs(rng: Rng, batch: number, dim: number): Matrix {
  const m = randn(rng, [batch, dim]);
  const v = [...m.values];
  for (let j = 0; j < dim; j++) {
    v[1 * dim + j] = -v[j];
    v[2 * dim + j] = 0;
  }
  return matrix([batch, dim], v);
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const sizes = sizesFrom(rng);
  const batch = 5;
  const b = ask({ kind: 'build', sizes, x: inputs(rng, batch, sizes.inputDim), z: inputs(rng, batch, sizes.latentDim) });
  const t = NETWORK_TRAINING;
  const trained = ask({ kind: 'train', sizes: { inputDim: t.inputDim, hiddenDim: t.hiddenDim, latentDim: t.latentDim, seed: rng.int(1000) } });
  const ref = referenceCounts(sizes);
  const refTrained = referenceCounts((probes[trained] as Extract<Probe, { kind: 'train' }>).sizes);
  return {
    probes,
    judge(run: CheckRun, answers: Answer[]) {
      let got: Built | undefined;
      let library = false;
      try {
        got = unwrap(answers[b]) as Built;
        library = got.libraryLayers >= LIBRARY_LAYERS.length;
      } catch {
        // the first case reports it
      }
      const fromLibrary = fail('networks built from tf.layers', "the library's createEncoder/createDecoder (their layer names)",
        "build the networks yourself from tf.layers: vae.createEncoder, vae.createDecoder and vae.createVAE are the library's answer to this exercise");
      const needBuilt = (body: (g: Built) => Outcome) => (): Outcome => {
        const g = unwrap(answers[b]) as Built;
        return body(g);
      };
      const { inputDim: d, latentDim: k } = sizes;
      run.core(`the encoder maps x [${batch}, ${d}] to mean and logVar, [${batch}, ${k}] each`, needBuilt((g) => {
        if (library) return fromLibrary;
        const ok = [g.mean, g.logVar].every((m) => m.shape.join() === `${batch},${k}`);
        return ok ? PASS : fail(`[${batch}, ${k}] and [${batch}, ${k}]`, `${fmtShape(g.mean.shape)} and ${fmtShape(g.logVar.shape)}`, `each head has latentDim = ${k} units`);
      }));
      run.core(`the decoder maps z [${batch}, ${k}] to logits [${batch}, ${d}]`, needBuilt((g) => {
        if (library) return fromLibrary;
        return g.logits.shape.join() === `${batch},${d}` ? PASS : fail(`[${batch}, ${d}]`, fmtShape(g.logits.shape), `the decoder ends with inputDim = ${d} outputs, one logit per pixel`);
      }));
      run.core(`parameters: encoder ${ref.encoder}, decoder ${ref.decoder} (inputDim ${d}, hiddenDim ${sizes.hiddenDim}, latentDim ${k})`, needBuilt((g) => {
        if (library) return fromLibrary;
        const got2 = { encoder: g.encoderParams, decoder: g.decoderParams };
        return got2.encoder === ref.encoder && got2.decoder === ref.decoder ? PASS : fail(`${ref.encoder} and ${ref.decoder}`, `${g.encoderParams} and ${g.decoderParams}`, countHint(sizes, got2));
      }));
      run.case('the hidden layers are non-linear (ReLU)', needBuilt((g) => {
        const encAffine = linearCombination(g.mean, [0, 1, 2]) && linearCombination(g.logVar, [0, 1, 2]);
        const decAffine = linearCombination(g.logits, [0, 1, 2]);
        if (encAffine || decAffine) return fail('f(a) + f(−a) ≠ 2 f(0)', `the ${encAffine ? 'encoder' : 'decoder'} is an affine map`, "the hidden Dense layer needs activation: 'relu' (without it the network is one linear map)");
        return PASS;
      }));
      run.case('the outputs are linear: logits and a log-variance of any sign', needBuilt((g) => {
        const inUnit = (m: Matrix) => m.values.every((v) => v >= 0 && v <= 1);
        const nonNegative = (m: Matrix) => m.values.every((v) => v >= 0);
        if (inUnit(g.logits)) return fail('logits of both signs', fmtValues(g.logits.values), 'the decoder outputs logits: no sigmoid on its last layer (the loss reads logits; only generation applies the sigmoid)');
        if (nonNegative(g.logVar) || nonNegative(g.mean)) return fail('values of both signs', fmtValues(nonNegative(g.logVar) ? g.logVar.values : g.mean.values), 'the mean and log-variance heads are linear: no activation on them (log σ² < 0 is a variance below 1)');
        return PASS;
      }));
      run.case('the gradient of a loss of the outputs reaches every weight', needBuilt((g) => {
        const missing = g.gradients.filter((v) => v === 0).length;
        if (g.gradients.length === 0) return fail('trainable weights', 'none', 'the networks have no trainable weights: build them from tf.layers.dense');
        return missing === 0 ? PASS : fail('a gradient for every weight', `${missing} of ${g.gradients.length} weight tensors get none`, 'some layer is not on the path from the input to an output: every layer must feed the next (tf.model({ inputs, outputs }) keeps only what connects them)');
      }));
      run.case('the same seed gives the same weights, another seed others', needBuilt((g) => {
        if (!g.sameSeedSame) return fail('the same outputs from two builds with one seed', 'different outputs', 'draw the weights from sizes.seed: vae.seededInit(rng, fanIn) for each Dense layer, with one rng = new vae.Rng(sizes.seed)');
        return g.otherSeedDiffers ? PASS : fail('other outputs from another seed', 'the same outputs', 'the weights ignore sizes.seed: draw them from it (vae.seededInit(rng, fanIn) with rng = new vae.Rng(sizes.seed))');
      }));
      const tt = NETWORK_TRAINING;
      run.core(`trained ${tt.epochs} epochs on ${tt.digits} digits (784-${tt.hiddenDim}-${tt.latentDim}), the test −ELBO is under ${tt.bound} nats`, () => {
        const r = unwrap(answers[trained]) as Trained;
        if (r.libraryLayers >= LIBRARY_LAYERS.length) return fromLibrary;
        if (r.encoderParams !== refTrained.encoder || r.decoderParams !== refTrained.decoder) {
          return fail(`${refTrained.encoder} and ${refTrained.decoder} parameters`, `${r.encoderParams} and ${r.decoderParams}`, 'the networks must have the sizes asked for: see the parameter case above');
        }
        if (!Number.isFinite(r.testNegElbo)) return fail(`under ${tt.bound}`, `${fmtNum(r.testNegElbo)} after ${r.steps} steps`, 'the loss became NaN or infinite during training: check the heads are linear and the decoder outputs logits');
        return r.testNegElbo < tt.bound ? PASS : fail(`under ${tt.bound}`, fmtValues([r.testNegElbo]), 'the networks train poorly: check the ReLU on the hidden layers and the linear heads and output');
      });
    },
  };
}

// ------------------------------------------------------------------ the notebook

// The notebook's \`vae\` (its set-up cell: \`import * as vae from './lib/index'\`), as far as the solution uses it.
declare const vae: { Rng: typeof Rng; seededInit: typeof seededInit };

/** The encoder x → Dense(hidden, ReLU) → (mean, logVar) and the decoder z → Dense(hidden, ReLU) → logits (chapter 3). */
export function vaeNetworks(sizes: { inputDim: number; hiddenDim: number; latentDim: number; seed: number }): { encoder: tf.LayersModel; decoder: tf.LayersModel } {
  const { inputDim, hiddenDim, latentDim } = sizes;
  const rng = new vae.Rng(sizes.seed); // one generator: each layer's weights get their own seed from it
  const x = tf.input({ shape: [inputDim] });
  const h = tf.layers.dense({ units: hiddenDim, activation: 'relu', ...vae.seededInit(rng, inputDim) }).apply(x) as tf.SymbolicTensor;
  const mean = tf.layers.dense({ units: latentDim, ...vae.seededInit(rng, hiddenDim) }).apply(h) as tf.SymbolicTensor;
  const logVar = tf.layers.dense({ units: latentDim, ...vae.seededInit(rng, hiddenDim) }).apply(h) as tf.SymbolicTensor;
  const z = tf.input({ shape: [latentDim] });
  const g = tf.layers.dense({ units: hiddenDim, activation: 'relu', ...vae.seededInit(rng, latentDim) }).apply(z) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: inputDim, ...vae.seededInit(rng, hiddenDim) }).apply(g) as tf.SymbolicTensor;
  return { encoder: tf.model({ inputs: x, outputs: [mean, logVar] }), decoder: tf.model({ inputs: z, outputs: logits }) };
}

export const notebook: ExerciseNotebook = {
  text: `
    Chapter 3's networks, the model of pytorch/examples' VAE. The encoder maps an image $x$ to the parameters of
    $q_\\phi(z \\mid x) = \\mathcal{N}(\\mu(x), \\operatorname{diag} \\sigma^2(x))$ through one hidden layer,

    $$
    h = \\operatorname{ReLU}(W_1 x + b_1), \\qquad \\mu = W_2 h + b_2, \\qquad \\log \\sigma^2 = W_3 h + b_3,
    $$

    and the decoder maps a code $z$ to the logits of $p_\\theta(x \\mid z)$, one per pixel:

    $$
    g = \\operatorname{ReLU}(W_4 z + b_4), \\qquad \\ell = W_5 g + b_5 .
    $$

    Implement \`vaeNetworks(sizes)\`: it returns \`{ encoder, decoder }\`, two \`tf.LayersModel\`s — the encoder from
    \`[batch, inputDim]\` to the two outputs \`[mean, logVar]\`, the decoder from \`[batch, latentDim]\` to
    \`[batch, inputDim]\` — with \`sizes.hiddenDim\` hidden units and weights drawn from \`sizes.seed\`. The pieces:
    \`tf.input({ shape })\`, \`tf.layers.dense({ units, activation })\`, \`layer.apply(symbolicTensor)\`,
    \`tf.model({ inputs, outputs })\` (outputs may be a list), and for seeded weights the book's initialiser,
    \`vae.seededInit(rng, fanIn)\` (spread into a Dense layer's options), with \`rng = new vae.Rng(sizes.seed)\`.
    Build them yourself: \`vae.createEncoder\`, \`vae.createDecoder\` and \`vae.createVAE\` are the library's answer.

    The check (and the grader) builds your networks for sizes it draws, checks the shapes of their outputs, their
    parameter counts, that the hidden layers are non-linear and the outputs linear, that the gradient reaches every
    weight and that a seed fixes the weights; then it trains them (${NETWORK_TRAINING.inputDim}-${NETWORK_TRAINING.hiddenDim}-${NETWORK_TRAINING.latentDim},
    ${NETWORK_TRAINING.epochs} epochs on ${NETWORK_TRAINING.digits} digits, Adam ${NETWORK_TRAINING.learningRate}) and
    asks for a test −ELBO under ${NETWORK_TRAINING.bound} nats.
  `,
  stub: `
    function vaeNetworks(sizes: { inputDim: number; hiddenDim: number; latentDim: number; seed: number }): { encoder: tf.LayersModel; decoder: tf.LayersModel } {
      // Return { encoder, decoder }: the encoder a tf.LayersModel from x [batch, inputDim] to [mean, logVar], each
      // [batch, latentDim]; the decoder a tf.LayersModel from z [batch, latentDim] to logits [batch, inputDim].
      throw new Error('TODO: implement vaeNetworks');
    }
  `,
  solution: { module: 'coursework/exercises/networks', functions: ['vaeNetworks'] },
  check: 'check.vaeNetworks(vaeNetworks);',
  after: [
    {
      kind: 'demo',
      code: `
        // The book's sizes: 784-400-(20, 20) and 20-400-784.
        const { encoder, decoder } = vaeNetworks({ inputDim: 784, hiddenDim: 400, latentDim: 20, seed: 0 });
        console.log(\`encoder: \${encoder.countParams()} parameters, decoder: \${decoder.countParams()}\`);
        encoder.summary();
      `,
    },
  ],
};
