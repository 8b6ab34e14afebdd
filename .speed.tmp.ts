import { initBackend } from './lib/backend/backend';
import { bookData, trainRecipe, vaeOfSize, convVae } from './lib/training/recipes';
(async () => {
  await initBackend();
  const data = bookData('full');
  for (const r of [vaeOfSize(20, 'full'), convVae('full')]) {
    const t = Date.now();
    const run = await trainRecipe({ ...r, training: { ...r.training, epochs: 2 } }, data, { cache: false });
    console.log(r.name, ((Date.now() - t) / 2000).toFixed(2), 's/epoch', run.result.epochs.map((e) => e.seconds.toFixed(2)).join(' '));
    run.model.dispose();
  }
})();
