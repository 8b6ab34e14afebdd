/**
 * Running one graded copy through scripts/jupyter/execute_notebook.py — the
 * project's one notebook executor (per-cell and total time limits, memory
 * limit, restarts) — with the graded kernel of scripts/grading/sandbox.ts.
 *
 * The executor runs inside long-lived workers (scripts/grading/executor_worker.py,
 * one per submission graded at once) that call its main() once per notebook:
 * Python and nbclient start once per class instead of once per submission.
 * A worker that outlives a run's limits (the executor's own watchdog failed)
 * is killed with its process group, and the next run gets a fresh one.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Readable, Writable } from 'stream';
import { GradeConfig } from './config';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
export const EXECUTOR = path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py');
const WORKER = path.join(__dirname, 'executor_worker.py');

export interface CellReport {
  index: number;
  label?: string;
  status: 'ok' | 'error' | 'timeout' | 'memory' | 'dead-kernel' | 'skipped';
  ename?: string;
  evalue?: string;
  seconds?: number;
}

export interface RunOutcome {
  /** Executor exit code (0 ok, 1 a cell failed, 2 set-up problem), or null when the grader had to kill it. */
  code: number | null;
  stderr: string;
  cells: CellReport[];
  executed?: { cells: { outputs?: { output_type: string; name?: string; text?: string | string[] }[] }[] };
}

/** The kernel a graded copy runs in: a spec in `dataDir` (scripts/grading/sandbox.ts), its working folder and backend. */
export interface KernelChoice {
  name: string;
  dataDir: string;
  cwd: string;
  backend: string;
}

interface Worker {
  child: ChildProcess;
  /** The answer of the run in progress, when one is. */
  waiting?: (answer: { code: number | null; stderr: string }) => void;
  /** The worker's own stderr, last part (kernels write there too). */
  log: string;
  dead: boolean;
}

const idle: Worker[] = [];

function startWorker(): Worker {
  // Its own process group: the last-resort kill takes the executor and whatever it started.
  const child = spawn(PYTHON, [WORKER], { cwd: ROOT, detached: true, stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
  const w: Worker = { child, log: '', dead: false };
  child.stdin?.on('error', () => undefined); // a dead worker's pipe: its exit is reported below
  let buffer = '';
  (child.stdio[3] as Readable).on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const answer = JSON.parse(line) as { code: number; stderr: string };
      const done = w.waiting;
      w.waiting = undefined;
      done?.(answer);
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    w.log = (w.log + d.toString()).slice(-20_000);
  });
  const died = (why: string) => {
    w.dead = true;
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
    const done = w.waiting;
    w.waiting = undefined;
    done?.({ code: null, stderr: `${w.log}\ngrader: ${why}` });
  };
  child.on('error', (e) => died(`could not start ${PYTHON}: ${e.message}`));
  child.on('exit', (code, signal) => died(`the executor exited (${signal ?? `code ${code}`})`));
  return w;
}

function killWorker(w: Worker): void {
  try {
    process.kill(-(w.child.pid as number), 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Ends the idle workers (call when the class is graded: they would keep the grader's process alive). */
export function closeExecutors(): void {
  for (const w of idle.splice(0)) {
    (w.child.stdin as Writable).end();
    killWorker(w);
  }
}

/** Runs the executor on `input` in an idle worker (or a new one); kills the worker if it outlives its own limits. */
export function runExecutor(input: string, output: string, reportPath: string, cfg: GradeConfig, kernel: KernelChoice): Promise<RunOutcome> {
  const argv = [
    input,
    '--out',
    output,
    '--report',
    reportPath,
    '--cwd',
    kernel.cwd,
    '--kernel',
    kernel.name,
    '--timeout',
    String(cfg.timeout),
    '--total-timeout',
    String(cfg.totalTimeout),
    '--memory-mb',
    String(cfg.memoryMb),
    '--max-output-mb',
    String(cfg.maxOutputMb),
    '--allow-errors',
    // A kernel that has not started in a minute will not (two kernels started at once can race for
    // their ports); the grader retries once instead of waiting the executor's default two minutes.
    '--startup-timeout',
    '60',
    '--env',
    `VAE_PROFILE=${cfg.profile}`,
    '--env',
    'VAE_QUIET=1',
    '--env',
    `VAE_BACKEND=${kernel.backend}`,
    '--env',
    'TF_CPP_MIN_LOG_LEVEL=2',
  ];
  // The executor looks for kernel specs in JUPYTER_DATA_DIR first: the graded kernel's spec is there.
  const env = { JUPYTER_DATA_DIR: kernel.dataDir };
  let w = idle.pop();
  while (w && w.dead) w = idle.pop();
  const worker = w ?? startWorker();
  return new Promise((resolve) => {
    // The executor ends itself (per-cell and total limits, its own watchdog); this is the last resort.
    const deadline = setTimeout(() => killWorker(worker), (cfg.totalTimeout + 120) * 1000);
    worker.waiting = (answer) => {
      clearTimeout(deadline);
      if (!worker.dead) idle.push(worker);
      let cells: CellReport[] = [];
      let executed: RunOutcome['executed'];
      try {
        cells = (JSON.parse(fs.readFileSync(reportPath, 'utf8')) as { cells: CellReport[] }).cells ?? [];
      } catch {
        /* no report: handled by the caller from the exit code and stderr */
      }
      try {
        executed = JSON.parse(fs.readFileSync(output, 'utf8')) as RunOutcome['executed'];
      } catch {
        /* idem */
      }
      resolve({ code: answer.code, stderr: answer.stderr, cells, executed });
    };
    (worker.child.stdin as Writable).write(`${JSON.stringify({ argv, env })}\n`);
  });
}

export function streamText(o: { text?: string | string[] }): string {
  return Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
}

export function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
