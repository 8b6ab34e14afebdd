/**
 * What TensorBoard shows of a model after each epoch of training (chapter 4, "Watching training"): the epoch's
 * train and test ELBO terms, a grid of samples from the prior and a grid of reconstructions (PNG images), and
 * histograms of the encoder's outputs (mean and log-variance of q(z|x); the code of an autoencoder). Written by
 * `train` when it has a `logDir`, at the global step that ends the epoch, so that the per-epoch curves share
 * their x axis with the per-step ones.
 *
 * Cheap and side-effect free: a few hundred forward passes per epoch, every tensor disposed, and the prior
 * samples drawn with their own fixed seed, so logging changes none of the training's numbers (the same
 * latent codes are decoded every epoch: the grid shows one set of samples sharpening).
 */
import * as tf from '@tensorflow/tfjs';
import { subset, type Dataset } from '../data/dataset';
import type { Model } from '../model/model';
import type { SummaryWriter } from '../io/tensorboard';
import { digitGridPng } from '../figures/png';
import { samplePrior, reconstructionPairs } from './generate';
import { rowsTensor } from './evaluate';

export interface EpochSummaryConfig {
  /** Prior samples in the 'samples' image (a VAE only), 8 per row; 0 = none. */
  samples: number;
  /** Digits whose reconstructions form the 'reconstructions' image (originals above, one row each); 0 = none. */
  reconstructions: number;
  /** Digits encoded for the 'encoder/…' histograms; 0 = none. */
  histogramDigits: number;
  /** Seed of the prior samples (the same codes every epoch). */
  seed: number;
}

export const DEFAULT_EPOCH_SUMMARIES: EpochSummaryConfig = { samples: 64, reconstructions: 8, histogramDigits: 256, seed: 0 };

/** The ELBO terms of one epoch, nats per example (train.ts EpochLog's shape). */
export interface EpochTerms {
  loss: number;
  recon: number;
  kl: number;
  elbo: number;
  test?: { elbo: number; recon: number; kl: number };
}

/**
 * Writes one epoch's summaries at `step`: scalars 'epoch', 'train/{loss,recon,kl,elbo}' and (with test terms)
 * 'test/{elbo,recon,kl}'; images 'samples' and 'reconstructions'; histograms 'encoder/mean' and
 * 'encoder/logVar' (a VAE) or 'encoder/z' (an autoencoder). Images and histograms use the first digits of
 * `shown` (the test set when training has one).
 */
export function writeEpochSummaries(
  writer: SummaryWriter,
  model: Model,
  shown: Dataset,
  log: { epoch: number; step: number; terms: EpochTerms },
  opts: Partial<EpochSummaryConfig> = {},
): void {
  const cfg = { ...DEFAULT_EPOCH_SUMMARIES, ...opts };
  const { epoch, step, terms } = log;
  writer.scalar('epoch', epoch, step);
  for (const k of ['loss', 'recon', 'kl', 'elbo'] as const) writer.scalar(`train/${k}`, terms[k], step);
  if (terms.test) for (const k of ['elbo', 'recon', 'kl'] as const) writer.scalar(`test/${k}`, terms.test[k], step);

  if (model.kind === 'vae' && cfg.samples > 0) {
    writer.image('samples', digitGridPng(samplePrior(model, cfg.samples, { seed: cfg.seed }), { cols: Math.min(8, cfg.samples) }), step);
  }
  const nRecon = Math.min(cfg.reconstructions, shown.size);
  if (nRecon > 0) writer.image('reconstructions', digitGridPng(reconstructionPairs(model, subset(shown, nRecon)), { cols: nRecon }), step);

  const nHist = Math.min(cfg.histogramDigits, shown.size);
  if (nHist > 0) {
    const x = rowsTensor(shown, 0, nHist); // [nHist, inputDim]
    try {
      if (model.kind === 'vae') {
        const [mean, logVar] = tf.tidy(() => {
          const q = model.encode(x);
          return [q.mean.dataSync(), q.logVar.dataSync()];
        });
        writer.histogram('encoder/mean', mean, step);
        writer.histogram('encoder/logVar', logVar, step);
      } else {
        writer.histogram('encoder/z', tf.tidy(() => model.encode(x).dataSync()), step);
      }
    } finally {
      x.dispose();
    }
  }
}
