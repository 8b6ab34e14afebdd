/**
 * The hand-written dense VAE training loop timed before the kernel fixes were written (784-400-20,
 * batch 128, Adam 1e-3, Bernoulli loss), built from raw tf ops on purpose so that it
 * depends on no model code of the library. scripts/bench/matmul-ab.ts times it (and
 * `npm run bench` quotes it as its calibration line); scripts/bench/wasm-threads.ts
 * times it with one and two wasm threads.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../lib/data/dataset';
import { Rng } from '../../lib/model/random';
import { matMulFlops } from '../../lib/model/flops';
import { cpuMs } from './stats';

export type ReferenceVars = Record<'w1' | 'b1' | 'wMean' | 'bMean' | 'wLogVar' | 'bLogVar' | 'w2' | 'b2' | 'w3' | 'b3', tf.Variable>;

function glorot(rng: Rng, fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.next() - 1) * limit);
  return tf.variable(tf.tensor2d(w, [fanIn, fanOut]));
}

/** Fresh weights from seed 0 (Glorot-uniform kernels, zero biases). */
export function referenceVars(): ReferenceVars {
  const rng = new Rng(0);
  const [i, h, l] = [784, 400, 20];
  return {
    w1: glorot(rng, i, h), b1: tf.variable(tf.zeros([h])),
    wMean: glorot(rng, h, l), bMean: tf.variable(tf.zeros([l])),
    wLogVar: glorot(rng, h, l), bLogVar: tf.variable(tf.zeros([l])),
    w2: glorot(rng, l, h), b2: tf.variable(tf.zeros([h])),
    w3: glorot(rng, h, i), b3: tf.variable(tf.zeros([i])),
  };
}

/** The negative ELBO of one batch, nats per example, with noise seeded by `noiseSeed`. */
export function referenceLoss(vars: ReferenceVars, batch: Batch, noiseSeed: number): tf.Scalar {
  const x = tf.tensor2d(batch.x, [batch.size, 784]); // [batch, 784]
  const hidden = tf.relu(tf.add(tf.matMul(x, vars.w1), vars.b1)); // [batch, 400]
  const mean = tf.add(tf.matMul(hidden, vars.wMean), vars.bMean); // [batch, 20]
  const logVar = tf.add(tf.matMul(hidden, vars.wLogVar), vars.bLogVar); // [batch, 20]
  const eps = tf.randomNormal([batch.size, 20], 0, 1, 'float32', noiseSeed); // [batch, 20]
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)); // [batch, 20]
  const h2 = tf.relu(tf.add(tf.matMul(z, vars.w2), vars.b2)); // [batch, 400]
  const logits = tf.add(tf.matMul(h2, vars.w3), vars.b3); // [batch, 784]
  // −log p(x|z) = Σ softplus(l) − x·l ; KL = −½ Σ (1 + logVar − mean² − exp logVar)
  const recon = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
  const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1));
  return tf.mean(tf.add(recon, kl)) as tf.Scalar;
}

/** CPU seconds used by this process so far. */
export function cpuSeconds(): number {
  return cpuMs() / 1000;
}

/** One product to time: tf.matMul(a, b, tA, tB) on seeded operands of the given shapes, read back. */
export function matMulCase(shapeA: [number, number], shapeB: [number, number], tA: boolean, tB: boolean): { run(): void; flops: number; dispose(): void } {
  const a = tf.randomUniform(shapeA, -1, 1, 'float32', 1);
  const b = tf.randomUniform(shapeB, -1, 1, 'float32', 2);
  const m = tA ? shapeA[1] : shapeA[0];
  const k = tA ? shapeA[0] : shapeA[1];
  const n = tB ? shapeB[0] : shapeB[1];
  return {
    run: () => tf.tidy(() => void tf.matMul(a, b, tA, tB).dataSync()),
    flops: matMulFlops(m, k, n),
    dispose: () => tf.dispose([a, b]),
  };
}
