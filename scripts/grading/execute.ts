/**
 * Running one graded copy through scripts/jupyter/execute_notebook.py — the project's
 * one notebook executor (per-cell and total time limits, memory limit, restarts) —
 * in its own process group, with a last-resort kill, with the graded kernel of
 * scripts/grading/sandbox.ts (tslab in the view of the project, sandboxed or not).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { GradeConfig } from './config';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
export const EXECUTOR = path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py');

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

/** Runs the executor in its own process group; kills the whole group if it outlives its own limits. */
export function runExecutor(input: string, output: string, reportPath: string, cfg: GradeConfig, kernel: KernelChoice): Promise<RunOutcome> {
  const args = [
    EXECUTOR,
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
  return new Promise((resolve) => {
    // The executor looks for kernel specs in JUPYTER_DATA_DIR first: the graded kernel's spec is there.
    const env = { ...process.env, JUPYTER_DATA_DIR: kernel.dataDir };
    const child = spawn(PYTHON, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 200_000) stderr += d.toString();
    });
    // The executor ends itself (per-cell and total limits, its own watchdog); this is the last resort.
    const deadline = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, (cfg.totalTimeout + 120) * 1000);
    const finish = (code: number | null) => {
      clearTimeout(deadline);
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
      resolve({ code, stderr, cells, executed });
    };
    child.on('error', (e) => {
      stderr += `\ngrader: could not start ${PYTHON}: ${e.message}`;
      finish(2);
    });
    child.on('close', (code) => finish(code));
  });
}

export function streamText(o: { text?: string | string[] }): string {
  return Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
}

export function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
