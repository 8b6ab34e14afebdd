/**
 * `npm run bench:browser`: training speed of the dense VAE (784-400-20, batch 128) in headless Chromium through the
 * browser build of the library (lib/browser.ts, what the JupyterLite kernel runs), on wasm with 1 thread and with
 * threads (the page served cross-origin isolated), beside Node's wasm in the same run. Each browser setting runs
 * in a fresh page (the wasm thread count is fixed once per page). Reports the best epoch of each (the first
 * includes warm-up) and the browser's share of Node's speed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { gzipSync } from 'fflate';
import { chromium } from 'playwright-core';
import { initBackend, describeBackend, loadData, loadDigits, createVAE, train } from '../../lib';
import { packDigits } from '../../lib/data/packed';
import { serveStatic } from '../serve/static-server';
import { ARGS, CHROMIUM } from '../../test/browser-helpers';
import { parseFlags, positiveInt, type Command } from '../flags';
import type { PageBenchConfig, PageBenchResult } from './browser/page';

const COMMAND: Command = {
  name: 'bench:browser',
  usage: `usage: npm run bench:browser -- [--digits N] [--epochs N] [--threads N]
  --digits   training digits [2048]
  --epochs   epochs per run [3]
  --threads  wasm threads of the threaded run [the machine's cores, at most 4]
prints samples/s (best epoch) in Chromium on wasm with 1 thread and with threads, and in Node on wasm`,
};

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { digits: { type: 'string' }, epochs: { type: 'string' }, threads: { type: 'string' } });
  const cfg: PageBenchConfig = {
    digits: positiveInt(COMMAND, 'digits', values.digits) ?? 2048,
    epochs: positiveInt(COMMAND, 'epochs', values.epochs) ?? 3,
    threads: 1,
  };
  const threads = positiveInt(COMMAND, 'threads', values.threads) ?? Math.min(4, Math.max(2, os.cpus().length));

  // The page: the bundled bench, TF.js's .wasm files and the packed digits, served cross-origin isolated.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-browser-'));
  await build({ entryPoints: [path.join(__dirname, 'browser', 'page.ts')], outfile: path.join(dir, 'bench.js'), bundle: true, platform: 'browser', format: 'iife', minify: true, logLevel: 'error' });
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'digits.bin.gz'), gzipSync(packDigits(loadDigits())));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench</title><script src="bench.js"></script>');
  const server = await serveStatic(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const rows: { where: string; backend: string; best: number; perEpoch: number[] }[] = [];
  try {
    for (const t of [1, threads]) {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/index.html`);
      const r = await page.evaluate((c: PageBenchConfig) => (window as unknown as { runBench(c: PageBenchConfig): Promise<PageBenchResult> }).runBench(c), { ...cfg, threads: t });
      if (!r.isolated) throw new Error('the bench page is not cross-origin isolated: wasm threads cannot run');
      rows.push({ where: `Chromium, wasm, ${t} thread${t === 1 ? '' : 's'}`, backend: r.backend, best: Math.max(...r.perEpoch), perEpoch: r.perEpoch });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const info = await initBackend({ backend: 'wasm', wasmThreads: 1 });
  const { train: data } = loadData({ limit: cfg.digits });
  const vae = createVAE({ seed: 0 });
  const r = await train(vae, data, { epochs: cfg.epochs, batchSize: 128, progress: false });
  vae.dispose();
  const node = { where: 'Node, wasm, 1 thread', backend: describeBackend(info), best: Math.max(...r.epochs.map((e) => e.samplesPerSecond)), perEpoch: r.epochs.map((e) => e.samplesPerSecond) };
  rows.push(node);

  console.log(`dense VAE 784-400-20, ${cfg.digits} digits, batch 128, ${cfg.epochs} epochs; load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
  for (const row of rows) {
    console.log(`${row.where.padEnd(28)} best ${String(Math.round(row.best)).padStart(6)} samples/s  (${(row.best / node.best).toFixed(2)}× Node's wasm; epochs ${row.perEpoch.map((x) => Math.round(x)).join(', ')})  ${row.backend}`);
  }
}

main().catch((e: Error) => {
  console.error(`bench:browser: ${e.message}`);
  process.exit(1);
});
