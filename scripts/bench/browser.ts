/**
 * `npm run bench:browser`: training speed of the dense VAE (784-400-20, batch 128) in headless Chromium through the
 * browser build of the library (lib/browser.ts, what the JupyterLite kernel runs), on wasm with 1 thread and with
 * threads (the page served cross-origin isolated), and on WebGL, beside Node's wasm in the same run. Each browser
 * setting runs in a fresh page (the wasm thread count is fixed once per page); WebGL in a Chromium allowed the GPU,
 * which falls back to SwiftShader, a software renderer, where there is none (the row says so). Reports the best
 * epoch of each (the first includes warm-up and, on WebGL, shader compilation) and the browser's share of Node's speed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { initBackend, describeBackend, loadData, createVAE, train } from '../../lib';
import { bundleScript, copyWasmBinaries, writePackedDigits } from '../../lite/build';
import { serveStatic } from '../serve/static-server';
import { ARGS, CHROMIUM, GPU_ARGS } from '../../test/browser-helpers';
import { parseFlags, positiveInt, type Command } from '../flags';
import type { PageBenchConfig, PageBenchResult } from './browser/page';

const COMMAND: Command = {
  name: 'bench:browser',
  usage: `usage: npm run bench:browser -- [--digits N] [--epochs N] [--threads N]
  --digits   training digits [2048]
  --epochs   epochs per run [3]
  --threads  wasm threads of the threaded run [the machine's cores, at most 4]
prints samples/s (best epoch) in Chromium on wasm with 1 thread and with threads and on WebGL, and in Node on wasm`,
};

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { digits: { type: 'string' }, epochs: { type: 'string' }, threads: { type: 'string' } });
  const cfg: PageBenchConfig = {
    digits: positiveInt(COMMAND, 'digits', values.digits) ?? 2048,
    epochs: positiveInt(COMMAND, 'epochs', values.epochs) ?? 3,
    backend: 'wasm',
    threads: 1,
  };
  const threads = positiveInt(COMMAND, 'threads', values.threads) ?? Math.min(4, Math.max(2, os.cpus().length));

  // The page: the bundled bench, TF.js's .wasm files and the packed digits, served cross-origin isolated.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-browser-'));
  await bundleScript(path.join(__dirname, 'browser', 'page.ts'), path.join(dir, 'bench.js'));
  copyWasmBinaries(dir);
  writePackedDigits(dir, 6);
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench</title><script src="bench.js"></script>');
  const server = await serveStatic(dir);
  const rows: { where: string; backend: string; best: number; perEpoch: number[] }[] = [];
  const notes: string[] = [];
  const inPage = async (browser: Browser, c: PageBenchConfig): Promise<PageBenchResult> => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/index.html`);
    const r = await page.evaluate((c: PageBenchConfig) => (window as unknown as { runBench(c: PageBenchConfig): Promise<PageBenchResult> }).runBench(c), c);
    await page.close();
    return r;
  };
  const launched: Browser[] = [];
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    launched.push(browser);
    for (const t of [1, threads]) {
      const r = await inPage(browser, { ...cfg, threads: t });
      if (!r.isolated) throw new Error('the bench page is not cross-origin isolated: wasm threads cannot run');
      rows.push({ where: `Chromium, wasm, ${t} thread${t === 1 ? '' : 's'}`, backend: r.backend, best: Math.max(...r.perEpoch), perEpoch: r.perEpoch });
    }
    const gpu = await chromium.launch({ executablePath: CHROMIUM, args: GPU_ARGS });
    launched.push(gpu);
    try {
      const r = await inPage(gpu, { ...cfg, backend: 'webgl' });
      const software = /software rendering/.test(r.backend);
      rows.push({ where: `Chromium, WebGL${software ? ' (software)' : ''}`, backend: r.backend, best: Math.max(...r.perEpoch), perEpoch: r.perEpoch });
      if (software) {
        notes.push("WebGL ran on SwiftShader, Chromium's software renderer (Chromium found no usable GPU): its speed says nothing of a reader's GPU.");
      }
    } catch (e) {
      notes.push(`WebGL: not measured, ${(e as Error).message.split('\n')[0]}`);
    }
  } finally {
    for (const b of launched) await b.close();
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
    console.log(`${row.where.padEnd(30)} best ${String(Math.round(row.best)).padStart(6)} samples/s  (${(row.best / node.best).toFixed(2)}× Node's wasm; epochs ${row.perEpoch.map((x) => Math.round(x)).join(', ')})  ${row.backend}`);
  }
  for (const note of notes) console.log(note);
}

main().catch((e: Error) => {
  console.error(`bench:browser: ${e.message}`);
  process.exit(1);
});
