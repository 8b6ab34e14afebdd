/**
 * The loop behind the bounds of the exercises judged by a short training (scripts/bench/article-bound.ts,
 * scripts/bench/networks-bound.ts): each variant (the solution, a usual mistake) trained as the grader trains an
 * answer, once per seed, its test −ELBO printed per seed.
 */
import * as lib from '../../lib/index';
import { parseFlags, type Command } from '../flags';

/** One variant: its name and the grader's training answer for a seed. */
export interface BoundVariant {
  name: string;
  train: (seed: number) => unknown;
}

/** Parses --seeds, starts the backend (the solutions' sources read the notebook's global `vae`), prints every row. */
export async function reportBound(command: Command, describe: (backend: string) => string, variants: BoundVariant[]): Promise<void> {
  const values = parseFlags(command, { seeds: { type: 'string' } });
  const seeds = Number(values.seeds ?? 3);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a whole number ≥ 1, got ${values.seeds}`);
  const backend = await lib.initBackend();
  // The solution's source uses the notebook's globals (its set-up cell: `import * as vae from './lib/index'`).
  (globalThis as { vae?: typeof lib }).vae = lib;
  console.log(describe(lib.describeBackend(backend)));
  for (const { name, train } of variants) {
    const rows: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const a = train(seed) as { value?: { testNegElbo: number } };
      if (!a.value) throw new Error(`${name}, seed ${seed}: ${JSON.stringify(a)}`);
      rows.push(a.value.testNegElbo);
    }
    console.log(`${name}: test −ELBO ${rows.map((r) => r.toFixed(2)).join(', ')} (seeds 0–${seeds - 1})`);
  }
}
