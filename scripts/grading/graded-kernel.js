#!/usr/bin/env node
// @ts-check
// A graded submission's kernel: the project's tslab kernel (scripts/jupyter/tslab-kernel.js), whose cells are
// compiled without type information. scripts/grading/sandbox.ts starts this file unless the grader was asked to
// type-check (`npm run grade -- --type-check`); JupyterLab and the book start tslab-kernel.js itself, unchanged.
//
//   node scripts/grading/graded-kernel.js kernel --config-path CONNECTION_FILE
//
// Why: tslab type-checks every cell against the whole declaration world a notebook imports (TypeScript's lib,
// @types/node, @tensorflow/tfjs: hundreds of files), parsed again in every kernel and rebuilt twice per cell.
// That was about 4.2 of the 4.6 CPU seconds of a graded 03-vae kernel, running the cells 0.24; without types the
// kernel takes 0.7 (scripts/bench/grade-kernel.ts; exercises/README.md, "A class, and a class larger than one machine"). Types change nothing at run time, so a graded kernel compiles the
// way `ts.transpileModule` does: no lib, no imported declarations, no @types (`noLib`, `noResolve`, `types: []`).
// tslab's own steps (each cell's declarations become the next cell's `__prev__.d.ts`, top-level `await`, the last
// expression's value) work as before.
//
// What a cell still reports: syntax errors and TypeScript's grammar errors (codes below 2000, e.g. `await` where it
// is not allowed), in tslab's words, so such a cell fails as in JupyterLab. Type errors (codes 2000 and up) are not
// reported: the cell runs, and its answers are graded by what they do; a name that does not exist fails at run time
// (ReferenceError) instead of at compile time. Without declarations TypeScript cannot tell a type from a value, so an
// import used only as a type is kept (`import { Tensor2D } from '@tensorflow/tfjs'` loads TF.js): harmless for a
// module that exists at run time, as every module of the view does.
//
// How: tslab reads TypeScript through require('@tslab/typescript-for-tslab'); this file puts a Proxy of that module
// in require's cache first, which changes the compiler options of tslab's watch program and which diagnostics a cell
// gets. Nothing else of TypeScript or tslab is touched. test/graded-kernel.test.ts runs cells through it.
'use strict';
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

/** The compiler options added to tslab's: the cell alone, as ts.transpileModule compiles it. */
const UNTYPED = { noLib: true, noResolve: true, types: [] };

/** Diagnostics kept: syntax (the parser's) and grammar (the checker's, codes 1000–1999); no type errors. */
const GRAMMAR_BELOW = 2000;

/** The file of the TypeScript that tslab loads (its own 5.0 build, not the project's). */
function tslabTypeScriptPath() {
  const tslabMain = require.resolve('tslab/dist/main.js', { paths: [root] });
  return require.resolve('@tslab/typescript-for-tslab', { paths: [path.dirname(tslabMain)] });
}

/**
 * Makes tslab, loaded after this, compile cells without types (the options and diagnostics above). Call before
 * tslab loads; the Proxy stays for the process.
 */
function compileWithoutTypes() {
  const tsPath = tslabTypeScriptPath();
  /** @type {typeof import('typescript')} */
  const ts = require(tsPath);
  for (const name of ['createWatchCompilerHost', 'getPreEmitDiagnosticsOfFiles']) {
    // tslab 1.0.22 calls both (its converter.js); a tslab that does not would compile with types, silently.
    if (typeof (/** @type {Record<string, unknown>} */ (/** @type {unknown} */ (ts)))[name] !== 'function') {
      throw new Error(`graded-kernel: @tslab/typescript-for-tslab ${ts.version} has no ${name}; grade with --type-check`);
    }
  }
  /** @type {Record<string, Function>} */
  const overrides = {
    createWatchCompilerHost: (/** @type {unknown[]} */ ...args) => {
      const [rootFiles, options, system, , ...rest] = args;
      return /** @type {Function} */ (ts.createWatchCompilerHost)(rootFiles, { .../** @type {object} */ (options), ...UNTYPED }, system, declarationsAlways, ...rest);
    },
    getPreEmitDiagnosticsOfFiles: (/** @type {import('typescript').Program} */ program, /** @type {import('typescript').SourceFile[]} */ files) => {
      const out = [];
      for (const f of files) {
        out.push(...program.getSyntacticDiagnostics(f));
        out.push(...program.getSemanticDiagnostics(f).filter((d) => d.code < GRAMMAR_BELOW));
      }
      return out;
    },
  };
  /**
   * tslab's builder program (TypeScript's default for a watch host), whose declarations are written even when the
   * declaration emitter reports errors. Without types it reports one for every name it cannot resolve (`ArrayLike`,
   * `Float32Array`, `Buffer`) and, blocked, writes no declarations for the cell: its functions would be unknown to
   * the next cells (a function calling another cell's function fails with a ReferenceError). `forceDtsEmit`, the
   * last argument of Program.emit, writes them as they are spelled.
   * @type {typeof import('typescript').createEmitAndSemanticDiagnosticsBuilderProgram}
   */
  const declarationsAlways = (...args) => {
    const builder = ts.createEmitAndSemanticDiagnosticsBuilderProgram(...args);
    const program = /** @type {{ emit: Function }} */ (/** @type {unknown} */ (builder.getProgram()));
    const emit = program.emit;
    program.emit = (/** @type {unknown[]} */ ...a) => emit(a[0], a[1], a[2], a[3], a[4], true);
    return builder;
  };
  const proxy = new Proxy(ts, { get: (target, p, receiver) => (typeof p === 'string' && p in overrides ? overrides[p] : Reflect.get(target, p, receiver)) });
  const cached = require.cache[tsPath];
  if (!cached) throw new Error(`graded-kernel: ${tsPath} did not load`);
  cached.exports = proxy;
}

module.exports = { compileWithoutTypes, tslabTypeScriptPath, UNTYPED, GRAMMAR_BELOW };

if (require.main === module) {
  compileWithoutTypes();
  require(path.join(root, 'scripts', 'jupyter', 'tslab-kernel.js'));
}
