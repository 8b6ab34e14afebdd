// The interactive figures of the quick-profile book in headless Chromium (issue 16), served locally and opened from
// file://: the latent explorer decodes the point under the pointer, with the pixels the library decodes in Node from
// the same part file; a mouse stroke on draw-a-digit gives a finite ELBO and a reconstruction, and so does a touch
// stroke; the KL slider's number is the closed form; interpolation and the β explorer respond; no console error, no
// request outside the book. At 390 px: plotly legends below the plot, no toolbar, titles wrapped, no tick labels
// overlapping, nothing wider than the screen. Without JavaScript and in print every figure shows its still (widgets
// and plotly figures alike). Screenshots: test-output/widget-<name>-{light,dark,390}.png.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { initBackend, decoderFromArtifacts, decodeLatents } from '../lib/index';
import type { LatentDecoder } from '../lib/index';
import { buildQuickBook, QUICK_BOOK, ROOT, serve } from './book-helpers';
import { ARGS, CHROMIUM, drawnFigures, quickBookSkipReason, watch, widgetReady } from './browser-helpers';
import { checkNetworkPart, networkArtifacts, parsePartScript, base64ToFloat32 } from '../scripts/bookgen/widgets/parts';
import { codeAt, codeOf, Method } from '../scripts/bookgen/widgets/latent-path';
import type { DigitsPart } from '../scripts/bookgen/widgets/parts';
import { widgetNames } from '../scripts/bookgen/widgets/registry';

const SHOTS = path.join(ROOT, 'test-output');
/** A widget's name: its folder in scripts/bookgen/widgets/ and its figure's class, widget-NAME. */
type WidgetName = string;

/** Each widget the built book shows, with its page, read from the pages; every widget of the registry is among them. */
function widgetPages(bookDir: string): [WidgetName, string][] {
  const out: [WidgetName, string][] = [];
  for (const file of fs.readdirSync(bookDir).filter((f) => f.endsWith('.html')).sort()) {
    for (const m of fs.readFileSync(path.join(bookDir, file), 'utf8').matchAll(/<figure class="widget widget-([a-z0-9-]+)"/g)) out.push([m[1], file]);
  }
  assert.deepEqual([...new Set(out.map(([w]) => w))].sort(), widgetNames(), 'the book shows every widget of scripts/bookgen/widgets/');
  return out;
}

before(async () => {
  await initBackend();
});

/** A part of the built book as the page loads it, read back in Node. */
function bookPart(bookDir: string, page: string, widget: WidgetName, name: string): unknown {
  const html = fs.readFileSync(path.join(bookDir, page), 'utf8');
  const fig = new RegExp(`<figure class="widget widget-${widget}"[^>]*data-parts="([^"]*)"`).exec(html);
  assert.ok(fig, `${page} has a ${widget}`);
  const parts = JSON.parse(fig[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Record<string, { id: string; src: string }>;
  const { id, payload } = parsePartScript(fs.readFileSync(path.join(bookDir, parts[name].src), 'utf8'));
  assert.equal(id, parts[name].id);
  return payload;
}

async function pageDecoder(bookDir: string, page: string, widget: WidgetName, model: string): Promise<LatentDecoder> {
  const part = checkNetworkPart(bookPart(bookDir, page, widget, 'decoder'), model, 'decoder');
  return decoderFromArtifacts(part.manifest, networkArtifacts(part), model);
}

const lastDecode = (page: Page, widget: WidgetName) =>
  page.evaluate((w) => Array.from((document.querySelector(`figure.widget-${w}`) as unknown as { lastDecode: Float32Array }).lastDecode), widget);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Pointer over the plane at two places: the decoded digit changes, and matches Node's decode of the same z. */
async function checkExplorer(page: Page, dec: LatentDecoder): Promise<void> {
  await widgetReady(page, 'latent-explorer');
  const box = (await centred(page.locator('figure.widget-latent-explorer .widget-live svg.plane')))!;
  const seen: number[][] = [];
  for (const [fx, fy] of [[0.35, 0.4], [0.7, 0.65]]) {
    const before = await page.locator('figure.widget-latent-explorer').getAttribute('data-z');
    await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
    await page.waitForFunction((b) => document.querySelector<HTMLElement>('figure.widget-latent-explorer')!.dataset.z !== b, before);
    const z = (await page.locator('figure.widget-latent-explorer').getAttribute('data-z'))!.split(',').map(Number) as [number, number];
    const pixels = await lastDecode(page, 'latent-explorer');
    const node = decodeLatents(dec, z);
    assert.ok(maxDiff(pixels, node) < 1e-4, `explorer at z = ${z}: browser and Node decodes differ by ${maxDiff(pixels, node)}`);
    // The canvas shows those pixels (8-bit grey).
    const grey = await page.locator('figure.widget-latent-explorer canvas.digit-large').evaluate((c: HTMLCanvasElement) =>
      Array.from(c.getContext('2d')!.getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0)));
    assert.ok(maxDiff(grey, Array.from(node, (v) => Math.round(v * 255))) <= 1, 'the canvas holds the decoded pixels');
    seen.push(pixels);
  }
  assert.ok(maxDiff(seen[0], seen[1]) > 0.05, 'moving the pointer changes the decoded image');
  // No tensor outlives a decode: the count is the same after many more moves.
  const before = await tensors(page);
  for (let i = 0; i < 30; i++) await page.mouse.move(box.x + (0.2 + 0.02 * i) * box.width, box.y + 0.5 * box.height);
  await nextFrames(page);
  assert.equal(await tensors(page), before, 'tensors stay flat over pointer moves');
  // A drag leaves a trail of decoded digits.
  await page.mouse.move(box.x + 0.3 * box.width, box.y + 0.3 * box.height);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + (0.3 + 0.04 * i) * box.width, box.y + (0.3 + 0.04 * i) * box.height);
  await page.mouse.up();
  assert.ok(await page.locator('figure.widget-latent-explorer .widget-trail-digits canvas').count() >= 3, 'the drag left a trail');
}

/** A stroke of mouse events on the pad: finite terms and a non-blank reconstruction. */
async function checkDraw(page: Page): Promise<void> {
  await widgetReady(page, 'draw-digit');
  const fig = page.locator('figure.widget-draw-digit');
  await fig.locator('button', { hasText: 'Clear' }).click();
  await nextFrames(page);
  const pad = (await centred(fig.locator('canvas.draw-pad')))!;
  const before = await fig.getAttribute('data-recon');
  await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * (0.2 + 0.05 * i));
  await page.mouse.up();
  await page.waitForFunction((b) => document.querySelector<HTMLElement>('figure.widget-draw-digit')!.dataset.recon !== b, before);
  const recon = Number(await fig.getAttribute('data-recon'));
  const kl = Number(await fig.getAttribute('data-kl'));
  assert.ok(Number.isFinite(recon) && recon > 0, `reconstruction term ${recon}`);
  assert.ok(Number.isFinite(kl) && kl >= 0, `KL ${kl}`);
  assert.equal(await fig.locator('.term-nelbo').textContent(), (recon + kl).toFixed(1));
  const brightest = (i: number) => fig.locator('.widget-pair canvas').nth(i).evaluate((c: HTMLCanvasElement) =>
    Math.max(...Array.from(c.getContext('2d')!.getImageData(0, 0, 28, 28).data.filter((_, k) => k % 4 === 0))));
  assert.equal(await brightest(0), 255, 'the stroke reached the encoder input');
  assert.ok((await brightest(1)) > 60, `the reconstruction is not blank (brightest pixel ${await brightest(1)})`);
  // A second stroke leaves no tensor behind.
  const alive = await tensors(page);
  const again = await fig.getAttribute('data-recon');
  await page.mouse.move(pad.x + pad.width * 0.3, pad.y + pad.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(pad.x + pad.width * (0.3 + 0.05 * i), pad.y + pad.height * 0.5);
  await page.mouse.up();
  await page.waitForFunction((b) => document.querySelector<HTMLElement>('figure.widget-draw-digit')!.dataset.recon !== b, again);
  assert.equal(await tensors(page), alive, 'tensors stay flat over strokes');
}

/** Scrolls an element to the middle of the screen (clear of the sticky top bar) and returns its box. */
async function centred(loc: Locator): Promise<{ x: number; y: number; width: number; height: number } | null> {
  await loc.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  return loc.boundingBox();
}

/** TF.js tensors alive in the page's bundle. */
const tensors = (page: Page) => page.evaluate(() => (window as unknown as { VAE_BOOK_WIDGETS: { numTensors(): number } }).VAE_BOOK_WIDGETS.numTensors());

/** Lets two animation frames pass (widgets redraw on the next frame). */
const nextFrames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

/** A stroke of real touch events (Chromium's own touch input through CDP). */
async function touchStroke(page: Page, x0: number, y0: number, x1: number, y1: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y: y0 }] });
  for (let i = 1; i <= 8; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x0 + ((x1 - x0) * i) / 8, y: y0 + ((y1 - y0) * i) / 8 }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** The KL slider: the number shown is the closed form ½(μ² + σ² − log σ² − 1) of the sliders' values. */
async function checkKl(page: Page): Promise<void> {
  await widgetReady(page, 'kl-by-hand');
  const fig = page.locator('figure.widget-kl-by-hand');
  for (const [mu, sigma] of [[-1.5, 0.3], [2, 2.5], [0, 1]]) {
    await fig.locator('input[type=range]').nth(0).fill(String(mu));
    await fig.locator('input[type=range]').nth(1).fill(String(sigma));
    const closed = 0.5 * (mu * mu + sigma * sigma - Math.log(sigma * sigma) - 1);
    assert.equal(Number(await fig.getAttribute('data-mu')), mu);
    assert.equal(Number(await fig.getAttribute('data-sigma')), sigma);
    assert.ok(Math.abs(Number(await fig.getAttribute('data-kl')) - closed) < 1e-5 * Math.max(1, closed), `KL at μ ${mu}, σ ${sigma}`);
    assert.equal(await fig.locator('.kl-value').textContent(), closed.toFixed(3));
  }
}

/** Interpolate: pick the ends, move the slider; the decode is Node's decode of the same path point. */
async function checkInterpolate(page: Page, dec: LatentDecoder, digits: DigitsPart): Promise<void> {
  await widgetReady(page, 'interpolate');
  const fig = page.locator('figure.widget-interpolate');
  await fig.locator('button[data-end=a]').click();
  await fig.locator('.digit-pick').nth(0).click(); // start: the first test 0
  await fig.locator('.digit-pick').nth(6).click(); // end: the first test 3
  await fig.locator('input[value=lerp]').check();
  await fig.locator('input[type=range]').fill('0.3');
  const codes = base64ToFloat32(digits.codes);
  const expect = (t: number, m: Method) => decodeLatents(dec, codeAt(codeOf(codes, digits.latentDim, 0), codeOf(codes, digits.latentDim, 6), t, m));
  const a = await lastDecode(page, 'interpolate');
  assert.ok(maxDiff(a, expect(0.3, 'lerp')) < 1e-4, `lerp at t = 0.3: ${maxDiff(a, expect(0.3, 'lerp'))}`);
  await fig.locator('input[value=slerp]').check();
  await fig.locator('input[type=range]').fill('0.8');
  const b = await lastDecode(page, 'interpolate');
  assert.ok(maxDiff(b, expect(0.8, 'slerp')) < 1e-4, 'slerp at t = 0.8');
  assert.ok(maxDiff(a, b) > 0.05, 'the slider changes the decoded image');
  assert.equal(await fig.locator('.widget-strip canvas').count(), 10);
}

async function checkBeta(page: Page): Promise<void> {
  await widgetReady(page, 'beta-explorer');
  const fig = page.locator('figure.widget-beta-explorer');
  const slider = fig.locator('input[type=range]');
  const max = Number(await slider.getAttribute('max'));
  assert.ok(max >= 1, 'at least two models in the sweep');
  const samples = fig.locator('.widget-live img').first();
  const src0 = await samples.getAttribute('src');
  await slider.fill(String(max));
  assert.notEqual(await samples.getAttribute('src'), src0, 'another β shows other samples');
  assert.match((await fig.locator('.beta-summary').textContent())!, /^β = [\d.]+: reconstruction [\d.]+ nats, KL [\d.]+ nats, \d+ of \d+ units active$/);
  const loaded = await fig.locator('.widget-live img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
  assert.ok(loaded, 'the images load');
}

async function shot(page: Page, widget: WidgetName, file: string): Promise<void> {
  const fig = page.locator(`figure.widget-${widget}`);
  await fig.scrollIntoViewIfNeeded();
  await page.waitForTimeout(150);
  await fig.screenshot({ path: path.join(SHOTS, file) });
}

/** At 390 px: legend below the plot, no toolbar, a wrapped title, no overlapping tick labels, nothing wider than the screen. */
async function checkNarrowFigures(page: Page, label: string): Promise<number> {
  const figs = await drawnFigures(page);
  type Box = { left: number; right: number; top: number; bottom: number };
  const report = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.plotly-figure')).map((d) => {
    const r = d.getBoundingClientRect();
    const plot = d.querySelector('.nsewdrag')?.getBoundingClientRect();
    const legend = d.querySelector('.legend')?.getBoundingClientRect();
    const title = d.previousElementSibling as HTMLElement | null;
    const modebar = d.querySelector('.modebar-container');
    return {
      id: d.id,
      right: r.right,
      legendBelow: !legend || !plot || legend.top >= plot.bottom - 0.5,
      modebar: !!modebar && getComputedStyle(modebar).display !== 'none' && modebar.getBoundingClientRect().height > 0,
      svgTitle: (d.querySelector('.gtitle')?.textContent ?? '').length,
      htmlTitle: title?.classList.contains('plotly-title') ? { visible: !title.hidden, fits: title.scrollWidth <= title.clientWidth + 1 } : null,
      ticks: ['.xtick text', '.ytick text'].map((sel) => Array.from(d.querySelectorAll(sel)).map((t) => t.getBoundingClientRect())
        .filter((b) => b.width > 0).map((b) => ({ left: b.left, right: b.right, top: b.top, bottom: b.bottom }))),
    };
  }));
  const overlap = (boxes: Box[]) => boxes.some((a, i) => boxes.slice(i + 1).some((b) =>
    a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5));
  for (const f of report) {
    assert.ok(f.legendBelow, `${label} ${f.id}: the legend sits below the plot`);
    assert.equal(f.modebar, false, `${label} ${f.id}: the toolbar is hidden`);
    assert.equal(f.svgTitle, 0, `${label} ${f.id}: no plotly title (it would not wrap)`);
    if (f.htmlTitle) assert.deepEqual(f.htmlTitle, { visible: true, fits: true }, `${label} ${f.id}: the title wraps within the figure`);
    assert.ok(!f.ticks.some(overlap), `${label} ${f.id}: tick labels overlap`);
    assert.ok(f.right <= 390 + 0.5, `${label} ${f.id}: wider than the screen`);
  }
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= 390, `${label}: the page scrolls sideways (${scrollWidth} px)`);
  return figs.length;
}

async function newPage(context: BrowserContext, origin: string): Promise<{ page: Page; problems: () => string[] }> {
  const page = await context.newPage();
  const w = watch(page, origin);
  return { page, problems: () => w.problems };
}

async function checkAll(browser: Browser, base: string, origin: string, label: string, shots: boolean): Promise<void> {
  const dec2 = await pageDecoder(QUICK_BOOK, '05-generation.html', 'latent-explorer', 'vae-2d');
  const dec20 = await pageDecoder(QUICK_BOOK, '05-generation.html', 'interpolate', 'vae-20d');
  const digits = bookPart(QUICK_BOOK, '05-generation.html', 'interpolate', 'digits') as DigitsPart;
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    try {
      for (const file of [...new Set(widgetPages(QUICK_BOOK).map(([, f]) => f))]) {
        const { page, problems } = await newPage(context, origin);
        await page.goto(base + file);
        // The Chinese edition's pages (NAME.zh.html) hold the same widgets: each must run there too (below); the
        // interactions are checked once, on the English page.
        if (scheme === 'light' && !file.endsWith('.zh.html')) {
          if (file === '03-vae.html') {
            await checkKl(page);
            await checkDraw(page);
          } else if (file === '04-training.html') {
            await checkBeta(page);
          } else {
            await checkExplorer(page, dec2);
            await checkInterpolate(page, dec20, digits);
          }
        }
        for (const [w, f] of widgetPages(QUICK_BOOK)) {
          if (f !== file) continue;
          await widgetReady(page, w);
          if (shots) await shot(page, w, `widget-${w}-${scheme}.png`);
        }
        assert.deepEqual(problems(), [], `${label} ${scheme} ${file}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
  }
  dec2.dispose();
  dec20.dispose();
}

/** Without JavaScript, and in print with the widgets running, each figure shows its still and not its live part. */
async function checkStills(browser: Browser, base: string, label: string): Promise<void> {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  try {
    for (const file of [...new Set(widgetPages(QUICK_BOOK).map(([, f]) => f))]) {
      const page = await noJs.newPage();
      await page.goto(base + file);
      const figs = page.locator('figure.widget');
      for (let i = 0; i < (await figs.count()); i++) {
        assert.equal(await figs.nth(i).locator('.widget-still').isVisible(), true, `${label} ${file}: still shown without JavaScript`);
        assert.equal(await figs.nth(i).locator('.widget-live').isVisible(), false);
        const images = await figs.nth(i).locator('.widget-still img, .widget-still svg').count();
        assert.ok(images > 0, `${label} ${file}: the still has a picture`);
      }
      // The plotly figures too: their build-time drawings.
      const plots = await page.locator('.plotly-figure').count();
      assert.equal(await page.locator('.plotly-still svg').count(), plots, `${label} ${file}: a still for every plot`);
      assert.equal(await page.locator('.plotly-still svg:not(:has(.trace, .markers, .heatmap-cells, .heatmap-image))').count(), 0, `${label} ${file}: every still draws its data`);
      if (plots) assert.equal(await page.locator('.plotly-still svg').first().isVisible(), true);
      await page.close();
    }
  } finally {
    await noJs.close();
  }
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let plotlyAsked = false;
    page.on('request', (r) => { plotlyAsked ||= r.url().endsWith('/assets/plotly.js'); });
    await page.goto(base + '05-generation.html');
    await widgetReady(page, 'latent-explorer');
    assert.ok(await page.locator('.plotly-still').count() > 0, `${label}: the stills stay until a reader reaches for a figure`);
    assert.equal(plotlyAsked, false, `${label}: plotly.js is not loaded before a reader reaches for a figure`);
    await drawnFigures(page);
    assert.equal(plotlyAsked, true);
    assert.equal(await page.locator('.plotly-still').count(), 0, `${label}: plotly replaced every still it drew`);
    await page.emulateMedia({ media: 'print' });
    const fig = page.locator('figure.widget-latent-explorer');
    assert.equal(await fig.locator('.widget-still').isVisible(), true, `${label}: print shows the still`);
    assert.equal(await fig.locator('.widget-live').isVisible(), false, `${label}: print hides the live widget`);
  } finally {
    await context.close();
  }
}

async function checkPhone(browser: Browser, base: string, origin: string, label: string, shots: boolean): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  try {
    let figures = 0;
    for (const file of [...new Set(['02-autoencoder.html', ...widgetPages(QUICK_BOOK).map(([, f]) => f)])]) {
      const { page, problems } = await newPage(context, origin);
      await page.goto(base + file);
      figures += await checkNarrowFigures(page, `${label} 390 px ${file}`);
      if (file === '03-vae.html') {
        // A touch stroke on the pad, and a tap on the plane of nothing but touch.
        await widgetReady(page, 'draw-digit');
        const fig = page.locator('figure.widget-draw-digit');
        await fig.locator('button', { hasText: 'Clear' }).tap();
        await nextFrames(page);
        const pad = (await centred(fig.locator('canvas.draw-pad')))!;
        const before = await fig.getAttribute('data-recon');
        await touchStroke(page, pad.x + pad.width * 0.3, pad.y + pad.height * 0.3, pad.x + pad.width * 0.7, pad.y + pad.height * 0.75);
        await page.waitForFunction((b) => document.querySelector<HTMLElement>('figure.widget-draw-digit')!.dataset.recon !== b, before);
        assert.ok(Number.isFinite(Number(await fig.getAttribute('data-recon'))), 'a touch stroke gives a finite reconstruction term');
      }
      if (file === '05-generation.html') {
        await widgetReady(page, 'latent-explorer');
        const fig = page.locator('figure.widget-latent-explorer');
        const box = (await centred(fig.locator('.widget-live svg.plane')))!;
        const before = await fig.getAttribute('data-z');
        await touchStroke(page, box.x + box.width * 0.3, box.y + box.height * 0.3, box.x + box.width * 0.6, box.y + box.height * 0.6);
        await page.waitForFunction((b) => document.querySelector<HTMLElement>('figure.widget-latent-explorer')!.dataset.z !== b, before);
        assert.ok(await fig.locator('.widget-trail-digits canvas').count() >= 1, 'a touch drag leaves a trail');
      }
      for (const [w, f] of widgetPages(QUICK_BOOK)) {
        if (f !== file) continue;
        await widgetReady(page, w);
        const fit = await page.locator(`figure.widget-${w}`).evaluate((e) => ({ right: e.getBoundingClientRect().right, overflow: e.scrollWidth - e.clientWidth }));
        assert.ok(fit.right <= 390, `${w} fits the screen (${fit.right})`);
        assert.ok(fit.overflow <= 1, `${w}: its content overflows it by ${fit.overflow} px`);
        if (shots) {
          await page.addStyleTag({ content: '.topbar { position: static !important; }' });
          await shot(page, w, `widget-${w}-390.png`);
        }
      }
      assert.deepEqual(problems(), [], `${label} 390 px ${file}`);
      await page.close();
    }
    assert.ok(figures > 0, 'the 390 px checks saw plotly figures');
  } finally {
    await context.close();
  }
}

test('the interactive figures of the quick-profile book in headless Chromium, served and from file://', { timeout: 900_000 }, async (t) => {
  const reason = quickBookSkipReason();
  if (reason) {
    t.skip(reason);
    return;
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  await buildQuickBook();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const server = await serve(QUICK_BOOK);
    try {
      await t.test('served: every widget, light and dark, with screenshots', () => checkAll(browser, `${server.origin}/`, server.origin, 'served', true));
      await t.test('served at 390 px with touch: figures readable, widgets fit and take touch', () => checkPhone(browser, `${server.origin}/`, server.origin, 'served', true));
      await t.test('served without JavaScript and in print: the stills', () => checkStills(browser, `${server.origin}/`, 'served'));
    } finally {
      await server.close();
    }
    const base = pathToFileURL(QUICK_BOOK).href + '/';
    await t.test('from file://: every widget loads its parts with <script> and runs', () => checkAll(browser, base, base, 'file://', false));
  } finally {
    await browser.close();
  }
});
