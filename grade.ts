/**
 * The coursework grader (issue 5): `npm run grade -- submission.ipynb [more …]`.
 *
 * For each submission it builds a graded copy — the student's cells, outputs
 * stripped, then one check cell per exercise of the chapter that runs
 * lib/check.ts's `runExercise` on the name the answer defines and prints one
 * JSON line behind a marker that is new for every grading run — and executes
 * it with scripts/execute_notebook.py (the project's one executor: real tslab
 * kernel, its own process, per-cell time limit, memory limit, restarts). The
 * submission's code runs only in that kernel; this process reads JSON.
 *
 * A cell that is killed (time or memory limit, dead kernel) takes the kernel's
 * state with it, so the grader runs the notebook again without the killed
 * cells (up to MAX_PASSES times): the exercises that do not depend on them
 * still get their score, and the report says what was skipped and why.
 *
 * Output: a table on the terminal, <out>/<name>.json per submission (with the
 * executed copy <out>/<name>.executed.ipynb) and a class CSV.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXERCISES, EXERCISE_CHAPTERS, ExerciseSpec, exercisesOf } from './lib/exercises';
import type { CheckResult } from './lib/check-runner';

const ROOT = __dirname;
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const EXECUTOR = path.join(ROOT, 'scripts', 'execute_notebook.py');
/** Runs of one submission at most: the first, plus reruns that each drop the cells killed before. */
const MAX_PASSES = 4;

export interface GradeConfig {
  /** Where the per-submission JSON and executed notebooks go. */
  outDir: string;
  /** The class CSV (default <outDir>/class.csv). */
  csv: string;
  /** Seconds per cell. */
  timeout: number;
  /** Seconds per run of one notebook (every pass has its own). */
  totalTimeout: number;
  /** Memory limit of the kernel's process tree, MB. */
  memoryMb: number;
  /** Submissions graded at the same time (each has its own kernel). */
  jobs: number;
  /** Force the chapter instead of reading it from the notebook. */
  chapter?: string;
  /** VAE_PROFILE for the kernel: 'quick' keeps training cells short. */
  profile: 'quick' | 'full';
  /** Print the table (off in tests that read the JSON). */
  print: boolean;
}

export const DEFAULT_GRADE_CONFIG: GradeConfig = {
  outDir: path.join('out', 'grades'),
  csv: '',
  timeout: 120,
  totalTimeout: 1200,
  memoryMb: 2048,
  jobs: 2,
  profile: 'quick',
  print: true,
};

export interface ExerciseGrade {
  id: string;
  title: string;
  points: number;
  maxPoints: number;
  /** 'graded': the check ran; 'not-graded': it could not (see notes). */
  status: 'graded' | 'not-graded';
  passed?: number;
  total?: number;
  /** What went wrong, one line each. */
  notes: string[];
  cases?: CheckResult['cases'];
}

export interface SubmissionGrade {
  /** Short name (file name without .ipynb), unique within the run. */
  name: string;
  file: string;
  chapter: string | null;
  score: number;
  maxScore: number;
  exercises: ExerciseGrade[];
  /** Problems with the notebook as a whole or with cells outside the checks, one line each. */
  problems: string[];
  /** Kernel runs it took (reruns drop killed cells). */
  passes: number;
  seconds: number;
}

// ------------------------------------------------------------------ reading a submission

interface RawCell {
  cell_type: string;
  source: string;
  metadata: Record<string, unknown>;
}

/** The cells of a submission, or the reason it is not a notebook. */
export function readSubmission(text: string): { cells: RawCell[]; metadata: Record<string, unknown> } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { error: `not a valid notebook: invalid JSON (${msg})` };
  }
  if (raw === null || typeof raw !== 'object' || !Array.isArray((raw as { cells?: unknown }).cells)) {
    return { error: "not a valid notebook: expected a JSON object with a 'cells' list" };
  }
  const nb = raw as { cells: unknown[]; metadata?: unknown };
  const cells: RawCell[] = nb.cells.map((c) => {
    const cell = (c !== null && typeof c === 'object' ? c : {}) as Record<string, unknown>;
    const src = cell.source;
    const source = typeof src === 'string' ? src : Array.isArray(src) ? src.filter((s) => typeof s === 'string').join('') : '';
    const metadata = cell.metadata !== null && typeof cell.metadata === 'object' && !Array.isArray(cell.metadata) ? (cell.metadata as Record<string, unknown>) : {};
    const type = typeof cell.cell_type === 'string' ? cell.cell_type : 'unknown';
    return { cell_type: type, source, metadata };
  });
  const metadata = nb.metadata !== null && typeof nb.metadata === 'object' && !Array.isArray(nb.metadata) ? (nb.metadata as Record<string, unknown>) : {};
  return { cells, metadata };
}

/** The exercise id an answer cell declares, if any. */
function answerId(cell: RawCell): string | undefined {
  const ex = cell.metadata.exercise;
  if (ex !== null && typeof ex === 'object' && typeof (ex as { id?: unknown }).id === 'string') return (ex as { id: string }).id;
  return undefined;
}

/** The chapter: --chapter, the notebook's coursework metadata, the answer ids, or the file name. */
export function detectChapter(file: string, cells: RawCell[] | undefined, metadata: Record<string, unknown> | undefined, forced?: string): string | null {
  const known = EXERCISE_CHAPTERS as readonly string[];
  if (forced) return forced;
  const cw = metadata?.coursework;
  if (cw !== null && typeof cw === 'object' && typeof (cw as { chapter?: unknown }).chapter === 'string' && known.includes((cw as { chapter: string }).chapter)) {
    return (cw as { chapter: string }).chapter;
  }
  const votes = new Map<string, number>();
  for (const c of cells ?? []) {
    const spec = EXERCISES.find((e) => e.id === answerId(c));
    if (spec) votes.set(spec.chapter, (votes.get(spec.chapter) ?? 0) + 1);
  }
  if (votes.size > 0) return [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const base = path.basename(file);
  return known.find((ch) => base.includes(ch)) ?? null;
}

// ------------------------------------------------------------------ the graded copy

interface GradedNotebook {
  json: string;
  /** 1-based index of each exercise's check cell in the graded notebook. */
  checkCells: Map<string, number>;
  /** Number of the student's cells (they keep their numbers 1…n). */
  studentCells: number;
}

function nbLines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l));
}

/**
 * The student's cells (outputs dropped; cells in `dropped` replaced by a
 * comment so numbering stays), then one check cell per exercise.
 */
export function buildGradedNotebook(cells: RawCell[], specs: ExerciseSpec[], marker: string, dropped: Map<number, string>, skipChecks: Set<string>): GradedNotebook {
  const out: Record<string, unknown>[] = cells.map((c, i) => {
    const n = i + 1;
    const id = `s${n}`;
    if (c.cell_type === 'code') {
      const reason = dropped.get(n);
      const source = reason ? `// removed by the grader: ${reason}` : c.source;
      return { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source: nbLines(source) };
    }
    // Markdown and raw cells are kept as markdown (they do not run); anything else becomes an empty note.
    return { cell_type: 'markdown', id, metadata: {}, source: nbLines(c.cell_type === 'markdown' || c.cell_type === 'raw' ? c.source : '') };
  });
  const checkCells = new Map<string, number>();
  // No leading "__": tslab 1.0 mangles such names between a cell's import and its use.
  const alias = `gradeRun${marker.replace(/[^A-Za-z0-9]/g, '')}`;
  for (const spec of specs) {
    if (skipChecks.has(spec.id)) continue;
    // One cell per exercise: a missing name fails only its own cell (tslab compiles each cell alone).
    // `as unknown`: a submission's types must not stop its check from compiling. No object shorthand
    // for names of other cells (tslab 1.0 does not resolve it).
    const source = [
      `import { runExercise as ${alias} } from './lib/check';`,
      `console.log(${JSON.stringify(marker)} + JSON.stringify(${alias}(${JSON.stringify(spec.id)}, (${spec.symbol}) as unknown, { quiet: true })));`,
    ].join('\n');
    out.push({ cell_type: 'code', execution_count: null, id: `grade-${spec.id}`, metadata: { tags: ['grader-check'] }, outputs: [], source: nbLines(source) });
    checkCells.set(spec.id, out.length);
  }
  const nb = {
    cells: out,
    metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { json: JSON.stringify(nb, null, 1), checkCells, studentCells: cells.length };
}

// ------------------------------------------------------------------ running the executor

interface CellReport {
  index: number;
  label?: string;
  status: 'ok' | 'error' | 'timeout' | 'memory' | 'dead-kernel' | 'skipped';
  ename?: string;
  evalue?: string;
  seconds?: number;
}

interface RunOutcome {
  /** Executor exit code (0 ok, 1 a cell failed, 2 set-up problem), or null when the grader had to kill it. */
  code: number | null;
  stderr: string;
  cells: CellReport[];
  executed?: { cells: { outputs?: { output_type: string; name?: string; text?: string | string[] }[] }[] };
}

/** Runs the executor in its own process group; kills the whole group if it outlives its own limits. */
function runExecutor(input: string, output: string, reportPath: string, cfg: GradeConfig): Promise<RunOutcome> {
  const args = [
    EXECUTOR,
    input,
    '--out',
    output,
    '--report',
    reportPath,
    '--cwd',
    ROOT,
    '--timeout',
    String(cfg.timeout),
    '--total-timeout',
    String(cfg.totalTimeout),
    '--memory-mb',
    String(cfg.memoryMb),
    '--allow-errors',
    '--env',
    `VAE_PROFILE=${cfg.profile}`,
    '--env',
    'VAE_QUIET=1',
  ];
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 200_000) stderr += d.toString();
    });
    // The executor ends itself (per-cell and total limits, its own watchdog); this is the last resort.
    const deadline = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, (cfg.totalTimeout + 120) * 1000);
    const finish = (code: number | null) => {
      clearTimeout(deadline);
      let cells: CellReport[] = [];
      let executed: RunOutcome['executed'];
      try {
        cells = (JSON.parse(fs.readFileSync(reportPath, 'utf8')) as { cells: CellReport[] }).cells ?? [];
      } catch {
        /* no report: handled by the caller from the exit code and stderr */
      }
      try {
        executed = JSON.parse(fs.readFileSync(output, 'utf8')) as RunOutcome['executed'];
      } catch {
        /* idem */
      }
      resolve({ code, stderr, cells, executed });
    };
    child.on('error', (e) => {
      stderr += `\ngrader: could not start ${PYTHON}: ${e.message}`;
      finish(2);
    });
    child.on('close', (code) => finish(code));
  });
}

function streamText(o: { text?: string | string[] }): string {
  return Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

// ------------------------------------------------------------------ grading one submission

const KILLED = new Set(['timeout', 'memory', 'dead-kernel']);

function describeCell(n: number, cells: RawCell[]): string {
  const c = cells[n - 1];
  const id = c ? answerId(c) : undefined;
  return id ? `cell ${n} (answer ${id})` : `cell ${n}`;
}

function killReason(r: CellReport, cfg: GradeConfig): string {
  if (r.status === 'timeout') return `it ran longer than ${cfg.timeout} s`;
  if (r.status === 'memory') return `it used more than ${cfg.memoryMb} MB`;
  return 'the kernel died while it ran';
}

/** Cells (1-based) whose source declares `symbol` at top level. */
function declaringCells(cells: RawCell[], symbol: string): number[] {
  const re = new RegExp(`(^|\\n)\\s*(export\\s+)?(async\\s+)?(function\\*?|const|let|var|class)\\s+${symbol.replace(/[$]/g, '\\$')}\\b`);
  return cells.map((c, i) => (c.cell_type === 'code' && re.test(c.source) ? i + 1 : 0)).filter((n) => n > 0);
}

/** One line for the failed cases of a check (the JSON keeps every case). */
function summariseFailures(r: CheckResult): string[] {
  const failed = r.cases.filter((c) => !c.passed);
  if (failed.length === 0) return [];
  const errors = failed.map((c) => c.error?.message);
  if (failed.length === r.cases.length && errors.every((m) => m !== undefined && m === errors[0])) {
    return [`every case threw ${errors[0]}`];
  }
  const shown = failed.slice(0, 2).map((c) => `${c.name} (${c.error ? `threw ${c.error.message}` : c.hint ?? 'wrong value'})`);
  const more = failed.length > 2 ? `; and ${failed.length - 2} more` : '';
  return [`${failed.length}/${r.total} cases failed: ${shown.join('; ')}${more}`];
}

export async function gradeSubmission(file: string, name: string, cfg: GradeConfig): Promise<SubmissionGrade> {
  const t0 = Date.now();
  const problems: string[] = [];
  const result = (chapter: string | null, exercises: ExerciseGrade[], passes: number): SubmissionGrade => {
    const score = Math.round(exercises.reduce((s, e) => s + e.points, 0) * 100) / 100;
    const maxScore = exercises.reduce((s, e) => s + e.maxPoints, 0);
    return { name, file, chapter, score, maxScore, exercises, problems, passes, seconds: Math.round((Date.now() - t0) / 100) / 10 };
  };
  const notGraded = (specs: ExerciseSpec[], note: string): ExerciseGrade[] =>
    specs.map((s) => ({ id: s.id, title: s.title, points: 0, maxPoints: s.points, status: 'not-graded', notes: [note] }));

  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    problems.push(`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    const chapter = detectChapter(file, undefined, undefined, cfg.chapter);
    return result(chapter, notGraded(chapter ? exercisesOf(chapter) : [], 'the submission could not be read'), 0);
  }
  const parsed = readSubmission(text);
  if ('error' in parsed) {
    problems.push(parsed.error);
    const chapter = detectChapter(file, undefined, undefined, cfg.chapter);
    if (!chapter) problems.push('chapter unknown (name the file after its chapter, e.g. 03-vae, or pass --chapter)');
    return result(chapter, notGraded(chapter ? exercisesOf(chapter) : [], 'the notebook could not be read'), 0);
  }
  const { cells, metadata } = parsed;
  const chapter = detectChapter(file, cells, metadata, cfg.chapter);
  if (!chapter || exercisesOf(chapter).length === 0) {
    problems.push(chapter ? `no exercises for chapter '${chapter}'` : 'chapter unknown: no coursework metadata, no answer cells with known ids, no chapter in the file name (pass --chapter)');
    return result(chapter, [], 0);
  }
  const specs = exercisesOf(chapter);

  // Answer cells: missing, duplicated, or of another chapter.
  const answerCells = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const id = answerId(c);
    if (id === undefined) return;
    answerCells.set(id, [...(answerCells.get(id) ?? []), i + 1]);
  });
  const notes = new Map<string, string[]>(specs.map((s) => [s.id, []]));
  for (const s of specs) {
    const at = answerCells.get(s.id) ?? [];
    if (at.length === 0) notes.get(s.id)?.push(`answer cell missing (deleted?): graded on whatever the notebook defines as \`${s.symbol}\``);
    if (at.length > 1) notes.get(s.id)?.push(`${at.length} answer cells (cells ${at.join(', ')}): the last one run defines \`${s.symbol}\``);
  }
  for (const [id, at] of answerCells) {
    if (!notes.has(id)) problems.push(`cell ${at.join(', ')}: answer cell for '${id}', which is not an exercise of ${chapter}`);
  }

  // Run, and rerun without the cells that were killed.
  const marker = `@@GRADE-${randomBytes(6).toString('hex')}@@`;
  const dropped = new Map<number, string>();
  const skipChecks = new Set<string>();
  const checkKilled = new Map<string, string>();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-'));
  const executedPath = path.join(cfg.outDir, `${name}.executed.ipynb`);
  let last: { run: RunOutcome; graded: GradedNotebook } | undefined;
  let passes = 0;
  try {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      passes = pass;
      const graded = buildGradedNotebook(cells, specs, marker, dropped, skipChecks);
      const input = path.join(work, `pass${pass}.ipynb`);
      fs.writeFileSync(input, graded.json);
      const run = await runExecutor(input, path.join(work, `pass${pass}.executed.ipynb`), path.join(work, `pass${pass}.json`), cfg);
      last = { run, graded };
      if (run.code === 2 || run.code === null || run.cells.length === 0) break;
      const killed = run.cells.filter((c) => KILLED.has(c.status));
      if (killed.length === 0) break;
      const checkIndex = new Map([...graded.checkCells.entries()].map(([id, n]) => [n, id]));
      for (const k of killed) {
        const reason = killReason(k, cfg);
        const id = checkIndex.get(k.index);
        if (id) {
          checkKilled.set(id, `its check did not finish: ${reason} (an endless loop or a huge allocation in \`${specs.find((s) => s.id === id)?.symbol}\`?)`);
          skipChecks.add(id);
        } else if (k.index <= cells.length) {
          dropped.set(k.index, `${reason}`);
          problems.push(`${describeCell(k.index, cells)}: skipped, ${reason}; the notebook was run again without it`);
        }
      }
      if (pass === MAX_PASSES) problems.push(`still failing after ${MAX_PASSES} runs; the scores are from the last run`);
    }
  } finally {
    if (last?.run.executed) {
      try {
        fs.mkdirSync(cfg.outDir, { recursive: true });
        fs.writeFileSync(executedPath, JSON.stringify(last.run.executed, null, 1));
      } catch {
        /* keeping the executed copy is a convenience */
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
  const { run, graded } = last as { run: RunOutcome; graded: GradedNotebook };

  if (run.code === 2 || run.code === null || run.cells.length === 0) {
    const why = run.code === null ? 'the executor did not finish and was killed' : firstLine(run.stderr.split('\n').filter((l) => l.trim()).slice(-1)[0] ?? '') || 'the executor failed';
    problems.push(`not executed: ${why}`);
    return result(chapter, notGraded(specs, 'the notebook could not be executed'), passes);
  }

  // Problems in the student's own cells (the last run; killed cells are already reported).
  const byIndex = new Map(run.cells.map((c) => [c.index, c]));
  for (const c of run.cells) {
    if (c.index > graded.studentCells || c.status === 'ok' || c.status === 'skipped') continue;
    if (dropped.has(c.index)) continue;
    if (KILLED.has(c.status)) {
      problems.push(`${describeCell(c.index, cells)}: ${killReason(c, cfg)}; the cells after it ran in a fresh kernel`);
      continue;
    }
    problems.push(`${describeCell(c.index, cells)}: ${c.ename ?? 'Error'}: ${c.evalue ?? ''}`.trim());
  }

  // One result per exercise, from its check cell's marker line.
  const exercises: ExerciseGrade[] = specs.map((s) => {
    const own = notes.get(s.id) ?? [];
    const base = { id: s.id, title: s.title, maxPoints: s.points };
    if (checkKilled.has(s.id)) return { ...base, points: 0, status: 'not-graded', notes: [...own, checkKilled.get(s.id) as string] };
    const n = graded.checkCells.get(s.id) as number;
    const outputs = run.executed?.cells[n - 1]?.outputs ?? [];
    const line = outputs
      .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
      .map(streamText)
      .join('')
      .split('\n')
      .find((l) => l.startsWith(marker));
    if (line) {
      try {
        const r = JSON.parse(line.slice(marker.length)) as CheckResult;
        if (r.id !== s.id || typeof r.passed !== 'number' || typeof r.total !== 'number') throw new Error('malformed');
        const points = r.total > 0 ? Math.round(((s.points * r.passed) / r.total) * 100) / 100 : 0;
        return { ...base, points, status: 'graded', passed: r.passed, total: r.total, notes: [...own, ...summariseFailures(r)], cases: r.cases };
      } catch {
        return { ...base, points: 0, status: 'not-graded', notes: [...own, 'its check printed an unreadable result'] };
      }
    }
    const cell = byIndex.get(n);
    const why = cell && cell.status !== 'ok' ? `${cell.ename ?? 'Error'}: ${cell.evalue ?? ''}` : 'its check printed no result';
    const notDefined = why.includes(`Cannot find name '${s.symbol}'`) || why.includes(`${s.symbol} is not defined`);
    let note = `not graded: ${why}`;
    if (notDefined) {
      const decl = declaringCells(cells, s.symbol);
      const failedDecl = decl.map((d) => byIndex.get(d)).find((r) => r && r.status !== 'ok');
      if (failedDecl) {
        const what = dropped.has(failedDecl.index) ? `was skipped (${dropped.get(failedDecl.index)})` : `failed: ${failedDecl.ename ?? 'Error'}: ${failedDecl.evalue ?? ''}`;
        note = `not graded: \`${s.symbol}\` is not defined because ${describeCell(failedDecl.index, cells)} ${what}`;
      } else if (decl.length === 0) {
        note = `not graded: nothing defines \`${s.symbol}\``;
      } else {
        note = `not graded: \`${s.symbol}\` is not defined (${why})`;
      }
    }
    return { ...base, points: 0, status: 'not-graded', notes: [...own, note] };
  });
  return result(chapter, exercises, passes);
}

// ------------------------------------------------------------------ a class

/** Runs `fn` over `items` with at most `limit` running at once, keeping the input order in the output. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function uniqueNames(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const base = path.basename(f).replace(/\.ipynb$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'submission';
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}-${k}`;
  });
}

function fmtPoints(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0$/, '');
}

export function formatTable(grades: SubmissionGrade[]): string {
  const rows = grades.map((g) => [
    g.name,
    g.chapter ?? '?',
    `${fmtPoints(g.score)}/${fmtPoints(g.maxScore)}`,
    g.exercises.map((e) => `${e.id} ${e.status === 'graded' ? fmtPoints(e.points) : '–'}/${fmtPoints(e.maxPoints)}`).join('  '),
  ]);
  const head = ['submission', 'chapter', 'score', 'exercises'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  grades.forEach((g, i) => {
    out.push(line(rows[i]));
    for (const p of g.problems) out.push(`    ! ${p}`);
    for (const e of g.exercises) for (const n of e.notes) out.push(`    ${e.id}: ${n}`);
  });
  return out.join('\n');
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function classCsv(grades: SubmissionGrade[]): string {
  const ids = EXERCISES.map((e) => e.id).filter((id) => grades.some((g) => g.exercises.some((e) => e.id === id)));
  const head = ['submission', 'file', 'chapter', 'score', 'max_score', ...ids, 'problems'];
  const rows = grades.map((g) => [
    g.name,
    g.file,
    g.chapter ?? '',
    fmtPoints(g.score),
    fmtPoints(g.maxScore),
    ...ids.map((id) => {
      const e = g.exercises.find((x) => x.id === id);
      return e ? fmtPoints(e.points) : '';
    }),
    [...g.problems, ...g.exercises.flatMap((e) => e.notes.filter((n) => n.startsWith('not graded') || n.startsWith('answer cell') || /answer cells/.test(n)).map((n) => `${e.id}: ${n}`))].join(' | '),
  ]);
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

export async function gradeClass(files: string[], cfg: GradeConfig): Promise<SubmissionGrade[]> {
  fs.mkdirSync(cfg.outDir, { recursive: true });
  const names = uniqueNames(files);
  const grades = await pool(files, cfg.jobs, async (file, i) => {
    let g: SubmissionGrade;
    try {
      g = await gradeSubmission(file, names[i], cfg);
    } catch (e) {
      // The grader's own failure on one submission must not cost the others their grades.
      g = { name: names[i], file, chapter: null, score: 0, maxScore: 0, exercises: [], problems: [`grader error: ${e instanceof Error ? e.message : String(e)}`], passes: 0, seconds: 0 };
    }
    fs.writeFileSync(path.join(cfg.outDir, `${g.name}.json`), JSON.stringify(g, null, 1) + '\n');
    if (cfg.print) console.error(`graded ${g.name}: ${fmtPoints(g.score)}/${fmtPoints(g.maxScore)} (${g.seconds} s)`);
    return g;
  });
  const csv = cfg.csv || path.join(cfg.outDir, 'class.csv');
  fs.mkdirSync(path.dirname(path.resolve(csv)), { recursive: true });
  fs.writeFileSync(csv, classCsv(grades));
  return grades;
}

// ------------------------------------------------------------------ command line

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
        if (v !== 'quick' && v !== 'full') throw new Error(`--profile must be quick or full, got '${v ?? ''}'`);
        cfg.profile = v;
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
