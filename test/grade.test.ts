// The exercise notebooks and the grader (issue 5): static checks of the notebooks, then real grading runs with the
// tslab kernel: the solutions score full marks, the unchanged student notebooks score zero, and submissions written
// here with each failure mode (syntax error, exception, endless loop, memory hog, deleted / duplicated answer cell,
// invalid JSON) get the expected report lines and scores for what did run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXERCISE_CHAPTERS, exercisesOf } from '../lib/coursework/exercises';
import { buildNotebook, notebookPath } from '../scripts/codegen/exercises';
import {
  DEFAULT_GRADE_CONFIG,
  GradeConfig,
  SubmissionGrade,
  buildGradedNotebook,
  classCsv,
  detectChapter,
  formatTable,
  gradeClass,
  parseArgs,
  readSubmission,
} from '../grade';

const ROOT = path.resolve(__dirname, '..');
const ready = fs.existsSync(path.join(ROOT, '.venv', 'bin', 'python')) && fs.existsSync(path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-test-'));

interface Nb {
  cells: { cell_type: string; id: string; metadata: { exercise?: { id: string; points: number }; tags?: string[] }; source: string[]; outputs?: unknown[]; execution_count?: number | null }[];
  metadata: Record<string, unknown>;
}

function load(chapter: string, variant: 'student' | 'solution'): Nb {
  return JSON.parse(fs.readFileSync(notebookPath(ROOT, chapter, variant), 'utf8')) as Nb;
}

function at(nb: Nb, id: string): number {
  const i = nb.cells.findIndex((c) => c.id === id);
  assert.ok(i >= 0, `no cell ${id}`);
  return i;
}

function codeCell(id: string, source: string, exercise?: { id: string; points: number }) {
  return { cell_type: 'code', id, metadata: exercise ? { exercise, tags: ['answer'] } : {}, source: [source], outputs: [], execution_count: null };
}

function write(name: string, nb: Nb | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof nb === 'string' ? nb : JSON.stringify(nb));
  return file;
}

function byName(grades: SubmissionGrade[], name: string): SubmissionGrade {
  const g = grades.find((x) => x.name === name);
  assert.ok(g, `no grade for ${name}`);
  return g;
}

function ex(g: SubmissionGrade, id: string) {
  const e = g.exercises.find((x) => x.id === id);
  assert.ok(e, `${g.name}: no exercise ${id}`);
  return e;
}

// ------------------------------------------------------------------ static

test('the stored exercise notebooks are what scripts/codegen/exercises.ts writes', () => {
  for (const chapter of EXERCISE_CHAPTERS) {
    for (const variant of ['student', 'solution'] as const) {
      const file = notebookPath(ROOT, chapter, variant);
      assert.equal(fs.readFileSync(file, 'utf8'), buildNotebook(chapter, variant), `${path.relative(ROOT, file)} is out of date: run npx tsx scripts/codegen/exercises.ts`);
    }
  }
});

test('every exercise has one answer cell per notebook, with metadata; stubs throw TODO, solutions do not; no outputs', () => {
  for (const chapter of EXERCISE_CHAPTERS) {
    const student = load(chapter, 'student');
    const solution = load(chapter, 'solution');
    assert.equal((student.metadata.kernelspec as { name: string }).name, 'tslab');
    for (const spec of exercisesOf(chapter)) {
      for (const [nb, variant] of [[student, 'student'], [solution, 'solution']] as const) {
        const answers = nb.cells.filter((c) => c.metadata.exercise?.id === spec.id);
        assert.equal(answers.length, 1, `${chapter} ${variant}: answer cells for ${spec.id}`);
        assert.deepEqual(answers[0].metadata.tags, ['answer']);
        assert.equal(answers[0].metadata.exercise?.points, spec.points);
        const src = answers[0].source.join('');
        assert.match(src, new RegExp(`(function|const)\\s+${spec.id === 'beta-sweep' ? 'sweepBeta' : spec.symbol}\\b`));
        assert.equal(/throw new Error\('TODO/.test(src), variant === 'student', `${chapter} ${variant} ${spec.id}`);
      }
      assert.ok(student.cells.some((c) => c.metadata.tags?.includes('check') && c.source.join('').includes('check.')), `${chapter}: a check cell`);
    }
    for (const nb of [student, solution]) {
      for (const c of nb.cells) {
        if (c.cell_type === 'code') {
          assert.deepEqual(c.outputs, []);
          assert.equal(c.execution_count, null);
        }
      }
    }
  }
});

test('reading submissions: invalid JSON, not a notebook, malformed cells', () => {
  assert.match((readSubmission('{"cells": [') as { error: string }).error, /^not a valid notebook: invalid JSON/);
  assert.match((readSubmission('[1, 2]') as { error: string }).error, /expected a JSON object with a 'cells' list/);
  const odd = readSubmission(JSON.stringify({ cells: [null, { cell_type: 'code', source: ['a', 1, 'b'] }, { cell_type: 'code', metadata: [] }] }));
  assert.ok(!('error' in odd));
  if (!('error' in odd)) {
    assert.equal(odd.cells.length, 3);
    assert.equal(odd.cells[1].source, 'ab');
    assert.equal(odd.cells[2].source, '');
  }
});

test('chapter detection: --chapter, notebook metadata, answer ids, file name', () => {
  const cells = [{ cell_type: 'code', source: '', metadata: { exercise: { id: 'lerp' } } }];
  assert.equal(detectChapter('x.ipynb', cells, {}, '03-vae'), '03-vae');
  assert.equal(detectChapter('x.ipynb', cells, { coursework: { chapter: '06-beyond' } }), '06-beyond');
  assert.equal(detectChapter('x.ipynb', cells, {}), '05-generation');
  assert.equal(detectChapter('alice-04-training.ipynb', [], {}), '04-training');
  assert.equal(detectChapter('alice.ipynb', [], {}), null);
});

test('the graded copy: student cells without outputs, killed cells replaced, one marker check per exercise', () => {
  const cells = [
    { cell_type: 'markdown', source: '# hi', metadata: {} },
    { cell_type: 'code', source: 'while (true) {}', metadata: {} },
    { cell_type: 'code', source: 'function lerp() {}', metadata: { exercise: { id: 'lerp' } } },
  ];
  const g = buildGradedNotebook(cells, exercisesOf('05-generation'), '@@M-1@@', new Map([[2, 'it ran longer than 5 s']]), new Set(['slerp']));
  const nb = JSON.parse(g.json) as Nb;
  assert.equal(g.studentCells, 3);
  assert.equal(nb.cells.length, 5, 'three student cells, the import, and the lerp check (slerp skipped)');
  assert.equal(nb.cells[1].source.join(''), '// removed by the grader: it ran longer than 5 s');
  assert.equal(nb.cells[3].source.join(''), "import { runExercise as gradeRunM1 } from './lib/index';");
  assert.equal(g.checkCells.get('lerp'), 5);
  assert.equal(nb.cells[4].source.join(''), 'console.log("@@M-1@@" + JSON.stringify(gradeRunM1("lerp", (lerp) as unknown, { quiet: true })));');
  assert.ok(nb.cells.every((c) => !c.outputs || c.outputs.length === 0));
});

test('command line: defaults and clear errors', () => {
  const { files, cfg } = parseArgs(['a.ipynb', 'b.ipynb', '--timeout', '30', '--memory-mb', '900', '--csv', 'c.csv']);
  assert.deepEqual(files, ['a.ipynb', 'b.ipynb']);
  assert.equal(cfg.timeout, 30);
  assert.equal(cfg.memoryMb, 900);
  assert.equal(cfg.csv, 'c.csv');
  assert.equal(cfg.jobs, 2);
  assert.throws(() => parseArgs([]), /no submissions given/);
  assert.throws(() => parseArgs(['a.ipynb', '--timeout', 'soon']), /--timeout needs a number ≥ 1, got 'soon'/);
  assert.throws(() => parseArgs(['a.ipynb', '--bogus']), /unknown option --bogus/);
  assert.throws(() => parseArgs(['a.ipynb', '--chapter', '09-nope']), /--chapter must be one of/);
});

test('an invalid JSON submission is reported without running anything', async () => {
  const file = write('bob-03-vae.ipynb', '{"cells": [ {"cell_type": "code", "source": "oops"');
  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'invalid'), print: false };
  const [g] = await gradeClass([file], cfg);
  assert.equal(g.chapter, '03-vae');
  assert.equal(g.score, 0);
  assert.equal(g.maxScore, 8);
  assert.equal(g.passes, 0);
  assert.match(g.problems[0], /^not a valid notebook: invalid JSON/);
  assert.ok(g.exercises.every((e) => e.status === 'not-graded' && e.notes[0] === 'the notebook could not be read'));
  assert.ok(fs.existsSync(path.join(cfg.outDir, 'bob-03-vae.json')));
  assert.match(fs.readFileSync(path.join(cfg.outDir, 'class.csv'), 'utf8'), /^submission,file,chapter,score,max_score,reparameterize,kl,bernoulli-ll,elbo,problems\nbob-03-vae,.*,03-vae,0,8,0,0,0,0,"not a valid notebook: invalid JSON/);
});

// ------------------------------------------------------------------ with the kernel

test('solutions score full marks, untouched student notebooks zero; syntax error, exception, deleted and duplicated answers', { skip, timeout: 600_000 }, async () => {
  const files: string[] = [];
  for (const chapter of EXERCISE_CHAPTERS) {
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

  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'class'), timeout: 120, print: false };
  const grades = await gradeClass(files, cfg);
  const table = formatTable(grades);

  for (const chapter of EXERCISE_CHAPTERS) {
    const sol = byName(grades, `solution-${chapter}`);
    assert.equal(sol.chapter, chapter);
    assert.ok(sol.maxScore > 0);
    assert.equal(sol.score, sol.maxScore, `${chapter} solution: ${JSON.stringify(sol.exercises.map((e) => [e.id, e.points, e.notes]))} ${sol.problems.join(' | ')}`);
    assert.deepEqual(sol.problems, []);
    const stu = byName(grades, `student-${chapter}`);
    assert.equal(stu.score, 0, `${chapter} student`);
    assert.equal(stu.maxScore, sol.maxScore);
    assert.ok(stu.exercises.every((e) => e.points === 0 && e.notes.length > 0));
    assert.ok(!stu.problems.some((p) => /grader error|not executed/.test(p)), stu.problems.join(' | '));
  }
  // A stub that throws is graded (every case fails, with the student's error), not "not graded".
  assert.deepEqual(ex(byName(grades, 'student-03-vae'), 'kl').notes, ['every case threw Error: TODO: implement klDivergence']);
  // The sweep result is computed by a cell that calls the stub: the report names that cell.
  assert.match(ex(byName(grades, 'student-04-training'), 'beta-sweep').notes.join(' '), /`sweepResult` is not defined because cell \d+ failed: Error: TODO: implement sweepBeta/);

  const broken = byName(grades, 'broken-03-vae');
  assert.match(broken.problems.join('\n'), /cell 3: Error: oops: a student cell that throws/);
  assert.match(broken.problems.join('\n'), /cell \d+ \(answer reparameterize\): TypeScriptError: /);
  const r = ex(broken, 'reparameterize');
  assert.equal(r.points, 0);
  assert.match(r.notes.join(' '), /`reparameterize` is not defined because cell \d+ \(answer reparameterize\) failed: TypeScriptError/);
  const kl = ex(broken, 'kl');
  assert.match(kl.notes[0], /^2 answer cells \(cells \d+, \d+\): the last one run defines `klDivergence`/);
  assert.equal(kl.status, 'graded');
  assert.ok(kl.points > 0 && kl.points < 2, `kl points ${kl.points}`);
  assert.match(kl.notes.join(' '), /twice the expected: the factor ½ is missing/);
  assert.equal(ex(broken, 'bernoulli-ll').points, 2);
  const elbo = ex(broken, 'elbo');
  assert.equal(elbo.points, 0);
  assert.match(elbo.notes[0], /^answer cell missing \(deleted\?\)/);
  assert.match(elbo.notes[1], /nothing defines `elbo`/);
  assert.equal(broken.score, 2 + kl.points);

  assert.match(table, /broken-03-vae\s+03-vae\s+[\d.]+\/8/);
  const csv = fs.readFileSync(path.join(cfg.outDir, 'class.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + files.length);
  assert.equal(csv[0], `submission,file,chapter,score,max_score,${['fit-gaussian', 'reparameterize', 'kl', 'bernoulli-ll', 'elbo', 'kl-warmup', 'beta-sweep', 'lerp', 'slerp', 'iwae'].join(',')},problems`);
  assert.equal(classCsv(grades).trim().split('\n').length, csv.length);
  for (const g of grades) {
    const saved = JSON.parse(fs.readFileSync(path.join(cfg.outDir, `${g.name}.json`), 'utf8')) as SubmissionGrade;
    assert.equal(saved.score, g.score);
    assert.ok(fs.existsSync(path.join(cfg.outDir, `${g.name}.executed.ipynb`)));
  }
});

test('an endless loop, a memory hog and a check that never returns: skipped, reported, and the rest still scored', { skip, timeout: 600_000 }, async () => {
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

  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'limits'), timeout: 30, memoryMb: 1200, print: false };
  const grades = await gradeClass([limits, fnLoop], cfg);

  const l = byName(grades, 'limits-03-vae');
  const lines = l.problems.join('\n');
  assert.match(lines, /cell 3: skipped, it ran longer than 30 s; the notebook was run again without it/);
  assert.match(lines, /cell 4: skipped, it used more than 1200 MB; the notebook was run again without it/);
  assert.equal(l.passes, 2);
  assert.equal(l.score, 8, JSON.stringify(l.exercises.map((e) => [e.id, e.notes])));

  const f = byName(grades, 'fnloop-03-vae');
  const rep = ex(f, 'reparameterize');
  assert.equal(rep.points, 0);
  assert.equal(rep.status, 'not-graded');
  assert.match(rep.notes.join(' '), /its check did not finish: it ran longer than 30 s \(an endless loop or a huge allocation in `reparameterize`\?\)/);
  assert.equal(f.passes, 2);
  for (const id of ['kl', 'bernoulli-ll', 'elbo']) assert.equal(ex(f, id).points, 2, `${id}: ${ex(f, id).notes.join(' | ')}`);
});
