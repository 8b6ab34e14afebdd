// Shared by test/book.test.ts and test/book.browser.test.ts: the mini-book fixture, cache seeding with hand-made
// executed notebooks, the quick-profile build of the real book, and a tiny static file server.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serveStatic } from '../scripts/serve/static-server';
import { buildBook, BuildOptions, BuildResult, defaultOptions } from '../scripts/bookgen/build';
import { cacheKey, cachePath, Profile } from '../scripts/bookgen/notebooks';

export const ROOT = path.resolve(__dirname, '..');
export const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'mini-book');
export const QUICK_BOOK = path.join(ROOT, 'test-output', 'book-quick');

const made: string[] = [];
// Each fixture build carries a 10 MB plotly.js: remove the temporary books when the test process ends.
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

export function tmpDir(label: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `book-test-${label}-`));
  made.push(d);
  return d;
}

/** Options for building the mini-book fixture: its own chapters, notebooks, solutions and a private cache. */
export function fixtureOptions(outDir: string, cacheDir: string, over: Partial<BuildOptions> = {}): BuildOptions {
  return {
    ...defaultOptions(ROOT),
    chaptersDir: path.join(FIXTURE, 'chapters'),
    notebooksDir: path.join(FIXTURE, 'notebooks'),
    solutionsDir: path.join(FIXTURE, 'solutions'),
    outDir,
    cacheDir,
    profile: 'quick',
    execute: false,
    log: () => undefined,
    lite: false, // the JupyterLite site is the real book's (test/lite.browser.test.ts)
    ...over,
  };
}

/** Puts the hand-made executed copy of fixture notebook `name` into the cache where the build will look for it. */
export function seedCache(cacheDir: string, name: string, notebooksDir = path.join(FIXTURE, 'notebooks'), profile: Profile = 'quick'): string {
  const key = cacheKey({ root: ROOT, notebookFile: path.join(notebooksDir, `${name}.ipynb`), profile });
  const dst = cachePath(cacheDir, name, key, profile);
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.copyFileSync(path.join(FIXTURE, 'executed', `${name}.ipynb`), dst);
  return dst;
}

/** Every file under dir (sorted, '/'-separated) → its bytes. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, prefix: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = prefix ? `${prefix}/${name}` : name;
      if (fs.statSync(p).isDirectory()) walk(p, r);
      else out.set(r, fs.readFileSync(p));
    }
  };
  walk(dir, '');
  return out;
}

/**
 * The text a reader sees on a page without opening anything: no head, scripts or styles, no folded "How this was
 * built" element (scripts/bookgen/plumbing.ts), no tags or attributes; entities decoded.
 */
export function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '')
    .replace(/<details class="build-notes">[\s\S]*?<\/details>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, '&');
}

/**
 * The build's plumbing in a page's visible text: showResults calls, model cache messages, hashes (a run of 8 or
 * more hex digits with both letters and digits, such as an execution's cache key). Empty for a clean page.
 */
export function plumbingIn(html: string): string[] {
  const text = visibleText(html);
  const found: string[] = [];
  for (const re of [/showResults\s*\(/g, /model cache: [^\n]*/g, /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}\b/g]) {
    for (const m of text.matchAll(re)) found.push(m[0]);
  }
  return found;
}

/** The executor and its tslab kernel, as `npm run setup` installs them. */
export function executorAvailable(): boolean {
  const kernel = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
  return fs.existsSync(path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py')) && fs.existsSync(kernel);
}

let quickBook: Promise<BuildResult> | null = null;
/** Where a build of the quick book records its result for the other test files of the same `npm test` run. */
const QUICK_BOOK_RESULT = path.join(ROOT, 'test-output', 'book-quick.result.json');

/**
 * The real book (chapters/, notebooks/, exercises/solutions/) in the quick profile, executed by the real kernel
 * and cached in .cache/notebooks like `npm run book -- --profile quick`, built once per test process, and once per
 * `npm test` run: scripts/test.mjs names the run in VAE_TEST_RUN, and a later test file of the same run reuses the
 * book the first one built (the sources do not change during a run).
 */
export function buildQuickBook(): Promise<BuildResult> {
  if (!quickBook) {
    const run = process.env.VAE_TEST_RUN;
    const saved = run ? readQuickBookResult(run) : undefined;
    quickBook = saved
      ? Promise.resolve(saved)
      : buildBook({
          ...defaultOptions(ROOT),
          outDir: QUICK_BOOK,
          profile: 'quick',
          execute: true,
          cellTimeout: 300,
          log: (m) => process.stderr.write(`book: ${m}\n`),
        }).then((result) => {
          if (run) fs.writeFileSync(QUICK_BOOK_RESULT, JSON.stringify({ run, result }));
          return result;
        });
    if (saved) process.stderr.write(`book: the quick book of this test run (${QUICK_BOOK}), built by an earlier test file\n`);
  }
  return quickBook;
}

function readQuickBookResult(run: string): BuildResult | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(QUICK_BOOK_RESULT, 'utf8')) as { run: string; result: BuildResult };
    return saved.run === run && fs.existsSync(path.join(QUICK_BOOK, 'index.html')) ? saved.result : undefined;
  } catch {
    return undefined;
  }
}

/** A static file server for `dir` on 127.0.0.1 (any free port); 404 for anything else (scripts/serve/static-server.ts). */
export function serve(dir: string, isolate = false): Promise<{ origin: string; close: () => Promise<void> }> {
  return serveStatic(dir, { isolate });
}

export interface LinkProblem {
  page: string;
  ref: string;
  problem: string;
}

/**
 * Every href/src in every HTML page and every url() in every stylesheet must name a file of the book, and every
 * #anchor an id on the target page. External http(s) links are allowed only in <a href> (a reader's click, not a
 * request the page makes); anything the page itself would load must be local.
 */
export function checkLinks(bookDir: string): { problems: LinkProblem[]; checked: number } {
  const files = snapshot(bookDir);
  const ids = new Map<string, Set<string>>();
  const idsOf = (page: string) => {
    if (!ids.has(page)) {
      const html = files.get(page)?.toString('utf8') ?? '';
      ids.set(page, new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1])));
    }
    return ids.get(page)!;
  };
  const problems: LinkProblem[] = [];
  let checked = 0;
  const check = (page: string, ref: string, isAnchorTag: boolean) => {
    checked++;
    if (/^(https?:)?\/\//i.test(ref)) {
      if (!isAnchorTag) problems.push({ page, ref, problem: 'loads a resource from outside the book' });
      return;
    }
    if (/^(mailto:|data:)/i.test(ref)) return;
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      problems.push({ page, ref, problem: 'unexpected URL scheme' });
      return;
    }
    const [p, anchor] = ref.split('#', 2);
    const target = p ? path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(p.split('?')[0]))) : page;
    if (!files.has(target)) {
      problems.push({ page, ref, problem: `no file ${target}` });
      return;
    }
    if (anchor && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(anchor))) {
      problems.push({ page, ref, problem: `no id "${anchor}" in ${target}` });
    }
  };
  for (const [name, bytes] of files) {
    // The JupyterLite app under lite/ is JupyterLab's build, not the book's pages: links into it are checked here,
    // its own files by test/lite.browser.test.ts, which runs it.
    if (name.startsWith('lite/')) continue;
    if (name.endsWith('.html')) {
      const html = bytes.toString('utf8');
      for (const m of html.matchAll(/<(a|link|script|img|iframe|source)\b[^>]*?\s(href|src)="([^"]*)"/gi)) {
        check(name, m[3].replace(/&amp;/g, '&'), m[1].toLowerCase() === 'a');
      }
    } else if (name.endsWith('.css')) {
      for (const m of bytes.toString('utf8').matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g)) check(name, m[1], false);
    }
  }
  return { problems, checked };
}
