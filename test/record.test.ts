// Records of `npm run measure -- … --record` (scripts/bench/record.ts): the key a record stores is the key under which
// the model cache keeps the recipe's model (recipeCacheKey against the folder a real run leaves, modelCacheKeyOn
// against modelCacheKey), a record is written where the book looks for it with what it measured, and --from refuses a
// saved output that the flags do not describe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { bookData, trainRecipe, type Recipe } from '../lib/training/recipes';
import { recipeCacheKey } from '../lib/training/recipes-node';
import '../lib/data/load'; // Node's data sources, as lib/index.ts registers them
import { modelCacheKey, modelCacheKeyOn } from '../lib/io/model-cache';
import { subset } from '../lib/data/dataset';
import { makeRecord, readRecord, recordStaleness, rerunCommand, writeRecord } from '../scripts/bench/record';
import { measureOutput } from './record-helpers';

const ROOT = path.resolve(__dirname, '..');
let dir: string;
const saved = process.env.VAE_MODEL_CACHE;

before(async () => {
  await initBackend();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-'));
  process.env.VAE_MODEL_CACHE = path.join(dir, 'models');
});

after(() => {
  if (saved === undefined) delete process.env.VAE_MODEL_CACHE;
  else process.env.VAE_MODEL_CACHE = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('recipeCacheKey is the key of the folder trainRecipe leaves in the model cache (a VAE and an autoencoder)', async () => {
  const { train, test: held } = bookData('quick');
  const data = { train: subset(train, 64), test: subset(held, 32) };
  const recipes: Recipe[] = [
    { name: 'tiny-vae', kind: 'vae', model: { latentDim: 2, hiddenUnits: [8], seed: 3 }, training: { epochs: 1, batchSize: 32, binarize: 'sample' } },
    { name: 'tiny-ae', kind: 'ae', model: { latentDim: 2, hiddenUnits: [8], seed: 3 }, training: { epochs: 1, batchSize: 32, finalLearningRate: 1e-5 } },
  ];
  for (const recipe of recipes) {
    const run = await trainRecipe(recipe, data);
    run.model.dispose();
    const folders = fs.readdirSync(process.env.VAE_MODEL_CACHE!).filter((f) => f.startsWith(`${recipe.name}-`) && !f.endsWith('.lock'));
    assert.deepEqual(folders, [`${recipe.name}-${recipeCacheKey(recipe, data, tf.getBackend())}`]);
    // Another backend, another key: the same seed gives the same numbers only on the same backend.
    assert.notEqual(recipeCacheKey(recipe, data, 'not-a-backend'), recipeCacheKey(recipe, data, tf.getBackend()));
  }
  const parts = { a: 1, b: [2, 3] };
  assert.equal(modelCacheKeyOn(tf.getBackend(), parts), modelCacheKey(parts));
});


test('a record holds the output, the command, the commit and the recipe\'s current key; a changed key makes it stale', () => {
  const { file, record } = makeRecord(measureOutput(1, 88.2), 'binarized', 1, { root: dir, command: 'npm run measure -- --json --part binarized --seed 1', commit: 'abc1234', date: '2026-12-07T17:00:00.000Z' });
  assert.equal(file, path.join(dir, 'measurements', 'literature-vae', 'seed1-k1000.json'));
  writeRecord(file, record);
  const back = readRecord(file);
  assert.deepEqual(back, record);
  assert.equal(back.cacheFolder, `literature-vae-seed1-${back.cacheKey}`);
  assert.deepEqual([back.recipe, back.seed, back.k, back.testDigits, back.backend], ['literature-vae', 1, 1000, 10000, 'tensorflow']);
  assert.equal(recordStaleness(back).stale, false);
  assert.equal(recordStaleness({ ...back, cacheKey: '0'.repeat(24) }).stale, true);
  assert.equal(rerunCommand(back), 'npm run measure -- --json --part binarized --seed 1 --record');
  // The first 1,000 digits only: a file of its own, never mistaken for the full test set's.
  const partial = measureOutput(0, 87.4);
  partial.binarized!.test.digits = 1000;
  assert.match(makeRecord(partial, 'binarized', 0, { root: dir, command: 'c', commit: 'c', date: 'd' }).file, /seed0-k1000-n1000\.json$/);
  assert.throws(() => makeRecord(measureOutput(2, 88), 'binarized', 1, { root: dir, command: 'c', commit: 'c', date: 'd' }), /part is of seed 2, not 1/);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"recipe": "x"}');
  assert.throws(() => readRecord(path.join(dir, 'bad.json')), /bad\.json: not a measurement record \(missing or malformed: command, commit/);
});

test('measure --record --from: a saved output the flags do not describe is refused before anything is written', () => {
  const saved = path.join(dir, 'seed1.json');
  fs.writeFileSync(saved, `\n> vae-book@0.1.0 measure\n> tsx scripts/bench/measure.ts --json\n\n${JSON.stringify(measureOutput(1, 88.2))}\n`);
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/measure.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  const cases: [string[], RegExp][] = [
    [['--part', 'binarized', '--seed', '2', '--record', '--from', saved, '--commit', 'HEAD', '--key', 'a'.repeat(24)], /measured seed 1, the flags say --seed 2/],
    [['--part', 'binarized', '--seed', '1', '--record', '--from', saved], /--from needs --commit/],
    [['--part', 'all', '--seed', '1', '--record', '--from', saved, '--commit', 'HEAD', '--key', 'a'.repeat(24)], /--key names one recipe's key/],
    [['--from', saved], /--from only goes with --record/],
  ];
  for (const [args, expected] of cases) {
    const r = run(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, expected, args.join(' '));
  }
});
