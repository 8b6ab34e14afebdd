import * as tf from '@tensorflow/tfjs';
import { initBackend, createVAE, train, bookData, evaluate } from './lib/index';
(async () => {
  await initBackend();
  const { train: tr, test } = bookData();
  const sub = { ...tr, images: tr.images.subarray(0, 1280 * 784), labels: tr.labels.subarray(0, 1280), size: 1280 };
  for (const [channels, layers] of [[8, 3], [16, 3], [16, 5], [32, 3]]) {
    const m = createVAE({ latentDim: 20, pixelCnn: { channels, layers, firstKernel: 7 } });
    const t0 = performance.now();
    const r = await train(m, sub, { epochs: 1, progress: false });
    const s = (performance.now() - t0) / 1000;
    console.log(`C=${channels} L=${layers}: ${(1280 / s).toFixed(0)} img/s, params ${m.countParams()}, last recon ${r.history.at(-1)!.recon.toFixed(1)} kl ${r.history.at(-1)!.kl.toFixed(2)}`);
    m.dispose();
  }
  console.log(tf.memory().numTensors);
})();
