// Accessibility of the quick-profile book in headless Chromium: axe-core (the engine behind most accessibility
// audits) finds no serious or critical violation on any page, in the light theme on a desktop and in the dark theme
// on a 390 px phone, with every plotly figure woken and every widget running. The Chinese pages share the English
// pages' style sheet and widgets, so they are audited in the light desktop setting, and the Chinese index, with its
// glossary and the language switch, in both. The two settings run side by side. At 390 px a display equation wider
// than the column scrolls sideways, shows its scroll shadow, and takes keyboard focus: the arrow keys scroll it.
// Screenshots: test-output/equation-scroll-{light,dark}.png (390 px).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { buildQuickBook, QUICK_BOOK, ROOT, serve } from './book-helpers';
import { ARGS, CHROMIUM, drawnFigures, quickBookSkipReason, watch } from './browser-helpers';

const SHOTS = path.join(ROOT, 'test-output');
const AXE = require.resolve('axe-core/axe.min.js');

interface Finding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Scrolls every widget into view (they start near the viewport) and waits until each runs. */
async function startWidgets(page: Page): Promise<void> {
  const ids = await page.$$eval('figure.widget', (fs) => fs.map((f) => f.id));
  for (const id of ids) {
    await page.locator(`[id="${id}"]`).scrollIntoViewIfNeeded();
    await page.waitForFunction((i) => ['ready', 'error'].includes(document.getElementById(i)!.dataset.state ?? ''), id, { timeout: 60_000 });
  }
}

/** axe-core's serious and critical violations of the page as it stands. */
async function audit(page: Page): Promise<Finding[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<Result> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

/** At 390 px: a display equation wider than its box scrolls with the arrow keys once focused, and draws its cue. */
async function checkWideEquation(page: Page, scheme: string): Promise<void> {
  const wide = page.locator('.math-display').filter({ has: page.locator('.katex-display') });
  const i = await wide.evaluateAll((els) => els.findIndex((e) => e.scrollWidth > e.clientWidth + 1));
  assert.ok(i >= 0, 'some display equation is wider than a 390 px column');
  const eq = wide.nth(i);
  assert.equal(await eq.getAttribute('tabindex'), '0');
  assert.equal(await eq.getAttribute('aria-label'), 'Equation');
  const shadows = await eq.evaluate((e) => getComputedStyle(e).backgroundImage);
  assert.equal((shadows.match(/radial-gradient/g) ?? []).length, 2, `the scroll shadows: ${shadows}`);
  await eq.scrollIntoViewIfNeeded();
  await eq.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((e) => e!.scrollLeft > 0, await eq.elementHandle());
  await page.addStyleTag({ content: '.topbar { position: static !important; }' });
  await eq.evaluate((e) => { e.scrollLeft = 0; (e as HTMLElement).blur(); });
  await eq.screenshot({ path: path.join(SHOTS, `equation-scroll-${scheme}.png`) });
}

/** The book's pages an audit in `scheme` visits: every page in light; in dark, the Chinese edition's index only. */
function pagesFor(scheme: 'light' | 'dark'): string[] {
  const pages = fs.readdirSync(QUICK_BOOK).filter((f) => f.endsWith('.html')).sort();
  return scheme === 'light' ? pages : pages.filter((f) => !f.endsWith('.zh.html') || f === 'index.zh.html');
}

async function auditBook(browser: Browser, origin: string, scheme: 'light' | 'dark', viewport: { width: number; height: number }): Promise<string[]> {
  const phone = viewport.width < 500;
  const context = await browser.newContext({ viewport, colorScheme: scheme, isMobile: phone, hasTouch: phone });
  const problems: string[] = [];
  try {
    for (const file of pagesFor(scheme)) {
      const page = await context.newPage();
      const w = watch(page, origin);
      await page.goto(`${origin}/${file}`, { waitUntil: 'load' });
      await drawnFigures(page);
      await startWidgets(page);
      await page.evaluate(() => document.fonts.ready);
      for (const f of await audit(page)) problems.push(`${scheme} ${viewport.width} px ${file}: ${f.id} (${f.impact}, ${f.help}) at ${f.nodes.join('; ')}`);
      if (phone && file === '03-vae.html') await checkWideEquation(page, scheme);
      assert.deepEqual(w.problems, [], `${scheme} ${file}`);
      await page.close();
    }
  } finally {
    await context.close();
  }
  return problems;
}

test('axe-core: no serious or critical violation on any page, light on a desktop and dark at 390 px', { timeout: 1_800_000 }, async (t) => {
  const reason = quickBookSkipReason();
  if (reason) {
    t.skip(reason);
    return;
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  await buildQuickBook();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const server = await serve(QUICK_BOOK);
  try {
    assert.ok(pagesFor('light').some((f) => f.endsWith('.zh.html')), 'the Chinese pages are audited');
    const problems = (
      await Promise.all([
        auditBook(browser, server.origin, 'light', { width: 1280, height: 900 }),
        auditBook(browser, server.origin, 'dark', { width: 390, height: 844 }),
      ])
    ).flat();
    assert.deepEqual(problems, []);
    // The wide equation in the light theme too (the dark one was checked during the audit at 390 px).
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${server.origin}/03-vae.html`, { waitUntil: 'load' });
    await checkWideEquation(page, 'light');
    await context.close();
  } finally {
    await server.close();
    await browser.close();
  }
});
