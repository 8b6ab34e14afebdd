/**
 * The grader's own β sweep (exercise `beta-sweep`, chapter 4): the models the
 * exercise prescribes (BETA_SWEEP of lib/coursework/exercises/beta-sweep.ts), trained in the
 * grader's process on the same data, so a submission's rows can be compared
 * with real measurements instead of trusted. Trained once per run and β.
 */
import { BETA_SWEEP } from '../../lib/coursework/exercises';
import type { SweepRow } from '../../lib/coursework/protocol';
import { loadData } from '../../lib/data/load';
import { createVAE } from '../../lib/model/vae';
import { activeUnits, evaluate } from '../../lib/training/evaluate';
import { train } from '../../lib/training/train-node';
import type { Profile } from '../../lib/training/profile';

/** One row per β, in order: recon and KL on the test digits, and the active units. */
export async function referenceSweep(betas: number[], epochs: number, profile: Profile): Promise<SweepRow[]> {
  const data = loadData({ ...BETA_SWEEP.data[profile] });
  const rows: SweepRow[] = [];
  for (const beta of betas) {
    const model = createVAE({ latentDim: BETA_SWEEP.latentDim, hiddenUnits: [...BETA_SWEEP.hiddenUnits], seed: BETA_SWEEP.seed });
    try {
      await train(model, data.train, { epochs, beta, seed: BETA_SWEEP.seed, progress: false });
      const { recon, kl } = evaluate(model, data.test);
      rows.push({ beta, recon, kl, activeUnits: activeUnits(model, data.test).count });
    } finally {
      model.dispose();
    }
  }
  return rows;
}
