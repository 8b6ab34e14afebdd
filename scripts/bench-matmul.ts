/**
 * Measures what the wasm BatchMatMul gradient override (lib/backend.ts) buys:
 * training steps of the dense VAE 784-400-20 (batch 128, Adam 1e-3, Bernoulli
 * loss) with the stock gradient and with the explicit-transpose one, plus the
 * raw matMul throughput of the three products of one dense layer's step.
 *
 *   npx tsx scripts/bench-matmul.ts [--steps 40] [--backend wasm]
 *
 * Built from raw tf ops on purpose so that it depends only on lib/backend and lib/data.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend, setBatchMatMulGradOverride } from '../lib/backend';
import { loadData, batches, type Batch } from '../lib/data';
import { Rng } from '../lib/random';
import type { BackendName } from '../lib/backend';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function glorot(rng: Rng, fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.next() - 1) * limit);
  return tf.variable(tf.tensor2d(w, [fanIn, fanOut]));
}

/** Median samples/s of the dense VAE training step over `steps` steps (after warm-up). */
function trainSpeed(steps: number, override: boolean, data: Batch[]): number {
  setBatchMatMulGradOverride(override);
  const rng = new Rng(0);
  const [i, h, l] = [784, 400, 20];
  const vars = {
    w1: glorot(rng, i, h), b1: tf.variable(tf.zeros([h])),
    wMean: glorot(rng, h, l), bMean: tf.variable(tf.zeros([l])),
    wLogVar: glorot(rng, h, l), bLogVar: tf.variable(tf.zeros([l])),
    w2: glorot(rng, l, h), b2: tf.variable(tf.zeros([h])),
    w3: glorot(rng, h, i), b3: tf.variable(tf.zeros([i])),
  };
  const opt = tf.train.adam(1e-3);
  const times: number[] = [];
  for (let s = 0; s < steps + 3; s++) {
    const batch = data[s % data.length];
    const t0 = performance.now();
    const cost = opt.minimize(() => {
      const x = tf.tensor2d(batch.x, [batch.size, i]); // [batch, 784]
      const hidden = tf.relu(tf.add(tf.matMul(x, vars.w1), vars.b1)); // [batch, 400]
      const mean = tf.add(tf.matMul(hidden, vars.wMean), vars.bMean); // [batch, 20]
      const logVar = tf.add(tf.matMul(hidden, vars.wLogVar), vars.bLogVar); // [batch, 20]
      const eps = tf.randomNormal([batch.size, l], 0, 1, 'float32', s + 1); // [batch, 20]
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)); // [batch, 20]
      const h2 = tf.relu(tf.add(tf.matMul(z, vars.w2), vars.b2)); // [batch, 400]
      const logits = tf.add(tf.matMul(h2, vars.w3), vars.b3); // [batch, 784]
      // −log p(x|z) = Σ softplus(l) − x·l ; KL = −½ Σ (1 + logVar − mean² − exp logVar)
      const recon = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1));
      return tf.mean(tf.add(recon, kl)) as tf.Scalar;
    }, true);
    cost?.dataSync();
    cost?.dispose();
    if (s >= 3) times.push(performance.now() - t0);
  }
  opt.dispose();
  Object.values(vars).forEach((v) => v.dispose());
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return (128 / median) * 1000;
}

/** GFLOP/s of matMul(a, b, tA, tB) for the given operand shapes. */
function matMulSpeed(shapeA: [number, number], shapeB: [number, number], tA: boolean, tB: boolean, explicit: boolean): number {
  const a = tf.randomUniform(shapeA, -1, 1, 'float32', 1);
  const b = tf.randomUniform(shapeB, -1, 1, 'float32', 2);
  const m = tA ? shapeA[1] : shapeA[0];
  const k = tA ? shapeA[0] : shapeA[1];
  const n = tB ? shapeB[0] : shapeB[1];
  const run = (): void => {
    tf.tidy(() => {
      const c = explicit
        ? tf.matMul(tA ? tf.transpose(a) : a, tB ? tf.transpose(b) : b)
        : tf.matMul(a, b, tA, tB);
      c.dataSync();
    });
  };
  run();
  const reps = 10;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) run();
  const seconds = (performance.now() - t0) / 1000 / reps;
  a.dispose();
  b.dispose();
  return (2 * m * k * n) / seconds / 1e9;
}

async function main(): Promise<void> {
  const info = await initBackend({ backend: arg('backend', 'wasm') as BackendName });
  const steps = Number(arg('steps', '40'));
  console.log(`backend: ${describeBackend(info)}`);
  const { train } = loadData({ limit: 1280 });
  const data = [...batches(train, { batchSize: 128, seed: 0 })];

  console.log('matMul GFLOP/s (flag transpose → explicit tf.transpose):');
  const cases: [string, [number, number], [number, number], boolean, boolean][] = [
    ['forward x·W        128×784 · 784×400', [128, 784], [784, 400], false, false],
    ['dX = dY·Wᵀ         128×400 · (784×400)ᵀ', [128, 400], [784, 400], false, true],
    ['dW = Xᵀ·dY         (128×784)ᵀ · 128×400', [128, 784], [128, 400], true, false],
  ];
  for (const [label, sa, sb, tA, tB] of cases) {
    const flag = matMulSpeed(sa, sb, tA, tB, false);
    const explicit = tA || tB ? matMulSpeed(sa, sb, tA, tB, true) : flag;
    console.log(`  ${label}: ${flag.toFixed(1)} → ${explicit.toFixed(1)}`);
  }

  const stock = trainSpeed(steps, false, data);
  const ours = trainSpeed(steps, true, data);
  setBatchMatMulGradOverride(info.name === 'wasm');
  console.log(`dense VAE training (batch 128, median of ${steps} steps):`);
  console.log(`  stock BatchMatMul gradient:      ${Math.round(stock)} samples/s`);
  console.log(`  explicit-transpose gradient:     ${Math.round(ours)} samples/s  (×${(ours / stock).toFixed(2)})`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
