import * as tf from '@tensorflow/tfjs';
import { initBackend, createVAE, train, bookData, evaluate, subset, klWarmup } from './lib/index';
(async () => {
  await initBackend();
  const { train: tr, test } = bookData();
  const n = Number(process.env.N ?? 4000);
  const sub = subset(tr, Array.from({ length: n }, (_, i) => i));
  const te = subset(test, Array.from({ length: 500 }, (_, i) => i));
  const [channels, layers] = (process.env.CL ?? '16,3').split(',').map(Number);
  const epochs = Number(process.env.E ?? 2);
  const mode = process.env.MODE ?? 'plain';
  const m = createVAE({ latentDim: 20, pixelCnn: { channels, layers, firstKernel: 7 } });
  const steps = Math.ceil(n / 128);
  const t0 = performance.now();
  const r = await train(m, sub, { epochs, progress: false, testData: te, batchSize: Number(process.env.B ?? 128), learningRate: Number(process.env.LR ?? 1e-3),
    beta: mode === 'warmup' ? klWarmup({ warmupSteps: steps * epochs / 2 }) : 1, freeBits: mode === 'freebits' ? 0.5 : 0,
    onBatch: (l) => { if (l.step % 10 === 0) console.log(`step ${l.step} recon ${l.recon.toFixed(1)} kl ${l.kl.toFixed(2)}`); },
    onEpoch: (l) => console.log(`epoch ${l.epoch} test recon ${l.test!.recon.toFixed(2)} kl ${l.test!.kl.toFixed(2)} ${l.seconds.toFixed(0)} s`) });
  console.log(`C=${channels} L=${layers} mode=${mode} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
})();
