// The built book in headless Chromium: every page from a local static server with no console error and
// no request leaving the origin; plotly figures drawn with their traces; a solution toggle opens; the search box
// finds a word of a chapter; the same from file://. Numbered figures (issue 15): every image loads, every drawn
// diagram takes the page's text colour in the light and the dark theme. Screenshots: test-output/book-index.png,
// book-chapter.png, book-figure.png, book-dark.png, and test-output/figures/<figure id>-<light|dark>.png for every
// figure of the book.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, Browser } from 'playwright-core';
import { buildBook } from '../scripts/bookgen/build';
import {
  buildQuickBook, executorAvailable, fixtureOptions, QUICK_BOOK, ROOT, seedCache, serve, tmpDir,
} from './book-helpers';
import { ARGS, CHROMIUM, drawnFigures, skipReason, watch, widgetReady } from './browser-helpers';
import { WIDGET_UI } from '../scripts/bookgen/i18n';

const SHOTS = path.join(ROOT, 'test-output');

/** A figure's drawn diagram (inline SVG) as the browser paints it. */
interface DiagramInk {
  id: string;
  /** Computed stroke of the first top-level element drawn in currentColor, and the page's text colour. */
  stroke: string;
  text: string;
  /** Computed colour of the first element coloured by the book's --accent variable ('' if none). */
  accent: string;
  width: number;
}

/**
 * Every numbered figure of every page, in the light and the dark theme (the system preference, no stored choice):
 * images loaded, drawn diagrams inked in the page's text colour (so the ink changes with the theme), and with
 * `shotsDir` one screenshot per figure and theme.
 */
async function checkFigures(browser: Browser, origin: string, dir: string, label: string, shotsDir?: string): Promise<number> {
  const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.html') && fs.readFileSync(path.join(dir, f), 'utf8').includes('<figure class="figure"')).sort();
  const inkByTheme: Record<string, Map<string, DiagramInk>> = {};
  let shots = 0;
  if (shotsDir) fs.mkdirSync(shotsDir, { recursive: true });
  // The two themes side by side, each in a context of its own.
  const inTheme = async (theme: 'light' | 'dark') => {
    inkByTheme[theme] = new Map();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: theme });
    try {
      for (const name of pages) {
        const page = await context.newPage();
        const w = watch(page, origin);
        await page.goto(`${origin}/${name}`, { waitUntil: 'load' });
        await drawnFigures(page);
        await page.evaluate(() => document.fonts.ready);
        const broken = await page.evaluate(() =>
          Array.from(document.querySelectorAll('figure.figure img'))
            .filter((i) => !(i as HTMLImageElement).complete || (i as HTMLImageElement).naturalWidth === 0)
            .map((i) => i.getAttribute('src')),
        );
        assert.deepEqual(broken, [], `${label}/${name} (${theme}): images that did not load`);
        const inks: DiagramInk[] = await page.evaluate(() =>
          Array.from(document.querySelectorAll('figure.figure svg.figure-svg')).map((svg) => {
            const el = svg.querySelector(':scope > [stroke="currentColor"]');
            const accent = svg.querySelector('[style*="var(--accent"]');
            return {
              id: (svg.closest('figure') as HTMLElement).id,
              stroke: el ? getComputedStyle(el).stroke : '(nothing drawn in currentColor)',
              text: getComputedStyle(document.body).color,
              accent: accent ? getComputedStyle(accent).color : '',
              width: svg.getBoundingClientRect().width,
            };
          }),
        );
        for (const ink of inks) {
          assert.equal(ink.stroke, ink.text, `${label}/${name} (${theme}): diagram ${ink.id} is not inked in the page's text colour`);
          assert.ok(ink.width > 150, `${label}/${name}: diagram ${ink.id} is ${ink.width}px wide`);
          inkByTheme[theme].set(ink.id, ink);
        }
        if (shotsDir) {
          // The sticky top bar would cover the top of a figure scrolled into view: hidden for these close-ups only.
          await page.addStyleTag({ content: '.topbar { display: none !important; }' });
          for (const id of await page.locator('figure.figure').evaluateAll((fs: Element[]) => fs.map((f) => f.id))) {
            await page.locator(`figure[id="${id}"]`).screenshot({ path: path.join(shotsDir, `${id}-${theme}.png`) });
            shots++;
          }
        }
        assert.deepEqual(w.problems, [], `${label}/${name} (${theme})`);
        await page.close();
      }
    } finally {
      await context.close();
    }
  };
  await Promise.all([inTheme('light'), inTheme('dark')]);
  for (const [id, light] of inkByTheme.light) {
    const dark = inkByTheme.dark.get(id);
    assert.notEqual(dark?.stroke, light.stroke, `${label}: diagram ${id} has the same ink in the dark theme as in the light one`);
    if (light.accent) assert.notEqual(dark?.accent, light.accent, `${label}: diagram ${id} has the same accent colour in both themes`);
  }
  assert.ok(inkByTheme.light.size > 0, `${label}: no drawn diagram`);
  return shots;
}

/** A long word from the text of a chapter section (from the built index), and the page that holds it. */
function pickSearchWord(dir: string): { word: string; target: string } {
  const js = fs.readFileSync(path.join(dir, 'assets', 'search-index.js'), 'utf8');
  const idx = JSON.parse(/^window\.BOOK_SEARCH_INDEX = (.*);$/m.exec(js)![1]) as {
    pages: [string, string][];
    entries: [number, string, string, string][];
  };
  const longWords = (e: [number, string, string, string]) =>
    e[3].split(/[^A-Za-z]+/).filter((x) => x.length >= 8).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const chapterEntries = idx.entries.filter((e) => idx.pages[e[0]][0] !== 'index.html' && longWords(e).length > 0);
  assert.ok(chapterEntries.length > 0, 'the search index has chapter text');
  const e = chapterEntries[Math.floor(chapterEntries.length / 2)];
  return { word: longWords(e)[0], target: idx.pages[e[0]][0] };
}

async function checkBook(browser: Browser, dir: string, label: string, shots: boolean): Promise<void> {
  const server = await serve(dir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  try {
    const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
    assert.ok(pages.includes('index.html'));
    let figuresSeen = 0;
    let chapterShot: string | null = null;
    for (const name of pages) {
      const page = await context.newPage();
      const w = watch(page, server.origin);
      await page.goto(`${server.origin}/${name}`, { waitUntil: 'load' });
      const figs = await drawnFigures(page);
      for (const f of figs) {
        assert.ok(f.traces > 0, `${label}/${name}: figure ${f.id} has no traces`);
        assert.ok(f.drawn > 0, `${label}/${name}: figure ${f.id} drew nothing`);
      }
      figuresSeen += figs.length;
      const katex = await page.locator('.katex').count();
      if (name !== 'index.html') assert.ok(katex > 0 || !fs.readFileSync(path.join(dir, name), 'utf8').includes('class="katex'), `${label}/${name}: math not shown`);
      // KaTeX fonts are really used (a missing font file would be an HTTP error above; here: it loaded).
      if (katex > 0) {
        const fontOk = await page.evaluate(async () => {
          await document.fonts.ready;
          const faces: FontFace[] = [];
          document.fonts.forEach((f) => faces.push(f));
          return faces.some((f) => f.family.includes('KaTeX') && f.status === 'loaded');
        });
        assert.ok(fontOk, `${label}/${name}: KaTeX fonts did not load`);
      }
      if (shots && !chapterShot && figs.length > 0) chapterShot = name;
      await page.waitForTimeout(100);
      assert.deepEqual(w.problems, [], `${label}/${name}`);
      await page.close();
    }
    assert.ok(figuresSeen > 0, `${label}: no figure in the whole book`);

    // A solution toggle opens on click.
    const withSolution = pages.find((p) => fs.readFileSync(path.join(dir, p), 'utf8').includes('<details class="solution'));
    assert.ok(withSolution, `${label}: no page has a solution toggle`);
    {
      const page = await context.newPage();
      const w = watch(page, server.origin);
      await page.goto(`${server.origin}/${withSolution}`);
      const details = page.locator('details.solution').first();
      const body = details.locator('.details-body');
      assert.equal(await details.evaluate((d) => (d as HTMLDetailsElement).open), false, 'closed at first');
      assert.equal(await body.isVisible(), false, 'solution hidden at first');
      await details.locator('summary').click();
      assert.equal(await details.evaluate((d) => (d as HTMLDetailsElement).open), true, 'opens on click');
      assert.equal(await body.isVisible(), true, 'solution visible after click');
      assert.deepEqual(w.problems, []);
      await page.close();
    }

    // Search: a long word from a chapter's text (taken from the built index) finds that chapter.
    {
      const page = await context.newPage();
      const w = watch(page, server.origin);
      await page.goto(`${server.origin}/index.html`);
      const { word, target } = pickSearchWord(dir);
      await page.fill('#search-input', word);
      const hits = page.locator('#search-results a.search-hit');
      await hits.first().waitFor({ timeout: 5000 });
      const hrefs = await hits.evaluateAll((as: Element[]) => as.map((a) => a.getAttribute('href') ?? ''));
      assert.ok(hrefs.some((h) => h.split('#')[0] === target), `${label}: searching "${word}" should list ${target}, got ${hrefs.join(', ')}`);
      assert.ok(await page.locator('#search-results mark').count() > 0, 'matches are highlighted');
      const hit = hits.filter({ has: page.locator(`xpath=self::*[starts-with(@href, "${target}")]`) }).first();
      await hit.click();
      await page.waitForURL((u) => u.pathname.endsWith(`/${target}`));
      assert.deepEqual(w.problems, []);
      if (shots) {
        await page.goto(`${server.origin}/index.html`);
        await page.fill('#search-input', word);
        await hits.first().waitFor();
        await page.screenshot({ path: path.join(SHOTS, 'book-search.png') });
      }
      await page.close();
    }

    // Theme toggle: switches to dark, persists across pages.
    {
      const page = await context.newPage();
      const w = watch(page, server.origin);
      const target = chapterShot ?? pages[pages.length - 1];
      await page.goto(`${server.origin}/${target}`);
      await drawnFigures(page);
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const light = await bg();
      await page.click('.theme-toggle');
      assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark');
      assert.notEqual(await bg(), light, 'the background changes with the theme');
      await page.reload();
      assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark', 'the choice persists');
      await drawnFigures(page);
      if (shots) {
        const fig = page.locator('.plotly-figure').first();
        if (await fig.count()) await fig.scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(SHOTS, 'book-dark.png') });
      }
      await page.click('.theme-toggle');
      assert.deepEqual(w.problems, []);
      await page.close();
      // With no choice stored, the system preference decides.
      const darkContext = await browser.newContext({ colorScheme: 'dark' });
      const darkPage = await darkContext.newPage();
      await darkPage.goto(`${server.origin}/${target}`);
      assert.notEqual(await darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor), light, 'prefers-color-scheme: dark is followed');
      await darkContext.close();
    }

    // Print: the text column only (no bar, sidebar or pager), solutions opened for the printout.
    {
      const page = await context.newPage();
      await page.goto(`${server.origin}/${withSolution}`);
      await page.emulateMedia({ media: 'print' });
      const hidden = await page.evaluate(() =>
        ['.topbar', '.sidebar', '.pager'].every((sel) => {
          const el = document.querySelector(sel);
          return !el || getComputedStyle(el).display === 'none';
        }),
      );
      assert.ok(hidden, `${label}: the print stylesheet hides the navigation`);
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      assert.equal(await page.locator('details.solution:not([open])').count(), 0, 'solutions open for printing');
      await page.close();
    }

    if (shots) {
      const page = await context.newPage();
      await page.goto(`${server.origin}/index.html`);
      await page.screenshot({ path: path.join(SHOTS, 'book-index.png') });
      const chapter = chapterShot ?? pages.find((p) => p !== 'index.html')!;
      await page.goto(`${server.origin}/${chapter}`);
      await drawnFigures(page);
      await page.screenshot({ path: path.join(SHOTS, 'book-chapter.png') });
      const fig = page.locator('.nb-cell:has(.plotly-figure)').first();
      if (await fig.count()) {
        await fig.scrollIntoViewIfNeeded();
        await page.evaluate(() => window.scrollBy(0, -60));
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(SHOTS, 'book-figure.png') });
      }
      await page.close();
    }
  } finally {
    await context.close();
    await server.close();
  }
}

/** From file:// (no server): pages load, figures draw, nothing is requested outside the book's folder. */
async function checkFileUrls(browser: Browser, dir: string, label: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  try {
    const base = pathToFileURL(dir).href + '/';
    const withFigure = fs.readdirSync(dir).filter((f) => f.endsWith('.html') && fs.readFileSync(path.join(dir, f), 'utf8').includes('plotly-figure')).sort()[0];
    for (const name of ['index.html', withFigure].filter(Boolean)) {
      const page = await context.newPage();
      const w = watch(page, base);
      await page.goto(base + name);
      const figs = await drawnFigures(page);
      for (const f of figs) assert.ok(f.traces > 0 && f.drawn > 0, `${label} file://${name}: figure ${f.id} not drawn`);
      await page.fill('#search-input', 'the');
      await page.locator('#search-results a.search-hit').first().waitFor({ timeout: 5000 });
      assert.deepEqual(w.problems, [], `${label} file://${name}`);
      await page.close();
    }
  } finally {
    await context.close();
  }
}

/**
 * The Chinese edition (pages NAME.zh.html), served and from file://: lang, the language switch both ways, a Chinese word
 * found by the search box (CJK bigrams) on a Chinese page, no outside request; screenshots at 1280 and 390 px wide (of
 * the first chapter, and of chapter 5 with its interactive figures where the book has it); the latent explorer and the
 * interpolation running on the Chinese chapter 5, labelled in Chinese.
 */
async function checkChinese(browser: Browser, dir: string, label: string, shots: boolean): Promise<void> {
  const zhPages = fs.readdirSync(dir).filter((f) => f.endsWith('.zh.html')).sort();
  assert.ok(zhPages.includes('index.zh.html'), `${label}: no Chinese index`);
  const chapter = zhPages.find((p) => p !== 'index.zh.html');
  assert.ok(chapter, `${label}: no translated chapter`);
  const generation = zhPages.find((p) => p === '05-generation.zh.html');
  const server = await serve(dir);
  try {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'light' });
      const page = await context.newPage();
      const w = watch(page, server.origin);
      for (const [shown, shot] of [[generation, `book-zh-05-${width}.png`], [chapter, `book-zh-${width}.png`]] as const) {
        if (!shown) continue;
        await page.goto(`${server.origin}/${shown}`);
        assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
        // The text is laid out within the page's width (a phone does not scroll sideways).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${label}/${shown} at ${width} px: ${overflow} px wider than the window`);
        if (shots) await page.screenshot({ path: path.join(SHOTS, shot) });
      }
      if (width === 1280) {
        await page.fill('#search-input', '重参数化');
        const hit = page.locator('#search-results a.search-hit').first();
        await hit.waitFor({ timeout: 5000 });
        assert.match((await hit.getAttribute('href')) ?? '', /\.zh\.html/, 'a Chinese page found');
        if (shots) await page.screenshot({ path: path.join(SHOTS, 'book-zh-search.png') });
        await page.fill('#search-input', '');
        await page.click('a.lang-switch');
        await page.waitForLoadState('load');
        assert.equal(new URL(page.url()).pathname, `/${chapter.replace(/\.zh\.html$/, '.html')}`, 'the switch goes to the English page');
        assert.equal(await page.getAttribute('html', 'lang'), 'en');
        await page.click('a.lang-switch');
        await page.waitForLoadState('load');
        assert.equal(new URL(page.url()).pathname, `/${chapter}`, 'and back');
      }
      assert.deepEqual(w.problems, [], `${label}/${chapter} at ${width} px`);
      await context.close();
    }
    // The widgets take their words from the page's language (i18n.ts): on a Chinese page that shows one (else on an
    // English page switched to Chinese before the widget starts), kl-by-hand runs and shows its unit in Chinese.
    const zhWidget = zhPages.find((f) => fs.readFileSync(path.join(dir, f), 'utf8').includes('widget-kl-by-hand'));
    const withWidget = zhWidget ?? fs.readdirSync(dir).filter((f) => f.endsWith('.html') && fs.readFileSync(path.join(dir, f), 'utf8').includes('widget-kl-by-hand')).sort()[0];
    if (withWidget) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const w = watch(page, server.origin);
      await page.goto(`${server.origin}/${withWidget}`);
      if (!zhWidget) await page.evaluate(() => document.documentElement.setAttribute('lang', 'zh-CN'));
      const fig = page.locator('figure.widget-kl-by-hand');
      await fig.scrollIntoViewIfNeeded();
      await page.waitForFunction(() => {
        const s = document.querySelector<HTMLElement>('figure.widget-kl-by-hand')?.dataset.state;
        return s === 'ready' || s === 'error';
      }, undefined, { timeout: 30_000 });
      assert.equal(await fig.getAttribute('data-state'), 'ready', `${label}: kl-by-hand in a Chinese page`);
      const readout = (await fig.locator('.widget-live .kl-readout').textContent()) ?? '';
      assert.match(readout, /奈特$/, `${label}: the widget's unit in Chinese: ${readout}`);
      assert.deepEqual(w.problems, [], `${label}/${withWidget} as a Chinese page`);
      if (shots) await fig.screenshot({ path: path.join(SHOTS, 'book-zh-widget.png') });
      await context.close();
    }
    if (generation) await checkChineseGeneration(browser, server.origin, label, shots);
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const base = pathToFileURL(dir).href + '/';
    const page = await context.newPage();
    const w = watch(page, base);
    await page.goto(base + 'index.zh.html');
    await page.fill('#search-input', '证据下界');
    await page.locator('#search-results a.search-hit').first().waitFor({ timeout: 5000 });
    assert.deepEqual(w.problems, [], `${label} file://index.zh.html`);
    await context.close();
  } finally {
    await server.close();
  }
}

/** Chapter 5 in Chinese: its latent explorer and interpolation start, speak Chinese, and answer the pointer and the slider. */
async function checkChineseGeneration(browser: Browser, origin: string, label: string, shots: boolean): Promise<void> {
  const zh = WIDGET_UI.zh;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const w = watch(page, origin);
  await page.goto(`${origin}/05-generation.zh.html`);
  const start = async (name: string) => {
    await widgetReady(page, name);
    return page.locator(`figure.widget-${name}`);
  };
  const explorer = await start('latent-explorer');
  assert.equal((await explorer.locator('.widget-trail .widget-label').textContent())?.trim(), zh.trail);
  assert.equal((await explorer.locator('.widget-trail button').textContent())?.trim(), zh.clearTrail);
  const aria = (await explorer.locator('.widget-live svg.plane').getAttribute('aria-label')) ?? '';
  assert.equal(aria, zh.latentPlane(Number(/ (\d+) 个/.exec(aria)?.[1]), 'vae-2d'), 'the plane is named in Chinese');
  const box = (await explorer.locator('.widget-live svg.plane').boundingBox())!;
  const before = await explorer.getAttribute('data-z');
  await page.mouse.move(box.x + 0.3 * box.width, box.y + 0.6 * box.height);
  await page.waitForFunction((b) => document.querySelector<HTMLElement>('figure.widget-latent-explorer')!.dataset.z !== b, before, { timeout: 10_000 });
  if (shots) await explorer.screenshot({ path: path.join(SHOTS, 'book-zh-latent-explorer.png') });
  const interp = await start('interpolate');
  assert.equal((await interp.locator('button[data-end=a]').textContent())?.trim(), zh.pickStart);
  assert.equal((await interp.locator('button[data-end=b]').textContent())?.trim(), zh.pickEnd);
  const decoded = () => page.evaluate(() => Array.from((document.querySelector('figure.widget-interpolate') as unknown as { lastDecode: Float32Array }).lastDecode));
  await interp.locator('input[type=range]').fill('0.1');
  const a = await decoded();
  await interp.locator('input[type=range]').fill('0.9');
  const b = await decoded();
  assert.ok(a.some((v, i) => Math.abs(v - b[i]) > 0.05), `${label}: the slider changes the decoded digit on the Chinese page`);
  if (shots) await interp.screenshot({ path: path.join(SHOTS, 'book-zh-interpolate.png') });
  assert.deepEqual(w.problems, [], `${label}/05-generation.zh.html: the widgets`);
  await context.close();
}

/**
 * The chapters whose figures are experiments (issue 15): each page drawn whole, every figure and image loaded,
 * as one full-page screenshot per chapter (test-output/book-<chapter>.png).
 */
async function shootExperiments(browser: Browser, dir: string): Promise<void> {
  const server = await serve(dir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  try {
    const page = await context.newPage();
    for (const chapter of ['03-vae', '04-training', '05-generation', '06-beyond', '07-faq']) {
      await page.goto(`${server.origin}/${chapter}.html`);
      const figures = await drawnFigures(page);
      for (const f of figures) assert.ok(f.traces > 0 && f.drawn > 0, `${chapter}: figure ${f.id} not drawn`);
      const images = page.locator('img.output-image');
      const loaded = await images.evaluateAll((els) => els.filter((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0).length);
      assert.equal(loaded, await images.count(), `${chapter}: every image loads`);
      assert.ok(figures.length + loaded >= 3, `${chapter}: ${figures.length} figures and ${loaded} images`);
      await page.screenshot({ path: path.join(SHOTS, `book-${chapter}.png`), fullPage: true });
    }
    await page.close();
  } finally {
    await context.close();
    await server.close();
  }
}

test('the book in headless Chromium: mini-book fixture and the real quick-profile book', { timeout: 900_000 }, async (t) => {
  const reason = skipReason();
  if (reason) {
    t.skip(reason);
    return;
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const fixtureOut = path.join(tmpDir('browser'), 'book');
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  await buildBook(fixtureOptions(fixtureOut, cache));

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    await t.test('mini-book fixture (served)', () => checkBook(browser, fixtureOut, 'mini-book', false));
    await t.test('mini-book fixture: figures in both themes', async () => {
      const server = await serve(fixtureOut);
      try {
        await checkFigures(browser, server.origin, fixtureOut, 'mini-book');
      } finally {
        await server.close();
      }
    });
    await t.test('mini-book fixture (file://)', () => checkFileUrls(browser, fixtureOut, 'mini-book'));
    await t.test('mini-book fixture: the Chinese edition', () => checkChinese(browser, fixtureOut, 'mini-book', false));
    await t.test('real book, quick profile (served; screenshots)', async (tt) => {
      if (!executorAvailable()) {
        if (process.env.CI) assert.fail('the notebook executor or its tslab kernel is missing: run `npm run setup`');
        tt.skip('executor/tslab kernel not installed (npm run setup)');
        return;
      }
      await buildQuickBook();
      await checkBook(browser, QUICK_BOOK, 'book', true);
      const server = await serve(QUICK_BOOK);
      try {
        const figureShots = path.join(SHOTS, 'figures');
        fs.rmSync(figureShots, { recursive: true, force: true });
        const n = await checkFigures(browser, server.origin, QUICK_BOOK, 'book', figureShots);
        tt.diagnostic(`${n} figure screenshots in ${path.relative(ROOT, figureShots)}`);
      } finally {
        await server.close();
      }
      await checkFileUrls(browser, QUICK_BOOK, 'book');
      await shootExperiments(browser, QUICK_BOOK);
      await checkChinese(browser, QUICK_BOOK, 'book', true);
    });
  } finally {
    await browser.close();
  }
});
