// npm run book [-- --profile quick|full] [--no-execute] [--no-lite] [--out DIR] [--chapters DIR] [--notebooks DIR]
//              [--solutions DIR] [--cache DIR] [--timeout SECONDS] [--jobs N]
// Builds the static book from chapters/*.md and the executed notebooks; see scripts/bookgen/build.ts.
import * as path from 'node:path';
import { readFlags } from './scripts/flags';
import { parseProfile } from './lib/training/profile';
import { buildBook, defaultOptions, BuildOptions } from './scripts/bookgen/build';
import { BookError } from './scripts/bookgen/markdown';

const USAGE = `usage: npm run book -- [--profile quick|full] [--no-execute] [--no-lite] [--out DIR] [--chapters DIR]
       [--notebooks DIR] [--solutions DIR] [--cache DIR] [--timeout SECONDS] [--jobs N]
  --profile     VAE_PROFILE passed to the notebooks (default full; cached per profile); the full profile
                also holds the chapters to their {{claim …}} lines
  --no-execute  use cached executions only; fail naming any notebook whose cache is missing
  --no-lite     no JupyterLite site (book/lite/: the notebooks and exercises in the browser) and no links to it
  --out         output folder (default book); built beside it, then swapped in
  --chapters, --notebooks, --solutions, --cache   inputs (defaults chapters, notebooks, exercises/solutions,
                .cache/notebooks)
  --timeout     seconds per notebook cell (default 900)
  --jobs        notebooks executed at a time (default: one per core, at most 4; each kernel trains on one thread)`;

export function parseArgs(argv: string[], root: string): BuildOptions {
  const opts = defaultOptions(root);
  let parsed;
  try {
    parsed = readFlags(
      {
        profile: { type: 'string' },
        'no-execute': { type: 'boolean' },
        'no-lite': { type: 'boolean' },
        out: { type: 'string' },
        chapters: { type: 'string' },
        notebooks: { type: 'string' },
        solutions: { type: 'string' },
        cache: { type: 'string' },
        timeout: { type: 'string' },
        jobs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      argv,
    ).values;
  } catch (e) {
    throw new BookError(`${(e as Error).message}\n${USAGE}`);
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (parsed.profile !== undefined) {
    try {
      opts.profile = parseProfile(parsed.profile, '--profile');
    } catch (e) {
      throw new BookError((e as Error).message);
    }
  }
  if (parsed['no-execute']) opts.execute = false;
  if (parsed['no-lite']) opts.lite = false;
  if (parsed.out !== undefined) opts.outDir = path.resolve(parsed.out);
  if (parsed.chapters !== undefined) opts.chaptersDir = path.resolve(parsed.chapters);
  if (parsed.notebooks !== undefined) opts.notebooksDir = path.resolve(parsed.notebooks);
  if (parsed.solutions !== undefined) opts.solutionsDir = path.resolve(parsed.solutions);
  if (parsed.cache !== undefined) opts.cacheDir = path.resolve(parsed.cache);
  if (parsed.timeout !== undefined) {
    const v = Number(parsed.timeout);
    if (!(v > 0)) throw new BookError(`--timeout must be a positive number of seconds`);
    opts.cellTimeout = v;
  }
  if (parsed.jobs !== undefined) {
    const n = Number(parsed.jobs);
    if (!Number.isInteger(n) || n < 1) throw new BookError(`--jobs must be a positive integer, got '${parsed.jobs}'`);
    opts.jobs = n;
  }
  return opts;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname);
  const started = Date.now();
  try {
    const opts = parseArgs(process.argv.slice(2), root);
    const r = await buildBook(opts);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const executed = r.executed.map((n) => `${n} ${r.executions[n].seconds.toFixed(0)} s`).join(', ');
    const backends = [...new Set(Object.values(r.executions).map((e) => e.backend))];
    const claims = r.claims.checked ? `${r.claims.checked} claims hold` : r.claims.skipped ? `${r.claims.skipped} claims not held to (${opts.profile} profile)` : 'no claims';
    process.stdout.write(
      `book: ${r.pages.length} pages, ${r.figures} numbered figures (${r.plots} of them plotly) → ${path.relative(process.cwd(), opts.outDir) || '.'}/ ` +
        `(profile ${opts.profile}; executed: ${executed || 'none'}; cached: ${r.cached.join(', ') || 'none'}; ${claims}; ${secs} s)\n` +
        (backends.length ? `book: trained on ${backends.join(' and ')}\n` : ''),
    );
  } catch (e) {
    if (e instanceof BookError) {
      process.stderr.write(`book: error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

if (require.main === module) void main();
