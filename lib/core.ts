/**
 * The part of the library that runs anywhere TF.js does, the browser included:
 * the model and its maths, data in memory, evaluation, generation and figure
 * specs, training (the loop without its Node side effects, the book's recipes without the model cache on disk).
 * It imports nothing that only Node has (no fs, path, zlib, process),
 * which test/core.test.ts proves by bundling it for the browser. The book's
 * in-page figures load it; lib/index.ts re-exports it with the Node-only rest.
 */

// Run profile (quick | full)
export { profile, pick, parseProfile, PROFILES } from './training/profile';
export type { Profile } from './training/profile';

// Randomness
export { Rng } from './model/random';

// Data in memory (reading it from disk is lib/data/load.ts)
export { trainTestSplit, subset, binarize, batches, toTensor, imageAt, DEFAULT_SPLIT, DEFAULT_BATCHES } from './data/dataset';
export type { Dataset, Batch, SplitConfig, BinarizeMode, BinarizeConfig, BatchConfig } from './data/dataset';
export { registerDataSource, dataSource } from './data/sources';
export type { DataSourceName } from './data/sources';

export { embeddedData, embeddedDigits, setEmbeddedDigits } from './data/embedded';
export type { EmbeddedDataOptions } from './data/embedded';

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
export type { ElboInputs, ElboOptions, ElboTerms, BetaSchedule, KlWarmupConfig } from './model/elbo';
export {
  LIKELIHOODS, LIKELIHOOD_NAMES, DEFAULT_LIKELIHOOD_PARAMS, likelihoodOf, checkSupport, continuousBernoulliLogNormalizer, continuousBernoulliMean,
} from './model/likelihood';
export type { Likelihood, LikelihoodName, LikelihoodParams, LikelihoodSupport } from './model/likelihood';

// Models
export { createEncoder, DEFAULT_ENCODER_CONFIG } from './model/encoder';
export type { EncoderConfig, Architecture } from './model/encoder';
export { createDecoder, DEFAULT_DECODER_CONFIG } from './model/decoder';
export type { DecoderConfig } from './model/decoder';
export { VAE, createVAE, DEFAULT_VAE_CONFIG } from './model/vae';
export type { VAEConfig, VAEOutput } from './model/vae';
export { Autoencoder, createAutoencoder, DEFAULT_AUTOENCODER_CONFIG } from './model/autoencoder';
export type { AutoencoderConfig } from './model/autoencoder';
export type { AutoregressiveConfig } from './model/vae';
export { createMadeDecoder, DEFAULT_MADE_CONFIG } from './model/made-decoder';
export type { MadeConfig } from './model/made-decoder';
export { createPixelCnnDecoder, DEFAULT_PIXELCNN_CONFIG } from './model/pixelcnn-decoder';
export type { PixelCnnConfig, PixelCnnDecoderConfig } from './model/pixelcnn-decoder';
export { MaskedConv2D, convMask } from './model/masked-conv';
export type { MaskedConv2DArgs, MaskType } from './model/masked-conv';
export { MaskedDense, autoregressiveMask, degrees } from './model/masked-dense';
export type { MaskedDenseArgs, Degrees } from './model/masked-dense';
export type { Model, LatentDecoder } from './model/model';
export { seededInit } from './model/init';
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
  iwaePerExample,
  checkLikelihoodData,
  reconstructionError,
  perDigit,
  activeUnits,
  klPerUnit,
  DEFAULT_EVALUATE_OPTIONS,
  DEFAULT_IWAE_OPTIONS,
} from './training/evaluate';
export type { EvaluateOptions, EvalResult, PerExample, IwaeOptions, ReconstructionError, DigitResult, ActiveUnits } from './training/evaluate';
export { posteriorGrid, samplePosteriorGrid, aggregatePosterior, encodePosteriors, DEFAULT_POSTERIOR_GRID, DEFAULT_AGGREGATE_POSTERIOR } from './training/posterior';
export type { PosteriorGrid, PosteriorGridConfig, AggregatePosterior, AggregatePosteriorConfig } from './training/posterior';
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
export { sampleAutoregressive, DEFAULT_AUTOREGRESSIVE_SAMPLE } from './training/sample-autoregressive';
export type { AutoregressiveSampleOptions } from './training/sample-autoregressive';

// Figure specs (plotly) and their SVG drawings
export { lossCurve, elboCurve, klCurve, latentScatter, imageGrid, lineChart, barChart, seriesOfSummaries, posteriorPlot, DIGIT_COLOURS } from './figures/plots';
export type { Figure, PlotlyTrace, PlotOptions, Series, LossPoint, ElboPoint, KlPoint, LatentScatterOptions, ImageGridOptions, PosteriorView } from './figures/plots';
export { figureToSvg, DEFAULT_SVG_CHART } from './figures/svgchart';
export { summarize, summarizeEach, summarizeRecords, isMeanSd, lowerBeyondNoise, higherBeyondNoise, withinNoise, formatMeanSd } from './figures/intervals';
export type { MeanSd, Interval } from './figures/intervals';
export type { SvgFigure, SvgChartOptions, PngEncoder } from './figures/svgchart';

// Training (chapter 4): the loop and one step, Adam, schedules, the book's recipes
export { train, trainStep, DEFAULT_TRAIN_CONFIG } from './training/train';
export type { TrainConfig, TrainResult, TrainCallbacks, BatchLog, EpochLog, StepTerms, StepOptions } from './training/train';
export { setInterruptCheck, interruptPoint } from './training/interrupt';
export { adam, FusedAdam } from './training/adam';
export type { AdamOptions } from './training/adam';
export { cosineDecay } from './training/schedule';
export type { LearningRateSchedule, CosineDecayConfig } from './training/schedule';
export {
  trainRecipe, describeRecipe, recipeTraining, referenceVae, convVae, autoencoder2d, vae2d, autoencoderOfSize, vaeOfSize, betaVae, autoregressiveVae, bookData, literatureVae, binarizedData,
  DEFAULT_RECIPE_TRAINING,
} from './training/recipes';
export type { Recipe, RecipeModel, RecipeTraining, RecipeRun, TrainRecipeOptions, RecipeCache, TrainedRun } from './training/recipes';
export { setRecipeCache } from './training/recipes';
export { overSeeds, withSeed, bookSeeds } from './training/seeds';
export type { OverSeeds, OverSeedsOptions } from './training/seeds';

// Sample quality: a digit classifier and the share of images it recognizes (chapter 5)
export {
  createDigitClassifier, trainDigitClassifier, classProbabilities, classifierAccuracy, classifierLabels, labelAgreement, recognizability,
  DEFAULT_DIGIT_CLASSIFIER, DEFAULT_RECOGNIZABILITY,
} from './training/recognizability';
export type { DigitClassifier, DigitClassifierConfig, Recognizability, RecognizabilityOptions } from './training/recognizability';

// Pictures and notebook outputs: PNG digit grids, figures, live curves, tables, results (sent through the
// registered DisplaySink: tslab's in Node, lib/figures/display-tslab.ts; the JupyterLite kernel's in a page)
export { encodePng, digitGridPng, DEFAULT_DIGIT_GRID } from './figures/png';
export type { DigitGridOptions } from './figures/png';
export {
  show, liveFigure, showImage, showDigits, showText, showTable, formatTable, plotlyBundle, figureBundle, figureSummary,
  setDisplaySink, displaySink, PLOTLY_MIME, DEFAULT_LIVE_FIGURE,
} from './figures/display';
export type { FigureLike, PlotlyBundle, LiveFigure, LiveFigureOptions, DisplaySink, DisplayOutput, TableCell } from './figures/display';
export { showResults, RESULTS_MIME } from './figures/results';
export type { ResultValue } from './figures/results';
