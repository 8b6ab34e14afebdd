// lib/training/seeds.ts: a recipe trained over seeds through trainRecipe (cached per seed), each measurement
// summarised as mean ± sd; different seeds give different models, the same seed the same numbers, and memory
// stays flat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { loadData } from '../lib/data/load';
import type { Dataset } from '../lib/data/dataset';
import { evaluate } from '../lib/training/evaluate';
import type { Recipe } from '../lib/training/recipes';
import { bookSeeds, overSeeds, withSeed } from '../lib/training/seeds';
import '../lib/training/recipes-node'; // the model cache on disk becomes trainRecipe's cache, as in lib/index.ts

let data: { train: Dataset; test: Dataset };
let dir: string;
const saved = { cache: process.env.VAE_MODEL_CACHE, profile: process.env.VAE_PROFILE };

before(async () => {
  await initBackend();
  data = loadData({ limit: 200 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seeds-'));
  process.env.VAE_MODEL_CACHE = dir;
});

after(() => {
  for (const [k, v] of [['VAE_MODEL_CACHE', saved.cache], ['VAE_PROFILE', saved.profile]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const tiny: Recipe<'vae'> = { name: 'tiny-vae', kind: 'vae', model: { latentDim: 2, hiddenUnits: [16], seed: 3 }, training: { epochs: 1, seed: 5 } };

test('withSeed: seed 0 is the recipe itself; another seed changes the model and training seeds and the name', () => {
  assert.equal(withSeed(tiny, 0), tiny);
  const s2 = withSeed(tiny, 2);
  assert.equal(s2.name, 'tiny-vae-seed2');
  assert.equal(s2.model.seed, 2003);
  assert.equal(s2.training.seed, 2005);
  assert.equal(s2.model.hiddenUnits, tiny.model.hiddenUnits);
  assert.throws(() => withSeed(tiny, -1), /seed must be an integer ≥ 0, got -1 \(recipe 'tiny-vae'\)/);
});

test('bookSeeds: three in the full profile, one in the quick one', () => {
  process.env.VAE_PROFILE = 'full';
  assert.deepEqual(bookSeeds(), [0, 1, 2]);
  process.env.VAE_PROFILE = 'quick';
  assert.deepEqual(bookSeeds(), [0]);
});

test('overSeeds: one measurement per seed, summarised; cached per seed; tensors freed', async () => {
  const measure = (run: { model: Parameters<typeof evaluate>[0] }) => ({ negElbo: -evaluate(run.model, data.test, { seed: 1 }).elbo });
  const seeds = [0, 1, 2];
  const before = tf.memory().numTensors;
  const ran: number[] = [];
  const first = await overSeeds(tiny, data, measure, { seeds, onRun: (s, run) => void ran.push(run.cached ? -1 : s) });
  assert.equal(tf.memory().numTensors, before, 'every model disposed');
  assert.deepEqual(ran, [0, 1, 2], 'all trained the first time');
  assert.deepEqual(first.seeds, seeds);
  const values = first.runs.map((r) => r.negElbo);
  assert.equal(new Set(values).size, 3, `different seeds give different models: ${values.join(', ')}`);
  const mean = values.reduce((a, b) => a + b, 0) / 3;
  assert.ok(Math.abs(first.summary.negElbo.mean - mean) < 1e-9);
  assert.ok(first.summary.negElbo.sd > 0);
  assert.equal(first.summary.negElbo.n, 3);

  const again = await overSeeds(tiny, data, measure, { seeds, keepFirst: true, onRun: (s, run) => void ran.push(run.cached ? -1 : s) });
  assert.deepEqual(ran.slice(3), [-1, -1, -1], 'loaded from the cache the second time');
  assert.deepEqual(again.runs, first.runs, 'same seeds, same numbers');
  assert.ok(again.first, 'the first model is kept');
  again.first.model.dispose();
  assert.equal(tf.memory().numTensors, before);

  await assert.rejects(overSeeds(tiny, data, () => ({ bad: NaN }), { seeds: [0] }), /measurement "bad" of recipe 'tiny-vae', seed 0, is NaN/);
  assert.equal(tf.memory().numTensors, before, 'a failed measurement frees its model');
  await assert.rejects(overSeeds(tiny, data, measure, { seeds: [1, 1] }), /seeds \[1, 1\] repeat/);
});
