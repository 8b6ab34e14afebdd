// Notebooks for the book: read .ipynb files, execute them with THE executor (scripts/jupyter/execute_notebook.py,
// real tslab kernel) and cache the executed copies by a hash of everything that can change their outputs.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BookError } from './markdown';
import type { Profile } from '../../lib/training/profile';
import { codeFingerprint, CodeFingerprint } from '../../lib/io/fingerprint';

export type { Profile };

export interface NotebookOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | 'update_display_data';
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[]; exercise?: { id?: string; points?: number }; [k: string]: unknown };
  outputs?: NotebookOutput[];
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export function joinSource(s: string | string[] | undefined): string {
  return Array.isArray(s) ? s.join('') : s ?? '';
}

export function readNotebook(file: string): Notebook {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new BookError(`${file}: cannot read the notebook`);
  }
  let nb: Notebook;
  try {
    nb = JSON.parse(raw) as Notebook;
  } catch (e) {
    throw new BookError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new BookError(`${file}: not a Jupyter notebook (no "cells" array)`);
  return nb;
}

export interface CacheInputs {
  /** Repository root: the cells' imports resolve from here; package-lock.json and requirements.txt are read here. */
  root: string;
  notebookFile: string;
  profile: Profile;
}

/**
 * The backend the notebooks will train on, as far as it can be told without loading it: VAE_BACKEND (which the
 * kernels inherit), and for 'auto' whether tfjs-node is installed. Numbers differ in their last digits between
 * backends, so an execution on one is not reused for another.
 */
export function backendRequest(root: string): string {
  const requested = (process.env.VAE_BACKEND ?? '').trim() || 'auto';
  if (requested !== 'auto') return requested;
  try {
    require.resolve('@tensorflow/tfjs-node', { paths: [root] });
    return 'auto (tfjs-node installed)';
  } catch {
    return 'auto (no tfjs-node)';
  }
}

/**
 * The notebook as the cache key sees it: its JSON without the cells' figure captions and alt texts (metadata
 * "figures", read by the book from the source notebook) and without its scheduling hint (metadata "book"), which
 * change no output; and its code cells' sources. A file that is not JSON is taken as it is (reading it fails
 * later, with a clear message).
 */
function notebookKeyBytes(file: string): { bytes: Buffer | string; code: string[] } {
  const bytes = fs.readFileSync(file);
  let nb: { cells?: { cell_type?: string; source?: string | string[]; metadata?: Record<string, unknown> }[]; metadata?: Record<string, unknown> };
  try {
    nb = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { bytes, code: [] };
  }
  if (nb?.metadata && 'book' in nb.metadata) delete nb.metadata.book;
  const cells = Array.isArray(nb?.cells) ? nb.cells : [];
  for (const c of cells) {
    if (c?.metadata && 'figures' in c.metadata) delete c.metadata.figures;
  }
  return { bytes: JSON.stringify(nb), code: cells.filter((c) => c?.cell_type === 'code').map((c) => joinSource(c.source)) };
}

/** A cache key and what went into its code part. */
export interface CacheKeyDetails {
  key: string;
  /** The fingerprint of the code the notebook runs (lib/io/fingerprint.ts codeFingerprint). */
  code: CodeFingerprint;
  /** Milliseconds the key took. */
  ms: number;
}

/**
 * The cache key of an executed notebook: sha256 over the notebook (without its figure captions), the code its
 * cells run (an esbuild bundle of them, tree-shaken and without comments: codeFingerprint, so an edit of a
 * library function re-executes exactly the notebooks that reach it, and a comment edit none),
 * package-lock.json (the versions of TF.js, its backends and the data packages), requirements.txt (the kernel),
 * the profile and the backend requested. Anything else (chapters, captions, the book's CSS) does not change what
 * a cell prints, so editing prose never re-runs training.
 */
export function cacheKeyDetails(inputs: CacheInputs): CacheKeyDetails {
  const started = Date.now();
  const h = createHash('sha256');
  const part = (label: string, bytes: Buffer | string) => {
    h.update(`${label}\0${Buffer.byteLength(bytes)}\0`);
    h.update(bytes);
  };
  const nb = notebookKeyBytes(inputs.notebookFile);
  part('notebook', nb.bytes);
  const code = codeFingerprint({ root: inputs.root, modules: nb.code });
  part('code', `${code.how}:${code.hash}`);
  for (const name of ['package-lock.json', 'requirements.txt']) {
    const file = path.join(inputs.root, name);
    part(name, fs.existsSync(file) ? fs.readFileSync(file) : '<absent>');
  }
  part('profile', inputs.profile);
  part('backend', backendRequest(inputs.root));
  return { key: h.digest('hex').slice(0, 32), code, ms: Date.now() - started };
}

/** The cache key of an executed notebook (cacheKeyDetails). */
export function cacheKey(inputs: CacheInputs): string {
  return cacheKeyDetails(inputs).key;
}

export function cachePath(cacheDir: string, name: string, key: string, profile: Profile): string {
  return path.join(cacheDir, `${name}.${profile}.${key}.ipynb`);
}

/** The folder where the run that made `executedFile` saved its models (saveBookModel, VAE_MODELS_DIR). */
export function modelsDirOf(executedFile: string): string {
  return executedFile.replace(/\.ipynb$/, '.models');
}

/**
 * Where a failed execution of `executedFile`'s notebook leaves its outputs: the cache's `failed/` folder, one file per
 * notebook and profile (`failed/04-training.full.ipynb`), never read as a cached execution.
 */
export function failedRunOf(executedFile: string): string {
  const name = path.basename(executedFile).replace(/\.[0-9a-f]{32}\.ipynb$/, '.ipynb');
  return path.join(path.dirname(executedFile), 'failed', name);
}

/** Removes older executions of the same notebook and profile (each edit of lib/ would otherwise leave one behind). */
export function pruneCache(cacheDir: string, name: string, profile: Profile, keep: string): void {
  if (!fs.existsSync(cacheDir)) return;
  const prefix = `${name}.${profile}.`;
  for (const f of fs.readdirSync(cacheDir)) {
    if (f.startsWith(prefix) && path.join(cacheDir, f) !== keep && path.join(cacheDir, f) !== modelsDirOf(keep) && /^[0-9a-f]{32}\.(ipynb|models)$/.test(f.slice(prefix.length))) {
      fs.rmSync(path.join(cacheDir, f), { recursive: true, force: true });
    }
  }
}

interface ExecReport {
  ok?: boolean;
  cells?: { index: number; status: string; ename?: string; evalue?: string }[];
  error?: string;
}

function cellLabel(nb: Notebook | null, index: number): string {
  const cell = nb?.cells[index - 1];
  if (!cell) return `cell ${index}`;
  const tags = cell.metadata?.tags ?? [];
  return tags.length ? `cell ${index} (${tags.join(', ')})` : `cell ${index}`;
}

export interface ExecuteOptions {
  root: string;
  python: string;
  executor: string;
  profile: Profile;
  /** Seconds per cell. */
  timeout: number;
  /** Extra environment variables for the kernel (e.g. VAE_TF_THREADS). */
  env?: Record<string, string>;
  /** Called as each code cell ends: "cell 5 (#train-vae), 3 of 9: ok in 41.2 s" (the executor's --progress). */
  progress?: (line: string) => void;
}

export interface Execution {
  /** Wall time of the executor, seconds. */
  seconds: number;
  /** The backend the notebook reported ("tensorflow (@tensorflow/tfjs-node; …)"), or 'unknown'. */
  backend: string;
}

const PROGRESS = /^progress: (.*)$/;

/**
 * Runs a command without blocking the event loop (so that two notebooks execute at a time). Its stderr is kept
 * (the last MB), and its "progress: …" lines are handed to `progress` as they come.
 */
function run(
  cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, progress?: (line: string) => void,
): Promise<{ status: number | null; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let partial = '';
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      stderr += s;
      if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
      if (!progress) return;
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = PROGRESS.exec(line);
        if (m) progress(m[1]);
      }
    });
    child.on('error', (error) => resolve({ status: null, stderr, error }));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** The "backend: …" line every notebook prints in its first code cell's output. */
export function reportedBackend(nb: Notebook): string {
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type !== 'stream') continue;
      const m = /^backend: (.+?)(;\s*profile:.*)?$/m.exec(Array.isArray(o.text) ? o.text.join('') : o.text ?? '');
      if (m) return m[1];
    }
  }
  return 'unknown';
}

/**
 * Runs the executor on `file`, writing the executed notebook to `outFile` (via a temporary file, so a crash never
 * leaves a half-written cache entry). A failing cell → BookError "notebooks/x.ipynb: cell 7 (tag): Error: …".
 */
export async function executeNotebook(file: string, outFile: string, opts: ExecuteOptions): Promise<Execution> {
  if (!fs.existsSync(opts.executor)) {
    throw new BookError(`cannot execute ${file}: the executor ${opts.executor} is missing`);
  }
  if (!fs.existsSync(opts.python)) {
    throw new BookError(`cannot execute ${file}: ${opts.python} is missing (run \`npm run setup\`)`);
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}`;
  const report = `${outFile}.report-${process.pid}.json`;
  // The models the notebook saves for the book's pages (saveBookModel) go next to the executed copy.
  const models = modelsDirOf(outFile);
  const modelsTmp = `${models}.tmp-${process.pid}`;
  fs.rmSync(modelsTmp, { recursive: true, force: true });
  const args = [
    opts.executor, file, '--out', tmp, '--report', report, '--timeout', String(opts.timeout),
    '--env', `VAE_PROFILE=${opts.profile}`, '--env', 'VAE_QUIET=1', '--env', `VAE_MODELS_DIR=${modelsTmp}`,
  ];
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('--env', `${k}=${v}`);
  if (opts.progress) args.push('--progress');
  const started = Date.now();
  const r = await run(opts.python, args, opts.root, process.env, opts.progress);
  let rep: ExecReport | null = null;
  try {
    rep = JSON.parse(fs.readFileSync(report, 'utf8')) as ExecReport;
  } catch {
    rep = null;
  }
  fs.rmSync(report, { force: true });
  if (r.status !== 0) {
    // The executed cells so far, outputs and stderr included, stay readable beside the cache (never as a cache entry).
    const failedCopy = failedRunOf(outFile);
    fs.mkdirSync(path.dirname(failedCopy), { recursive: true });
    if (fs.existsSync(tmp)) fs.renameSync(tmp, failedCopy);
    else fs.rmSync(failedCopy, { force: true });
    const kept = fs.existsSync(failedCopy) ? ` (the run's outputs: ${path.relative(opts.root, failedCopy) || failedCopy})` : '';
    fs.rmSync(modelsTmp, { recursive: true, force: true });
    const rel = path.relative(opts.root, file) || file;
    const failed = rep?.cells?.find((c) => c.status !== 'ok' && c.status !== 'skipped');
    if (failed) {
      let nb: Notebook | null = null;
      try {
        nb = readNotebook(file);
      } catch {
        nb = null;
      }
      // timeout / memory / dead-kernel: the executor's own line says more (limits, exit signal).
      const stderrLine = (r.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? '';
      const what = failed.status === 'error'
        ? `${failed.ename ?? 'Error'}: ${failed.evalue ?? ''}`
        : `${failed.status}${rep?.error ? ` (${rep.error})` : stderrLine ? ` (${stderrLine})` : ''}`;
      throw new BookError(`${rel}: ${cellLabel(nb, failed.index)}: ${what}`.trim() + kept);
    }
    const stderr = (r.stderr ?? '').trim().split('\n').filter(Boolean);
    const detail = rep?.error ?? stderr[stderr.length - 1] ?? r.error?.message ?? `exit status ${r.status}`;
    throw new BookError(`${rel}: execution failed: ${detail}${kept}`);
  }
  fs.rmSync(models, { recursive: true, force: true });
  if (fs.existsSync(modelsTmp)) fs.renameSync(modelsTmp, models);
  fs.renameSync(tmp, outFile);
  return { seconds: (Date.now() - started) / 1000, backend: reportedBackend(readNotebook(outFile)) };
}

/** The first error output of an executed notebook, if any ("cell 7 (tag): Error: …"): a cached error fails the build too. */
export function firstError(nb: Notebook): string | null {
  for (let i = 0; i < nb.cells.length; i++) {
    for (const o of nb.cells[i].outputs ?? []) {
      if (o.output_type === 'error') return `${cellLabel(nb, i + 1)}: ${o.ename ?? 'Error'}: ${o.evalue ?? ''}`.trim();
    }
  }
  return null;
}

/** Cells carrying `tag` (with their 1-based index among all cells). */
export function cellsWithTag(nb: Notebook, tag: string): { index: number; cell: NotebookCell }[] {
  const out: { index: number; cell: NotebookCell }[] = [];
  nb.cells.forEach((cell, i) => {
    if ((cell.metadata?.tags ?? []).includes(tag)) out.push({ index: i + 1, cell });
  });
  return out;
}

export function allTags(nb: Notebook): string[] {
  const tags = new Set<string>();
  for (const c of nb.cells) for (const t of c.metadata?.tags ?? []) tags.add(t);
  return [...tags].sort();
}

/** The reference answer cell of exercise `id` (metadata.exercise.id). */
export function solutionCell(nb: Notebook, id: string): NotebookCell | null {
  return nb.cells.find((c) => c.metadata?.exercise?.id === id && c.cell_type === 'code') ??
    nb.cells.find((c) => c.metadata?.exercise?.id === id) ??
    null;
}

export function exerciseIds(nb: Notebook): string[] {
  return [...new Set(nb.cells.map((c) => c.metadata?.exercise?.id).filter((x): x is string => typeof x === 'string'))].sort();
}
