"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildGradedNotebook = exports.detectChapter = exports.answerId = exports.readSubmission = void 0;
/**
 * The submission as data (the grader never runs it here): reading a notebook
 * defensively, finding its chapter and answer cells, and building the graded
 * copy — the student's cells without outputs, then one check cell per exercise
 * that prints its result behind a marker.
 */
const path = __importStar(require("path"));
const exercises_1 = require("../../lib/coursework/exercises");
/** The cells of a submission, or the reason it is not a notebook. */
function readSubmission(text) {
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        return { error: `not a valid notebook: invalid JSON (${msg})` };
    }
    if (raw === null || typeof raw !== 'object' || !Array.isArray(raw.cells)) {
        return { error: "not a valid notebook: expected a JSON object with a 'cells' list" };
    }
    const nb = raw;
    const cells = nb.cells.map((c) => {
        const cell = (c !== null && typeof c === 'object' ? c : {});
        const src = cell.source;
        const source = typeof src === 'string' ? src : Array.isArray(src) ? src.filter((s) => typeof s === 'string').join('') : '';
        const metadata = cell.metadata !== null && typeof cell.metadata === 'object' && !Array.isArray(cell.metadata) ? cell.metadata : {};
        const type = typeof cell.cell_type === 'string' ? cell.cell_type : 'unknown';
        return { cell_type: type, source, metadata };
    });
    const metadata = nb.metadata !== null && typeof nb.metadata === 'object' && !Array.isArray(nb.metadata) ? nb.metadata : {};
    return { cells, metadata };
}
exports.readSubmission = readSubmission;
/** The exercise id an answer cell declares, if any. */
function answerId(cell) {
    const ex = cell.metadata.exercise;
    if (ex !== null && typeof ex === 'object' && typeof ex.id === 'string')
        return ex.id;
    return undefined;
}
exports.answerId = answerId;
/** The chapter: --chapter, the notebook's coursework metadata, the answer ids, or the file name. */
function detectChapter(file, cells, metadata, forced) {
    const known = exercises_1.EXERCISE_CHAPTERS;
    if (forced)
        return forced;
    const cw = metadata?.coursework;
    if (cw !== null && typeof cw === 'object' && typeof cw.chapter === 'string' && known.includes(cw.chapter)) {
        return cw.chapter;
    }
    const votes = new Map();
    for (const c of cells ?? []) {
        const spec = exercises_1.EXERCISES.find((e) => e.id === answerId(c));
        if (spec)
            votes.set(spec.chapter, (votes.get(spec.chapter) ?? 0) + 1);
    }
    if (votes.size > 0)
        return [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const base = path.basename(file);
    return known.find((ch) => base.includes(ch)) ?? null;
}
exports.detectChapter = detectChapter;
function nbLines(text) {
    const parts = text.split('\n');
    return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l));
}
/**
 * The student's cells (outputs dropped; cells in `dropped` replaced by a
 * comment so numbering stays), then one check cell per exercise.
 */
function buildGradedNotebook(cells, specs, marker, dropped, skipChecks) {
    const out = cells.map((c, i) => {
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
    const checkCells = new Map();
    // No leading "__": tslab 1.0 mangles such names between a cell's import and its use.
    const alias = `gradeRun${marker.replace(/[^A-Za-z0-9]/g, '')}`;
    // The import has a cell of its own: compiling it costs about a second, once instead of once per check.
    out.push({ cell_type: 'code', execution_count: null, id: 'grade-import', metadata: { tags: ['grader-check'] }, outputs: [], source: nbLines(`import { runExercise as ${alias} } from './lib/index';`) });
    for (const spec of specs) {
        if (skipChecks.has(spec.id))
            continue;
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
exports.buildGradedNotebook = buildGradedNotebook;
