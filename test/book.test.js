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
// The book build (issue 4): the mini-book fixture from cached executions (links, math, figures, outputs, solutions,
// search index, determinism, failures that leave the previous book alone, errors naming chapter and line), the
// real executor on the fixture notebooks, and the real book in the quick profile.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const build_1 = require("../scripts/bookgen/build");
const notebooks_1 = require("../scripts/bookgen/notebooks");
const book_helpers_1 = require("./book-helpers");
const read = (dir, file) => fs.readFileSync(path.join(dir, file), 'utf8');
/** assert.match without dumping a whole HTML page into the failure message. */
function has(html, re, what) {
    strict_1.default.ok(re.test(html), `${what ?? 'page'} should match ${re}`);
}
function hasNot(html, re, what) {
    strict_1.default.ok(!re.test(html), `${what ?? 'page'} should not match ${re}`);
}
function figureSpecs(html) {
    const out = [];
    for (const m of html.matchAll(/<div class="plotly-figure" id="([^"]+)" data-figure="([^"]+)"><\/div>\s*<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)) {
        strict_1.default.equal(m[2], m[3], 'figure div points at its JSON');
        out.push(JSON.parse(m[4]));
    }
    return out;
}
/** A chapters folder with index.md and the given chapters (name → text), for error cases. */
function chaptersDir(chapters) {
    const dir = (0, book_helpers_1.tmpDir)('chapters');
    fs.writeFileSync(path.join(dir, 'index.md'), '# Error cases\n');
    for (const [name, text] of Object.entries(chapters))
        fs.writeFileSync(path.join(dir, name), text);
    return dir;
}
(0, node_test_1.test)('mini-book from cached executions: pages, links and anchors, math, figure, image, text, solutions, search', async () => {
    const out = path.join((0, book_helpers_1.tmpDir)('out'), 'book');
    const cache = (0, book_helpers_1.tmpDir)('cache');
    (0, book_helpers_1.seedCache)(cache, 'fx-demo');
    const r = await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, cache));
    strict_1.default.deepEqual(r.pages.sort(), ['01-basics.html', '02-model.html', 'index.html']);
    strict_1.default.deepEqual(r.cached, ['fx-demo']);
    strict_1.default.deepEqual(r.executed, []);
    strict_1.default.equal(r.figures, 1);
    const { problems, checked } = (0, book_helpers_1.checkLinks)(out);
    strict_1.default.deepEqual(problems, []);
    strict_1.default.ok(checked > 50, `only ${checked} links checked`);
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
    hasNot(basics, /plotly\.js/, 'a page without figures does not load plotly');
    const model = read(out, '02-model.html');
    const figs = figureSpecs(model);
    strict_1.default.equal(figs.length, 1);
    strict_1.default.deepEqual(figs[0].data[0].y, [1, 4, 9, 16]);
    has(model, /<script src="assets\/plotly.js" defer><\/script>\n<script src="assets\/book.js" defer>/, 'plotly before book.js');
    has(model, /<pre class="output output-stream">hello from the kernel<\/pre>/);
    has(model, /<pre class="output output-text">70<\/pre>/, 'execute_result shown, ANSI colour codes stripped');
    const img = /<img class="output-image" src="(assets\/img\/[0-9a-f]{16}\.png)"/.exec(model);
    strict_1.default.ok(img, 'PNG output becomes an asset file');
    strict_1.default.deepEqual([...fs.readFileSync(path.join(out, img[1])).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    has(model, /<details class="solution solution-code" id="solution-kl">[\s\S]*Kingma &amp; Welling 2014, appendix B/);
    has(model, /<a class="notebook-download" href="notebooks\/fx-demo.ipynb" download>/);
    has(model, /fx-demo.ipynb<\/a> · cell 3<\/div>/, 'cell caption gives the 1-based cell number');
    has(model, /<span class="hljs-keyword">const<\/span> z = vae/, 'fenced code is highlighted');
    hasNot(model, /import \* as tslab/, 'untagged cells are not shown');
    strict_1.default.deepEqual(fs.readFileSync(path.join(out, 'notebooks', 'fx-demo.ipynb')), fs.readFileSync(path.join(book_helpers_1.FIXTURE, 'notebooks', 'fx-demo.ipynb')));
    strict_1.default.ok(fs.statSync(path.join(out, 'assets', 'plotly.js')).size > 1000000, 'plotly.js shipped');
    strict_1.default.ok(fs.existsSync(path.join(out, 'assets', 'katex', 'fonts', 'KaTeX_Main-Regular.woff2')));
    const searchJs = read(out, 'assets/search-index.js');
    const idx = JSON.parse(searchJs.replace(/^window\.BOOK_SEARCH_INDEX = /, '').replace(/;\n$/, ''));
    const hit = idx.entries.find((e) => `${e[2]} ${e[3]}`.includes('zebrafinch'));
    strict_1.default.ok(hit, 'a word of chapter 2 is in the search index');
    strict_1.default.equal(idx.pages[hit[0]][0], '02-model.html');
    strict_1.default.ok(idx.entries.some((e) => idx.pages[e[0]][0] === '01-basics.html' && e[1] === 'the-prior' && /standard normal/.test(e[3])));
    strict_1.default.ok(idx.entries.some((e) => /Why is hard to compute/.test(e[3])), 'exercise text is searchable');
    strict_1.default.ok(!idx.entries.some((e) => /no closed form/.test(e[3])), 'solution text is not in the search index');
});
(0, node_test_1.test)('same inputs give a byte-identical book', async () => {
    const cache = (0, book_helpers_1.tmpDir)('cache');
    (0, book_helpers_1.seedCache)(cache, 'fx-demo');
    const a = path.join((0, book_helpers_1.tmpDir)('a'), 'book');
    const b = path.join((0, book_helpers_1.tmpDir)('b'), 'book');
    await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(a, cache));
    await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(b, cache));
    const sa = (0, book_helpers_1.snapshot)(a);
    const sb = (0, book_helpers_1.snapshot)(b);
    strict_1.default.deepEqual([...sa.keys()], [...sb.keys()]);
    for (const [name, bytes] of sa)
        strict_1.default.ok(bytes.equals(sb.get(name)), `${name} differs between two builds`);
    // Rebuilding over an existing book replaces it with the same bytes, leaving no temporary folders behind.
    await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(a, cache));
    const again = (0, book_helpers_1.snapshot)(a);
    for (const [name, bytes] of sa)
        strict_1.default.ok(bytes.equals(again.get(name)), `${name} differs after a rebuild in place`);
    strict_1.default.deepEqual(fs.readdirSync(path.dirname(a)), ['book']);
});
(0, node_test_1.test)('--no-execute without a cached execution fails naming the notebook', async () => {
    const out = path.join((0, book_helpers_1.tmpDir)('out'), 'book');
    await strict_1.default.rejects((0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, (0, book_helpers_1.tmpDir)('empty-cache'))), /--no-execute: notebooks\/fx-demo\.ipynb has no cached execution for profile "quick"/);
    strict_1.default.equal(fs.existsSync(out), false);
});
(0, node_test_1.test)('a failing cell fails the build (notebook, cell, error) and leaves the previous book untouched', async () => {
    const out = path.join((0, book_helpers_1.tmpDir)('out'), 'book');
    const cache = (0, book_helpers_1.tmpDir)('cache');
    (0, book_helpers_1.seedCache)(cache, 'fx-demo');
    (0, book_helpers_1.seedCache)(cache, 'fx-fail');
    await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, cache));
    const before = (0, book_helpers_1.snapshot)(out);
    const chapters = chaptersDir({ '01-fails.md': '# Fails\n\nText.\n\n{{notebook fx-fail#boom}}\n' });
    await strict_1.default.rejects((0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, cache, { chaptersDir: chapters })), /fx-fail\.ipynb: cell 3 \(boom\): Error: deliberate failure for the test/);
    const after = (0, book_helpers_1.snapshot)(out);
    strict_1.default.deepEqual([...after.keys()], [...before.keys()]);
    for (const [name, bytes] of before)
        strict_1.default.ok(bytes.equals(after.get(name)), `${name} changed`);
    strict_1.default.deepEqual(fs.readdirSync(path.dirname(out)), ['book'], 'the temporary build folder is removed');
});
(0, node_test_1.test)('bad directives, containers, math and links name the chapter file and line', async () => {
    const cache = (0, book_helpers_1.tmpDir)('cache');
    (0, book_helpers_1.seedCache)(cache, 'fx-demo');
    const cases = [
        ['# A\n\nText.\n{{notebook nope#x}}\n', /02-bad\.md:4: unknown notebook "nope" \(no .*nope\.ipynb; known: fx-demo, fx-fail\)/],
        ['# A\n\n{{notebook fx-demo#no-such-tag}}\n', /02-bad\.md:3: unknown tag "no-such-tag" in notebooks\/fx-demo\.ipynb \(tags: digits, plot, setup, text\)/],
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
        ['# A\n\n![a figure](https://example.com/x.png)\n', /02-bad\.md:3: image "https:\/\/example\.com\/x\.png" is not a local file/],
        ['# A\n\nSee [x](%E0%A4%A.md).\n', /02-bad\.md:3: malformed link/],
    ];
    for (const [text, expected] of cases) {
        const chapters = chaptersDir({ '01-ok.md': '# Ok\n\n## Fine\n', '02-bad.md': text });
        const out = path.join((0, book_helpers_1.tmpDir)('out'), 'book');
        await strict_1.default.rejects((0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, cache, { chaptersDir: chapters })), expected, JSON.stringify(text));
        strict_1.default.equal(fs.existsSync(out), false);
    }
});
(0, node_test_1.test)('the real executor runs the fixture notebooks once, then the cache is used; a failing cell is reported', { timeout: 180000 }, async (t) => {
    if (!(0, book_helpers_1.executorAvailable)()) {
        if (process.env.CI)
            strict_1.default.fail('the notebook executor or its tslab kernel is missing: run `npm run setup`');
        t.skip('executor/tslab kernel not installed (npm run setup)');
        return;
    }
    const cache = (0, book_helpers_1.tmpDir)('cache');
    const out = path.join((0, book_helpers_1.tmpDir)('out'), 'book');
    const keyNow = () => (0, notebooks_1.cacheKey)({ root: book_helpers_1.ROOT, notebookFile: path.join(book_helpers_1.FIXTURE, 'notebooks', 'fx-demo.ipynb'), profile: 'quick' });
    const k0 = keyNow();
    const first = await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, cache, { execute: true, cellTimeout: 60 }));
    strict_1.default.deepEqual(first.executed, ['fx-demo']);
    const model = read(out, '02-model.html');
    strict_1.default.equal(figureSpecs(model)[0].data[0].y?.length, 4, 'the kernel displayed the plotly figure');
    has(model, /hello from the kernel/);
    has(model, /<img class="output-image" src="assets\/img\/[0-9a-f]{16}\.png"/);
    const second = await (0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, cache, { execute: true }));
    if (k0 === keyNow()) {
        strict_1.default.deepEqual(second.executed, [], 'an unchanged notebook is not run again');
        strict_1.default.deepEqual(second.cached, ['fx-demo']);
    }
    else {
        t.diagnostic('lib/*.ts changed during the test (another process edited it): the re-run was correct, cache check skipped');
    }
    strict_1.default.equal(fs.readdirSync(cache).filter((f) => f.startsWith('fx-demo.quick.')).length, 1, 'older executions are pruned');
    const before = (0, book_helpers_1.snapshot)(out);
    const chapters = chaptersDir({ '01-fails.md': '# Fails\n\n{{notebook fx-fail#boom}}\n' });
    await strict_1.default.rejects((0, build_1.buildBook)((0, book_helpers_1.fixtureOptions)(out, cache, { chaptersDir: chapters, execute: true, cellTimeout: 60 })), /fx-fail\.ipynb: cell 3 \(boom\): Error: deliberate failure for the test/);
    const after = (0, book_helpers_1.snapshot)(out);
    for (const [name, bytes] of before)
        strict_1.default.ok(bytes.equals(after.get(name)), `${name} changed`);
    strict_1.default.equal(fs.readdirSync(cache).some((f) => f.startsWith('fx-fail.')), false, 'a failed execution is not cached');
});
(0, node_test_1.test)('the real book in the quick profile: every link resolves, each chapter has math, notebook chapters have figures', { timeout: 900000 }, async (t) => {
    if (!(0, book_helpers_1.executorAvailable)()) {
        if (process.env.CI)
            strict_1.default.fail('the notebook executor or its tslab kernel is missing: run `npm run setup`');
        t.skip('executor/tslab kernel not installed (npm run setup)');
        return;
    }
    const r = await (0, book_helpers_1.buildQuickBook)();
    const { problems } = (0, book_helpers_1.checkLinks)(book_helpers_1.QUICK_BOOK);
    strict_1.default.deepEqual(problems, []);
    // Rebuilt from the same cached executions (--no-execute), the book is byte-identical. Compared only while the
    // cache keys still point at the executions used above: another process editing lib/ meanwhile moves them.
    const cacheDir = path.join(book_helpers_1.ROOT, '.cache', 'notebooks');
    const moved = Object.entries(r.executedFiles).filter(([name, file]) => (0, notebooks_1.cachePath)(cacheDir, name, (0, notebooks_1.cacheKey)({ root: book_helpers_1.ROOT, notebookFile: path.join(book_helpers_1.ROOT, 'notebooks', `${name}.ipynb`), profile: 'quick' }), 'quick') !== file);
    if (moved.length) {
        t.diagnostic(`lib/ changed during the test (cache keys moved for ${moved.map((m) => m[0]).join(', ')}); determinism of the real book not compared`);
    }
    else {
        // Two builds back to back (seconds apart), so that edits of chapters/ by others do not count as differences.
        const a = path.join((0, book_helpers_1.tmpDir)('again-a'), 'book');
        const b = path.join((0, book_helpers_1.tmpDir)('again-b'), 'book');
        await (0, build_1.buildBook)({ ...(0, build_1.defaultOptions)(book_helpers_1.ROOT), outDir: a, profile: 'quick', execute: false, log: () => undefined });
        await (0, build_1.buildBook)({ ...(0, build_1.defaultOptions)(book_helpers_1.ROOT), outDir: b, profile: 'quick', execute: false, log: () => undefined });
        const s1 = (0, book_helpers_1.snapshot)(a);
        const s2 = (0, book_helpers_1.snapshot)(b);
        strict_1.default.deepEqual([...s2.keys()], [...s1.keys()]);
        for (const [name, bytes] of s1) {
            if (bytes.equals(s2.get(name)))
                continue;
            const la = bytes.toString('utf8').split('\n');
            const lb = s2.get(name).toString('utf8').split('\n');
            const i = la.findIndex((line, k) => line !== lb[k]);
            strict_1.default.fail(`${name} differs between two builds of the real book, line ${i + 1}:\n${la[i]?.slice(0, 200)}\n${lb[i]?.slice(0, 200)}`);
        }
    }
    const chapters = fs.readdirSync(path.join(book_helpers_1.ROOT, 'chapters')).filter((f) => f.endsWith('.md') && f !== 'index.md').sort();
    strict_1.default.deepEqual(r.pages.filter((p) => p !== 'index.html').sort(), chapters.map((c) => c.replace(/\.md$/, '.html')));
    for (const ch of chapters) {
        const src = fs.readFileSync(path.join(book_helpers_1.ROOT, 'chapters', ch), 'utf8');
        const html = read(book_helpers_1.QUICK_BOOK, ch.replace(/\.md$/, '.html'));
        if (/\$/.test(src))
            has(html, /class="katex"/, `${ch}: rendered math`);
        // Each tagged notebook cell that draws a plotly figure must show up with data in the page.
        const shown = [...src.matchAll(/^\s*\{\{notebook ([\w-]+)#([\w-]+)\}\}\s*$/gm)];
        let expected = 0;
        for (const [, name, tag] of shown) {
            const nb = JSON.parse(fs.readFileSync(r.executedFiles[name], 'utf8'));
            for (const cell of nb.cells) {
                if (!(cell.metadata?.tags ?? []).includes(tag))
                    continue;
                for (const o of cell.outputs ?? [])
                    if (o.data && 'application/vnd.plotly.v1+json' in o.data)
                        expected++;
            }
        }
        const figs = figureSpecs(html);
        strict_1.default.equal(figs.length, expected, `${ch}: ${expected} plotly figures expected`);
        for (const f of figs) {
            strict_1.default.ok(f.data.length > 0, `${ch}: a figure without traces`);
            strict_1.default.ok(f.data.some((tr) => (tr.x?.length ?? 0) > 0 || (tr.y?.length ?? 0) > 0 || (tr.z?.length ?? 0) > 0), `${ch}: a figure without data points`);
        }
    }
});
(0, node_test_1.test)('cache key: an edit anywhere under lib/, subfolders included, re-runs the notebooks', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'book-key-'));
    try {
        fs.mkdirSync(path.join(root, 'lib', 'model'), { recursive: true });
        fs.writeFileSync(path.join(root, 'lib', 'model', 'vae.ts'), 'export const a = 1;\n');
        fs.writeFileSync(path.join(root, 'nb.ipynb'), '{"cells": []}');
        const key = () => (0, notebooks_1.cacheKey)({ root, notebookFile: path.join(root, 'nb.ipynb'), profile: 'quick' });
        const before = key();
        strict_1.default.equal(key(), before, 'same inputs, same key');
        fs.writeFileSync(path.join(root, 'lib', 'model', 'vae.ts'), 'export const a = 2;\n');
        strict_1.default.notEqual(key(), before);
    }
    finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
});
