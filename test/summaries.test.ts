// lib/training/summaries.ts: what TensorBoard gets after each epoch, written through a recording writer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { loadData } from '../lib/data/load';
import { subset, type Dataset } from '../lib/data/dataset';
import { createVAE } from '../lib/model/vae';
import { createAutoencoder } from '../lib/model/autoencoder';
import { writeEpochSummaries, DEFAULT_EPOCH_SUMMARIES } from '../lib/training/summaries';
import type { SummaryWriter } from '../lib/io/tensorboard';
import { decodePng } from './figure-helpers';

let shown: Dataset;

before(async () => {
  await initBackend();
  shown = subset(loadData({ limit: 400 }).test, 40);
});

type Call = { kind: 'scalar'; tag: string; value: number; step: number } | { kind: 'image'; tag: string; png: Uint8Array; step: number } | { kind: 'histogram'; tag: string; values: number[]; step: number };

function recorder(): SummaryWriter & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    path: '(memory)',
    scalar: (tag, value, step) => void calls.push({ kind: 'scalar', tag, value, step }),
    image: (tag, png, step) => void calls.push({ kind: 'image', tag, png, step }),
    histogram: (tag, values, step) => void calls.push({ kind: 'histogram', tag, values: Array.from(values), step }),
    flush: () => undefined,
    close: () => undefined,
  };
}

const terms = { loss: 200, recon: 180, kl: 20, elbo: -200, test: { elbo: -210, recon: 188, kl: 22 } };

test('a VAE epoch: scalars, samples and reconstructions as PNG grids, histograms of mean and logVar; no tensor left', () => {
  const vae = createVAE({ latentDim: 5, hiddenUnits: [16], seed: 0 });
  const w = recorder();
  const before = tf.memory().numTensors;
  writeEpochSummaries(w, vae, shown, { epoch: 3, step: 120, terms });
  assert.equal(tf.memory().numTensors, before, 'every tensor disposed');
  assert.deepEqual(
    w.calls.map((c) => `${c.kind} ${c.tag}`),
    ['scalar epoch', 'scalar train/loss', 'scalar train/recon', 'scalar train/kl', 'scalar train/elbo', 'scalar test/elbo', 'scalar test/recon', 'scalar test/kl',
      'image samples', 'image reconstructions', 'histogram encoder/mean', 'histogram encoder/logVar'],
  );
  assert.ok(w.calls.every((c) => c.step === 120));
  const scalars = Object.fromEntries(w.calls.flatMap((c) => (c.kind === 'scalar' ? [[c.tag, c.value]] : [])));
  assert.deepEqual([scalars.epoch, scalars['train/kl'], scalars['test/elbo']], [3, 20, -210]);
  const [samples, recon] = w.calls.filter((c): c is Extract<Call, { kind: 'image' }> => c.kind === 'image').map((c) => decodePng(c.png));
  const tile = 2 * 28 + 2;
  assert.deepEqual([samples.width, samples.height], [2 + 8 * tile, 2 + 8 * tile], '64 samples, 8 per row');
  assert.deepEqual([recon.width, recon.height], [2 + 8 * tile, 2 + 2 * tile], '8 digits above their reconstructions');
  const [mean, logVar] = w.calls.filter((c): c is Extract<Call, { kind: 'histogram' }> => c.kind === 'histogram');
  assert.equal(mean.values.length, 40 * 5, 'the 40 digits shown × 5 latent dimensions');
  assert.equal(logVar.values.length, 40 * 5);
  // The encoder's own outputs, not something else of the same size.
  const q = tf.tidy(() => vae.encode(tf.tensor2d(shown.images, [40, 784])).mean.dataSync());
  assert.deepEqual(mean.values, Array.from(q));
  // Deterministic: the same model gives the same pictures (the prior samples have their own fixed seed).
  const again = recorder();
  writeEpochSummaries(again, vae, shown, { epoch: 3, step: 120, terms });
  assert.deepEqual(again.calls, w.calls);
  vae.dispose();
});

test('options: fewer samples, no histograms; an autoencoder logs its code; no test terms, no test scalars', () => {
  const vae = createVAE({ latentDim: 2, hiddenUnits: [8], seed: 1 });
  const w = recorder();
  writeEpochSummaries(w, vae, subset(shown, 3), { epoch: 1, step: 1, terms: { ...terms, test: undefined } }, { samples: 4, reconstructions: 10, histogramDigits: 0 });
  assert.deepEqual(w.calls.filter((c) => c.kind !== 'scalar').map((c) => c.tag), ['samples', 'reconstructions']);
  assert.ok(!w.calls.some((c) => c.tag.startsWith('test/')));
  const [samples, recon] = w.calls.filter((c): c is Extract<Call, { kind: 'image' }> => c.kind === 'image').map((c) => decodePng(c.png));
  assert.equal(samples.width, 2 + 4 * 58, '4 samples in one row');
  assert.equal(recon.width, 2 + 3 * 58, 'only 3 digits to show');
  vae.dispose();
  const ae = createAutoencoder({ latentDim: 3, hiddenUnits: [8], seed: 0 });
  const a = recorder();
  const before = tf.memory().numTensors;
  writeEpochSummaries(a, ae, shown, { epoch: 1, step: 1, terms });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(a.calls.filter((c) => c.kind !== 'scalar').map((c) => `${c.kind} ${c.tag}`), ['image reconstructions', 'histogram encoder/z']);
  ae.dispose();
  assert.equal(DEFAULT_EPOCH_SUMMARIES.samples, 64);
});
