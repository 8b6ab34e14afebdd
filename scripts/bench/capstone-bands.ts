/**
 * Where the NLL bands of the capstone (lib/coursework/exercises/capstone.ts) come from: models of the library
 * saved with saveModel and scored as the grader scores a submission (scoreSubmittedModel: the folder read as
 * untrusted data, the IWAE bound with CAPSTONE_EVAL's K on its first digits of the binarized MNIST test set).
 * Anchors: an untrained model of the literature's size; the independent-pixel model (pixelFrequencyModel: every
 * pixel on with its frequency in the training digits, whatever z); a tiny model (784-64-8) trained 1 epoch on 2,000
 * digits; a small model trained in seconds (smallTrainedModel); the literature's model (literatureVae's config,
 * Adam 10⁻³) trained on the 60,000 digits for --epochs.
 *
 * With --largest it scores instead the largest dense and conv models MODEL_FOLDER_LIMITS allow (untrained): how
 * long the grader takes at worst (MODEL_SCORE_SECONDS of scripts/grading/model-folder.ts).
 *
 *   npx tsx scripts/bench/capstone-bands.ts [--epochs 1] [--skip-long] [--largest]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../../lib/index';
import { CAPSTONE_EVAL, MODEL_FOLDER_LIMITS, capstoneTestDigits, scoreSubmittedModel } from '../../lib/coursework/submitted-model';
import { literatureVae } from '../../lib/training/recipes';
import { parseFlags, type Command } from '../flags';

const COMMAND: Command = {
  name: 'capstone-bands',
  usage: `usage: npx tsx scripts/bench/capstone-bands.ts [--epochs N] [--skip-long] [--largest]
  --epochs     epochs of the literature model's run on the 60,000 digits [1]
  --skip-long  leave that run out (the untrained, independent-pixel, tiny and small models only)
  --largest    score only the largest dense and conv models the capstone allows (scoring time at worst)`,
};

/**
 * A VAE that has learned only each pixel's frequency: its decoder's last kernel zero and its bias the log-odds of the
 * pixels' mean over the first 5,000 training digits, so p(x | z) is the same for every z. No training: a model of a
 * known, mediocre NLL in no time (test/exercise-capstone.test.ts grades one).
 */
export function pixelFrequencyModel(config: Partial<lib.VAEConfig> = {}): lib.VAE {
  const model = lib.createVAE({ latentDim: 4, hiddenUnits: [16], seed: 1, ...config, likelihood: 'bernoulli-binary' });
  const { train } = lib.loadMnist();
  const n = 5000;
  const p = new Float32Array(784);
  for (let i = 0; i < n; i++) for (let j = 0; j < 784; j++) p[j] += train.images[i * 784 + j] / n;
  const clip = (v: number) => Math.min(Math.max(v, 1e-3), 1 - 1e-3);
  const weights = model.decoder.getWeights();
  const last = weights.length - 1; // [..., kernel of the last layer, its bias]
  const next = [...weights.slice(0, last - 1), tf.zerosLike(weights[last - 1]), tf.tensor1d(Array.from(p, (v) => Math.log(clip(v) / (1 - clip(v)))))];
  model.decoder.setWeights(next);
  tf.dispose(next.slice(last - 1));
  return model;
}

/** A small VAE (784-128-16) trained 1 epoch on the first 20,000 training digits, binarized anew every batch: seconds on tfjs-node. */
export async function smallTrainedModel(): Promise<lib.VAE> {
  const model = lib.createVAE({ latentDim: 16, hiddenUnits: [128], likelihood: 'bernoulli-binary', seed: 0 });
  await lib.train(model, lib.subset(lib.loadMnist().train, 20000), { epochs: 1, binarize: 'sample', progress: false });
  return model;
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { epochs: { type: 'string' }, 'skip-long': { type: 'boolean' }, largest: { type: 'boolean' } });
  const epochs = Number(values.epochs ?? 1);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a whole number ≥ 1, got ${values.epochs}`);
  const backend = await lib.initBackend();
  console.log(`backend ${lib.describeBackend(backend)}; score: IWAE K = ${CAPSTONE_EVAL.k} on the first ${CAPSTONE_EVAL.digits} binarized test digits (seed 0)`);
  const { train } = lib.loadMnist();
  const test = capstoneTestDigits(CAPSTONE_EVAL.digits);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstone-bands-'));
  const score = async (name: string, model: lib.VAE) => {
    const folder = path.join(dir, name);
    await lib.saveModel(model, folder);
    model.dispose();
    const t0 = Date.now();
    const s = scoreSubmittedModel(folder, { data: test });
    console.log(`${name}: NLL ${s.nll.toFixed(2)} nats (${s.parameters} weights; scored in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  try {
    if (values.largest) {
      const L = MODEL_FOLDER_LIMITS;
      const widest = { latentDim: L.maxLatentDim, hiddenUnits: Array.from({ length: L.maxHiddenLayers }, () => L.maxHiddenUnits), likelihood: 'bernoulli-binary' as const };
      await score('largest dense', lib.createVAE(widest));
      await score('largest conv', lib.createVAE({ ...widest, architecture: 'conv', convFilters: Array.from({ length: L.maxConvLayers }, () => L.maxConvFilters) }));
      return;
    }
    const recipe = literatureVae('full');
    await score('untrained literature-size model', lib.createVAE(recipe.model));
    await score('independent pixels (pixelFrequencyModel, 784-16-4)', pixelFrequencyModel());
    const tiny = lib.createVAE({ latentDim: 8, hiddenUnits: [64], likelihood: 'bernoulli-binary', seed: 0 });
    let t0 = Date.now();
    await lib.train(tiny, lib.subset(train, 2000), { epochs: 1, binarize: 'sample', progress: false });
    console.log(`(tiny model trained in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    await score('tiny 784-64-8, 1 epoch on 2,000 digits', tiny);
    t0 = Date.now();
    const small = await smallTrainedModel();
    console.log(`(small model trained in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    await score('small 784-128-16, 1 epoch on 20,000 digits (smallTrainedModel)', small);
    if (!values['skip-long']) {
      const model = lib.createVAE(recipe.model);
      t0 = Date.now();
      const t = recipe.training ?? {};
      await lib.train(model, train, { epochs, learningRate: t.learningRate, binarize: 'sample', progress: false });
      console.log(`(literature model trained in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      await score(`literature 784-500-500-50, ${epochs} epoch(s) on 60,000 digits, Adam ${t.learningRate}`, model);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`capstone-bands: ${e.message}\n`);
    process.exit(1);
  });
}
