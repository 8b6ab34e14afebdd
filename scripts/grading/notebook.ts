/**
 * The submission as data (the grader never runs it here): reading a notebook
 * defensively, finding its chapter and answer cells, and building the graded
 * copy — the student's cells without outputs, then one check cell per exercise
 * that prints its result behind a marker.
 */
import * as path from 'path';
import { EXERCISES, EXERCISE_CHAPTERS, ExerciseSpec } from '../../lib/coursework/exercises';

export interface RawCell {
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
export function answerId(cell: RawCell): string | undefined {
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

export interface GradedNotebook {
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
  // The import has a cell of its own: compiling it costs about a second, once instead of once per check.
  out.push({ cell_type: 'code', execution_count: null, id: 'grade-import', metadata: { tags: ['grader-check'] }, outputs: [], source: nbLines(`import { runExercise as ${alias} } from './lib/index';`) });
  for (const spec of specs) {
    if (skipChecks.has(spec.id)) continue;
    // One cell per exercise: a missing name fails only its own cell (tslab compiles each cell alone).
    // `as unknown`: a submission's types must not stop its check from compiling. No object shorthand
    // for names of other cells (tslab 1.0 does not resolve it).
    const source = `console.log(${JSON.stringify(marker)} + JSON.stringify(${alias}(${JSON.stringify(spec.id)}, (${spec.symbol}) as unknown, { quiet: true })));`;
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
