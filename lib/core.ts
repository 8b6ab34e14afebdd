/**
 * The part of the library that runs anywhere TF.js does, the browser included:
 * the model and its maths, data in memory, evaluation, generation and figure
 * specs. It imports nothing that only Node has (no fs, path, zlib, process),
 * which test/core.test.ts proves by bundling it for the browser. The book's
 * in-page figures load it; lib/index.ts re-exports it with the Node-only rest.
 */

// Randomness
export { Rng } from './model/random';

// Data in memory (reading it from disk is lib/data/load.ts)
export { trainTestSplit, subset, binarize, batches, toTensor, imageAt, DEFAULT_SPLIT, DEFAULT_BATCHES } from './data/dataset';
export type { Dataset, Batch, SplitConfig, BinarizeMode, BinarizeConfig, BatchConfig } from './data/dataset';

// The math (chapters 3–5)
export {
  reparameterize,
  klDivergence,
  klPerDimension,
  gaussianKl,
  klMonteCarlo,
  logNormal,
  logStandardNormal,
  bernoulliLogLikelihood,
  gaussianLogLikelihood,
} from './model/distributions';
export type { KlMonteCarloOptions } from './model/distributions';
export { elbo, logLikelihood, freeBitsKl, klWarmup, constantBeta, DEFAULT_ELBO_OPTIONS } from './model/elbo';
export type { Likelihood, ElboInputs, ElboOptions, ElboTerms, BetaSchedule, KlWarmupConfig } from './model/elbo';

// Models
export { createEncoder, DEFAULT_ENCODER_CONFIG } from './model/encoder';
export type { EncoderConfig, Architecture } from './model/encoder';
export { createDecoder, DEFAULT_DECODER_CONFIG } from './model/decoder';
export type { DecoderConfig } from './model/decoder';
export { VAE, createVAE, DEFAULT_VAE_CONFIG } from './model/vae';
export type { VAEConfig, VAEOutput } from './model/vae';
export { Autoencoder, createAutoencoder, DEFAULT_AUTOENCODER_CONFIG } from './model/autoencoder';
export type { AutoencoderConfig } from './model/autoencoder';
export type { Model, LatentDecoder } from './model/model';
export { trainingFlops, modelFlops, matMulFlops } from './model/flops';
export type { LayerFlops, TrainingFlops } from './model/flops';

// Models from their artifacts in memory (lib/io/save.ts reads them from files)
export { modelFromArtifacts, decoderFromArtifacts, networkFromArtifacts, checkManifest, weightBytesOf, MODEL_FORMAT, MODEL_FORMAT_VERSION } from './io/artifacts';
export type { ModelManifest, NetworkArtifacts } from './io/artifacts';

// Evaluation and generation
export {
  evaluate,
  elboPerExample,
  iwaeNll,
  reconstructionError,
  perDigit,
  activeUnits,
  DEFAULT_EVALUATE_OPTIONS,
  DEFAULT_IWAE_OPTIONS,
} from './training/evaluate';
export type { EvaluateOptions, EvalResult, PerExample, IwaeOptions, ReconstructionError, DigitResult, ActiveUnits } from './training/evaluate';
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
  sampleCodeBox,
} from './training/generate';
export type { InterpolateOptions, LatentGridOptions } from './training/generate';

// Figure specs (plotly) and their SVG drawings
export { lossCurve, elboCurve, klCurve, latentScatter, imageGrid, lineChart, barChart, DIGIT_COLOURS } from './figures/plots';
export type { Figure, PlotlyTrace, PlotOptions, Series, LossPoint, ElboPoint, KlPoint, LatentScatterOptions, ImageGridOptions } from './figures/plots';
export { figureToSvg, DEFAULT_SVG_CHART } from './figures/svgchart';
export type { SvgFigure, SvgChartOptions, PngEncoder } from './figures/svgchart';
