/**
 * The coursework grader (issue 5): `npm run grade -- submission.ipynb [more …]`.
 *
 * For each submission it builds a graded copy — the student's cells, outputs
 * stripped, then one check cell per exercise of the chapter that runs
 * lib/coursework/check.ts's `runExercise` on the name the answer defines and prints one
 * JSON line behind a marker that is new for every grading run — and executes
 * it with scripts/jupyter/execute_notebook.py (the project's one executor: real tslab
 * kernel, its own process, per-cell time limit, memory limit, restarts). The
 * submission's code runs only in that kernel; this process reads JSON.
 *
 * A cell that is killed (time or memory limit, dead kernel) takes the kernel's
 * state with it, so the grader runs the notebook again without the killed
 * cells (up to MAX_PASSES times): the exercises that do not depend on them
 * still get their score, and the report says what was skipped and why.
 *
 * The parts: scripts/grading/notebook.ts (reading, the graded copy),
 * execute.ts (the executor), submission.ts (one submission), report.ts (a
 * class, table, CSV), config.ts (options and result types).
 *
 * Output: a table on the terminal, <out>/<name>.json per submission (with the
 * executed copy <out>/<name>.executed.ipynb) and a class CSV.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXERCISE_CHAPTERS } from './lib/coursework/exercises';
import { parseProfile } from './lib/training/profile';
import { DEFAULT_GRADE_CONFIG, GradeConfig } from './scripts/grading/config';
import { EXECUTOR, PYTHON } from './scripts/grading/execute';
import { formatTable, gradeClass } from './scripts/grading/report';

export { DEFAULT_GRADE_CONFIG } from './scripts/grading/config';
export type { ExerciseGrade, GradeConfig, SubmissionGrade } from './scripts/grading/config';
export { buildGradedNotebook, detectChapter, readSubmission } from './scripts/grading/notebook';
export { gradeSubmission } from './scripts/grading/submission';
export { classCsv, formatTable, gradeClass } from './scripts/grading/report';

const USAGE = `usage: npm run grade -- submission.ipynb [more …] [--out DIR] [--csv FILE] [--timeout S] [--memory-mb N]
       [--total-timeout S] [--jobs N] [--chapter 03-vae] [--profile quick|full]
  --out DIR          per-submission JSON and executed notebooks (default out/grades)
  --csv FILE         the class CSV (default <out>/class.csv)
  --timeout S        seconds per cell (default 120)
  --total-timeout S  seconds per run of one notebook (default 1200)
  --memory-mb N      memory limit of a submission's kernel (default 2048)
  --jobs N           submissions graded at once (default 2)
  --chapter C        the chapter of every submission (default: read from each notebook)
  --profile P        VAE_PROFILE for the kernel (default quick)`;

export function parseArgs(argv: string[]): { files: string[]; cfg: GradeConfig } {
  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG };
  const files: string[] = [];
  const num = (flag: string, v: string | undefined, min: number): number => {
    const x = Number(v);
    if (v === undefined || !Number.isFinite(x) || x < min) throw new Error(`${flag} needs a number ≥ ${min}, got ${v === undefined ? 'nothing' : `'${v}'`}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--out':
        if (!v) throw new Error('--out needs a directory');
        cfg.outDir = v;
        i++;
        break;
      case '--csv':
        if (!v) throw new Error('--csv needs a file name');
        cfg.csv = v;
        i++;
        break;
      case '--timeout':
        cfg.timeout = num(a, v, 1);
        i++;
        break;
      case '--total-timeout':
        cfg.totalTimeout = num(a, v, 1);
        i++;
        break;
      case '--memory-mb':
        cfg.memoryMb = num(a, v, 64);
        i++;
        break;
      case '--jobs':
        cfg.jobs = Math.floor(num(a, v, 1));
        i++;
        break;
      case '--chapter':
        if (!v || !(EXERCISE_CHAPTERS as readonly string[]).includes(v)) throw new Error(`--chapter must be one of ${EXERCISE_CHAPTERS.join(', ')}, got '${v ?? ''}'`);
        cfg.chapter = v;
        i++;
        break;
      case '--profile':
        cfg.profile = parseProfile(v, '--profile');
        i++;
        break;
      case '-h':
      case '--help':
        throw new Error('help');
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
        files.push(a);
    }
  }
  if (files.length === 0) throw new Error('no submissions given');
  return { files, cfg };
}

async function main(): Promise<void> {
  let parsed: { files: string[]; cfg: GradeConfig };
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(msg === 'help' ? USAGE : `grade: ${msg}\n${USAGE}`);
    process.exit(msg === 'help' ? 0 : 2);
  }
  if (!fs.existsSync(PYTHON) || !fs.existsSync(EXECUTOR)) {
    console.error(`grade: ${fs.existsSync(PYTHON) ? EXECUTOR : PYTHON} is missing; run \`npm run setup\``);
    process.exit(2);
  }
  const { files, cfg } = parsed;
  const t0 = Date.now();
  const grades = await gradeClass(files, cfg);
  console.log(formatTable(grades));
  console.log(`\n${grades.length} submission(s) graded in ${((Date.now() - t0) / 1000).toFixed(1)} s; JSON in ${cfg.outDir}, CSV ${cfg.csv || path.join(cfg.outDir, 'class.csv')}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`grade: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  });
}
