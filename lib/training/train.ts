/**
 * The training loop (chapter 4, "Training the VAE"; β and warm-up in the same chapter):
 * Adam on the negative ELBO (VAE) or the reconstruction loss (autoencoder),
 * seeded mini-batches and noise, callbacks per batch and per epoch and a NaN/Inf guard.
 * Browser-safe: what needs Node (the progress bar, checkpoints, TensorBoard logs) is
 * added as `callbacks` by lib/training/train-node.ts, the `train` of lib/index.ts.
 *
 * Speed: one tensor per batch, `optimizer.minimize` over an explicit variable
 * list, one read-back of [loss, recon, kl] per step; everything else is
 * disposed inside minimize's tidy, so tf.memory().numTensors is flat across epochs.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { batches, Dataset } from '../data/dataset';
import { constantBeta, elbo, logLikelihood, BetaSchedule } from '../model/elbo';
import type { LearningRateSchedule } from './schedule';
import type { Model } from '../model/model';
import { evaluate, checkData, checkLikelihoodData, activeUnits } from './evaluate';
import { adam, FusedAdam } from './adam';
import { checkPositiveInt, checkSeed } from '../model/checks';
import { interruptPoint } from './interrupt';

export interface BatchLog {
  /** Epoch, from 1. */
  epoch: number;
  /** Global step (optimizer updates so far, from 1). */
  step: number;
  /** recon + β·kl of this batch, nats per example. */
  loss: number;
  /** −log p(x|z) of this batch, nats per example. */
  recon: number;
  /** KL(q(z|x) ‖ p(z)) of this batch, nats per example (0 for an autoencoder). */
  kl: number;
  /** β used at this step. */
  beta: number;
  /** Adam's step size at this step. */
  learningRate: number;
  /** Wall time of this optimisation step (batch to tensor, forward, backward, Adam, loss read-back). */
  seconds: number;
}

export interface EpochLog {
  /** Epoch, from 1. */
  epoch: number;
  /** Mean over the epoch's batches (weighted by batch size) of the training loss. */
  loss: number;
  recon: number;
  kl: number;
  /** −(recon + kl): the training ELBO. */
  elbo: number;
  /** Wall time of the epoch's optimisation steps (test evaluation and checkpoint excluded). */
  seconds: number;
  samplesPerSecond: number;
  /** Held-out terms when `testData` is given (one seeded sample of z per example); active units with `activeUnits`. */
  test?: { elbo: number; recon: number; kl: number; activeUnits?: number };
}

export interface TrainConfig {
  /** Passes over the training data. */
  epochs: number;
  /** Examples per optimizer step (the last batch of an epoch holds the remainder). */
  batchSize: number;
  /** Adam step size (Kingma & Ba 2015): a constant, or a schedule of the global step (0-based), e.g. cosineDecay(…). */
  learningRate: number | LearningRateSchedule;
  /** Seed of the batch order, the sampled binarization and the reparameterization noise. */
  seed: number;
  /** KL weight: a constant, or a schedule of the global step (0-based), e.g. klWarmup(…). */
  beta: number | BetaSchedule;
  /** Free bits λ, nats per latent dimension (lib/model/elbo.ts, chapter 4); 0 = none. */
  freeBits: number;
  /** 'sum' over pixels (the ELBO) or 'mean' (the article's bug, chapter 4; lib/model/elbo.ts). */
  pixelReduction: 'sum' | 'mean';
  /** Binarize each batch: fixed threshold 0.5, or sampled anew every epoch. */
  binarize: 'none' | 'threshold' | 'sample';
  /** Called after every step with that batch's terms; awaited when it returns a promise. */
  onBatch?: (log: BatchLog) => unknown;
  /** Called after every epoch; awaited when it returns a promise. */
  onEpoch?: (log: EpochLog) => unknown;
  /** Observers of the run, called in order before onBatch / onEpoch (the Node side adds its logs and checkpoints here). */
  callbacks?: TrainCallbacks[];
  /** Evaluated after every epoch (EpochLog.test). */
  testData?: Dataset;
  /** Also count the active units on testData after every epoch (chapter 4, collapse tracked over training). */
  activeUnits: boolean;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  epochs: 10,
  batchSize: 128,
  learningRate: 1e-3,
  seed: 0,
  beta: 1,
  freeBits: 0,
  pixelReduction: 'sum',
  binarize: 'none',
  activeUnits: false,
};

/**
 * What a run tells an observer: the progress bar, checkpoints and TensorBoard logs of lib/training/train-node.ts,
 * or a page's live curve. Each method may return a promise, which the loop awaits.
 */
export interface TrainCallbacks {
  /** Before the first step of `epoch` (from 1) of `epochs`, with the steps it will take. */
  onEpochBegin?: (epoch: number, info: { epochs: number; stepsPerEpoch: number }) => unknown;
  /** After every step. */
  onBatch?: (log: BatchLog) => unknown;
  /** After every epoch, its test terms included. */
  onEpoch?: (log: EpochLog) => unknown;
  /** When the run ends, finished or thrown (close files here). */
  onEnd?: () => unknown;
}

export interface TrainResult {
  /** One log per epoch. */
  epochs: EpochLog[];
  /** One log per step (for loss curves). */
  history: BatchLog[];
  /** Optimizer steps taken. */
  steps: number;
  /** Total wall time of the optimisation steps. */
  seconds: number;
  /** Training examples processed per second over the whole run. */
  samplesPerSecond: number;
}

/** Resolves after one event-loop turn (setImmediate in Node; setTimeout elsewhere). */
function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** The terms of one step's loss, nats per example. */
export interface StepTerms {
  loss: number;
  recon: number;
  kl: number;
}

/** What one step needs besides the model and the batch. */
export interface StepOptions {
  beta: number;
  freeBits: number;
  pixelReduction: 'sum' | 'mean';
  /** Seed of the reparameterization noise of this step. */
  noiseSeed: number;
}

/**
 * One optimizer step on the batch `x` ([batch, inputDim], not disposed here): the negative ELBO of a VAE or the
 * reconstruction loss of an autoencoder, minimized over `vars`; returns the batch's terms (one read-back).
 */
export async function trainStep(model: Model, optimizer: FusedAdam, vars: tf.Variable[], x: tf.Tensor2D, opts: StepOptions): Promise<StepTerms> {
  const { likelihood, outputLogVar } = model.config;
  const { beta, freeBits, pixelReduction, noiseSeed } = opts;
  // minimize() keeps only the loss; the closure hands out [loss, recon, kl] (kept) for logging.
  const kept: { terms?: tf.Tensor1D } = {};
  optimizer.minimize(
    () => {
      let loss: tf.Scalar;
      if (model.kind === 'vae') {
        const out = model.forward(x, undefined, noiseSeed);
        const t = elbo(x, out, { beta, likelihood, outputLogVar, freeBits, pixelReduction });
        kept.terms = tf.keep(tf.stack([t.loss, t.recon, t.kl]) as tf.Tensor1D);
        loss = t.loss;
      } else {
        const recon = tf.neg(tf.mean(logLikelihood(x, model.forward(x).logits, likelihood, outputLogVar))) as tf.Scalar;
        kept.terms = tf.keep(tf.stack([recon, recon, tf.scalar(0)]) as tf.Tensor1D);
        loss = recon;
      }
      return loss;
    },
    false,
    vars,
  );
  const terms = kept.terms;
  if (!terms) throw new Error('train: internal error, the loss closure did not run');
  const values = await terms.data();
  terms.dispose();
  const [loss, recon, kl] = Array.from(values);
  return { loss, recon, kl };
}

/** Options only lib/training/train-node.ts (the `train` of lib/index.ts) understands. */
const NODE_ONLY = ['checkpointDir', 'logDir'] as const;

/**
 * Trains `model` in place on `data` and returns the logs. Throws
 * `train: loss became NaN at epoch E, step S` as soon as a batch loss is not
 * finite (the checkpoints already written stay loadable).
 */
export async function train(model: Model, data: Dataset, opts: Partial<TrainConfig> = {}): Promise<TrainResult> {
  const cfg: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...opts };
  for (const key of NODE_ONLY) {
    if ((opts as Record<string, unknown>)[key] !== undefined) {
      throw new Error(`train: ${key} needs files, which only the Node library (lib/index.ts) writes; here, observe the run with callbacks`);
    }
  }
  checkPositiveInt('train', 'epochs', cfg.epochs);
  checkPositiveInt('train', 'batchSize', cfg.batchSize);
  checkSeed('train', cfg.seed);
  if (typeof cfg.learningRate === 'number' && (!(cfg.learningRate > 0) || !Number.isFinite(cfg.learningRate))) {
    throw new Error(`train: learningRate must be a finite number > 0, got ${cfg.learningRate}`);
  }
  if (typeof cfg.learningRate !== 'number' && typeof cfg.learningRate !== 'function') {
    throw new Error(`train: learningRate must be a number or a schedule (step → rate), got ${String(cfg.learningRate)}`);
  }
  if (!(cfg.freeBits >= 0 && Number.isFinite(cfg.freeBits))) throw new Error(`train: freeBits must be a finite number ≥ 0, got ${cfg.freeBits}`);
  if (typeof cfg.beta === 'number' && !(cfg.beta >= 0 && Number.isFinite(cfg.beta))) {
    throw new Error(`train: beta must be a finite number ≥ 0, got ${cfg.beta}`);
  }
  checkData('train', model, data);
  if (cfg.binarize === 'none') checkLikelihoodData('train', model, data); // binarized batches are 0/1, in every support
  if (cfg.testData) checkData('train (testData)', model, cfg.testData);
  if (cfg.testData) checkLikelihoodData('train (testData)', model, cfg.testData);
  if (cfg.activeUnits && !cfg.testData) throw new Error('train: activeUnits needs testData (the active units are counted on it)');

  const betaAt: BetaSchedule = typeof cfg.beta === 'number' ? constantBeta(cfg.beta) : cfg.beta;
  const rateAt: LearningRateSchedule = typeof cfg.learningRate === 'number' ? ((r: number) => () => r)(cfg.learningRate) : cfg.learningRate;
  const { freeBits, pixelReduction } = cfg;
  const orderRng = new Rng(cfg.seed);
  const noiseRng = new Rng(cfg.seed ^ 0x2545f491);
  const { inputDim } = model.config;
  const vars = model.trainableWeights();
  const optimizer = adam({ learningRate: rateAt(0) });
  const callbacks = cfg.callbacks ?? [];
  const stepsPerEpoch = Math.ceil(data.size / cfg.batchSize);

  const epochs: EpochLog[] = [];
  const history: BatchLog[] = [];
  let step = 0;
  let totalSeconds = 0;
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      for (const c of callbacks) if (c.onEpochBegin) await c.onEpochBegin(epoch, { epochs: cfg.epochs, stepsPerEpoch });
      let sumLoss = 0;
      let sumRecon = 0;
      let sumKl = 0;
      let seen = 0;
      let seconds = 0;
      let stepInEpoch = 0;
      for (const batch of batches(data, { batchSize: cfg.batchSize, shuffle: true, rng: orderRng, binarize: cfg.binarize })) {
        const started = performance.now();
        stepInEpoch++;
        const beta = betaAt(step);
        if (!(beta >= 0 && Number.isFinite(beta))) throw new Error(`train: beta schedule gave ${beta} at step ${step}`);
        const learningRate = rateAt(step);
        if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new Error(`train: learningRate schedule gave ${learningRate} at step ${step}`);
        optimizer.setLearningRate(learningRate);
        const noiseSeed = noiseRng.seed();
        const x = tf.tensor2d(batch.x, [batch.size, inputDim]); // [batch, 784]
        let terms: StepTerms;
        try {
          terms = await trainStep(model, optimizer, vars, x, { beta, freeBits, pixelReduction, noiseSeed });
        } finally {
          x.dispose();
        }
        const { loss, recon, kl } = terms;
        step++;
        const stepSeconds = (performance.now() - started) / 1000;
        seconds += stepSeconds;
        if (!Number.isFinite(loss)) {
          throw new Error(`train: loss became ${loss} at epoch ${epoch}, step ${stepInEpoch} (global step ${step}); try a smaller learningRate or check the data for NaN`);
        }
        sumLoss += loss * batch.size;
        sumRecon += recon * batch.size;
        sumKl += kl * batch.size;
        seen += batch.size;
        const log: BatchLog = { epoch, step, loss, recon, kl, beta, learningRate, seconds: stepSeconds };
        history.push(log);
        for (const c of callbacks) if (c.onBatch) await c.onBatch(log);
        if (cfg.onBatch) await cfg.onBatch(log);
        // Yield one event-loop turn so I/O queued by callbacks (notebook display updates, logs) goes out during training,
        // and an interrupt asked for meanwhile (lib/training/interrupt.ts) stops the run here.
        await nextTurn();
        interruptPoint();
      }
      totalSeconds += seconds;
      const epochLog: EpochLog = {
        epoch,
        loss: sumLoss / seen,
        recon: sumRecon / seen,
        kl: sumKl / seen,
        elbo: -(sumRecon + sumKl) / seen,
        seconds,
        samplesPerSecond: seen / seconds,
      };
      if (cfg.testData) {
        const t = evaluate(model, cfg.testData, { seed: cfg.seed });
        epochLog.test = { elbo: t.elbo, recon: t.recon, kl: t.kl };
        if (cfg.activeUnits && model.kind === 'vae') epochLog.test.activeUnits = activeUnits(model, cfg.testData).count;
      }
      for (const c of callbacks) if (c.onEpoch) await c.onEpoch(epochLog);
      epochs.push(epochLog);
      if (cfg.onEpoch) await cfg.onEpoch(epochLog);
    }
  } finally {
    optimizer.dispose();
    for (const c of callbacks) if (c.onEnd) await c.onEnd();
  }
  const samples = epochs.length * data.size;
  return { epochs, history, steps: step, seconds: totalSeconds, samplesPerSecond: samples / totalSeconds };
}
