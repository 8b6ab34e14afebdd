// lite/kernel/cell.ts, the JupyterLite kernel's compiler of a cell, run here in Node as the worker runs it:
// types stripped, imports from the kernel's modules, top-level names kept for the next cells, the last
// expression's value returned, and each JavaScript line mapped back to the cell's TypeScript line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ts from 'typescript';
import { compileCell, CellSyntaxError } from '../lite/kernel/cell';

type CellFn = (imp: (spec: string) => unknown) => Promise<unknown>;
const run = (source: string, modules: Record<string, unknown> = {}): Promise<unknown> =>
  ((0, eval)(compileCell(ts, source).code) as CellFn)((spec) => {
    if (!(spec in modules)) throw new Error(`no module ${spec}`);
    return modules[spec];
  });
const g = globalThis as Record<string, unknown>;

test('a cell: types stripped, top-level await, imports and declarations kept for the next cells, the last value returned', async () => {
  const lib = { double: (x: number) => 2 * x, answer: 21 };
  const value = await run(
    [
      "import { double, answer as a } from './lib/index';",
      "import * as whole from './lib/index';",
      'interface P { x: number }',
      'const p: P = { x: await Promise.resolve(a) };',
      'let n = 0;',
      'for (let i = 0; i < 3; i++) n += i;',
      'function twice(v: number): number { return double(v); }',
      'class Box { constructor(readonly v: number) {} }',
      'twice(p.x) + n',
    ].join('\n'),
    { './lib/index': lib },
  );
  assert.equal(value, 45);
  assert.equal(await run('twice(n) + new Box(1).v + whole.answer + a'), 6 + 1 + 21 + 21, 'names of the first cell, in the second');
  assert.equal(g.n, 3, 'a let keeps its final value');
  assert.equal(await run('const n = 10;\nn'), 10, 'a cell may declare a name again');
  assert.equal(await run('n = n + 1;\nundefined'), undefined);
  assert.equal(g.n, 11);
  for (const k of ['double', 'a', 'whole', 'p', 'n', 'twice', 'Box']) delete g[k];
});

test('errors: the JavaScript line of a throw maps to the cell line; a syntax error names its line', () => {
  const source = ['type T = { a: number };', '', 'interface U {', '  b: string;', '}', 'const x: T = { a: 1 };', "throw new Error('here');"].join('\n');
  const c = compileCell(ts, source);
  const body = c.code.split('\n');
  const jsLine = body.findIndex((l) => l.includes("throw new Error('here')")) + 1;
  assert.equal(c.lineOf[jsLine], 7);
  assert.throws(() => compileCell(ts, 'const a = 1;\nconst = 2;'), (e: unknown) => e instanceof CellSyntaxError && e.line === 2);
});
