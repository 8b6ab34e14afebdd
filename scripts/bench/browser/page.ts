// The page side of `npm run bench:browser` (scripts/bench/browser.ts bundles it): the dense VAE trained in the
// browser through the browser build of the library, on the wasm backend with the threads asked for, or on WebGL.
import * as lib from '../../../lib/browser';
import { unpackDigits } from '../../../lib/data/packed';
import { gunzipSync } from 'fflate';

export interface PageBenchConfig {
  digits: number;
  epochs: number;
  backend: 'wasm' | 'webgl';
  /** wasm threads (ignored on webgl). */
  threads: number;
}

export interface PageBenchResult {
  backend: string;
  isolated: boolean;
  /** samples/s of each epoch. */
  perEpoch: number[];
}

async function run(cfg: PageBenchConfig): Promise<PageBenchResult> {
  const bytes = new Uint8Array(await (await fetch('digits.bin.gz')).arrayBuffer());
  const digits = unpackDigits(gunzipSync(bytes));
  lib.setEmbeddedDigits(() => digits);
  lib.setWasmLocation(new URL('./', location.href).href);
  const info = await lib.initBackend({ backend: cfg.backend, wasmThreads: cfg.threads });
  const { train } = lib.loadData({ limit: cfg.digits });
  const vae = lib.createVAE({ seed: 0 });
  const r = await lib.train(vae, train, { epochs: cfg.epochs, batchSize: 128 });
  vae.dispose();
  return { backend: lib.describeBackend(info), isolated: lib.crossOriginIsolated(), perEpoch: r.epochs.map((e) => e.samplesPerSecond) };
}

(globalThis as unknown as { runBench: typeof run }).runBench = run;
