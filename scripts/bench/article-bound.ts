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
import type { Command } from '../flags';
import { reportBound } from './exercise-bound';

const COMMAND: Command = {
  name: 'article-bound',
  usage: `usage: npx tsx scripts/bench/article-bound.ts [--seeds N]
  --seeds  seeds of the models (0 … N−1) [3]`,
};

async function main(): Promise<void> {
  const pixelMean: Fn = (seed) => ({ model: articleVae(seed).model, loss: perPixel });
  const t = ARTICLE_TRAINING;
  await reportBound(COMMAND, (backend) => `backend ${backend}; ${t.epochs} epochs on ${t.digits} digits, Adam ${t.learningRate}, batch ${t.batchSize}; bound ${t.bound}`, [
    { name: 'the solution (negative ELBO)', train: (seed) => answer(articleVae, { kind: 'train', seed }) },
    { name: "the article's per-pixel mean", train: (seed) => answer(pixelMean, { kind: 'train', seed }) },
  ]);
}

/** The article's reduction on logits: the cross-entropy averaged over the pixels, the KL summed. */
function perPixel(x: tf.Tensor2D, xHat: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(lib.klDivergence(mean, logVar), tf.div(lib.bernoulliLogLikelihood(x, xHat), x.shape[1]))) as tf.Scalar);
}

main().catch((e: Error) => {
  process.stderr.write(`article-bound: ${e.message}\n`);
  process.exit(1);
});
