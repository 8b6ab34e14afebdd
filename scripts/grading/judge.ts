/**
 * The grader's side of the evaluation (issue 14): read the lines the
 * evaluation cell printed, accept only what matches the request (this run's
 * marker, a requested exercise, once, one answer of the declared schema per
 * probe), and judge the answers in this process against the library's
 * reference implementations. Nothing the kernel prints can set a score; a
 * line that does not fit the request scores 0 for its exercise, with a note.
 */
import { judgeAnswers } from '../../lib/coursework/check';
import type { ExerciseSpec } from '../../lib/coursework/exercises';
import { Answer, ExerciseRequest, ExerciseResponse, cleanText, decodeAnswer } from '../../lib/coursework/protocol';
import { answerSchema } from '../../lib/coursework/respond';
import { exerciseModule } from '../../lib/coursework/registry';
import type { CheckPlan, CheckResult, JudgeContext } from '../../lib/coursework/runner';
import type { ExerciseGrade } from './config';
import { libraryStubsIn } from './view';

/** What the evaluation said about one exercise. */
export type Response =
  | { kind: 'answers'; answers: Answer[] }
  | { kind: 'missing' }
  | { kind: 'not-function'; what: string }
  | { kind: 'unreadable'; why: string };

/** Longest line the grader reads (a generous bound on any exercise's answers). */
const MAX_LINE = 20_000_000;

function decodeResponse(req: ExerciseRequest, raw: unknown): Response {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { kind: 'unreadable', why: 'not a JSON object' };
  const r = raw as ExerciseResponse & Record<string, unknown>;
  if (r.missing === true) return { kind: 'missing' };
  if (typeof r.notFunction === 'string') return { kind: 'not-function', what: cleanText(r.notFunction, 200) };
  if (!Array.isArray(r.answers)) return { kind: 'unreadable', why: 'no answers' };
  if (r.answers.length !== req.probes.length) return { kind: 'unreadable', why: `${r.answers.length} answers for ${req.probes.length} probes` };
  const answers: Answer[] = [];
  for (let i = 0; i < req.probes.length; i++) {
    const a = decodeAnswer(answerSchema(req.id, req.probes[i]), r.answers[i]);
    if (!a) return { kind: 'unreadable', why: `answer ${i + 1} does not have the form asked for` };
    answers.push(a);
  }
  return { kind: 'answers', answers };
}

/**
 * The responses in the evaluation cell's stdout: lines that start with
 * `marker`, one per requested exercise. A second line for the same exercise
 * makes it unreadable (one of them is not the evaluation's); lines for
 * exercises not asked for are counted as stray.
 */
export function readResponses(stdout: string, marker: string, requested: ExerciseRequest[]): { responses: Map<string, Response>; stray: number } {
  const responses = new Map<string, Response>();
  const seen = new Set<string>();
  let stray = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(marker)) continue;
    let raw: unknown;
    try {
      if (line.length > MAX_LINE) throw new Error('too long');
      raw = JSON.parse(line.slice(marker.length));
    } catch {
      stray++;
      continue;
    }
    const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
    const req = requested.find((r) => r.id === id);
    if (typeof id !== 'string' || !req) {
      stray++;
      continue;
    }
    if (seen.has(id)) {
      responses.set(id, { kind: 'unreadable', why: 'more than one result line' });
      continue;
    }
    seen.add(id);
    responses.set(id, decodeResponse(req, raw));
  }
  return { responses, stray };
}

/** Library functions that answers reached (their stubs' errors, scripts/grading/view.ts). */
function libraryCalls(answers: Answer[]): string[] {
  const names = new Set<string>();
  for (const a of answers) {
    const message = 'threw' in a ? a.threw.message : 'failed' in a ? a.failed.message : '';
    for (const n of libraryStubsIn(message)) names.add(n);
  }
  return [...names];
}

/** One line for the failed cases of a check (the JSON keeps every case). */
export function summariseFailures(r: CheckResult): string[] {
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

/**
 * Judges one exercise's answers into its grade: points × passed / cases, but 0
 * when no core case passed (lib/coursework/runner.ts's CheckRun.core) or when an
 * answer called the library's own implementation.
 */
export function judgeExercise(spec: ExerciseSpec, plan: CheckPlan, answers: Answer[], ctx: JudgeContext, notes: string[]): ExerciseGrade {
  const g = judgeAuto(spec, plan, answers, ctx, notes);
  const module = exerciseModule(spec.id);
  if (spec.written && module?.writtenText) {
    g.written = { text: module.writtenText(answers) ?? '', rubric: [...spec.written.rubric], maxPoints: spec.written.points, points: null };
  }
  return g;
}

function judgeAuto(spec: ExerciseSpec, plan: CheckPlan, answers: Answer[], ctx: JudgeContext, notes: string[]): ExerciseGrade {
  const base = { id: spec.id, title: spec.title, maxPoints: spec.points };
  const r = judgeAnswers(spec.id, plan, answers, ctx, { points: spec.points });
  const used = libraryCalls(answers);
  if (used.length > 0) {
    const names = used.map((n) => `\`${n}\``).join(', ');
    return {
      ...base,
      points: 0,
      status: 'graded',
      passed: r.passed,
      total: r.total,
      notes: [...notes, `0 points: the answer calls the library's own implementation (${names}), which graded answers cannot use`, ...summariseFailures(r)],
      cases: r.cases,
    };
  }
  if (r.gated) {
    const why = r.passed > 0 ? ['0 points: no case against the reference on the grader\'s inputs passed (the cases marked core), and the others alone earn nothing'] : [];
    return { ...base, points: 0, status: 'graded', passed: r.passed, total: r.total, notes: [...notes, ...why, ...summariseFailures(r)], cases: r.cases };
  }
  const points = r.total > 0 ? Math.round(((spec.points * r.passed) / r.total) * 100) / 100 : 0;
  return { ...base, points, status: 'graded', passed: r.passed, total: r.total, notes: [...notes, ...summariseFailures(r)], cases: r.cases };
}
