/**
 * Where the CPU of one graded kernel goes: the graded copy of a chapter's solution (its answer cells and the
 * grader's evaluation cell, as `npm run grade` builds it) run cell by cell through tslab's converter and executor in
 * a fresh Node process, as the kernel runs them but without Jupyter and the sandbox, once compiling without types
 * (scripts/grading/graded-kernel.js, the default) and once type-checked (`--type-check`, tslab as JupyterLab runs
 * it), alternating, `--repeat` times. Then the same for what surrounds the kernel: starting Node, and starting it
 * inside the sandbox (bubblewrap, setpriv for a root grader, prlimit), both running nothing.
 *
 *   npx tsx scripts/bench/grade-kernel.ts [--chapter 03-vae] [--repeat 3]
 *
 * Prints CPU milliseconds (process.cpuUsage of the kernel's process; user + system of the child for `node -e 0`;
 * wall only in the sandbox, whose PID namespace hides its CPU) and wall milliseconds per step, the median over the
 * repeats. CPU is the figure to compare on a busy
 * machine; wall time depends on what else runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXERCISE_CHAPTERS, exercisesOf } from '../../lib/coursework/exercises';
import type { ExerciseRequest, GradeRequest } from '../../lib/coursework/protocol';
import { DEFAULT_GRADE_CONFIG } from '../grading/config';
import { buildGradedNotebook, readSubmission } from '../grading/notebook';
import { GradingRun } from '../grading/run';
import { bwrapArgs, processLimit, probeSandbox, reachableBySandbox, shareWithSandbox } from '../grading/sandbox';
import { writeView } from '../grading/view';
import { oneOf, parseFlags, positiveInt, type Command } from '../flags';

const COMMAND: Command = {
  name: 'bench-grade-kernel',
  usage: `usage: npx tsx scripts/bench/grade-kernel.ts [--chapter 03-vae] [--repeat 3]
  --chapter C   the chapter whose solution is run (default 03-vae)
  --repeat N    runs of each variant, alternating (default 3); the median is printed`,
};

const ROOT = path.resolve(__dirname, '..', '..');

/** The kernel's work in a child process: tslab's converter and executor on `cells`; prints one JSON line of steps. */
const PROFILE = `
const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
const path = require('path');
const [view, cellsFile, untyped] = process.argv.slice(1);
const cells = JSON.parse(require('fs').readFileSync(cellsFile, 'utf8'));
process.chdir(view);
const steps = [];
let last = { c: { user: 0, system: 0 }, t: t0 };
let startupCpu = (c0.user + c0.system) / 1000;
const now = () => ({ c: process.cpuUsage(), t: process.hrtime.bigint() });
const step = (name, from, to) => steps.push({ name, cpu: (to.c.user + to.c.system - from.c.user - from.c.system) / 1000, wall: Number(to.t - from.t) / 1e6 });
steps.push({ name: 'node start (to the first line)', cpu: startupCpu, wall: null });
last = { c: c0, t: t0 };
if (untyped === '1') require(path.join(view, 'scripts', 'grading', 'graded-kernel.js')).compileWithoutTypes();
const dist = path.dirname(require.resolve('tslab/dist/main.js', { paths: [view] }));
const { createConverter } = require(path.join(dist, 'converter.js'));
const { createExecutor } = require(path.join(dist, 'executor.js'));
require(path.join(dist, 'jupyter.js'));
let t = now(); step('load tslab and TypeScript', last, t); last = t;
const node = createConverter({ isJS: false, isBrowser: false });
t = now(); step('start the compiler (createConverter)', last, t); last = t;
let compiled;
const convert = node.convert;
node.convert = (a, b) => { const s = now(); const r = convert(a, b); compiled = { s, e: now() }; return r; };
const sink = () => undefined;
const ex = createExecutor(view, { node, browser: node, close() {} }, { log: sink, error: sink });
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
(async () => {
  for (let i = 0; i < cells.length; i++) {
    const ok = await ex.execute(cells[i].source);
    const end = now();
    step('cell ' + (i + 1) + ' (' + cells[i].label + ') compile', compiled.s, compiled.e);
    step('cell ' + (i + 1) + ' (' + cells[i].label + ') run' + (ok ? '' : ' FAILED'), compiled.e, end);
    last = end;
  }
  const c = process.cpuUsage();
  steps.push({ name: 'kernel process in all', cpu: (c.user + c.system) / 1000, wall: Number(process.hrtime.bigint() - t0) / 1e6 });
  write(JSON.stringify(steps) + '\\n');
  process.exit(0);
})();
`;

interface Step {
  name: string;
  cpu: number;
  wall: number | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU (user + system of the child and what it waited for) and wall ms of `cmd`, through /usr/bin/time. */
function timed(cmd: string[]): { cpu: number; wall: number } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...cmd], { encoding: 'utf8' });
  const wall = Date.now() - t;
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`bench-grade-kernel: ${cmd.join(' ')} failed: ${r.stderr.trim()}`);
  return { cpu: (Number(m[1]) + Number(m[2])) * 1000, wall };
}

async function main(): Promise<void> {
  const values = parseFlags(COMMAND, { chapter: { type: 'string' }, repeat: { type: 'string' } });
  const chapter = oneOf(COMMAND, 'chapter', values.chapter, EXERCISE_CHAPTERS) ?? '03-vae';
  const repeat = positiveInt(COMMAND, 'repeat', values.repeat) ?? 3;

  // The graded copy of the solution, with this run's probes.
  const run = await GradingRun.start({ ...DEFAULT_GRADE_CONFIG, seed: 1, print: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-grade-kernel-'));
  try {
    const read = readSubmission(fs.readFileSync(path.join(ROOT, 'exercises', 'solutions', `${chapter}.ipynb`), 'utf8'));
    if ('error' in read) throw new Error(read.error);
    const plans = run.plansOf(chapter);
    const request: GradeRequest = { exercises: exercisesOf(chapter).filter((s) => !s.submitted).map((s): ExerciseRequest => ({ id: s.id, symbol: s.symbol, probes: plans.get(s.id)?.probes ?? [] })) };
    const graded = JSON.parse(buildGradedNotebook(read.cells, request, '@@GRADE-bench@@', new Map()).json) as { cells: { cell_type: string; id: string; source: string[] }[] };
    const cells = graded.cells.filter((c) => c.cell_type === 'code').map((c) => ({ label: c.id === 'grader-evaluate' ? 'evaluation' : c.source.join('').split('\n')[0].slice(0, 40), source: c.source.join('') }));
    const cellsFile = path.join(dir, 'cells.json');
    fs.writeFileSync(cellsFile, JSON.stringify(cells));
    const view = path.join(dir, 'view');
    writeView(ROOT, chapter, view);
    fs.rmdirSync(path.join(view, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(view, 'node_modules'), 'dir');

    const env = { ...process.env, VAE_PROFILE: 'quick', VAE_QUIET: '1', VAE_BACKEND: 'cpu', TF_CPP_MIN_LOG_LEVEL: '2' };
    const results: Record<'untyped' | 'typed', Step[][]> = { untyped: [], typed: [] };
    for (let i = 0; i < repeat; i++) {
      for (const variant of ['untyped', 'typed'] as const) {
        const r = spawnSync(process.execPath, ['-e', PROFILE, view, cellsFile, variant === 'untyped' ? '1' : '0'], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
        const line = r.stdout.trim().split('\n').pop() ?? '';
        if (r.status !== 0 || !line.startsWith('[')) throw new Error(`bench-grade-kernel: the ${variant} kernel failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        results[variant].push(JSON.parse(line) as Step[]);
      }
    }
    console.log(`${chapter}: the graded copy of the solution (${cells.length} cells run), median of ${repeat} runs each, ms`);
    console.log(`${'step'.padEnd(58)} ${'without types'.padStart(22)} ${'type-checked'.padStart(22)}`);
    const fmt = (runs: Step[][], k: number) => {
      const cpu = median(runs.map((s) => s[k].cpu));
      const walls = runs.map((s) => s[k].wall).filter((w): w is number => w !== null);
      return `${cpu.toFixed(0).padStart(6)} CPU ${walls.length ? `${median(walls).toFixed(0).padStart(6)} wall` : ''.padStart(11)}`;
    };
    const names = results.typed[0].map((s) => s.name);
    names.forEach((name, k) => console.log(`${name.slice(0, 58).padEnd(58)} ${fmt(results.untyped, k).padStart(22)} ${fmt(results.typed, k).padStart(22)}`));
    if (results.untyped[0].map((s) => s.name).join() !== names.join()) console.log('(the two variants ran different steps: a cell failed in one of them)');

    // Around the kernel: Node alone, and Node inside the sandbox (which mounts node_modules on the view's empty folder).
    fs.unlinkSync(path.join(view, 'node_modules'));
    fs.mkdirSync(path.join(view, 'node_modules'));
    const sandbox = probeSandbox();
    const plain: number[][] = [];
    const boxed: number[][] = [];
    for (let i = 0; i < repeat; i++) {
      const p = timed([process.execPath, '-e', '0']);
      plain.push([p.cpu, p.wall]);
      if (sandbox.mode === 'bwrap' && sandbox.bwrap) {
        const scratch = fs.mkdtempSync(path.join(dir, 's'));
        shareWithSandbox(dir);
        shareWithSandbox(scratch, true);
        const wrapper = sandbox.wrapper ?? [];
        const b = timed([...wrapper, sandbox.bwrap, ...bwrapArgs(view, reachableBySandbox(path.join(ROOT, 'node_modules'), dir), scratch), ...processLimit(256), process.execPath, '-e', '0']);
        boxed.push([b.cpu, b.wall]);
      }
    }
    const m = (xs: number[][], j: number) => median(xs.map((x) => x[j])).toFixed(0);
    console.log(`node -e 0: ${m(plain, 0)} CPU, ${m(plain, 1)} wall`);
    // bwrap's PID namespace hides its processes' CPU from /usr/bin/time: wall time only.
    if (boxed.length) console.log(`the same in the sandbox (${(sandbox.wrapper ?? []).length ? 'setpriv, ' : ''}bwrap, prlimit): ${m(boxed, 1)} wall (its CPU is not counted)`);
    else console.log(`no sandbox here: ${sandbox.why}`);
    console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    run.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
