/**
 * Where the bound of exercise `networks` (lib/coursework/exercises/networks.ts) comes from: the exercise's solution
 * trained as the grader trains an answer (NETWORK_TRAINING), over a few seeds, next to the same networks without
 * their ReLUs (one affine map each way), to show how far below the bound a working answer lands.
 *
 *   npx tsx scripts/bench/networks-bound.ts [--seeds 3]
 */
import * as tf from '@tensorflow/tfjs';
import * as lib from '../../lib/index';
import { NETWORK_TRAINING, answer, vaeNetworks } from '../../lib/coursework/exercises/networks';
import type { Fn } from '../../lib/coursework/exercises/networks';
import type { Command } from '../flags';
import { reportBound } from './exercise-bound';

const COMMAND: Command = {
  name: 'networks-bound',
  usage: `usage: npx tsx scripts/bench/networks-bound.ts [--seeds N]
  --seeds  seeds of the networks (0 … N−1) [3]`,
};

/** The solution with every ReLU replaced by the identity (the usual mistake the bound should not let through). */
const affine: Fn = (sizes) => {
  const { inputDim, hiddenDim, latentDim } = sizes;
  const rng = new lib.Rng(sizes.seed);
  const x = tf.input({ shape: [inputDim] });
  const h = tf.layers.dense({ units: hiddenDim, ...lib.seededInit(rng, inputDim) }).apply(x) as tf.SymbolicTensor;
  const mean = tf.layers.dense({ units: latentDim, ...lib.seededInit(rng, hiddenDim) }).apply(h) as tf.SymbolicTensor;
  const logVar = tf.layers.dense({ units: latentDim, ...lib.seededInit(rng, hiddenDim) }).apply(h) as tf.SymbolicTensor;
  const z = tf.input({ shape: [latentDim] });
  const g = tf.layers.dense({ units: hiddenDim, ...lib.seededInit(rng, latentDim) }).apply(z) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: inputDim, ...lib.seededInit(rng, hiddenDim) }).apply(g) as tf.SymbolicTensor;
  return { encoder: tf.model({ inputs: x, outputs: [mean, logVar] }), decoder: tf.model({ inputs: z, outputs: logits }) };
};

async function main(): Promise<void> {
  const t = NETWORK_TRAINING;
  const sizes = (seed: number) => ({ inputDim: t.inputDim, hiddenDim: t.hiddenDim, latentDim: t.latentDim, seed });
  await reportBound(COMMAND, (backend) => `backend ${backend}; ${t.inputDim}-${t.hiddenDim}-${t.latentDim}, ${t.epochs} epochs on ${t.digits} digits, Adam ${t.learningRate}, batch ${t.batchSize}; bound ${t.bound}`, [
    { name: 'the solution', train: (seed) => answer(vaeNetworks, { kind: 'train', sizes: sizes(seed) }) },
    { name: 'without ReLUs', train: (seed) => answer(affine, { kind: 'train', sizes: sizes(seed) }) },
  ]);
}

main().catch((e: Error) => {
  process.stderr.write(`networks-bound: ${e.message}\n`);
  process.exit(1);
});
