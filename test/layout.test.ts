// The library's design, checked: no import cycles between files, the folders form layers (each imports only
// the folders below it), and the backend layer imports nothing of the rest of the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB = path.resolve(__dirname, '..', 'lib');

/** Every .ts file under lib/, relative to lib/, with the lib files it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) visit(file);
      else if (name.endsWith('.ts')) {
        const src = fs.readFileSync(file, 'utf8');
        const deps = [...src.matchAll(/(?:from|import|require)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => {
          const target = path.resolve(path.dirname(file), m[1]);
          const ts = fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
          return path.relative(LIB, ts);
        });
        graph.set(path.relative(LIB, file), deps);
      }
    }
  };
  visit(LIB);
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const dfs = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const c = dfs(next);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const c = dfs(node);
      if (c) return c;
    }
  }
  return undefined;
}

const folderOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : '.');

test('lib/ has no import cycle between files', () => {
  const graph = importGraph();
  assert.ok(graph.size > 40, `read ${graph.size} files`);
  const cycle = findCycle(graph);
  assert.equal(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
});

test('lib/ folders form layers: no cycle between folders', () => {
  const folders = new Map<string, string[]>();
  for (const [file, deps] of importGraph()) {
    const from = folderOf(file);
    const list = folders.get(from) ?? [];
    for (const d of deps) if (folderOf(d) !== from && !list.includes(folderOf(d))) list.push(folderOf(d));
    folders.set(from, list);
  }
  const cycle = findCycle(folders);
  assert.equal(cycle, undefined, `folders import each other: ${cycle?.join(' → ')}`);
});

test('the backend layer imports nothing above it, and the model layer nothing but itself', () => {
  for (const [file, deps] of importGraph()) {
    const layer = folderOf(file);
    if (layer !== 'backend' && layer !== 'model') continue;
    for (const d of deps) assert.equal(folderOf(d), layer, `${file} imports ${d}`);
  }
});

test('the cycle check can fail', () => {
  assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
});
