#!/usr/bin/env node
// The one test command (README, .ci/run): every test/*.test.ts under Node's test runner, via tsx.
// Extra arguments are passed on, e.g. `npm test -- test/data.test.ts` (then one pass, on the backend auto picks
// or VAE_BACKEND names).
//
// Two engines: when @tensorflow/tfjs-node loads, `auto` picks it, so the full run (no file arguments, no
// VAE_BACKEND) is pass 1 on tensorflow, then pass 2 runs the library module tests again with VAE_BACKEND=wasm,
// the backend of every machine where tfjs-node is absent. The notebooks run once per engine: on tensorflow in
// pass 1's quick-profile book build (a cell that fails fails the build), on wasm in pass 2's notebook test (with
// a model cache of its own, as on a fresh clone), and on wasm in the browser in pass 1's JupyterLite test. Both
// passes always run; the exit status is non-zero when either failed. Without tfjs-node there is one pass, on wasm.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const all = readdirSync('test').filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${f}`);

// Not library modules: the book, the browser tests, the grader, the notebook executor and the lab config
// (they drive Jupyter, Chromium or the book build, whose own code does not change with the backend; the notebooks
// in JupyterLite run on wasm in pass 1 already), and the tfjs-node comparison, which runs both backends itself.
const NOT_LIBRARY = /^test\/(book|jupyterlab|grade|notebooks|execute-notebook|labconfig|tfjs-node)[.-]|\.browser\.test\.ts$/;
const wasmPass = [...all.filter((f) => !NOT_LIBRARY.test(f)), 'test/notebooks.test.ts'];

function tfjsNodeLoads() {
  const r = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { stdio: 'ignore' });
  return r.status === 0;
}

// Names this run: test files that need the quick-profile book reuse the one an earlier file of the run built
// (test/book-helpers.ts buildQuickBook).
const RUN = `${Date.now()}-${process.pid}`;

// The library module tests run two at a time: they spend most of their few seconds starting Node, tsx and TF.js.
// Then the files that build the book, drive Chromium or Jupyter kernels, grade, or measure threads: first alone,
// the one among them that builds the quick-profile book (which executes every notebook, two at a time), then the
// others two at a time, since each spends part of its time waiting on a browser, a kernel or a child process.
const SERIAL = /^test\/(book|jupyterlab|grade|notebooks|execute-notebook|lite|cli|wasm-threads|tfjs-node|posterior)[.-]|\.browser\.test\.ts$/;

function runFiles(targets, concurrency, env) {
  if (targets.length === 0) return 0;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...flags, ...targets],
    { stdio: 'inherit', env: { ...process.env, VAE_QUIET: '1', VAE_TEST_RUN: RUN, ...env } },
  );
  return r.status ?? 1;
}

/** Whether a test file uses the quick-profile book that test/book-helpers.ts builds once per run. */
const usesQuickBook = (f) => /\bbuildQuickBook\(/.test(readFileSync(f, 'utf8'));

function runPass(targets, env) {
  const t0 = Date.now();
  const light = runFiles(targets.filter((f) => !SERIAL.test(f)), 2, env);
  const heavy = targets.filter((f) => SERIAL.test(f));
  // One file builds the book (book.test.ts, whose own checks of it are short, when it runs); the rest of the run
  // reuses it (VAE_TEST_RUN).
  const builder = heavy.find((f) => f === 'test/book.test.ts') ?? heavy.find(usesQuickBook);
  const first = builder ? runFiles([builder], 1, env) : 0;
  const rest = runFiles(heavy.filter((f) => f !== builder), 2, env);
  return { status: [light, first, rest].find((s) => s !== 0) ?? 0, seconds: (Date.now() - t0) / 1000 };
}

const header = (s) => console.log(`\n${'='.repeat(100)}\nnpm test: ${s}\n${'='.repeat(100)}`);
const minutes = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

const backendSet = (process.env.VAE_BACKEND ?? '').trim() !== '';
if (files.length || backendSet || !tfjsNodeLoads()) {
  const r = runPass(files.length ? files : all, {});
  process.exit(r.status);
}

const firstPass = all.filter((f) => f !== 'test/notebooks.test.ts');
header(`pass 1 of 2: every test file but the notebooks' (${firstPass.length}), backend auto = tensorflow (@tensorflow/tfjs-node loads)`);
const first = runPass(firstPass, {});
header(`pass 2 of 2: the library module tests and the notebooks (${wasmPass.length} files) with VAE_BACKEND=wasm`);
const second = runPass(wasmPass, { VAE_BACKEND: 'wasm' });
header(
  `pass 1 (tensorflow) ${first.status === 0 ? 'passed' : 'FAILED'} in ${minutes(first.seconds)}; ` +
    `pass 2 (wasm) ${second.status === 0 ? 'passed' : 'FAILED'} in ${minutes(second.seconds)}`,
);
process.exit(first.status !== 0 ? first.status : second.status);
