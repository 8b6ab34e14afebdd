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
exports.gradeClass = exports.classCsv = exports.formatTable = void 0;
/**
 * Grading a class: submissions two at a time (each with its own kernel), the
 * table for the terminal, the JSON per submission and the class CSV.
 */
const fs = __importStar(require("fs"));
const path = __importStar(require("path"));
const exercises_1 = require("../../lib/coursework/exercises");
const submission_1 = require("./submission");
/** Runs `fn` over `items` with at most `limit` running at once, keeping the input order in the output. */
async function pool(items, limit, fn) {
    const out = new Array(items.length);
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
function uniqueNames(files) {
    const seen = new Map();
    return files.map((f) => {
        const base = path.basename(f).replace(/\.ipynb$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'submission';
        const k = (seen.get(base) ?? 0) + 1;
        seen.set(base, k);
        return k === 1 ? base : `${base}-${k}`;
    });
}
function fmtPoints(x) {
    return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0$/, '');
}
function formatTable(grades) {
    const rows = grades.map((g) => [
        g.name,
        g.chapter ?? '?',
        `${fmtPoints(g.score)}/${fmtPoints(g.maxScore)}`,
        g.exercises.map((e) => `${e.id} ${e.status === 'graded' ? fmtPoints(e.points) : '–'}/${fmtPoints(e.maxPoints)}`).join('  '),
    ]);
    const head = ['submission', 'chapter', 'score', 'exercises'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
    const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
    grades.forEach((g, i) => {
        out.push(line(rows[i]));
        for (const p of g.problems)
            out.push(`    ! ${p}`);
        for (const e of g.exercises)
            for (const n of e.notes)
                out.push(`    ${e.id}: ${n}`);
    });
    return out.join('\n');
}
exports.formatTable = formatTable;
function csvField(v) {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function classCsv(grades) {
    const ids = exercises_1.EXERCISES.map((e) => e.id).filter((id) => grades.some((g) => g.exercises.some((e) => e.id === id)));
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
exports.classCsv = classCsv;
async function gradeClass(files, cfg) {
    fs.mkdirSync(cfg.outDir, { recursive: true });
    const names = uniqueNames(files);
    const grades = await pool(files, cfg.jobs, async (file, i) => {
        let g;
        try {
            g = await (0, submission_1.gradeSubmission)(file, names[i], cfg);
        }
        catch (e) {
            // The grader's own failure on one submission must not cost the others their grades.
            g = { name: names[i], file, chapter: null, score: 0, maxScore: 0, exercises: [], problems: [`grader error: ${e instanceof Error ? e.message : String(e)}`], passes: 0, seconds: 0 };
        }
        fs.writeFileSync(path.join(cfg.outDir, `${g.name}.json`), JSON.stringify(g, null, 1) + '\n');
        if (cfg.print)
            console.error(`graded ${g.name}: ${fmtPoints(g.score)}/${fmtPoints(g.maxScore)} (${g.seconds} s)`);
        return g;
    });
    const csv = cfg.csv || path.join(cfg.outDir, 'class.csv');
    fs.mkdirSync(path.dirname(path.resolve(csv)), { recursive: true });
    fs.writeFileSync(csv, classCsv(grades));
    return grades;
}
exports.gradeClass = gradeClass;
