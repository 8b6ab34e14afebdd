// The book's recipes and trainRecipe (lib/training/recipes.ts): train once, load after, same logs either way
// (the callbacks see a cached run's logs replayed in order); the recipe's options reach train(); the named
// recipes keep the reference model's settings that the book and `npm run measure` report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { loadData } from '../lib/data/load';
import { subset, type Dataset } from '../lib/data/dataset';
import { autoencoder2d, autoencoderOfSize, vaeOfSize, betaVae, binarizedData, bookData, convVae, describeRecipe, literatureVae, referenceVae, setRecipeCache, trainRecipe, vae2d, type Recipe, type RecipeCache } from '../lib/training/recipes';
import { bookClassifier, diskRecipeCache } from '../lib/training/recipes-node';
import { classProbabilities } from '../lib/training/recognizability';

let trainSet: Dataset;
let testSet: Dataset;
let dir: string;
const saved = process.env.VAE_MODEL_CACHE;

before(async () => {
  await initBackend();
  ({ train: trainSet, test: testSet } = loadData({ limit: 300 }));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recipes-'));
  process.env.VAE_MODEL_CACHE = dir;
});

after(() => {
  if (saved === undefined) delete process.env.VAE_MODEL_CACHE;
  else process.env.VAE_MODEL_CACHE = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

const small: Recipe<'vae'> = { name: 'small-vae', kind: 'vae', model: { latentDim: 4, hiddenUnits: [32], seed: 1 }, training: { epochs: 2 } };

function logsOf(r: Recipe<'vae'>, extra: Parameters<typeof trainRecipe>[2] = {}) {
  const events: string[] = [];
  return {
    events,
    run: trainRecipe(r, { train: trainSet, test: testSet }, {
      onBatch: (b) => void events.push(`b${b.step}:${b.loss.toFixed(4)}`),
      onEpoch: (e) => void events.push(`e${e.epoch}:${(-e.test!.elbo).toFixed(4)}`),
      ...extra,
    }),
  };
}

test('trained once, loaded after: the same weights and the same logs, replayed in order', async () => {
  const a = logsOf(small);
  const first = await a.run;
  assert.equal(first.cached, false);
  const b = logsOf(small);
  const second = await b.run;
  assert.equal(second.cached, true);
  assert.deepEqual(b.events, a.events, 'the callbacks see the stored logs in training order');
  assert.equal(a.events.filter((e) => e.startsWith('e')).length, 2);
  const probe = tf.tensor2d(testSet.images.subarray(0, 3 * 784), [3, 784]);
  const [m1, m2] = [first, second].map((r) => tf.tidy(() => r.model.decode(r.model.encode(probe).mean).dataSync()));
  assert.deepEqual(m2, m1, 'the loaded model computes what the trained one did');
  probe.dispose();
  first.model.dispose();
  second.model.dispose();
});

test('what changes the model changes the entry: recipe options, training and test digits; cache: false always trains', async () => {
  const before = fs.readdirSync(dir).length;
  const opts: Recipe<'vae'> = { ...small, training: { epochs: 1, beta: 2 } };
  const r1 = await trainRecipe(opts, { train: trainSet, test: testSet });
  const r2 = await trainRecipe(opts, { train: testSet, test: testSet });
  const r3 = await trainRecipe(opts, { train: trainSet, test: trainSet });
  const r4 = await trainRecipe({ ...opts, training: { epochs: 1, beta: 3 } }, { train: trainSet, test: testSet });
  assert.deepEqual([r1.cached, r2.cached, r3.cached, r4.cached], [false, false, false, false]);
  const au = r1.result.epochs[0].test?.activeUnits;
  assert.ok(typeof au === 'number' && au >= 0 && au <= 4, 'every epoch is evaluated on the test digits, active units included');
  const r5 = await trainRecipe(opts, { train: trainSet, test: testSet }, { cache: false });
  assert.equal(r5.cached, false);
  assert.equal(fs.readdirSync(dir).length, before + 4, 'cache: false stores nothing');
  await assert.rejects(trainRecipe(opts, trainSet as never), /trainRecipe: data must be \{ train, test \}/);
  for (const r of [r1, r2, r3, r4, r5]) r.model.dispose();
});

test('the recipe reaches train(): warm-up, free bits, the per-pixel mean, a decaying learning rate', async () => {
  const seen: { beta: number; lr: number }[] = [];
  const r = await trainRecipe(
    { ...small, name: 'small-options', training: { epochs: 2, warmupEpochs: 1, freeBits: 0.25, pixelReduction: 'mean', finalLearningRate: 1e-4 } },
    { train: trainSet, test: testSet },
    { onBatch: (b) => void seen.push({ beta: b.beta, lr: b.learningRate }), cache: false },
  );
  const stepsPerEpoch = Math.ceil(trainSet.size / 128);
  assert.equal(seen[0].beta, 0, 'warm-up starts at β = 0');
  assert.equal(seen[stepsPerEpoch].beta, 1, 'and reaches β = 1 after one epoch');
  assert.equal(seen[0].lr, 1e-3);
  assert.ok(seen[seen.length - 1].lr < 2e-4, `the rate falls towards 1e-4: ${seen[seen.length - 1].lr}`);
  for (const h of r.result.history.slice(stepsPerEpoch)) {
    assert.ok(h.loss < h.recon, 'with the per-pixel mean the loss is far below the summed reconstruction term');
  }
  r.model.dispose();
});

test('the named recipes: the reference model of the book, the quick profile only shortens training', () => {
  const full = referenceVae('full');
  assert.deepEqual(full.model, { latentDim: 20, hiddenUnits: [400], seed: 0 });
  assert.equal(full.training.epochs, 10, "pytorch/examples' 10 epochs of the full MNIST");
  assert.ok((referenceVae('quick').training.epochs ?? 0) < 5);
  assert.equal(describeRecipe(full), "reference-vae: dense VAE 784-400-20, 10 epochs, Adam 0.001, batch 128, β = 1; likelihood 'bernoulli': Bernoulli cross-entropy on grey levels (the article's and pytorch/examples' loss)");
  assert.match(describeRecipe(convVae('full')), /^conv-vae: conv VAE conv 16-32 filters, dense 200-20, 3 epochs, Adam 0.001 → 0.00001 \(cosine\)/);
  assert.match(describeRecipe(autoencoder2d('full')), /^autoencoder-2d: autoencoder 784-400-2, 3 epochs/);
  assert.match(describeRecipe(vae2d('full')), /^vae-2d: dense VAE 784-400-2, 3 epochs/);
  assert.match(describeRecipe(betaVae(16, 'full')), /^beta-vae-16: dense VAE 784-400-32, 1 epoch, Adam 0.001, batch 128, β = 16; likelihood 'bernoulli': /);
  assert.match(describeRecipe(autoencoder2d('full')), /; reconstruction loss 'bernoulli': Bernoulli cross-entropy on grey levels/);
  assert.equal(betaVae(0.5).name, 'beta-vae-0p5');
  // Chapter 2's same-size pairs: d = 2 are the book's 2-D models; every pair trains alike.
  assert.deepEqual(autoencoderOfSize(2, 'full'), autoencoder2d('full'));
  assert.deepEqual(vaeOfSize(2, 'full'), vae2d('full'));
  assert.match(describeRecipe(autoencoderOfSize(20, 'full')), /^autoencoder-20d: autoencoder 784-400-20, 3 epochs/);
  assert.match(describeRecipe(vaeOfSize(20, 'full')), /^vae-20d: dense VAE 784-400-20, 3 epochs/);
  assert.throws(() => betaVae(-1), /betaVae: beta must be a finite number ≥ 0, got -1/);
});

test('bookClassifier: trained once per data set and loaded after, with the same predictions', async () => {
  const a = await bookClassifier(trainSet, { epochs: 1 });
  const b = await bookClassifier(trainSet, { epochs: 1 });
  const x = testSet.images.subarray(0, 4 * 784);
  assert.deepEqual(classProbabilities(b, x), classProbabilities(a, x));
  assert.ok(fs.readdirSync(dir).some((f) => f.startsWith('digit-classifier-')));
  a.net.dispose();
  b.net.dispose();
});

test('trainRecipe with no registered cache trains every time; a RecipeCache of its own is used and replays the logs', async () => {
  const trainWith = trainRecipe;
  const recipe: Recipe = { name: 'in-memory', kind: 'vae', model: { latentDim: 2, hiddenUnits: [16], seed: 0 }, training: { epochs: 1 } };
  const data = { train: subset(trainSet, 128), test: subset(testSet, 32) };
  setRecipeCache(undefined); // a page's situation
  try {
    for (let i = 0; i < 2; i++) {
      const uncached = await trainWith(recipe, data);
      assert.equal(uncached.cached, false);
      uncached.model.dispose();
    }
  } finally {
    setRecipeCache(diskRecipeCache);
  }
  const store = new Map<string, unknown>();
  const cache: RecipeCache = {
    run: async (r, key, build) => {
      const k = JSON.stringify([r.name, key.model, key.training, key.data.size, key.test.size]);
      const hit = store.get(k) as Awaited<ReturnType<typeof build>> | undefined;
      if (hit) return { value: hit, cached: true };
      const value = await build();
      store.set(k, value);
      return { value, cached: false };
    },
  };
  const first = await trainWith(recipe, data, { cache });
  const epochs: number[] = [];
  const second = await trainWith(recipe, data, { cache, onEpoch: (e) => void epochs.push(e.epoch) });
  assert.equal(first.cached, false);
  assert.equal(second.cached, true);
  assert.equal(second.model, first.model);
  assert.deepEqual(epochs, [1]);
  first.model.dispose();
});

test('bookData: the full MNIST in the full profile, 1,000 / 250 embedded digits in the quick one', () => {
  const full = bookData('full');
  assert.equal(full.train.size, 60000);
  assert.equal(full.test.size, 10000);
  assert.match(full.train.name, /^mnist-full/);
  const quick = bookData('quick');
  assert.deepEqual([quick.train.size, quick.test.size], [1000, 250]);
  assert.match(quick.train.name, /^mnist-embedded/);
});

test('binarizedData and literatureVae: the full MNIST with a fixed binary test set; the quick profile trains on the embedded digits', async () => {
  const full = binarizedData('full');
  assert.equal(full.train, bookData('full').train, 'the same training digits as the chapters');
  assert.equal(full.train.size, 60000);
  assert.equal(full.test.size, 10000);
  assert.ok(full.test.images.every((v) => v === 0 || v === 1), 'the test set is binary');
  assert.ok(full.train.images.some((v) => v > 0 && v < 1), 'the training digits stay grey (binarized per batch)');
  assert.equal(binarizedData('full').test, full.test, 'binarized once');
  const quick = binarizedData('quick');
  assert.equal(quick.train.size, 1000);
  assert.ok(quick.test.images.every((v) => v === 0 || v === 1));
  const recipe = literatureVae('quick');
  assert.equal(recipe.model.likelihood, 'bernoulli-binary');
  assert.match(describeRecipe(literatureVae('full')), /784-500-500-50, 100 epochs, Adam 0\.001 → 0\.00001 \(cosine\).*binarize sample; likelihood 'bernoulli-binary': Bernoulli on binarized pixels/);
  const run = await trainRecipe(recipe, { train: subset(quick.train, 256), test: quick.test }, { cache: false });
  assert.equal(run.model.config.likelihood, 'bernoulli-binary');
  assert.ok(Number.isFinite(run.result.epochs[0].test?.elbo));
  // The binary likelihood refuses grey test digits: its numbers would not be log-probabilities.
  await assert.rejects(trainRecipe(recipe, { train: subset(quick.train, 256), test: bookData('quick').test }, { cache: false }), /outside the support of the 'bernoulli-binary' likelihood/);
  run.model.dispose();
});
