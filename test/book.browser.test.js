"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The built book in headless Chromium (issue 4): every page from a local static server with no console error and
// no request leaving the origin; plotly figures drawn with their traces; a solution toggle opens; the search box
// finds a word of a chapter; the same from file://. Screenshots: test-output/book-index.png, book-chapter.png,
// book-figure.png, book-dark.png.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const node_url_1 = require("node:url");
const playwright_core_1 = require("playwright-core");
const build_1 = require("../scripts/bookgen/build");
const book_helpers_1 = require("./book-helpers");
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(book_helpers_1.ROOT, 'test-output');
const ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
];
function skipReason() {
    if (fs.existsSync(CHROMIUM))
        return null;
    if (process.env.CI)
        throw new Error(`${CHROMIUM} is missing (CI is set, so this test may not be skipped)`);
    return `${CHROMIUM} not installed`;
}
/** Records console errors, page errors, failed requests, HTTP errors and any request outside `origin`. */
function watch(page, origin) {
    const w = { problems: [] };
    page.on('console', (m) => {
        if (m.type() === 'error')
            w.problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
            w.problems.push(`request outside the book: ${url}`);
        }
    });
    page.on('requestfailed', (r) => w.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
        if (r.status() >= 400)
            w.problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    return w;
}
/** Waits until every plotly figure on the page is drawn, then returns per figure: traces in data, trace groups in the SVG. */
async function drawnFigures(page) {
    const count = await page.locator('.plotly-figure').count();
    if (count === 0)
        return [];
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.plotly-figure')).every((d) => d.querySelector('.main-svg')), undefined, { timeout: 30000 });
    return page.evaluate(() => Array.from(document.querySelectorAll('.plotly-figure')).map((d) => ({
        id: d.id,
        traces: (d.data ?? []).length,
        drawn: d.querySelectorAll('.main-svg .trace, .main-svg .hm, .main-svg image').length,
    })));
}
/** A long word from the text of a chapter section (from the built index), and the page that holds it. */
function pickSearchWord(dir) {
    const js = fs.readFileSync(path.join(dir, 'assets', 'search-index.js'), 'utf8');
    const idx = JSON.parse(js.replace(/^window\.BOOK_SEARCH_INDEX = /, '').replace(/;\s*$/, ''));
    const longWords = (e) => e[3].split(/[^A-Za-z]+/).filter((x) => x.length >= 8).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const chapterEntries = idx.entries.filter((e) => idx.pages[e[0]][0] !== 'index.html' && longWords(e).length > 0);
    strict_1.default.ok(chapterEntries.length > 0, 'the search index has chapter text');
    const e = chapterEntries[Math.floor(chapterEntries.length / 2)];
    return { word: longWords(e)[0], target: idx.pages[e[0]][0] };
}
async function checkBook(browser, dir, label, shots) {
    const server = await (0, book_helpers_1.serve)(dir);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    try {
        const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
        strict_1.default.ok(pages.includes('index.html'));
        let figuresSeen = 0;
        let chapterShot = null;
        for (const name of pages) {
            const page = await context.newPage();
            const w = watch(page, server.origin);
            await page.goto(`${server.origin}/${name}`, { waitUntil: 'load' });
            const figs = await drawnFigures(page);
            for (const f of figs) {
                strict_1.default.ok(f.traces > 0, `${label}/${name}: figure ${f.id} has no traces`);
                strict_1.default.ok(f.drawn > 0, `${label}/${name}: figure ${f.id} drew nothing`);
            }
            figuresSeen += figs.length;
            const katex = await page.locator('.katex').count();
            if (name !== 'index.html')
                strict_1.default.ok(katex > 0 || !fs.readFileSync(path.join(dir, name), 'utf8').includes('class="katex'), `${label}/${name}: math not shown`);
            // KaTeX fonts are really used (a missing font file would be an HTTP error above; here: it loaded).
            if (katex > 0) {
                const fontOk = await page.evaluate(async () => {
                    await document.fonts.ready;
                    const faces = [];
                    document.fonts.forEach((f) => faces.push(f));
                    return faces.some((f) => f.family.includes('KaTeX') && f.status === 'loaded');
                });
                strict_1.default.ok(fontOk, `${label}/${name}: KaTeX fonts did not load`);
            }
            if (shots && !chapterShot && figs.length > 0)
                chapterShot = name;
            await page.waitForTimeout(100);
            strict_1.default.deepEqual(w.problems, [], `${label}/${name}`);
            await page.close();
        }
        strict_1.default.ok(figuresSeen > 0, `${label}: no figure in the whole book`);
        // A solution toggle opens on click.
        const withSolution = pages.find((p) => fs.readFileSync(path.join(dir, p), 'utf8').includes('<details class="solution'));
        strict_1.default.ok(withSolution, `${label}: no page has a solution toggle`);
        {
            const page = await context.newPage();
            const w = watch(page, server.origin);
            await page.goto(`${server.origin}/${withSolution}`);
            const details = page.locator('details.solution').first();
            const body = details.locator('.details-body');
            strict_1.default.equal(await details.evaluate((d) => d.open), false, 'closed at first');
            strict_1.default.equal(await body.isVisible(), false, 'solution hidden at first');
            await details.locator('summary').click();
            strict_1.default.equal(await details.evaluate((d) => d.open), true, 'opens on click');
            strict_1.default.equal(await body.isVisible(), true, 'solution visible after click');
            strict_1.default.deepEqual(w.problems, []);
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
            const hrefs = await hits.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
            strict_1.default.ok(hrefs.some((h) => h.split('#')[0] === target), `${label}: searching "${word}" should list ${target}, got ${hrefs.join(', ')}`);
            strict_1.default.ok(await page.locator('#search-results mark').count() > 0, 'matches are highlighted');
            const hit = hits.filter({ has: page.locator(`xpath=self::*[starts-with(@href, "${target}")]`) }).first();
            await hit.click();
            await page.waitForURL((u) => u.pathname.endsWith(`/${target}`));
            strict_1.default.deepEqual(w.problems, []);
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
            strict_1.default.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark');
            strict_1.default.notEqual(await bg(), light, 'the background changes with the theme');
            await page.reload();
            strict_1.default.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark', 'the choice persists');
            await drawnFigures(page);
            if (shots) {
                const fig = page.locator('.plotly-figure').first();
                if (await fig.count())
                    await fig.scrollIntoViewIfNeeded();
                await page.waitForTimeout(300);
                await page.screenshot({ path: path.join(SHOTS, 'book-dark.png') });
            }
            await page.click('.theme-toggle');
            strict_1.default.deepEqual(w.problems, []);
            await page.close();
            // With no choice stored, the system preference decides.
            const darkContext = await browser.newContext({ colorScheme: 'dark' });
            const darkPage = await darkContext.newPage();
            await darkPage.goto(`${server.origin}/${target}`);
            strict_1.default.notEqual(await darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor), light, 'prefers-color-scheme: dark is followed');
            await darkContext.close();
        }
        // Print: the text column only (no bar, sidebar or pager), solutions opened for the printout.
        {
            const page = await context.newPage();
            await page.goto(`${server.origin}/${withSolution}`);
            await page.emulateMedia({ media: 'print' });
            const hidden = await page.evaluate(() => ['.topbar', '.sidebar', '.pager'].every((sel) => {
                const el = document.querySelector(sel);
                return !el || getComputedStyle(el).display === 'none';
            }));
            strict_1.default.ok(hidden, `${label}: the print stylesheet hides the navigation`);
            await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
            strict_1.default.equal(await page.locator('details.solution:not([open])').count(), 0, 'solutions open for printing');
            await page.close();
        }
        if (shots) {
            const page = await context.newPage();
            await page.goto(`${server.origin}/index.html`);
            await page.screenshot({ path: path.join(SHOTS, 'book-index.png') });
            const chapter = chapterShot ?? pages.find((p) => p !== 'index.html');
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
    }
    finally {
        await context.close();
        await server.close();
    }
}
/** From file:// (no server): pages load, figures draw, nothing is requested outside the book's folder. */
async function checkFileUrls(browser, dir, label) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    try {
        const base = (0, node_url_1.pathToFileURL)(dir).href + '/';
        const withFigure = fs.readdirSync(dir).filter((f) => f.endsWith('.html') && fs.readFileSync(path.join(dir, f), 'utf8').includes('plotly-figure')).sort()[0];
        for (const name of ['index.html', withFigure].filter(Boolean)) {
            const page = await context.newPage();
            const w = watch(page, base);
            await page.goto(base + name);
            const figs = await drawnFigures(page);
            for (const f of figs)
                strict_1.default.ok(f.traces > 0 && f.drawn > 0, `${label} file://${name}: figure ${f.id} not drawn`);
            await page.fill('#search-input', 'the');
            await page.locator('#search-results a.search-hit').first().waitFor({ timeout: 5000 });
            strict_1.default.deepEqual(w.problems, [], `${label} file://${name}`);
            await page.close();
        }
    }
    finally {
        await context.close();
    }
}
(0, node_test_1.test)('the book in headless Chromium: mini-book fixture and the real quick-profile book', { timeout: 900000 }, async (t) => {
    const reason = skipReason();
    if (reason) {
        t.skip(reason);
        return;
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    const fixtureOut = path.join((0, book_helpers_1.tmpDir)('browser'), 'book');
    const cache = (0, book_helpers_1.tmpDir)('cache');
    (0, book_helpers_1.seedCache)(cache, 'fx-demo');
    await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(fixtureOut, cache));
    const browser = await playwright_core_1.chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
        await t.test('mini-book fixture (served)', () => checkBook(browser, fixtureOut, 'mini-book', false));
        await t.test('mini-book fixture (file://)', () => checkFileUrls(browser, fixtureOut, 'mini-book'));
        await t.test('real book, quick profile (served; screenshots)', async (tt) => {
            if (!(0, book_helpers_1.executorAvailable)()) {
                if (process.env.CI)
                    strict_1.default.fail('the notebook executor or its tslab kernel is missing: run `npm run setup`');
                tt.skip('executor/tslab kernel not installed (npm run setup)');
                return;
            }
            await (0, book_helpers_1.buildQuickBook)();
            await checkBook(browser, book_helpers_1.QUICK_BOOK, 'book', true);
            await checkFileUrls(browser, book_helpers_1.QUICK_BOOK, 'book');
        });
    }
    finally {
        await browser.close();
    }
});
