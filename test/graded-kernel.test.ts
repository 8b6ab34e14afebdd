// scripts/grading/graded-kernel.js: tslab compiling cells without types, as a graded kernel does. The cells run in
// a child process through tslab's own converter and executor (what its kernel does with a cell), without Jupyter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Runs `cells` one after the other in a fresh tslab executor (untyped unless `typed`); what each printed and whether it ran. */
function runCells(cells: string[], typed = false): { ok: boolean; out: string[]; err: string[] }[] {
  const program = `
    const path = require('path');
    const root = ${JSON.stringify(ROOT)};
    if (!${typed}) require(path.join(root, 'scripts', 'grading', 'graded-kernel.js')).compileWithoutTypes();
    const dist = path.dirname(require.resolve('tslab/dist/main.js', { paths: [root] }));
    const { createConverter } = require(path.join(dist, 'converter.js'));
    const { createExecutor } = require(path.join(dist, 'executor.js'));
    const node = createConverter({ isJS: false, isBrowser: false });
    const results = [];
    let current;
    const log = (...a) => { current.out.push(a.map(String).join(' ')); };
    const error = (...a) => { current.err.push(require('util').format(...a)); };
    console.log = log;
    const ex = createExecutor(root, { node, browser: node, close() {} }, { log, error });
    (async () => {
      for (const src of ${JSON.stringify(cells)}) {
        current = { out: [], err: [] };
        current.ok = await ex.execute(src);
        results.push(current);
      }
      process.stdout.write(JSON.stringify(results));
      process.exit(0);
    })();`;
  const r = spawnSync(process.execPath, ['-e', program], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { ok: boolean; out: string[]; err: string[] }[];
}

test('untyped cells: a type error runs, a syntax error fails as in tslab, names, top-level await and imports work across cells', () => {
  const [typeError, nextCell, awaited, syntax, missing, importOnly, grammar, helper, caller] = runCells([
    // TS2322 with types: the cell would not run.
    "const n: number = 'seven' as any as string; console.log(typeof n, n);",
    "const m = n + '!'; console.log(m);",
    'const v = await Promise.resolve(42); console.log(v * 2);',
    'let broken = (;',
    'console.log(notDefinedAnywhere);',
    // Tensor2D is a type, but without declarations TypeScript cannot tell: the import stays and TF.js loads (with
    // types it would be elided). Harmless for a module that exists at run time; the cell runs.
    "import { Tensor2D } from '@tensorflow/tfjs'; let t: Tensor2D | undefined; console.log(Object.keys(require.cache).some((k) => k.includes('tfjs-core')));",
    // A grammar error the checker reports (code 1108): still a compile error.
    'function f() {} \nbreak;',
    // Types the cell cannot resolve (no lib, no @types) in a declaration: the next cell still knows the function
    // (tslab turns a call from inside a function into `exports.lerp`; without the declaration, a ReferenceError).
    'function lerp(a: ArrayLike<number>, b: Buffer): Float32Array { return new Float32Array([a[0] * 2]); }',
    'function twice(x: number): number { return lerp([x], undefined as any)[0]; }\nconsole.log(twice(21));',
  ]);
  assert.deepEqual(typeError, { ok: true, out: ['string seven'], err: [] });
  assert.deepEqual(nextCell.out, ['seven!']);
  assert.deepEqual(awaited.out, ['84']);
  assert.equal(syntax.ok, false);
  assert.match(syntax.err.join('\n'), /^1:\d+ - Expression expected\./m);
  // No compile-time "Cannot find name": the cell runs and fails at run time.
  assert.equal(missing.ok, false);
  assert.match(missing.err.join('\n'), /ReferenceError: notDefinedAnywhere is not defined/);
  assert.doesNotMatch(missing.err.join('\n'), /Cannot find name/);
  assert.deepEqual(importOnly, { ok: true, out: ['true'], err: [] });
  assert.equal(grammar.ok, false);
  assert.match(grammar.err.join('\n'), /^2:1 - A 'break' statement can only be used within an enclosing iteration or switch statement\./m);
  assert.deepEqual(helper, { ok: true, out: [], err: [] });
  assert.deepEqual(caller, { ok: true, out: ['42'], err: [] });
});

test('typed cells (tslab as JupyterLab runs it): the same type error fails its cell', () => {
  const [typeError] = runCells(["const n: number = 'seven' as any as string; console.log(typeof n, n);"], true);
  assert.equal(typeError.ok, false);
  assert.match(typeError.err.join('\n'), /Type 'string' is not assignable to type 'number'/);
});
