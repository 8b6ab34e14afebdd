/**
 * Exercise `capstone` (chapter 7): the student trains a VAE of their choice with the library on the binarized full
 * MNIST and submits its saved folder beside the notebook (`<notebook name>.model/`, MODEL_FOLDER_SUFFIX). The
 * grader never runs the training nor trusts a number the notebook prints: it reads the folder as untrusted data
 * and computes the test NLL by the IWAE bound itself, in a sandboxed process of its own
 * (lib/coursework/submitted-model.ts, scripts/grading/model-folder.ts). Marks come from bands of that NLL.
 */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import type { Rng } from '../../model/random';
import type { VAEConfig } from '../../model/vae';
import type { Dataset } from '../../data/dataset';
import type { TrainConfig } from '../../training/train';
import { CheckOptions, CheckPlan, CheckResult, PASS, checked, fail, fmtNum, unwrap } from '../runner';
import { Answer, Schema } from '../protocol';
import { describeValue } from '../answering';
import { CAPSTONE_EVAL, MODEL_FOLDER_LIMITS, ModelScore, scoreFolderAnswer } from '../submitted-model';

export const exercise = {
  id: 'capstone',
  chapter: '07-faq',
  order: 2,
  title: 'Capstone: a VAE of your own on binarized MNIST',
  symbol: 'trainCapstone',
  check: 'capstone',
  points: 8,
  inlineSeed: 41,
  library: [],
  submitted: 'model-folder',
} as const satisfies ExerciseSpec;

/** The folder a submission carries: `<notebook file name without .ipynb>` + this, beside the notebook. */
export const MODEL_FOLDER_SUFFIX = '.model';

/**
 * The bands: the test NLL (nats, CAPSTONE_EVAL's bound) a model must be under for each quarter of the points. Set
 * from models of the library scored as the grader scores them (`npx tsx scripts/bench/capstone-bands.ts`, 7 December
 * 2026, tfjs-node; docs/testing.md): an untrained model of the literature's size 542.13; the independent-pixel model
 * 199.63; a small model trained for seconds 174.83; the literature's model (784-500-500-50, Adam 10⁻³) after 1, 5
 * and 20 epochs on the 60,000 digits 134.57, 102.64 and 93.10. So: 190, ten nats better than independent pixels (the
 * code carries something); 130, a real model trained for more than an epoch; 105, some five epochs of it; 97, the
 * literature's model trained to the end, with a margin of 4 nats for seeds, schedules and backends.
 */
export const NLL_BANDS = [190, 130, 105, 97] as const;

/** The inline check's cheaper bound (the grader's is CAPSTONE_EVAL): a quick look, within a few nats of it. */
export const INLINE_EVAL = { k: 20, digits: 500 } as const;

export type Fn = string;
export type Probe = Record<string, never>;

export function schema(): Schema {
  return { object: { nll: 'number', k: 'number', digits: 'number', parameters: 'number', architecture: 'text', latentDim: 'number' } };
}

/** The score of the folder `dir` (the capstone's answer is a folder, not a function), with the grader's settings. */
export function answer(dir: Fn): Answer<ModelScore> {
  if (typeof dir !== 'string') return { wrong: { got: describeValue(dir), hint: 'the capstone is graded from its saved folder: pass the folder saveModel wrote' } };
  return scoreFolderAnswer(dir);
}

const describeScore = (s: ModelScore) => `${fmtNum(s.nll)} nats (IWAE K = ${s.k} on ${s.digits} test digits; ${s.architecture} VAE, latentDim ${s.latentDim}, ${s.parameters} weights)`;

/** No probe goes to the student's kernel: the one answer is the grader's score of the submitted folder. */
export function plan(_rng: Rng): CheckPlan<Probe> {
  return BANDS_PLAN;
}

const BANDS_PLAN: CheckPlan<Probe> = {
  probes: [],
  judge(run, answers) {
    const answer = (answers[0] ?? { failed: { message: 'the model folder was not scored' } }) as Answer<ModelScore>;
    const got = () => unwrap(answer);
    const [first, ...rest] = NLL_BANDS;
    run.core(`the submitted model loads and its test NLL is under ${first} nats (better than independent pixels)`, () => {
      const s = got();
      return s.nll < first ? PASS : fail(`under ${first} nats`, describeScore(s), 'the model does no better than one that knows only how often each pixel is on (about 200 nats): train it longer, on the 60,000 training digits, with the ELBO of bernoulli-binary pixels');
    });
    // A folder that could not be scored fails the first case only (the note says why); the bands need a number.
    if (!('value' in answer)) return;
    for (const band of rest) {
      run.case(`test NLL under ${band} nats`, () => {
        const s = got();
        return s.nll < band ? PASS : fail(`under ${band} nats`, describeScore(s), 'more epochs, a wider or deeper network, a larger code or a learning-rate decay (chapter 6 and 7) lower the NLL');
      });
    }
  },
};

/** The check cell: the folder scored as the grader does, with a smaller K on fewer digits (INLINE_EVAL). */
export function inlineCheck(dir: unknown, opts: CheckOptions = {}): CheckResult {
  return checked(exercise, opts, (run) => {
    const a = typeof dir === 'string' ? scoreFolderAnswer(dir, INLINE_EVAL) : answer(dir as string);
    BANDS_PLAN.judge(run, [a], {});
  });
}

// ------------------------------------------------------------------ the notebook: a solution that trains the literature's model

// The notebook's \`vae\` (its set-up cell: \`import * as vae from './lib/index'\`), as far as the solution uses it.
declare const vae: {
  loadMnist(): { train: Dataset; test: Dataset };
  subset(ds: Dataset, n: number): Dataset;
  pick<T>(choices: { quick: T; full: T }): T;
  createVAE(config: Partial<VAEConfig>): { dispose(): void };
  train(model: unknown, data: Dataset, opts: Partial<TrainConfig>): Promise<unknown>;
  cosineDecay(cfg: { initial: number; final: number; steps: number }): (step: number) => number;
};

/** The solution: the literature's model (chapter 6's literatureVae), trained on the 60,000 digits, binarized anew every batch. */
export async function trainCapstone() {
  const { train } = vae.loadMnist();
  const digits = vae.pick({ quick: vae.subset(train, 2000), full: train });
  const epochs = vae.pick({ quick: 1, full: 20 });
  const steps = epochs * Math.ceil(digits.size / 128);
  const model = vae.createVAE({ latentDim: 50, hiddenUnits: [500, 500], likelihood: 'bernoulli-binary', seed: 0 });
  await vae.train(model, digits, { epochs, batchSize: 128, learningRate: vae.cosineDecay({ initial: 1e-3, final: 1e-5, steps }), binarize: 'sample' });
  return model;
}

export const notebook: ExerciseNotebook = {
  text: `
    Train a VAE of your choice on the binarized full MNIST and hand in its weights. The grader scores it by the test
    negative log-likelihood, estimated with the importance-weighted bound of chapter 6,

    $$-\\log p_\\theta(x) \\;\\le\\; -\\log \\frac{1}{K} \\sum_{k=1}^{K} \\frac{p_\\theta(x \\mid z_k)\\, p(z_k)}{q_\\phi(z_k \\mid x)},
    \\qquad z_k \\sim q_\\phi(z \\mid x),$$

    averaged over test digits: the lower, the better the model. The rules:

    - the model is made with \`vae.createVAE\`: \`architecture\` \`'dense'\` or \`'conv'\` (up to ${MODEL_FOLDER_LIMITS.maxConvLayers} conv layers of up
      to ${MODEL_FOLDER_LIMITS.maxConvFilters} filters), any \`latentDim\` up to ${MODEL_FOLDER_LIMITS.maxLatentDim}, \`hiddenUnits\` of up to ${MODEL_FOLDER_LIMITS.maxHiddenLayers} layers of up to
      ${MODEL_FOLDER_LIMITS.maxHiddenUnits}, and \`likelihood: 'bernoulli-binary'\`;
    - train it on the 60,000 training digits of \`vae.loadMnist()\` however you like (epochs, learning rate, warm-up,
      free bits, \`binarize: 'sample'\` draws new 0/1 pixels for every batch); never on the test digits;
    - \`trainCapstone()\` returns the trained model; the next cell saves it with \`vae.saveModel\` into the folder
      \`07-faq.model\` beside this notebook. Hand in the notebook and that folder together; if you rename the
      notebook, rename the folder alike (\`alice.ipynb\` and \`alice.model/\`).

    The grader does not run your training and ignores every number the notebook prints. It reads the folder (the
    config must describe the saved weights: same shapes, finite values, at most ${MODEL_FOLDER_LIMITS.maxBytes / 2 ** 20} MB), builds the model from the
    config, and computes the bound itself with K = ${CAPSTONE_EVAL.k} on the first ${CAPSTONE_EVAL.digits} test digits,
    binarized once with seed 0. Points: a quarter for each band the NLL is under: ${NLL_BANDS.join(', ')} nats. For
    scale, the grader's bound gives a model that knows only how often each pixel is on about 200 nats, and the
    literature's model of chapter 6 (784-500-500-50, Adam $10^{-3}$) 135 after 1 epoch, 103 after 5 and 93 after
    20 (some 20 minutes on tfjs-node).
  `,
  stub: `
    async function trainCapstone() {
      // Build a VAE with vae.createVAE (likelihood 'bernoulli-binary'), train it on vae.loadMnist()'s training
      // digits, and return the trained model.
      throw new Error('TODO: answer trainCapstone');
    }
  `,
  solution: { module: 'coursework/exercises/capstone', functions: ['trainCapstone'] },
  after: [
    {
      kind: 'demo',
      code: `
        // Train, then save beside the notebook: this folder is what you hand in.
        import * as path from 'path';
        const capstoneModel = await trainCapstone();
        const capstoneFolder = path.join(process.env.VAE_NOTEBOOK_DIR ?? '.', '07-faq${MODEL_FOLDER_SUFFIX}');
        await vae.saveModel(capstoneModel, capstoneFolder);
        console.log(\`saved to \${capstoneFolder}\`);
      `,
    },
    { kind: 'check', code: 'check.capstone(capstoneFolder);' },
  ],
};
