/**
 * Page weight and speed of the built book (issue 16), in headless Chromium on a local server:
 *
 *   npm run bench:pages [-- --book DIR] [--runs 5] [--moves 200] [--json FILE]
 *
 * Weight: every file a chapter page loads once all its widgets have started (HTML, CSS, fonts, scripts, images,
 * the widgets' model parts), as bytes on disk and gzip-compressed, with plotly.js apart (one file, cached by the
 * browser across pages). Speed, median over --runs fresh loads, in ms after navigation start: the first figure on
 * screen (the still the build draws), the first figure plotly has made interactive and the main thread's CPU time
 * until all are (a busy machine stretches wall time far more than CPU time), and each widget running; then the time of each widget interaction as the page records it
 * (VAE_BOOK_WIDGETS.timings): decoding the point under the pointer over --moves pointer moves, and so on.
 * Build the book first, e.g. `npm run book -- --profile quick --out test-output/book-quick` (the default --book).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { chromium, Page } from 'playwright-core';
import { serve } from '../../test/book-helpers';
import { ARGS, CHROMIUM } from '../../test/browser-helpers';
import { spread } from './stats';
import { parseFlags, positiveInt, type Command } from '../flags';

const ROOT = path.resolve(__dirname, '..', '..');

const COMMAND: Command = {
  name: 'bench:pages',
  usage: `usage: npm run bench:pages -- [--book DIR] [--runs N] [--moves N] [--json FILE]
  --book   a built book (default test-output/book-quick: npm run book -- --profile quick --out test-output/book-quick)
  --runs   fresh loads per page for the loading times (default 5)
  --moves  pointer moves over the latent explorer (default 200)
  --json   also write the figures to FILE`,
};

interface Weight {
  page: string;
  files: number;
  bytes: number;
  gzip: number;
  /** Bytes by kind: html, css, font, script (without plotly), model parts, images. */
  kinds: Record<string, number>;
  plotly: number;
}

interface Timing {
  page: string;
  /** The first figure drawn on screen (its still, with the first paint that shows it). */
  firstPlotMs: number | null;
  /** plotly has drawn the first figure (interactive). */
  firstInteractiveMs: number | null;
  /** Main-thread CPU time (ms) from navigation until every plotly figure is drawn: less disturbed by a busy machine. */
  plotsCpuMs: number | null;
  widgetsReadyMs: Record<string, number>;
}

function kindOf(url: string): string {
  if (url.endsWith('.html')) return 'html';
  if (url.endsWith('.css')) return 'css';
  if (/\.(woff2?|ttf)$/.test(url)) return 'font';
  if (url.includes('/assets/models/')) return 'model parts';
  if (/\.(png|jpe?g|svg)$/.test(url)) return 'images';
  if (url.endsWith('.js')) return 'scripts';
  return 'other';
}

/**
 * Before any script: note the frame after the first figure drawing is in the page (its build-time still, or plotly's
 * SVG), when plotly has drawn the first figure, and when each widget reaches data-state.
 */
const PROBE = `(() => {
  const t = { firstPlot: null, firstInteractive: null, widgets: {} };
  let asked = false;
  window.__benchTimes = t;
  new MutationObserver(() => {
    if (!asked && document.querySelector('.plotly-still svg, .plotly-figure .main-svg')) {
      asked = true;
      requestAnimationFrame(() => { t.firstPlot = performance.now(); });
    }
    if (t.firstInteractive === null && document.querySelector('.plotly-figure .main-svg')) t.firstInteractive = performance.now();
    document.querySelectorAll('figure.widget[data-state]').forEach((f) => {
      if (!(f.id in t.widgets) && (f.dataset.state === 'ready' || f.dataset.state === 'error')) t.widgets[f.id] = f.dataset.state === 'ready' ? performance.now() : -1;
    });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})();`;

/** Scrolls every widget into view (they start near the viewport) and waits until all run. */
async function startWidgets(page: Page): Promise<string[]> {
  const ids = await page.$$eval('figure.widget', (fs) => fs.map((f) => f.id));
  for (const id of ids) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await page.waitForFunction((i) => ['ready', 'error'].includes(document.getElementById(i)!.dataset.state ?? ''), id, { timeout: 60_000 });
    if ((await page.locator(`#${id}`).getAttribute('data-state')) !== 'ready') throw new Error(`${id} did not start`);
  }
  return ids;
}

/**
 * Interactions whose durations the widgets record, chosen by the controls a running widget has (not by its name):
 * pointer moves over a latent plane that follows the pointer, a stroke on a drawing pad, a sweep of each slider.
 */
async function interact(page: Page, moves: number): Promise<void> {
  const ids = await page.$$eval('figure.widget[data-state=ready]', (fs) => fs.map((f) => f.id));
  for (const id of ids) {
    const fig = page.locator(`[id="${id}"]`);
    const pad = fig.locator('.widget-live canvas.draw-pad');
    const plane = fig.locator('.widget-live svg.plane');
    if (await pad.count()) {
      await pad.evaluate((e) => e.scrollIntoView({ block: 'center' }));
      const b = (await pad.boundingBox())!;
      await page.mouse.move(b.x + b.width * 0.3, b.y + b.height * 0.2);
      await page.mouse.down();
      for (let i = 0; i < 40; i++) {
        await page.mouse.move(b.x + b.width * (0.3 + 0.01 * i), b.y + b.height * (0.2 + 0.015 * i));
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
      }
      await page.mouse.up();
    } else if (await plane.count()) {
      await plane.evaluate((e) => e.scrollIntoView({ block: 'center' }));
      const b = (await plane.boundingBox())!;
      for (let i = 0; i < moves; i++) {
        const u = i / Math.max(1, moves - 1);
        await page.mouse.move(b.x + b.width * (0.1 + 0.8 * u), b.y + b.height * (0.5 + 0.35 * Math.sin(6 * u)));
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
      }
    }
    const slider = fig.locator('.widget-live input[type=range]').first();
    if (!(await slider.count())) continue;
    const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
    for (let i = 0; i <= 40; i++) await slider.fill(String(Number((min + ((max - min) * i) / 40).toFixed(2))));
  }
}

function fmtBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(0)} kB`;
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { book: { type: 'string' }, runs: { type: 'string' }, moves: { type: 'string' }, json: { type: 'string' } });
  const book = path.resolve(values.book ?? path.join(ROOT, 'test-output', 'book-quick'));
  const runs = positiveInt(COMMAND, 'runs', values.runs) ?? 5;
  const moves = positiveInt(COMMAND, 'moves', values.moves) ?? 200;
  if (!fs.existsSync(path.join(book, 'index.html'))) {
    throw new Error(`no book in ${book}: build one first (npm run book -- --profile quick --out ${book.startsWith(ROOT + path.sep) ? path.relative(ROOT, book) : book})`);
  }
  const pages = fs.readdirSync(book).filter((f) => /^\d\d-.*\.html$/.test(f)).sort();
  const server = await serve(book);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const weights: Weight[] = [];
  const timings: Timing[] = [];
  const interactions: Record<string, Record<string, number[]>> = {};
  try {
    for (const name of pages) {
      // Weight: one load that starts every widget, every file requested, sized from the book's folder.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const urls = new Set<string>();
      page.on('requestfinished', (r) => urls.add(r.url()));
      await page.goto(`${server.origin}/${name}`, { waitUntil: 'load' });
      await startWidgets(page);
      await page.waitForLoadState('networkidle');
      const w: Weight = { page: name, files: 0, bytes: 0, gzip: 0, kinds: {}, plotly: 0 };
      for (const url of [...urls].sort()) {
        const file = path.join(book, decodeURIComponent(new URL(url).pathname));
        if (!file.startsWith(book) || !fs.existsSync(file)) continue;
        const bytes = fs.readFileSync(file);
        if (url.endsWith('/assets/plotly.js')) {
          w.plotly = bytes.length;
          continue;
        }
        w.files += 1;
        w.bytes += bytes.length;
        w.gzip += zlib.gzipSync(bytes, { level: 6 }).length;
        const k = kindOf(url);
        w.kinds[k] = (w.kinds[k] ?? 0) + bytes.length;
      }
      weights.push(w);
      // Interactions, on the same page with its widgets running.
      await interact(page, moves);
      const t = await page.evaluate(() => (window as unknown as { VAE_BOOK_WIDGETS?: { timings: Record<string, Record<string, number[]>> } }).VAE_BOOK_WIDGETS?.timings ?? {});
      for (const [id, byLabel] of Object.entries(t)) interactions[id] = byLabel;
      await context.close();

      // Speed of loading: fresh contexts (no cache), first plot and widgets.
      const hasFigures = fs.readFileSync(path.join(book, name), 'utf8').includes('class="plotly-figure"');
      const firstPlot: number[] = [];
      const firstInteractive: number[] = [];
      const plotsCpu: number[] = [];
      const ready: Record<string, number[]> = {};
      for (let r = 0; r < runs; r++) {
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await ctx.addInitScript(PROBE);
        const p = await ctx.newPage();
        const cdp = await ctx.newCDPSession(p);
        // threadTicks: the durations Chromium reports are CPU time of the page's main thread, not wall time.
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' } as never);
        await p.goto(`${server.origin}/${name}`, { waitUntil: 'commit' });
        if (hasFigures) {
          // Once parsing is over (readyState interactive): before it, the figures not yet parsed would count as drawn.
          await p.waitForFunction(() => document.readyState !== 'loading' &&
            Array.from(document.querySelectorAll('.plotly-figure')).every((d) => d.querySelector('.main-svg')), undefined, { timeout: 60_000 });
          const { metrics } = await cdp.send('Performance.getMetrics');
          plotsCpu.push(1000 * (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN));
        }
        await p.waitForLoadState('load');
        await startWidgets(p);
        const times = await p.evaluate(() => (window as unknown as { __benchTimes: { firstPlot: number | null; firstInteractive: number | null; widgets: Record<string, number> } }).__benchTimes);
        if (times.firstPlot !== null) firstPlot.push(times.firstPlot);
        if (times.firstInteractive !== null) firstInteractive.push(times.firstInteractive);
        for (const [id, ms] of Object.entries(times.widgets)) (ready[id] ??= []).push(ms);
        await ctx.close();
      }
      timings.push({
        page: name,
        firstPlotMs: firstPlot.length ? spread(firstPlot).median : null,
        firstInteractiveMs: firstInteractive.length ? spread(firstInteractive).median : null,
        plotsCpuMs: plotsCpu.length ? spread(plotsCpu).median : null,
        widgetsReadyMs: Object.fromEntries(Object.entries(ready).map(([id, xs]) => [id, spread(xs).median])),
      });
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const out = (s: string) => process.stdout.write(`${s}\n`);
  // Timings are wall-clock: a busy machine stretches them, so the load it was under is part of the result.
  const load = os.loadavg().map((v) => v.toFixed(1)).join(', ');
  out(`book: ${path.relative(ROOT, book) || book}; Chromium ${CHROMIUM}; ${runs} loads per page, ${moves} pointer moves; ` +
    `${os.cpus().length} CPUs, load average ${load} (1, 5, 15 min) at the end`);
  out('\nPage weight (everything the page loads with all its widgets running; plotly.js apart)');
  out(`${'page'.padEnd(28)}${'files'.padStart(6)}${'bytes'.padStart(11)}${'gzip'.padStart(10)}   by kind`);
  for (const w of weights) {
    const kinds = Object.entries(w.kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${fmtBytes(n)}`).join(', ');
    out(`${w.page.padEnd(28)}${String(w.files).padStart(6)}${fmtBytes(w.bytes).padStart(11)}${fmtBytes(w.gzip).padStart(10)}   ${kinds}`);
  }
  const plotly = weights.find((w) => w.plotly > 0)?.plotly;
  if (plotly) {
    const unminified = fs.statSync(require.resolve('plotly.js-dist/plotly.js', { paths: [ROOT] })).size;
    out(`plotly.js (once, cached across pages): ${fmtBytes(plotly)}, gzip ${fmtBytes(zlib.gzipSync(fs.readFileSync(path.join(book, 'assets', 'plotly.js'))).length)}; ` +
      `plotly.js-dist ships it unminified: ${fmtBytes(unminified)}`);
  }
  const bundle = path.join(book, 'assets', 'widgets.js');
  if (fs.existsSync(bundle)) out(`widgets.js (pages with a widget; counted above): ${fmtBytes(fs.statSync(bundle).size)}`);
  out('\nLoading, median ms after navigation start: the first plot on screen (its still), plotly\'s first interactive plot');
  out('(and the main thread\'s CPU ms until every plot is interactive), each widget running');
  for (const t of timings) {
    const widgets = Object.entries(t.widgetsReadyMs).map(([id, ms]) => `${id} ${ms < 0 ? 'failed' : Math.round(ms)}`).join(', ');
    const plot = t.firstPlotMs === null ? '—' :
      `${Math.round(t.firstPlotMs)}; interactive ${Math.round(t.firstInteractiveMs ?? NaN)} (${Math.round(t.plotsCpuMs ?? NaN)} CPU)`;
    out(`${t.page.padEnd(28)}first plot ${plot}${widgets ? `; widgets running: ${widgets}` : ''}`);
  }
  out('\nInteractions, ms per event as the widget records it (median / 95th percentile / max, count)');
  for (const [id, byLabel] of Object.entries(interactions)) {
    for (const [label, xs] of Object.entries(byLabel)) {
      const s = [...xs].sort((a, b) => a - b);
      const p95 = s[Math.min(s.length - 1, Math.floor(0.95 * s.length))];
      out(`${`${id} ${label}`.padEnd(40)}${spread(xs).median.toFixed(2)} / ${p95.toFixed(2)} / ${s[s.length - 1].toFixed(2)}  (${xs.length})`);
    }
  }
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify({ book, runs, moves, loadAverage: os.loadavg(), cpus: os.cpus().length, weights, timings, interactions }, null, 2));
    out(`\nwrote ${values.json}`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench:pages: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
