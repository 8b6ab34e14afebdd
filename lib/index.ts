/**
 * The public surface of the library: an explicit list of named re-exports.
 * Internal helpers (lib/layers.ts, the single kernel replacements of
 * lib/wasm-matmul.ts and lib/conv-grad.ts) are not re-exported. Notebooks,
 * the CLI, the book and the exercises import from here.
 */

// Backend and randomness
export { initBackend, currentBackend, describeBackend } from './backend';
export type { BackendName, BackendInfo, BackendOptions } from './backend';
export { tuneKernels, kernelTuning } from './kernels';
export type { KernelTuning } from './kernels';
export { Rng } from './random';

// Data
export { loadDigits, loadData, trainTestSplit, subset, binarize, batches, toTensor, imageAt, DEFAULT_SPLIT, DEFAULT_BATCHES } from './data';
export type { Dataset, Batch, SplitConfig, BinarizeMode, BinarizeConfig, BatchConfig, LoadDataOptions } from './data';
export { readIdx, writeIdx, loadIdxFolder } from './idx';
export type { IdxArray } from './idx';

// The math (chapters 3–5)
export {
  reparameterize,
  klDivergence,
  gaussianKl,
  klMonteCarlo,
  logNormal,
  logStandardNormal,
  bernoulliLogLikelihood,
  gaussianLogLikelihood,
} from './distributions';
export type { KlMonteCarloOptions } from './distributions';
export { elbo, logLikelihood, klWarmup, constantBeta, DEFAULT_ELBO_OPTIONS } from './elbo';
export type { Likelihood, ElboInputs, ElboOptions, ElboTerms, BetaSchedule, KlWarmupConfig } from './elbo';

// Models
export { createEncoder, DEFAULT_ENCODER_CONFIG } from './encoder';
export type { EncoderConfig, Architecture } from './encoder';
export { createDecoder, DEFAULT_DECODER_CONFIG } from './decoder';
export type { DecoderConfig } from './decoder';
export { VAE, createVAE, DEFAULT_VAE_CONFIG } from './vae';
export type { VAEConfig, VAEOutput } from './vae';
export { trainingFlops, modelFlops, matMulFlops } from './flops';
export type { LayerFlops, TrainingFlops } from './flops';
export { Autoencoder, createAutoencoder, DEFAULT_AUTOENCODER_CONFIG } from './autoencoder';
export type { AutoencoderConfig, Model } from './autoencoder';

// Training, evaluation, generation, saving
export { train, DEFAULT_TRAIN_CONFIG } from './train';
export { adam, FusedAdam } from './adam';
export type { AdamOptions } from './adam';
export type { TrainConfig, TrainResult, BatchLog, EpochLog } from './train';
export {
  evaluate,
  elboPerExample,
  iwaeNll,
  reconstructionError,
  perDigit,
  activeUnits,
  DEFAULT_EVALUATE_OPTIONS,
  DEFAULT_IWAE_OPTIONS,
} from './evaluate';
export type { EvaluateOptions, EvalResult, PerExample, IwaeOptions, ReconstructionError, DigitResult, ActiveUnits } from './evaluate';
export {
  samplePrior,
  reconstruct,
  reconstructionPairs,
  decodeLatents,
  lerp,
  slerp,
  interpolate,
  latentGrid,
  gridCoordinates,
  normalQuantile,
  latentMeans,
} from './generate';
export type { InterpolateOptions, LatentGridOptions } from './generate';
export { saveModel, loadModel, saveCheckpoint, latestCheckpoint } from './io';

// Logging and pictures
export { createSummaryWriter, readEventFile, findEventFiles } from './tensorboard';
export type { SummaryWriter, SummaryWriterOptions, ScalarEvent } from './tensorboard';
export { createProgressBar } from './progress';
export type { ProgressBar, ProgressConfig, ProgressStream } from './progress';
export { encodePng, digitGridPng, DEFAULT_DIGIT_GRID } from './png';
export type { DigitGridOptions } from './png';
export { lossCurve, elboCurve, klCurve, latentScatter, imageGrid, lineChart, barChart, DIGIT_COLOURS } from './plots';
export type { Figure, PlotlyTrace, PlotOptions, Series, LossPoint, ElboPoint, KlPoint, LatentScatterOptions, ImageGridOptions } from './plots';

// Notebooks (tslab): figures, live curves, digit grids; the quick/full run profile
export { show, liveFigure, showImage, showDigits, showText, showTable, formatTable, plotlyBundle, isNotebook, PLOTLY_MIME, DEFAULT_LIVE_FIGURE } from './display';
export type { FigureLike, PlotlyBundle, LiveFigure, LiveFigureOptions } from './display';
export { figureToSvg, DEFAULT_SVG_CHART } from './svgchart';
export type { SvgFigure, SvgChartOptions } from './svgchart';
export { profile, pick } from './profile';
export type { Profile } from './profile';

// Coursework: inline checks of the exercises and the list the grader scores
export { check, runExercise, formatResult } from './check';
export type { CheckResult, CaseResult, CheckOptions, BetaSweepRow } from './check';
export { EXERCISES, EXERCISE_CHAPTERS, exercisesOf, exerciseById } from './exercises';
export type { ExerciseSpec, ExerciseChapter } from './exercises';
