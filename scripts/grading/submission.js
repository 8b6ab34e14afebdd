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
exports.gradeSubmission = void 0;
/**
 * Grading one submission: run the graded copy, rerun without the cells that
 * were killed (time or memory limit, dead kernel: they take the kernel's state
 * with them), then turn the check cells' marker lines and the executor's
 * report into scores and one-line notes.
 */
const crypto_1 = require("crypto");
const fs = __importStar(require("fs"));
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const exercises_1 = require("../../lib/coursework/exercises");
const execute_1 = require("./execute");
const notebook_1 = require("./notebook");
/** Runs of one submission at most: the first, plus reruns that each drop the cells killed before. */
const MAX_PASSES = 4;
const KILLED = new Set(['timeout', 'memory', 'dead-kernel']);
function describeCell(n, cells) {
    const c = cells[n - 1];
    const id = c ? (0, notebook_1.answerId)(c) : undefined;
    return id ? `cell ${n} (answer ${id})` : `cell ${n}`;
}
function killReason(r, cfg) {
    if (r.status === 'timeout')
        return `it ran longer than ${cfg.timeout} s`;
    if (r.status === 'memory')
        return `it used more than ${cfg.memoryMb} MB`;
    return 'the kernel died while it ran';
}
/** Cells (1-based) whose source declares `symbol` at top level. */
function declaringCells(cells, symbol) {
    const re = new RegExp(`(^|\\n)\\s*(export\\s+)?(async\\s+)?(function\\*?|const|let|var|class)\\s+${symbol.replace(/[$]/g, '\\$')}\\b`);
    return cells.map((c, i) => (c.cell_type === 'code' && re.test(c.source) ? i + 1 : 0)).filter((n) => n > 0);
}
/** One line for the failed cases of a check (the JSON keeps every case). */
function summariseFailures(r) {
    const failed = r.cases.filter((c) => !c.passed);
    if (failed.length === 0)
        return [];
    const errors = failed.map((c) => c.error?.message);
    if (failed.length === r.cases.length && errors.every((m) => m !== undefined && m === errors[0])) {
        return [`every case threw ${errors[0]}`];
    }
    const shown = failed.slice(0, 2).map((c) => `${c.name} (${c.error ? `threw ${c.error.message}` : c.hint ?? 'wrong value'})`);
    const more = failed.length > 2 ? `; and ${failed.length - 2} more` : '';
    return [`${failed.length}/${r.total} cases failed: ${shown.join('; ')}${more}`];
}
async function gradeSubmission(file, name, cfg) {
    const t0 = Date.now();
    const problems = [];
    const result = (chapter, exercises, passes) => {
        const score = Math.round(exercises.reduce((s, e) => s + e.points, 0) * 100) / 100;
        const maxScore = exercises.reduce((s, e) => s + e.maxPoints, 0);
        return { name, file, chapter, score, maxScore, exercises, problems, passes, seconds: Math.round((Date.now() - t0) / 100) / 10 };
    };
    const notGraded = (specs, note) => specs.map((s) => ({ id: s.id, title: s.title, points: 0, maxPoints: s.points, status: 'not-graded', notes: [note] }));
    let text;
    try {
        text = fs.readFileSync(file, 'utf8');
    }
    catch (e) {
        problems.push(`cannot read the file: ${e.code ?? String(e)}`);
        const chapter = (0, notebook_1.detectChapter)(file, undefined, undefined, cfg.chapter);
        return result(chapter, notGraded(chapter ? (0, exercises_1.exercisesOf)(chapter) : [], 'the submission could not be read'), 0);
    }
    const parsed = (0, notebook_1.readSubmission)(text);
    if ('error' in parsed) {
        problems.push(parsed.error);
        const chapter = (0, notebook_1.detectChapter)(file, undefined, undefined, cfg.chapter);
        if (!chapter)
            problems.push('chapter unknown (name the file after its chapter, e.g. 03-vae, or pass --chapter)');
        return result(chapter, notGraded(chapter ? (0, exercises_1.exercisesOf)(chapter) : [], 'the notebook could not be read'), 0);
    }
    const { cells, metadata } = parsed;
    const chapter = (0, notebook_1.detectChapter)(file, cells, metadata, cfg.chapter);
    if (!chapter || (0, exercises_1.exercisesOf)(chapter).length === 0) {
        problems.push(chapter ? `no exercises for chapter '${chapter}'` : 'chapter unknown: no coursework metadata, no answer cells with known ids, no chapter in the file name (pass --chapter)');
        return result(chapter, [], 0);
    }
    const specs = (0, exercises_1.exercisesOf)(chapter);
    // Answer cells: missing, duplicated, or of another chapter.
    const answerCells = new Map();
    cells.forEach((c, i) => {
        const id = (0, notebook_1.answerId)(c);
        if (id === undefined)
            return;
        answerCells.set(id, [...(answerCells.get(id) ?? []), i + 1]);
    });
    const notes = new Map(specs.map((s) => [s.id, []]));
    for (const s of specs) {
        const at = answerCells.get(s.id) ?? [];
        if (at.length === 0)
            notes.get(s.id)?.push(`answer cell missing (deleted?): graded on whatever the notebook defines as \`${s.symbol}\``);
        if (at.length > 1)
            notes.get(s.id)?.push(`${at.length} answer cells (cells ${at.join(', ')}): the last one run defines \`${s.symbol}\``);
    }
    for (const [id, at] of answerCells) {
        if (!notes.has(id))
            problems.push(`cell ${at.join(', ')}: answer cell for '${id}', which is not an exercise of ${chapter}`);
    }
    // Run, and rerun without the cells that were killed.
    const marker = `@@GRADE-${(0, crypto_1.randomBytes)(6).toString('hex')}@@`;
    const dropped = new Map();
    const skipChecks = new Set();
    const checkKilled = new Map();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-'));
    const executedPath = path.join(cfg.outDir, `${name}.executed.ipynb`);
    let last;
    let passes = 0;
    try {
        for (let pass = 1; pass <= MAX_PASSES; pass++) {
            passes = pass;
            const graded = (0, notebook_1.buildGradedNotebook)(cells, specs, marker, dropped, skipChecks);
            const input = path.join(work, `pass${pass}.ipynb`);
            fs.writeFileSync(input, graded.json);
            const exec = () => (0, execute_1.runExecutor)(input, path.join(work, `pass${pass}.executed.ipynb`), path.join(work, `pass${pass}.json`), cfg);
            let run = await exec();
            if (run.cells.length === 0) {
                // No report at all: the kernel did not start or the executor died (seen on a busy machine). Once more.
                const first = (0, execute_1.firstLine)(run.stderr.split('\n').filter((l) => l.trim()).slice(-1)[0] ?? '') || `exit code ${run.code}`;
                run = await exec();
                if (run.cells.length > 0)
                    problems.push(`the first attempt to run the notebook failed (${first}); the second ran`);
            }
            last = { run, graded };
            if (run.code === 2 || run.code === null || run.cells.length === 0)
                break;
            const killed = run.cells.filter((c) => KILLED.has(c.status));
            if (killed.length === 0)
                break;
            const checkIndex = new Map([...graded.checkCells.entries()].map(([id, n]) => [n, id]));
            for (const k of killed) {
                const reason = killReason(k, cfg);
                const id = checkIndex.get(k.index);
                if (id) {
                    checkKilled.set(id, `its check did not finish: ${reason} (an endless loop or a huge allocation in \`${specs.find((s) => s.id === id)?.symbol}\`?)`);
                    skipChecks.add(id);
                }
                else if (k.index <= cells.length) {
                    dropped.set(k.index, `${reason}`);
                    problems.push(`${describeCell(k.index, cells)}: skipped, ${reason}; the notebook was run again without it`);
                }
                else {
                    // The grader's own import cell: nothing of the student's runs in it, so the kill came from the
                    // machine (seen once on a busy one); the next run tries again with the same cells.
                    problems.push(`the grader's cell that loads lib/coursework/check.ts was killed (${reason}); the notebook was run again`);
                }
            }
            if (pass === MAX_PASSES)
                problems.push(`still failing after ${MAX_PASSES} runs; the scores are from the last run`);
        }
    }
    finally {
        if (last?.run.executed) {
            try {
                fs.mkdirSync(cfg.outDir, { recursive: true });
                fs.writeFileSync(executedPath, JSON.stringify(last.run.executed, null, 1));
            }
            catch {
                /* keeping the executed copy is a convenience */
            }
        }
        fs.rmSync(work, { recursive: true, force: true });
    }
    const { run, graded } = last;
    if (run.code === 2 || run.code === null || run.cells.length === 0) {
        const why = run.code === null ? 'the executor did not finish and was killed' : (0, execute_1.firstLine)(run.stderr.split('\n').filter((l) => l.trim()).slice(-1)[0] ?? '') || 'the executor failed';
        problems.push(`not executed: ${why}`);
        return result(chapter, notGraded(specs, 'the notebook could not be executed'), passes);
    }
    // Problems in the student's own cells (the last run; killed cells are already reported).
    const byIndex = new Map(run.cells.map((c) => [c.index, c]));
    for (const c of run.cells) {
        if (c.index > graded.studentCells || c.status === 'ok' || c.status === 'skipped')
            continue;
        if (dropped.has(c.index))
            continue;
        if (KILLED.has(c.status)) {
            problems.push(`${describeCell(c.index, cells)}: ${killReason(c, cfg)}; the cells after it ran in a fresh kernel`);
            continue;
        }
        problems.push(`${describeCell(c.index, cells)}: ${c.ename ?? 'Error'}: ${c.evalue ?? ''}`.trim());
    }
    const imported = byIndex.get(graded.studentCells + 1);
    if (imported && imported.status !== 'ok') {
        problems.push(`the grader could not load lib/coursework/check.ts in the kernel: ${imported.ename ?? 'Error'}: ${imported.evalue ?? ''}`);
    }
    // One result per exercise, from its check cell's marker line.
    const exercises = specs.map((s) => {
        const own = notes.get(s.id) ?? [];
        const base = { id: s.id, title: s.title, maxPoints: s.points };
        if (checkKilled.has(s.id))
            return { ...base, points: 0, status: 'not-graded', notes: [...own, checkKilled.get(s.id)] };
        const n = graded.checkCells.get(s.id);
        const outputs = run.executed?.cells[n - 1]?.outputs ?? [];
        const line = outputs
            .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
            .map(execute_1.streamText)
            .join('')
            .split('\n')
            .find((l) => l.startsWith(marker));
        if (line) {
            try {
                const r = JSON.parse(line.slice(marker.length));
                if (r.id !== s.id || typeof r.passed !== 'number' || typeof r.total !== 'number')
                    throw new Error('malformed');
                const points = r.total > 0 ? Math.round(((s.points * r.passed) / r.total) * 100) / 100 : 0;
                return { ...base, points, status: 'graded', passed: r.passed, total: r.total, notes: [...own, ...summariseFailures(r)], cases: r.cases };
            }
            catch {
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
            }
            else if (decl.length === 0) {
                note = `not graded: nothing defines \`${s.symbol}\``;
            }
            else {
                note = `not graded: \`${s.symbol}\` is not defined (${why})`;
            }
        }
        return { ...base, points: 0, status: 'not-graded', notes: [...own, note] };
    });
    return result(chapter, exercises, passes);
}
exports.gradeSubmission = gradeSubmission;
