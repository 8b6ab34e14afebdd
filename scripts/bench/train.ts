/**
 * `npm run bench:train`: training speed of the dense (or conv) VAE, batch 128, through lib/training/train.ts,
 * per epoch on one backend. The first epoch includes warm-up (kernel compilation, Adam's slots).
 */
import * as os from 'node:os';
import { initBackend, describeBackend, loadData, createVAE, train, type BackendName } from '../../lib';
import { oneOf, parseFlags, positiveInt, type Command } from '../flags';

const COMMAND: Command = {
  name: 'bench:train',
  usage: `usage: npm run bench:train -- [--backend auto|tensorflow|wasm|cpu] [--digits N] [--epochs N] [--arch dense|conv]
  --backend  the backend to train on [auto, or $VAE_BACKEND]
  --digits   training digits [4096]
  --epochs   epochs [3]
  --arch     dense or conv VAE [dense]
prints samples/s per epoch and the best epoch`,
};

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, {
    backend: { type: 'string' },
    digits: { type: 'string' },
    epochs: { type: 'string' },
    arch: { type: 'string' },
  });
  const backend = oneOf<BackendName | 'auto'>(COMMAND, 'backend', values.backend, ['auto', 'tensorflow', 'wasm', 'cpu']);
  const digits = positiveInt(COMMAND, 'digits', values.digits) ?? 4096;
  const epochs = positiveInt(COMMAND, 'epochs', values.epochs) ?? 3;
  const arch = oneOf(COMMAND, 'arch', values.arch, ['dense', 'conv'] as const) ?? 'dense';
  const info = await initBackend(backend ? { backend } : undefined);
  const { train: data } = loadData({ limit: digits });
  const vae = createVAE({ architecture: arch, seed: 0 });
  const r = await train(vae, data, { epochs, batchSize: 128, progress: false });
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
