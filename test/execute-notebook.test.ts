// scripts/jupyter/execute_notebook.py (its exit-status and report contract) on tiny notebooks written here, with the real tslab kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const PY = path.join(ROOT, '.venv', 'bin', 'python');
const EXECUTOR = path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py');
const KERNEL = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
const ready = fs.existsSync(PY) && fs.existsSync(KERNEL);
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;

interface CellReport {
  index: number;
  status: string;
  ename?: string;
  evalue?: string;
}
interface Report {
  ok: boolean;
  notebook: string;
  cells: CellReport[];
  error?: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exec-nb-'));

function writeNotebook(name: string, cells: { code?: string; md?: string; tags?: string[] }[]): string {
  const nb = {
    cells: cells.map((c, i) =>
      c.md !== undefined
        ? { cell_type: 'markdown', id: `c${i}`, metadata: {}, source: c.md }
        : {
            cell_type: 'code',
            id: `c${i}`,
            metadata: c.tags ? { tags: c.tags } : {},
            source: c.code ?? '',
            outputs: [],
            execution_count: null,
          },
    ),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}

function run(nbFile: string, ...extra: string[]): { status: number | null; stderr: string; report?: Report; out: string } {
  const out = nbFile.replace(/\.ipynb$/, '.out.ipynb');
  const reportFile = nbFile.replace(/\.ipynb$/, '.report.json');
  fs.rmSync(reportFile, { force: true });
  const r = spawnSync(PY, [EXECUTOR, nbFile, '--out', out, '--report', reportFile, ...extra], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report) : undefined;
  return { status: r.status, stderr: r.stderr, report, out };
}

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
function outputsOf(outFile: string, cellIndex: number): Output[] {
  const nb = JSON.parse(fs.readFileSync(outFile, 'utf8')) as { cells: { outputs?: Output[] }[] };
  return nb.cells[cellIndex].outputs ?? [];
}
const textOf = (o: Output): string => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '');

test('a notebook that runs: exit 0, outputs kept (stdout, env, plotly JSON object)', { skip }, () => {
  const nb = writeNotebook('ok', [
    { md: '# title' },
    { code: 'const a: number = 20 + 22;\nconsole.log(`answer ${a} ${process.env.EXEC_TEST_VAR}`);' },
    {
      code:
        "import * as tslab from 'tslab';\n" +
        "(tslab.display.raw as (t: string, v: unknown) => void)('application/vnd.plotly.v1+json', { data: [{ y: [1, 2] }], layout: {} });",
      tags: ['plot'],
    },
    // The kernel runs in the project root (scripts/jupyter/tslab-kernel.js) even for a notebook outside it.
    { code: "import { pick } from './lib/index';\nconsole.log(pick({ quick: 'q', full: 'f' }), process.cwd(), process.env.VAE_NOTEBOOK_DIR);" },
  ]);
  const r = run(nb, '--env', 'EXEC_TEST_VAR=from-env', '--env', 'VAE_PROFILE=quick', '--timeout', '60', '--progress');
  assert.equal(r.status, 0, r.stderr);
  const progress = r.stderr.split('\n').filter((l) => l.startsWith('progress: '));
  assert.deepEqual(progress.map((l) => l.replace(/ in [\d.]+ s$/, '')), [
    'progress: cell 2 (const a: number = 20 + 22;), 1 of 3: ok',
    'progress: cell 3 (#plot), 2 of 3: ok',
    "progress: cell 4 (import { pick } from './lib/index';), 3 of 3: ok",
  ], '--progress: one line per code cell as it ends');
  assert.equal(r.report?.ok, true);
  assert.deepEqual(r.report?.cells.map((c) => [c.index, c.status]), [[2, 'ok'], [3, 'ok'], [4, 'ok']]);
  assert.equal(textOf(outputsOf(r.out, 3)[0]), `q ${ROOT} ${dir}\n`);
  assert.equal(textOf(outputsOf(r.out, 1)[0]), 'answer 42 from-env\n');
  const plot = outputsOf(r.out, 2).find((o) => o.output_type === 'display_data');
  assert.deepEqual(plot?.data?.['application/vnd.plotly.v1+json'], { data: [{ y: [1, 2] }], layout: {} });
});

test('a failing cell: exit 1, stderr and report name the cell, later cells skipped', { skip }, () => {
  const nb = writeNotebook('error', [
    { md: 'intro' },
    { code: 'console.log("first");' },
    { code: "throw new RangeError('boom in cell three');", tags: ['broken'] },
    { code: 'console.log("never");' },
  ]);
  const r = run(nb, '--timeout', '60');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error\.ipynb: cell 3 \(#broken\): RangeError: boom in cell three/);
  assert.equal(r.report?.ok, false);
  assert.deepEqual(r.report?.cells.map((c) => c.status), ['ok', 'error', 'skipped']);
  assert.equal(r.report?.cells[1].ename, 'RangeError');
});

test('a TypeScript compile error is reported with its message', { skip }, () => {
  const nb = writeNotebook('tserror', [{ code: "const n: number = 'text';" }]);
  const r = run(nb, '--timeout', '60');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cell 1 .*TypeScriptError: Type 'string' is not assignable to type 'number'/);
});

test('VAE_KERNEL_TYPES=off, as the book builds: the library runs transpiled; a type error runs, a syntax error names its file', { skip }, () => {
  fs.writeFileSync(path.join(dir, 'helper.ts'), 'export const twice = (x: number): number => 2 * x;\n');
  fs.writeFileSync(path.join(dir, 'broken.ts'), 'export const f = (x: number => x;\n');
  const r = run(writeNotebook('untyped', [
    { code: "import { klDivergence } from './lib/index';\nimport * as tf from '@tensorflow/tfjs';\nconsole.log(klDivergence(tf.tensor2d([[0.5, -1]]), tf.tensor2d([[0.1, 0.3]])).arraySync()[0]);" },
    // With types (JupyterLab, test/notebooks.test.ts) this cell fails to compile: the test above.
    { code: "const n: number = 'text';\nconsole.log(typeof n, Boolean(require.extensions['.ts']));" },
    { code: `import { twice } from ${JSON.stringify(path.join(dir, 'helper'))};\nconsole.log(twice(21));` },
    { code: `import { f } from ${JSON.stringify(path.join(dir, 'broken'))};` },
  ]), '--env', 'VAE_KERNEL_TYPES=off', '--env', 'VAE_BACKEND=cpu', '--timeout', '60', '--allow-errors');
  assert.deepEqual(r.report?.cells.map((c) => c.status), ['ok', 'ok', 'ok', 'error'], r.stderr);
  // KL(N(μ, e^logVar) ‖ N(0, 1)) = ½ Σ (μ² + e^logVar − 1 − logVar) = ½ (0.25 + e^0.1 − 1.1 + 1 + e^0.3 − 1.3).
  const kl = 0.5 * (0.25 + Math.exp(0.1) - 1.1 + 1 + Math.exp(0.3) - 1.3);
  const printed = outputsOf(r.out, 0).map(textOf).join('').trim().split('\n').pop(); // after TF.js's banner on the cpu backend
  assert.ok(Math.abs(Number(printed) - kl) < 1e-5, `the library's klDivergence: ${printed} against ${kl}`);
  assert.equal(textOf(outputsOf(r.out, 1)[0]), 'string true\n', 'the type error runs; .ts files load through the transpiling hook');
  assert.equal(textOf(outputsOf(r.out, 2)[0]), '42\n');
  assert.match(r.report?.cells[3].evalue ?? '', /broken\.ts:1:\d+: .*expected/);
});

test('an infinite loop is killed at the cell timeout; with --allow-errors a fresh kernel runs the rest', { skip }, () => {
  const nb = writeNotebook('loop', [
    { code: 'let before = 1;' },
    { code: 'while (true) {}' },
    { code: 'console.log("after");' },
    { code: 'console.log(before);' },
  ]);
  const t0 = Date.now();
  const r = run(nb, '--timeout', '4', '--allow-errors');
  assert.ok(Date.now() - t0 < 60_000, 'the executor returned in time');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /loop\.ipynb: cell 2 \(while \(true\) \{\}\): Timeout: cell ran longer than 4 s/);
  assert.deepEqual(r.report?.cells.map((c) => c.status), ['ok', 'timeout', 'ok', 'error']);
  assert.equal(textOf(outputsOf(r.out, 2)[0]), 'after\n');
  // Cells 3 and 4 ran in a new kernel: `before` from cell 1 is gone, and the report says so.
  assert.match(r.stderr, /cell 4 \(console\.log\(before\);\): TypeScriptError: Cannot find name 'before'/);
});

test('a cell that eats memory is killed by the watchdog (--memory-mb)', { skip }, () => {
  const nb = writeNotebook('memory', [
    { code: 'const hog: number[][] = [];\nfor (let i = 0; i < 1e9; i++) hog.push(new Array(100000).fill(i));' },
    { code: 'console.log("after");' },
  ]);
  const r = run(nb, '--timeout', '60', '--memory-mb', '400', '--allow-errors');
  assert.equal(r.status, 1);
  assert.deepEqual(r.report?.cells.map((c) => c.status), ['memory', 'ok']);
  assert.match(r.stderr, /cell 1 .*MemoryLimit: kernel used more than 400 MB/);
});

test('the global wall limit stops a notebook whose cells are each within their timeout', { skip }, () => {
  const nb = writeNotebook('wall', [
    // The kernel's start counts too: a few seconds, up to 20 on a machine busy with other tests. Cell 1 ends then;
    // cell 2 would end 40 s later, past the limit of 25 s, whatever the start took.
    { code: 'console.log("early");' },
    { code: 'await new Promise((r) => setTimeout(r, 40000));' },
    { code: 'console.log("late");' },
  ]);
  const r = run(nb, '--timeout', '60', '--total-timeout', '25');
  assert.equal(r.status, 1);
  assert.deepEqual(r.report?.cells.map((c) => c.status), ['ok', 'timeout', 'skipped']);
  assert.match(r.report?.error ?? '', /global time limit of 25 s/);
});

test('set-up problems exit 2 with a clear message: invalid JSON, unknown kernel', { skip }, () => {
  const bad = path.join(dir, 'bad.ipynb');
  fs.writeFileSync(bad, '{"cells": [');
  const r1 = run(bad);
  assert.equal(r1.status, 2);
  assert.match(r1.stderr, /bad\.ipynb: not a valid notebook: invalid JSON at line 1/);
  const notNb = path.join(dir, 'not-notebook.ipynb');
  fs.writeFileSync(notNb, '[1, 2]');
  const r2 = run(notNb);
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /not a valid notebook: expected a JSON object with a 'cells' list/);
  const ok = writeNotebook('kernelless', [{ code: '1' }]);
  const r3 = run(ok, '--kernel', 'no-such-kernel');
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /kernel 'no-such-kernel' is not installed .*run `npm run setup`/);
});
