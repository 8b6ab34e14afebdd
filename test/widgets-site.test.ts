// The book build's side of the interactive figures (scripts/bookgen/widgets/site.ts, prepare.ts, the markdown
// directive, bundle.ts): `::: widget` lines are parsed and checked with file:line errors; prepareWidgets makes, from
// models saved beside an executed notebook, each figure's HTML (still, source note, parts), the part scripts and the
// PNG stills; a book build ships the widget bundle only on pages with a widget; plotly is minified once and cached.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { bookData, initBackend } from '../lib/index';
import { buildBook } from '../scripts/bookgen/build';
import { minifiedPlotly } from '../scripts/bookgen/bundle';
import { BookError, createMarkdown, escapeHtml, RenderEnv } from '../scripts/bookgen/markdown';
import { WIDGET_UI } from '../scripts/bookgen/i18n';
import { checkWidgets, prepareWidgets, widgetDirectives, widgetTestDigits, WIDGET_TEST_DIGITS, WidgetChapter } from '../scripts/bookgen/widgets/site';
import { paletteIndices } from '../scripts/bookgen/widgets/prepare';
import { parseWidget, widgetBuild, widgetNames } from '../scripts/bookgen/widgets/registry';
import { parsePartScript, checkNetworkPart } from '../scripts/bookgen/widgets/parts';
import { saveBookModels, smallVae, KEY } from './fixtures/widget-models';
import { fixtureOptions, tmpDir } from './book-helpers';

before(async () => {
  await initBackend();
});

const hooks = { label: () => 'Figure 1', ref: () => ({ href: '', label: '' }), media: () => '' };

function chapter(rel: string, text: string): WidgetChapter {
  const env: RenderEnv = { file: rel, headings: [], sections: [], directive: () => '', link: (h: string) => h, figures: hooks };
  return { rel, base: path.basename(rel, '.md'), href: path.basename(rel, '.md') + '.html', tokens: createMarkdown().parse(text, env) };
}

test('::: widget lines: name, figure id and arguments checked, a caption required, errors name the file and line', () => {
  const ch = chapter('chapters/05.md', '# T\n\ntext\n\n::: widget latent-explorer fig-explorer model=vae-2d\n**Caption.**\n:::\n');
  assert.deepEqual(widgetDirectives(ch.tokens), [{ spec: 'latent-explorer fig-explorer model=vae-2d', line: 5 }]);
  checkWidgets([ch]);
  assert.deepEqual(parseWidget('interpolate fig-i model=vae-20d from=1 to=8', 'x'), { name: 'interpolate', id: 'fig-i', args: { model: 'vae-20d', from: '1', to: '8' }, where: 'x' });
  assert.throws(() => checkWidgets([chapter('chapters/03.md', '# T\n\n::: widget latent-explorere fig-x model=x\nC.\n:::\n')]), (e: Error) =>
    e instanceof BookError && e.message === `chapters/03.md:3: unknown widget "latent-explorere" (known: ${widgetNames().join(', ')})`);
  assert.throws(() => checkWidgets([chapter('chapters/03.md', '# T\n\n::: widget kl-by-hand fig-kl\n:::\n')]), /chapters\/03\.md:3: widget kl-by-hand \(fig-kl\) has no caption/);
  assert.throws(() => parseWidget('kl-by-hand mu=1', 'c.md:2'), /c\.md:2: widget kl-by-hand needs a figure id after its name: "::: widget kl-by-hand fig-some-name …"/);
  assert.throws(() => parseWidget('kl-by-hand fig-k model=x', 'c.md:2'), /c\.md:2: widget kl-by-hand takes mu, sigma, not "model"/);
  assert.throws(() => parseWidget('kl-by-hand fig-k mu', 'c.md:2'), /"mu" is not key=value/);
  assert.throws(() => parseWidget('', 'c.md:2'), /unknown widget ""/);
  const env: RenderEnv = { file: 'c.md', headings: [], sections: [], directive: () => '', link: (h: string) => h, figures: hooks };
  assert.throws(() => createMarkdown().render('::: widget kl-by-hand fig-k\nC.\n:::\n', env), /c\.md:1: interactive figures are not available here/);
});

test('the widgets are the folders of scripts/bookgen/widgets/, each with page.ts and build.ts', () => {
  const names = widgetNames();
  for (const w of ['beta-explorer', 'draw-digit', 'interpolate', 'kl-by-hand', 'latent-explorer']) assert.ok(names.includes(w), w);
  assert.deepEqual(names, [...names].sort());
  const dir = tmpDir('widget-registry');
  fs.mkdirSync(path.join(dir, 'dial'));
  fs.writeFileSync(path.join(dir, 'dial', 'page.ts'), 'export function mount() {}\n');
  fs.writeFileSync(path.join(dir, 'helpers.ts'), '');
  assert.throws(() => widgetNames(dir), (e: Error) => e instanceof BookError && /dial\/: a widget's folder holds page\.ts \(its page code\) and build\.ts \(its build step\); build\.ts missing$/.test(e.message));
  fs.writeFileSync(path.join(dir, 'dial', 'build.ts'), "export const widget = { args: ['turns'], prepare: () => ({ parts: {}, config: {}, still: '', source: '' }) };\n");
  assert.deepEqual(widgetNames(dir), ['dial']);
  assert.deepEqual(widgetBuild('dial', dir)?.args, ['turns']);
  assert.equal(widgetBuild('nothing', dir), undefined);
  fs.mkdirSync(path.join(dir, 'Bad_Name'));
  for (const f of ['page.ts', 'build.ts']) fs.writeFileSync(path.join(dir, 'Bad_Name', f), '');
  assert.throws(() => widgetNames(dir), /Bad_Name\/: a widget's name is lower-case letters, digits and hyphens/);
});

test('paletteIndices: the first n of each class, in class order', () => {
  assert.deepEqual(paletteIndices([3, 0, 1, 0, 3, 1, 0], 2, 4), [1, 3, 2, 5, 0, 4]);
});

test('prepareWidgets: every figure from the models of the build’s executions, with its parts, still and source', async () => {
  const v2 = await smallVae(2);
  const v20 = await smallVae(20);
  const b0 = await smallVae(4, 1);
  const saved = await saveBookModels({ 'vae-2d': v2, 'vae-20d': v20, 'beta-0': b0, 'beta-2': b0 }, 'gen');
  const chapters = [
    chapter('chapters/03.md', '# Three\n\n::: widget kl-by-hand fig-kl mu=0.5 sigma=2\nKL.\n:::\n\n::: widget draw-digit fig-draw model=vae-2d\nDraw.\n:::\n'),
    chapter('chapters/04.md', '# Four\n\n::: widget beta-explorer fig-beta models=beta-*\nSweep.\n:::\n'),
    chapter('chapters/05.md', '# Five\n\n::: widget latent-explorer fig-explorer model=vae-2d\nA.\n:::\n\n::: widget interpolate fig-interp model=vae-20d from=2 to=7\nB.\n:::\n'),
    chapter('chapters/06.md', '# Six, no widget\n'),
  ];
  const tensors = tf.memory().numTensors;
  const site = await prepareWidgets(chapters, saved.executedFiles);
  assert.equal(tf.memory().numTensors, tensors, 'every model and tensor of the preparation is freed');
  assert.deepEqual([...site.pages].sort(), ['03.html', '04.html', '05.html']);
  const html = (file: string, line: number) => site.render(file, { spec: '', line }, 'open') + site.render(file, { spec: '', line }, 'close');
  const draw = html('chapters/03.md', 7);
  assert.match(draw, /^<figure class="widget widget-draw-digit" id="fig-draw" data-widget="draw-digit"/);
  assert.match(draw, /<div class="widget-live" hidden><\/div>\n<figcaption>\n<details class="build-notes"><summary>How this was built<\/summary>\n<div class="details-body">\n<p class="widget-source">[^\n]*\n<\/div>\n<\/details>\n<\/figcaption>\n<\/figure>\n$/);
  assert.match(draw, /<div class="widget-still"><div class="widget-row"><div class="widget-plane"><svg class="plane"/);
  assert.match(draw, /saved by <a href="notebooks\/gen\.ipynb">gen\.ipynb<\/a> in the run whose outputs the book shows \(profile quick, execution <code>abcdef01<\/code>\)/);
  assert.match(draw, /weights stored as 8-bit levels, one range per input unit of each layer \(decoded pixels within (0\.0\d\d|\d\.\d × 10<sup>−\d+<\/sup>) of the trained model's over 2,000 test codes/);
  const parts = JSON.parse(/data-parts="([^"]*)"/.exec(draw)![1].replace(/&quot;/g, '"')) as Record<string, { id: string; src: string }>;
  assert.deepEqual(Object.keys(parts).sort(), ['codes', 'decoder', 'digits', 'encoder']);
  for (const [name, ref] of Object.entries(parts)) {
    assert.match(ref.src, new RegExp(`^assets/models/gen\\.${KEY.slice(0, 16)}/vae-2d\\.${name}\\.js$`));
    const file = site.files.get(ref.src);
    assert.ok(file, `${ref.src} is written`);
    const { id, payload } = parsePartScript(file.toString('utf8'));
    assert.equal(id, ref.id);
    if (name === 'encoder' || name === 'decoder') checkNetworkPart(payload, 'vae-2d', name);
  }
  // The latent explorer on another page shares the very same decoder file.
  const explorer = html('chapters/05.md', 3);
  assert.ok(explorer.includes(parts.decoder.src), 'one decoder file for both pages');
  assert.match(html('chapters/05.md', 7), /data-config="\{&quot;model&quot;:&quot;vae-20d&quot;,&quot;a&quot;:4,&quot;b&quot;:14\}"/);
  const kl = html('chapters/03.md', 3);
  assert.match(kl, /data-parts="\{\}"/);
  assert.match(kl, /KL\(q ‖ p\) = ½ \(0\.250 \+ 4\.000 − \(1\.386\) − 1\) = 0\.932 nats/);
  const beta = html('chapters/04.md', 3);
  const cfg = JSON.parse(/data-config="([^"]*)"/.exec(beta)![1].replace(/&quot;/g, '"'));
  assert.deepEqual(cfg.views.map((v: { beta: number }) => v.beta), [0, 2]);
  for (const v of cfg.views) {
    assert.ok(site.files.has(v.samples) && site.files.has(v.reconstructions), 'PNG stills are written');
    assert.equal(v.activity.length, 4);
  }
  assert.equal((beta.match(/<tr><th scope="row">β = /g) ?? []).length, 2, 'the still lists every β');
  // The same figures on a Chinese page: stills and notes in the words of WIDGET_UI.zh, none of the English table's.
  const zh = (id: string) => site.renderFigure(id, 'open', 'zh') + site.renderFigure(id, 'close', 'zh');
  assert.equal(site.renderFigure('fig-draw', 'open', 'en') + site.renderFigure('fig-draw', 'close', 'en'), draw, 'by id, the same English figure');
  const zhDraw = zh('fig-draw');
  assert.match(zhDraw.slice(-2000), /<details class="build-notes"><summary>构建记录<\/summary>/);
  assert.match(zhDraw.slice(-2000), /<p class="widget-source">模型：<code>vae-2d<\/code>，由 <a href="notebooks\/gen\.ipynb">gen\.ipynb<\/a> 在本书所显示输出的那次运行中保存（配置 quick，执行 <code>abcdef01<\/code>）。编码器和解码器在本页中运行，权重以 8 位量化级/);
  assert.match(zh('fig-kl').slice(-2000), /时：KL\(q ‖ p\) = ½ \(0\.250 \+ 4\.000 − \(1\.386\) − 1\) = 0\.932 奈特/);
  assert.match(zh('fig-beta').slice(0, 2000), /<thead><tr><th>β<\/th><th>样本<\/th><th>测试数字及其重构<\/th><th>活跃单元<\/th><\/tr><\/thead>/);
  assert.match(zh('fig-interp').slice(0, 2000), /从一个测试 2 到一个测试 7：lerp（上行）与 slerp（下行）。/);
  const english = Object.values(WIDGET_UI.en).filter((v): v is string => typeof v === 'string' && /[a-z]{3,} [a-z]{2,}/.test(v));
  for (const id of ['fig-kl', 'fig-draw', 'fig-beta', 'fig-explorer', 'fig-interp']) {
    const page = zh(id);
    assert.ok(!/How this was built|saved by|weights stored as|test digits|nats/.test(page), `${id}: no English words on the Chinese page`);
    for (const e of english) assert.ok(!page.includes(escapeHtml(e)), `${id}: "${e}" on the Chinese page`);
  }
  assert.throws(() => site.render('chapters/03.md', { spec: '', line: 99 }, 'open'), /chapters\/03\.md:99: widget was not prepared/);
  for (const f of site.files.keys()) assert.match(f, /^assets\/(models\/.*\.js|img\/[0-9a-f]{16}\.png)$/);

  await assert.rejects(prepareWidgets([chapter('chapters/05.md', '# F\n\n::: widget latent-explorer fig-x model=vae-20d\n:::\n')], saved.executedFiles),
    /chapters\/05\.md:3: model "vae-20d" has latentDim 20; this figure draws the 2-D plane/);
  await assert.rejects(prepareWidgets([chapter('chapters/05.md', '# F\n\n::: widget interpolate fig-x model=vae-3d\n:::\n')], saved.executedFiles),
    /chapters\/05\.md:3: no executed notebook of this build saved a model "vae-3d"/);
  for (const m of [v2, v20, b0]) m.dispose();
});

test('a decoder that 8-bit levels would change visibly is stored finer, and the build log says so', async () => {
  const vae = await smallVae(2);
  const weights = vae.decoder.getWeights(); // z → hidden kernel, bias, hidden → pixels kernel (quantized), bias
  const w = weights[2].arraySync() as number[][];
  for (const row of w) row[0] = 1000; // an outlier in every row stretches the 8-bit levels of each
  weights[2] = tf.tensor2d(w);
  vae.decoder.setWeights(weights);
  const saved = await saveBookModels({ 'vae-2d': vae }, 'outlier');
  const logs: string[] = [];
  const site = await prepareWidgets([chapter('chapters/05.md', '# F\n\n::: widget latent-explorer fig-x model=vae-2d\n:::\n')], saved.executedFiles, { log: (m) => logs.push(m) });
  assert.ok(logs.some((l) => /^vae-2d: with weights stored as uint8, decoded test digits differ from the trained model's by up to [\d.]+ \(> 0\.05\); storing them as uint16$/.test(l)), logs.join('\n'));
  const html = site.render('chapters/05.md', { spec: '', line: 3 }, 'open') + site.render('chapters/05.md', { spec: '', line: 3 }, 'close');
  const max = /and (\S+) at most/.exec(html)?.[1] ?? '';
  assert.match(html, /weights stored as (16-bit levels|half precision|full precision)/);
  assert.ok(Number(max) <= 0.05 || max.includes('10<sup>'), `the stored model decodes within the limit (${max})`);
  vae.dispose();
});

test('a book build names the widget bundle on pages with a widget only; the bundle holds the runtime and TF.js', async () => {
  const chapters = tmpDir('widget-chapters');
  fs.writeFileSync(path.join(chapters, 'index.md'), '# Widget book\n');
  fs.writeFileSync(path.join(chapters, '01-kl.md'), '# KL\n\nAs @fig-kl shows:\n\n::: widget kl-by-hand fig-kl\n**KL by hand.** Drag.\n:::\n');
  fs.writeFileSync(path.join(chapters, '02-plain.md'), '# Plain\n\nNo figure here.\n');
  const out = path.join(tmpDir('widget-out'), 'book');
  await buildBook(fixtureOptions(out, tmpDir('widget-cache'), { chaptersDir: chapters }));
  const kl = fs.readFileSync(path.join(out, '01-kl.html'), 'utf8');
  const plain = fs.readFileSync(path.join(out, '02-plain.html'), 'utf8');
  assert.ok(!kl.includes('<script src="assets/widgets.js"'), 'the bundle is not loaded with the page (book.js loads it when a widget nears the viewport)');
  assert.match(kl, /<figure class="widget widget-kl-by-hand" id="fig-kl"[^>]* data-bundle="assets\/widgets\.js">/, 'the figure names the bundle');
  assert.ok(!plain.includes('widgets.js'), 'a page without widgets does not name the bundle');
  assert.match(kl, /<figure class="widget widget-kl-by-hand" id="fig-kl"/);
  assert.match(kl, /<figcaption>\n<p><span class="figure-label">Figure 1\.1\.<\/span> <strong>KL by hand\.<\/strong> Drag\.<\/p>\n<details class="build-notes"><summary>How this was built<\/summary>\n<div class="details-body">\n<p class="widget-source">[^\n]*\n<\/div>\n<\/details>\n<\/figcaption>\n<\/figure>/);
  assert.match(kl, /As <a class="figure-ref" href="#fig-kl">Figure 1\.1<\/a> shows/);
  const bundle = fs.readFileSync(path.join(out, 'assets', 'widgets.js'), 'utf8');
  assert.ok(bundle.length > 300_000 && bundle.length < 1_000_000, `bundle ${bundle.length} bytes`);
  assert.ok(bundle.includes('VAE_BOOK_WIDGETS'), 'the runtime');
  for (const w of widgetNames()) assert.ok(bundle.includes(`./${w}/page.ts`), `the bundle holds ${w}'s page code`);
  assert.ok(bundle.includes('backendName:"cpu"'), 'the cpu backend’s kernels');
  assert.ok(!bundle.includes('backendName:"webgl"') && !bundle.includes('backendName:"wasm"'), 'no WebGL or wasm backend (widgets/tf.ts)');
  assert.ok(!fs.existsSync(path.join(out, 'assets', 'plotly.js')), 'no figure, no plotly');
});

test('plotly is minified once and then read from the cache', async () => {
  const cache = tmpDir('plotly-cache');
  const t0 = Date.now();
  const a = await minifiedPlotly(path.resolve(__dirname, '..'), cache);
  const first = Date.now() - t0;
  const files = fs.readdirSync(cache);
  assert.equal(files.length, 1);
  assert.match(files[0], /^plotly\.js-dist-\d+\.\d+\.\d+\.esbuild-\d+\.\d+\.\d+\.min\.js$/);
  assert.ok(a.length < 6_000_000 && a.length > 2_000_000, `minified ${a.length} bytes`);
  fs.writeFileSync(path.join(cache, files[0]), 'cached');
  assert.equal((await minifiedPlotly(path.resolve(__dirname, '..'), cache)).toString(), 'cached', 'the second call reads the cache');
  assert.ok(first > 0);
});

test('the widgets show held-out digits of the build\'s profile: the first 2,000 of the full MNIST test set, all 250 quick ones', () => {
  const full = widgetTestDigits('full');
  const { train, test } = bookData('full');
  assert.equal(full.size, WIDGET_TEST_DIGITS);
  assert.deepEqual(Array.from(full.labels), Array.from(test.labels.slice(0, WIDGET_TEST_DIGITS)));
  assert.deepEqual(Array.from(full.images.slice(0, 784 * 3)), Array.from(test.images.slice(0, 784 * 3)));
  // Not training digits: none of the first hundred is a copy of any of the first thousand training digits.
  const key = (images: Float32Array, i: number) => images.slice(784 * i, 784 * (i + 1)).join(',');
  const seen = new Set(Array.from({ length: 1000 }, (_, i) => key(train.images, i)));
  assert.ok(Array.from({ length: 100 }, (_, i) => key(full.images, i)).every((k) => !seen.has(k)));
  assert.equal(widgetTestDigits('quick').size, bookData('quick').test.size);
});
