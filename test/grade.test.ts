// The exercise notebooks and the grader (issues 5 and 14): static checks of the notebooks, the command line, the
// graded copy, the kernel's view of the project (stubs where the chapter's reference implementations were), the
// reading of the evaluation's lines and the merging of slices; then real grading runs with the tslab kernel: the
// solutions score full marks sandboxed and unsandboxed, the unchanged student notebooks score zero, submissions
// written here with each failure mode (syntax error, exception, endless loop, memory hog, deleted / duplicated answer
// cell, invalid JSON) get the expected report lines and scores for what did run, and a class graded in two slices
// and merged gives the CSV of one run. The hostile submissions are in test/grade-tamper.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXERCISES, EXERCISE_CHAPTERS, exerciseById, exercisesOf } from '../lib/coursework/exercises';
import { chapterLibrary, parseLibraryEntry } from '../lib/coursework/library-use';
import { buildNotebook, notebookPath } from '../scripts/codegen/exercises';
import { readResponses } from '../scripts/grading/judge';
import { skipReason } from '../scripts/grading/notebook';
import { bwrapArgs, probeSandbox } from '../scripts/grading/sandbox';
import { JUDGE_MODULES, libraryStubsIn, writeView } from '../scripts/grading/view';
import {
  ClassResult,
  DEFAULT_GRADE_CONFIG,
  GradeConfig,
  SubmissionGrade,
  buildGradedNotebook,
  classCsv,
  classOrder,
  detectChapter,
  formatTable,
  gradeClass,
  mergeSlices,
  parseArgs,
  readSubmission,
  shardOf,
} from '../grade';

const ROOT = path.resolve(__dirname, '..');
const ready = fs.existsSync(path.join(ROOT, '.venv', 'bin', 'python')) && fs.existsSync(path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
const sandboxed = probeSandbox().mode === 'bwrap';
const skipSandbox = skip || (!sandboxed && !process.env.CI ? `no sandbox here: ${probeSandbox().why} (.ci/run installs bubblewrap; required when CI is set)` : false);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-test-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

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

function write(name: string, nb: Nb | string, sub = ''): string {
  const file = path.join(dir, sub, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
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

const why = (g: SubmissionGrade) => `${JSON.stringify(g.exercises.map((e) => [e.id, e.points, e.notes]))} ${g.problems.join(' | ')}`;

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
        assert.match(src, new RegExp(`function\\s+${spec.symbol}\\b`));
        // A debugging exercise starts from a program with mistakes (ExerciseSpec.debugging), not from a TODO stub.
        assert.equal(/throw new Error\('TODO/.test(src), variant === 'student' && !spec.debugging, `${chapter} ${variant} ${spec.id}`);
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

test('the grader runs the set-up and the answers, not the checks and the demonstrations', () => {
  const ran = (chapter: string) =>
    load(chapter, 'solution')
      .cells.filter((c) => c.cell_type === 'code' && !skipReason({ cell_type: 'code', source: c.source.join(''), metadata: c.metadata }))
      .map((c) => (c.metadata.exercise ? `answer ${c.metadata.exercise.id}` : c.source.join('').split('\n')[0]));
  assert.deepEqual(ran('03-vae'), ["import * as tf from '@tensorflow/tfjs';", 'answer reparameterize', 'answer kl', 'answer bernoulli-ll', 'answer elbo']);
  // Chapter 4's sweep needs the data and latentDim of its set-up cell; its own run of the sweep is a demonstration.
  assert.deepEqual(ran('04-training'), ["import * as tf from '@tensorflow/tfjs';", 'const { train, test } = vae.loadData(pick({ quick: { limit: 1000 }, full: {} }));', ...exercisesOf('04-training').map((e) => `answer ${e.id}`)]);
  // Chapter 7's capstone trains in a demonstration: the grader never runs it (it scores the saved folder).
  for (const chapter of ['02-autoencoder', '05-generation', '06-beyond', '07-faq']) {
    assert.deepEqual(ran(chapter), ["import * as tf from '@tensorflow/tfjs';", ...exercisesOf(chapter).map((e) => `answer ${e.id}`)], chapter);
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

test('the graded copy: outputs dropped, checks, demonstrations and killed cells left out, one evaluation cell', () => {
  const cells = [
    { cell_type: 'markdown', source: '# hi', metadata: {} },
    { cell_type: 'code', source: 'while (true) {}', metadata: {} },
    { cell_type: 'code', source: 'function lerp() {}', metadata: { exercise: { id: 'lerp' }, tags: ['demo'] } },
    { cell_type: 'code', source: 'check.lerp(lerp);', metadata: { tags: ['check'] } },
    { cell_type: 'code', source: 'show(figure);', metadata: { tags: ['demo'] } },
  ];
  const request = { exercises: [{ id: 'lerp', symbol: 'lerp', probes: [{ a: [1], b: [2], t: 0.5 }] }] };
  const g = buildGradedNotebook(cells, request, '@@M-1@@', new Map([[2, 'it ran longer than 5 s']]));
  const nb = JSON.parse(g.json) as Nb;
  assert.equal(g.studentCells, 5);
  assert.equal(nb.cells.length, 6);
  assert.deepEqual(nb.cells.map((c) => c.cell_type), ['markdown', 'markdown', 'code', 'markdown', 'markdown', 'code']);
  assert.equal(nb.cells[1].source.join(''), '*not run by the grader: it ran longer than 5 s*');
  assert.equal(nb.cells[2].source.join(''), 'function lerp() {}', 'an answer cell runs whatever its tags');
  assert.match(nb.cells[3].source.join(''), /an inline check/);
  assert.match(nb.cells[4].source.join(''), /a demonstration/);
  assert.equal(g.evalCell, 6);
  assert.deepEqual([...g.skipped.keys()], [2, 4, 5]);
  const evaluation = nb.cells[5].source.join('');
  assert.equal(evaluation, `import { respond as gradeRespondM1 } from './lib/coursework/respond';\nawait gradeRespondM1("@@M-1@@", ${JSON.stringify(JSON.stringify(request))});`);
  assert.ok(nb.cells.every((c) => !c.outputs || c.outputs.length === 0));
  assert.equal(buildGradedNotebook(cells, { exercises: [] }, '@@M@@', new Map()).evalCell, 0, 'nothing to evaluate, no evaluation cell');
});

test('command line: defaults, clear one-line errors, slices from JOB_COMPLETION_INDEX, merge', () => {
  const cmd = parseArgs(['a.ipynb', 'b.ipynb', '--timeout', '30', '--memory-mb', '900', '--csv', 'c.csv', '--sandbox', 'none', '--seed', '7', '--backend', 'wasm']);
  assert.equal(cmd.command, 'grade');
  if (cmd.command !== 'grade') return;
  assert.deepEqual(cmd.files, ['a.ipynb', 'b.ipynb']);
  assert.equal(cmd.cfg.timeout, 30);
  assert.equal(cmd.cfg.memoryMb, 900);
  assert.equal(cmd.cfg.csv, 'c.csv');
  assert.equal(cmd.cfg.jobs, 2);
  assert.equal(cmd.cfg.sandbox, 'none');
  assert.equal(cmd.cfg.seed, 7);
  assert.equal(cmd.cfg.backend, 'wasm');
  const defaults = parseArgs(['a.ipynb']);
  assert.equal(defaults.command === 'grade' && defaults.cfg.sandbox, 'auto');
  assert.equal(defaults.command === 'grade' && defaults.cfg.seed, undefined, 'a new seed every run');
  assert.throws(() => parseArgs([]), /no submissions given/);
  assert.throws(() => parseArgs(['a.ipynb', '--timeout', 'soon']), /^Error: --timeout needs a number ≥ 1, got 'soon'$/);
  assert.throws(() => parseArgs(['a.ipynb', '--bogus']), /^Error: unknown flag --bogus$/);
  assert.throws(() => parseArgs(['a.ipynb', '--out']), /^Error: --out needs a value$/);
  assert.throws(() => parseArgs(['a.ipynb', '--chapter', '09-nope']), /--chapter must be one of/);
  assert.throws(() => parseArgs(['a.ipynb', '--profile', 'huge']), /--profile/);
  assert.throws(() => parseArgs(['a.ipynb', '--sandbox', 'docker']), /--sandbox must be auto, bwrap or none, got 'docker'/);
  assert.throws(() => parseArgs(['a.ipynb', '--jobs', '1.5']), /--jobs needs an integer ≥ 1/);

  const shard = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = parseArgs(argv, env);
    return c.command === 'grade' ? c.cfg.shard : undefined;
  };
  assert.deepEqual(shard(['a.ipynb', '--shard', '2/5', '--seed', '9']), { index: 2, count: 5 });
  assert.deepEqual(shard(['a.ipynb', '--shard', '5', '--seed', '9'], { JOB_COMPLETION_INDEX: '4' }), { index: 4, count: 5 });
  assert.throws(() => shard(['a.ipynb', '--shard', '5', '--seed', '9']), /--shard 5 takes the slice from JOB_COMPLETION_INDEX, which is not set; pass --shard I\/5/);
  assert.throws(() => shard(['a.ipynb', '--shard', '5/5', '--seed', '9']), /slice 5 does not exist in 5 slices \(they are 0 … 4\)/);
  assert.throws(() => shard(['a.ipynb', '--shard', 'half', '--seed', '9']), /--shard needs I\/N/);
  assert.throws(() => shard(['a.ipynb', '--shard', '0/2']), /--shard needs --seed/);

  assert.deepEqual(parseArgs(['merge', 'out/a', 'out/b/class.json', '--csv', 'all.csv']), { command: 'merge', inputs: ['out/a', 'out/b/class.json'], csv: 'all.csv' });
  assert.throws(() => parseArgs(['merge']), /merge needs the class.json files/);
  assert.throws(() => parseArgs(['merge', 'out/a', '--seed', '3']), /merge takes only --csv, not --seed/);
});

test('slices: the class in path order, names unique over the whole class, every submission in exactly one slice', () => {
  const files = ['z/alice.ipynb', 'a/bob.ipynb', 'b/alice.ipynb', 'c/carol.ipynb', 'd/dan.ipynb'];
  const order = classOrder(files);
  assert.deepEqual(order.map((o) => o.file), ['a/bob.ipynb', 'b/alice.ipynb', 'c/carol.ipynb', 'd/dan.ipynb', 'z/alice.ipynb']);
  assert.deepEqual(order.map((o) => o.name), ['bob', 'alice', 'carol', 'dan', 'alice-2']);
  const slices = [0, 1, 2].map((index) => shardOf(order, { index, count: 3 }).map((x) => x.order));
  assert.deepEqual(slices, [[0, 3], [1, 4], [2]]);
  assert.deepEqual(classOrder([...files].reverse()), order, 'the order does not depend on the command line');
});

test('the kernel\'s view of the project: the chapter\'s reference implementations are stubs, the judges are not there', () => {
  const stubbed = new Set<string>();
  for (const chapter of EXERCISE_CHAPTERS) {
    const view = path.join(dir, 'views', chapter);
    writeView(ROOT, chapter, view);
    for (const entry of chapterLibrary(chapter)) {
      const [mod, name] = parseLibraryEntry(entry);
      const js = fs.readFileSync(path.join(view, 'lib', `${mod}.js`), 'utf8');
      assert.match(js, new RegExp(`function ${name}\\([^)]*\\) \\{\\s*throw new Error\\("${name} is the library's own implementation`), `${chapter}: ${entry}`);
      stubbed.add(`${chapter} ${name}`);
    }
    for (const judge of JUDGE_MODULES) {
      const js = fs.readFileSync(path.join(view, 'lib', judge.replace(/\.ts$/, '.js')), 'utf8');
      assert.match(js, /the checks are not available while grading/);
      assert.doesNotMatch(js, /logSumExp|refKl|reduce\(|compareTensor/, `${judge} carries no reference computation`);
    }
    // The exercise modules: their student's side (spec, schema, answer) only; plan, judge, reference and solution are stubs.
    for (const e of EXERCISES) {
      const js = fs.readFileSync(path.join(view, 'lib', 'coursework', 'exercises', `${e.id}.js`), 'utf8');
      assert.match(js, /function answer\(/, `${chapter} ${e.id}`);
      assert.match(js, /function plan\([^)]*\) \{\s*throw new Error\("plan \(lib\/coursework\/exercises\//, `${chapter} ${e.id}: plan`);
      assert.doesNotMatch(js, /against the library|logSumExp\(|run\.core\(|compareTensor\)\(/, `${chapter} ${e.id}: no judge, no reference`);
    }
    assert.ok(fs.existsSync(path.join(view, 'lib', 'index.d.ts')) && !fs.existsSync(path.join(view, 'lib', 'index.ts')), 'declarations, no sources');
    assert.ok(!fs.existsSync(path.join(view, 'exercises')) && !fs.existsSync(path.join(view, 'notebooks')) && !fs.existsSync(path.join(view, '.git')));
  }
  // Only what a chapter grades: chapter 4's β sweep trains with elbo and reparameterize.
  const ch4 = fs.readFileSync(path.join(dir, 'views', '04-training', 'lib', 'model', 'distributions.js'), 'utf8');
  assert.doesNotMatch(ch4, /library-stub/);
  assert.ok(stubbed.has('03-vae klDivergence') && stubbed.has('03-vae gaussianKl') && stubbed.has('04-training klWarmup') && stubbed.has('06-beyond iwaeNll'));
  // Every path to a stub throws its marker; what the chapter does not grade still works.
  const view = path.join(dir, 'views', '03-vae');
  fs.rmdirSync(path.join(view, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(view, 'node_modules'), 'dir');
  const script = `
    const tf = require('@tensorflow/tfjs');
    const vae = require('./lib/index');
    const out = [];
    const m = tf.zeros([2, 3]);
    const attempt = (what, f) => { try { f(); out.push(what + ': ok'); } catch (e) { out.push(what + ': ' + e.message); } };
    attempt('index', () => vae.klDivergence(m, m));
    attempt('module', () => require('./lib/model/distributions').bernoulliLogLikelihood(m, m));
    attempt('through elbo', () => require('./lib/model/elbo').logLikelihood(m, m, 'bernoulli'));
    attempt('logNormal', () => vae.logNormal(m, m, m));
    attempt('check', () => vae.check.klDivergence(() => m));
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: view, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as string[];
  assert.deepEqual(libraryStubsIn(out[0]), ['klDivergence']);
  assert.deepEqual(libraryStubsIn(out[1]), ['bernoulliLogLikelihood']);
  assert.deepEqual(libraryStubsIn(out[2]), ['bernoulliLogLikelihood']);
  assert.equal(out[3], 'logNormal: ok');
  assert.match(out[4], /check\.klDivergence \(lib\/coursework\/check\.ts\): the checks are not available while grading/);
});

test('the sandbox: no network, no project, no grader output; the view read-only, one shared folder, a small /tmp', { skip: skipSandbox }, () => {
  const view = path.join(dir, 'sandbox-view');
  const scratch = path.join(dir, 'sandbox-scratch');
  const secret = path.join(dir, 'grades-out');
  for (const d of [path.join(view, 'node_modules'), scratch, secret]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(view, 'file.txt'), 'view');
  fs.writeFileSync(path.join(secret, 'class.json'), '{}');
  const script = `
    const fs = require('fs'), net = require('net'), os = require('os'), cp = require('child_process');
    const can = (f) => { try { f(); return true; } catch { return false; } };
    const seen = {
      interfaces: Object.keys(os.networkInterfaces()),
      project: fs.existsSync(${JSON.stringify(ROOT)}),
      output: fs.existsSync(${JSON.stringify(secret)}),
      viewFile: fs.readFileSync('/vae/file.txt', 'utf8'),
      writeView: can(() => fs.writeFileSync('/vae/x', 'x')),
      writeShared: can(() => fs.writeFileSync('/run/vae/x', 'x')),
      writeTmp: can(() => fs.writeFileSync('/tmp/x', 'x')),
      bigTmp: can(() => fs.writeFileSync('/tmp/big', Buffer.alloc(300 * 1024 * 1024))),
      etc: fs.readdirSync('/etc').sort(),
      pids: fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).length,
      userns: cp.spawnSync('unshare', ['--user', 'true']).status,
      env: Object.keys(process.env).sort(),
    };
    const s = net.connect(9, '1.1.1.1');
    s.on('error', (e) => { seen.connect = e.code; console.log(JSON.stringify(seen)); });
    s.on('connect', () => { seen.connect = 'connected'; console.log(JSON.stringify(seen)); s.destroy(); });`;
  const r = spawnSync('bwrap', [...bwrapArgs(view, path.join(ROOT, 'node_modules'), scratch), '--setenv', 'VAE_PROFILE', 'quick', process.execPath, '-e', script], { encoding: 'utf8', timeout: 60_000 });
  const seen = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
  assert.deepEqual(seen.interfaces, ['lo']);
  assert.ok(['ENETUNREACH', 'EHOSTUNREACH', 'ECONNREFUSED'].includes(seen.connect as string), String(seen.connect));
  assert.equal(seen.project, false);
  assert.equal(seen.output, false);
  assert.equal(seen.viewFile, 'view');
  assert.equal(seen.writeView, false);
  assert.equal(seen.writeShared, true);
  assert.ok(fs.existsSync(path.join(scratch, 'x')), 'the shared folder is the scratch folder outside');
  assert.equal(seen.writeTmp, true);
  assert.equal(seen.bigTmp, false, '/tmp holds 256 MB');
  assert.ok((seen.etc as string[]).every((f) => f.startsWith('ld.so') || f === 'localtime'), String(seen.etc));
  assert.ok((seen.pids as number) <= 3, `${seen.pids} processes visible`);
  assert.notEqual(seen.userns, 0, 'no user namespace inside');
  assert.deepEqual(seen.env, ['HOME', 'LANG', 'PATH', 'PWD', 'VAE_PROFILE']);
});

test('reading the evaluation\'s lines: this run\'s marker, an exercise asked for, once, answers of the form asked for', () => {
  const probes = [{ mean: { shape: [1, 1], values: [0] }, logVar: { shape: [1, 1], values: [0] } }];
  const requested = [
    { id: 'kl', symbol: 'klDivergence', probes },
    { id: 'lerp', symbol: 'lerp', probes: [{ a: [1], b: [2], t: 0 }] },
    { id: 'slerp', symbol: 'slerp', probes: [{ a: [1], b: [2], t: 0 }] },
  ];
  const ok = { value: { shape: [1], values: [0] } };
  const lines = [
    '@@M@@' + JSON.stringify({ id: 'kl', answers: [ok] }),
    '@@X@@' + JSON.stringify({ id: 'lerp', answers: [] }), // another marker: not this run's
    'noise @@M@@{"id":"lerp"}', // the marker must start the line
    '@@M@@' + JSON.stringify({ id: 'lerp', answers: [{ value: { result: [1], unchanged: true } }, { value: { result: [1], unchanged: true } }] }),
    '@@M@@' + JSON.stringify({ id: 'slerp', answers: [{ value: { result: [1], unchanged: true } }] }),
    '@@M@@' + JSON.stringify({ id: 'slerp', answers: [{ value: { result: [1], unchanged: true } }] }),
    '@@M@@' + JSON.stringify({ id: 'elbo', answers: [] }),
    '@@M@@{not json',
  ];
  const { responses, stray } = readResponses(lines.join('\n'), '@@M@@', requested);
  assert.deepEqual(responses.get('kl'), { kind: 'answers', answers: [ok] });
  assert.deepEqual(responses.get('lerp'), { kind: 'unreadable', why: '2 answers for 1 probes' });
  assert.deepEqual(responses.get('slerp'), { kind: 'unreadable', why: 'more than one result line' });
  assert.equal(stray, 2, 'an exercise not asked for, a line that is not JSON');
  const missing = readResponses('@@M@@{"id":"kl","missing":true}\n@@M@@{"id":"lerp","notFunction":"42"}', '@@M@@', requested).responses;
  assert.deepEqual(missing.get('kl'), { kind: 'missing' });
  assert.deepEqual(missing.get('lerp'), { kind: 'not-function', what: '42' });
});

test('an invalid JSON submission is reported without running anything', async () => {
  const file = write('bob-03-vae.ipynb', '{"cells": [ {"cell_type": "code", "source": "oops"', 'invalid');
  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'invalid-out'), print: false, sandbox: 'none' };
  const { grades } = await gradeClass([file], cfg);
  const g = grades[0];
  assert.equal(g.chapter, '03-vae');
  assert.equal(g.score, 0);
  assert.equal(g.maxScore, 8);
  assert.equal(g.passes, 0);
  assert.match(g.problems[0], /^not a valid notebook: invalid JSON/);
  assert.ok(g.exercises.every((e) => e.status === 'not-graded' && e.notes[0] === 'the notebook could not be read'));
  assert.ok(fs.existsSync(path.join(cfg.outDir, 'bob-03-vae.json')));
  assert.match(fs.readFileSync(path.join(cfg.outDir, 'class.csv'), 'utf8'), /^submission,file,chapter,score,max_score,reparameterize,kl,bernoulli-ll,elbo,problems\nbob-03-vae,.*,03-vae,0,8,0,0,0,0,"not a valid notebook: invalid JSON/);
});

test('merge refuses slices of different runs, a submission twice and missing slices', () => {
  const grade = (name: string, order: number) => ({ name, file: `${name}.ipynb`, chapter: '05-generation', score: 1, maxScore: 3, exercises: [], problems: [], passes: 1, seconds: 1, order });
  const slice = (name: string, r: Partial<ClassResult>) => {
    const file = path.join(dir, 'merge', name, 'class.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ format: 'grade-class/1', classSize: 3, seedFingerprint: 'abc', sandbox: { mode: 'bwrap' }, grades: [], ...r }));
    return path.dirname(file);
  };
  const a = slice('a', { shard: { index: 0, count: 2 }, grades: [grade('x', 0), grade('z', 2)] });
  const b = slice('b', { shard: { index: 1, count: 2 }, grades: [grade('y', 1)] });
  const csv = path.join(dir, 'merge', 'all.csv');
  const merged = mergeSlices([b, a], csv);
  assert.deepEqual(merged.grades.map((g) => g.name), ['x', 'y', 'z']);
  assert.match(fs.readFileSync(csv, 'utf8'), /^submission,file,chapter,score,max_score,problems\nx,x.ipynb,05-generation,1,3,\ny,/);
  const other = slice('c', { seedFingerprint: 'def', grades: [grade('y', 1)] });
  assert.throws(() => mergeSlices([a, other], csv), /was graded with another seed .*grade every slice with the same --seed/);
  assert.throws(() => mergeSlices([a, a], csv), /submission x is in two slices/);
  assert.throws(() => mergeSlices([a], csv), /1 of 3 submissions are in no slice \(slices of 2: missing 1\)/);
  assert.throws(() => mergeSlices([path.join(dir, 'nowhere')], csv), /does not exist/);
});

// ------------------------------------------------------------------ with the kernel

test('sandboxed: solutions score full marks, untouched notebooks zero; syntax error, exception, deleted and duplicated answers', { skip: skipSandbox, timeout: 900_000 }, async () => {
  const files: string[] = [];
  for (const chapter of EXERCISE_CHAPTERS) {
    files.push(write(`solution-${chapter}.ipynb`, load(chapter, 'solution'), 'class'));
    files.push(write(`student-${chapter}.ipynb`, load(chapter, 'student'), 'class'));
  }
  // One submission, four failure modes (a kernel per submission is the slow part).
  const nb = load('03-vae', 'solution');
  const rep = at(nb, 'answer-reparameterize');
  nb.cells[rep].source = ['function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {\n', '  return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps) as tf.Tensor2D;\n', '}'];
  // A second KL answer cell, with the factor ½ forgotten: the last one run defines klDivergence.
  nb.cells.splice(at(nb, 'check-kl') + 1, 0, codeCell('answer-kl-again', 'function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {\n  // the factor ½ forgotten\n  return tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(logVar, 1)), 1) as tf.Tensor1D;\n}', { id: 'kl', points: 2 }));
  nb.cells.splice(at(nb, 'answer-elbo'), 1);
  // A type error (tf.tidy's Tensor returned as a Tensor1D without the cast) in a right answer: graded kernels compile
  // without types (scripts/grading/graded-kernel.js), so it runs and scores.
  const bll = at(nb, 'answer-bernoulli-ll');
  nb.cells[bll].source = ['function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {\n', '  return tf.tidy(() => tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), 1));\n', '}'];
  nb.cells.splice(2, 0, codeCell('throws', "throw new Error('oops: a student cell that throws');"));
  files.push(write('broken-03-vae.ipynb', nb, 'class'));

  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'class-out'), timeout: 120, print: false, sandbox: 'bwrap' };
  const result = await gradeClass(files, cfg);
  const grades = result.grades;
  assert.equal(result.sandbox.mode, 'bwrap');
  const table = formatTable(grades, result.sandbox);
  assert.match(table, /^sandbox: bubblewrap/);

  for (const chapter of EXERCISE_CHAPTERS) {
    const sol = byName(grades, `solution-${chapter}`);
    assert.equal(sol.chapter, chapter);
    assert.ok(sol.maxScore > 0);
    // A submitted model folder (the capstone) is not in the notebook: without one beside it, 0 and a note saying so
    // (test/exercise-capstone.test.ts grades one).
    const folders = sol.exercises.filter((e) => exerciseById(e.id)?.submitted);
    for (const f of folders) assert.match(f.notes.join(' '), /0 points: no model folder: 'solution-[\w-]+\.model' does not exist/, `${chapter} ${f.id}`);
    assert.equal(sol.score, sol.maxScore - folders.reduce((n, f) => n + f.maxPoints, 0), `${chapter} solution: ${why(sol)}`);
    assert.deepEqual(sol.problems, []);
    const stu = byName(grades, `student-${chapter}`);
    assert.equal(stu.score, 0, `${chapter} student`);
    assert.equal(stu.maxScore, sol.maxScore);
    assert.ok(stu.exercises.every((e) => e.points === 0 && e.notes.length > 0));
    assert.ok(!stu.problems.some((p) => /grader error|not executed/.test(p)), stu.problems.join(' | '));
  }
  // A stub that throws is graded (every case fails, with the student's error), not "not graded".
  assert.deepEqual(ex(byName(grades, 'student-03-vae'), 'kl').notes, ['every case threw Error: TODO: implement klDivergence']);
  assert.match(ex(byName(grades, 'student-04-training'), 'beta-sweep').notes.join(' '), /a list of rows .*threw Error: TODO: implement sweepBeta/);
  // The β sweep was compared with the grader's own models.
  assert.ok(ex(byName(grades, 'solution-04-training'), 'beta-sweep').cases?.some((c) => c.core && c.passed && /models the grader trained/.test(c.name)));

  const broken = byName(grades, 'broken-03-vae');
  assert.match(broken.problems.join('\n'), /cell 3: Error: oops: a student cell that throws/);
  assert.match(broken.problems.join('\n'), /cell \d+ \(answer reparameterize\): TypeScriptError: /);
  const r = ex(broken, 'reparameterize');
  assert.equal(r.points, 0);
  assert.match(r.notes.join(' '), /`reparameterize` is not defined because cell \d+ \(answer reparameterize\) failed: TypeScriptError/);
  const kl = ex(broken, 'kl');
  assert.match(kl.notes[0], /^2 answer cells \(cells \d+, \d+\): the last one run defines `klDivergence`/);
  assert.equal(kl.status, 'graded');
  // Right at N(0, I), of the right shape, never negative — and wrong wherever the reference is compared: no points.
  assert.ok((kl.passed ?? 0) >= 3, kl.notes.join(' | '));
  assert.equal(kl.points, 0);
  assert.match(kl.notes.join(' '), /0 points: no case against the reference on the grader's inputs passed/);
  assert.match(kl.notes.join(' '), /twice the expected: the factor ½ is missing/);
  assert.equal(ex(broken, 'bernoulli-ll').points, 2);
  assert.doesNotMatch(broken.problems.join('\n'), /answer bernoulli-ll/);
  const elbo = ex(broken, 'elbo');
  assert.equal(elbo.points, 0);
  assert.match(elbo.notes[0], /^answer cell missing \(deleted\?\)/);
  assert.match(elbo.notes[1], /nothing defines `elbo`/);
  assert.equal(broken.score, 2 + kl.points);

  assert.match(table, /broken-03-vae\s+03-vae\s+[\d.]+\/8/);
  const csv = fs.readFileSync(path.join(cfg.outDir, 'class.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + files.length);
  const written = EXERCISES.filter((e) => e.written).flatMap((e) => [`${e.id}:text`, `${e.id}:teacher/${e.written?.points}`]);
  assert.equal(csv[0], `submission,file,chapter,score,max_score,${[...EXERCISES.map((e) => e.id), ...written].join(',')},problems`);
  // A written answer: its text next to the automatic marks, in the CSV and the JSON, with the rubric and an empty teacher's score.
  const reading = ex(byName(grades, 'solution-04-training'), 'sweep-reading');
  assert.match(reading.written?.text ?? '', /β prices every nat of KL/);
  assert.equal(reading.written?.points, null);
  assert.equal(reading.written?.rubric.length, 3);
  assert.ok(csv.some((l) => l.startsWith('solution-04-training,') && l.includes('β prices every nat of KL')));
  assert.equal(ex(byName(grades, 'student-04-training'), 'sweep-reading').written?.text, '', 'an empty text where the answer threw');
  assert.equal(classCsv(grades).trim().split('\n').length, csv.length);
  const saved = JSON.parse(fs.readFileSync(path.join(cfg.outDir, 'class.json'), 'utf8')) as ClassResult;
  assert.equal(saved.classSize, files.length);
  assert.equal(saved.seedFingerprint, result.seedFingerprint);
  for (const g of grades) {
    const one = JSON.parse(fs.readFileSync(path.join(cfg.outDir, `${g.name}.json`), 'utf8')) as SubmissionGrade;
    assert.equal(one.score, g.score);
    assert.ok(fs.existsSync(path.join(cfg.outDir, `${g.name}.executed.ipynb`)));
  }
});

test('unsandboxed: a solution scores full marks too, and the report says once that nothing was sandboxed', { skip, timeout: 900_000 }, async () => {
  // One chapter: the kernel starts another way, the grading is the sandboxed test's (which grades every chapter).
  const files = ['03-vae'].map((chapter) => write(`solution-${chapter}.ipynb`, load(chapter, 'solution'), 'unsandboxed'));
  const result = await gradeClass(files, { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'unsandboxed-out'), print: false, sandbox: 'none' });
  for (const g of result.grades) assert.equal(g.score, g.maxScore, `${g.name}: ${why(g)}`);
  assert.equal(result.sandbox.mode, 'none');
  const table = formatTable(result.grades, result.sandbox);
  assert.equal(table.split('\n').filter((l) => /UNSANDBOXED/.test(l)).length, 1);
  assert.match(table.split('\n')[0], /^UNSANDBOXED: .*--sandbox none/);
});

test('an endless loop, a memory hog and an evaluation that never returns: skipped, reported, and the rest still scored', { skip, timeout: 900_000 }, async () => {
  // Both kills in one submission: the loop is killed, the hog then fills the fresh kernel and is killed too;
  // the rerun without both scores everything.
  const nb1 = load('03-vae', 'solution');
  nb1.cells.splice(2, 0, codeCell('loop', 'while (true) {}'), codeCell('hog', 'const hog: Float64Array[] = [];\nwhile (true) hog.push(new Float64Array(1 << 23).fill(1));'));
  const limits = write('limits-03-vae.ipynb', nb1, 'limits');
  // reparameterize never returns: its evaluation is killed, the other exercises are evaluated again and count.
  const nb2 = load('03-vae', 'solution');
  nb2.cells[at(nb2, 'answer-reparameterize')].source = ['function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {\n', '  while (true) {}\n', '}'];
  const fnLoop = write('fnloop-03-vae.ipynb', nb2, 'limits');

  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'limits-out'), timeout: 30, memoryMb: 1200, print: false };
  const { grades } = await gradeClass([limits, fnLoop], cfg);

  const l = byName(grades, 'limits-03-vae');
  const lines = l.problems.join('\n');
  assert.match(lines, /cell 3: skipped, it ran longer than 30 s; the notebook was run again without it/);
  assert.match(lines, /cell 4: skipped, it used more than 1200 MB; the notebook was run again without it/);
  assert.equal(l.passes, 2);
  assert.equal(l.score, 8, why(l));

  const f = byName(grades, 'fnloop-03-vae');
  const rep = ex(f, 'reparameterize');
  assert.equal(rep.points, 0);
  assert.equal(rep.status, 'not-graded');
  assert.match(rep.notes.join(' '), /its evaluation did not finish: it ran longer than 30 s \(an endless loop or a huge allocation in `reparameterize`\?\)/);
  assert.equal(f.passes, 2);
  for (const id of ['kl', 'bernoulli-ll', 'elbo']) assert.equal(ex(f, id).points, 2, `${id}: ${ex(f, id).notes.join(' | ')}`);
});

test('a class graded in two slices and merged gives the CSV of one run', { skip, timeout: 900_000 }, async () => {
  // Partial credit depends on the probes drawn: the slices share the seed, so they agree with the one run.
  const partial = load('05-generation', 'solution');
  partial.cells[at(partial, 'answer-slerp')].source = [
    'function slerp(a: number[], b: number[], t: number): number[] {\n',
    '  const dot = a.reduce((s, v, i) => s + v * b[i], 0);\n',
    '  const omega = Math.acos(dot / (Math.hypot(...a) * Math.hypot(...b)));\n',
    '  return a.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * b[i]) / Math.sin(omega));\n',
    '}',
  ];
  const files = [
    write('ada-05-generation.ipynb', load('05-generation', 'solution'), 'shards'),
    write('bo-05-generation.ipynb', partial, 'shards'),
    write('cy-03-vae.ipynb', '{"cells": [', 'shards'),
  ];
  const base: GradeConfig = { ...DEFAULT_GRADE_CONFIG, print: false, seed: 424242 };
  const whole = await gradeClass(files, { ...base, outDir: path.join(dir, 'shards-whole') });
  const slices = [0, 1].map((index) => path.join(dir, `shards-${index}`));
  for (const [index, outDir] of slices.entries()) await gradeClass([...files].reverse(), { ...base, outDir, shard: { index, count: 2 } });
  const mergedCsv = path.join(dir, 'shards-merged.csv');
  const merged = mergeSlices(slices, mergedCsv);
  assert.equal(fs.readFileSync(mergedCsv, 'utf8'), fs.readFileSync(path.join(dir, 'shards-whole', 'class.csv'), 'utf8'));
  assert.deepEqual(merged.grades.map((g) => g.name), ['ada-05-generation', 'bo-05-generation', 'cy-03-vae']);
  const bo = byName(whole.grades, 'bo-05-generation');
  assert.ok(bo.score > 1 && bo.score < 3, why(bo));
});
