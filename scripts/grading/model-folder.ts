/**
 * The model folder a submission carries (the capstone, lib/coursework/exercises/capstone.ts): found beside the
 * notebook as `<notebook name without .ipynb>.model/`, checked here without following links (only folders and
 * plain files, few, bounded in bytes: checkModelFolder), copied into a scratch folder, and scored in a process of
 * its own — sandboxed like a kernel when bubblewrap works (scripts/grading/sandbox.ts: no network, the view
 * read-only, the copy its one writable folder, RLIMIT_NPROC) — under the grader's memory limit (--memory-mb) and a
 * time limit of its own (MODEL_SCORE_SECONDS). That process runs only the grader's code (scoreFolderAnswer of
 * lib/coursework/submitted-model.ts, from the chapter's view) on the folder as data, and prints one line: the
 * answer, decoded here against the exercise's schema like a kernel's. Nothing of the student's notebook runs there.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Answer, decodeAnswer, type Schema } from '../../lib/coursework/protocol';
import { SubmittedModelError, checkModelFolder } from '../../lib/coursework/submitted-model';
import { MODEL_FOLDER_SUFFIX } from '../../lib/coursework/exercises/capstone';
import type { ExerciseSpec } from '../../lib/coursework/exercise';
import type { CheckPlan } from '../../lib/coursework/runner';
import type { ExerciseGrade } from './config';
import { judgeExercise } from './judge';
import { INSIDE_SCRATCH, SandboxProbe, bwrapArgs, processLimit, shareWithSandbox } from './sandbox';

/**
 * The time limit of scoring one folder, seconds (--timeout when that is longer). Scoring is one IWAE pass, but
 * a conv decoder is costly at K = 100: the largest conv model the capstone allows (11.5 million weights) scored
 * in 126 s and the largest dense one (6.6 million) in 36 s on a busy machine (`capstone-bands.ts --largest`).
 */
export const MODEL_SCORE_SECONDS = 300;

/** The folder a submission's model is in: beside the notebook, its name without `.ipynb` plus `.model`. */
export function modelFolderOf(notebook: string): string {
  return path.join(path.dirname(notebook), `${path.basename(notebook).replace(/\.ipynb$/i, '')}${MODEL_FOLDER_SUFFIX}`);
}

/** What the scoring process needs: the chapter's view, node_modules, a scratch folder of its own, the limits. */
export interface ModelScoring {
  view: string;
  nodeModules: string;
  scratch: string;
  sandbox: SandboxProbe;
  timeoutSeconds: number;
  memoryMb: number;
  maxProcesses: number;
  /** The answer's schema (the exercise module's `schema()`): the printed line is decoded against it. */
  schema: Schema;
}

const MARK = '@@model-score@@';

/** The scoring process's program: the grader's code from the view, the folder as data, one line out. */
function program(folder: string): string {
  return [
    "process.env.TF_CPP_MIN_LOG_LEVEL = '2';",
    "const { initBackend } = require('./lib/backend/backend');",
    "require('./lib/data/load'); // registers the full MNIST as the data source 'mnist-full'",
    "const { scoreFolderAnswer } = require('./lib/coursework/submitted-model');",
    '(async () => {',
    "  await initBackend({ backend: 'auto' });",
    `  const answer = scoreFolderAnswer(${JSON.stringify(folder)});`,
    '  const safe = (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);',
    `  process.stdout.write(${JSON.stringify(MARK)} + JSON.stringify(answer, safe) + '\\n', () => process.exit(0));`,
    '})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(3); });',
  ].join('\n');
}

/**
 * Scores the model folder of `notebook`: an answer for the capstone's judge — the score, what is wrong with the
 * folder (missing, a link, too big, corrupt: `wrong`, with the problem named), or why the scoring failed (time or
 * memory limit: `failed`).
 */
export async function scoreModelFolder(notebook: string, s: ModelScoring): Promise<Answer> {
  const folder = modelFolderOf(notebook);
  const where = path.basename(folder);
  const wrong = (got: string): Answer => ({ wrong: { got, hint: `hand in the folder vae.saveModel wrote as ${where}/ beside ${path.basename(notebook)}, unchanged` } });
  try {
    checkModelFolder(folder);
  } catch (e) {
    if (e instanceof SubmittedModelError) return wrong(e.message);
    throw e;
  }
  const copy = path.join(s.scratch, 'model');
  // checkModelFolder saw only folders and plain files: the copy holds no link out of it.
  fs.cpSync(folder, copy, { recursive: true, dereference: false, verbatimSymlinks: true });
  if (s.sandbox.mode === 'bwrap') {
    shareWithSandbox(s.scratch, true);
    for (const f of walk(copy)) shareWithSandbox(f, true);
  }
  let cmd: string[];
  let cwd: string | undefined;
  if (s.sandbox.mode === 'bwrap') {
    const wrapper = s.sandbox.wrapper ?? [];
    const bwrap = s.sandbox.bwrap ?? 'bwrap';
    cmd = [...wrapper, bwrap, ...bwrapArgs(s.view, s.nodeModules, s.scratch), ...processLimit(s.maxProcesses), process.execPath, '-e', program(`${INSIDE_SCRATCH}/model`)];
  } else {
    cmd = [process.execPath, '-e', program(copy)];
    cwd = s.view;
  }
  const run = await spawnLimited(cmd, cwd, s.timeoutSeconds, s.memoryMb);
  if (run.killed === 'time') return { failed: { message: `scoring the model took longer than ${s.timeoutSeconds} s and was stopped` } };
  if (run.killed === 'memory') return { failed: { message: `scoring the model needed more than ${s.memoryMb} MB and was stopped` } };
  const line = run.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) return { failed: { message: `the model could not be scored (exit code ${run.code}: ${lastLine(run.stderr)})` } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(MARK.length));
  } catch {
    return { failed: { message: 'the scoring process printed an unreadable result' } };
  }
  return decodeAnswer(s.schema, parsed) ?? { failed: { message: 'the scoring process printed a result of another form' } };
}

/**
 * The grade of a scored folder: the exercise's judge (its bands) on the answer, with the grader's NLL, or what is
 * wrong with the folder, as the first note.
 */
export function judgeModelFolder(spec: ExerciseSpec, plan: CheckPlan, answer: Answer, notes: string[]): ExerciseGrade {
  const own = [...notes];
  if ('value' in answer) {
    const v = answer.value as { nll: number; k: number; digits: number; architecture: string; latentDim: number; parameters: number };
    own.push(`the grader's test NLL: ${v.nll.toFixed(2)} nats (IWAE K = ${v.k} on ${v.digits} binarized test digits; ${v.architecture} VAE, latentDim ${v.latentDim}, ${v.parameters} weights)`);
  } else if ('wrong' in answer) own.push(`0 points: ${answer.wrong.got}`);
  else if ('failed' in answer) own.push(`0 points: ${answer.failed.message}`);
  return judgeExercise(spec, plan, [answer], {}, own);
}

function walk(dir: string): string[] {
  const out = [dir];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function lastLine(text: string): string {
  return (text.split('\n').filter((l) => l.trim()).slice(-1)[0] ?? '').slice(0, 300);
}

/** The resident memory of process `root` and its descendants, MB (Linux /proc; 0 once it is gone). */
export function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone meanwhile */
    }
  }
  let pages = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    try {
      pages += Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    } catch {
      /* gone meanwhile */
    }
    todo.push(...(children.get(pid) ?? []));
  }
  return (pages * 4096) / 2 ** 20;
}

/**
 * Runs `cmd` in a process group of its own with a wall-clock limit and a limit on its tree's resident memory
 * (polled, as the notebook executor bounds a kernel: an address-space limit would stop tfjs-node's reservations,
 * not its use), SIGKILL to the group at either; output capped at 1 MB a stream.
 */
function spawnLimited(cmd: string[], cwd: string | undefined, seconds: number, memoryMb: number): Promise<{ code: number | null; stdout: string; stderr: string; killed?: 'time' | 'memory' }> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TF_CPP_MIN_LOG_LEVEL: '2', VAE_QUIET: '1' } });
    const cap = 1 << 20;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < cap) stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < cap) stderr += d.toString('utf8'); });
    let killed: 'time' | 'memory' | undefined;
    const kill = (why: 'time' | 'memory') => {
      killed ??= why;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => kill('time'), seconds * 1000);
    const poll = setInterval(() => {
      if (child.pid !== undefined && treeRssMb(child.pid) > memoryMb) kill('memory');
    }, 250);
    const done = (code: number | null, extra = '') => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, stdout, stderr: stderr + extra, killed });
    };
    child.on('error', (e) => done(null, `\n${e.message}`));
    child.on('close', (code) => done(code));
  });
}
