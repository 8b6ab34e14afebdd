// The book build: chapters/*.md + executed notebooks → a static book in one folder (buildBook, below, names
// its phases).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { BookError, createMarkdown, Directive, escapeHtml, FigureHooks, Heading, RenderEnv, highlightCode, widgetFigureId } from './markdown';
import {
  allTags, cacheKeyDetails, cachePath, cellsWithTag, executeNotebook, Execution, exerciseIds, firstError, joinSource, Notebook,
  Profile, pruneCache, readNotebook, solutionCell,
} from './notebooks';
import { contentHash, OutputContext, renderCell } from './outputs';
import { Claim, checkClaims, checkClaimSyntax } from './claims';
import { LoadedTable, loadTable, renderTable } from './measurements';
import { cellFigures, FigureIndex, FigurePage, figureRef, inlineSvg, numberFigures } from './figures';
import { PageRef, renderPage, searchIndexFile } from './layout';
import { EDITIONS, Edition, editionHref, Lang, UI, UiStrings } from './i18n';
import { chapterStructure, checkParity, readFigureTexts, readFrontMatter, staleness } from './translations';
import { FigureDecl } from './figures';
import { buildSearchIndex, SearchSection } from './search';
import { bundleWidgets, minifiedPlotly } from './bundle';
import { checkWidgets, prepareWidgets, WidgetSite, WIDGETS_BUNDLE } from './widgets/site';
import { buildLiteSite, LITE_DIR, liteUnavailable, openInBrowserHtml } from './lite';

export interface BuildOptions {
  /** Repository root (lib/, package-lock.json, node_modules/ are found here). */
  root: string;
  /** index.md (intro, book title) and the chapters NN-name.md, in filename order. */
  chaptersDir: string;
  /** The tslab notebooks named by {{notebook …}}; all of them are copied into the book for download. */
  notebooksDir: string;
  /** exercises/solutions: the reference answers shown by {{solution …}}. */
  solutionsDir: string;
  /** The published folder; the build happens in a sibling folder and replaces it only on success. */
  outDir: string;
  /** Executed notebooks, one file per (notebook, profile, cacheKey). */
  cacheDir: string;
  /** VAE_PROFILE for the notebooks: 'full' for the published book, 'quick' for tests. */
  profile: Profile;
  /** false = --no-execute: executed notebooks must already be in the cache. */
  execute: boolean;
  /** The project's venv Python, which has nbclient and the tslab kernel (npm run setup). */
  python: string;
  /** scripts/jupyter/execute_notebook.py, the one executor of the project. */
  executor: string;
  /** Seconds per cell passed to the executor. */
  cellTimeout: number;
  /**
   * Notebooks executed at a time. Each kernel trains on one thread (libtensorflow's and wasm's default), so one
   * per core: two on the 2-core machine the book is built on.
   */
  jobs: number;
  /** Progress messages (executions and their durations). */
  log: (msg: string) => void;
  /** The exercises' student notebooks, put into the JupyterLite site (not their solutions). */
  exercisesDir: string;
  /** false = --no-lite: no JupyterLite site (book/lite/, scripts/bookgen/lite.ts), and no links to it. */
  lite: boolean;
  /** The records of `npm run measure -- … --record` that {{measurements …}} tables read (scripts/bookgen/measurements.ts). */
  measurementsDir: string;
}

export function defaultOptions(root: string): BuildOptions {
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
    jobs: Math.max(1, Math.min(os.cpus().length, 4)),
    log: (m) => process.stderr.write(`book: ${m}\n`),
    exercisesDir: path.join(root, 'exercises'),
    lite: true,
    measurementsDir: path.join(root, 'measurements'),
  };
}

export interface BuildResult {
  pages: string[];
  /** Numbered figures (notebook outputs, diagrams, interactive figures). */
  figures: number;
  /** Of the notebook outputs, the plotly figures. */
  plots: number;
  executed: string[];
  cached: string[];
  /** Executed notebook used for each shown notebook (a file in the cache). */
  executedFiles: Record<string, string>;
  /** Notebooks executed by this build: seconds and the backend they reported. */
  executions: Record<string, { seconds: number; backend: string }>;
  /** Claims held to (full profile) or only evaluated (quick profile). */
  claims: { checked: number; skipped: number; wouldFail: number };
  /** The measurement records the tables show, and those measured with code older than their recipe's (warned about). */
  measurements: { records: number; stale: string[] };
  /** The JupyterLite site's size, when built. */
  lite?: { bytes: number; files: number };
  /** Each translated edition: its chapters (base names) translated and not, and the translations older than their source. */
  translations: { lang: Lang; translated: string[]; untranslated: string[]; stale: string[] }[];
}

interface Chapter {
  file: string; // absolute
  rel: string; // for messages, relative to root
  base: string; // "03-vae"
  href: string; // "03-vae.html"
  src: string;
  env: RenderEnv;
  tokens: MarkdownIt.Token[];
  ref: PageRef;
  /** The edition it belongs to. */
  lang: Lang;
  /** Links and images resolve against this folder: the English chapters' (a translation copies its links unchanged). */
  linkDir: string;
  /** Front matter fields (a translation's translated-from). */
  front: Record<string, string>;
  /** In a translated edition: the file names (NN-name.md) it has translated, which its chapter links go to. */
  translated?: Set<string>;
}

interface PendingLink {
  page: string;
  target: string; // book-relative path (may be '' = same page)
  anchor: string;
  where: string;
}

const ASSETS_SRC = path.join(__dirname, 'assets');

function rel(root: string, p: string): string {
  const r = path.relative(root, p);
  return r && !r.startsWith('..') ? r.split(path.sep).join('/') : p;
}

function copyDir(src: string, dst: string, filter: (name: string) => boolean = () => true): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const name of fs.readdirSync(src).sort()) {
    const s = path.join(src, name);
    if (fs.statSync(s).isDirectory()) copyDir(s, path.join(dst, name), filter);
    else if (filter(name)) fs.copyFileSync(s, path.join(dst, name));
  }
}

function emptyEnv(file: string): RenderEnv {
  return {
    file,
    headings: [],
    sections: [],
    directive: () => {
      throw new Error('directive renderer not installed');
    },
    link: (h: string) => h,
    figures: {
      label: () => {
        throw new BookError(`${file}: figure references are not available here`);
      },
      ref: () => {
        throw new BookError(`${file}: figure references are not available here`);
      },
      media: () => {
        throw new BookError(`${file}: figures are not available here`);
      },
    },
  };
}

/** Every id="…" in an HTML page. */
function idsOf(html: string): Set<string> {
  const ids = new Set<string>();
  for (const m of html.matchAll(/\sid="([^"]*)"/g)) ids.add(m[1]);
  return ids;
}

/** The chapters and the index page, parsed: titles, headings and directives known, nothing rendered yet. */
interface Parsed {
  index: Chapter;
  chapters: Chapter[];
  /** index first, then the chapters in order. */
  all: Chapter[];
}

/** The notebooks the chapters show, read from their sources, and the solutions notebooks they quote. */
interface Sources {
  notebooks: Map<string, Notebook>;
  solutions: Map<string, Notebook>;
  /** Notebooks whose cells a chapter shows or whose results it claims (so they must be executed), in order of first use. */
  needed: string[];
  /** Every {{claim …}} of every chapter, in order. */
  claims: Claim[];
  /** The records of each {{measurements …}} table, loaded and checked once. */
  measurements: Map<string, LoadedTable>;
}

/** What rendering produced, before anything is written. */
interface Site {
  pagesHtml: Map<string, string>;
  /** Content-addressed images from notebook outputs. */
  assets: Map<string, Buffer>;
  /** Book path → repository file to copy (notebooks, linked files). */
  copies: Map<string, string>;
  links: PendingLink[];
  searchSections: Map<Lang, SearchSection[]>;
  anyFigures: boolean;
}

/**
 * chapters/*.md + executed notebooks → a static book in one folder, in five phases: parse the chapters, check
 * their directives against the notebooks' sources, execute (or take from the cache) the notebooks whose cells
 * are shown, render the pages, then check every internal link, build the JupyterLite site and publish. Everything is built in a sibling
 * folder and swapped in with renames, so a failure at any step leaves the previous book untouched.
 */
export async function buildBook(options: BuildOptions): Promise<BuildResult> {
  let opts = options;
  const noLite = opts.lite ? liteUnavailable(opts.python) : null;
  if (noLite) {
    opts.log(`no JupyterLite site and no "Open in the browser" links: ${noLite}`);
    opts = { ...opts, lite: false };
  }
  const md = createMarkdown();
  const parsed = parseChapters(md, opts);
  const sources = checkDirectives(parsed.all, opts);
  const stale = [...sources.measurements.values()].flatMap((t) => t.warnings);
  for (const w of stale) opts.log(`warning: ${w}`);
  // Captions and alt texts are checked before the notebooks run (a missing one fails at once, not after the training),
  // then numbered with the executed outputs, which say how many figures each cell shows.
  numberFigures(figurePages(parsed), { notebooks: sources.notebooks });
  checkWidgets(parsed.all);
  const translated = parseEditions(md, opts, parsed);
  for (const t of translated) checkWidgets(t.parsed.all);
  const result: BuildResult = {
    pages: [], figures: 0, plots: 0, executed: [], cached: [], executedFiles: {}, executions: {}, claims: { checked: 0, skipped: 0, wouldFail: 0 },
    measurements: {
      records: [...sources.measurements.values()].reduce((n, t) => n + t.required.length + t.optional.length, 0),
      stale: [...sources.measurements.values()].flatMap((t) => [...t.required, ...t.optional].filter((r) => r.stale).map((r) => r.file)),
    },
    translations: translated.map((t) => ({
      lang: t.edition.lang, translated: t.parsed.chapters.map((c) => c.base), untranslated: t.untranslated, stale: t.stale,
    })),
  };
  const executed = await executeNotebooks(sources, opts, result);
  result.claims = checkClaims(sources.claims, executed, opts.profile, opts.log);
  const figures = numberFigures(figurePages(parsed), { notebooks: sources.notebooks, executed });
  result.figures = figures.size;
  for (const t of translated) {
    const ui = UI[t.edition.lang];
    const own = numberFigures(figurePages(t.parsed), { notebooks: sources.notebooks, executed }, ui);
    // A reference to a figure of a chapter not translated yet links to the English page, labelled in this edition's words.
    t.figures = new Map([...figures].map(([id, f]) => [id, own.get(id) ?? { ...f, label: ui.figure(f.number) }]));
  }
  const widgets = await prepareWidgets(parsed.all, result.executedFiles, { log: opts.log, profile: opts.profile });
  const outDir = path.resolve(opts.outDir);
  const tmpDir = path.join(path.dirname(outDir), `.${path.basename(outDir)}-build`);
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(tmpDir, 'assets'), { recursive: true });
  try {
    const site = renderSite(md, parsed, translated, sources, executed, figures, opts, result, widgets);
    await addScripts(site, widgets, opts.root);
    writeSite(site, tmpDir, opts);
    result.pages = [...site.pagesHtml.keys()];
    if (opts.lite) {
      result.lite = await buildLiteSite({
        root: opts.root, python: opts.python, notebooksDir: opts.notebooksDir, exercisesDir: opts.exercisesDir,
        outDir: path.join(tmpDir, LITE_DIR), cacheDir: path.join(opts.root, '.cache', 'lite'), profile: opts.profile, log: opts.log,
      });
      opts.log(`JupyterLite site: ${result.lite.files} files, ${(result.lite.bytes / 1e6).toFixed(1)} MB in ${LITE_DIR}/`);
    }
    swapInto(tmpDir, outDir);
  } catch (e) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw e;
  }
  return result;
}

/** Phase 1: parse every chapter; learn titles and headings. */
function parseChapters(md: MarkdownIt, opts: BuildOptions): Parsed {
  const root = opts.root;
  if (!fs.existsSync(opts.chaptersDir)) throw new BookError(`no chapters folder: ${opts.chaptersDir}`);
  const chapterFiles = fs
    .readdirSync(opts.chaptersDir)
    .filter((f) => f.endsWith('.md') && f !== 'index.md' && !f.startsWith('.'))
    .sort();
  if (chapterFiles.length === 0) throw new BookError(`no chapters (*.md) in ${rel(root, opts.chaptersDir)}`);
  const indexFile = path.join(opts.chaptersDir, 'index.md');
  const index: Chapter = fs.existsSync(indexFile)
    ? parseChapter(md, indexFile, 'index.html', 0, opts)
    : {
        file: indexFile, rel: rel(root, indexFile), base: 'index', href: 'index.html', src: '', env: emptyEnv('index'),
        tokens: [], ref: { href: 'index.html', number: 0, title: 'Variational Autoencoders', titleHtml: 'Variational Autoencoders', headings: [] },
        lang: 'en', linkDir: opts.chaptersDir, front: {},
      };
  const chapters = chapterFiles.map((f, i) => parseChapter(md, path.join(opts.chaptersDir, f), f.replace(/\.md$/, '.html'), i + 1, opts));
  return { index, chapters, all: [index, ...chapters] };
}

function parseChapter(md: MarkdownIt, file: string, href: string, number: number, opts: BuildOptions, lang: Lang = 'en'): Chapter {
  const root = opts.root;
  const r = rel(root, file);
  const front = readFrontMatter(fs.readFileSync(file, 'utf8'), r);
  const src = front.body;
  const env: RenderEnv = { ...emptyEnv(r), ui: UI[lang] };
  const tokens = md.parse(src, env);
  const h1 = env.headings.find((h) => h.level === 1);
  if (number > 0 && (!h1 || env.headings[0] !== h1)) {
    throw new BookError(`${r}:1: a chapter must start with a "# Title" line`);
  }
  // Titles in tables of contents: the h1's inline HTML (math rendered).
  let titleHtml = '';
  const h1Index = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h1');
  if (h1Index >= 0) titleHtml = headingHtml(md, tokens[h1Index + 1], env);
  let h = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].type === 'heading_open') env.headings[h++].html = headingHtml(md, tokens[k + 1], env);
  }
  const title = h1?.text ?? 'Variational Autoencoders';
  const base = path.basename(file, '.md');
  return {
    file, rel: r, base, href, src, env, tokens,
    ref: { href, number, title, titleHtml: titleHtml || escapeHtml(title), headings: env.headings },
    lang, linkDir: opts.chaptersDir, front: front.fields,
  };
}

/** A translated edition, parsed and checked against the English one. */
interface TranslatedEdition {
  edition: Edition;
  /** Its index page and the chapters it has translated (numbered as in English). */
  parsed: Parsed;
  /** Its sidebar: every chapter of the book, the untranslated ones as English pages marked as such. */
  pages: PageRef[];
  /** English chapters (base names) it has no translation of: they are not built in this edition. */
  untranslated: string[];
  /** Translations whose English source changed since (the build's warnings). */
  stale: string[];
  /** Translated captions and alt texts of the notebooks' figures. */
  figureTexts: Map<string, Omit<FigureDecl, 'id'>>;
  /** Figure numbers in this edition's words, set once the notebooks are executed. */
  figures: FigureIndex;
}

/**
 * Phase 1b: every edition folder that exists (chapters/zh/ …) parsed. A translation must show what its English source
 * shows (structure parity: an error naming what differs); a source changed since its translation is a warning. A chapter
 * without translation is not built in that edition (its sidebar links to the English page, marked as such), and the
 * build says which. A file there with no English counterpart is an error.
 */
function parseEditions(md: MarkdownIt, opts: BuildOptions, en: Parsed): TranslatedEdition[] {
  const out: TranslatedEdition[] = [];
  for (const edition of Object.values(EDITIONS)) {
    if (!edition.dir) continue;
    const dir = path.join(opts.chaptersDir, edition.dir);
    if (!fs.existsSync(dir)) continue;
    const where = rel(opts.root, dir);
    const known = new Set(['index.md', ...en.chapters.map((c) => `${c.base}.md`)]);
    const strays = fs.readdirSync(dir).filter((f) => f.endsWith('.md') && !known.has(f));
    if (strays.length) throw new BookError(`${where}: ${strays.join(', ')}: no English chapter of that name (a translation has its source's file name)`);
    const indexFile = path.join(dir, 'index.md');
    if (!fs.existsSync(indexFile)) throw new BookError(`${where}: an edition needs its index.md (the book's title and introduction)`);
    const stale: string[] = [];
    const parse = (source: Chapter): Chapter | undefined => {
      const file = path.join(dir, path.basename(source.file));
      if (!fs.existsSync(file)) return undefined;
      const ch = parseChapter(md, file, editionHref(source.href, edition.lang), source.ref.number, opts, edition.lang);
      checkParity(chapterStructure(source.tokens), chapterStructure(ch.tokens), ch.rel, source.rel);
      // Headings keep their English anchors ({#id}), so that the language switch and copied links land on the section.
      const ids = new Set(ch.env.headings.map((h) => h.id));
      const lost = source.env.headings.map((h) => h.id).filter((id) => !ids.has(id));
      if (lost.length) opts.log(`warning: ${ch.rel}: no heading with the English anchor${lost.length > 1 ? 's' : ''} ${lost.map((id) => `{#${id}}`).join(', ')}`);
      const warn = staleness(ch.front, fs.readFileSync(source.file), ch.rel, source.rel);
      if (warn) {
        stale.push(ch.rel);
        opts.log(`warning: ${warn}`);
      }
      return ch;
    };
    const index = parse(en.index)!;
    const chapters: Chapter[] = [];
    const untranslated: string[] = [];
    const pages: PageRef[] = [index.ref];
    for (const c of en.chapters) {
      const t = parse(c);
      if (t) chapters.push(t);
      else untranslated.push(c.base);
      pages.push(t ? t.ref : { ...c.ref, untranslated: true });
    }
    opts.log(
      `${edition.name} (${edition.lang}): ${chapters.length} of ${en.chapters.length} chapters translated` +
        (untranslated.length ? `; not yet: ${untranslated.join(', ')} (their pages stay English only)` : `, all of them`) +
        (stale.length ? `; ${stale.length} page${stale.length === 1 ? '' : 's'} older than ${stale.length === 1 ? 'its' : 'their'} English source (warnings above)` : ''),
    );
    const names = new Set([index, ...chapters].map((c) => path.basename(c.file)));
    for (const c of [index, ...chapters]) c.translated = names;
    const textsFile = path.join(dir, 'notebook-figures.json');
    out.push({
      edition, parsed: { index, chapters, all: [index, ...chapters] }, pages, untranslated, stale,
      figureTexts: readFigureTexts(textsFile, rel(opts.root, textsFile)), figures: new Map(),
    });
  }
  return out;
}

/**
 * Phase 2: every {{notebook …}} and {{solution …}} directive names a notebook, tag or exercise that exists, and every
 * {{measurements …}} table has its records.
 */
function checkDirectives(all: Chapter[], opts: BuildOptions): Sources {
  const root = opts.root;
  const sources: Sources = { notebooks: new Map(), solutions: new Map(), needed: [], claims: [], measurements: new Map() };
  const notebookSource = (name: string, where: string): Notebook => {
    let nb = sources.notebooks.get(name);
    if (!nb) {
      const file = path.join(opts.notebooksDir, `${name}.ipynb`);
      if (!fs.existsSync(file)) {
        const known = fs.existsSync(opts.notebooksDir)
          ? fs.readdirSync(opts.notebooksDir).filter((f) => f.endsWith('.ipynb')).map((f) => f.replace(/\.ipynb$/, '')).sort()
          : [];
        throw new BookError(`${where}: unknown notebook "${name}" (no ${rel(root, file)}; known: ${known.join(', ') || 'none'})`);
      }
      nb = readNotebook(file);
      sources.notebooks.set(name, nb);
    }
    return nb;
  };
  const solutionSource = (name: string, where: string): Notebook => {
    let nb = sources.solutions.get(name);
    if (!nb) {
      const file = path.join(opts.solutionsDir, `${name}.ipynb`);
      if (!fs.existsSync(file)) throw new BookError(`${where}: unknown solutions notebook "${name}" (no ${rel(root, file)})`);
      nb = readNotebook(file);
      sources.solutions.set(name, nb);
    }
    return nb;
  };
  for (const ch of all) {
    for (const t of walk(ch.tokens)) {
      if (t.type !== 'book_directive') continue;
      const d = t.meta as Directive;
      const where = `${ch.rel}:${d.line}`;
      if (d.kind === 'measurements') {
        if (!sources.measurements.has(d.name)) sources.measurements.set(d.name, loadTable(d.name, opts.measurementsDir, root, where));
      } else if (d.kind === 'claim') {
        notebookSource(d.name, where);
        const claim: Claim = { where, notebook: d.name, text: d.claim!.text, predicate: d.claim!.predicate };
        checkClaimSyntax(claim);
        sources.claims.push(claim);
        if (!sources.needed.includes(d.name)) sources.needed.push(d.name);
      } else if (d.kind === 'notebook') {
        const nb = notebookSource(d.name, where);
        if (d.fragment) {
          if (cellsWithTag(nb, d.fragment).length === 0) {
            throw new BookError(
              `${where}: unknown tag "${d.fragment}" in notebooks/${d.name}.ipynb (tags: ${allTags(nb).join(', ') || 'none'})`,
            );
          }
          if (!sources.needed.includes(d.name)) sources.needed.push(d.name);
        }
      } else {
        const nb = solutionSource(d.name, where);
        if (!solutionCell(nb, d.fragment ?? '')) {
          throw new BookError(
            `${where}: unknown solution id "${d.fragment}" in ${rel(root, path.join(opts.solutionsDir, d.name + '.ipynb'))} (ids: ${exerciseIds(nb).join(', ') || 'none'})`,
          );
        }
      }
    }
  }
  return sources;
}

/**
 * Phase 3: the executed notebooks, from the cache or run by the executor, `opts.jobs` at a time (higher
 * metadata.book.priority first, then in the order the chapters first use them). Each execution is logged with its
 * time and the backend the notebook reported.
 */
async function executeNotebooks(sources: Sources, opts: BuildOptions, result: BuildResult): Promise<Map<string, Notebook>> {
  const root = opts.root;
  const toRun: { name: string; file: string; cached: string }[] = [];
  const files = new Map<string, string>();
  const keysStarted = Date.now();
  for (const name of sources.needed) {
    const file = path.join(opts.notebooksDir, `${name}.ipynb`);
    const { key, code } = cacheKeyDetails({ root, notebookFile: file, profile: opts.profile });
    if (code.how !== 'bundle') opts.log(`notebooks/${name}.ipynb: its cache key covers every library source (${code.reason})`);
    const cached = cachePath(opts.cacheDir, name, key, opts.profile);
    files.set(name, cached);
    if (fs.existsSync(cached)) {
      result.cached.push(name);
    } else if (!opts.execute) {
      throw new BookError(
        `--no-execute: notebooks/${name}.ipynb has no cached execution for profile "${opts.profile}" (expected ${rel(root, cached)}); build once without --no-execute`,
      );
    } else {
      toRun.push({ name, file, cached });
    }
  }
  // Higher metadata.book.priority first (stable: chapter order otherwise), so that the notebooks that train the most
  // start at once and the short ones fill in around them, rather than a long one starting last on one core.
  const priority = (name: string): number => {
    const p = (sources.notebooks.get(name)?.metadata.book as { priority?: unknown } | undefined)?.priority;
    return typeof p === 'number' ? p : 0;
  };
  toRun.sort((a, b) => priority(b.name) - priority(a.name));
  opts.log(
    `cache keys of ${sources.needed.length} notebook${sources.needed.length === 1 ? '' : 's'} in ${((Date.now() - keysStarted) / 1000).toFixed(2)} s; ` +
      `cached: ${result.cached.join(', ') || 'none'}; to execute: ${toRun.map((t) => t.name).join(', ') || 'none'}`,
  );
  if (toRun.length) {
    const jobs = Math.max(1, Math.min(opts.jobs, toRun.length));
    opts.log(`executing ${toRun.length} notebook${toRun.length === 1 ? '' : 's'} (profile ${opts.profile}), ${jobs} at a time: ${toRun.map((t) => t.name).join(', ')}`);
    const started = Date.now();
    const failures: unknown[] = [];
    let next = 0;
    let done = 0;
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
    const worker = async (): Promise<void> => {
      while (next < toRun.length && failures.length === 0) {
        const { name, file, cached } = toRun[next++];
        opts.log(`executing notebooks/${name}.ipynb … (${next} of ${toRun.length} started, ${elapsed()} in)`);
        try {
          const ex = await executeOnce(file, cached, opts);
          result.executed.push(name);
          result.executions[name] = ex;
          done += 1;
          opts.log(`executed notebooks/${name}.ipynb in ${ex.seconds.toFixed(1)} s on ${ex.backend} (${done} of ${toRun.length} done, ${elapsed()} in)`);
          pruneCache(opts.cacheDir, name, opts.profile, cached);
        } catch (e) {
          failures.push(e);
        }
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    if (failures.length) throw failures[0];
    opts.log(`executed ${toRun.length} notebook${toRun.length === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s of wall time`);
  }
  const executed = new Map<string, Notebook>();
  for (const name of sources.needed) {
    const cached = files.get(name)!;
    const nb = readNotebook(cached);
    const err = firstError(nb);
    if (err) throw new BookError(`${rel(root, path.join(opts.notebooksDir, `${name}.ipynb`))}: ${err}`);
    if (nb.cells.length !== sources.notebooks.get(name)!.cells.length) {
      throw new BookError(`${rel(root, cached)}: cached execution has ${nb.cells.length} cells, the notebook ${sources.notebooks.get(name)!.cells.length}`);
    }
    executed.set(name, nb);
    result.executedFiles[name] = cached;
  }
  return executed;
}

/**
 * One execution, in the kernel without types (scripts/jupyter/tslab-kernel.js, VAE_KERNEL_TYPES=off): types change
 * nothing a cell prints, and type-checking the library's import closure was most of each notebook's first cell.
 * test/notebooks.test.ts runs every notebook with types, as JupyterLab does.
 */
function executeOnce(file: string, cached: string, opts: BuildOptions): Promise<Execution> {
  const where = rel(opts.root, file);
  return executeNotebook(file, cached, {
    root: opts.root, python: opts.python, executor: opts.executor, profile: opts.profile, timeout: opts.cellTimeout,
    env: { VAE_KERNEL_TYPES: 'off' },
    progress: (line) => opts.log(`  ${where}: ${line}`),
  });
}

/** The pages as figures.ts numbers them. */
function figurePages(parsed: Parsed): FigurePage[] {
  return parsed.all.map((ch) => ({
    rel: ch.rel, href: ch.href, number: ch.ref.number, tokens: ch.tokens, headingIds: ch.env.headings.map((h) => h.id),
  }));
}

/** One edition's pages as renderSite renders them. */
interface EditionPages {
  lang: Lang;
  /** Index first, then the chapters this edition has. */
  all: Chapter[];
  /** The sidebar's entries (a translated edition lists the chapters it lacks, as English pages). */
  pages: PageRef[];
  figures: FigureIndex;
  /** Translated captions and alt texts of notebook figures (none for English: the notebooks hold them). */
  figureTexts?: Map<string, Omit<FigureDecl, 'id'>>;
}

/** Phase 4: every page of every edition rendered in memory, with the files it needs listed. */
function renderSite(
  md: MarkdownIt, parsed: Parsed, translated: TranslatedEdition[], sources: Sources, executed: Map<string, Notebook>,
  figures: FigureIndex, opts: BuildOptions, result: BuildResult, widgets: WidgetSite,
): Site {
  const site: Site = { pagesHtml: new Map(), assets: new Map(), copies: new Map(), links: [], searchSections: new Map(), anyFigures: false };
  const editions: EditionPages[] = [
    { lang: 'en', all: parsed.all, pages: parsed.all.map((c) => c.ref), figures },
    ...translated.map((t) => ({ lang: t.edition.lang, all: t.parsed.all, pages: t.pages, figures: t.figures, figureTexts: t.figureTexts })),
  ];
  // Every edition of a page, by the English page's href: the header's switch and the hreflang alternates.
  const versions = new Map<string, Partial<Record<Lang, string>>>();
  for (const e of editions) {
    e.all.forEach((ch, i) => {
      const enHref = parsed.all[e.lang === 'en' ? i : parsed.all.findIndex((c) => c.base === ch.base)].href;
      versions.set(enHref, { ...versions.get(enHref), [e.lang]: ch.href });
    });
  }
  for (const e of editions) {
    const sections: SearchSection[] = [];
    site.searchSections.set(e.lang, sections);
    const ui = UI[e.lang];
    for (const ch of e.all) {
      const ctx: OutputContext = {
        notebook: '',
        figurePrefix: `plot-${ch.base}`,
        figureCount: 0,
        asset: (bytes, ext) => {
          const name = `assets/img/${contentHash(bytes)}.${ext}`;
          site.assets.set(name, bytes);
          return name;
        },
        figures: [],
      };
      ch.env.figures = figureHooks(e.figures, ch, opts, site);
      const cellFigureHooks = (where: string) => figureHooks(e.figures, ch, opts, site, where);
      ch.env.directive = (d) => renderDirective(md, d, ctx, sources, executed, site, opts, ch.env, cellFigureHooks, e.figureTexts);
      ch.env.link = (href, line, kind) => resolveLink(href, line, kind, ch, opts, site.copies, site.links);
      // The first link on a page to an exercise notebook is followed by its link into the JupyterLite site.
      const openedExercises = new Set<string>();
      ch.env.afterLink = (href) => {
        if (!opts.lite || !/^exercises\/[^/]+\.ipynb$/.test(href) || openedExercises.has(href)) return '';
        openedExercises.add(href);
        return ` (${openInBrowserHtml(decodeURI(href), UI[e.lang])})`;
      };
      // A translation's interactive figure is its English one (same id, same models), with the caption of its own text.
      ch.env.widget = (w, part) => (e.lang === 'en' ? widgets.render(ch.rel, w, part) : widgets.renderFigure(widgetFigureId(w.spec), part, e.lang));
      let body = ch.src ? md.renderer.render(ch.tokens, md.options, ch.env) : '';
      if (ch.ref.number === 0) {
        if (!ch.env.headings.some((x) => x.level === 1)) {
          body = `<h1 id="top">${escapeHtml(e.all[0].ref.title)}</h1>\n${body}`;
        }
        body += tableOfContents(e.pages.slice(1), ui);
      }
      site.anyFigures ||= ctx.figureCount > 0;
      result.plots += e.lang === 'en' ? ctx.figureCount : 0;
      const at = e.pages.findIndex((p) => p.href === ch.href);
      const enHref = [...versions].find(([, v]) => v[e.lang] === ch.href)![0];
      const page = renderPage({
        bookTitle: e.all[0].ref.title,
        pages: e.pages,
        current: ch.ref,
        body,
        hasFigures: ctx.figureCount > 0,
        prev: e.pages[at - 1],
        next: e.pages[at + 1],
        lang: e.lang,
        counterparts: versions.get(enHref),
      });
      site.pagesHtml.set(ch.href, page);
      for (const s of ch.env.sections) {
        sections.push({ page: ch.href, pageTitle: ch.ref.title, number: ch.ref.number, id: s.id, title: s.title, text: s.text.join(' ') });
      }
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

/**
 * How a page's figure blocks and @fig references are rendered: numbers from the index, diagrams inlined. Errors name
 * the chapter line, or `where` (a notebook cell whose caption holds the reference).
 */
function figureHooks(figures: FigureIndex, ch: Chapter, opts: BuildOptions, site: Site, where?: string): FigureHooks {
  const ref = (id: string, line: number) => figureRef(figures, id, ch.href, where ?? `${ch.rel}:${line}`);
  return {
    label: (id, line) => ref(id, line).label,
    ref,
    media: (src, alt, line, id) => {
      const url = resolveLink(src, line, 'image', ch, opts, site.copies, site.links);
      const file = src.split('#')[0];
      // A drawn diagram is inlined so that it takes the page's colours (light or dark theme); the file is also copied.
      if (/\.svg$/i.test(file)) return inlineSvg(path.resolve(ch.linkDir, decodeURI(file)), id, alt, `${ch.rel}:${line}`);
      return `<img class="figure-image" src="${escapeHtml(url)}" alt="${escapeHtml(alt)}">\n`;
    },
  };
}

/** A {{solution …}} or {{notebook …}} directive as HTML. */
function renderDirective(
  md: MarkdownIt, d: Directive, ctx: OutputContext, sources: Sources, executed: Map<string, Notebook>, site: Site, opts: BuildOptions,
  env: RenderEnv, cellFigureHooks: (where: string) => FigureHooks, figureTexts?: Map<string, Omit<FigureDecl, 'id'>>,
): string {
  const ui = env.ui ?? UI.en;
  if (d.kind === 'claim') return ''; // checked after execution (scripts/bookgen/claims.ts), shows nothing
  if (d.kind === 'measurements') return renderTable(sources.measurements.get(d.name)!, (Object.keys(UI) as Lang[]).find((l) => UI[l] === ui) ?? 'en');
  if (d.kind === 'solution') {
    const cell = solutionCell(sources.solutions.get(d.name)!, d.fragment!)!;
    const lang = cell.cell_type === 'code' ? 'typescript' : '';
    const where = `${rel(opts.root, path.join(opts.solutionsDir, `${d.name}.ipynb`))}#${d.fragment}`;
    const body =
      cell.cell_type === 'markdown'
        ? md.render(joinSource(cell.source), { ...emptyEnv(where), figures: cellFigureHooks(where) })
        : `<pre class="code"><code class="hljs language-typescript">${highlightCode(joinSource(cell.source).replace(/\n+$/, ''), lang)}</code></pre>\n`;
    return (
      `<details class="solution solution-code" id="solution-${escapeHtml(d.fragment!)}"><summary>${ui.solution}: <code>${escapeHtml(d.fragment!)}</code></summary>\n` +
      `<div class="details-body">\n<p class="cell-caption">${ui.referenceAnswer(`exercises/solutions/${escapeHtml(d.name)}.ipynb`)}</p>\n${body}</div>\n</details>\n`
    );
  }
  const href = `notebooks/${d.name}.ipynb`;
  site.copies.set(href, path.join(opts.notebooksDir, `${d.name}.ipynb`));
  if (!d.fragment) {
    return (
      `<aside class="callout callout-notebook"><p class="callout-title">${ui.notebookTitle}</p>\n` +
      `<p><a class="notebook-download" href="${href}" download>${ui.download(`${escapeHtml(d.name)}.ipynb`)}</a>` +
      (opts.lite ? ` ${ui.or} ${openInBrowserHtml(href, ui)}` : '') + ui.sentenceEnd +
      `${ui.runYourself(`${escapeHtml(d.name)}.ipynb`)}</p>\n</aside>\n`
    );
  }
  const nb = executed.get(d.name)!;
  const source = sources.notebooks.get(d.name)!;
  ctx.notebook = `notebooks/${d.name}.ipynb`;
  return cellsWithTag(nb, d.fragment)
    .map(({ index: n, cell }) => {
      const where = `notebooks/${d.name}.ipynb cell ${n} (#${d.fragment})`;
      const figures = cellFigureHooks(where);
      if (cell.cell_type === 'markdown') return md.render(joinSource(cell.source), { ...emptyEnv(where), figures });
      // Captions come from the source notebook: editing one never needs a new execution (cacheKey ignores them).
      const captionHtml = (caption: string) => md.renderInline(caption, { ...emptyEnv(where), figures, link: env.link, ui });
      ctx.figures = cellFigures(source.cells[n - 1], where, (id) => figures.label(id, d.line), captionHtml);
      if (figureTexts) {
        // A translation's captions and alt texts of notebook figures come from its notebook-figures.json.
        const missing = ctx.figures.filter((f) => !figureTexts.has(f.id)).map((f) => f.id);
        if (missing.length) {
          throw new BookError(`${env.file}:${d.line}: no translated caption and alt text for ${missing.join(', ')} (shown by ${where}); add them to notebook-figures.json of the edition`);
        }
        ctx.figures = ctx.figures.map((f) => ({ ...f, captionHtml: captionHtml(figureTexts.get(f.id)!.caption), alt: figureTexts.get(f.id)!.alt }));
      }
      return renderCell(cell, n, ctx, href, ui);
    })
    .join('\n');
}

/**
 * The scripts made at build time (bundle.ts): plotly minified, once, if any page has a figure; the widget bundle and
 * the widgets' part scripts and stills if any page has a widget.
 */
async function addScripts(site: Site, widgets: WidgetSite, root: string): Promise<void> {
  if (site.anyFigures) site.assets.set('assets/plotly.js', await minifiedPlotly(root));
  if (widgets.pages.size === 0) return;
  site.assets.set(WIDGETS_BUNDLE, await bundleWidgets(root));
  for (const [name, bytes] of widgets.files) site.assets.set(name, bytes);
}

/** Phase 5: copy the files, check every internal link and anchor, then write pages and assets into `dir`. */
function writeSite(site: Site, dir: string, opts: BuildOptions): void {
  for (const [dst, src] of [...site.copies.entries()].sort()) {
    fs.mkdirSync(path.dirname(path.join(dir, dst)), { recursive: true });
    fs.copyFileSync(src, path.join(dir, dst));
  }
  checkLinks(site, dir);
  for (const [name, html] of site.pagesHtml) fs.writeFileSync(path.join(dir, name), html);
  for (const [name, bytes] of [...site.assets.entries()].sort()) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), bytes);
  }
  writeAssets(dir, opts.root);
  for (const [lang, sections] of site.searchSections) fs.writeFileSync(path.join(dir, searchIndexFile(lang)), buildSearchIndex(sections, UI[lang]));
}

/** Every internal link points at a page or copied file, and every anchor at an id on that page. */
function checkLinks(site: Site, dir: string): void {
  const idCache = new Map<string, Set<string>>();
  for (const l of site.links) {
    const target = l.target || l.page;
    const html = site.pagesHtml.get(target);
    if (!html && !fs.existsSync(path.join(dir, target))) throw new BookError(`${l.where}: broken link to ${target}`);
    if (l.anchor) {
      if (!html) continue;
      if (!idCache.has(target)) idCache.set(target, idsOf(html));
      if (!idCache.get(target)!.has(l.anchor)) {
        throw new BookError(`${l.where}: link to ${target}#${l.anchor}: no such anchor on that page`);
      }
    }
  }
}

/** A heading's inline HTML for tables of contents: math rendered, links and images left out (a TOC entry is a link). */
function headingHtml(md: MarkdownIt, inline: MarkdownIt.Token, env: RenderEnv): string {
  const children = (inline.children ?? []).filter((t) => !['link_open', 'link_close', 'image'].includes(t.type));
  return md.renderer.renderInline(children, md.options, env);
}

function* walk(tokens: MarkdownIt.Token[]): Generator<MarkdownIt.Token> {
  for (const t of tokens) {
    yield t;
    if (t.children) yield* walk(t.children);
  }
}

function tableOfContents(refs: PageRef[], ui: UiStrings): string {
  const strip = (s: string) => s.replace(/<\/?a\b[^>]*>/g, '');
  const items = refs
    .map((r) => {
      const secs = r.headings.filter((x: Heading) => x.level === 2);
      const sub = secs.length
        ? `\n<ol class="toc-sections">${secs.map((x) => `<li><a href="${r.href}#${escapeHtml(x.id)}">${strip(x.html)}</a></li>`).join('')}</ol>`
        : '';
      const mark = r.untranslated ? ` <span class="untranslated">(${ui.untranslated})</span>` : '';
      return `<li><a class="toc-chapter" href="${r.href}"${r.untranslated ? ' hreflang="en" lang="en"' : ''}><span class="chapter-number">${r.number}</span> ${strip(r.titleHtml)}${mark}</a>${sub}</li>`;
    })
    .join('\n');
  return `<section class="book-toc" aria-labelledby="contents">\n<h2 id="contents">${ui.contents}<a class="anchor" href="#contents" aria-label="${ui.sectionLink}">#</a></h2>\n<ol class="toc-full">\n${items}\n</ol>\n</section>\n`;
}

/**
 * Rewrites a link written in a chapter (relative to chapters/) into a book URL, and records it for the link check.
 * Chapters (`x.md`) become `x.html`; other files of the repository (notebooks, exercises, images) are copied into
 * the book at their repository path (files next to the chapters at the book's root), so nothing points outside.
 */
function resolveLink(
  href: string, line: number, kind: 'link' | 'image', ch: Chapter, opts: BuildOptions, copies: Map<string, string>,
  links: PendingLink[],
): string {
  const where = `${ch.rel}:${line}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) {
    if (kind === 'image') {
      throw new BookError(`${where}: image "${href}" is not a local file (the book makes no request outside itself)`);
    }
    if (/^(https?|mailto):/i.test(href)) return href;
    throw new BookError(`${where}: unsupported link "${href}"`);
  }
  const hashAt = href.indexOf('#');
  let pathPart: string;
  let anchor: string;
  try {
    pathPart = decodeURI(hashAt >= 0 ? href.slice(0, hashAt) : href);
    anchor = hashAt >= 0 ? decodeURIComponent(href.slice(hashAt + 1)) : '';
  } catch {
    throw new BookError(`${where}: malformed link "${href}"`);
  }
  if (!pathPart) {
    links.push({ page: ch.href, target: '', anchor, where });
    return href;
  }
  const abs = path.resolve(ch.linkDir, pathPart);
  const inChapters = path.relative(opts.chaptersDir, abs);
  const inRoot = path.relative(opts.root, abs);
  let target: string;
  if (!inChapters.startsWith('..') && abs.endsWith('.md')) {
    if (!fs.existsSync(abs)) throw new BookError(`${where}: broken link to ${href} (no such chapter)`);
    target = inChapters.split(path.sep).join('/').replace(/\.md$/, '.html');
    // From a translation, a chapter link goes to that chapter's translation when there is one, else to the English page.
    if (ch.lang !== 'en' && ch.translated?.has(inChapters)) target = editionHref(target, ch.lang);
  } else if (!fs.existsSync(abs) || fs.statSync(abs).isDirectory()) {
    throw new BookError(`${where}: broken link to ${href} (no such file ${rel(opts.root, abs)})`);
  } else if (!inChapters.startsWith('..')) {
    target = inChapters.split(path.sep).join('/');
    copies.set(target, abs);
  } else if (!inRoot.startsWith('..') && !path.isAbsolute(inRoot)) {
    const r = inRoot.split(path.sep).join('/');
    target = abs.startsWith(path.resolve(opts.notebooksDir) + path.sep)
      ? `notebooks/${path.relative(opts.notebooksDir, abs).split(path.sep).join('/')}`
      : /^(exercises|notebooks)\//.test(r) ? r : `files/${r}`;
    copies.set(target, abs);
  } else {
    throw new BookError(`${where}: link ${href} points outside the repository`);
  }
  links.push({ page: ch.href, target, anchor, where });
  return anchor ? `${encodeURI(target)}#${encodeURIComponent(anchor)}` : encodeURI(target);
}

function writeAssets(dir: string, root: string): void {
  const assets = path.join(dir, 'assets');
  copyDir(ASSETS_SRC, assets);
  const katexDist = path.dirname(require.resolve('katex/dist/katex.min.css', { paths: [root] }));
  fs.mkdirSync(path.join(assets, 'katex'), { recursive: true });
  fs.copyFileSync(path.join(katexDist, 'katex.min.css'), path.join(assets, 'katex', 'katex.min.css'));
  copyDir(path.join(katexDist, 'fonts'), path.join(assets, 'katex', 'fonts'));
}

/** Publishes tmp as out with renames: out → .old, tmp → out, then .old is removed. */
function swapInto(tmp: string, out: string): void {
  const old = path.join(path.dirname(out), `.${path.basename(out)}-build-old`);
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(out)) fs.renameSync(out, old);
  try {
    fs.renameSync(tmp, out);
  } catch (e) {
    if (fs.existsSync(old)) fs.renameSync(old, out);
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

