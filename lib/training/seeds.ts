/**
 * One recipe trained over several seeds, each number it gives reported as mean ± sd (lib/figures/intervals.ts):
 * a comparison the book draws between two models is only as good as the spread between runs of the same model.
 * A seed sets both the weights' initialisation (the model's seed) and the batch order and noise (the training
 * seed). Seed 0 is the recipe as written, so the book's other notebooks share its cached model; the other seeds
 * are cached under the recipe's name with a `-seed<k>` suffix.
 */
import type { Dataset } from '../data/dataset';
import { pick } from './profile';
import { summarizeRecords, type MeanSd } from '../figures/intervals';
import { trainRecipe, type Recipe, type RecipeModel, type RecipeRun, type TrainRecipeOptions } from './recipes';

/** The seeds of the book's comparisons: 3 in the full profile, 1 in the quick one (which only checks that code runs). */
export function bookSeeds(): number[] {
  return pick({ quick: [0], full: [0, 1, 2] });
}

/** The recipe with its model and training seeded by `seed` (seed 0: the recipe's own seeds, unchanged). */
export function withSeed<K extends 'vae' | 'ae'>(recipe: Recipe<K>, seed: number): Recipe<K> {
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`withSeed: seed must be an integer ≥ 0, got ${seed} (recipe '${recipe.name}')`);
  if (seed === 0) return recipe;
  const base = recipe.model.seed ?? 0;
  const trainingBase = recipe.training.seed ?? 0;
  return {
    ...recipe,
    name: `${recipe.name}-seed${seed}`,
    model: { ...recipe.model, seed: base + 1000 * seed },
    training: { ...recipe.training, seed: trainingBase + 1000 * seed },
  };
}

export interface OverSeedsOptions<M> extends Pick<TrainRecipeOptions, 'cache'> {
  /** Seeds to train; default bookSeeds(). */
  seeds?: readonly number[];
  /** Keep the model of the first seed (returned as `first`) instead of disposing it; default false. */
  keepFirst?: boolean;
  /** Called after each seed's run is measured (a progress line), before its model is disposed. */
  onRun?: (seed: number, run: RecipeRun<M>, measured: Record<string, number>) => unknown;
}

export interface OverSeeds<M, K extends string> {
  seeds: number[];
  /** Each seed's measurements, in the order of `seeds`. */
  runs: Record<K, number>[];
  /** mean ± sd over the seeds of each measurement. */
  summary: Record<K, MeanSd>;
  /** The first seed's model and run, when `keepFirst` (the caller disposes the model). */
  first?: RecipeRun<M>;
}

/**
 * Trains `recipe` once per seed (through trainRecipe, so each seed's model is cached), calls `measure` on each
 * trained run (numbers: test −ELBO, recognizability …) and summarises every measurement over the seeds. Each
 * model is disposed after it is measured (unless it is the first and `keepFirst` is set), so memory stays flat
 * however many seeds run.
 */
export async function overSeeds<K extends 'vae' | 'ae', N extends string>(
  recipe: Recipe<K>,
  data: { train: Dataset; test: Dataset },
  measure: (run: RecipeRun<RecipeModel<K>>, seed: number) => Record<N, number> | Promise<Record<N, number>>,
  opts: OverSeedsOptions<RecipeModel<K>> = {},
): Promise<OverSeeds<RecipeModel<K>, N>> {
  const seeds = [...(opts.seeds ?? bookSeeds())];
  if (seeds.length === 0) throw new Error(`overSeeds: no seeds given for recipe '${recipe.name}'`);
  if (new Set(seeds).size !== seeds.length) throw new Error(`overSeeds: seeds [${seeds.join(', ')}] repeat for recipe '${recipe.name}'`);
  const runs: Record<N, number>[] = [];
  let first: RecipeRun<RecipeModel<K>> | undefined;
  for (const [i, seed] of seeds.entries()) {
    const run = await trainRecipe(withSeed(recipe, seed), data, { cache: opts.cache });
    const keep = i === 0 && opts.keepFirst === true;
    try {
      const measured = await measure(run, seed);
      for (const [k, v] of Object.entries(measured)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`overSeeds: measurement "${k}" of recipe '${recipe.name}', seed ${seed}, is ${String(v)}, not a finite number`);
      }
      runs.push(measured);
      if (opts.onRun) await opts.onRun(seed, run, measured);
    } catch (e) {
      run.model.dispose();
      first?.model.dispose();
      throw e;
    }
    if (keep) first = run;
    else run.model.dispose();
  }
  return { seeds, runs, summary: summarizeRecords(runs), first };
}
