import { initBackend, createVAE, train, bookData, klPerUnit } from './lib/index';
(async () => {
  await initBackend();
  const { train: tr, test } = bookData();
  for (const lr of (process.env.LRS ?? '1e-2').split(',').map(Number)) {
    const m = createVAE({ latentDim: 20, hiddenUnits: [400], seed: 0 });
    await train(m, tr, { epochs: 4, learningRate: lr, testData: test,
      onEpoch: (l) => console.log(`lr ${lr} epoch ${l.epoch} test recon ${l.test!.recon.toFixed(2)} kl ${l.test!.kl.toFixed(2)} ${l.seconds.toFixed(1)} s`) });
    console.log(Array.from(klPerUnit(m, test)).map((v) => v.toFixed(2)).join(' '));
  }
})();
