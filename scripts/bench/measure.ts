/**
 * `npm run measure [-- --json] [--backend auto|tensorflow|wasm|cpu] [--cached] [--part all|grey|binarized] [--k K]
 * [--iwae-digits N] [--seed S]`: the book's two measured VAEs (--part picks one).
 *
 * Grey levels: the reference VAE, trained exactly as chapters 4–7 train it (the recipe `referenceVae('full')` of
 * lib/training/recipes.ts on `bookData('full')`, the full MNIST's 60,000 / 10,000 digits), then measured as the chapters
 * measure it: the test −ELBO and its terms, the IWAE NLL with K = 100, and the recognizability of 2,000 prior samples
 * by the book's digit classifier, next to the real test digits' score and the classifier's test accuracy
 * (notebooks/06-beyond.ipynb, chapter 5).
 *
 * Binarized: `literatureVae('full')` on `binarizedData('full')` (the full MNIST, dynamically binarized training
 * digits, the test set binarized once), with the test −ELBO and the test NLL by the IWAE bound at K importance samples
 * (default 1,000; Burda et al. 2016 use 5,000) on all 10,000 test digits or, with --iwae-digits N, the first N: the
 * number set beside the literature (docs/results.md). --seed S trains it from seed S (`withSeed`: the weights, the batch
 * order, the binarization draws and the noise; default 0); the test set's binarization stays seed 0.
 *
 * It trains from scratch (a measurement), unless --cached takes the model and the classifier from the model cache, as
 * the notebooks do. Progress goes to stderr; with --json one JSON object goes to stdout.
 *
 * --record also writes each measured part's record into measurements/ (scripts/bench/record.ts): the JSON output with
 * the command line, the commit, the recipe's model-cache key, the backend and the date, which the book's tables read.
 * --record --from FILE writes the records of an output saved before (FILE: what --json printed) instead of measuring;
 * the other flags must be those of the run that printed it (they are checked against the output), --commit names the
 * commit it ran on, --key its recipe's model-cache key (the model cache's folder `<recipe>-<key>`; needed when lib/
 * changed since that commit, computed otherwise), --date when it finished (default: FILE's modification time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  initBackend, describeBackend, bookData, referenceVae, describeRecipe, trainRecipe, bookClassifier, classifierAccuracy,
  recognizability, evaluate, iwaeNll, samplePrior, literatureVae, binarizedData, subset, withSeed, type BackendName, type Dataset,
} from '../../lib';
import { gitCommit } from './machine';
import { libraryUnchangedSince, makeRecord, partOf, readMeasureOutput, shortCommit, writeRecord, type MeasuredPart, type MeasureOutput } from './record';

const USAGE =
  'usage: npm run measure -- [--json] [--backend auto|tensorflow|wasm|cpu] [--cached] [--part all|grey|binarized] [--k K] [--iwae-digits N] [--seed S]\n' +
  '         [--record [--from FILE --commit SHA [--key KEY] [--date ISO]]]';

/** Flags that only say where the record comes from: left out of the command line a record stores. */
const RECORD_FLAGS = new Set(['--record', '--from', '--commit', '--key', '--date']);

/** The numbers the book reports for the reference VAE, as chapters 4 and 5 compute them. */
const K = 100;
const SAMPLES = 2000;

const log = (s: string) => process.stderr.write(`${s}\n`);

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got '${v}'\n${USAGE}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        backend: { type: 'string' },
        cached: { type: 'boolean', default: false },
        part: { type: 'string', default: 'all' },
        k: { type: 'string', default: '1000' },
        'iwae-digits': { type: 'string' },
        seed: { type: 'string', default: '0' },
        record: { type: 'boolean', default: false },
        from: { type: 'string' },
        commit: { type: 'string' },
        key: { type: 'string' },
        date: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const part = values.part;
  if (part !== 'all' && part !== 'grey' && part !== 'binarized') throw new Error(`--part must be all, grey or binarized, got '${part}'\n${USAGE}`);
  const k = positiveInt('k', values.k);
  const iwaeDigits = values['iwae-digits'] === undefined ? undefined : positiveInt('iwae-digits', values['iwae-digits']);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be an integer ≥ 0, got '${values.seed}'\n${USAGE}`);
  const recording = recordOptions(values, part);
  if (values.from !== undefined) {
    const output = readMeasureOutput(values.from);
    checkSavedOutput(output, values.from, part, k, iwaeDigits, seed);
    writeRecords(output, part, seed, recording!, { key: values.key, date: values.date ?? fs.statSync(values.from).mtime.toISOString(), from: values.from });
    return;
  }
  const started = performance.now();
  const backend = await initBackend(values.backend ? { backend: values.backend as BackendName | 'auto' } : undefined);
  log(`backend: ${describeBackend(backend)}`);
  const grey = part === 'binarized' ? {} : await measureGrey(values.cached);
  const binarized = part === 'grey' ? {} : { binarized: await measureBinarized(values.cached, k, iwaeDigits, seed) };
  const total = (performance.now() - started) / 1000;
  log(`total ${total.toFixed(1)} s`);
  const output: MeasureOutput = { backend: backend.name, backendDetail: describeBackend(backend), ...grey, ...binarized, totalSeconds: total } as MeasureOutput;
  if (values.json) process.stdout.write(JSON.stringify(output) + '\n');
  if (recording) writeRecords(output, part, seed, recording, { date: new Date().toISOString() });
}

interface Recording {
  root: string;
  command: string;
  commit: string;
}

/** What --record needs (undefined without it); the flags that only make sense with it are errors without it. */
function recordOptions(values: { record?: boolean; from?: string; commit?: string; key?: string; date?: string }, part: string): Recording | undefined {
  const stray = (['from', 'commit', 'key', 'date'] as const).filter((f) => values[f] !== undefined);
  if (!values.record) {
    if (stray.length) throw new Error(`--${stray[0]} only goes with --record\n${USAGE}`);
    return undefined;
  }
  const root = path.resolve(__dirname, '..', '..');
  const argv = process.argv.slice(2);
  const kept = argv.filter((a, i) => !RECORD_FLAGS.has(a.split('=')[0]) && !(RECORD_FLAGS.has(argv[i - 1]) && argv[i - 1] !== '--record'));
  const command = `npm run measure -- ${kept.join(' ')}`.trim();
  if (values.from === undefined) {
    if (stray.length) throw new Error(`--${stray[0]} only goes with --from (the record of a saved output)\n${USAGE}`);
    return { root, command, commit: gitCommit(root) };
  }
  if (values.commit === undefined) throw new Error(`--from needs --commit: the commit whose code printed ${values.from}\n${USAGE}`);
  const commit = shortCommit(root, values.commit);
  if (values.key === undefined && !libraryUnchangedSince(root, commit)) {
    throw new Error(
      `--from: lib/ or package-lock.json changed since ${commit}, so the recipe's key cannot be computed with the code as it is now; ` +
        `pass --key, the key of the model that run trained or loaded (its folder in the model cache is <recipe>-<key>)`,
    );
  }
  if (values.date !== undefined && Number.isNaN(Date.parse(values.date))) throw new Error(`--date must be an ISO 8601 date, got '${values.date}'`);
  if (part === 'all' && values.key !== undefined) throw new Error('--key names one recipe\'s key: use it with --part grey or --part binarized');
  return { root, command, commit };
}

/** A saved output must be what the flags would print: the same parts, seed, K and digits. */
function checkSavedOutput(output: MeasureOutput, file: string, part: string, k: number, iwaeDigits: number | undefined, seed: number): void {
  const parts = part === 'all' ? ['grey', 'binarized'] : [part];
  for (const p of ['grey', 'binarized'] as const) {
    const has = partOf(output, p) !== undefined;
    if (parts.includes(p) !== has) throw new Error(`--from ${file}: it ${has ? 'has' : 'lacks'} the ${p} part, --part ${part} ${has ? 'does not measure it' : 'does'}`);
  }
  const b = output.binarized;
  if (b) {
    if ((b.seed ?? 0) !== seed) throw new Error(`--from ${file}: measured seed ${b.seed ?? 0}, the flags say --seed ${seed}`);
    if (b.test.k !== k) throw new Error(`--from ${file}: measured K = ${b.test.k}, the flags say --k ${k}`);
    const full = (b.data as { test?: number } | undefined)?.test;
    const expected = iwaeDigits === undefined ? full : Math.min(iwaeDigits, full ?? iwaeDigits);
    if (expected !== undefined && b.test.digits !== expected) throw new Error(`--from ${file}: the NLL covers ${b.test.digits} test digits, the flags say ${expected}`);
  }
}

/** Writes the record of each part of `output`. */
function writeRecords(output: MeasureOutput, part: string, seed: number, rec: Recording, opts: { key?: string; date: string; from?: string }): void {
  const parts: MeasuredPart[] = part === 'all' ? ['grey', 'binarized'] : [part as MeasuredPart];
  for (const p of parts) {
    const { file, record } = makeRecord(output, p, p === 'grey' ? 0 : seed, {
      root: rec.root, command: rec.command, commit: rec.commit, date: opts.date, key: opts.key,
      note: opts.from ? `converted from the command's saved output (${path.basename(opts.from)}) by --record --from` : undefined,
    });
    writeRecord(file, record);
    log(`record: ${path.relative(rec.root, file)} (${record.cacheFolder}, commit ${record.commit})`);
  }
}

/** The reference VAE on the full MNIST's grey digits, measured as chapters 4 and 5 measure it. */
async function measureGrey(cached: boolean): Promise<Record<string, unknown>> {
  const data = bookData('full');
  const recipe = referenceVae('full');
  log(`${describeRecipe(recipe)}; ${data.train.size} training, ${data.test.size} test digits${cached ? '; model cache on' : ''}`);
  const run = await trainRecipe(recipe, data, {
    cache: cached,
    onEpoch: (e) => {
      if (e.epoch % 10 === 0 || e.epoch === 1) {
        log(`epoch ${e.epoch}: train −ELBO ${(-e.elbo).toFixed(2)}, test −ELBO ${(-(e.test?.elbo ?? NaN)).toFixed(2)}, ${e.seconds.toFixed(2)} s, ${Math.round(e.samplesPerSecond)} samples/s`);
      }
    },
  });
  const vae = run.model;
  let t0 = performance.now();
  const test = evaluate(vae, data.test, { seed: 0 });
  const nll = iwaeNll(vae, data.test, { k: K, seed: 0 });
  const evalSeconds = (performance.now() - t0) / 1000;
  log(`test −ELBO ${(-test.elbo).toFixed(2)} nats/digit (recon ${test.recon.toFixed(2)}, KL ${test.kl.toFixed(2)}); IWAE NLL (K = ${K}) ${nll.toFixed(2)}`);

  t0 = performance.now();
  const classifier = await bookClassifier(data.train, {}, { cache: cached });
  const classifierSeconds = (performance.now() - t0) / 1000;
  const accuracy = classifierAccuracy(classifier, data.test);
  const real = recognizability(classifier, data.test.images).score;
  const samples = recognizability(classifier, samplePrior(vae, SAMPLES, { seed: 0 })).score;
  log(`classifier test accuracy ${(100 * accuracy).toFixed(1)} %; recognizable: real test digits ${real.toFixed(3)}, ${SAMPLES} prior samples ${samples.toFixed(3)} (${(samples / real).toFixed(2)} of the real digits' score)`);
  log(`training ${run.result.seconds.toFixed(1)} s (${(run.result.seconds / run.result.epochs.length).toFixed(2)} s per epoch${run.cached ? ', from the model cache' : ''})`);
  vae.dispose();
  classifier.net.dispose();
  return {
    recipe: describeRecipe(recipe),
    cached: run.cached,
    data: dataSummary(data),
    test: { negElbo: -test.elbo, recon: test.recon, kl: test.kl, iwaeNll: nll, k: K, digits: data.test.size },
    samples: { count: SAMPLES, recognizable: samples, realDigits: real, shareOfReal: samples / real },
    classifier: { testAccuracy: accuracy },
    seconds: {
      training: run.result.seconds,
      perEpoch: run.result.seconds / run.result.epochs.length,
      evaluation: evalSeconds,
      classifier: classifierSeconds,
    },
    samplesPerSecond: run.result.samplesPerSecond,
    testNegElboByEpoch: run.result.epochs.map((e) => -(e.test?.elbo ?? NaN)),
  };
}

/** The literature's setting: literatureVae on binarized full MNIST, NLL by the IWAE bound at a large K. */
async function measureBinarized(cached: boolean, k: number, iwaeDigits: number | undefined, seed: number): Promise<Record<string, unknown>> {
  const bin = binarizedData('full');
  const recipe = withSeed(literatureVae('full'), seed);
  log(`${describeRecipe(recipe)}; ${bin.train.size} training digits (binarized anew each epoch), ${bin.test.size} test digits (binarized once)${cached ? '; model cache on' : ''}`);
  const run = await trainRecipe(recipe, bin, {
    cache: cached,
    onEpoch: (e) => log(`epoch ${e.epoch}: train −ELBO ${(-e.elbo).toFixed(2)}, test −ELBO ${(-(e.test?.elbo ?? NaN)).toFixed(2)}, ${e.seconds.toFixed(2)} s, ${Math.round(e.samplesPerSecond)} samples/s`),
  });
  log(`training ${run.result.seconds.toFixed(1)} s (${(run.result.seconds / run.result.epochs.length).toFixed(2)} s per epoch${run.cached ? ', from the model cache' : ''})`);
  const t0 = performance.now();
  const test = evaluate(run.model, bin.test, { seed: 0 });
  const scored = iwaeDigits === undefined ? bin.test : subset(bin.test, Math.min(iwaeDigits, bin.test.size));
  const nll = iwaeNll(run.model, scored, { k, seed: 0 });
  const evalSeconds = (performance.now() - t0) / 1000;
  log(`binarized test −ELBO ${(-test.elbo).toFixed(2)} nats/digit (recon ${test.recon.toFixed(2)}, KL ${test.kl.toFixed(2)}); IWAE NLL (K = ${k}, ${scored.size} digits) ${nll.toFixed(2)}, ${evalSeconds.toFixed(1)} s`);
  run.model.dispose();
  return {
    recipe: describeRecipe(recipe),
    seed,
    cached: run.cached,
    data: { ...dataSummary(bin), binarization: 'training digits: a new Bernoulli draw per epoch; test digits: one draw, seed 0' },
    test: { negElbo: -test.elbo, recon: test.recon, kl: test.kl, iwaeNll: nll, k, digits: scored.size },
    seconds: { training: run.result.seconds, perEpoch: run.result.seconds / run.result.epochs.length, evaluation: evalSeconds },
    samplesPerSecond: run.result.samplesPerSecond,
    testNegElboByEpoch: run.result.epochs.map((e) => -(e.test?.elbo ?? NaN)),
  };
}

/** { name, train, test } of a split: the data set's name without the split, and the two sizes. */
function dataSummary(data: { train: Dataset; test: Dataset }): { name: string; train: number; test: number } {
  return { name: data.train.name.replace(/\/train$/, ''), train: data.train.size, test: data.test.size };
}

main().catch((e) => {
  process.stderr.write(`measure: ${(e as Error).message}\n`);
  process.exit(1);
});
