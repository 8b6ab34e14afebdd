/**
 * Where the bound of exercise `debug-article` (lib/coursework/exercises/debug-article.ts) comes from: the
 * exercise's solution trained as the grader trains an answer (ARTICLE_TRAINING), over a few seeds, next to the
 * same model trained on the article's loss (the cross-entropy averaged over the pixels).
 *
 *   npx tsx scripts/bench/article-bound.ts [--seeds 3]
 */
import * as tf from '@tensorflow/tfjs';
import * as lib from '../../lib/index';
import { ARTICLE_TRAINING, answer, articleVae } from '../../lib/coursework/exercises/debug-article';
import type { Fn } from '../../lib/coursework/exercises/debug-article';
import { parseFlags, type Command } from '../flags';

const COMMAND: Command = {
  name: 'article-bound',
  usage: `usage: npx tsx scripts/bench/article-bound.ts [--seeds N]
  --seeds  seeds of the models (0 … N−1) [3]`,
};

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { seeds: { type: 'string' } });
  const seeds = Number(values.seeds ?? 3);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a whole number ≥ 1, got ${values.seeds}`);
  const backend = await lib.initBackend();
  // The solution's source uses the notebook's globals (its set-up cell: `import * as vae from './lib/index'`).
  (globalThis as { vae?: typeof lib }).vae = lib;
  const pixelMean: Fn = (seed) => ({ model: articleVae(seed).model, loss: perPixel });
  const t = ARTICLE_TRAINING;
  console.log(`backend ${lib.describeBackend(backend)}; ${t.epochs} epochs on ${t.digits} digits, Adam ${t.learningRate}, batch ${t.batchSize}; bound ${t.bound}`);
  for (const [name, fn] of [['the solution (negative ELBO)', articleVae], ["the article's per-pixel mean", pixelMean]] as const) {
    const rows: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const a = answer(fn as Fn, { kind: 'train', seed }) as { value?: { testNegElbo: number } };
      if (!a.value) throw new Error(`${name}, seed ${seed}: ${JSON.stringify(a)}`);
      rows.push(a.value.testNegElbo);
    }
    console.log(`${name}: test −ELBO ${rows.map((r) => r.toFixed(2)).join(', ')} (seeds 0–${seeds - 1})`);
  }
}

/** The article's reduction on logits: the cross-entropy averaged over the pixels, the KL summed. */
function perPixel(x: tf.Tensor2D, xHat: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(lib.klDivergence(mean, logVar), tf.div(lib.bernoulliLogLikelihood(x, xHat), x.shape[1]))) as tf.Scalar);
}

main().catch((e: Error) => {
  process.stderr.write(`article-bound: ${e.message}\n`);
  process.exit(1);
});
