/**
 * The submission as data (the grader never runs it here): reading a notebook
 * defensively, finding its chapter and answer cells, and building the graded
 * copy — the student's cells without outputs (inline checks and demonstrations
 * left out), then one cell that evaluates the answers on the grader's probes.
 */
import * as path from 'path';
import { EXERCISES, EXERCISE_CHAPTERS } from '../../lib/coursework/exercises';
import type { GradeRequest } from '../../lib/coursework/protocol';

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
  /** 1-based index of the evaluation cell (0 when nothing is evaluated). */
  evalCell: number;
  /** Number of the student's cells (they keep their numbers 1…n). */
  studentCells: number;
  /** The student's code cells the grader does not run, and why. */
  skipped: Map<number, string>;
}

function nbLines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l));
}

/** Tags of cells the grader leaves out (an answer cell always runs, whatever its tags). */
export const SKIPPED_TAGS: Record<string, string> = {
  check: 'an inline check (the grader judges the answers itself)',
  demo: 'a demonstration the answers do not need',
};

/** Why the grader does not run this cell, or undefined when it does. */
export function skipReason(cell: RawCell): string | undefined {
  if (cell.cell_type !== 'code' || answerId(cell) !== undefined) return undefined;
  const tags = Array.isArray(cell.metadata.tags) ? (cell.metadata.tags as unknown[]) : [];
  const tag = Object.keys(SKIPPED_TAGS).find((t) => tags.includes(t));
  return tag && SKIPPED_TAGS[tag];
}

/**
 * The graded copy: the student's cells (outputs dropped), of which check and
 * demo cells and the cells in `dropped` (killed in an earlier run) become
 * markdown notes, so numbering stays and they do not run; then one evaluation
 * cell that answers `request`'s probes in the kernel and prints each
 * exercise's answers behind `marker` (lib/coursework/respond.ts).
 */
export function buildGradedNotebook(cells: RawCell[], request: GradeRequest, marker: string, dropped: Map<number, string>): GradedNotebook {
  const skipped = new Map<number, string>();
  const out: Record<string, unknown>[] = cells.map((c, i) => {
    const n = i + 1;
    const id = `s${n}`;
    if (c.cell_type === 'code') {
      const reason = dropped.get(n) ?? skipReason(c);
      if (!reason) return { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source: nbLines(c.source) };
      skipped.set(n, reason);
      return { cell_type: 'markdown', id, metadata: {}, source: nbLines(`*not run by the grader: ${reason}*`) };
    }
    // Markdown and raw cells are kept as markdown (they do not run); anything else becomes an empty note.
    return { cell_type: 'markdown', id, metadata: {}, source: nbLines(c.cell_type === 'markdown' || c.cell_type === 'raw' ? c.source : '') };
  });
  let evalCell = 0;
  if (request.exercises.length > 0) {
    // No leading "__": tslab 1.0 mangles such names between a cell's import and its use.
    const alias = `gradeRespond${marker.replace(/[^A-Za-z0-9]/g, '')}`;
    const source = [
      `import { respond as ${alias} } from './lib/coursework/respond';`,
      `await ${alias}(${JSON.stringify(marker)}, ${JSON.stringify(JSON.stringify(request))});`,
    ].join('\n');
    out.push({ cell_type: 'code', execution_count: null, id: 'grader-evaluate', metadata: { tags: ['grader'] }, outputs: [], source: nbLines(source) });
    evalCell = out.length;
  }
  const nb = {
    cells: out,
    metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { json: JSON.stringify(nb, null, 1), evalCell, studentCells: cells.length, skipped };
}
