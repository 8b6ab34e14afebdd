/**
 * The book's TensorBoard screenshots (chapter 8, "TensorBoard"), made the way the article's readers use TensorBoard:
 * a short training run of the command line with --logdir, TensorBoard from PyPI reading those event files, and its
 * Scalars, Images and Histograms dashboards photographed in headless Chromium (/usr/bin/chromium or $CHROMIUM_PATH,
 * driven by playwright-core). TensorBoard is not one of the project's Python requirements: unless --tensorboard names
 * one, it is installed with pip into a scratch venv, .cache/tensorboard-venv.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { parseFlags, type Command } from '../flags';

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1200, height: 800 };
/** The TensorBoard the screenshots were made with (pip, into the scratch venv). */
const TENSORBOARD = 'tensorboard==2.21.0';
const VENV = path.join(ROOT, '.cache', 'tensorboard-venv');

/** The three dashboards, by their address in TensorBoard's page and what must be drawn before the picture. */
const DASHBOARDS = [
  // The ELBO per step and the train and test ELBO per epoch, side by side (the tag filter of the dashboard).
  { name: 'scalars', hash: 'scalars', ready: 'tf-scalar-card, .tf-scalar-card, vz-line-chart2', filter: 'elbo', height: 780 },
  { name: 'images', hash: 'images', ready: 'tf-image-loader img, .image-loader img, img[src*="individualImage"]', filter: '', height: 800 },
  { name: 'histograms', hash: 'histograms', ready: 'tf-histogram-loader, vz-histogram-timeseries, .histogram', filter: '', height: 460 },
] as const;

const COMMAND: Command = {
  name: 'tensorboard',
  usage: `usage: npx tsx scripts/docs/tensorboard.ts [--epochs N] [--out DIR] [--tensorboard PATH] [--keep DIR]
  --epochs       epochs of the training run whose logs TensorBoard reads [10]
  --out          where the PNGs go: tensorboard-scalars.png, -images.png, -histograms.png [chapters/figures]
  --tensorboard  a tensorboard executable to use [pip install ${TENSORBOARD} into .cache/tensorboard-venv]
  --keep         keep the run and its logs in DIR [a temporary folder, removed at the end]`,
};

function say(msg: string): void {
  process.stderr.write(`tensorboard: ${msg}\n`);
}

/** Runs a command to its end, its output shown; an exit status other than 0 is an error naming the command. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  say(`$ ${[cmd, ...args].map((a) => path.relative(ROOT, a).startsWith('..') || !path.isAbsolute(a) ? a : path.relative(ROOT, a)).join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with status ${r.status}`);
}

/** The tensorboard executable: the one given, or one pip-installed into the scratch venv. */
function tensorboardExecutable(given: string | undefined): string {
  if (given !== undefined) {
    if (!fs.existsSync(given)) throw new Error(`--tensorboard ${given}: no such file`);
    return path.resolve(given);
  }
  const exe = path.join(VENV, 'bin', 'tensorboard');
  if (fs.existsSync(exe)) return exe;
  say(`installing ${TENSORBOARD} into ${path.relative(ROOT, VENV)} (once)`);
  run('python3', ['-m', 'venv', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', TENSORBOARD]);
  return exe;
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts TensorBoard in `cwd` on `logdir` (relative, as the chapter's command gives it, so that the page shows
 * that path) and waits until it answers; its output is kept for an error message.
 */
async function startTensorBoard(exe: string, cwd: string, logdir: string): Promise<{ url: string; child: ChildProcess; log: () => string }> {
  const port = await freePort();
  let output = '';
  const child = spawn(exe, ['--logdir', logdir, '--host', '127.0.0.1', '--port', String(port), '--reload_interval', '0'], {
    cwd: cwd, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('error', (e) => { output += `${e.message}\n`; });
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.pid === undefined) throw new Error(`tensorboard exited with status ${child.exitCode}:\n${output}`);
    try {
      const r = await fetch(`${url}data/runs`);
      if (r.ok && ((await r.json()) as string[]).length > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`tensorboard did not serve ${logdir} within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, child, log: () => output };
}

/** One dashboard, drawn, photographed. */
async function shoot(browser: Browser, url: string, dashboard: (typeof DASHBOARDS)[number], file: string): Promise<void> {
  const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
  try {
    await page.goto(`${url}#${dashboard.hash}`, { waitUntil: 'networkidle' });
    await page.waitForSelector(dashboard.ready, { timeout: 60_000 });
    if (dashboard.name === 'scalars') {
      // Every point in the chart's range and no smoothing: the per-epoch curves have one point per epoch.
      await page.locator('paper-checkbox', { hasText: 'Ignore outliers' }).click();
      await page.fill('tf-smoothing-input input', '0');
    }
    if (dashboard.filter) await page.fill('tf-tag-filterer input', dashboard.filter);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(2000); // charts animate in
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: VIEWPORT.width, height: dashboard.height } });
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { epochs: { type: 'string' }, out: { type: 'string' }, tensorboard: { type: 'string' }, keep: { type: 'string' } });
  const epochs = Number(values.epochs ?? 10);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a whole number ≥ 1, got ${values.epochs}`);
  const out = path.resolve(values.out ?? path.join(ROOT, 'chapters', 'figures'));
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium or set CHROMIUM_PATH`);
  const exe = tensorboardExecutable(values.tensorboard);
  const work = values.keep !== undefined ? path.resolve(values.keep) : fs.mkdtempSync(path.join(ROOT, '.cache', 'tensorboard-run-'));
  const logdir = path.join(work, 'runs', 'logs');
  fs.rmSync(logdir, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  // The command of the chapter, as a reader types it.
  run('npm', ['run', '--silent', 'vae', '--', 'train', '--epochs', String(epochs), '--out', path.join(work, 'runs', 'vae'), '--logdir', logdir], {
    env: { ...process.env, VAE_QUIET: '1' },
  });
  const board = await startTensorBoard(exe, work, path.relative(work, logdir));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    for (const d of DASHBOARDS) {
      const file = path.join(out, `tensorboard-${d.name}.png`);
      await shoot(browser, board.url, d, file);
      say(`wrote ${path.relative(process.cwd(), file)} (${Math.round(fs.statSync(file).size / 1024)} KiB)`);
    }
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- tensorboard output ---\n${board.log().split('\n').slice(-20).join('\n')}`);
  } finally {
    await browser.close();
    board.child.kill();
    if (values.keep === undefined) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  say(e.message);
  process.exit(1);
});
