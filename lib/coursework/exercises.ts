/**
 * The coding exercises of the book: one entry per exercise id. The student notebooks (exercises/<chapter>.ipynb) mark each
 * answer cell with metadata {"exercise": {"id", "points"}}; the grader
 * (grade.ts) reads this table to know which name an answer defines and which
 * check scores it. No TensorFlow here, so the grader loads it without tf.
 */

/** The chapters that have an exercise notebook, in book order. */
export const EXERCISE_CHAPTERS = ['02-autoencoder', '03-vae', '04-training', '05-generation', '06-beyond', '08-the-article'] as const;
export type ExerciseChapter = (typeof EXERCISE_CHAPTERS)[number];

export interface ExerciseSpec {
  /** Stable id, the `exercise.id` of the answer cell's metadata. */
  id: string;
  /** The notebook (and chapter) the exercise belongs to. */
  chapter: ExerciseChapter;
  /** One line for reports and the notebook heading. */
  title: string;
  /** The top-level function the answer defines; the grader calls it on its probes. */
  symbol: string;
  /** Default points when the answer cell's metadata gives none. */
  points: number;
  /**
   * The library's own implementations of this exercise, as `module#export` under
   * lib/: graded answers run without them (the grader replaces them with stubs
   * that throw, scripts/grading/view.ts), and the inline check warns when an
   * answer is or calls one (lib/coursework/library-use.ts). Every path to the same
   * computation counts (gaussianKl with a standard normal is the KL of `kl`).
   */
  library: string[];
  /**
   * The answer cell starts as a program with mistakes to find and fix (chapter 8's port of the article's model),
   * not as a stub that throws TODO.
   */
  debugging?: boolean;
}

export const EXERCISES: readonly ExerciseSpec[] = [
  { id: 'fit-gaussian', chapter: '02-autoencoder', title: 'A Gaussian fitted to the codes', symbol: 'fitGaussian', points: 2, library: [] },
  { id: 'reparameterize', chapter: '03-vae', title: 'The reparameterization trick', symbol: 'reparameterize', points: 2, library: ['model/distributions#reparameterize'] },
  { id: 'kl', chapter: '03-vae', title: 'The Gaussian KL divergence in closed form', symbol: 'klDivergence', points: 2, library: ['model/distributions#klDivergence', 'model/distributions#gaussianKl'] },
  { id: 'bernoulli-ll', chapter: '03-vae', title: 'The Bernoulli log-likelihood from logits', symbol: 'bernoulliLogLikelihood', points: 2, library: ['model/distributions#bernoulliLogLikelihood'] },
  { id: 'elbo', chapter: '03-vae', title: 'The ELBO and the β-weighted loss', symbol: 'elbo', points: 2, library: ['model/elbo#elbo'] },
  { id: 'kl-warmup', chapter: '04-training', title: 'A linear KL warm-up schedule', symbol: 'warmupBeta', points: 1, library: ['model/elbo#klWarmup'] },
  { id: 'beta-sweep', chapter: '04-training', title: 'Sweep β and count active units', symbol: 'sweepBeta', points: 3, library: [] },
  { id: 'lerp', chapter: '05-generation', title: 'Linear interpolation between codes', symbol: 'lerp', points: 1, library: ['training/generate#lerp'] },
  { id: 'slerp', chapter: '05-generation', title: 'Spherical interpolation between codes', symbol: 'slerp', points: 2, library: ['training/generate#slerp'] },
  { id: 'iwae', chapter: '06-beyond', title: 'The importance-weighted bound', symbol: 'iwaeBound', points: 3, library: ['training/evaluate#iwaeNll'] },
  { id: 'debug-article', chapter: '08-the-article', title: "Debug the article's VAE", symbol: 'articleVae', points: 5, library: [], debugging: true },
];

/**
 * The β sweep of chapter 4 (exercise `beta-sweep`), one source for the notebook's
 * text and code (scripts/codegen/exercises.ts) and for the models the grader trains
 * to compare a submission's rows with (scripts/grading/reference.ts).
 */
export const BETA_SWEEP = {
  latentDim: 10,
  hiddenUnits: [256],
  /** createVAE's seed and train's seed. */
  seed: 0,
  /** loadData options per profile. */
  data: { quick: { limit: 1000 }, full: {} },
  /** Epochs per model per profile. */
  epochs: { quick: 2, full: 10 },
} as const;

/** The exercise with this id, or undefined. */
export function exerciseById(id: string): ExerciseSpec | undefined {
  return EXERCISES.find((e) => e.id === id);
}

/** The exercises of one chapter, in notebook order. */
export function exercisesOf(chapter: string): ExerciseSpec[] {
  return EXERCISES.filter((e) => e.chapter === chapter);
}
