/**
 * Grading one submission (issue 14): run the student's cells and the
 * evaluation cell in a kernel of its own (scripts/grading/run.ts), read the
 * answers it printed, judge them here (scripts/grading/judge.ts), and rerun
 * without whatever was killed (a time or memory limit, a dead kernel: they take
 * the kernel's state with them) — a killed student cell is left out of the next
 * run, an exercise whose evaluation never returned scores 0 and the others are
 * evaluated again.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BETA_SWEEP, ExerciseSpec, exercisesOf } from '../../lib/coursework/exercises';
import { Answer, ExerciseRequest, GradeRequest, cleanText } from '../../lib/coursework/protocol';
import { exerciseModule } from '../../lib/coursework/registry';
import type { Probe as SweepProbe } from '../../lib/coursework/exercises/beta-sweep';
import type { JudgeContext } from '../../lib/coursework/runner';
import { ExerciseGrade, GradeConfig, SubmissionGrade } from './config';
import { CellReport, RunOutcome, firstLine, runExecutor, streamText } from './execute';
import { Response, judgeExercise, readResponses } from './judge';
import { judgeModelFolder } from './model-folder';
import { GradedNotebook, RawCell, answerId, buildGradedNotebook, detectChapter, readSubmission } from './notebook';
import type { GradingRun } from './run';

/** Runs of one submission at most: the first, plus reruns that each leave out what was killed before. */
const MAX_PASSES = 4;

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

/** The stdout the evaluation cell printed. */
function evalStdout(run: RunOutcome, cell: number): string {
  const outputs = run.executed?.cells[cell - 1]?.outputs ?? [];
  return outputs
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map(streamText)
    .join('');
}

export async function gradeSubmission(file: string, name: string, cfg: GradeConfig, run: GradingRun): Promise<SubmissionGrade> {
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
  const plans = run.plansOf(chapter);

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

  // Run, and rerun without what was killed.
  const responses = new Map<string, Response>();
  const evalKilled = new Map<string, string>();
  const dropped = new Map<number, string>();
  let evalFailure: string | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-'));
  const executedPath = path.join(cfg.outDir, `${name}.executed.ipynb`);
  let last: { run: RunOutcome; graded: GradedNotebook } | undefined;
  let passes = 0;
  try {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      // A submitted model folder is scored by the grader itself (below), never asked of the kernel.
      const pending = specs.filter((s) => !s.submitted && !responses.has(s.id) && !evalKilled.has(s.id));
      if (pending.length === 0) break;
      passes = pass;
      const request: GradeRequest = { exercises: pending.map((s): ExerciseRequest => ({ id: s.id, symbol: s.symbol, probes: plans.get(s.id)?.probes ?? [] })) };
      // A marker new for every run of the notebook: a line from anywhere else never has it.
      const marker = `@@GRADE-${randomBytes(9).toString('hex')}@@`;
      const graded = buildGradedNotebook(cells, request, marker, dropped);
      const input = path.join(work, `pass${pass}.ipynb`);
      fs.writeFileSync(input, graded.json);
      const once = async () => {
        const k = run.kernelFor(chapter);
        try {
          return await runExecutor(input, path.join(work, `pass${pass}.executed.ipynb`), path.join(work, `pass${pass}.json`), cfg, k.kernel);
        } finally {
          k.dispose();
        }
      };
      let outcome = await once();
      if (outcome.cells.length === 0) {
        // No report at all: the kernel did not start or the executor died (seen on a busy machine). Once more.
        const first = firstLine(outcome.stderr.split('\n').filter((l) => l.trim()).slice(-1)[0] ?? '') || `exit code ${outcome.code}`;
        outcome = await once();
        if (outcome.cells.length > 0) problems.push(`the first attempt to run the notebook failed (${first}); the second ran`);
      }
      last = { run: outcome, graded };
      if (outcome.code === 2 || outcome.code === null || outcome.cells.length === 0) break;

      const killedStudent = outcome.cells.filter((c) => KILLED.has(c.status) && c.index <= cells.length);
      if (killedStudent.length > 0) {
        // The evaluation ran (if at all) in a fresh kernel without the killed cell's work: run again without it.
        for (const k of killedStudent) {
          const reason = killReason(k, cfg);
          dropped.set(k.index, reason);
          problems.push(`${describeCell(k.index, cells)}: skipped, ${reason}; the notebook was run again without it`);
        }
        if (pass === MAX_PASSES) problems.push(`still failing after ${MAX_PASSES} runs; no exercise could be evaluated`);
        continue;
      }
      const { responses: got, stray } = readResponses(evalStdout(outcome, graded.evalCell), marker, request.exercises);
      if (stray > 0) problems.push(`the evaluation printed ${stray} line(s) with this run's marker that are not results of the exercises asked for (ignored)`);
      for (const [id, r] of got) responses.set(id, r);
      const evalCell = outcome.cells.find((c) => c.index === graded.evalCell);
      if (evalCell && KILLED.has(evalCell.status)) {
        // Exercises print in order: the first one without a line is the one that never returned.
        const culprit = pending.find((s) => !got.has(s.id));
        if (culprit) {
          evalKilled.set(culprit.id, `its evaluation did not finish: ${killReason(evalCell, cfg)} (an endless loop or a huge allocation in \`${culprit.symbol}\`?)`);
          continue;
        }
      }
      if (evalCell && evalCell.status !== 'ok') evalFailure = cleanText(`${evalCell.ename ?? 'Error'}: ${evalCell.evalue ?? ''}`.trim());
      break;
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
  // The capstone's folder: scored apart from the notebook, whatever became of its cells.
  const folderAnswers = new Map<string, Answer>();
  for (const s of specs) {
    const module = exerciseModule(s.id);
    if (s.submitted === 'model-folder' && module) folderAnswers.set(s.id, await run.scoreModel(file, chapter, module.schema({} as never)));
  }
  const judgeFolders = (): ExerciseGrade[] => specs.filter((s) => folderAnswers.has(s.id)).map((s) => {
    const plan = plans.get(s.id);
    const own = notes.get(s.id) ?? [];
    return plan ? judgeModelFolder(s, plan, folderAnswers.get(s.id) as Answer, own) : { id: s.id, title: s.title, points: 0, maxPoints: s.points, status: 'not-graded', notes: [...own, 'not graded: no plan'] };
  });
  const inOrder = (grades: ExerciseGrade[]) => specs.map((s) => grades.find((g) => g.id === s.id)).filter((g): g is ExerciseGrade => g !== undefined);
  const kernelSpecs = specs.filter((s) => !s.submitted);
  if (!last) return result(chapter, inOrder([...notGraded(kernelSpecs, 'not evaluated'), ...judgeFolders()]), passes);
  const { run: outcome, graded } = last;

  if (outcome.code === 2 || outcome.code === null || outcome.cells.length === 0) {
    const why = outcome.code === null ? 'the executor did not finish and was killed' : firstLine(outcome.stderr.split('\n').filter((l) => l.trim()).slice(-1)[0] ?? '') || 'the executor failed';
    problems.push(`not executed: ${why}`);
    return result(chapter, inOrder([...notGraded(kernelSpecs, 'the notebook could not be executed'), ...judgeFolders()]), passes);
  }

  // Problems in the student's own cells (the last run; killed cells are already reported).
  const byIndex = new Map(outcome.cells.map((c) => [c.index, c]));
  for (const c of outcome.cells) {
    if (c.index > graded.studentCells || c.status === 'ok' || c.status === 'skipped' || dropped.has(c.index)) continue;
    if (KILLED.has(c.status)) {
      problems.push(`${describeCell(c.index, cells)}: ${killReason(c, cfg)}; the cells after it ran in a fresh kernel`);
      continue;
    }
    problems.push(cleanText(`${describeCell(c.index, cells)}: ${c.ename ?? 'Error'}: ${c.evalue ?? ''}`.trim()));
  }

  const exercises: ExerciseGrade[] = judgeFolders();
  for (const s of kernelSpecs) {
    const own = notes.get(s.id) ?? [];
    const base = { id: s.id, title: s.title, maxPoints: s.points, points: 0, status: 'not-graded' as const };
    const killed = evalKilled.get(s.id);
    if (killed) {
      exercises.push({ ...base, notes: [...own, killed] });
      continue;
    }
    const r = responses.get(s.id);
    const plan = plans.get(s.id);
    if (r?.kind === 'answers' && plan) {
      const ctx: JudgeContext = {};
      if (s.id === 'beta-sweep') {
        ctx.latentDim = BETA_SWEEP.latentDim;
        ctx.reference = await run.reference(plan.probes[0] as SweepProbe);
      }
      exercises.push(judgeExercise(s, plan, r.answers, ctx, own));
      continue;
    }
    if (r?.kind === 'unreadable') {
      exercises.push({ ...base, notes: [...own, `not graded: its result could not be read (${r.why}), so it scores 0`] });
      continue;
    }
    if (r?.kind === 'not-function') {
      exercises.push({ ...base, notes: [...own, `not graded: \`${s.symbol}\` is not a function (it is ${r.what})`] });
      continue;
    }
    if (r?.kind === 'missing') {
      exercises.push({ ...base, notes: [...own, missingNote(s, cells, byIndex, dropped, graded.skipped)] });
      continue;
    }
    exercises.push({ ...base, notes: [...own, `not graded: its evaluation printed no result${evalFailure ? ` (the evaluation failed: ${evalFailure})` : ''}`] });
  }
  return result(chapter, inOrder(exercises), passes);
}

/** Why the notebook does not define the answer's name: the cell that should have, and what happened to it. */
function missingNote(s: ExerciseSpec, cells: RawCell[], byIndex: Map<number, CellReport>, dropped: Map<number, string>, skipped: Map<number, string>): string {
  const decl = declaringCells(cells, s.symbol);
  if (decl.length === 0) return `not graded: nothing defines \`${s.symbol}\``;
  const droppedAt = decl.find((d) => dropped.has(d));
  if (droppedAt !== undefined) return `not graded: \`${s.symbol}\` is not defined because ${describeCell(droppedAt, cells)} was skipped (${dropped.get(droppedAt)})`;
  const failed = decl.map((d) => byIndex.get(d)).find((r) => r && r.status !== 'ok');
  if (failed) return cleanText(`not graded: \`${s.symbol}\` is not defined because ${describeCell(failed.index, cells)} failed: ${failed.ename ?? 'Error'}: ${failed.evalue ?? ''}`);
  const notRun = decl.find((d) => skipped.has(d));
  if (notRun !== undefined) return `not graded: \`${s.symbol}\` is defined only in ${describeCell(notRun, cells)}, which the grader does not run (${skipped.get(notRun)}); define it in its answer cell`;
  return `not graded: \`${s.symbol}\` is not defined`;
}
