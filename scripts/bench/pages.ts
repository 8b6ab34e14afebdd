/**
 * Page weight and speed of the built book, in headless Chromium on a local server:
 *
 *   npm run bench:pages [-- --book DIR] [--runs 5] [--moves 200] [--quiet 2000] [--pages 03-vae.html] [--json FILE]
 *
 * Weight: every file a chapter page loads once all its widgets have started (HTML, CSS, fonts, scripts, images,
 * the widgets' model parts), as bytes on disk and gzip-compressed, with plotly.js apart (one file, cached by the
 * browser across pages, and loaded only when a reader first reaches for a figure).
 *
 * Time to interactive, median over --runs fresh loads per page, on a desktop (1280 × 900) and on a phone (390 × 844,
 * touch, the main thread slowed 4× with CDP's Emulation.setCPUThrottlingRate). "Interactive" is Lighthouse's Time to
 * Interactive made concrete for these pages: the moment, after navigation start, from which the main thread stays
 * free of long tasks (a task of 50 ms or more, as the browser's Long Tasks API reports it) for --quiet ms, and no
 * earlier than the end of DOMContentLoaded (book.js has made the figures, search and toggles respond) nor than the
 * moment the last widget the page starts on load (those within reach of the first screen) is running, its controls
 * wired. Beside it: the total blocking time until then (the parts of long tasks beyond 50 ms), the main thread's CPU
 * time until the page was found interactive (a busy machine stretches wall time far more), the first figure on
 * screen (the still the build draws), and, on the desktop, how long plotly takes to draw a figure after the first
 * focus on it (plotly.js loading included). Then each widget running (scrolled into view in turn) and the time of
 * each interaction as the page records it (VAE_BOOK_WIDGETS.timings): decoding the point under the pointer over
 * --moves pointer moves, and so on. At 390 px it counts the display equations wider than the column (they scroll
 * sideways, book.css) and those of them a keyboard cannot focus.
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
  usage: `usage: npm run bench:pages -- [--book DIR] [--runs N] [--moves N] [--quiet MS] [--pages LIST] [--json FILE]
  --book   a built book (default test-output/book-quick: npm run book -- --profile quick --out test-output/book-quick)
  --runs   fresh loads per page for the loading times (default 5)
  --moves  pointer moves over the latent explorer (default 200)
  --quiet  ms without a long task that make a page interactive (default 2000)
  --pages  only these chapter pages, comma-separated (e.g. 03-vae.html; default every chapter)
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

/** How a page is loaded: the desktop, or a phone with the main thread slowed down. */
interface Device {
  name: string;
  viewport: { width: number; height: number };
  phone: boolean;
  /** CDP Emulation.setCPUThrottlingRate: 4 = four times slower. */
  cpuSlowdown: number;
}

const DEVICES: Device[] = [
  { name: 'desktop', viewport: { width: 1280, height: 900 }, phone: false, cpuSlowdown: 1 },
  { name: '390 px, CPU ×4', viewport: { width: 390, height: 844 }, phone: true, cpuSlowdown: 4 },
];

interface Timing {
  page: string;
  device: string;
  /** Time to interactive (see the header), ms after navigation start. */
  interactiveMs: number;
  /** Sum over the long tasks until then of their part beyond 50 ms. */
  blockingMs: number;
  /** Main-thread CPU time from navigation until the page was found interactive: a busy machine disturbs it much less. */
  cpuMs: number;
  /** The first figure drawn on screen (its still, with the first paint that shows it). */
  firstPlotMs: number | null;
  /** From the first focus on a figure to plotly's drawing of it (desktop only). */
  plotOnFocusMs: number | null;
  /** Each widget running after it was scrolled into view, ms after navigation start (desktop only). */
  widgetsReadyMs: Record<string, number>;
}

/** Display equations of a page at 390 px. */
interface Equations {
  page: string;
  total: number;
  overflowing: number;
  /** Of the overflowing ones, those a keyboard cannot reach (no tabindex). */
  unfocusable: number;
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
 * Before any script: the long tasks of the main thread; the frame after the first figure drawing is in the page (its
 * build-time still, or plotly's SVG); when each widget reaches data-state ready or error.
 */
const PROBE = `(() => {
  const t = { firstPlot: null, widgets: {}, started: {}, longTasks: [] };
  window.__benchTimes = t;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) t.longTasks.push([e.startTime, e.startTime + e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { t.noLongTasks = String(e); }
  let asked = false;
  new MutationObserver(() => {
    if (!asked && document.querySelector('.plotly-still svg, .plotly-figure .main-svg')) {
      asked = true;
      requestAnimationFrame(() => { t.firstPlot = performance.now(); });
    }
    document.querySelectorAll('figure.widget[data-state]').forEach((f) => {
      if (!(f.id in t.started)) t.started[f.id] = performance.now();
      if (!(f.id in t.widgets) && (f.dataset.state === 'ready' || f.dataset.state === 'error')) t.widgets[f.id] = f.dataset.state === 'ready' ? performance.now() : -1;
    });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})();`;

interface ProbeTimes {
  firstPlot: number | null;
  widgets: Record<string, number>;
  started: Record<string, number>;
  longTasks: [number, number][];
  noLongTasks?: string;
}

const probeTimes = (p: Page) => p.evaluate(() => (window as unknown as { __benchTimes: ProbeTimes }).__benchTimes);

/**
 * Waits until the page is interactive (see the header) and returns when it became so and the blocking time until then.
 * Polls the page: done once DOMContentLoaded has ended, every widget started so far runs, and no long task has
 * ended for `quiet` ms.
 */
async function timeToInteractive(p: Page, quiet: number): Promise<{ interactiveMs: number; blockingMs: number; times: ProbeTimes }> {
  const t0 = Date.now();
  for (;;) {
    const s = await p.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return { now: performance.now(), dcl: nav?.domContentLoadedEventEnd ?? 0, times: (window as unknown as { __benchTimes: ProbeTimes }).__benchTimes };
    });
    if (s.times.noLongTasks) throw new Error(`this Chromium reports no long tasks: ${s.times.noLongTasks}`);
    const lastTask = Math.max(0, ...s.times.longTasks.map(([, end]) => end));
    const starting = Object.keys(s.times.started).filter((id) => !(id in s.times.widgets));
    const widgetsFailed = Object.entries(s.times.widgets).filter(([, ms]) => ms < 0).map(([id]) => id);
    if (widgetsFailed.length) throw new Error(`widgets did not start: ${widgetsFailed.join(', ')}`);
    if (s.dcl > 0 && starting.length === 0 && s.now - Math.max(lastTask, s.dcl) >= quiet) {
      const interactiveMs = Math.max(lastTask, s.dcl, ...Object.values(s.times.widgets));
      const blockingMs = s.times.longTasks.filter(([start]) => start < interactiveMs).reduce((sum, [a, b]) => sum + Math.max(0, b - a - 50), 0);
      return { interactiveMs, blockingMs, times: s.times };
    }
    if (Date.now() - t0 > 120_000) throw new Error(`not interactive after 120 s (widgets still starting: ${starting.join(', ') || 'none'})`);
    await p.waitForTimeout(200);
  }
}

/** Display equations at the page's width: how many, how many wider than their box, how many of those without tabindex. */
const equationsOf = (p: Page) => p.$$eval('.math-display', (els) => {
  const wide = els.filter((e) => e.scrollWidth > e.clientWidth + 1);
  return { total: els.length, overflowing: wide.length, unfocusable: wide.filter((e) => !e.hasAttribute('tabindex')).length };
});

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
    const step = Number(await slider.getAttribute('step')) || (max - min) / 40;
    // 41 positions across the range, each on the slider's step (a step-1 slider takes only whole numbers).
    const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
    for (let i = 0; i <= 40; i++) await slider.fill(String(Number((min + Math.round(((max - min) * i) / 40 / step) * step).toFixed(decimals))));
  }
}

function fmtBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(0)} kB`;
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { book: { type: 'string' }, runs: { type: 'string' }, moves: { type: 'string' }, quiet: { type: 'string' }, pages: { type: 'string' }, json: { type: 'string' } });
  const book = path.resolve(values.book ?? path.join(ROOT, 'test-output', 'book-quick'));
  const runs = positiveInt(COMMAND, 'runs', values.runs) ?? 5;
  const moves = positiveInt(COMMAND, 'moves', values.moves) ?? 200;
  const quiet = positiveInt(COMMAND, 'quiet', values.quiet) ?? 2000;
  if (!fs.existsSync(path.join(book, 'index.html'))) {
    throw new Error(`no book in ${book}: build one first (npm run book -- --profile quick --out ${book.startsWith(ROOT + path.sep) ? path.relative(ROOT, book) : book})`);
  }
  const chapters = fs.readdirSync(book).filter((f) => /^\d\d-.*\.html$/.test(f)).sort();
  const wanted = values.pages?.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = (wanted ?? []).filter((p) => !chapters.includes(p));
  if (unknown.length) throw new Error(`--pages: no chapter page ${unknown.join(', ')} in ${book} (there are ${chapters.join(', ')})`);
  const pages = wanted ?? chapters;
  const server = await serve(book);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const weights: Weight[] = [];
  const timings: Timing[] = [];
  const interactions: Record<string, Record<string, number[]>> = {};
  const equations: Equations[] = [];
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

      // Speed of loading: fresh contexts (no cache), on each device.
      const hasFigures = fs.readFileSync(path.join(book, name), 'utf8').includes('class="plotly-figure"');
      for (const device of DEVICES) {
        const runsOf: { interactive: number[]; blocking: number[]; cpu: number[]; firstPlot: number[]; plotOnFocus: number[]; ready: Record<string, number[]> } =
          { interactive: [], blocking: [], cpu: [], firstPlot: [], plotOnFocus: [], ready: {} };
        for (let r = 0; r < runs; r++) {
          const ctx = await browser.newContext({ viewport: device.viewport, isMobile: device.phone, hasTouch: device.phone, deviceScaleFactor: device.phone ? 3 : 1 });
          await ctx.addInitScript(PROBE);
          const p = await ctx.newPage();
          const cdp = await ctx.newCDPSession(p);
          if (device.cpuSlowdown !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: device.cpuSlowdown });
          // threadTicks: ThreadTime is CPU time of the page's main thread, not wall time.
          await cdp.send('Performance.enable', { timeDomain: 'threadTicks' } as never);
          await p.goto(`${server.origin}/${name}`, { waitUntil: 'commit' });
          const tti = await timeToInteractive(p, quiet);
          runsOf.interactive.push(tti.interactiveMs);
          runsOf.blocking.push(tti.blockingMs);
          const { metrics } = await cdp.send('Performance.getMetrics');
          runsOf.cpu.push(1000 * (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN));
          if (tti.times.firstPlot !== null) runsOf.firstPlot.push(tti.times.firstPlot);
          if (device.phone && r === 0) equations.push({ page: name, ...(await equationsOf(p)) });
          if (!device.phone) {
            if (hasFigures) {
              const media = p.locator('.figure-media:has(> .plotly-figure)').first();
              const t0 = await p.evaluate(() => performance.now());
              await media.focus();
              await p.waitForFunction(() => document.querySelector('.figure-media:has(> .plotly-figure) .main-svg'), undefined, { timeout: 60_000 });
              runsOf.plotOnFocus.push((await p.evaluate(() => performance.now())) - t0);
            }
            await startWidgets(p);
            for (const [id, ms] of Object.entries((await probeTimes(p)).widgets)) (runsOf.ready[id] ??= []).push(ms);
          }
          await ctx.close();
        }
        const median = (xs: number[]) => (xs.length ? spread(xs).median : null);
        timings.push({
          page: name,
          device: device.name,
          interactiveMs: median(runsOf.interactive)!,
          blockingMs: median(runsOf.blocking)!,
          cpuMs: median(runsOf.cpu)!,
          firstPlotMs: median(runsOf.firstPlot),
          plotOnFocusMs: median(runsOf.plotOnFocus),
          widgetsReadyMs: Object.fromEntries(Object.entries(runsOf.ready).map(([id, xs]) => [id, spread(xs).median])),
        });
      }
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
  const plotlyFile = path.join(book, 'assets', 'plotly.js');
  const plotly = fs.existsSync(plotlyFile) ? fs.statSync(plotlyFile).size : 0;
  if (plotly) {
    const unminified = fs.statSync(require.resolve('plotly.js-dist/plotly.js', { paths: [ROOT] })).size;
    out(`plotly.js (on a first interaction with a figure, once, cached across pages): ${fmtBytes(plotly)}, gzip ${fmtBytes(zlib.gzipSync(fs.readFileSync(path.join(book, 'assets', 'plotly.js'))).length)}; ` +
      `plotly.js-dist ships it unminified: ${fmtBytes(unminified)}`);
  }
  const bundle = path.join(book, 'assets', 'widgets.js');
  if (fs.existsSync(bundle)) out(`widgets.js (pages with a widget; counted above): ${fmtBytes(fs.statSync(bundle).size)}`);
  out(`\nTime to interactive, median ms after navigation start: no long task for ${quiet} ms after it, DOMContentLoaded over,`);
  out('the widgets started on load running (see scripts/bench/pages.ts); total blocking time and main-thread CPU ms until then; the first plot');
  out('on screen (its still); on the desktop, plotly drawing a figure after the first focus on it, and each widget running');
  for (const t of timings) {
    const widgets = Object.entries(t.widgetsReadyMs).map(([id, ms]) => `${id} ${ms < 0 ? 'failed' : Math.round(ms)}`).join(', ');
    out(`${t.page.padEnd(24)}${t.device.padEnd(16)}interactive ${String(Math.round(t.interactiveMs)).padStart(5)} (blocking ${Math.round(t.blockingMs)}, CPU ${Math.round(t.cpuMs)})` +
      `${t.firstPlotMs === null ? '' : `; first plot ${Math.round(t.firstPlotMs)}`}` +
      `${t.plotOnFocusMs === null ? '' : `; plotly on focus ${Math.round(t.plotOnFocusMs)}`}${widgets ? `; widgets running: ${widgets}` : ''}`);
  }
  out('\nDisplay equations at 390 px: wider than the column (they scroll sideways) / all; of the wide ones, not keyboard-focusable');
  for (const e of equations) out(`${e.page.padEnd(24)}${String(e.overflowing).padStart(3)} / ${String(e.total).padEnd(4)}  unfocusable ${e.unfocusable}`);
  const eqTotal = equations.reduce((a, e) => ({ o: a.o + e.overflowing, t: a.t + e.total, u: a.u + e.unfocusable }), { o: 0, t: 0, u: 0 });
  out(`${'all chapters'.padEnd(24)}${String(eqTotal.o).padStart(3)} / ${String(eqTotal.t).padEnd(4)}  unfocusable ${eqTotal.u}`);
  out('\nInteractions, ms per event as the widget records it (median / 95th percentile / max, count)');
  for (const [id, byLabel] of Object.entries(interactions)) {
    for (const [label, xs] of Object.entries(byLabel)) {
      const s = [...xs].sort((a, b) => a - b);
      const p95 = s[Math.min(s.length - 1, Math.floor(0.95 * s.length))];
      out(`${`${id} ${label}`.padEnd(40)}${spread(xs).median.toFixed(2)} / ${p95.toFixed(2)} / ${s[s.length - 1].toFixed(2)}  (${xs.length})`);
    }
  }
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify({ book, runs, moves, quiet, loadAverage: os.loadavg(), cpus: os.cpus().length, weights, timings, equations, interactions }, null, 2));
    out(`\nwrote ${values.json}`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench:pages: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
