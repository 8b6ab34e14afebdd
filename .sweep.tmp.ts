import { initBackend } from './lib/backend/backend';
import { referenceSweep } from './scripts/grading/reference';
(async () => {
  await initBackend({ backend: 'auto' });
  for (const profile of ['quick'] as const) {
    const t0 = Date.now();
    const rows = await referenceSweep([0, 1, 2, 4, 8, 16, 32], 2, profile);
    console.log(profile, JSON.stringify(rows.map((r) => ({ beta: r.beta, recon: +r.recon.toFixed(1), kl: +r.kl.toFixed(2), au: r.activeUnits }))), `${(Date.now() - t0) / 1000} s`);
  }
})();
