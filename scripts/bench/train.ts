/**
 * Training speed of the dense VAE (784-400-20, batch 128) through lib/training/train.ts:
 *
 *   npx tsx scripts/bench/train.ts [--backend auto|wasm|cpu|tensorflow] [--digits 4096] [--epochs 3] [--arch dense|conv]
 *
 * Prints samples/s per epoch (the first epoch includes warm-up: kernel
 * compilation, Adam slot creation) and the best epoch.
 */
import { parseArgs } from 'node:util';
import * as os from 'node:os';
import { initBackend, describeBackend, loadData, createVAE, train, type BackendName } from '../../lib';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string' },
      digits: { type: 'string', default: '4096' },
      epochs: { type: 'string', default: '3' },
      arch: { type: 'string', default: 'dense' },
    },
  });
  const info = await initBackend(values.backend ? { backend: values.backend as BackendName | 'auto' } : undefined);
  const arch = values.arch === 'conv' ? 'conv' : 'dense';
  const { train: data } = loadData({ limit: Number(values.digits) });
  const vae = createVAE({ architecture: arch, seed: 0 });
  const r = await train(vae, data, { epochs: Number(values.epochs), batchSize: 128, progress: false });
  const best = Math.max(...r.epochs.map((e) => e.samplesPerSecond));
  console.log(`backend: ${describeBackend(info)}; ${arch} VAE, ${data.size} digits, batch 128; load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
  for (const e of r.epochs) console.log(`epoch ${e.epoch}: ${e.seconds.toFixed(2)} s, ${Math.round(e.samplesPerSecond)} samples/s`);
  console.log(`best epoch: ${Math.round(best)} samples/s`);
  vae.dispose();
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
