/**
 * Node's model cache on disk (lib/io/model-cache.ts) as the cache of trainRecipe (lib/training/recipes.ts),
 * registered when this module is loaded (lib/index.ts loads it): every trained recipe is kept, so chapters 4–7
 * train the reference VAE once and a rebuild loads it. The digit classifier of chapter 5 is kept the same way.
 * The digits' sources are registered by lib/index.ts (lib/data/load.ts), not here: a cache key covers the code that
 * trains, and the digits enter it by their fingerprint, so editing a loader retrains nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from '../data/dataset';
import { cachedModel, modelCacheKeyOn, type TrainingCode } from '../io/model-cache';
import { datasetFingerprint } from '../io/fingerprint';
import { loadModel, loadNetwork, saveModel, saveNetwork } from '../io/save';
import { DEFAULT_VAE_CONFIG } from '../model/vae';
import { DEFAULT_AUTOENCODER_CONFIG } from '../model/autoencoder';
import { recipeTraining, setRecipeCache, type Recipe, type RecipeCache, type RecipeModel } from './recipes';
import type { TrainResult } from './train';
import { DigitClassifier, DigitClassifierConfig, DEFAULT_DIGIT_CLASSIFIER, trainDigitClassifier } from './recognizability';

/** The code that trains, saves and loads a recipe's model: what its cache key covers (lib/io/model-cache.ts). */
export const RECIPE_CODE: readonly TrainingCode[] = [
  { module: 'lib/training/recipes', name: 'trainRecipe' },
  { module: 'lib/training/recipes-node', name: 'diskRecipeCache' },
];

/** The code that trains, saves and loads the digit classifier. */
export const CLASSIFIER_CODE: TrainingCode = { module: 'lib/training/recipes-node', name: 'bookClassifier' };

/** The model cache on disk as a RecipeCache: the key holds the recipe and fingerprints of the digits. */
export const diskRecipeCache: RecipeCache = {
  run: (recipe, key, build) =>
    cachedModel(recipe.name, { ...key, data: datasetFingerprint(key.data), test: datasetFingerprint(key.test) }, {
      build,
      code: RECIPE_CODE,
      save: async (v, dir) => {
        await saveModel(v.model, path.join(dir, 'model'));
        fs.writeFileSync(path.join(dir, 'training.json'), JSON.stringify(v.result));
      },
      load: async (dir) => {
        const model = (await loadModel(path.join(dir, 'model'))) as RecipeModel<typeof key.kind>;
        const result = JSON.parse(fs.readFileSync(path.join(dir, 'training.json'), 'utf8')) as TrainResult;
        return { model, result };
      },
    }),
};

/**
 * The model-cache key under which trainRecipe keeps `recipe` trained on `data` on the backend named `backend`: its
 * folder is `<recipe.name>-<key>` in the model cache. The same parts as diskRecipeCache hashes (the configuration with
 * its defaults, the training options with theirs, fingerprints of the digits), computed without building the model, so
 * that a record of a measurement (scripts/bench/record.ts) can be checked against the recipe as the code now defines
 * it; test/record.test.ts checks it against the folder a real run leaves.
 */
export function recipeCacheKey(recipe: Recipe, data: { train: Dataset; test: Dataset }, backend: string): string {
  const model = recipe.kind === 'ae' ? { ...DEFAULT_AUTOENCODER_CONFIG, ...recipe.model } : { ...DEFAULT_VAE_CONFIG, ...recipe.model };
  const parts = { kind: recipe.kind, model, training: recipeTraining(recipe), data: datasetFingerprint(data.train), test: datasetFingerprint(data.test) };
  return modelCacheKeyOn(backend, parts, RECIPE_CODE);
}

// In Node, trainRecipe keeps what it trains on disk.
setRecipeCache(diskRecipeCache);

/**
 * The digit classifier of the recognizability score (chapter 5, lib/training/recognizability.ts), trained on
 * `data` (the training digits) and kept in the model cache like the models.
 */
export async function bookClassifier(data: Dataset, config: Partial<DigitClassifierConfig> = {}, opts: { cache?: boolean } = {}): Promise<DigitClassifier> {
  const cfg: DigitClassifierConfig = { ...DEFAULT_DIGIT_CLASSIFIER, ...config };
  if (opts.cache === false) return trainDigitClassifier(data, cfg);
  const entry = await cachedModel('digit-classifier', { config: cfg, data: datasetFingerprint(data) }, {
    build: () => trainDigitClassifier(data, cfg),
    code: CLASSIFIER_CODE,
    save: async (c, dir) => {
      await saveNetwork(c.net, path.join(dir, 'net'));
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(c.config));
    },
    load: async (dir) => ({
      net: await loadNetwork(path.join(dir, 'net')),
      config: JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as DigitClassifierConfig,
    }),
  });
  return entry.value;
}
