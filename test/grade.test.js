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
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The exercise notebooks and the grader (issue 5): static checks of the notebooks, then real grading runs with the
// tslab kernel: the solutions score full marks, the unchanged student notebooks score zero, and submissions written
// here with each failure mode (syntax error, exception, endless loop, memory hog, deleted / duplicated answer cell,
// invalid JSON) get the expected report lines and scores for what did run.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const exercises_1 = require("../lib/coursework/exercises");
const exercises_2 = require("../scripts/codegen/exercises");
const grade_1 = require("../grade");
const ROOT = path.resolve(__dirname, '..');
const ready = fs.existsSync(path.join(ROOT, '.venv', 'bin', 'python')) && fs.existsSync(path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-test-'));
function load(chapter, variant) {
    return JSON.parse(fs.readFileSync((0, exercises_2.notebookPath)(ROOT, chapter, variant), 'utf8'));
}
function at(nb, id) {
    const i = nb.cells.findIndex((c) => c.id === id);
    strict_1.default.ok(i >= 0, `no cell ${id}`);
    return i;
}
function codeCell(id, source, exercise) {
    return { cell_type: 'code', id, metadata: exercise ? { exercise, tags: ['answer'] } : {}, source: [source], outputs: [], execution_count: null };
}
function write(name, nb) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof nb === 'string' ? nb : JSON.stringify(nb));
    return file;
}
function byName(grades, name) {
    const g = grades.find((x) => x.name === name);
    strict_1.default.ok(g, `no grade for ${name}`);
    return g;
}
function ex(g, id) {
    const e = g.exercises.find((x) => x.id === id);
    strict_1.default.ok(e, `${g.name}: no exercise ${id}`);
    return e;
}
// ------------------------------------------------------------------ static
(0, node_test_1.test)('the stored exercise notebooks are what scripts/codegen/exercises.ts writes', () => {
    for (const chapter of exercises_1.EXERCISE_CHAPTERS) {
        for (const variant of ['student', 'solution']) {
            const file = (0, exercises_2.notebookPath)(ROOT, chapter, variant);
            strict_1.default.equal(fs.readFileSync(file, 'utf8'), (0, exercises_2.buildNotebook)(chapter, variant), `${path.relative(ROOT, file)} is out of date: run npx tsx scripts/codegen/exercises.ts`);
        }
    }
});
(0, node_test_1.test)('every exercise has one answer cell per notebook, with metadata; stubs throw TODO, solutions do not; no outputs', () => {
    for (const chapter of exercises_1.EXERCISE_CHAPTERS) {
        const student = load(chapter, 'student');
        const solution = load(chapter, 'solution');
        strict_1.default.equal(student.metadata.kernelspec.name, 'tslab');
        for (const spec of (0, exercises_1.exercisesOf)(chapter)) {
            for (const [nb, variant] of [[student, 'student'], [solution, 'solution']]) {
                const answers = nb.cells.filter((c) => c.metadata.exercise?.id === spec.id);
                strict_1.default.equal(answers.length, 1, `${chapter} ${variant}: answer cells for ${spec.id}`);
                strict_1.default.deepEqual(answers[0].metadata.tags, ['answer']);
                strict_1.default.equal(answers[0].metadata.exercise?.points, spec.points);
                const src = answers[0].source.join('');
                strict_1.default.match(src, new RegExp(`(function|const)\\s+${spec.id === 'beta-sweep' ? 'sweepBeta' : spec.symbol}\\b`));
                strict_1.default.equal(/throw new Error\('TODO/.test(src), variant === 'student', `${chapter} ${variant} ${spec.id}`);
            }
            strict_1.default.ok(student.cells.some((c) => c.metadata.tags?.includes('check') && c.source.join('').includes('check.')), `${chapter}: a check cell`);
        }
        for (const nb of [student, solution]) {
            for (const c of nb.cells) {
                if (c.cell_type === 'code') {
                    strict_1.default.deepEqual(c.outputs, []);
                    strict_1.default.equal(c.execution_count, null);
                }
            }
        }
    }
});
(0, node_test_1.test)('reading submissions: invalid JSON, not a notebook, malformed cells', () => {
    strict_1.default.match((0, grade_1.readSubmission)('{"cells": [').error, /^not a valid notebook: invalid JSON/);
    strict_1.default.match((0, grade_1.readSubmission)('[1, 2]').error, /expected a JSON object with a 'cells' list/);
    const odd = (0, grade_1.readSubmission)(JSON.stringify({ cells: [null, { cell_type: 'code', source: ['a', 1, 'b'] }, { cell_type: 'code', metadata: [] }] }));
    strict_1.default.ok(!('error' in odd));
    if (!('error' in odd)) {
        strict_1.default.equal(odd.cells.length, 3);
        strict_1.default.equal(odd.cells[1].source, 'ab');
        strict_1.default.equal(odd.cells[2].source, '');
    }
});
(0, node_test_1.test)('chapter detection: --chapter, notebook metadata, answer ids, file name', () => {
    const cells = [{ cell_type: 'code', source: '', metadata: { exercise: { id: 'lerp' } } }];
    strict_1.default.equal((0, grade_1.detectChapter)('x.ipynb', cells, {}, '03-vae'), '03-vae');
    strict_1.default.equal((0, grade_1.detectChapter)('x.ipynb', cells, { coursework: { chapter: '06-beyond' } }), '06-beyond');
    strict_1.default.equal((0, grade_1.detectChapter)('x.ipynb', cells, {}), '05-generation');
    strict_1.default.equal((0, grade_1.detectChapter)('alice-04-training.ipynb', [], {}), '04-training');
    strict_1.default.equal((0, grade_1.detectChapter)('alice.ipynb', [], {}), null);
});
(0, node_test_1.test)('the graded copy: student cells without outputs, killed cells replaced, one marker check per exercise', () => {
    const cells = [
        { cell_type: 'markdown', source: '# hi', metadata: {} },
        { cell_type: 'code', source: 'while (true) {}', metadata: {} },
        { cell_type: 'code', source: 'function lerp() {}', metadata: { exercise: { id: 'lerp' } } },
    ];
    const g = (0, grade_1.buildGradedNotebook)(cells, (0, exercises_1.exercisesOf)('05-generation'), '@@M-1@@', new Map([[2, 'it ran longer than 5 s']]), new Set(['slerp']));
    const nb = JSON.parse(g.json);
    strict_1.default.equal(g.studentCells, 3);
    strict_1.default.equal(nb.cells.length, 5, 'three student cells, the import, and the lerp check (slerp skipped)');
    strict_1.default.equal(nb.cells[1].source.join(''), '// removed by the grader: it ran longer than 5 s');
    strict_1.default.equal(nb.cells[3].source.join(''), "import { runExercise as gradeRunM1 } from './lib/index';");
    strict_1.default.equal(g.checkCells.get('lerp'), 5);
    strict_1.default.equal(nb.cells[4].source.join(''), 'console.log("@@M-1@@" + JSON.stringify(gradeRunM1("lerp", (lerp) as unknown, { quiet: true })));');
    strict_1.default.ok(nb.cells.every((c) => !c.outputs || c.outputs.length === 0));
});
(0, node_test_1.test)('command line: defaults and clear errors', () => {
    const { files, cfg } = (0, grade_1.parseArgs)(['a.ipynb', 'b.ipynb', '--timeout', '30', '--memory-mb', '900', '--csv', 'c.csv']);
    strict_1.default.deepEqual(files, ['a.ipynb', 'b.ipynb']);
    strict_1.default.equal(cfg.timeout, 30);
    strict_1.default.equal(cfg.memoryMb, 900);
    strict_1.default.equal(cfg.csv, 'c.csv');
    strict_1.default.equal(cfg.jobs, 2);
    strict_1.default.throws(() => (0, grade_1.parseArgs)([]), /no submissions given/);
    strict_1.default.throws(() => (0, grade_1.parseArgs)(['a.ipynb', '--timeout', 'soon']), /--timeout needs a number ≥ 1, got 'soon'/);
    strict_1.default.throws(() => (0, grade_1.parseArgs)(['a.ipynb', '--bogus']), /unknown option --bogus/);
    strict_1.default.throws(() => (0, grade_1.parseArgs)(['a.ipynb', '--chapter', '09-nope']), /--chapter must be one of/);
});
(0, node_test_1.test)('an invalid JSON submission is reported without running anything', async () => {
    const file = write('bob-03-vae.ipynb', '{"cells": [ {"cell_type": "code", "source": "oops"');
    const cfg = { ...grade_1.DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'invalid'), print: false };
    const [g] = await (0, grade_1.gradeClass)([file], cfg);
    strict_1.default.equal(g.chapter, '03-vae');
    strict_1.default.equal(g.score, 0);
    strict_1.default.equal(g.maxScore, 8);
    strict_1.default.equal(g.passes, 0);
    strict_1.default.match(g.problems[0], /^not a valid notebook: invalid JSON/);
    strict_1.default.ok(g.exercises.every((e) => e.status === 'not-graded' && e.notes[0] === 'the notebook could not be read'));
    strict_1.default.ok(fs.existsSync(path.join(cfg.outDir, 'bob-03-vae.json')));
    strict_1.default.match(fs.readFileSync(path.join(cfg.outDir, 'class.csv'), 'utf8'), /^submission,file,chapter,score,max_score,reparameterize,kl,bernoulli-ll,elbo,problems\nbob-03-vae,.*,03-vae,0,8,0,0,0,0,"not a valid notebook: invalid JSON/);
});
// ------------------------------------------------------------------ with the kernel
(0, node_test_1.test)('solutions score full marks, untouched student notebooks zero; syntax error, exception, deleted and duplicated answers', { skip, timeout: 600000 }, async () => {
    const files = [];
    for (const chapter of exercises_1.EXERCISE_CHAPTERS) {
        files.push(write(`solution-${chapter}.ipynb`, load(chapter, 'solution')));
        files.push(write(`student-${chapter}.ipynb`, load(chapter, 'student')));
    }
    // One submission, four failure modes (a kernel per submission is the slow part).
    const nb = load('03-vae', 'solution');
    const rep = at(nb, 'answer-reparameterize');
    nb.cells[rep].source = ['function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {\n', '  return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps) as tf.Tensor2D;\n', '}'];
    nb.cells.splice(at(nb, 'check-kl') + 1, 0, codeCell('answer-kl-again', 'function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {\n  // the factor ½ forgotten\n  return tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(logVar, 1)), 1) as tf.Tensor1D;\n}', { id: 'kl', points: 2 }));
    nb.cells.splice(at(nb, 'answer-elbo'), 1);
    nb.cells.splice(2, 0, codeCell('throws', "throw new Error('oops: a student cell that throws');"));
    files.push(write('broken-03-vae.ipynb', nb));
    const cfg = { ...grade_1.DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'class'), timeout: 120, print: false };
    const grades = await (0, grade_1.gradeClass)(files, cfg);
    const table = (0, grade_1.formatTable)(grades);
    for (const chapter of exercises_1.EXERCISE_CHAPTERS) {
        const sol = byName(grades, `solution-${chapter}`);
        strict_1.default.equal(sol.chapter, chapter);
        strict_1.default.ok(sol.maxScore > 0);
        strict_1.default.equal(sol.score, sol.maxScore, `${chapter} solution: ${JSON.stringify(sol.exercises.map((e) => [e.id, e.points, e.notes]))} ${sol.problems.join(' | ')}`);
        strict_1.default.deepEqual(sol.problems, []);
        const stu = byName(grades, `student-${chapter}`);
        strict_1.default.equal(stu.score, 0, `${chapter} student`);
        strict_1.default.equal(stu.maxScore, sol.maxScore);
        strict_1.default.ok(stu.exercises.every((e) => e.points === 0 && e.notes.length > 0));
        strict_1.default.ok(!stu.problems.some((p) => /grader error|not executed/.test(p)), stu.problems.join(' | '));
    }
    // A stub that throws is graded (every case fails, with the student's error), not "not graded".
    strict_1.default.deepEqual(ex(byName(grades, 'student-03-vae'), 'kl').notes, ['every case threw Error: TODO: implement klDivergence']);
    // The sweep result is computed by a cell that calls the stub: the report names that cell.
    strict_1.default.match(ex(byName(grades, 'student-04-training'), 'beta-sweep').notes.join(' '), /`sweepResult` is not defined because cell \d+ failed: Error: TODO: implement sweepBeta/);
    const broken = byName(grades, 'broken-03-vae');
    strict_1.default.match(broken.problems.join('\n'), /cell 3: Error: oops: a student cell that throws/);
    strict_1.default.match(broken.problems.join('\n'), /cell \d+ \(answer reparameterize\): TypeScriptError: /);
    const r = ex(broken, 'reparameterize');
    strict_1.default.equal(r.points, 0);
    strict_1.default.match(r.notes.join(' '), /`reparameterize` is not defined because cell \d+ \(answer reparameterize\) failed: TypeScriptError/);
    const kl = ex(broken, 'kl');
    strict_1.default.match(kl.notes[0], /^2 answer cells \(cells \d+, \d+\): the last one run defines `klDivergence`/);
    strict_1.default.equal(kl.status, 'graded');
    strict_1.default.ok(kl.points > 0 && kl.points < 2, `kl points ${kl.points}`);
    strict_1.default.match(kl.notes.join(' '), /twice the expected: the factor ½ is missing/);
    strict_1.default.equal(ex(broken, 'bernoulli-ll').points, 2);
    const elbo = ex(broken, 'elbo');
    strict_1.default.equal(elbo.points, 0);
    strict_1.default.match(elbo.notes[0], /^answer cell missing \(deleted\?\)/);
    strict_1.default.match(elbo.notes[1], /nothing defines `elbo`/);
    strict_1.default.equal(broken.score, 2 + kl.points);
    strict_1.default.match(table, /broken-03-vae\s+03-vae\s+[\d.]+\/8/);
    const csv = fs.readFileSync(path.join(cfg.outDir, 'class.csv'), 'utf8').trim().split('\n');
    strict_1.default.equal(csv.length, 1 + files.length);
    strict_1.default.equal(csv[0], `submission,file,chapter,score,max_score,${['fit-gaussian', 'reparameterize', 'kl', 'bernoulli-ll', 'elbo', 'kl-warmup', 'beta-sweep', 'lerp', 'slerp', 'iwae'].join(',')},problems`);
    strict_1.default.equal((0, grade_1.classCsv)(grades).trim().split('\n').length, csv.length);
    for (const g of grades) {
        const saved = JSON.parse(fs.readFileSync(path.join(cfg.outDir, `${g.name}.json`), 'utf8'));
        strict_1.default.equal(saved.score, g.score);
        strict_1.default.ok(fs.existsSync(path.join(cfg.outDir, `${g.name}.executed.ipynb`)));
    }
});
(0, node_test_1.test)('an endless loop, a memory hog and a check that never returns: skipped, reported, and the rest still scored', { skip, timeout: 600000 }, async () => {
    // Both kills in one submission: the loop is killed, the hog then fills the fresh kernel and is killed too;
    // the rerun without both scores everything.
    const nb1 = load('03-vae', 'solution');
    nb1.cells.splice(2, 0, codeCell('loop', 'while (true) {}'), codeCell('hog', 'const hog: Float64Array[] = [];\nwhile (true) hog.push(new Float64Array(1 << 23).fill(1));'));
    const limits = write('limits-03-vae.ipynb', nb1);
    // reparameterize never returns: the grader's check of it is killed, the other checks still count. The notebook's
    // own cells that call it (its check cell, the demo at the end) are removed, as a student might: they would hang too.
    const nb2 = load('03-vae', 'solution');
    nb2.cells[at(nb2, 'answer-reparameterize')].source = ['function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {\n', '  while (true) {}\n', '}'];
    nb2.cells.splice(at(nb2, 'check-reparameterize'), 1);
    nb2.cells.splice(nb2.cells.length - 1, 1);
    const fnLoop = write('fnloop-03-vae.ipynb', nb2);
    const cfg = { ...grade_1.DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'limits'), timeout: 30, memoryMb: 1200, print: false };
    const grades = await (0, grade_1.gradeClass)([limits, fnLoop], cfg);
    const l = byName(grades, 'limits-03-vae');
    const lines = l.problems.join('\n');
    strict_1.default.match(lines, /cell 3: skipped, it ran longer than 30 s; the notebook was run again without it/);
    strict_1.default.match(lines, /cell 4: skipped, it used more than 1200 MB; the notebook was run again without it/);
    strict_1.default.equal(l.passes, 2);
    strict_1.default.equal(l.score, 8, JSON.stringify(l.exercises.map((e) => [e.id, e.notes])));
    const f = byName(grades, 'fnloop-03-vae');
    const rep = ex(f, 'reparameterize');
    strict_1.default.equal(rep.points, 0);
    strict_1.default.equal(rep.status, 'not-graded');
    strict_1.default.match(rep.notes.join(' '), /its check did not finish: it ran longer than 30 s \(an endless loop or a huge allocation in `reparameterize`\?\)/);
    strict_1.default.equal(f.passes, 2);
    for (const id of ['kl', 'bernoulli-ll', 'elbo'])
        strict_1.default.equal(ex(f, id).points, 2, `${id}: ${ex(f, id).notes.join(' | ')}`);
});
