// Shared by test/record.test.ts and test/book-measurements.test.ts: the output of `npm run measure` with made-up numbers.
import { describeRecipe, literatureVae } from '../lib/training/recipes';
import { withSeed } from '../lib/training/seeds';
import type { MeasureOutput } from '../scripts/bench/record';

/** What `npm run measure -- --json --part binarized --seed S [--k K]` prints, with the test NLL `nll` (−ELBO 4 nats above). */
export function measureOutput(seed: number, nll: number, k = 1000): MeasureOutput {
  return {
    backend: 'tensorflow',
    backendDetail: 'tensorflow (test)',
    binarized: {
      recipe: describeRecipe(withSeed(literatureVae('full'), seed)),
      seed,
      cached: true,
      data: { name: 'mnist-full', train: 60000, test: 10000 },
      test: { negElbo: nll + 4, recon: nll - 18, kl: 22, iwaeNll: nll, k, digits: 10000 },
    },
    totalSeconds: 1,
  };
}
