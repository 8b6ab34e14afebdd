// Shared by the browser tests (test/book.browser.test.ts, test/webgl.browser.test.ts, …) and the page benchmarks
// (scripts/bench/pages.ts, scripts/bench/browser.ts): how Chromium is launched, and a watch on a page for console
// errors, page errors, failed requests, HTTP errors and any request outside the book.
import * as fs from 'node:fs';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { executorAvailable } from './book-helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * ARGS with WebGL: the machine's GPU where Chromium finds one, else SwiftShader, Chromium's software renderer
 * (`npm run bench:browser`'s WebGL row). Chromium is dropping its unasked fallback to SwiftShader for WebGL (headless
 * Chromium 156 still falls back, even with --disable-gpu), hence the explicit opt-in `--enable-unsafe-swiftshader`.
 */
export const GPU_ARGS = [...ARGS.filter((a) => a !== '--disable-gpu'), '--enable-unsafe-swiftshader'];

/** GPU_ARGS with SwiftShader always (test/webgl.browser.test.ts), so that WebGL computes alike on every machine. */
export const WEBGL_ARGS = [...GPU_ARGS, '--use-angle=swiftshader'];

/** Why a browser test cannot run here, or null; on CI a missing Chromium is an error, not a skip. */
export function skipReason(): string | null {
  if (fs.existsSync(CHROMIUM)) return null;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing (CI is set, so this test may not be skipped)`);
  return `${CHROMIUM} not installed`;
}

/**
 * Why a browser test of the quick-profile book (built with the real notebook executor) cannot run here, or null; on CI
 * a missing Chromium or executor is an error, not a skip.
 */
export function quickBookSkipReason(): string | null {
  const reason = skipReason();
  if (reason) return reason;
  if (executorAvailable()) return null;
  if (process.env.CI) throw new Error('the notebook executor or its tslab kernel is missing: run `npm run setup`');
  return 'executor/tslab kernel not installed (npm run setup)';
}

export interface PageWatch {
  problems: string[];
  requests: string[];
}

/** Records console errors, page errors, failed requests, HTTP errors and any request outside `origin`. */
export function watch(page: Page, origin: string): PageWatch {
  const w: PageWatch = { problems: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    w.requests.push(url);
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      w.problems.push(`request outside the book: ${url}`);
    }
  });
  page.on('requestfailed', (r) => w.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) w.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return w;
}

/**
 * Wakes every plotly figure of the page as a reader would (book.js loads plotly.js on the first pointer, touch or
 * focus on a figure; here: keyboard focus on each), waits until each is drawn, then returns per figure: traces in
 * data, trace groups in the SVG.
 */
export async function drawnFigures(page: Page): Promise<{ id: string; traces: number; drawn: number }[]> {
  const count = await page.locator('.plotly-figure').count();
  if (count === 0) return [];
  // book.js has run once it made the figures focusable.
  await page.waitForFunction(() => document.querySelector('.figure-media:has(> .plotly-figure)[tabindex]'), undefined, { timeout: 30_000 });
  const media = page.locator('.figure-media:has(> .plotly-figure)');
  for (let i = 0; i < (await media.count()); i++) await media.nth(i).focus();
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('.plotly-figure')).every((d) => d.querySelector('.main-svg')),
    undefined,
    { timeout: 30_000 },
  );
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.plotly-figure')).map((d) => ({
      id: d.id,
      traces: ((d as unknown as { data?: unknown[] }).data ?? []).length,
      drawn: d.querySelectorAll('.main-svg .trace, .main-svg .hm, .main-svg image').length,
    })),
  );
}

/** Scrolls an interactive figure into view and waits until it runs (or fails: then the assertion gives its message). */
export async function widgetReady(page: Page, widget: string): Promise<string> {
  const fig = page.locator(`figure.widget-${widget}`);
  await fig.scrollIntoViewIfNeeded();
  await page.waitForFunction((w) => {
    const s = document.querySelector<HTMLElement>(`figure.widget-${w}`)?.dataset.state;
    return s === 'ready' || s === 'error';
  }, widget, { timeout: 30_000 });
  const state = await fig.getAttribute('data-state');
  const error = state === 'error' ? await fig.locator('.widget-error').textContent() : '';
  assert.equal(state, 'ready', `${widget}: ${error}`);
  assert.equal(await fig.locator('.widget-still').isVisible(), false, `${widget}: the still is hidden once the widget runs`);
  return (await fig.getAttribute('id'))!;
}
