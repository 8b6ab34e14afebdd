import * as tf from '@tensorflow/tfjs';
import { initBackend, train, bookData, subset, klWarmup, VAE, DEFAULT_VAE_CONFIG, createVAE } from './lib/index';
import { MaskedDense } from './lib/model/masked-dense';
import { Rng } from './lib/model/random';
import { seededInit } from './lib/model/init';
(async () => {
  await initBackend();
  const { train: tr, test } = bookData();
  const n = Number(process.env.N ?? 8000);
  const sub = subset(tr, Array.from({ length: n }, (_, i) => i));
  const te = subset(test, Array.from({ length: 1000 }, (_, i) => i));
  const epochs = Number(process.env.E ?? 3);
  const mode = process.env.MODE ?? 'plain';
  const variant = process.env.V ?? 'fvsbn';
  const base = createVAE({ latentDim: 20 });
  const rng = new Rng(5);
  const z = tf.input({ shape: [20] });
  const x = tf.input({ shape: [784] });
  const ar = new MaskedDense({ units: 784, seed: 3 }).apply(x) as tf.SymbolicTensor;
  let zpath: tf.SymbolicTensor;
  if (variant === 'fvsbn') zpath = tf.layers.dense({ units: 784, ...seededInit(rng, 20) }).apply(z) as tf.SymbolicTensor;
  else {
    const h = tf.layers.dense({ units: 400, activation: 'relu', ...seededInit(rng, 20) }).apply(z) as tf.SymbolicTensor;
    zpath = tf.layers.dense({ units: 784, ...seededInit(rng, 400) }).apply(h) as tf.SymbolicTensor;
  }
  const logits = tf.layers.add().apply([ar, zpath]) as tf.SymbolicTensor;
  const dec = tf.model({ inputs: [z, x], outputs: logits });
  const m = new VAE({ ...DEFAULT_VAE_CONFIG }, base.encoder, dec);
  const steps = Math.ceil(n / 128);
  const t0 = performance.now();
  await train(m, sub, { epochs, progress: false, testData: te,
    beta: mode === 'warmup' ? klWarmup({ warmupSteps: steps * Number(process.env.W ?? 2) }) : 1, freeBits: mode === 'freebits' ? 0.5 : 0,
    onEpoch: (l) => console.log(`epoch ${l.epoch} train recon ${l.recon.toFixed(1)} kl ${l.kl.toFixed(2)} | test recon ${l.test!.recon.toFixed(2)} kl ${l.test!.kl.toFixed(2)} ${l.seconds.toFixed(1)} s`) });
  console.log(`${variant} mode=${mode} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
})();
