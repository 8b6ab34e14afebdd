#!/usr/bin/env node
// The project's Jupyter kernel: tslab, started with the project root as its working directory.
//
// Why: tslab compiles every cell with TypeScript `rootDir` = the kernel's working directory (tslab
// converter.js), and Jupyter starts a kernel in the notebook's folder. A notebook in notebooks/ importing
// '../lib' then fails with "File '…/lib/model/vae.ts' is not under 'rootDir' '…/notebooks'". Started from the
// project root, every notebook run with this kernel (notebooks/, exercises/, a submission anywhere on
// disk) imports the library the same way, `import { createVAE } from './lib/index';`, and relative file
// paths in cells are relative to the root. The notebook's own folder stays available as
// process.env.VAE_NOTEBOOK_DIR.
//
// VAE_KERNEL_TYPES=off (what the book's build sets; notebooks/README.md, "Types"): the cells are compiled without types, as a
// graded kernel compiles them (scripts/grading/graded-kernel.js), and the project's .ts files are transpiled one by
// one as Node requires them. With types, tslab type-checks and emits the whole import closure of './lib/index' in
// every kernel, which is most of a notebook's first cell; types change nothing at run time, and the notebooks'
// test runs them with types, in the kernel a reader's JupyterLab starts.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

/**
 * Makes `require` load .ts files: each transpiled alone by `ts` (tslab's own TypeScript), with the options tslab
 * emits imported files with (tslab converter.js: ES2022 on Node 18 and later, esModuleInterop, CommonJS).
 * @param {typeof import('typescript')} ts
 */
function transpileTypeScriptOnRequire(ts) {
  const compilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.React,
    newLine: ts.NewLineKind.LineFeed,
  };
  require.extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const out = ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: true });
    const syntax = (out.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
    if (syntax) {
      const where = syntax.file && syntax.start !== undefined ? syntax.file.getLineAndCharacterOfPosition(syntax.start) : undefined;
      const at = where ? `${filename}:${where.line + 1}:${where.character + 1}` : filename;
      throw new SyntaxError(`${at}: ${ts.flattenDiagnosticMessageText(syntax.messageText, '\n')}`);
    }
    /** @type {{ _compile(code: string, file: string): void }} */ (/** @type {unknown} */ (module))._compile(out.outputText, filename);
  };
}

if (process.env.VAE_KERNEL_TYPES === 'off') {
  const { compileWithoutTypes, tslabTypeScriptPath } = require(path.join(root, 'scripts', 'grading', 'graded-kernel.js'));
  compileWithoutTypes();
  transpileTypeScriptOnRequire(require(tslabTypeScriptPath()));
}
if (!process.env.VAE_NOTEBOOK_DIR) process.env.VAE_NOTEBOOK_DIR = process.cwd();
process.chdir(root);
require(require.resolve('tslab/dist/main.js', { paths: [root] })).main();
