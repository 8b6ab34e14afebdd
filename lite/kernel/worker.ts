/**
 * The Web Worker of the TypeScript kernel: it compiles each cell (cell.ts), runs it with `./lib/index` bound
 * to the browser build of the library (lib/browser.ts) and `@tensorflow/tfjs` to TF.js, and posts what the
 * cell prints and shows (protocol.ts). Training runs here, so the page stays responsive.
 */
import * as ts from 'typescript';
import * as tf from '@tensorflow/tfjs';
import { gunzipSync } from 'fflate';
import * as lib from '../../lib/browser';
import { unpackDigits } from '../../lib/data/packed';
import type { Dataset } from '../../lib/data/dataset';
import { compileCell, CellSyntaxError, type CompiledCell } from './cell';
import { loadSiteMnist, MNIST_SITE_DIR } from './mnist-full';
import { formatValue } from './format';
import type { DisplayContent, FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker): void => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

/** The modules a cell may import, by specifier. */
function importModule(spec: string): unknown {
  if (/^(\.{1,2}\/)+lib(\/index(\.ts)?)?$/.test(spec)) return lib;
  if (spec === '@tensorflow/tfjs' || spec === '@tensorflow/tfjs-core') return tf;
  throw new Error(`Cannot find module '${spec}': in the browser the kernel provides './lib/index' (the book's library) and '@tensorflow/tfjs'`);
}

// console → the cell's output streams.
for (const [method, name] of [['log', 'stdout'], ['info', 'stdout'], ['debug', 'stdout'], ['warn', 'stderr'], ['error', 'stderr']] as const) {
  (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) =>
    post({ type: 'stream', name, text: args.map((a) => (typeof a === 'string' ? a : formatValue(a))).join(' ') + '\n' });
}

// The library's show, showDigits, liveFigure … → display messages.
function displayId(): string {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
lib.setDisplaySink(() => ({
  open(live) {
    const id = live ? displayId() : undefined;
    let sent = false;
    return {
      send(data) {
        const content: DisplayContent = { data, metadata: {}, transient: id ? { display_id: id } : {} };
        post({ type: sent && id ? 'update_display_data' : 'display_data', content });
        sent = true;
      },
    };
  },
}));

// Interrupts: a flag shared with the page when it is cross-origin isolated (read even while a cell computes),
// else set by a message (read when the cell yields, once per training step).
let sharedFlag: Int32Array | undefined;
let messageFlag = false;
class Interrupted extends Error {
  constructor() {
    super('the computation was interrupted');
    this.name = 'Interrupted';
  }
}
lib.setInterruptCheck(() => {
  const asked = messageFlag || (sharedFlag !== undefined && Atomics.load(sharedFlag, 0) !== 0);
  if (!asked) return;
  messageFlag = false;
  if (sharedFlag) Atomics.store(sharedFlag, 0, 0);
  throw new Interrupted();
});

let cellCount = 0;
let announced = false;
let backendLine = '';

/** The cell's TypeScript line of the first stack frame inside it, if any. */
function cellLine(err: unknown, name: string, compiled: CompiledCell): number | undefined {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  const m = new RegExp(`${name.replace('.', '\\.')}:(\\d+):\\d+`).exec(stack);
  if (!m) return undefined;
  return compiled.lineOf[Number(m[1])] ?? undefined;
}

function errorReply(id: number, err: unknown, source: string, line: number | undefined): FromWorker {
  const ename = err instanceof Error ? err.name : 'Error';
  const evalue = err instanceof Error ? err.message : String(err);
  const traceback = [`\x1b[31m${ename}\x1b[0m: ${evalue}`];
  if (line !== undefined) traceback.push(`    at line ${line} of the cell: ${(source.split('\n')[line - 1] ?? '').trim()}`);
  return { type: 'reply', id, status: 'error', ename, evalue, traceback };
}

async function execute(id: number, source: string): Promise<void> {
  if (!announced) {
    announced = true;
    post({ type: 'stream', name: 'stderr', text: `TypeScript kernel in the browser, TF.js backend: ${backendLine}\n` });
  }
  const name = `cell-${++cellCount}.js`;
  let compiled: CompiledCell;
  try {
    compiled = compileCell(ts, source, name.replace(/\.js$/, '.ts'));
  } catch (e) {
    post(errorReply(id, e, source, e instanceof CellSyntaxError ? e.line : undefined));
    return;
  }
  messageFlag = false;
  try {
    // Indirect eval: the cell runs in the worker's global scope, where the earlier cells' names live.
    const fn = (0, eval)(`${compiled.code}\n//# sourceURL=${name}`) as (imp: (spec: string) => unknown) => Promise<unknown>;
    const value = await fn(importModule);
    if (value !== undefined) post({ type: 'result', id, data: { 'text/plain': formatValue(value) } });
    post({ type: 'reply', id, status: 'ok' });
  } catch (e) {
    post(errorReply(id, e, source, cellLine(e, name, compiled)));
  }
}

async function init(baseUrl: string, profile: string): Promise<void> {
  // The run profile of the site (lib/training/profile.ts reads process.env.VAE_PROFILE).
  (globalThis as { process?: unknown }).process = { env: { VAE_PROFILE: profile } };
  const response = await fetch(`${baseUrl}digits.bin.gz`);
  if (!response.ok) throw new Error(`cannot fetch the digits (${baseUrl}digits.bin.gz): HTTP ${response.status}`);
  const digits = unpackDigits(gunzipSync(new Uint8Array(await response.arrayBuffer())));
  lib.setEmbeddedDigits(() => digits);
  // The full MNIST (bookData in the full profile): fetched, checked and kept the first time a cell asks for it.
  let full: { train: Dataset; test: Dataset } | undefined;
  lib.registerDataSource('mnist-full', () => (full ??= loadSiteMnist(`${baseUrl}${MNIST_SITE_DIR}/`)));
  lib.setWasmLocation(baseUrl);
  backendLine = lib.describeBackend(await lib.initBackend());
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.type === 'init') {
    if (m.interruptFlag) sharedFlag = new Int32Array(m.interruptFlag);
    init(m.baseUrl, m.profile).then(
      () => post({ type: 'ready', banner: `TypeScript (tslab-style) in the browser; TF.js ${tf.version.tfjs}, ${backendLine}` }),
      (e: Error) => post({ type: 'init-error', message: e.message }),
    );
  } else if (m.type === 'execute') {
    void execute(m.id, m.code);
  } else if (m.type === 'interrupt') {
    messageFlag = true;
  }
};
