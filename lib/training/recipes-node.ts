/**
 * The recipes of lib/training/recipes.ts with Node's model cache on disk (lib/io/model-cache.ts): the
 * `trainRecipe` of lib/index.ts keeps every trained recipe, so chapters 4–7 train the reference VAE once and
 * a rebuild loads it. The digit classifier of chapter 5 is kept the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from '../data/dataset';
import '../data/load'; // registers the package's files as the embedded digits of bookData()
import { cachedModel } from '../io/model-cache';
import { datasetFingerprint } from '../io/fingerprint';
import { loadModel, loadNetwork, saveModel, saveNetwork } from '../io/save';
import { trainRecipe as trainRecipeWith, type Recipe, type RecipeCache, type RecipeModel, type RecipeRun, type TrainRecipeOptions } from './recipes';
import type { TrainResult } from './train';
import { DigitClassifier, DigitClassifierConfig, DEFAULT_DIGIT_CLASSIFIER, trainDigitClassifier } from './recognizability';

/** The model cache on disk as a RecipeCache: the key holds the recipe and fingerprints of the digits. */
export const diskRecipeCache: RecipeCache = {
  run: (recipe, key, build) =>
    cachedModel(recipe.name, { ...key, data: datasetFingerprint(key.data), test: datasetFingerprint(key.test) }, {
      build,
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

/** Node's options of trainRecipe: `cache` true (the default) is the model cache on disk. */
export interface NodeTrainRecipeOptions extends Omit<TrainRecipeOptions, 'cache'> {
  /** Use the model cache on disk (default true), another RecipeCache, or false to always train (a measurement). */
  cache?: boolean | RecipeCache;
}

/**
 * trainRecipe (lib/training/recipes.ts) with the model cache on disk by default: the same recipe trained before
 * on the same digits with the same library and backend is loaded, and its logs replayed through the callbacks.
 */
export function trainRecipe<K extends 'vae' | 'ae'>(
  recipe: Recipe<K>, data: { train: Dataset; test: Dataset }, opts: NodeTrainRecipeOptions = {},
): Promise<RecipeRun<RecipeModel<K>>> {
  const cache = opts.cache === false ? false : opts.cache === true || opts.cache === undefined ? diskRecipeCache : opts.cache;
  return trainRecipeWith(recipe, data, { ...opts, cache });
}

/**
 * The digit classifier of the recognizability score (chapter 5, lib/training/recognizability.ts), trained on
 * `data` (the training digits) and kept in the model cache like the models.
 */
export async function bookClassifier(data: Dataset, config: Partial<DigitClassifierConfig> = {}, opts: { cache?: boolean } = {}): Promise<DigitClassifier> {
  const cfg: DigitClassifierConfig = { ...DEFAULT_DIGIT_CLASSIFIER, ...config };
  if (opts.cache === false) return trainDigitClassifier(data, cfg);
  const entry = await cachedModel('digit-classifier', { config: cfg, data: datasetFingerprint(data) }, {
    build: () => trainDigitClassifier(data, cfg),
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
