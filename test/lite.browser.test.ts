// The book's JupyterLite site (book/lite/, scripts/bookgen/lite.ts) with its TypeScript kernel (lite/kernel/) in
// headless Chromium, on the quick-profile book served cross-origin isolated (scripts/serve/static-server.ts):
// notebooks 00–05 run every cell with no error output and show their figures; an exercise run with its stubs
// shows failing checks with hints, with the solution's answers it passes, and the notebook saved in the browser
// (what File > Download gives) grades with full marks in `npm run grade`; the full MNIST is fetched only when a cell
// asks for it, and is the digits Node reads. Screenshots: test-output/lite-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildQuickBook, executorAvailable, QUICK_BOOK, ROOT } from './book-helpers';
import { ARGS, CHROMIUM, skipReason } from './browser-helpers';
import { serveStatic } from '../scripts/serve/static-server';
import { loadMnist } from '../lib/data/mnist';

const SHOTS = path.join(ROOT, 'test-output');
const skip = skipReason() ?? (executorAvailable() ? null : 'the tslab kernel is not set up (npm run setup)');

let browser: Browser;
let server: { origin: string; close: () => Promise<void> };

before(async () => {
  if (skip) return;
  await buildQuickBook();
  server = await serveStatic(QUICK_BOOK);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface Output {
  output_type: string;
  name?: string;
  text?: string;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  data?: Record<string, unknown>;
}
interface CellState {
  index: number;
  source: string;
  tags: string[];
  outputs: Output[];
}

type App = { shell: { currentWidget: { sessionContext: { session?: { kernel?: { status: string; name: string } } }; content: { model: unknown } } } };

/** Polls `fn` in the page every second until it is true; fails after `seconds`. */
async function until(page: Page, what: string, seconds: number, fn: () => boolean): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await page.evaluate(fn)) return;
    await page.waitForTimeout(1000);
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/** Opens a notebook of the site in the notebook app and waits for the kernel; returns the page. `watch` sees the page first. */
async function openNotebook(file: string, watch?: (page: Page) => void): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch?.(page);
  await page.goto(`${server.origin}/lite/notebooks/index.html?path=${encodeURIComponent(file)}`);
  await until(page, `the kernel of ${file}`, 180, () => {
    const k = (window as unknown as { jupyterapp?: App }).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel;
    return k?.status === 'idle';
  });
  return page;
}

/** Runs every cell (stopping at the first error, as JupyterLab does) and returns the cells with their outputs. */
async function runAll(page: Page, seconds: number): Promise<CellState[]> {
  await page.evaluate(() => (window as unknown as { jupyterapp: { commands: { execute(c: string): Promise<unknown> } } }).jupyterapp.commands.execute('notebook:run-all-cells'));
  await page.waitForTimeout(2000);
  await until(page, 'the cells to run', seconds, () => {
    const w = (window as unknown as { jupyterapp: App }).jupyterapp.shell.currentWidget;
    const cells = (w.content.model as { cells: { length: number; get(i: number): { type: string; executionCount: number | null; outputs: { toJSON(): { output_type: string }[] } } } }).cells;
    let pending = false;
    let failed = false;
    for (let i = 0; i < cells.length; i++) {
      const c = cells.get(i);
      if (c.type !== 'code') continue;
      if (c.executionCount === null) pending = true;
      if (c.outputs.toJSON().some((o) => o.output_type === 'error')) failed = true;
    }
    return w.sessionContext.session?.kernel?.status === 'idle' && (!pending || failed);
  });
  return page.evaluate(() => {
    const w = (window as unknown as { jupyterapp: App }).jupyterapp.shell.currentWidget;
    const cells = (w.content.model as { cells: { length: number; get(i: number): { type: string; toJSON(): { source: string | string[]; metadata: { tags?: string[] }; outputs?: unknown[] } } } }).cells;
    const out: CellState[] = [];
    for (let i = 0; i < cells.length; i++) {
      const c = cells.get(i);
      if (c.type !== 'code') continue;
      const j = c.toJSON();
      out.push({ index: i, source: Array.isArray(j.source) ? j.source.join('') : j.source, tags: j.metadata.tags ?? [], outputs: (j.outputs ?? []) as Output[] });
    }
    return out;
  });
}

test('links: every chapter page opens its notebooks and exercises in the site, whose files hold them; from file:// a note says http is needed', { skip: skip ?? false }, async () => {
  const pages = fs.readdirSync(QUICK_BOOK).filter((f) => /^\d\d-.*\.html$/.test(f));
  let links = 0;
  for (const name of pages) {
    const html = fs.readFileSync(path.join(QUICK_BOOK, name), 'utf8');
    const notebooks = [...html.matchAll(/class="notebook-download" href="([^"]+)"/g)].map((m) => m[1]);
    const opened = [...html.matchAll(/class="open-lite" href="lite\/notebooks\/index\.html\?path=([^"]+)"/g)].map((m) => decodeURIComponent(m[1]));
    for (const nb of notebooks) assert.ok(opened.includes(nb), `${name}: no "Open in the browser" link for ${nb}`);
    for (const target of opened) assert.ok(fs.existsSync(path.join(QUICK_BOOK, 'lite', 'files', target)), `${name}: ${target} is not in the site`);
    links += opened.length;
  }
  assert.ok(links >= 10, `only ${links} links into the site`);
  assert.ok(opened(QUICK_BOOK).some((f) => f.startsWith('exercises/')), 'exercise notebooks are linked');
  assert.ok(!fs.existsSync(path.join(QUICK_BOOK, 'lite', 'files', 'exercises', 'solutions')), 'the solutions stay out of the site');
  const page = await browser.newPage();
  try {
    await page.goto(pathToFileURL(path.join(QUICK_BOOK, '03-vae.html')).href);
    assert.ok(await page.locator('.lite-file-note').first().isVisible(), 'from file:// the note is shown');
    await page.goto(`${server.origin}/03-vae.html`);
    assert.equal(await page.locator('.lite-file-note').first().isVisible(), false, 'over http the note stays hidden');
  } finally {
    await page.close();
  }
});

/** Every notebook path the book's pages open in the site. */
function opened(book: string): string[] {
  return fs.readdirSync(book).filter((f) => f.endsWith('.html')).flatMap((f) =>
    [...fs.readFileSync(path.join(book, f), 'utf8').matchAll(/class="open-lite" href="lite\/notebooks\/index\.html\?path=([^"]+)"/g)].map((m) => decodeURIComponent(m[1])));
}

const errorsOf = (cells: CellState[]) => cells.flatMap((c) => c.outputs.filter((o) => o.output_type === 'error').map((o) => `cell ${c.index}: ${o.ename}: ${o.evalue}`));
const figuresOf = (cells: CellState[]) => cells.flatMap((c) => c.outputs.filter((o) => o.data && ('image/png' in o.data || 'application/vnd.plotly.v1+json' in o.data)));
const textOf = (cells: CellState[]) => cells.flatMap((c) => c.outputs.map((o) => o.text ?? String(o.data?.['text/plain'] ?? ''))).join('\n');

for (const nb of ['00-data', '01-autoencoder', '02-reparameterization', '03-kl-term', '04-training', '05-generation']) {
  test(`JupyterLite: notebooks/${nb}.ipynb runs every cell in the TypeScript kernel, no error output, figures shown`, { skip: skip ?? false }, async () => {
    const page = await openNotebook(`notebooks/${nb}.ipynb`);
    try {
      const kernel = await page.evaluate(() => (window as unknown as { jupyterapp: App }).jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.name);
      assert.equal(kernel, 'tslab', 'the notebook opens with the book kernel (named as tslab)');
      const cells = await runAll(page, 600);
      assert.deepEqual(errorsOf(cells), [], `${nb}: error outputs`);
      assert.equal(cells.filter((c) => c.outputs.length === 0 && c.source.trim() !== '').length < cells.length, true);
      assert.ok(figuresOf(cells).length > 0, `${nb}: no figure (PNG or plotly) among the outputs`);
      assert.match(textOf(cells), /TF\.js backend: wasm \(@tensorflow\/tfjs-backend-wasm; SIMD/, 'the kernel says which backend it runs on');
      await page.screenshot({ path: path.join(SHOTS, `lite-${nb}.png`) });
    } finally {
      await page.close();
    }
  });
}

/** The reference answer of each exercise id, from exercises/solutions/<chapter>.ipynb. */
function solutions(chapter: string): Map<string, string> {
  const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'exercises', 'solutions', `${chapter}.ipynb`), 'utf8')) as { cells: { cell_type: string; source: string | string[]; metadata: { exercise?: { id: string } } }[] };
  const out = new Map<string, string>();
  for (const c of nb.cells) {
    const id = c.metadata.exercise?.id;
    if (c.cell_type === 'code' && id && !out.has(id)) out.set(id, Array.isArray(c.source) ? c.source.join('') : c.source);
  }
  return out;
}

test('JupyterLite coursework: the stubs fail their checks with hints; the solution passes; the saved notebook grades with full marks', { skip: skip ?? false }, async () => {
  const chapter = '03-vae';
  const file = `exercises/${chapter}.ipynb`;
  const page = await openNotebook(file);
  try {
    const stub = await runAll(page, 300);
    const checks = stub.filter((c) => c.tags.includes('check'));
    assert.ok(checks.length >= 3);
    for (const c of checks) {
      const text = c.outputs.map((o) => o.text ?? '').join('');
      assert.match(text, /✘ .*0\/\d+ cases passed/, `cell ${c.index}: a stub's check fails`);
      assert.match(text, /hint: the stub still throws/, `cell ${c.index}: with a hint`);
    }
    await page.screenshot({ path: path.join(SHOTS, 'lite-exercise-stubs.png') });

    // The student's answers: the solution's code in each answer cell, as typed into the notebook.
    const answers = solutions(chapter);
    const ids = await page.evaluate((entries: [string, string][]) => {
      const w = (window as unknown as { jupyterapp: App }).jupyterapp.shell.currentWidget;
      const cells = (w.content.model as { cells: { length: number; get(i: number): { type: string; getMetadata(k: string): { id?: string } | undefined; sharedModel: { setSource(s: string): void } } } }).cells;
      const byId = new Map(entries);
      const done: string[] = [];
      for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i);
        const id = c.getMetadata('exercise')?.id;
        if (c.type === 'code' && id && byId.has(id)) {
          c.sharedModel.setSource(byId.get(id) as string);
          done.push(id);
        }
      }
      return done;
    }, [...answers.entries()]);
    assert.ok(ids.length >= 3, `answers typed in: ${ids.join(', ')}`);
    await page.evaluate(() => (window as unknown as { jupyterapp: { commands: { execute(c: string): Promise<unknown> } } }).jupyterapp.commands.execute('notebook:clear-all-cell-outputs'));
    const solved = await runAll(page, 300);
    assert.deepEqual(errorsOf(solved), [], 'no error with the solution');
    for (const c of solved.filter((x) => x.tags.includes('check'))) {
      const text = c.outputs.map((o) => o.text ?? '').join('');
      assert.match(text, /✔ .*(\d+)\/\1 cases passed/, `cell ${c.index}: the check passes with the solution:\n${text}`);
    }
    await page.screenshot({ path: path.join(SHOTS, 'lite-exercise-solved.png') });

    // Saved in the browser, the notebook is what File > Download gives: grade it as a class's submission.
    await page.evaluate(() => (window as unknown as { jupyterapp: { commands: { execute(c: string): Promise<unknown> } } }).jupyterapp.commands.execute('docmanager:save'));
    const saved = await page.evaluate(async (p: string) => {
      const app = window as unknown as { jupyterapp: { serviceManager: { contents: { get(p: string, o: object): Promise<{ content: unknown }> } } } };
      return JSON.stringify((await app.jupyterapp.serviceManager.contents.get(p, { content: true, type: 'notebook' })).content);
    }, file);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lite-grade-'));
    const submission = path.join(dir, `${chapter}-browser.ipynb`);
    fs.writeFileSync(submission, saved);
    const out = path.join(dir, 'out');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'grade.ts'), submission, '--out', out, '--jobs', '1'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, VAE_QUIET: '1' }, timeout: 600_000,
    });
    assert.equal(r.status, 0, `npm run grade failed:\n${r.stderr}\n${r.stdout}`);
    const grade = JSON.parse(fs.readFileSync(path.join(out, `${chapter}-browser.json`), 'utf8')) as { score: number; maxScore: number; problems: string[] };
    assert.deepEqual(grade.problems, []);
    assert.equal(grade.score, grade.maxScore, `graded ${grade.score}/${grade.maxScore}`);
    assert.ok(grade.maxScore > 0);
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    await page.close();
  }
});

test('JupyterLite kernel: an interrupt stops a training cell at its next step and keeps the variables; a restart clears them', { skip: skip ?? false }, async () => {
  const page = await openNotebook('notebooks/00-data.ipynb');
  try {
    // A string, not a function: the test's transpiler would wrap named functions in a helper the page lacks.
    const r = (await page.evaluate(`(async () => {
      const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const run = async (code) => {
        const f = k.requestExecute({ code });
        const out = [];
        f.onIOPub = (m) => { out.push(m.content.text ?? m.content.data?.['text/plain'] ?? m.content.ename ?? ''); };
        const reply = await f.done;
        return { status: reply.content.status, ename: reply.content.ename, out: out.join('') };
      };
      const kept = await run("import { createVAE, train, loadData } from './lib/index';\\nconst marker = 42;\\nconst { train: digits } = loadData({ limit: 512 });");
      const started = Date.now();
      const long = run('const model = createVAE({ seed: 0 });\\nawait train(model, digits, { epochs: 1000 });');
      await new Promise((res) => setTimeout(res, 3000));
      await k.interrupt();
      const stopped = await long;
      const seconds = (Date.now() - started) / 1000;
      const after = await run('marker + 1');
      await k.restart();
      for (let i = 0; i < 120 && k.status !== 'idle'; i++) await new Promise((res) => setTimeout(res, 1000));
      const restarted = await run('typeof marker');
      return { kept, stopped, seconds, after, restarted };
    })()`)) as Record<'kept' | 'stopped' | 'after' | 'restarted', { status: string; ename?: string; out: string }> & { seconds: number };
    assert.equal(r.kept.status, 'ok', JSON.stringify(r.kept));
    assert.equal(r.stopped.status, 'error');
    assert.equal(r.stopped.ename, 'Interrupted', JSON.stringify(r.stopped));
    assert.ok(r.seconds < 60, `the interrupted cell ended after ${r.seconds} s`);
    assert.equal(r.after.status, 'ok');
    assert.match(r.after.out, /43/, 'the variables of earlier cells are kept after an interrupt');
    assert.match(r.restarted.out, /undefined/, 'a restart clears them');
  } finally {
    await page.close();
  }
});

test("JupyterLite kernel: bookData('full') fetches the site's full MNIST on first use only, the digits Node's loader reads", { skip: skip ?? false }, async () => {
  const fetched: string[] = [];
  const page = await openNotebook('notebooks/00-data.ipynb', (p) =>
    p.on('request', (r) => {
      if (r.url().includes('/mnist-full/')) fetched.push(r.url());
    }));
  try {
    assert.equal(fetched.length, 0, 'nothing of the full MNIST is fetched when the kernel starts');
    // What Node reads, to compare with: sizes, the first training label, label counts, and pixel sums (first
    // training image, whole test set) computed the same way in both places.
    const summary = (d: { train: { size: number; labels: Uint8Array; images: Float32Array }; test: { size: number; labels: Uint8Array; images: Float32Array } }) => ({
      train: d.train.size,
      test: d.test.size,
      first: d.train.labels[0],
      trainLabelSum: d.train.labels.reduce((a, b) => a + b, 0),
      testLabelSum: d.test.labels.reduce((a, b) => a + b, 0),
      firstImageSum: Math.round(d.train.images.subarray(0, 784).reduce((a, b) => a + b, 0) * 255),
      testPixelSum: Math.round(d.test.images.reduce((a, b) => a + b * 255, 0)),
    });
    const node = summary(loadMnist());
    const code = [
      "import { bookData, binarizedData, dataSource, loadMnist, loadData } from './lib/index';",
      `const summary = ${summary.toString()};`,
      "const full = bookData('full');",
      "const same = dataSource('mnist-full') === full && loadMnist() === full && binarizedData('full').train === full.train;",
      "const cut = loadData({ source: 'mnist-full', trainSize: 100, testSize: 50 });",
      'console.log(JSON.stringify({ ...summary(full), same, name: full.train.name, cut: [cut.train.size, cut.test.size, cut.test.labels[49] === full.test.labels[49]] }));',
    ].join('\n');
    const r = (await page.evaluate(`(async () => {
      const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const f = k.requestExecute({ code: ${JSON.stringify(code)} });
      const out = [];
      f.onIOPub = (m) => { if (m.content.name === 'stdout' || m.content.ename) out.push(m.content.text ?? m.content.ename + ': ' + m.content.evalue); };
      const started = Date.now();
      const reply = await f.done;
      return { status: reply.content.status, out: out.join(''), seconds: (Date.now() - started) / 1000 };
    })()`)) as { status: string; out: string; seconds: number };
    assert.equal(r.status, 'ok', r.out);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1, `the loader prints nothing of its own:\n${r.out}`);
    const { same, name, cut, ...digits } = JSON.parse(lines[0]) as ReturnType<typeof summary> & { same: boolean; name: string; cut: unknown[] };
    assert.deepEqual(digits, node);
    assert.equal(same, true, "loaded once; dataSource('mnist-full'), loadMnist and binarizedData('full') get the same digits");
    assert.deepEqual(cut, [100, 50, true], "loadData({ source: 'mnist-full' }) cuts the first examples as in Node");
    assert.equal(name, 'mnist-full/train');
    assert.deepEqual(fetched.map((u) => u.slice(u.lastIndexOf('/') + 1)).sort(), ['manifest.json', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'], 'fetched once each, when the cell asked');
    console.log(`full MNIST in the browser's kernel: fetched, checked and parsed in ${r.seconds.toFixed(1)} s`);
  } finally {
    await page.close();
  }
});
