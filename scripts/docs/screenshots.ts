/**
 * The README's two screenshots, docs/images/book.png and docs/images/jupyterlab.png, made the way a reader
 * sees them: the book built (cached notebook runs are reused) and opened from file://, and JupyterLab from the
 * project's .venv running a notebook, both in headless Chromium (/usr/bin/chromium
 * or $CHROMIUM_PATH) driven by playwright-core. Needs `npm run setup` (JupyterLab and the tslab kernel).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildBook, defaultOptions } from '../bookgen/build';
import { missingLab, startLab } from '../jupyter/lab-server';
import { oneOf, parseFlags, type Command } from '../flags';
import { PROFILES, type Profile } from '../../lib/training/profile';

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The viewport of both screenshots: wide enough for the book's sidebar and JupyterLab's file browser. */
const VIEWPORT = { width: 1100, height: 780 };
/** The section of the VAE chapter (chapters/03-vae.md) the book's screenshot shows. */
const BOOK_SECTION = 'What the KL term does to the latent space';

const COMMAND: Command = {
  name: 'screenshots',
  usage: `usage: npx tsx scripts/docs/screenshots.ts [--profile quick|full] [--only book|lab] [--book DIR] [--out DIR]
  --profile  the run profile of the book and the notebook [full, what a reader sees]; the book is built into book/
             (full, as npm run book does) or test-output/book-quick (quick, a fast check of this script)
  --only     make one of the two screenshots [both]
  --book     a built book to photograph instead of building one
  --out      where the PNGs go [docs/images]`,
};

function say(msg: string): void {
  process.stderr.write(`screenshots: ${msg}\n`);
}

/** The book's VAE chapter at BOOK_SECTION: a notebook cell and its numbered figure, the caption at the bottom of the view. */
async function bookShot(browser: Browser, bookDir: string, file: string): Promise<void> {
  const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
  try {
    const chapter = fs.readdirSync(bookDir).find((f) => /^\d+-vae\.html$/.test(f));
    if (!chapter) throw new Error(`no VAE chapter (NN-vae.html) in ${bookDir}`);
    await page.goto(pathToFileURL(path.join(bookDir, chapter)).href, { waitUntil: 'load' });
    if ((await page.locator('h2', { hasText: BOOK_SECTION }).count()) !== 1) throw new Error(`${chapter}: no heading "${BOOK_SECTION}"`);
    const figure = page.locator(`h2:has-text("${BOOK_SECTION}") ~ * .plotly-figure`).first();
    if ((await figure.count()) === 0) throw new Error(`${chapter}: no figure after the heading "${BOOK_SECTION}"`);
    await figure.locator('.main-svg').first().waitFor({ timeout: 30_000 });
    // Its numbered caption included (the <figure> around it).
    await figure.evaluate((f) => window.scrollBy(0, (f.closest('figure') ?? f).getBoundingClientRect().bottom - window.innerHeight + 16));
    await page.waitForTimeout(500);
    await page.screenshot({ path: file });
  } finally {
    await page.close();
  }
}

/** Every code cell of the open notebook has run: none shows [*], each has an execution count. */
async function waitForRunAll(page: Page, seconds: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const prompts = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')).map((p) => p.textContent ?? '');
      return prompts.length > 0 && prompts.every((t) => /\[\d+\]/.test(t));
    },
    undefined,
    { timeout: seconds * 1000, polling: 500 },
  );
}

/** JupyterLab with notebooks/04-training run in `profile`, its live training curve in view. */
async function labShot(browser: Browser, file: string, profile: Profile): Promise<void> {
  const missing = missingLab();
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run npm run setup`);
  // A copy inside the project (the kernel starts in the project root), so notebooks/ gets no outputs.
  const dir = path.join(ROOT, 'test-output', 'lab-screenshot');
  const notebook = '04-training.ipynb';
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'notebooks', notebook), path.join(dir, notebook));
  const cells = (JSON.parse(fs.readFileSync(path.join(dir, notebook), 'utf8')) as { cells: { metadata: { tags?: string[] } }[] }).cells;
  const trainCell = cells.findIndex((c) => c.metadata.tags?.includes('train-vae'));
  const lab = await startLab({ dir, env: { VAE_PROFILE: profile } });
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.goto(lab.url(notebook));
    await page.waitForSelector('.jp-Notebook .jp-CodeCell', { timeout: 90_000 });
    await page.waitForFunction(() => /TypeScript/.test(document.querySelector('.jp-Toolbar-kernelName')?.textContent ?? ''), undefined, { timeout: 90_000 });
    await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 90_000 });
    await page.click('.lm-MenuBar-itemLabel:text-is("Run")');
    await page.click('.lm-Menu-itemLabel:text-is("Run All Cells")');
    say(`JupyterLab: running 04-training (${profile} profile)…`);
    await waitForRunAll(page, 600);
    const errors = await page.$$eval('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', (els) =>
      els.map((e) => e.textContent ?? '').filter((t) => /Error/.test(t)),
    );
    if (errors.length > 0) throw new Error(`the notebook printed errors: ${errors.join('; ')}`);
    // The file browser folded away (a click on its open tab), the training cell's curve at the bottom of the view.
    await page.click('.jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current');
    await page.waitForTimeout(500);
    await page.evaluate((i) => {
      const output = document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.querySelector('.jp-OutputArea');
      const scroller = output?.closest('.jp-WindowedPanel-outer') ?? output?.closest('.jp-Notebook');
      if (output && scroller) scroller.scrollTop += output.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom + 16;
    }, trainCell);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: file });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- jupyter lab output ---\n${lab.log().split('\n').slice(-20).join('\n')}`);
  } finally {
    await page.close();
    await lab.stop();
  }
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { profile: { type: 'string' }, only: { type: 'string' }, book: { type: 'string' }, out: { type: 'string' } });
  const profile = oneOf(COMMAND, 'profile', values.profile, PROFILES) ?? 'full';
  const only = oneOf(COMMAND, 'only', values.only, ['book', 'lab'] as const);
  const out = path.resolve(values.out ?? path.join(ROOT, 'docs', 'images'));
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium or set CHROMIUM_PATH`);
  fs.mkdirSync(out, { recursive: true });
  let bookDir = values.book === undefined ? undefined : path.resolve(values.book);
  if (only !== 'lab' && bookDir === undefined) {
    bookDir = profile === 'full' ? path.join(ROOT, 'book') : path.join(ROOT, 'test-output', 'book-quick');
    say(`building the book in the ${profile} profile into ${path.relative(ROOT, bookDir)}/…`);
    await buildBook({ ...defaultOptions(ROOT), outDir: bookDir, profile, execute: true, log: (m) => say(`book: ${m}`) });
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const shots: string[] = [];
    if (bookDir !== undefined) {
      const file = path.join(out, 'book.png');
      await bookShot(browser, bookDir, file);
      shots.push(file);
    }
    if (only !== 'book') {
      const file = path.join(out, 'jupyterlab.png');
      await labShot(browser, file, profile);
      shots.push(file);
    }
    for (const f of shots) say(`wrote ${path.relative(process.cwd(), f)} (${Math.round(fs.statSync(f).size / 1024)} KiB)`);
  } finally {
    await browser.close();
  }
}

main().catch((e: Error) => {
  say(e.message);
  process.exit(1);
});
