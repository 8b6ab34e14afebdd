"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The library's design, checked: no import cycles between files, the folders form layers (each imports only
// the folders below it), and the backend layer imports nothing of the rest of the library.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const LIB = path.resolve(__dirname, '..', 'lib');
/** Every .ts file under lib/, relative to lib/, with the lib files it imports (type-only imports included). */
function importGraph() {
    const graph = new Map();
    const visit = (dir) => {
        for (const name of fs.readdirSync(dir).sort()) {
            const file = path.join(dir, name);
            if (fs.statSync(file).isDirectory())
                visit(file);
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
function findCycle(graph) {
    const state = new Map();
    const stack = [];
    const dfs = (node) => {
        state.set(node, 'open');
        stack.push(node);
        for (const next of graph.get(node) ?? []) {
            if (state.get(next) === 'open')
                return [...stack.slice(stack.indexOf(next)), next];
            if (!state.has(next)) {
                const c = dfs(next);
                if (c)
                    return c;
            }
        }
        stack.pop();
        state.set(node, 'done');
        return undefined;
    };
    for (const node of graph.keys()) {
        if (!state.has(node)) {
            const c = dfs(node);
            if (c)
                return c;
        }
    }
    return undefined;
}
const folderOf = (file) => (file.includes('/') ? file.split('/')[0] : '.');
(0, node_test_1.test)('lib/ has no import cycle between files', () => {
    const graph = importGraph();
    strict_1.default.ok(graph.size > 40, `read ${graph.size} files`);
    const cycle = findCycle(graph);
    strict_1.default.equal(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
});
(0, node_test_1.test)('lib/ folders form layers: no cycle between folders', () => {
    const folders = new Map();
    for (const [file, deps] of importGraph()) {
        const from = folderOf(file);
        const list = folders.get(from) ?? [];
        for (const d of deps)
            if (folderOf(d) !== from && !list.includes(folderOf(d)))
                list.push(folderOf(d));
        folders.set(from, list);
    }
    const cycle = findCycle(folders);
    strict_1.default.equal(cycle, undefined, `folders import each other: ${cycle?.join(' → ')}`);
});
(0, node_test_1.test)('the backend layer imports nothing above it, and the model layer nothing but itself', () => {
    for (const [file, deps] of importGraph()) {
        const layer = folderOf(file);
        if (layer !== 'backend' && layer !== 'model')
            continue;
        for (const d of deps)
            strict_1.default.equal(folderOf(d), layer, `${file} imports ${d}`);
    }
});
(0, node_test_1.test)('the cycle check can fail', () => {
    strict_1.default.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
});
