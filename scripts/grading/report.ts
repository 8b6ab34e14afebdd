/**
 * Grading a class: submissions two at a time (each with its own kernel), the
 * table for the terminal, the JSON per submission and the class CSV.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXERCISES } from '../../lib/coursework/exercises';
import { GradeConfig, SubmissionGrade } from './config';
import { gradeSubmission } from './submission';

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
