/**
 * `train` as lib/index.ts exports it: the browser-safe loop of lib/training/train.ts plus what needs Node,
 * each added as a callback of that loop: a progress bar on stderr, a checkpoint after every epoch, and
 * TensorBoard logs (per-step scalars; per epoch the terms, images and histograms of lib/training/summaries.ts).
 */
import type { Dataset } from '../data/dataset';
import type { Model } from '../model/model';
import { saveCheckpoint } from '../io/save';
import { createSummaryWriter, type SummaryWriter } from '../io/tensorboard';
import { createProgressBar, type ProgressBar } from './progress';
import { writeEpochSummaries } from './summaries';
import { checkPositiveInt } from '../model/checks';
import { train as trainLoop, DEFAULT_TRAIN_CONFIG as LOOP_DEFAULTS, type TrainConfig as LoopConfig, type TrainCallbacks, type TrainResult } from './train';

export interface TrainConfig extends LoopConfig {
  /** Draw a progress bar on stderr (default: on a TTY unless VAE_QUIET=1). */
  progress: boolean;
  /** Save a checkpoint here after every epoch (checkpointDir/epoch-NNNN + latest.json). */
  checkpointDir?: string;
  /** Checkpoints kept (older ones are deleted). */
  keepCheckpoints: number;
  /**
   * Write TensorBoard logs here: loss, recon, kl, elbo and beta per step; per epoch the train and test ELBO
   * terms, sample and reconstruction images and encoder histograms (lib/training/summaries.ts).
   */
  logDir?: string;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = { ...LOOP_DEFAULTS, progress: false, keepCheckpoints: 2 };

function defaultProgress(): boolean {
  return Boolean(process.stderr.isTTY) && process.env.VAE_QUIET !== '1';
}

/** A progress bar per epoch on stderr, ending in a summary line of the epoch. */
export function progressCallback(): TrainCallbacks {
  let bar: ProgressBar | undefined;
  let epochs = 0;
  return {
    onEpochBegin: (epoch, info) => {
      epochs = info.epochs;
      bar = createProgressBar({ total: info.stepsPerEpoch, label: `epoch ${epoch}/${info.epochs}` });
    },
    onBatch: (log) => bar?.tick(1, `loss ${log.loss.toFixed(2)}`),
    onEpoch: (e) =>
      bar?.done(
        `epoch ${e.epoch}/${epochs}: loss ${e.loss.toFixed(2)} (recon ${e.recon.toFixed(2)}, KL ${e.kl.toFixed(2)})` +
          (e.test ? `, test ELBO ${e.test.elbo.toFixed(2)}` : '') +
          `, ${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond)} samples/s`,
      ),
  };
}

/** TensorBoard logs of a run of `model` into `logDir`; the epoch images and histograms use the first digits of `shown`. */
export function tensorBoardCallback(logDir: string, model: Model, shown: Dataset): TrainCallbacks {
  // Opened at the first epoch, so that a configuration the loop rejects leaves no log folder behind.
  let writer: SummaryWriter | undefined;
  let step = 0;
  return {
    onEpochBegin: () => void (writer ??= createSummaryWriter(logDir)),
    onBatch: (log) => {
      if (!writer) return;
      step = log.step;
      writer.scalar('loss', log.loss, step);
      writer.scalar('recon', log.recon, step);
      writer.scalar('kl', log.kl, step);
      writer.scalar('elbo', -(log.recon + log.kl), step);
      writer.scalar('beta', log.beta, step);
    },
    onEpoch: (e) => {
      if (!writer) return;
      writeEpochSummaries(writer, model, shown, { epoch: e.epoch, step, terms: e });
      writer.flush();
    },
    onEnd: () => writer?.close(),
  };
}

/** A checkpoint of `model` after every epoch under `dir`, keeping the newest `keep`. */
export function checkpointCallback(model: Model, dir: string, keep: number): TrainCallbacks {
  return { onEpoch: async (e) => void (await saveCheckpoint(model, dir, e.epoch, keep)) };
}

/**
 * Trains `model` in place on `data` (lib/training/train.ts) with the progress bar, checkpoints and TensorBoard
 * logs that `opts` asks for, added before any `opts.callbacks`.
 */
export async function train(model: Model, data: Dataset, opts: Partial<TrainConfig> = {}): Promise<TrainResult> {
  const cfg: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, progress: defaultProgress(), ...opts };
  checkPositiveInt('train', 'keepCheckpoints', cfg.keepCheckpoints);
  const { progress, checkpointDir, keepCheckpoints, logDir, callbacks, ...loop } = cfg;
  const node: TrainCallbacks[] = [];
  // The order of the former single loop: logs, then the bar's epoch line, then the checkpoint.
  if (logDir) node.push(tensorBoardCallback(logDir, model, cfg.testData ?? data));
  if (progress) node.push(progressCallback());
  if (checkpointDir) node.push(checkpointCallback(model, checkpointDir, keepCheckpoints));
  return trainLoop(model, data, { ...loop, callbacks: [...node, ...(callbacks ?? [])] });
}
