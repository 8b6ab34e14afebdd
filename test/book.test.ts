// The book build: the mini-book fixture from cached executions (links, math, figures, outputs, solutions,
// search index, determinism, failures that leave the previous book alone, errors naming chapter and line), the
// real executor on the fixture notebooks, and the real book in the quick profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBook, defaultOptions } from '../scripts/bookgen/build';
import { cacheKey, cachePath, Notebook } from '../scripts/bookgen/notebooks';
import {
  buildQuickBook, checkLinks, executorAvailable, FIXTURE, fixtureOptions, plumbingIn, QUICK_BOOK, ROOT, seedCache, snapshot, tmpDir,
} from './book-helpers';

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

/** assert.match without dumping a whole HTML page into the failure message. */
function has(html: string, re: RegExp, what?: string): void {
  assert.ok(re.test(html), `${what ?? 'page'} should match ${re}`);
}
function hasNot(html: string, re: RegExp, what?: string): void {
  assert.ok(!re.test(html), `${what ?? 'page'} should not match ${re}`);
}

function figureSpecs(html: string): { data: { x?: unknown[]; y?: unknown[]; z?: unknown[] }[] }[] {
  const out = [];
  for (const m of html.matchAll(/<div class="plotly-figure" id="([^"]+)" data-figure="([^"]+)"><\/div>\s*<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)) {
    assert.equal(m[2], m[3], 'figure div points at its JSON');
    out.push(JSON.parse(m[4]));
  }
  return out;
}

/** A chapters folder with index.md and the given chapters (name → text), for error cases. */
function chaptersDir(chapters: Record<string, string>): string {
  const dir = tmpDir('chapters');
  fs.writeFileSync(path.join(dir, 'index.md'), '# Error cases\n');
  for (const [name, text] of Object.entries(chapters)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test('mini-book from cached executions: pages, links and anchors, math, figure, image, text, solutions, search', async () => {
  const out = path.join(tmpDir('out'), 'book');
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  const r = await buildBook(fixtureOptions(out, cache));
  assert.deepEqual(r.pages.sort(), ['01-basics.html', '01-basics.zh.html', '02-model.html', 'index.html', 'index.zh.html']);
  assert.deepEqual(r.cached, ['fx-demo']);
  assert.deepEqual(r.executed, []);
  assert.equal(r.plots, 1);
  assert.ok(r.figures >= r.plots, `${r.figures} numbered figures`);

  const { problems, checked } = checkLinks(out);
  assert.deepEqual(problems, []);
  assert.ok(checked > 50, `only ${checked} links checked`);

  const index = read(out, 'index.html');
  has(index, /<h1 id="fixture-book-on-latent-variables">Fixture Book on Latent Variables/);
  has(index, /class="toc-chapter" href="01-basics.html"><span class="chapter-number">1<\/span> Basics of latent variables/);
  has(index, /href="02-model.html#the-decoder">The decoder</);

  for (const page of ['index.html', '01-basics.html', '02-model.html']) {
    const html = read(out, page);
    has(html, /class="katex"/, `${page} has rendered math`);
    hasNot(html, /\$\$/, `${page}: no raw $$ left`);
    has(html, /<link rel="stylesheet" href="assets\/katex\/katex.min.css">/);
  }
  const basics = read(out, '01-basics.html');
  has(basics, /<span class="katex-display">/, 'display math');
  has(basics, /costs \$5 and \$6 stay plain text/, 'dollar amounts are not math');
  has(basics, /<h2 id="the-prior">The prior<a class="anchor" href="#the-prior"/);
  has(basics, /href="02-model.html#the-decoder"/, '.md link rewritten to .html');
  has(basics, /href="notebooks\/fx-demo.ipynb"/, 'link to a notebook points at the copy in the book');
  has(basics, /<aside class="callout callout-note"><p class="callout-title">Note<\/p>/);
  has(basics, /<aside class="callout callout-warning"><p class="callout-title">Mind the sign<\/p>/);
  has(basics, /<details class="solution"><summary>Solution<\/summary>[\s\S]*has no closed form/);
  hasNot(basics, /<details[^>]*\sopen/, 'solutions start closed');
  has(basics, /rel="next" href="02-model.html"/);
  has(basics, /rel="prev" href="index.html"/);
  hasNot(basics, /plotly\.js/, 'no page loads plotly before a reader reaches for a figure (book.js loads it)');

  const model = read(out, '02-model.html');
  const figs = figureSpecs(model);
  assert.equal(figs.length, 1);
  assert.deepEqual(figs[0].data[0].y, [1, 4, 9, 16]);
  hasNot(model, /<script src="assets\/plotly\.js"/, 'plotly is not loaded with the page (book.js loads it on a first interaction)');
  has(model, /<div class="plotly-still" aria-hidden="true"><svg/, 'the figure shows its still until then');
  has(model, /<pre class="output output-stream">hello from the kernel<\/pre>/);
  has(model, /<pre class="output output-text">70<\/pre>/, 'execute_result shown, ANSI colour codes stripped');
  const img = /<img class="output-image" src="(assets\/img\/[0-9a-f]{16}\.png)"/.exec(model);
  assert.ok(img, 'PNG output becomes an asset file');
  assert.deepEqual([...fs.readFileSync(path.join(out, img[1])).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  has(model, /<details class="solution solution-code" id="solution-kl">[\s\S]*Kingma &amp; Welling 2014, appendix B/);
  has(model, /<a class="notebook-download" href="notebooks\/fx-demo.ipynb" download>/);
  has(model, /fx-demo.ipynb<\/a> · cell 3<\/div>/, 'cell caption gives the 1-based cell number');
  has(model, /<span class="hljs-keyword">const<\/span> z = vae/, 'fenced code is highlighted');
  hasNot(model, /import \* as tslab/, 'untagged cells are not shown');
  // The build's plumbing is folded away: the showResults statement leaves the shown source, the results and the
  // model cache's message go into "How this was built"; the code that computes and prints stays in sight.
  const results = /fx-demo.ipynb<\/a> · cell 6<\/div>\n<pre class="code cell-source"><code[^>]*>([\s\S]*?)<\/code><\/pre>\n<div class="cell-outputs">\n([\s\S]*?)<\/div>\n(<details class="build-notes">[\s\S]*?<\/details>)\n<\/div>/.exec(model);
  assert.ok(results, 'the results cell is shown, with its outputs and a folded build record');
  const [, shownSource, shownOutputs, folded] = results;
  has(shownSource, /const<\/span> squares = xs\./, 'the computation stays');
  has(shownSource, /console<\/span>\.<span class="hljs-title function_">log<\/span>/, 'the print stays');
  hasNot(shownSource, /showResults|sumOfSquares/, 'the showResults statement is taken out');
  assert.equal(shownOutputs, '<pre class="output output-stream">4 squares</pre>\n', 'the cache message leaves the output');
  has(folded, /<summary>How this was built<\/summary>/);
  has(folded, /showResults/, 'the statement is in the fold');
  has(folded, /&quot;sumOfSquares&quot;: 30/, 'and the results it showed');
  has(folded, /model cache: another process is training reference-vae; waiting for it/, 'and the cache message');
  for (const page of r.pages) assert.deepEqual(plumbingIn(read(out, page)), [], `${page}: plumbing in the visible text`);
  const withPlumbing = model.replace('</main>', '<p>model cache: waiting; execution 3f9a2c1d; showResults({ a: 1 })</p></main>');
  assert.deepEqual(plumbingIn(withPlumbing), ['showResults(', 'model cache: waiting; execution 3f9a2c1d; showResults({ a: 1 })', '3f9a2c1d'], 'the check sees plumbing');

  assert.deepEqual(fs.readFileSync(path.join(out, 'notebooks', 'fx-demo.ipynb')), fs.readFileSync(path.join(FIXTURE, 'notebooks', 'fx-demo.ipynb')));
  assert.ok(fs.statSync(path.join(out, 'assets', 'plotly.js')).size > 1_000_000, 'plotly.js shipped');
  assert.ok(fs.existsSync(path.join(out, 'assets', 'katex', 'fonts', 'KaTeX_Main-Regular.woff2')));

  const searchJs = read(out, 'assets/search-index.js');
  const idx = JSON.parse(/^window\.BOOK_SEARCH_INDEX = (.*);$/m.exec(searchJs)![1]) as {
    pages: [string, string][]; entries: [number, string, string, string][];
  };
  const hit = idx.entries.find((e) => `${e[2]} ${e[3]}`.includes('zebrafinch'));
  assert.ok(hit, 'a word of chapter 2 is in the search index');
  assert.equal(idx.pages[hit[0]][0], '02-model.html');
  assert.ok(idx.entries.some((e) => idx.pages[e[0]][0] === '01-basics.html' && e[1] === 'the-prior' && /standard normal/.test(e[3])));
  assert.ok(idx.entries.some((e) => /Why is hard to compute/.test(e[3])), 'exercise text is searchable');
  assert.ok(!idx.entries.some((e) => /no closed form/.test(e[3])), 'solution text is not in the search index');
});

test('same inputs give a byte-identical book', async () => {
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  const a = path.join(tmpDir('a'), 'book');
  const b = path.join(tmpDir('b'), 'book');
  await buildBook(fixtureOptions(a, cache));
  await buildBook(fixtureOptions(b, cache));
  const sa = snapshot(a);
  const sb = snapshot(b);
  assert.deepEqual([...sa.keys()], [...sb.keys()]);
  for (const [name, bytes] of sa) assert.ok(bytes.equals(sb.get(name)!), `${name} differs between two builds`);
  // Rebuilding over an existing book replaces it with the same bytes, leaving no temporary folders behind.
  await buildBook(fixtureOptions(a, cache));
  const again = snapshot(a);
  for (const [name, bytes] of sa) assert.ok(bytes.equals(again.get(name)!), `${name} differs after a rebuild in place`);
  assert.deepEqual(fs.readdirSync(path.dirname(a)), ['book']);
});

test('--no-execute without a cached execution fails naming the notebook', async () => {
  const out = path.join(tmpDir('out'), 'book');
  await assert.rejects(
    buildBook(fixtureOptions(out, tmpDir('empty-cache'))),
    /--no-execute: notebooks\/fx-demo\.ipynb has no cached execution for profile "quick"/,
  );
  assert.equal(fs.existsSync(out), false);
});

test('a failing cell fails the build (notebook, cell, error) and leaves the previous book untouched', async () => {
  const out = path.join(tmpDir('out'), 'book');
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  seedCache(cache, 'fx-fail');
  await buildBook(fixtureOptions(out, cache));
  const before = snapshot(out);
  const chapters = chaptersDir({ '01-fails.md': '# Fails\n\nText.\n\n{{notebook fx-fail#boom}}\n' });
  await assert.rejects(
    buildBook(fixtureOptions(out, cache, { chaptersDir: chapters })),
    /fx-fail\.ipynb: cell 3 \(boom\): Error: deliberate failure for the test/,
  );
  const after = snapshot(out);
  assert.deepEqual([...after.keys()], [...before.keys()]);
  for (const [name, bytes] of before) assert.ok(bytes.equals(after.get(name)!), `${name} changed`);
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ['book'], 'the temporary build folder is removed');
});

test('bad directives, containers, math and links name the chapter file and line', async () => {
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  const cases: [string, RegExp][] = [
    ['# A\n\nText.\n{{notebook nope#x}}\n', /02-bad\.md:4: unknown notebook "nope" \(no .*nope\.ipynb; known: fx-demo, fx-fail\)/],
    ['# A\n\n{{notebook fx-demo#no-such-tag}}\n', /02-bad\.md:3: unknown tag "no-such-tag" in notebooks\/fx-demo\.ipynb \(tags: digits, plot, results, setup, text\)/],
    ['# A\n\n\n{{solution 02-model#nope}}\n', /02-bad\.md:4: unknown solution id "nope" in .*02-model\.ipynb \(ids: kl\)/],
    ['# A\n\n{{solution 09-none#kl}}\n', /02-bad\.md:3: unknown solutions notebook "09-none"/],
    ['# A\n\n{{figure x}}\n', /02-bad\.md:3: unknown directive "\{\{figure …\}\}"/],
    ['# A\n\n{{notebook}}\n', /02-bad\.md:3: malformed directive/],
    ['# A\n\n::: solution\nnever closed\n', /02-bad\.md:3: "::: solution" is never closed/],
    ['# A\n\n::: sidebar\nx\n:::\n', /02-bad\.md:3: unknown container "::: sidebar"/],
    ['# A\n\nFine.\n\nBroken $\\frac{1}{$ here.\n', /02-bad\.md:5: bad math \$…\$ "\\frac\{1\}\{"/],
    ['# A\n\n$$\n\\sum_{\n$$\n', /02-bad\.md:3: bad math \$\$…\$\$/],
    ['# A\n\n$$\nx\n', /02-bad\.md:3: display math opened with \$\$ is never closed/],
    ['# A\n\nSee [there](missing.md).\n', /02-bad\.md:3: broken link to missing\.md/],
    ['# A\n\nSee [there](01-ok.md#no-such-anchor).\n', /02-bad\.md:3: link to 01-ok\.html#no-such-anchor: no such anchor/],
    ['No title here.\n', /02-bad\.md:1: a chapter must start with a "# Title" line/],
    ['# A\n\n::: figure fig-a\n![a figure](https://example.com/x.png)\n\nCaption.\n:::\n', /02-bad\.md:4: image "https:\/\/example\.com\/x\.png" is not a local file/],
    ['# A\n\nSee [x](%E0%A4%A.md).\n', /02-bad\.md:3: malformed link/],
  ];
  for (const [text, expected] of cases) {
    const chapters = chaptersDir({ '01-ok.md': '# Ok\n\n## Fine\n', '02-bad.md': text });
    const out = path.join(tmpDir('out'), 'book');
    await assert.rejects(buildBook(fixtureOptions(out, cache, { chaptersDir: chapters })), expected, JSON.stringify(text));
    assert.equal(fs.existsSync(out), false);
  }
});

/** Every <figure class="figure"> of a page: id, label, alt text (img alt, svg or plot aria-label), caption text. */
function figuresOf(html: string): { id: string; label: string; alt: string; caption: string }[] {
  // Figure blocks and notebook figures (class "figure"), and interactive figures (class "widget …", its still inside).
  return [...html.matchAll(/<figure class="(?:figure|widget widget-[a-z-]+)" id="([^"]+)"[^>]*>([\s\S]*?)<\/figure>/g)].map((m) => {
    const alt = /<img [^>]*alt="([^"]*)"|<svg [^>]*aria-label="([^"]*)"|<div class="figure-media" role="img" aria-label="([^"]*)"/.exec(m[2]);
    const cap = /<figcaption>\s*(?:<p>)?<span class="figure-label">([^<]*)<\/span>([\s\S]*?)<\/figcaption>/.exec(m[2]);
    return {
      id: m[1],
      label: cap?.[1] ?? '',
      alt: alt?.[1] ?? alt?.[2] ?? alt?.[3] ?? '',
      caption: (cap?.[2] ?? '').replace(/<math[\s\S]*?<\/math>|<[^>]+>/g, '').replace(/\s+/g, ' ').trim(),
    };
  });
}

test('figures: numbered per chapter, captioned, with alt text; diagrams inlined in the page colours; @fig references link them', async () => {
  const out = path.join(tmpDir('out'), 'book');
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  await buildBook(fixtureOptions(out, cache));
  assert.deepEqual(checkLinks(out).problems, []);
  const basics = read(out, '01-basics.html');
  const model = read(out, '02-model.html');

  assert.deepEqual(figuresOf(basics).map((f) => [f.id, f.label]), [['fig-prior-sketch', 'Figure 1.1.'], ['fig-tiny-image', 'Figure 1.2.']]);
  assert.deepEqual(figuresOf(model).map((f) => [f.id, f.label]), [['fig-squares', 'Figure 2.1.'], ['fig-tiny-digits', 'Figure 2.2.']]);
  const all = [...figuresOf(basics), ...figuresOf(model)];
  assert.deepEqual(all.map((f) => f.alt), [
    'A circle labelled z with an arrow to a shaded circle labelled x.', 'Eight grey pixels in two rows.',
    'A line through four points rising from 1 to 16.', 'A tiny grid of grey pixels.',
  ]);
  assert.match(all[0].caption, /^The model: a code z drawn from the prior/, 'block caption, math rendered');
  assert.match(all[2].caption, /^The squares n2 for n=1,…,4, drawn by the kernel\.$/, 'notebook caption from the cell metadata');
  for (const page of ['index.html', '01-basics.html', '02-model.html']) {
    const html = read(out, page);
    hasNot(html, /Output image from|alt=""|alt="Output/, `${page}: no placeholder alt text`);
    for (const img of html.matchAll(/<img\b[^>]*>/g)) assert.match(img[0], /\salt="[^"]+"/, `${page}: ${img[0]} has alt text`);
  }

  // The diagram is inline SVG: it takes the page's text colour and CSS variables, its ids are prefixed by the figure's.
  const svg = /<svg class="figure-svg" role="img" aria-label="[^"]+"[^>]*>([\s\S]*?)<\/svg>/.exec(basics);
  assert.ok(svg, 'the SVG file is inlined');
  has(svg[1], /stroke="currentColor"/);
  has(svg[1], /var\(--accent, #1f5c99\)/);
  has(svg[1], /<marker id="fig-prior-sketch-arrow"/);
  has(svg[1], /marker-end="url\(#fig-prior-sketch-arrow\)"/);
  hasNot(basics, /<\?xml|<!--/, 'prolog and comments are left out');
  has(basics, /<img class="figure-image" src="figures\/tiny\.png" alt="Eight grey pixels in two rows\.">/);
  assert.ok(fs.existsSync(path.join(out, 'figures', 'tiny.png')) && fs.existsSync(path.join(out, 'figures', 'prior.svg')));

  // References: same page → the anchor; another page → page#anchor; the text is the figure's number.
  has(basics, /<a class="figure-ref" href="#fig-prior-sketch">Figure 1\.1<\/a> draws the model/);
  has(basics, /<a class="figure-ref" href="02-model\.html#fig-squares">Figure 2\.1<\/a>/);
  has(model, /<a class="figure-ref" href="01-basics\.html#fig-prior-sketch">Figure 1\.1<\/a>/);
  has(model, /A 4 × 2 grey image \(see <a class="figure-ref" href="#fig-squares">Figure 2\.1<\/a>\)/, 'a reference inside a notebook caption');
  // An interactive plot is announced by its alt text; the plotly div itself is unchanged.
  has(model, /<div class="figure-media" role="img" aria-label="A line through four points rising from 1 to 16\.">\n<div class="plotly-still" aria-hidden="true"><svg [^\n]*<polyline class="trace"[^\n]*<\/svg><\/div>\n<div class="plotly-figure"/);
});

/** A notebooks folder holding fx-demo.ipynb with `edit` applied to its cells' metadata, seeded into `cache`. */
function editedNotebooks(cache: string, edit: (tags: string[], meta: Record<string, unknown>) => void): string {
  const dir = tmpDir('notebooks');
  const nb = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'notebooks', 'fx-demo.ipynb'), 'utf8')) as Notebook;
  for (const c of nb.cells) edit(c.metadata.tags ?? [], c.metadata);
  fs.writeFileSync(path.join(dir, 'fx-demo.ipynb'), JSON.stringify(nb, null, 1));
  fs.copyFileSync(path.join(FIXTURE, 'notebooks', 'fx-fail.ipynb'), path.join(dir, 'fx-fail.ipynb'));
  seedCache(cache, 'fx-demo', dir);
  return dir;
}

test('a figure without caption, alt text or a valid id fails the build, naming the file and line or the cell', async () => {
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  const svgBad = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
  const svgExternal = '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.com/a.png"/></svg>';
  const cases: [string, RegExp][] = [
    ['# A\n\nText ![a digit](x.png) inline.\n', /02-bad\.md:3: an image outside a figure block/],
    ['# A\n\n::: figure\n![a](x.svg)\n\nCaption.\n:::\n', /02-bad\.md:3: "::: figure" needs an id/],
    ['# A\n\n::: figure Fig_1\n![a](x.svg)\n\nCaption.\n:::\n', /02-bad\.md:3: bad figure id "Fig_1"/],
    ['# A\n\n::: figure fig-a\nJust words.\n:::\n', /02-bad\.md:3: figure fig-a must start with its image alone on a line/],
    ['# A\n\n::: figure fig-a\n![](x.svg)\n\nCaption.\n:::\n', /02-bad\.md:4: figure fig-a: the image has no alt text/],
    ['# A\n\n::: figure fig-a\n![alt](x.svg)\n:::\n', /02-bad\.md:3: figure fig-a has no caption/],
    ['# A\n\n::: figure fig-a\n![alt](x.svg)\n\nCaption ![b](y.png).\n:::\n', /02-bad\.md:6: an image outside a figure block/],
    ['# A\n\nAs @fig-nope shows.\n', /02-bad\.md:3: @fig-nope names no figure/],
    ['# A\n\n::: figure fig-a\n![a](bad.svg)\n\nOne.\n:::\n\n::: figure fig-a\n![b](bad.svg)\n\nTwo.\n:::\n', /02-bad\.md:9: figure id "fig-a" is already used by .*02-bad\.md:3/],
    ['# A\n\n## Fig a\n\n::: figure fig-a\n![a](bad.svg)\n\nOne.\n:::\n', /02-bad\.md:5: figure id "fig-a" is also a heading's id/],
    ['# A\n\n::: figure fig-a\n![a](missing.svg)\n\nOne.\n:::\n', /02-bad\.md:4: broken link to missing\.svg/],
    ['# A\n\n::: figure fig-a\n![a](bad.svg)\n\nOne.\n:::\n', /02-bad\.md:4: .*bad\.svg: a figure may not hold scripts/],
    ['# A\n\n::: figure fig-a\n![a](external.svg)\n\nOne.\n:::\n', /02-bad\.md:4: .*external\.svg: refers to "https:\/\/example\.com\/a\.png"/],
    ['# A\n\n::: figure fig-squares\n![a](ok.svg)\n\nOne.\n:::\n\n{{notebook fx-demo#plot}}\n', /notebooks\/fx-demo\.ipynb cell 3 \(#plot\), shown at .*02-bad\.md:9: figure id "fig-squares" is already used by .*02-bad\.md:3/],
  ];
  for (const [text, expected] of cases) {
    const chapters = chaptersDir({
      '01-ok.md': '# Ok\n\n## Fine\n', '02-bad.md': text, 'bad.svg': svgBad, 'external.svg': svgExternal, 'ok.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    });
    const out = path.join(tmpDir('out'), 'book');
    await assert.rejects(buildBook(fixtureOptions(out, cache, { chaptersDir: chapters })), expected, JSON.stringify(text));
    assert.equal(fs.existsSync(out), false);
  }

  // Notebook figures: the cell that makes them declares them in its metadata, one entry per figure output.
  const shows = '# A\n\n{{notebook fx-demo#plot}}\n';
  const notebookCases: [(tags: string[], meta: Record<string, unknown>) => void, RegExp][] = [
    [(tags, meta) => { if (tags.includes('plot')) delete meta.figures; },
      /notebooks\/fx-demo\.ipynb cell 3 \(#plot\), shown at .*02-bad\.md:3: shows 1 figure but declares no caption and alt text; declare them in the cell's metadata: "figures"/],
    [(tags, meta) => { if (tags.includes('plot')) (meta.figures as unknown[]).push({ id: 'fig-more', caption: 'c', alt: 'a' }); },
      /cell 3 \(#plot\), shown at .*02-bad\.md:3: declares 2 figures \(fig-squares, fig-more\) but shows 1/],
    [(tags, meta) => { if (tags.includes('plot')) delete (meta.figures as Record<string, unknown>[])[0].alt; },
      /cell 3 \(#plot\), shown at .*02-bad\.md:3: metadata figures\[0\] \(fig-squares\): no "alt" text/],
    [(tags, meta) => { if (tags.includes('plot')) (meta.figures as Record<string, unknown>[])[0].caption = '  '; },
      /metadata figures\[0\] \(fig-squares\): no "caption"/],
    [(tags, meta) => { if (tags.includes('plot')) (meta.figures as Record<string, unknown>[])[0].id = 'squares'; },
      /metadata figures\[0\]: bad id "squares"/],
    [(tags, meta) => { if (tags.includes('plot')) meta.figures = { id: 'fig-x' }; }, /metadata "figures" must be a list/],
    [(tags, meta) => { if (tags.includes('plot')) (meta.figures as Record<string, unknown>[])[0].caption = 'See @fig-nope.'; },
      /notebooks\/fx-demo\.ipynb cell 3 \(#plot\): @fig-nope names no figure/],
  ];
  for (const [edit, expected] of notebookCases) {
    const c = tmpDir('cache');
    const notebooks = editedNotebooks(c, edit);
    const chapters = chaptersDir({ '01-ok.md': '# Ok\n', '02-bad.md': shows });
    const out = path.join(tmpDir('out'), 'book');
    await assert.rejects(buildBook(fixtureOptions(out, c, { chaptersDir: chapters, notebooksDir: notebooks })), expected);
    assert.equal(fs.existsSync(out), false);
  }
});

test('cache key: figure captions and alt texts are not part of it (editing one never re-runs a notebook)', () => {
  const dir = tmpDir('key');
  const file = path.join(dir, 'nb.ipynb');
  const nb = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'notebooks', 'fx-demo.ipynb'), 'utf8')) as Notebook;
  const key = () => {
    fs.writeFileSync(file, JSON.stringify(nb, null, 1));
    return cacheKey({ root: ROOT, notebookFile: file, profile: 'quick' });
  };
  const before = key();
  const plot = nb.cells.find((c) => c.metadata.tags?.includes('plot'))!;
  (plot.metadata.figures as { caption: string }[])[0].caption = 'Another caption.';
  assert.equal(key(), before, 'a caption edit keeps the key');
  delete plot.metadata.figures;
  assert.equal(key(), before, 'so does removing the declarations');
  nb.metadata.book = { priority: 3 };
  assert.equal(key(), before, 'and the scheduling hint');
  plot.source = `${plot.source}\n// an edit of the code`;
  assert.notEqual(key(), before, 'an edit of a cell changes it');
});

test('the real executor runs the fixture notebooks once, then the cache is used; a failing cell is reported', { timeout: 180_000 }, async (t) => {
  if (!executorAvailable()) {
    if (process.env.CI) assert.fail('the notebook executor or its tslab kernel is missing: run `npm run setup`');
    t.skip('executor/tslab kernel not installed (npm run setup)');
    return;
  }
  const cache = tmpDir('cache');
  const out = path.join(tmpDir('out'), 'book');
  const keyNow = () => cacheKey({ root: ROOT, notebookFile: path.join(FIXTURE, 'notebooks', 'fx-demo.ipynb'), profile: 'quick' });
  const k0 = keyNow();
  const first = await buildBook(fixtureOptions(out, cache, { execute: true, cellTimeout: 60 }));
  assert.deepEqual(first.executed, ['fx-demo']);
  const model = read(out, '02-model.html');
  assert.equal(figureSpecs(model)[0].data[0].y?.length, 4, 'the kernel displayed the plotly figure');
  has(model, /hello from the kernel/);
  has(model, /<img class="output-image" src="assets\/img\/[0-9a-f]{16}\.png"/);
  const second = await buildBook(fixtureOptions(out, cache, { execute: true }));
  if (k0 === keyNow()) {
    assert.deepEqual(second.executed, [], 'an unchanged notebook is not run again');
    assert.deepEqual(second.cached, ['fx-demo']);
  } else {
    t.diagnostic('lib/*.ts changed during the test (another process edited it): the re-run was correct, cache check skipped');
  }

  assert.equal(fs.readdirSync(cache).filter((f) => f.startsWith('fx-demo.quick.')).length, 1, 'older executions are pruned');

  const before = snapshot(out);
  const chapters = chaptersDir({ '01-fails.md': '# Fails\n\n{{notebook fx-fail#boom}}\n' });
  await assert.rejects(
    buildBook(fixtureOptions(out, cache, { chaptersDir: chapters, execute: true, cellTimeout: 60 })),
    /fx-fail\.ipynb: cell 3 \(boom\): Error: deliberate failure for the test/,
  );
  const after = snapshot(out);
  for (const [name, bytes] of before) assert.ok(bytes.equals(after.get(name)!), `${name} changed`);
  assert.equal(fs.readdirSync(cache).some((f) => f.startsWith('fx-fail.')), false, 'a failed execution is not cached');
  // … but its outputs so far are kept for reading, with the error the cell printed.
  const failed = path.join(cache, 'failed', 'fx-fail.quick.ipynb');
  const cells = (JSON.parse(fs.readFileSync(failed, 'utf8')) as { cells: { outputs?: { text?: string | string[]; evalue?: string }[] }[] }).cells;
  assert.match(JSON.stringify(cells.flatMap((c) => c.outputs ?? [])), /deliberate failure for the test/);
});

test('the real book in the quick profile: every link resolves, each chapter has math, notebook chapters have figures', { timeout: 900_000 }, async (t) => {
  if (!executorAvailable()) {
    if (process.env.CI) assert.fail('the notebook executor or its tslab kernel is missing: run `npm run setup`');
    t.skip('executor/tslab kernel not installed (npm run setup)');
    return;
  }
  const r = await buildQuickBook();
  const { problems } = checkLinks(QUICK_BOOK);
  assert.deepEqual(problems, []);
  // Rebuilt from the same cached executions (--no-execute), the book is byte-identical. Compared only while the
  // cache keys still point at the executions used above: another process editing lib/ meanwhile moves them.
  const cacheDir = path.join(ROOT, '.cache', 'notebooks');
  const moved = Object.entries(r.executedFiles).filter(([name, file]) =>
    cachePath(cacheDir, name, cacheKey({ root: ROOT, notebookFile: path.join(ROOT, 'notebooks', `${name}.ipynb`), profile: 'quick' }), 'quick') !== file);
  if (moved.length) {
    t.diagnostic(`lib/ changed during the test (cache keys moved for ${moved.map((m) => m[0]).join(', ')}); determinism of the real book not compared`);
  } else {
    // Two builds back to back (seconds apart), so that edits of chapters/ by others do not count as differences.
    const a = path.join(tmpDir('again-a'), 'book');
    const b = path.join(tmpDir('again-b'), 'book');
    await buildBook({ ...defaultOptions(ROOT), outDir: a, profile: 'quick', execute: false, log: () => undefined });
    await buildBook({ ...defaultOptions(ROOT), outDir: b, profile: 'quick', execute: false, log: () => undefined });
    const s1 = snapshot(a);
    const s2 = snapshot(b);
    assert.deepEqual([...s2.keys()], [...s1.keys()]);
    for (const [name, bytes] of s1) {
      if (bytes.equals(s2.get(name)!)) continue;
      const la = bytes.toString('utf8').split('\n');
      const lb = s2.get(name)!.toString('utf8').split('\n');
      const i = la.findIndex((line, k) => line !== lb[k]);
      assert.fail(`${name} differs between two builds of the real book, line ${i + 1}:\n${la[i]?.slice(0, 200)}\n${lb[i]?.slice(0, 200)}`);
    }
  }
  const chapters = fs.readdirSync(path.join(ROOT, 'chapters')).filter((f) => f.endsWith('.md') && f !== 'index.md').sort();
  // The English pages (a translated edition's pages are NAME.LANG.html: test/book-editions.test.ts).
  assert.deepEqual(r.pages.filter((p) => p !== 'index.html' && !/\.[a-z]{2}\.html$/.test(p)).sort(), chapters.map((c) => c.replace(/\.md$/, '.html')));
  for (const ch of chapters) {
    const src = fs.readFileSync(path.join(ROOT, 'chapters', ch), 'utf8');
    const html = read(QUICK_BOOK, ch.replace(/\.md$/, '.html'));
    if (/\$/.test(src)) has(html, /class="katex"/, `${ch}: rendered math`);
    // Each tagged notebook cell that draws a plotly figure must show up with data in the page.
    const shown = [...src.matchAll(/^\s*\{\{notebook ([\w-]+)#([\w-]+)\}\}\s*$/gm)];
    let expected = 0;
    for (const [, name, tag] of shown) {
      const nb = JSON.parse(fs.readFileSync(r.executedFiles[name], 'utf8')) as Notebook;
      for (const cell of nb.cells) {
        if (!(cell.metadata?.tags ?? []).includes(tag)) continue;
        for (const o of cell.outputs ?? []) if (o.data && 'application/vnd.plotly.v1+json' in o.data) expected++;
      }
    }
    const figs = figureSpecs(html);
    assert.equal(figs.length, expected, `${ch}: ${expected} plotly figures expected`);
    // Every figure is numbered in reading order, captioned and described in words; no placeholder alt text is left.
    const number = Number(ch.slice(0, 2));
    const numbered = figuresOf(html);
    numbered.forEach((f, k) => {
      assert.equal(f.label, `Figure ${number}.${k + 1}.`, `${ch}: ${f.id}`);
      assert.ok(f.caption.length >= 20, `${ch}: ${f.id} has a caption ("${f.caption}")`);
      assert.ok(f.alt.length >= 20, `${ch}: ${f.id} has alt text ("${f.alt}")`);
    });
    assert.ok(numbered.length > 0, `${ch}: a chapter without a figure`);
    assert.deepEqual(plumbingIn(html), [], `${ch}: the build's plumbing (showResults, cache messages, hashes) in the visible text`);
    hasNot(html, /Output image from|Output figure|alt=""/, `${ch}: placeholder alt text`);
    for (const img of html.matchAll(/<img\b[^>]*>/g)) assert.match(img[0], /\salt="[^"]{20,}"/, `${ch}: ${img[0]} has alt text`);
    for (const f of figs) {
      assert.ok(f.data.length > 0, `${ch}: a figure without traces`);
      assert.ok(f.data.some((tr) => (tr.x?.length ?? 0) > 0 || (tr.y?.length ?? 0) > 0 || (tr.z?.length ?? 0) > 0), `${ch}: a figure without data points`);
    }
  }
});
