// npm run book [-- --profile quick|full] [--no-execute] [--out DIR] [--chapters DIR] [--notebooks DIR]
//              [--solutions DIR] [--cache DIR] [--timeout SECONDS]
// Builds the static book (issue 4) from chapters/*.md and the executed notebooks; see scripts/bookgen/build.ts.
import * as path from 'node:path';
import { buildBook, defaultOptions, BuildOptions } from './scripts/bookgen/build';
import { BookError } from './scripts/bookgen/markdown';

const USAGE = `usage: npm run book -- [--profile quick|full] [--no-execute] [--out DIR] [--chapters DIR]
       [--notebooks DIR] [--solutions DIR] [--cache DIR] [--timeout SECONDS]
  --profile     VAE_PROFILE passed to the notebooks (default full; cached per profile)
  --no-execute  use cached executions only; fail naming any notebook whose cache is missing
  --out         output folder (default book); built beside it, then swapped in
  --chapters, --notebooks, --solutions, --cache   inputs (defaults chapters, notebooks, exercises/solutions,
                .cache/notebooks)
  --timeout     seconds per notebook cell (default 900)`;

export function parseArgs(argv: string[], root: string): BuildOptions {
  const opts = defaultOptions(root);
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new BookError(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--profile': {
        const v = value(i++, a);
        if (v !== 'quick' && v !== 'full') throw new BookError(`--profile must be quick or full, got "${v}"`);
        opts.profile = v;
        break;
      }
      case '--no-execute':
        opts.execute = false;
        break;
      case '--out':
        opts.outDir = path.resolve(value(i++, a));
        break;
      case '--chapters':
        opts.chaptersDir = path.resolve(value(i++, a));
        break;
      case '--notebooks':
        opts.notebooksDir = path.resolve(value(i++, a));
        break;
      case '--solutions':
        opts.solutionsDir = path.resolve(value(i++, a));
        break;
      case '--cache':
        opts.cacheDir = path.resolve(value(i++, a));
        break;
      case '--timeout': {
        const v = Number(value(i++, a));
        if (!(v > 0)) throw new BookError(`--timeout must be a positive number of seconds`);
        opts.cellTimeout = v;
        break;
      }
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      // falls through (process.exit never returns)
      default:
        throw new BookError(`unknown option "${a}"\n${USAGE}`);
    }
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
    process.stdout.write(
      `book: ${r.pages.length} pages, ${r.figures} figures → ${path.relative(process.cwd(), opts.outDir) || '.'}/ ` +
        `(profile ${opts.profile}; executed: ${r.executed.join(', ') || 'none'}; cached: ${r.cached.join(', ') || 'none'}; ${secs} s)\n`,
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
