import * as ts from 'typescript';
import { compileCell } from '../lite/kernel/cell';
const src = `import { a, b as c } from './lib/index';
import * as tf from '@tensorflow/tfjs';
interface Foo { x: number }
type Bar = string;
const { p, q: [r] } = { p: 1, q: [2] } as any;
let n: number = 3;
function f(x: number): number {
  return x + n;
}
await Promise.resolve(1);
throw new Error('boom ' + f(p));
`;
const c = compileCell(ts, src);
console.log(c.code); console.log(c.lineOf);
const src2 = `const x: number = 41;\nx + 1`;
console.log(compileCell(ts, src2).code);
try { compileCell(ts, 'const = 3;\nfoo(') } catch (e) { console.log(String(e), (e as any).line) }
