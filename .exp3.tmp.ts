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
  const H = Number(process.env.H ?? 400);
  const base = createVAE({ latentDim: 20 });
  const rng = new Rng(5);
  const z = tf.input({ shape: [20] });
  const x = tf.input({ shape: [784] });
  const hx = new MaskedDense({ units: H, pixels: 784, inputDegrees: 'pixels', unitDegrees: 'hidden', seed: 3 }).apply(x) as tf.SymbolicTensor;
  const hz = tf.layers.dense({ units: H, ...seededInit(rng, 20) }).apply(z) as tf.SymbolicTensor;
  const linearZ = process.env.ZL === '1';
  const h = tf.layers.activation({ activation: 'relu' }).apply(linearZ ? hx : tf.layers.add().apply([hx, hz]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const out = new MaskedDense({ units: 784, pixels: 784, inputDegrees: 'hidden', unitDegrees: 'pixels', seed: 4 }).apply(h) as tf.SymbolicTensor;
  const direct = new MaskedDense({ units: 784, pixels: 784, inputDegrees: 'pixels', unitDegrees: 'pixels', seed: 6 }).apply(x) as tf.SymbolicTensor;
  const zOut = tf.layers.dense({ units: 784, ...seededInit(rng, 20) }).apply(z) as tf.SymbolicTensor;
  const logits = tf.layers.add().apply(linearZ ? [out, direct, zOut] : [out, direct]) as tf.SymbolicTensor;
  const dec = tf.model({ inputs: [z, x], outputs: logits });
  const m = new VAE({ ...DEFAULT_VAE_CONFIG }, base.encoder, dec);
  const steps = Math.ceil(n / 128);
  const t0 = performance.now();
  await train(m, sub, { epochs, progress: false, testData: te, batchSize: Number(process.env.B ?? 128), learningRate: Number(process.env.LR ?? 1e-3),
    beta: mode === 'warmup' ? klWarmup({ warmupSteps: steps * Number(process.env.W ?? 2) }) : 1, freeBits: mode === 'freebits' ? 0.5 : 0,
    onEpoch: (l) => console.log(`epoch ${l.epoch} train recon ${l.recon.toFixed(1)} kl ${l.kl.toFixed(2)} | test recon ${l.test!.recon.toFixed(2)} kl ${l.test!.kl.toFixed(2)} ${l.seconds.toFixed(1)} s`) });
  const perDim = tf.tidy(() => { const xx = tf.tensor2d(te.images, [te.size, 784]); const { mean, logVar } = m.encode(xx); return tf.mean(tf.mul(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(logVar, 1)), 0.5), 0); });
  console.log('per-dim KL', Array.from(perDim.dataSync()).map((v) => v.toFixed(2)).join(' '));
  console.log(`made H=${H} mode=${mode} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
})();
