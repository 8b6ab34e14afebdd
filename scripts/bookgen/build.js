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
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildBook = exports.defaultOptions = void 0;
// The book build: chapters/*.md + executed notebooks → a static book in one folder (buildBook, below, names
// its phases).
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const markdown_1 = require("./markdown");
const notebooks_1 = require("./notebooks");
const outputs_1 = require("./outputs");
const layout_1 = require("./layout");
const search_1 = require("./search");
function defaultOptions(root) {
    return {
        root,
        chaptersDir: path.join(root, 'chapters'),
        notebooksDir: path.join(root, 'notebooks'),
        solutionsDir: path.join(root, 'exercises', 'solutions'),
        outDir: path.join(root, 'book'),
        cacheDir: path.join(root, '.cache', 'notebooks'),
        profile: 'full',
        execute: true,
        python: path.join(root, '.venv', 'bin', 'python'),
        executor: path.join(root, 'scripts', 'jupyter', 'execute_notebook.py'),
        cellTimeout: 900,
        log: (m) => process.stderr.write(`book: ${m}\n`),
    };
}
exports.defaultOptions = defaultOptions;
const ASSETS_SRC = path.join(__dirname, 'assets');
function rel(root, p) {
    const r = path.relative(root, p);
    return r && !r.startsWith('..') ? r.split(path.sep).join('/') : p;
}
function copyDir(src, dst, filter = () => true) {
    fs.mkdirSync(dst, { recursive: true });
    for (const name of fs.readdirSync(src).sort()) {
        const s = path.join(src, name);
        if (fs.statSync(s).isDirectory())
            copyDir(s, path.join(dst, name), filter);
        else if (filter(name))
            fs.copyFileSync(s, path.join(dst, name));
    }
}
function emptyEnv(file) {
    return {
        file,
        headings: [],
        sections: [],
        directive: () => {
            throw new Error('directive renderer not installed');
        },
        link: (h) => h,
    };
}
/** Every id="…" in an HTML page. */
function idsOf(html) {
    const ids = new Set();
    for (const m of html.matchAll(/\sid="([^"]*)"/g))
        ids.add(m[1]);
    return ids;
}
/**
 * chapters/*.md + executed notebooks → a static book in one folder, in five phases: parse the chapters, check
 * their directives against the notebooks' sources, execute (or take from the cache) the notebooks whose cells
 * are shown, render the pages, then check every internal link and publish. Everything is built in a sibling
 * folder and swapped in with renames, so a failure at any step leaves the previous book untouched.
 */
async function buildBook(opts) {
    const md = (0, markdown_1.createMarkdown)();
    const parsed = parseChapters(md, opts);
    const sources = checkDirectives(parsed.all, opts);
    const result = { pages: [], figures: 0, executed: [], cached: [], executedFiles: {} };
    const executed = executeNotebooks(sources, opts, result);
    const outDir = path.resolve(opts.outDir);
    const tmpDir = path.join(path.dirname(outDir), `.${path.basename(outDir)}-build`);
    fs.rmSync(tmpDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(tmpDir, 'assets'), { recursive: true });
    try {
        const site = renderSite(md, parsed, sources, executed, opts, result);
        writeSite(site, tmpDir, opts);
        result.pages = [...site.pagesHtml.keys()];
        swapInto(tmpDir, outDir);
    }
    catch (e) {
        fs.rmSync(tmpDir, { recursive: true, force: true });
        throw e;
    }
    return result;
}
exports.buildBook = buildBook;
/** Phase 1: parse every chapter; learn titles and headings. */
function parseChapters(md, opts) {
    const root = opts.root;
    if (!fs.existsSync(opts.chaptersDir))
        throw new markdown_1.BookError(`no chapters folder: ${opts.chaptersDir}`);
    const chapterFiles = fs
        .readdirSync(opts.chaptersDir)
        .filter((f) => f.endsWith('.md') && f !== 'index.md' && !f.startsWith('.'))
        .sort();
    if (chapterFiles.length === 0)
        throw new markdown_1.BookError(`no chapters (*.md) in ${rel(root, opts.chaptersDir)}`);
    const indexFile = path.join(opts.chaptersDir, 'index.md');
    const index = fs.existsSync(indexFile)
        ? parseChapter(md, indexFile, 'index.html', 0, root)
        : {
            file: indexFile, rel: rel(root, indexFile), base: 'index', href: 'index.html', src: '', env: emptyEnv('index'),
            tokens: [], ref: { href: 'index.html', number: 0, title: 'Variational Autoencoders', titleHtml: 'Variational Autoencoders', headings: [] },
        };
    const chapters = chapterFiles.map((f, i) => parseChapter(md, path.join(opts.chaptersDir, f), f.replace(/\.md$/, '.html'), i + 1, root));
    return { index, chapters, all: [index, ...chapters] };
}
function parseChapter(md, file, href, number, root) {
    const r = rel(root, file);
    const src = fs.readFileSync(file, 'utf8');
    const env = emptyEnv(r);
    const tokens = md.parse(src, env);
    const h1 = env.headings.find((h) => h.level === 1);
    if (number > 0 && (!h1 || env.headings[0] !== h1)) {
        throw new markdown_1.BookError(`${r}:1: a chapter must start with a "# Title" line`);
    }
    // Titles in tables of contents: the h1's inline HTML (math rendered).
    let titleHtml = '';
    const h1Index = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h1');
    if (h1Index >= 0)
        titleHtml = headingHtml(md, tokens[h1Index + 1], env);
    let h = 0;
    for (let k = 0; k < tokens.length; k++) {
        if (tokens[k].type === 'heading_open')
            env.headings[h++].html = headingHtml(md, tokens[k + 1], env);
    }
    const title = h1?.text ?? 'Variational Autoencoders';
    const base = path.basename(file, '.md');
    return {
        file, rel: r, base, href, src, env, tokens,
        ref: { href, number, title, titleHtml: titleHtml || (0, markdown_1.escapeHtml)(title), headings: env.headings },
    };
}
/** Phase 2: every {{notebook …}} and {{solution …}} directive names a notebook, tag or exercise that exists. */
function checkDirectives(all, opts) {
    const root = opts.root;
    const sources = { notebooks: new Map(), solutions: new Map(), needed: [] };
    const notebookSource = (name, where) => {
        let nb = sources.notebooks.get(name);
        if (!nb) {
            const file = path.join(opts.notebooksDir, `${name}.ipynb`);
            if (!fs.existsSync(file)) {
                const known = fs.existsSync(opts.notebooksDir)
                    ? fs.readdirSync(opts.notebooksDir).filter((f) => f.endsWith('.ipynb')).map((f) => f.replace(/\.ipynb$/, '')).sort()
                    : [];
                throw new markdown_1.BookError(`${where}: unknown notebook "${name}" (no ${rel(root, file)}; known: ${known.join(', ') || 'none'})`);
            }
            nb = (0, notebooks_1.readNotebook)(file);
            sources.notebooks.set(name, nb);
        }
        return nb;
    };
    const solutionSource = (name, where) => {
        let nb = sources.solutions.get(name);
        if (!nb) {
            const file = path.join(opts.solutionsDir, `${name}.ipynb`);
            if (!fs.existsSync(file))
                throw new markdown_1.BookError(`${where}: unknown solutions notebook "${name}" (no ${rel(root, file)})`);
            nb = (0, notebooks_1.readNotebook)(file);
            sources.solutions.set(name, nb);
        }
        return nb;
    };
    for (const ch of all) {
        for (const t of walk(ch.tokens)) {
            if (t.type !== 'book_directive')
                continue;
            const d = t.meta;
            const where = `${ch.rel}:${d.line}`;
            if (d.kind === 'notebook') {
                const nb = notebookSource(d.name, where);
                if (d.fragment) {
                    if ((0, notebooks_1.cellsWithTag)(nb, d.fragment).length === 0) {
                        throw new markdown_1.BookError(`${where}: unknown tag "${d.fragment}" in notebooks/${d.name}.ipynb (tags: ${(0, notebooks_1.allTags)(nb).join(', ') || 'none'})`);
                    }
                    if (!sources.needed.includes(d.name))
                        sources.needed.push(d.name);
                }
            }
            else {
                const nb = solutionSource(d.name, where);
                if (!(0, notebooks_1.solutionCell)(nb, d.fragment ?? '')) {
                    throw new markdown_1.BookError(`${where}: unknown solution id "${d.fragment}" in ${rel(root, path.join(opts.solutionsDir, d.name + '.ipynb'))} (ids: ${(0, notebooks_1.exerciseIds)(nb).join(', ') || 'none'})`);
                }
            }
        }
    }
    return sources;
}
/** Phase 3: the executed notebooks, from the cache or run by the executor. */
function executeNotebooks(sources, opts, result) {
    const root = opts.root;
    const executed = new Map();
    for (const name of sources.needed) {
        const file = path.join(opts.notebooksDir, `${name}.ipynb`);
        const key = (0, notebooks_1.cacheKey)({ root, notebookFile: file, profile: opts.profile });
        const cached = (0, notebooks_1.cachePath)(opts.cacheDir, name, key, opts.profile);
        if (fs.existsSync(cached)) {
            result.cached.push(name);
        }
        else if (!opts.execute) {
            throw new markdown_1.BookError(`--no-execute: notebooks/${name}.ipynb has no cached execution for profile "${opts.profile}" (expected ${rel(root, cached)}); build once without --no-execute`);
        }
        else {
            opts.log(`executing notebooks/${name}.ipynb (profile ${opts.profile}) …`);
            const exec = () => (0, notebooks_1.executeNotebook)(file, cached, {
                root, python: opts.python, executor: opts.executor, profile: opts.profile, timeout: opts.cellTimeout, log: opts.log,
            });
            try {
                exec();
            }
            catch (e) {
                // tslab watches the lib/*.ts files a notebook imports; an edit during the run can trip its rebuild timer
                // ("Unexpected pending rebuildTimer") although the notebook is fine. One more run, then the error stands.
                if (!(e instanceof markdown_1.BookError && /Unexpected pending rebuildTimer/.test(e.message)))
                    throw e;
                opts.log(`${e.message}: a library file changed during the run; executing once more`);
                exec();
            }
            result.executed.push(name);
            (0, notebooks_1.pruneCache)(opts.cacheDir, name, opts.profile, cached);
        }
        const nb = (0, notebooks_1.readNotebook)(cached);
        const err = (0, notebooks_1.firstError)(nb);
        if (err)
            throw new markdown_1.BookError(`${rel(root, file)}: ${err}`);
        if (nb.cells.length !== sources.notebooks.get(name).cells.length) {
            throw new markdown_1.BookError(`${rel(root, cached)}: cached execution has ${nb.cells.length} cells, the notebook ${sources.notebooks.get(name).cells.length}`);
        }
        executed.set(name, nb);
        result.executedFiles[name] = cached;
    }
    return executed;
}
/** Phase 4: every page rendered in memory, with the files it needs listed. */
function renderSite(md, parsed, sources, executed, opts, result) {
    const site = { pagesHtml: new Map(), assets: new Map(), copies: new Map(), links: [], searchSections: [], anyFigures: false };
    const { all, chapters } = parsed;
    for (const [i, ch] of all.entries()) {
        const ctx = {
            notebook: '',
            figurePrefix: `fig-${ch.base}`,
            figureCount: 0,
            asset: (bytes, ext) => {
                const name = `assets/img/${(0, outputs_1.contentHash)(bytes)}.${ext}`;
                site.assets.set(name, bytes);
                return name;
            },
        };
        ch.env.directive = (d) => renderDirective(md, d, ctx, sources, executed, site, opts);
        ch.env.link = (href, line, kind) => resolveLink(href, line, kind, ch, opts, site.copies, site.links);
        let body = ch.src ? md.renderer.render(ch.tokens, md.options, ch.env) : '';
        if (ch.ref.number === 0) {
            if (!ch.env.headings.some((x) => x.level === 1)) {
                body = `<h1 id="top">${(0, markdown_1.escapeHtml)(parsed.index.ref.title)}</h1>\n${body}`;
            }
            body += tableOfContents(chapters.map((c) => c.ref));
        }
        site.anyFigures || (site.anyFigures = ctx.figureCount > 0);
        result.figures += ctx.figureCount;
        const page = (0, layout_1.renderPage)({
            bookTitle: parsed.index.ref.title,
            pages: all.map((c) => c.ref),
            current: ch.ref,
            body,
            hasFigures: ctx.figureCount > 0,
            prev: all[i - 1]?.ref,
            next: all[i + 1]?.ref,
        });
        site.pagesHtml.set(ch.href, page);
        for (const s of ch.env.sections) {
            site.searchSections.push({ page: ch.href, pageTitle: ch.ref.title, number: ch.ref.number, id: s.id, title: s.title, text: s.text.join(' ') });
        }
    }
    // Every notebook is copied (each chapter may link any); names starting with '_' or '.' are scratch files.
    if (fs.existsSync(opts.notebooksDir)) {
        for (const f of fs.readdirSync(opts.notebooksDir).filter((x) => x.endsWith('.ipynb') && !/^[_.]/.test(x)).sort()) {
            site.copies.set(`notebooks/${f}`, path.join(opts.notebooksDir, f));
        }
    }
    return site;
}
/** A {{solution …}} or {{notebook …}} directive as HTML. */
function renderDirective(md, d, ctx, sources, executed, site, opts) {
    if (d.kind === 'solution') {
        const cell = (0, notebooks_1.solutionCell)(sources.solutions.get(d.name), d.fragment);
        const lang = cell.cell_type === 'code' ? 'typescript' : '';
        const body = cell.cell_type === 'markdown'
            ? md.render((0, notebooks_1.joinSource)(cell.source), emptyEnv(`${d.name}#${d.fragment}`))
            : `<pre class="code"><code class="hljs language-typescript">${(0, markdown_1.highlightCode)((0, notebooks_1.joinSource)(cell.source).replace(/\n+$/, ''), lang)}</code></pre>\n`;
        return (`<details class="solution solution-code" id="solution-${(0, markdown_1.escapeHtml)(d.fragment)}"><summary>Solution: <code>${(0, markdown_1.escapeHtml)(d.fragment)}</code></summary>\n` +
            `<div class="details-body">\n<p class="cell-caption">Reference answer from <code>exercises/solutions/${(0, markdown_1.escapeHtml)(d.name)}.ipynb</code></p>\n${body}</div>\n</details>\n`);
    }
    const href = `notebooks/${d.name}.ipynb`;
    site.copies.set(href, path.join(opts.notebooksDir, `${d.name}.ipynb`));
    if (!d.fragment) {
        return (`<aside class="callout callout-notebook"><p class="callout-title">Notebook</p>\n` +
            `<p><a class="notebook-download" href="${href}" download>Download <code>${(0, markdown_1.escapeHtml)(d.name)}.ipynb</code></a>. ` +
            `To run it yourself, <code>npm run lab</code> opens JupyterLab on <code>notebooks/</code> with the TypeScript (tslab) kernel; ` +
            `open <code>${(0, markdown_1.escapeHtml)(d.name)}.ipynb</code> there and run the cells top to bottom.</p>\n</aside>\n`);
    }
    const nb = executed.get(d.name);
    ctx.notebook = `notebooks/${d.name}.ipynb`;
    return (0, notebooks_1.cellsWithTag)(nb, d.fragment)
        .map(({ index: n, cell }) => cell.cell_type === 'markdown'
        ? md.render((0, notebooks_1.joinSource)(cell.source), emptyEnv(`notebooks/${d.name}.ipynb cell ${n}`))
        : (0, outputs_1.renderCell)(cell, n, ctx, href))
        .join('\n');
}
/** Phase 5: copy the files, check every internal link and anchor, then write pages and assets into `dir`. */
function writeSite(site, dir, opts) {
    for (const [dst, src] of [...site.copies.entries()].sort()) {
        fs.mkdirSync(path.dirname(path.join(dir, dst)), { recursive: true });
        fs.copyFileSync(src, path.join(dir, dst));
    }
    checkLinks(site, dir);
    for (const [name, html] of site.pagesHtml)
        fs.writeFileSync(path.join(dir, name), html);
    for (const [name, bytes] of [...site.assets.entries()].sort()) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), bytes);
    }
    writeAssets(dir, opts.root, site.anyFigures);
    fs.writeFileSync(path.join(dir, 'assets', 'search-index.js'), (0, search_1.buildSearchIndex)(site.searchSections));
}
/** Every internal link points at a page or copied file, and every anchor at an id on that page. */
function checkLinks(site, dir) {
    const idCache = new Map();
    for (const l of site.links) {
        const target = l.target || l.page;
        const html = site.pagesHtml.get(target);
        if (!html && !fs.existsSync(path.join(dir, target)))
            throw new markdown_1.BookError(`${l.where}: broken link to ${target}`);
        if (l.anchor) {
            if (!html)
                continue;
            if (!idCache.has(target))
                idCache.set(target, idsOf(html));
            if (!idCache.get(target).has(l.anchor)) {
                throw new markdown_1.BookError(`${l.where}: link to ${target}#${l.anchor}: no such anchor on that page`);
            }
        }
    }
}
/** A heading's inline HTML for tables of contents: math rendered, links and images left out (a TOC entry is a link). */
function headingHtml(md, inline, env) {
    const children = (inline.children ?? []).filter((t) => !['link_open', 'link_close', 'image'].includes(t.type));
    return md.renderer.renderInline(children, md.options, env);
}
function* walk(tokens) {
    for (const t of tokens) {
        yield t;
        if (t.children)
            yield* walk(t.children);
    }
}
function tableOfContents(refs) {
    const strip = (s) => s.replace(/<\/?a\b[^>]*>/g, '');
    const items = refs
        .map((r) => {
        const secs = r.headings.filter((x) => x.level === 2);
        const sub = secs.length
            ? `\n<ol class="toc-sections">${secs.map((x) => `<li><a href="${r.href}#${(0, markdown_1.escapeHtml)(x.id)}">${strip(x.html)}</a></li>`).join('')}</ol>`
            : '';
        return `<li><a class="toc-chapter" href="${r.href}"><span class="chapter-number">${r.number}</span> ${strip(r.titleHtml)}</a>${sub}</li>`;
    })
        .join('\n');
    return `<section class="book-toc" aria-labelledby="contents">\n<h2 id="contents">Contents<a class="anchor" href="#contents" aria-label="Link to this section">#</a></h2>\n<ol class="toc-full">\n${items}\n</ol>\n</section>\n`;
}
/**
 * Rewrites a link written in a chapter (relative to chapters/) into a book URL, and records it for the link check.
 * Chapters (`x.md`) become `x.html`; other files of the repository (notebooks, exercises, images) are copied into
 * the book at their repository path (files next to the chapters at the book's root), so nothing points outside.
 */
function resolveLink(href, line, kind, ch, opts, copies, links) {
    const where = `${ch.rel}:${line}`;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) {
        if (kind === 'image') {
            throw new markdown_1.BookError(`${where}: image "${href}" is not a local file (the book makes no request outside itself)`);
        }
        if (/^(https?|mailto):/i.test(href))
            return href;
        throw new markdown_1.BookError(`${where}: unsupported link "${href}"`);
    }
    const hashAt = href.indexOf('#');
    let pathPart;
    let anchor;
    try {
        pathPart = decodeURI(hashAt >= 0 ? href.slice(0, hashAt) : href);
        anchor = hashAt >= 0 ? decodeURIComponent(href.slice(hashAt + 1)) : '';
    }
    catch {
        throw new markdown_1.BookError(`${where}: malformed link "${href}"`);
    }
    if (!pathPart) {
        links.push({ page: ch.href, target: '', anchor, where });
        return href;
    }
    const abs = path.resolve(path.dirname(ch.file), pathPart);
    const inChapters = path.relative(opts.chaptersDir, abs);
    const inRoot = path.relative(opts.root, abs);
    let target;
    if (!inChapters.startsWith('..') && abs.endsWith('.md')) {
        if (!fs.existsSync(abs))
            throw new markdown_1.BookError(`${where}: broken link to ${href} (no such chapter)`);
        target = inChapters.split(path.sep).join('/').replace(/\.md$/, '.html');
    }
    else if (!fs.existsSync(abs) || fs.statSync(abs).isDirectory()) {
        throw new markdown_1.BookError(`${where}: broken link to ${href} (no such file ${rel(opts.root, abs)})`);
    }
    else if (!inChapters.startsWith('..')) {
        target = inChapters.split(path.sep).join('/');
        copies.set(target, abs);
    }
    else if (!inRoot.startsWith('..') && !path.isAbsolute(inRoot)) {
        const r = inRoot.split(path.sep).join('/');
        target = abs.startsWith(path.resolve(opts.notebooksDir) + path.sep)
            ? `notebooks/${path.relative(opts.notebooksDir, abs).split(path.sep).join('/')}`
            : /^(exercises|notebooks)\//.test(r) ? r : `files/${r}`;
        copies.set(target, abs);
    }
    else {
        throw new markdown_1.BookError(`${where}: link ${href} points outside the repository`);
    }
    links.push({ page: ch.href, target, anchor, where });
    return anchor ? `${encodeURI(target)}#${encodeURIComponent(anchor)}` : encodeURI(target);
}
function writeAssets(dir, root, withPlotly) {
    const assets = path.join(dir, 'assets');
    copyDir(ASSETS_SRC, assets);
    const katexDist = path.dirname(require.resolve('katex/dist/katex.min.css', { paths: [root] }));
    fs.mkdirSync(path.join(assets, 'katex'), { recursive: true });
    fs.copyFileSync(path.join(katexDist, 'katex.min.css'), path.join(assets, 'katex', 'katex.min.css'));
    copyDir(path.join(katexDist, 'fonts'), path.join(assets, 'katex', 'fonts'));
    if (withPlotly) {
        fs.copyFileSync(require.resolve('plotly.js-dist/plotly.js', { paths: [root] }), path.join(assets, 'plotly.js'));
    }
}
/** Publishes tmp as out with renames: out → .old, tmp → out, then .old is removed. */
function swapInto(tmp, out) {
    const old = path.join(path.dirname(out), `.${path.basename(out)}-build-old`);
    fs.rmSync(old, { recursive: true, force: true });
    if (fs.existsSync(out))
        fs.renameSync(out, old);
    try {
        fs.renameSync(tmp, out);
    }
    catch (e) {
        if (fs.existsSync(old))
            fs.renameSync(old, out);
        throw e;
    }
    fs.rmSync(old, { recursive: true, force: true });
}
