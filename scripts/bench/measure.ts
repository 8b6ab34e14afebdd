/**
 * `npm run measure [-- --json] [--backend auto|tensorflow|wasm|cpu] [--cached] [--k K]`: the book's two measured VAEs.
 *
 * Grey levels: the reference VAE, trained exactly as chapters 4–7 train it (the recipe `referenceVae('full')` of
 * lib/training/recipes.ts on `bookData('full')`, the embedded 8,000 / 2,000 split), then measured as the chapters
 * measure it: the test −ELBO and its terms, the IWAE NLL with K = 100, and the recognizability of 2,000 prior samples
 * by the book's digit classifier, next to the real test digits' score and the classifier's test accuracy
 * (notebooks/06-beyond.ipynb, chapter 5).
 *
 * Binarized: `literatureVae('full')` on `binarizedData('full')` (the full MNIST, dynamically binarized training
 * digits, the test set binarized once), with the test NLL by the IWAE bound at K importance samples (default 1,000;
 * Burda et al. 2016 use 5,000), the number set beside the literature (docs/results.md).
 *
 * It trains from scratch (a measurement), unless --cached takes the model and the classifier from the model cache, as
 * the notebooks do. Progress goes to stderr; with --json one JSON object goes to stdout.
 */
import { parseArgs } from 'node:util';
import {
  initBackend, describeBackend, bookData, referenceVae, describeRecipe, trainRecipe, bookClassifier, classifierAccuracy,
  recognizability, evaluate, iwaeNll, samplePrior, literatureVae, binarizedData, type BackendName, type Dataset,
} from '../../lib';

const USAGE = 'usage: npm run measure -- [--json] [--backend auto|tensorflow|wasm|cpu] [--cached] [--k K]';

/** The numbers the book reports for the reference VAE, as chapters 4 and 5 compute them. */
const K = 100;
const SAMPLES = 2000;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        backend: { type: 'string' },
        cached: { type: 'boolean', default: false },
        k: { type: 'string', default: '1000' },
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
  const binarizedK = Number(values.k);
  if (!Number.isInteger(binarizedK) || binarizedK < 1) throw new Error(`--k must be a positive integer, got '${values.k}'\n${USAGE}`);
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const backend = await initBackend(values.backend ? { backend: values.backend as BackendName | 'auto' } : undefined);
  log(`backend: ${describeBackend(backend)}`);
  const data = bookData('full');
  const recipe = referenceVae('full');
  log(`${describeRecipe(recipe)}; ${data.train.size} training, ${data.test.size} test digits${values.cached ? '; model cache on' : ''}`);

  const run = await trainRecipe(recipe, data, {
    cache: values.cached,
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
  const classifier = await bookClassifier(data.train, {}, { cache: values.cached });
  const classifierSeconds = (performance.now() - t0) / 1000;
  const accuracy = classifierAccuracy(classifier, data.test);
  const real = recognizability(classifier, data.test.images).score;
  const samples = recognizability(classifier, samplePrior(vae, SAMPLES, { seed: 0 })).score;
  log(`classifier test accuracy ${(100 * accuracy).toFixed(1)} %; recognizable: real test digits ${real.toFixed(3)}, ${SAMPLES} prior samples ${samples.toFixed(3)} (${(samples / real).toFixed(2)} of the real digits' score)`);

  // The literature's setting: binarized full MNIST, NLL by the IWAE bound at a large K.
  const bin = binarizedData('full');
  const binRecipe = literatureVae('full');
  log(`${describeRecipe(binRecipe)}; ${bin.train.size} training digits (binarized anew each epoch), ${bin.test.size} test digits (binarized once)`);
  const binRun = await trainRecipe(binRecipe, bin, {
    cache: values.cached,
    onEpoch: (e) => log(`epoch ${e.epoch}: train −ELBO ${(-e.elbo).toFixed(2)}, test −ELBO ${(-(e.test?.elbo ?? NaN)).toFixed(2)}, ${e.seconds.toFixed(2)} s, ${Math.round(e.samplesPerSecond)} samples/s`),
  });
  t0 = performance.now();
  const binTest = evaluate(binRun.model, bin.test, { seed: 0 });
  const binNll = iwaeNll(binRun.model, bin.test, { k: binarizedK, seed: 0 });
  const binEvalSeconds = (performance.now() - t0) / 1000;
  log(`binarized test −ELBO ${(-binTest.elbo).toFixed(2)} nats/digit (recon ${binTest.recon.toFixed(2)}, KL ${binTest.kl.toFixed(2)}); IWAE NLL (K = ${binarizedK}) ${binNll.toFixed(2)}, ${binEvalSeconds.toFixed(1)} s`);
  log(`binarized training ${binRun.result.seconds.toFixed(1)} s (${(binRun.result.seconds / binRun.result.epochs.length).toFixed(2)} s per epoch${binRun.cached ? ', from the model cache' : ''})`);

  const totalSeconds = (performance.now() - started) / 1000;
  log(`training ${run.result.seconds.toFixed(1)} s (${(run.result.seconds / run.result.epochs.length).toFixed(2)} s per epoch${run.cached ? ', from the model cache' : ''}), total ${totalSeconds.toFixed(1)} s`);

  if (values.json) {
    process.stdout.write(
      JSON.stringify({
        backend: backend.name,
        backendDetail: describeBackend(backend),
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
          total: totalSeconds,
        },
        samplesPerSecond: run.result.samplesPerSecond,
        testNegElboByEpoch: run.result.epochs.map((e) => -(e.test?.elbo ?? NaN)),
        binarized: {
          recipe: describeRecipe(binRecipe),
          cached: binRun.cached,
          data: { ...dataSummary(bin), binarization: 'training digits: a new Bernoulli draw per epoch; test digits: one draw, seed 0' },
          test: { negElbo: -binTest.elbo, recon: binTest.recon, kl: binTest.kl, iwaeNll: binNll, k: binarizedK, digits: bin.test.size },
          seconds: { training: binRun.result.seconds, perEpoch: binRun.result.seconds / binRun.result.epochs.length, evaluation: binEvalSeconds },
          samplesPerSecond: binRun.result.samplesPerSecond,
          testNegElboByEpoch: binRun.result.epochs.map((e) => -(e.test?.elbo ?? NaN)),
        },
      }) + '\n',
    );
  }
  vae.dispose();
  binRun.model.dispose();
  classifier.net.dispose();
}

/** { name, train, test } of a split: the data set's name without the split, and the two sizes. */
function dataSummary(data: { train: Dataset; test: Dataset }): { name: string; train: number; test: number } {
  return { name: data.train.name.replace(/\/train$/, ''), train: data.train.size, test: data.test.size };
}

main().catch((e) => {
  process.stderr.write(`measure: ${(e as Error).message}\n`);
  process.exit(1);
});
