/**
 * The public surface of the library: an explicit list of named re-exports.
 * Notebooks, the CLI, the book, the grader and the exercises import from here.
 * lib/core.ts is the part that also runs in a browser; the rest needs Node
 * (files, the native backend, the notebook display).
 */

// Everything that runs in a browser too: models, maths, evaluation, generation, figure specs
export * from './core';

// Backend (chapter 1, "Running the code")
export { initBackend, currentBackend, describeBackend, DEFAULT_TENSORFLOW_THREADS } from './backend/backend';
export type { BackendName, BackendInfo, BackendOptions } from './backend/backend';
export { tuneKernels, tuneKernel, kernelTuning, KERNEL_FIXES } from './backend/kernels';
export type { KernelTuning, KernelFixName } from './backend/kernels';
export type { KernelFix } from './backend/kernel-fix';

// Data from disk
export { loadDigits, loadData } from './data/load';
export type { LoadDataOptions } from './data/load';
export { readIdx, writeIdx, loadIdxFolder } from './data/idx';
export type { IdxArray } from './data/idx';

// Training, saving, logging
export { train, DEFAULT_TRAIN_CONFIG } from './training/train';
export type { TrainConfig, TrainResult, BatchLog, EpochLog } from './training/train';
export { adam, FusedAdam } from './training/adam';
export type { AdamOptions } from './training/adam';
export { cosineDecay } from './training/schedule';
export type { LearningRateSchedule, CosineDecayConfig } from './training/schedule';
export {
  trainRecipe, describeRecipe, recipeTraining, referenceVae, convVae, autoencoder2d, vae2d, autoencoderOfSize, vaeOfSize, betaVae, bookData, bookClassifier,
  DEFAULT_RECIPE_TRAINING,
} from './training/recipes';
export type { Recipe, RecipeModel, RecipeTraining, RecipeRun, TrainRecipeOptions } from './training/recipes';
export { overSeeds, withSeed, bookSeeds } from './training/seeds';
export type { OverSeeds, OverSeedsOptions } from './training/seeds';
export { modelCacheDir, cachedModel, modelCacheKey } from './io/model-cache';
export { libraryFingerprint, datasetFingerprint } from './io/fingerprint';
export type { CachedValue, CacheFunctions } from './io/model-cache';

// Sample quality: a digit classifier and the share of images it recognizes (chapter 5)
export {
  createDigitClassifier, trainDigitClassifier, classProbabilities, classifierAccuracy, classifierLabels, labelAgreement, recognizability,
  DEFAULT_DIGIT_CLASSIFIER, DEFAULT_RECOGNIZABILITY,
} from './training/recognizability';
export type { DigitClassifier, DigitClassifierConfig, Recognizability, RecognizabilityOptions } from './training/recognizability';
export { createProgressBar } from './training/progress';
export type { ProgressBar, ProgressConfig, ProgressStream } from './training/progress';
export { saveModel, loadModel, saveCheckpoint, latestCheckpoint, saveBookModel, readNetworkArtifacts, readModelManifest } from './io/save';
export { writeEpochSummaries, DEFAULT_EPOCH_SUMMARIES } from './training/summaries';
export type { EpochSummaryConfig, EpochTerms } from './training/summaries';
export { createSummaryWriter, readEventFile, readSummaries, findEventFiles } from './io/tensorboard';
export type { SummaryWriter, SummaryWriterOptions, ScalarEvent, ImageEvent, HistogramEvent, EventFileSummaries } from './io/tensorboard';

// Pictures and notebooks (tslab): PNG digit grids, figures, live curves; the quick/full run profile
export { encodePng, digitGridPng, DEFAULT_DIGIT_GRID } from './figures/png';
export type { DigitGridOptions } from './figures/png';
export { show, liveFigure, showImage, showDigits, showText, showTable, formatTable, plotlyBundle, figureBundle, figureSummary, isNotebook, PLOTLY_MIME, DEFAULT_LIVE_FIGURE } from './figures/display';
export type { FigureLike, PlotlyBundle, LiveFigure, LiveFigureOptions, TableCell } from './figures/display';
export { showResults, RESULTS_MIME } from './figures/results';
export type { ResultValue } from './figures/results';
export { profile, pick, parseProfile, PROFILES } from './training/profile';
export type { Profile } from './training/profile';

// Coursework: inline checks of the exercises and the list the grader scores
export { check, runExercise, formatResult } from './coursework/check';
export type { CheckResult, CaseResult, CheckOptions, BetaSweepRow } from './coursework/check';
export { EXERCISES, EXERCISE_CHAPTERS, exercisesOf, exerciseById } from './coursework/exercises';
export type { ExerciseSpec, ExerciseChapter } from './coursework/exercises';
