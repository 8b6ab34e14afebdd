/**
 * Times training steps through the library's own loop (lib/training/train.ts): the
 * step a learner's notebook runs, with its batching, loss read-back and
 * callbacks. train() has no per-step timer, so the step boundaries are the
 * onBatch calls: the time from one call to the next is one whole step as the
 * user gets it (batch copy, forward, backward, Adam, read-back of the loss,
 * the event-loop turn train() yields after each step).
 */
import * as tf from '@tensorflow/tfjs';
import { subset } from '../../lib/data/dataset';
import { loadData } from '../../lib/data/load';
import { train } from '../../lib/training/train-node';
import type { VAE } from '../../lib/model/vae';
import { BATCH_SIZE, SEED } from './plan';
import { cpuMs } from './stats';

/** One step boundary: after the step's onBatch. */
export interface StepMark {
  /** performance.now() at the boundary. */
  ms: number;
  /** This process's CPU time (user + system) at the boundary, ms. */
  cpuMs: number;
  /** The step's training loss. */
  loss: number;
  /** tf.memory().numBytes at the boundary. */
  tfBytes: number;
}

/**
 * Trains `model` for at least `total` steps of BATCH_SIZE examples and
 * returns one mark per step. train() runs whole epochs, so the data is cut
 * to an exact number of full batches (no short last batch to skew a step)
 * and the epochs are as many as `total` needs; at most epochs − 1 extra steps
 * run at the end, and they are not returned.
 */
export async function trainSteps(model: VAE, total: number, onMark?: (step: number) => void): Promise<StepMark[]> {
  const { train: all } = loadData();
  const perEpochMax = Math.floor(all.size / BATCH_SIZE);
  const epochs = Math.ceil(total / perEpochMax);
  const perEpoch = Math.ceil(total / epochs);
  const data = subset(all, perEpoch * BATCH_SIZE);
  const marks: StepMark[] = [];
  await train(model, data, {
    epochs,
    batchSize: BATCH_SIZE,
    seed: SEED,
    progress: false,
    onBatch: (log) => {
      if (marks.length >= total) return;
      marks.push({ ms: performance.now(), cpuMs: cpuMs(), loss: log.loss, tfBytes: tf.memory().numBytes });
      onMark?.(marks.length);
    },
  });
  return marks;
}
