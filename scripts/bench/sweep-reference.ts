/**
 * The grader's own β-sweep models (scripts/grading/reference.ts) on this backend: the rows a chapter-4
 * submission is compared with, and how long they take. Run it under each backend to see how far they agree,
 * which is what SWEEP_TOLERANCE of lib/coursework/exercises/beta-sweep.ts must exceed:
 *
 *   VAE_BACKEND=tensorflow npx tsx scripts/bench/sweep-reference.ts [--betas 0,0.25,0.5,1,1.5,2,3,4] [--epochs 2]
 */
import { initBackend } from '../../lib/backend/backend';
import { BETA_SWEEP } from '../../lib/coursework/exercises';
import { referenceSweep } from '../grading/reference';
import { parseFlags, positiveInt, usageError, type Command } from '../flags';

const COMMAND: Command = {
  name: 'sweep-reference',
  usage: `usage: [VAE_BACKEND=B] npx tsx scripts/bench/sweep-reference.ts [--betas 0,0.25,0.5,1,1.5,2,3,4] [--epochs ${BETA_SWEEP.epochs.quick}]`,
};

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { betas: { type: 'string' }, epochs: { type: 'string' } });
  const betas = (values.betas ?? '0,0.25,0.5,1,1.5,2,3,4').split(',').map(Number);
  const epochs = positiveInt(COMMAND, 'epochs', values.epochs) ?? BETA_SWEEP.epochs.quick;
  if (betas.some((b) => !Number.isFinite(b) || b < 0)) usageError(COMMAND, `--betas needs numbers ≥ 0 separated by commas, got '${values.betas}'`);
  const backend = await initBackend();
  const t0 = Date.now();
  const rows = await referenceSweep(betas, epochs, 'quick');
  console.log(JSON.stringify({ backend: backend.name, epochs, seconds: (Date.now() - t0) / 1000, rows }, null, 1));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
