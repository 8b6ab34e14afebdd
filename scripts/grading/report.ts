/**
 * Grading a class (issue 5, 14): submissions a few at a time (each with its own
 * kernel), in a deterministic order, optionally one slice of them (--shard);
 * the table for the terminal, the JSON per submission, the run's class.json
 * and the class CSV — and `merge`, which joins the class.json of several
 * slices into the table and CSV one run over the whole class would have written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXERCISES } from '../../lib/coursework/exercises';
import { CLASS_FORMAT, ClassResult, GradeConfig, Shard, SubmissionGrade } from './config';
import { closeExecutors } from './execute';
import { detectChapter, readSubmission } from './notebook';
import { GradingRun } from './run';
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

/** The class in grading order (by path), each with a short name unique in the whole class. */
export function classOrder(files: string[]): { file: string; name: string }[] {
  const sorted = [...files].sort((a, b) => (path.resolve(a) < path.resolve(b) ? -1 : path.resolve(a) > path.resolve(b) ? 1 : 0));
  const seen = new Map<string, number>();
  return sorted.map((file) => {
    const base = path.basename(file).replace(/\.ipynb$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'submission';
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return { file, name: k === 1 ? base : `${base}-${k}` };
  });
}

/** The submissions (positions in class order) of one shard: every count-th, starting at index. */
export function shardOf<T>(items: T[], shard?: Shard): { item: T; order: number }[] {
  const all = items.map((item, order) => ({ item, order }));
  return shard ? all.filter((x) => x.order % shard.count === shard.index) : all;
}

function fmtPoints(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0$/, '');
}

/** The one line about the sandbox at the top of a report. */
export function sandboxLine(sandbox: ClassResult['sandbox']): string {
  return sandbox.mode === 'bwrap'
    ? 'sandbox: bubblewrap (no network; read-only view of the project; no solutions, no grader output)'
    : `UNSANDBOXED: the submissions ran as plain processes with this user's rights (${sandbox.why ?? 'no sandbox'})`;
}

export function formatTable(grades: SubmissionGrade[], sandbox?: ClassResult['sandbox']): string {
  const rows = grades.map((g) => [
    g.name,
    g.chapter ?? '?',
    `${fmtPoints(g.score)}/${fmtPoints(g.maxScore)}`,
    g.exercises.map((e) => `${e.id} ${e.status === 'graded' ? fmtPoints(e.points) : '–'}/${fmtPoints(e.maxPoints)}`).join('  '),
  ]);
  const head = ['submission', 'chapter', 'score', 'exercises'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const out = sandbox ? [sandboxLine(sandbox), ''] : [];
  out.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '));
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

/** Notes that say an exercise could not be graded or was not answered as asked (the CSV's problems column). */
const CSV_NOTE = /^(not graded|answer cell|0 points|its evaluation)|answer cells/;

export function classCsv(grades: SubmissionGrade[]): string {
  const ids = EXERCISES.map((e) => e.id).filter((id) => grades.some((g) => g.exercises.some((e) => e.id === id)));
  // Written parts: the answer's text, and an empty column for the teacher's points (its header gives the maximum).
  const written = EXERCISES.filter((e) => e.written && ids.includes(e.id));
  const head = ['submission', 'file', 'chapter', 'score', 'max_score', ...ids, ...written.flatMap((e) => [`${e.id}:text`, `${e.id}:teacher/${e.written?.points}`]), 'problems'];
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
    ...written.flatMap((w) => [g.exercises.find((x) => x.id === w.id)?.written?.text ?? '', '']),
    [...g.problems, ...g.exercises.flatMap((e) => e.notes.filter((n) => CSV_NOTE.test(n)).map((n) => `${e.id}: ${n}`))].join(' | '),
  ]);
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** The chapter of a submission as the grader will find it (undefined when the file cannot be read). */
function chapterOf(file: string, cfg: GradeConfig): string | null | undefined {
  try {
    const sub = readSubmission(fs.readFileSync(file, 'utf8'));
    return 'error' in sub ? detectChapter(file, undefined, undefined, cfg.chapter) : detectChapter(file, sub.cells, sub.metadata, cfg.chapter);
  } catch {
    return undefined;
  }
}

/** Grades `files` (or the config's slice of them) and writes <out>/<name>.json, <out>/class.json and the CSV. */
export async function gradeClass(files: string[], cfg: GradeConfig): Promise<ClassResult> {
  fs.mkdirSync(cfg.outDir, { recursive: true });
  const order = classOrder(files);
  const mine = shardOf(order, cfg.shard);
  const run = await GradingRun.start(cfg, { training: mine.some(({ item }) => chapterOf(item.file, cfg) === '04-training') });
  if (cfg.print && run.sandbox.mode !== 'bwrap') console.error(`grade: ${sandboxLine(run.sandbox)}`);
  let grades: (SubmissionGrade & { order: number })[];
  try {
    grades = await pool(mine, cfg.jobs, async ({ item, order: at }) => {
      let g: SubmissionGrade;
      try {
        g = await gradeSubmission(item.file, item.name, cfg, run);
      } catch (e) {
        // The grader's own failure on one submission must not cost the others their grades.
        g = { name: item.name, file: item.file, chapter: null, score: 0, maxScore: 0, exercises: [], problems: [`grader error: ${e instanceof Error ? e.message : String(e)}`], passes: 0, seconds: 0 };
      }
      fs.writeFileSync(path.join(cfg.outDir, `${g.name}.json`), JSON.stringify(g, null, 1) + '\n');
      if (cfg.print) console.error(`graded ${g.name}: ${fmtPoints(g.score)}/${fmtPoints(g.maxScore)} (${g.seconds} s)`);
      return { ...g, order: at };
    });
  } finally {
    closeExecutors();
    run.close();
  }
  const result: ClassResult = {
    format: CLASS_FORMAT,
    ...(cfg.shard ? { shard: cfg.shard } : {}),
    classSize: order.length,
    seedFingerprint: run.fingerprint,
    sandbox: run.sandbox.why ? { mode: run.sandbox.mode, why: run.sandbox.why } : { mode: run.sandbox.mode },
    grades,
  };
  fs.writeFileSync(path.join(cfg.outDir, 'class.json'), JSON.stringify(result, null, 1) + '\n');
  writeCsv(grades, cfg.csv || path.join(cfg.outDir, 'class.csv'));
  return result;
}

function writeCsv(grades: SubmissionGrade[], csv: string): void {
  fs.mkdirSync(path.dirname(path.resolve(csv)), { recursive: true });
  fs.writeFileSync(csv, classCsv(grades));
}

/** The class.json files among `inputs` (files, or folders holding one). */
function classFiles(inputs: string[]): string[] {
  return inputs.map((p) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new Error(`merge: ${p} does not exist`);
    }
    const file = st.isDirectory() ? path.join(p, 'class.json') : p;
    if (!fs.existsSync(file)) throw new Error(`merge: ${p} has no class.json (pass the --out folder of a grading run, or its class.json)`);
    return file;
  });
}

/**
 * Joins the class.json of the slices of one class (`npm run grade -- merge …`)
 * into one ClassResult, in class order; writes the CSV. Refuses slices of
 * different runs (another seed or class size), the same submission twice, and
 * a class with slices missing.
 */
export function mergeSlices(inputs: string[], csv: string): ClassResult {
  if (inputs.length === 0) throw new Error('merge: no class.json files or folders given');
  const slices = classFiles(inputs).map((f) => {
    let r: ClassResult;
    try {
      r = JSON.parse(fs.readFileSync(f, 'utf8')) as ClassResult;
    } catch (e) {
      throw new Error(`merge: ${f} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (r?.format !== CLASS_FORMAT || !Array.isArray(r.grades)) throw new Error(`merge: ${f} is not a grader's class.json (format ${CLASS_FORMAT})`);
    return { file: f, r };
  });
  const first = slices[0].r;
  for (const { file, r } of slices) {
    if (r.seedFingerprint !== first.seedFingerprint) throw new Error(`merge: ${file} was graded with another seed than ${slices[0].file} (fingerprints ${r.seedFingerprint} and ${first.seedFingerprint}); grade every slice with the same --seed`);
    if (r.classSize !== first.classSize) throw new Error(`merge: ${file} is a slice of a class of ${r.classSize}, ${slices[0].file} of ${first.classSize}`);
  }
  const byOrder = new Map<number, SubmissionGrade & { order: number }>();
  for (const { file, r } of slices) {
    for (const g of r.grades) {
      if (byOrder.has(g.order)) throw new Error(`merge: submission ${g.name} is in two slices (again in ${file})`);
      byOrder.set(g.order, g);
    }
  }
  if (byOrder.size !== first.classSize) {
    const missing = Array.from({ length: first.classSize }, (_, i) => i).filter((i) => !byOrder.has(i));
    const shards = first.shard ? ` (slices of ${first.shard.count}: missing ${[...new Set(missing.map((i) => i % (first.shard as Shard).count))].join(', ')})` : '';
    throw new Error(`merge: ${missing.length} of ${first.classSize} submissions are in no slice${shards}`);
  }
  const grades = [...byOrder.values()].sort((a, b) => a.order - b.order);
  const unsandboxed = slices.find((s) => s.r.sandbox.mode !== 'bwrap');
  const merged: ClassResult = { format: CLASS_FORMAT, classSize: first.classSize, seedFingerprint: first.seedFingerprint, sandbox: unsandboxed ? unsandboxed.r.sandbox : first.sandbox, grades };
  writeCsv(grades, csv);
  return merged;
}
