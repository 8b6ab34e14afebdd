/**
 * The coursework grader (issues 5 and 14):
 *
 *   npm run grade -- submission.ipynb [more …] [options]
 *   npm run grade -- merge OUT_DIR_OR_CLASS_JSON [more …] [--csv FILE]
 *
 * The judge lives outside the student's process. Each submission runs in a
 * kernel of its own (scripts/grading/run.ts), sandboxed with bubblewrap where it
 * works (scripts/grading/sandbox.ts), in a view of the project whose lib/ has no
 * implementation of the chapter's exercises (scripts/grading/view.ts). After the
 * student's cells, one evaluation cell runs the answers on probes drawn from a
 * seed the kernel never sees and prints the raw results
 * (lib/coursework/respond.ts); the grader reads them, accepts only what matches
 * its request, and judges them here against the library's reference
 * implementations (scripts/grading/judge.ts, lib/coursework/check*.ts).
 *
 * Killed cells (time or memory limit, dead kernel) are left out of a rerun
 * (scripts/grading/submission.ts). Output: a table, <out>/<name>.json per
 * submission with the executed copy, <out>/class.json and a class CSV
 * (scripts/grading/report.ts). --shard grades a deterministic slice of the
 * class; `merge` joins slices (exercises/README.md shows a Kubernetes Indexed Job).
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXERCISE_CHAPTERS } from './lib/coursework/exercises';
import { parseProfile } from './lib/training/profile';
import { DEFAULT_GRADE_CONFIG, GradeConfig, SandboxChoice, Shard } from './scripts/grading/config';
import { EXECUTOR, PYTHON } from './scripts/grading/execute';
import { formatTable, gradeClass, mergeSlices } from './scripts/grading/report';
import { readFlags, usageError, UsageError } from './scripts/flags';

export { UsageError };

export { DEFAULT_GRADE_CONFIG } from './scripts/grading/config';
export type { ClassResult, ExerciseGrade, GradeConfig, SubmissionGrade } from './scripts/grading/config';
export { buildGradedNotebook, detectChapter, readSubmission } from './scripts/grading/notebook';
export { gradeSubmission } from './scripts/grading/submission';
export { classCsv, classOrder, formatTable, gradeClass, mergeSlices, shardOf } from './scripts/grading/report';

const USAGE = `usage: npm run grade -- submission.ipynb [more …] [--out DIR] [--csv FILE] [--timeout S] [--memory-mb N]
       [--total-timeout S] [--jobs N] [--chapter 03-vae] [--profile quick|full] [--sandbox auto|bwrap|none]
       [--seed N] [--shard I/N | --shard N] [--backend auto|tensorflow|wasm|cpu] [--max-processes N] [--type-check]
       npm run grade -- merge DIR_OR_CLASS_JSON [more …] [--csv FILE]
  --out DIR          per-submission JSON, executed notebooks, class.json (default out/grades)
  --csv FILE         the class CSV (default <out>/class.csv)
  --timeout S        seconds per cell (default 120)
  --total-timeout S  seconds per run of one notebook (default 1200)
  --memory-mb N      memory limit of a submission's kernel (default 2048)
  --jobs N           submissions graded at once, each in its own kernel (default 2)
  --chapter C        the chapter of every submission (default: read from each notebook)
  --profile P        VAE_PROFILE for the kernels (default quick)
  --sandbox S        auto (default): bubblewrap if it works here, else unsandboxed; bwrap: fail without it
  --seed N           seed of the grader's probes (default: new every run; required with --shard)
  --shard I/N        grade slice I (0-based) of N: submissions (sorted by path) i with i mod N = I;
                     --shard N takes I from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)
  --backend B        VAE_BACKEND of the kernels (default cpu, auto for 04-training)
  --max-processes N  processes and threads one sandboxed kernel may have (default 256): a fork bomb stops there
  --type-check       type-check the cells as JupyterLab does: a type error fails its cell (default: cells compile
                     without types, about a sixth of the CPU, and answers are graded by what they do)
  merge              join the class.json of the slices (their --out folders) into one table and CSV`;

export type Command = { command: 'grade'; files: string[]; cfg: GradeConfig } | { command: 'merge'; inputs: string[]; csv: string };


function number(flag: string, v: string, min: number, integer = false): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < min || (integer && !Number.isInteger(x))) throw new UsageError(`${flag} needs ${integer ? 'an integer' : 'a number'} ≥ ${min}, got '${v}'`);
  return x;
}

/** `I/N`, or `N` with I from JOB_COMPLETION_INDEX (0-based, as Kubernetes numbers an Indexed Job's pods). */
export function parseShard(v: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^\s*(?:(\d+)\s*\/\s*)?(\d+)\s*$/.exec(v);
  if (!m) throw new UsageError(`--shard needs I/N (slice I of N, I from 0) or N (I from JOB_COMPLETION_INDEX), got '${v}'`);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`--shard: N must be at least 1, got ${count}`);
  let index: number;
  if (m[1] !== undefined) index = Number(m[1]);
  else {
    const fromEnv = env.JOB_COMPLETION_INDEX;
    if (fromEnv === undefined || !/^\d+$/.test(fromEnv.trim())) throw new UsageError(`--shard ${count} takes the slice from JOB_COMPLETION_INDEX, which is ${fromEnv === undefined ? 'not set' : `'${fromEnv}'`}; pass --shard I/${count}`);
    index = Number(fromEnv);
  }
  if (index >= count) throw new UsageError(`--shard: slice ${index} does not exist in ${count} slices (they are 0 … ${count - 1})`);
  return { index, count };
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Command {
  const parsed = readFlags(
    {
      out: { type: 'string' },
      csv: { type: 'string' },
      timeout: { type: 'string' },
      'total-timeout': { type: 'string' },
      'memory-mb': { type: 'string' },
      'max-processes': { type: 'string' },
      jobs: { type: 'string' },
      chapter: { type: 'string' },
      profile: { type: 'string' },
      sandbox: { type: 'string' },
      seed: { type: 'string' },
      shard: { type: 'string' },
      backend: { type: 'string' },
      'type-check': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    argv,
    true,
  );
  const v = parsed.values;
  if (v.help) throw new UsageError('help');
  const positionals = parsed.positionals;
  if (positionals[0] === 'merge') {
    const inputs = positionals.slice(1);
    if (inputs.length === 0) throw new UsageError('merge needs the class.json files (or --out folders) of the slices');
    const gradeOnly = ['timeout', 'total-timeout', 'memory-mb', 'max-processes', 'jobs', 'chapter', 'profile', 'sandbox', 'seed', 'shard', 'backend', 'out', 'type-check'].filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    if (gradeOnly.length > 0) throw new UsageError(`merge takes only --csv, not --${gradeOnly[0]}`);
    return { command: 'merge', inputs, csv: v.csv ?? path.join(DEFAULT_GRADE_CONFIG.outDir, 'class.csv') };
  }
  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG };
  if (v.out !== undefined) cfg.outDir = v.out;
  if (v.csv !== undefined) cfg.csv = v.csv;
  if (v.timeout !== undefined) cfg.timeout = number('--timeout', v.timeout, 1);
  if (v['total-timeout'] !== undefined) cfg.totalTimeout = number('--total-timeout', v['total-timeout'], 1);
  if (v['memory-mb'] !== undefined) cfg.memoryMb = number('--memory-mb', v['memory-mb'], 64);
  if (v['type-check']) cfg.typeCheck = true;
  if (v['max-processes'] !== undefined) cfg.maxProcesses = number('--max-processes', v['max-processes'], 32, true);
  if (v.jobs !== undefined) cfg.jobs = number('--jobs', v.jobs, 1, true);
  if (v.chapter !== undefined) {
    if (!(EXERCISE_CHAPTERS as readonly string[]).includes(v.chapter)) throw new UsageError(`--chapter must be one of ${EXERCISE_CHAPTERS.join(', ')}, got '${v.chapter}'`);
    cfg.chapter = v.chapter;
  }
  if (v.profile !== undefined) {
    try {
      cfg.profile = parseProfile(v.profile, '--profile');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (v.sandbox !== undefined) {
    if (!['auto', 'bwrap', 'none'].includes(v.sandbox)) throw new UsageError(`--sandbox must be auto, bwrap or none, got '${v.sandbox}'`);
    cfg.sandbox = v.sandbox as SandboxChoice;
  }
  if (v.seed !== undefined) cfg.seed = number('--seed', v.seed, 1, true);
  if (v.backend !== undefined) {
    if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(v.backend)) throw new UsageError(`--backend must be auto, tensorflow, wasm or cpu, got '${v.backend}'`);
    cfg.backend = v.backend;
  }
  if (v.shard !== undefined) {
    cfg.shard = parseShard(v.shard, env);
    if (cfg.seed === undefined) throw new UsageError('--shard needs --seed: every slice of a class must be graded with the same probes');
  }
  if (positionals.length === 0) throw new UsageError('no submissions given');
  return { command: 'grade', files: positionals, cfg };
}

async function main(): Promise<void> {
  let cmd: Command;
  try {
    cmd = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message === 'help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    usageError({ name: 'grade', usage: USAGE }, e.message);
  }
  if (cmd.command === 'merge') {
    try {
      const merged = mergeSlices(cmd.inputs, cmd.csv);
      console.log(formatTable(merged.grades, merged.sandbox));
      console.log(`\n${merged.grades.length} submission(s) from ${cmd.inputs.length} slice(s); CSV ${cmd.csv}`);
    } catch (e) {
      console.error(`grade: ${(e as Error).message}`);
      process.exit(1);
    }
    return;
  }
  if (!fs.existsSync(PYTHON) || !fs.existsSync(EXECUTOR)) {
    console.error(`grade: ${fs.existsSync(PYTHON) ? EXECUTOR : PYTHON} is missing; run \`npm run setup\``);
    process.exit(2);
  }
  const { files, cfg } = cmd;
  const t0 = Date.now();
  const result = await gradeClass(files, cfg);
  console.log(formatTable(result.grades, result.sandbox));
  const slice = cfg.shard ? ` (slice ${cfg.shard.index} of ${cfg.shard.count}: ${result.grades.length} of ${result.classSize})` : '';
  console.log(`\n${result.grades.length} submission(s) graded${slice} in ${((Date.now() - t0) / 1000).toFixed(1)} s; JSON in ${cfg.outDir}, CSV ${cfg.csv || path.join(cfg.outDir, 'class.csv')}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`grade: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  });
}
