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
export { loadMnist, loadMnistFolder, mnistDataFolder, readCheckedIdx, readCheckedIdxFile } from './data/mnist';

// Training with Node's side effects (progress bar, checkpoints, TensorBoard); this `train` takes the place of
// core's browser-safe one, whose options it extends. Importing recipes-node makes the model cache on disk the
// cache of core's trainRecipe.
export { train, DEFAULT_TRAIN_CONFIG, progressCallback, tensorBoardCallback, checkpointCallback } from './training/train-node';
export type { TrainConfig } from './training/train-node';
export { diskRecipeCache, bookClassifier } from './training/recipes-node';
export { modelCacheDir, cachedModel, modelCacheKey, trainingCodeFingerprint } from './io/model-cache';
export { libraryFingerprint, datasetFingerprint, codeFingerprint } from './io/fingerprint';
export type { CachedValue, CacheFunctions, TrainingCode } from './io/model-cache';
export type { CodeFingerprint, CodeSources } from './io/fingerprint';

// Progress, saving, logging
export { createProgressBar } from './training/progress';
export type { ProgressBar, ProgressConfig, ProgressStream } from './training/progress';
export { saveModel, loadModel, saveCheckpoint, latestCheckpoint, saveBookModel, readNetworkArtifacts, readModelManifest } from './io/save';
export { writeEpochSummaries, DEFAULT_EPOCH_SUMMARIES } from './training/summaries';
export type { EpochSummaryConfig, EpochTerms } from './training/summaries';
export { createSummaryWriter, readEventFile, readSummaries, findEventFiles } from './io/tensorboard';
export type { SummaryWriter, SummaryWriterOptions, ScalarEvent, ImageEvent, HistogramEvent, EventFileSummaries } from './io/tensorboard';

// Notebooks (tslab): importing display-tslab makes tslab's display the DisplaySink of core's show, showDigits, …
export { isNotebook } from './figures/display-tslab';

// Coursework: inline checks of the exercises and the list the grader scores
export { check, runExercise, formatResult } from './coursework/check';
export type { CheckResult, CaseResult, CheckOptions, BetaSweepRow } from './coursework/check';
export { EXERCISES, EXERCISE_CHAPTERS, exercisesOf, exerciseById } from './coursework/exercises';
export type { ExerciseSpec, ExerciseChapter } from './coursework/exercises';
