/**
 * A number for sample quality (chapter 5, "How good are the samples?"): a digit classifier trained on the
 * training digits labels images, and an image counts as *recognizable* when the classifier gives one digit a
 * probability of at least 0.9. The share of recognizable images is the score: real test digits set its ceiling,
 * noise and blank images score near zero, and a generative model's samples land in between. Its companion, the
 * evenness of the recognized labels over the ten digits, says whether the samples cover the digits or repeat a few.
 *
 * The classifier is a small MLP (784-256-10, ReLU, softmax; the one the PyTorch reference was scored with),
 * trained with the library's Adam on seeded mini-batches. It is a ruler, not a model of the book: any
 * classifier of similar accuracy gives similar scores.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { batches, Dataset } from '../data/dataset';
import { seededInit } from '../model/init';
import { checkPositiveInt, checkSeed, checkUnits } from '../model/checks';
import { adam } from './adam';
import { interruptPoint } from './interrupt';

export interface DigitClassifierConfig {
  /** Hidden Dense layers (ReLU). */
  hiddenUnits: number[];
  /** Passes over the training digits. */
  epochs: number;
  /** Examples per Adam step. */
  batchSize: number;
  /** Adam step size. */
  learningRate: number;
  /** Seed of the weights and the batch order. */
  seed: number;
  /** Number of classes (10 digits). */
  classes: number;
  /**
   * Outlier exposure (Hendrycks et al. 2019): random non-digit images added to every batch, trained towards the
   * uniform distribution over the classes, so that the classifier is not confident about pictures of nothing.
   * Without them an MLP labels most uniform-noise images with probability > 0.9. 0 = none.
   */
  outliersPerBatch: number;
  /** Weight of the outliers' cross-entropy to the uniform distribution (Hendrycks et al.: 0.5). */
  outlierWeight: number;
}

export const DEFAULT_DIGIT_CLASSIFIER: DigitClassifierConfig = {
  hiddenUnits: [256],
  epochs: 20,
  batchSize: 128,
  learningRate: 1e-3,
  seed: 0,
  classes: 10,
  outliersPerBatch: 32,
  outlierWeight: 0.5,
};

/** A trained classifier: `net` maps images [n, pixels] to class logits [n, classes]. */
export interface DigitClassifier {
  net: tf.LayersModel;
  config: DigitClassifierConfig;
}

/** The network, untrained: x [n, inputDim] → Dense hidden layers (ReLU) → logits [n, classes]. */
export function createDigitClassifier(config: Partial<DigitClassifierConfig> = {}, inputDim = 784): DigitClassifier {
  const cfg = checkConfig({ ...DEFAULT_DIGIT_CLASSIFIER, ...config });
  checkPositiveInt('createDigitClassifier', 'inputDim', inputDim);
  const rng = new Rng(cfg.seed);
  const input = tf.input({ shape: [inputDim], name: 'x' });
  let h: tf.SymbolicTensor = input;
  let fanIn = inputDim;
  cfg.hiddenUnits.forEach((units, i) => {
    h = tf.layers.dense({ units, activation: 'relu', name: `cls_dense_${i}`, ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
    fanIn = units;
  });
  const logits = tf.layers.dense({ units: cfg.classes, name: 'cls_logits', ...seededInit(rng, fanIn) }).apply(h) as tf.SymbolicTensor;
  return { net: tf.model({ inputs: input, outputs: logits, name: 'digit_classifier' }), config: cfg };
}

function checkConfig(cfg: DigitClassifierConfig): DigitClassifierConfig {
  checkUnits('digitClassifier', 'hiddenUnits', cfg.hiddenUnits);
  checkPositiveInt('digitClassifier', 'epochs', cfg.epochs);
  checkPositiveInt('digitClassifier', 'batchSize', cfg.batchSize);
  checkPositiveInt('digitClassifier', 'classes', cfg.classes);
  checkSeed('digitClassifier', cfg.seed);
  if (!(Number.isInteger(cfg.outliersPerBatch) && cfg.outliersPerBatch >= 0)) {
    throw new Error(`digitClassifier: outliersPerBatch must be an integer ≥ 0, got ${cfg.outliersPerBatch}`);
  }
  if (!(cfg.outlierWeight >= 0 && Number.isFinite(cfg.outlierWeight))) {
    throw new Error(`digitClassifier: outlierWeight must be a finite number ≥ 0, got ${cfg.outlierWeight}`);
  }
  if (!(cfg.learningRate > 0 && Number.isFinite(cfg.learningRate))) {
    throw new Error(`digitClassifier: learningRate must be a finite number > 0, got ${cfg.learningRate}`);
  }
  return cfg;
}

/** Trains a fresh classifier on labelled digits (softmax cross-entropy, Adam). Deterministic for a seed and backend. */
export async function trainDigitClassifier(train: Dataset, config: Partial<DigitClassifierConfig> = {}): Promise<DigitClassifier> {
  const classifier = createDigitClassifier(config, train.height * train.width);
  const { epochs, batchSize, learningRate, seed, classes, outliersPerBatch, outlierWeight } = classifier.config;
  const pixels = train.height * train.width;
  if (train.size < 1) throw new Error(`trainDigitClassifier: data '${train.name}' is empty`);
  for (let i = 0; i < train.size; i++) {
    if (train.labels[i] >= classes) throw new Error(`trainDigitClassifier: label ${train.labels[i]} of example ${i} is not below classes = ${classes}`);
  }
  const vars = classifier.net.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = adam({ learningRate });
  const rng = new Rng(seed ^ 0x51a551f1);
  const outlierRng = new Rng(seed ^ 0x3a7c91d5);
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const batch of batches(train, { batchSize, shuffle: true, rng })) {
        const outliers = outliersPerBatch > 0 ? outlierImages(outliersPerBatch, pixels, outlierRng) : null;
        const cost: tf.Scalar | null = tf.tidy(() => {
          const x = tf.tensor2d(batch.x, [batch.size, pixels]); // [b, 784]
          const y = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), classes); // [b, classes]
          const u = outliers ? tf.tensor2d(outliers, [outliersPerBatch, pixels]) : null; // [o, 784]
          return optimizer.minimize(() => {
            const logits = classifier.net.apply(x) as tf.Tensor2D; // [b, classes]
            const ce = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as tf.Scalar;
            if (!u) return ce;
            // Cross-entropy from the uniform distribution: −(1/K) Σ_k log p_k, averaged over the outliers.
            const toUniform = tf.neg(tf.mean(tf.logSoftmax(classifier.net.apply(u) as tf.Tensor2D))) as tf.Scalar;
            return tf.add(ce, tf.mul(toUniform, outlierWeight)) as tf.Scalar;
          }, true, vars) as tf.Scalar;
        });
        const loss = cost ? (await cost.data())[0] : NaN;
        cost?.dispose();
        interruptPoint();
        if (!Number.isFinite(loss)) throw new Error(`trainDigitClassifier: loss became ${loss} in epoch ${epoch + 1}`);
      }
    }
  } finally {
    optimizer.dispose();
  }
  return classifier;
}

/**
 * Non-digit images for outlier exposure: each has its own ink density q and brightness b, both uniform in
 * [0, 1], and every pixel is b·U(0, 1) with probability q, else 0. From blank (q = 0) to dense noise.
 */
function outlierImages(count: number, pixels: number, rng: Rng): Float32Array {
  const out = new Float32Array(count * pixels);
  for (let i = 0; i < count; i++) {
    const q = rng.next();
    const b = rng.next();
    for (let j = 0; j < pixels; j++) if (rng.next() < q) out[i * pixels + j] = b * rng.next();
  }
  return out;
}

/** Class probabilities of images (count × pixels, values in [0, 1]): count × classes, row-major. */
export function classProbabilities(classifier: DigitClassifier, images: Float32Array): Float32Array {
  const pixels = classifier.net.inputs[0].shape[1] as number;
  if (images.length === 0 || images.length % pixels !== 0) {
    throw new Error(`classProbabilities: ${images.length} values are not a whole number of images of ${pixels} pixels`);
  }
  const count = images.length / pixels;
  const classes = classifier.config.classes;
  const out = new Float32Array(count * classes);
  for (let start = 0; start < count; start += 1000) {
    const end = Math.min(start + 1000, count);
    const p = tf.tidy(() => tf.softmax(classifier.net.apply(tf.tensor2d(images.subarray(start * pixels, end * pixels), [end - start, pixels])) as tf.Tensor2D));
    out.set(p.dataSync(), start * classes);
    p.dispose();
  }
  return out;
}

/** Share of a labelled data set the classifier gets right (its most probable class is the label). */
export function classifierAccuracy(classifier: DigitClassifier, ds: Dataset): number {
  return labelAgreement(classifier, ds.images, ds.labels);
}

/** The classifier's most probable digit for each image (count × pixels): what it reads each image as. */
export function classifierLabels(classifier: DigitClassifier, images: Float32Array): Uint8Array {
  const probs = classProbabilities(classifier, images);
  const classes = classifier.config.classes;
  return Uint8Array.from({ length: probs.length / classes }, (_, i) => argmax(probs, i * classes, classes));
}

/**
 * Share of images the classifier reads as the digit given for each (`labels`, one per image): how often a
 * reconstruction keeps its class (chapter 2), or a conditional VAE draws the digit it was asked for (chapter 6).
 */
export function labelAgreement(classifier: DigitClassifier, images: Float32Array, labels: ArrayLike<number>): number {
  const read = classifierLabels(classifier, images);
  if (read.length !== labels.length) throw new Error(`labelAgreement: ${read.length} images but ${labels.length} labels`);
  let same = 0;
  for (let i = 0; i < read.length; i++) if (read[i] === labels[i]) same++;
  return same / read.length;
}

function argmax(a: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (a[offset + j] > a[offset + best]) best = j;
  return best;
}

export interface RecognizabilityOptions {
  /** Probability the classifier must give one class for an image to count (0.9). */
  threshold: number;
}

export const DEFAULT_RECOGNIZABILITY: RecognizabilityOptions = { threshold: 0.9 };

export interface Recognizability {
  /** Share of the images labelled with probability ≥ threshold: the score, in [0, 1]. */
  score: number;
  /** How many images that is. */
  recognized: number;
  /** Images scored. */
  count: number;
  /** Recognizable images per class (by the label the classifier gave): a sample set of one digit shows here. */
  perClass: number[];
  /**
   * How evenly the recognizable images spread over the classes: the entropy of `perClass` over log(classes)
   * (Pielou's evenness), 1 when every class is equally common, 0 when all are one class (0 when none is
   * recognized). The score counts confident labels, not variety; this says whether the labels cover the digits.
   */
  evenness: number;
  threshold: number;
}

/**
 * How recognizable images are as digits (chapter 5): the share that `classifier` labels with probability
 * ≥ `threshold`. Images are count × pixels values in [0, 1] (e.g. `samplePrior`'s pixel probabilities).
 */
export function recognizability(classifier: DigitClassifier, images: Float32Array, opts: Partial<RecognizabilityOptions> = {}): Recognizability {
  const { threshold } = { ...DEFAULT_RECOGNIZABILITY, ...opts };
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`recognizability: threshold must be in (0, 1], got ${threshold}`);
  const probs = classProbabilities(classifier, images);
  const classes = classifier.config.classes;
  const count = probs.length / classes;
  const perClass = new Array<number>(classes).fill(0);
  let recognized = 0;
  for (let i = 0; i < count; i++) {
    const best = argmax(probs, i * classes, classes);
    if (probs[i * classes + best] >= threshold) {
      recognized++;
      perClass[best]++;
    }
  }
  let entropy = 0;
  for (const c of perClass) if (c > 0) entropy -= (c / recognized) * Math.log(c / recognized);
  return { score: recognized / count, recognized, count, perClass, evenness: recognized > 0 ? entropy / Math.log(classes) : 0, threshold };
}
