// Hostile submissions (issue 14): test/fixtures/tamper/*.ipynb, each an attempt to get points without solving the
// exercises — rewriting stdout and the console, replacing the checker and the evaluation code, patching tf and Math,
// calling the library's own implementation, reading the solutions, writing into the grader's output folder, exiting
// early with code 0, printing things that look like results, forging the output channel with the run's own marker, a
// β sweep invented rather than trained. Each notebook's metadata.tamper says what it does and what it must score
// (an exercise it does not name scores 0).
// They run sandboxed, as one class (a kernel each); the fixture that reads the solutions runs once more without
// the sandbox, where it does find them: the attack is real, and the sandbox is what stops it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exercisesOf } from '../lib/coursework/exercises';
import { probeSandbox } from '../scripts/grading/sandbox';
import { DEFAULT_GRADE_CONFIG, SubmissionGrade, gradeClass } from '../grade';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'tamper');
const ready = fs.existsSync(path.join(ROOT, '.venv', 'bin', 'python')) && fs.existsSync(path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
// Some fixtures write wherever they can: never run them without the sandbox.
const skipSandbox = skip || (probeSandbox().mode !== 'bwrap' && !process.env.CI ? `no sandbox here: ${probeSandbox().why} (.ci/run installs bubblewrap; required when CI is set)` : false);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-tamper-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Tamper {
  attack: string;
  expect: Record<string, number>;
  /** Library functions the note must name, per exercise. */
  notes?: Record<string, string>;
  /** A problem line the report must have. */
  problem?: string;
  /** What it scores without the sandbox (only for fixtures that do not write). */
  unsandboxed?: Record<string, number>;
}

function tamperOf(file: string): Tamper {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { metadata: { tamper: Tamper } }).metadata.tamper;
}

const files = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.ipynb'))
  .sort()
  .map((f) => path.join(FIXTURES, f));

/** Every file under `d`, relative, sorted. */
function tree(d: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const q = path.join(p, e.name);
      if (e.isDirectory()) walk(q);
      else out.push(path.relative(d, q));
    }
  };
  walk(d);
  return out.sort();
}

test('the fixtures: at least the attacks the issue lists, each with the score of every exercise of its chapter', () => {
  const names = files.map((f) => path.basename(f));
  for (const attack of ['rewrite-stdout', 'replace-checker', 'patch-tf-math', 'library-call', 'read-solutions', 'write-output', 'early-exit', 'fake-result', 'flood-output']) {
    assert.ok(names.some((n) => n.startsWith(`${attack}-`)), `no fixture for ${attack}`);
  }
  for (const f of files) {
    const t = tamperOf(f);
    const chapter = /-(\d\d-[a-z]+)\.ipynb$/.exec(f)?.[1] ?? '';
    // The exercises a fixture does not name must score 0 (it does not solve them): a new exercise needs no fixture edit.
    const ids = exercisesOf(chapter).map((e) => e.id);
    assert.ok(Object.keys(t.expect).every((id) => ids.includes(id)), `${path.basename(f)}: ${Object.keys(t.expect).join(', ')} not all exercises of ${chapter}`);
    assert.ok(t.attack.length > 20);
  }
});

test('sandboxed, every tamper fixture scores 0 on what it does not solve, and leaves the grader\'s files alone', { skip: skipSandbox, timeout: 900_000 }, async () => {
  const outDir = path.join(dir, 'out');
  const lib = tree(path.join(ROOT, 'lib'));
  const solutions = tree(path.join(ROOT, 'exercises'));
  const result = await gradeClass(files, { ...DEFAULT_GRADE_CONFIG, outDir, timeout: 120, print: false, sandbox: 'bwrap' });
  assert.equal(result.sandbox.mode, 'bwrap');
  const report = (g: SubmissionGrade) => `${g.name}: ${JSON.stringify(g.exercises.map((e) => [e.id, e.points, e.notes]))} ${g.problems.join(' | ')}`;
  for (const g of result.grades) {
    const t = tamperOf(g.file);
    for (const e of g.exercises) assert.equal(e.points, t.expect[e.id] ?? 0, `${t.attack} — ${report(g)}`);
    assert.equal(g.score, Object.values(t.expect).reduce((a, b) => a + b, 0), report(g));
    assert.ok(!g.problems.some((p) => /grader error|not executed/.test(p)), report(g));
    for (const [id, name] of Object.entries(t.notes ?? {})) {
      const e = g.exercises.find((x) => x.id === id);
      assert.ok(e?.notes.some((n) => n.includes(`calls the library's own implementation (\`${name}\`)`)), `${g.name} ${id}: ${e?.notes.join(' | ')}`);
    }
    if (t.problem) assert.ok(g.problems.some((p) => p.includes(t.problem as string)), report(g));
  }
  // The grader's output is what the grader wrote, nothing else; the project is as it was.
  const expected = ['class.csv', 'class.json', ...result.grades.flatMap((g) => [`${g.name}.json`, `${g.name}.executed.ipynb`])].sort();
  assert.deepEqual(tree(outDir), expected);
  for (const g of result.grades) {
    const saved = JSON.parse(fs.readFileSync(path.join(outDir, `${g.name}.json`), 'utf8')) as SubmissionGrade;
    assert.equal(saved.score, g.score);
  }
  assert.deepEqual(tree(path.join(ROOT, 'lib')), lib);
  assert.deepEqual(tree(path.join(ROOT, 'exercises')), solutions);
  // What the fixtures saw from inside: no solutions, nowhere to write.
  const printed = (name: string) =>
    (JSON.parse(fs.readFileSync(path.join(outDir, `${name}.executed.ipynb`), 'utf8')) as { cells: { outputs?: { text?: string | string[] }[] }[] }).cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? ''))
      .join('');
  assert.match(printed('read-solutions-03-vae'), /no solutions found ; other files read: none/);
  assert.match(printed('write-output-03-vae'), /found nowhere to write/);
  // 200 MiB printed, a few MB kept: the grader's executor never held the flood.
  assert.ok(fs.statSync(path.join(outDir, 'flood-output-03-vae.executed.ipynb')).size < 3 * DEFAULT_GRADE_CONFIG.maxOutputMb * 2 ** 20);
  assert.match(printed('flood-output-03-vae'), /output truncated: this cell printed more than 8 MB/);
});

test('without the sandbox, the fixture that reads the solutions finds them and scores full marks', { skip, timeout: 600_000 }, async () => {
  const file = files.find((f) => path.basename(f).startsWith('read-solutions-')) as string;
  const t = tamperOf(file);
  const result = await gradeClass([file], { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'unsandboxed'), print: false, sandbox: 'none' });
  const g = result.grades[0];
  for (const e of g.exercises) assert.equal(e.points, t.unsandboxed?.[e.id], `${e.id}: ${e.notes.join(' | ')}`);
});

test('in the student\'s own kernel, the inline checks pass the library calls but warn about each', { skip, timeout: 600_000 }, () => {
  // As in JupyterLab: the real tslab kernel on the project, nothing stubbed; the check cells run.
  const file = files.find((f) => path.basename(f).startsWith('library-call-')) as string;
  const out = path.join(dir, 'library-call.executed.ipynb');
  const python = path.join(ROOT, '.venv', 'bin', 'python');
  const r = spawnSync(python, [path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py'), file, '--out', out, '--cwd', ROOT, '--timeout', '300', '--env', 'VAE_QUIET=1', '--env', 'VAE_BACKEND=cpu'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const nb = JSON.parse(fs.readFileSync(out, 'utf8')) as { cells: { metadata: { tags?: string[] }; outputs?: { text?: string | string[] }[] }[] };
  const reports = nb.cells.filter((c) => c.metadata.tags?.includes('check')).map((c) => (c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '')).join(''));
  assert.equal(reports.length, 4);
  const names = ['reparameterize', 'gaussianKl', 'bernoulliLogLikelihood', 'elbo'];
  reports.forEach((text, i) => {
    assert.match(text, /^✔ /m, `check ${i + 1} passes in the student's kernel: ${text.slice(0, 300)}`);
    assert.match(text, new RegExp(`⚠ your function calls the library's own \`${names[i]}\`.*scores 0 when graded`), text.slice(0, 400));
  });
});
