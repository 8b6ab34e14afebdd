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
// scripts/jupyter/execute_notebook.py (its exit-status and report contract) on tiny notebooks written here, with the real tslab kernel.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const ROOT = path.resolve(__dirname, '..');
const PY = path.join(ROOT, '.venv', 'bin', 'python');
const EXECUTOR = path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py');
const KERNEL = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
const ready = fs.existsSync(PY) && fs.existsSync(KERNEL);
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exec-nb-'));
function writeNotebook(name, cells) {
    const nb = {
        cells: cells.map((c, i) => c.md !== undefined
            ? { cell_type: 'markdown', id: `c${i}`, metadata: {}, source: c.md }
            : {
                cell_type: 'code',
                id: `c${i}`,
                metadata: c.tags ? { tags: c.tags } : {},
                source: c.code ?? '',
                outputs: [],
                execution_count: null,
            }),
        metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
        nbformat: 4,
        nbformat_minor: 5,
    };
    const file = path.join(dir, `${name}.ipynb`);
    fs.writeFileSync(file, JSON.stringify(nb));
    return file;
}
function run(nbFile, ...extra) {
    const out = nbFile.replace(/\.ipynb$/, '.out.ipynb');
    const reportFile = nbFile.replace(/\.ipynb$/, '.report.json');
    fs.rmSync(reportFile, { force: true });
    const r = (0, node_child_process_1.spawnSync)(PY, [EXECUTOR, nbFile, '--out', out, '--report', reportFile, ...extra], {
        encoding: 'utf8',
        timeout: 120000,
    });
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : undefined;
    return { status: r.status, stderr: r.stderr, report, out };
}
function outputsOf(outFile, cellIndex) {
    const nb = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    return nb.cells[cellIndex].outputs ?? [];
}
const textOf = (o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '');
(0, node_test_1.test)('a notebook that runs: exit 0, outputs kept (stdout, env, plotly JSON object)', { skip }, () => {
    const nb = writeNotebook('ok', [
        { md: '# title' },
        { code: 'const a: number = 20 + 22;\nconsole.log(`answer ${a} ${process.env.EXEC_TEST_VAR}`);' },
        {
            code: "import * as tslab from 'tslab';\n" +
                "(tslab.display.raw as (t: string, v: unknown) => void)('application/vnd.plotly.v1+json', { data: [{ y: [1, 2] }], layout: {} });",
            tags: ['plot'],
        },
        // The kernel runs in the project root (scripts/jupyter/tslab-kernel.js) even for a notebook outside it.
        { code: "import { pick } from './lib/index';\nconsole.log(pick({ quick: 'q', full: 'f' }), process.cwd(), process.env.VAE_NOTEBOOK_DIR);" },
    ]);
    const r = run(nb, '--env', 'EXEC_TEST_VAR=from-env', '--env', 'VAE_PROFILE=quick', '--timeout', '60');
    strict_1.default.equal(r.status, 0, r.stderr);
    strict_1.default.equal(r.report?.ok, true);
    strict_1.default.deepEqual(r.report?.cells.map((c) => [c.index, c.status]), [[2, 'ok'], [3, 'ok'], [4, 'ok']]);
    strict_1.default.equal(textOf(outputsOf(r.out, 3)[0]), `q ${ROOT} ${dir}\n`);
    strict_1.default.equal(textOf(outputsOf(r.out, 1)[0]), 'answer 42 from-env\n');
    const plot = outputsOf(r.out, 2).find((o) => o.output_type === 'display_data');
    strict_1.default.deepEqual(plot?.data?.['application/vnd.plotly.v1+json'], { data: [{ y: [1, 2] }], layout: {} });
});
(0, node_test_1.test)('a failing cell: exit 1, stderr and report name the cell, later cells skipped', { skip }, () => {
    const nb = writeNotebook('error', [
        { md: 'intro' },
        { code: 'console.log("first");' },
        { code: "throw new RangeError('boom in cell three');", tags: ['broken'] },
        { code: 'console.log("never");' },
    ]);
    const r = run(nb, '--timeout', '60');
    strict_1.default.equal(r.status, 1);
    strict_1.default.match(r.stderr, /error\.ipynb: cell 3 \(#broken\): RangeError: boom in cell three/);
    strict_1.default.equal(r.report?.ok, false);
    strict_1.default.deepEqual(r.report?.cells.map((c) => c.status), ['ok', 'error', 'skipped']);
    strict_1.default.equal(r.report?.cells[1].ename, 'RangeError');
});
(0, node_test_1.test)('a TypeScript compile error is reported with its message', { skip }, () => {
    const nb = writeNotebook('tserror', [{ code: "const n: number = 'text';" }]);
    const r = run(nb, '--timeout', '60');
    strict_1.default.equal(r.status, 1);
    strict_1.default.match(r.stderr, /cell 1 .*TypeScriptError: Type 'string' is not assignable to type 'number'/);
});
(0, node_test_1.test)('an infinite loop is killed at the cell timeout; with --allow-errors a fresh kernel runs the rest', { skip }, () => {
    const nb = writeNotebook('loop', [
        { code: 'let before = 1;' },
        { code: 'while (true) {}' },
        { code: 'console.log("after");' },
        { code: 'console.log(before);' },
    ]);
    const t0 = Date.now();
    const r = run(nb, '--timeout', '4', '--allow-errors');
    strict_1.default.ok(Date.now() - t0 < 60000, 'the executor returned in time');
    strict_1.default.equal(r.status, 1);
    strict_1.default.match(r.stderr, /loop\.ipynb: cell 2 \(while \(true\) \{\}\): Timeout: cell ran longer than 4 s/);
    strict_1.default.deepEqual(r.report?.cells.map((c) => c.status), ['ok', 'timeout', 'ok', 'error']);
    strict_1.default.equal(textOf(outputsOf(r.out, 2)[0]), 'after\n');
    // Cells 3 and 4 ran in a new kernel: `before` from cell 1 is gone, and the report says so.
    strict_1.default.match(r.stderr, /cell 4 \(console\.log\(before\);\): TypeScriptError: Cannot find name 'before'/);
});
(0, node_test_1.test)('a cell that eats memory is killed by the watchdog (--memory-mb)', { skip }, () => {
    const nb = writeNotebook('memory', [
        { code: 'const hog: number[][] = [];\nfor (let i = 0; i < 1e9; i++) hog.push(new Array(100000).fill(i));' },
        { code: 'console.log("after");' },
    ]);
    const r = run(nb, '--timeout', '60', '--memory-mb', '400', '--allow-errors');
    strict_1.default.equal(r.status, 1);
    strict_1.default.deepEqual(r.report?.cells.map((c) => c.status), ['memory', 'ok']);
    strict_1.default.match(r.stderr, /cell 1 .*MemoryLimit: kernel used more than 400 MB/);
});
(0, node_test_1.test)('the global wall limit stops a notebook whose cells are each within their timeout', { skip }, () => {
    const nb = writeNotebook('wall', [
        // The kernel's start counts too (a few seconds on a busy machine): cell 1 ends around 7-9 s.
        { code: 'await new Promise((r) => setTimeout(r, 6000));' },
        { code: 'await new Promise((r) => setTimeout(r, 6000));' },
        { code: 'console.log("late");' },
    ]);
    const r = run(nb, '--timeout', '60', '--total-timeout', '11');
    strict_1.default.equal(r.status, 1);
    strict_1.default.deepEqual(r.report?.cells.map((c) => c.status), ['ok', 'timeout', 'skipped']);
    strict_1.default.match(r.report?.error ?? '', /global time limit of 11 s/);
});
(0, node_test_1.test)('set-up problems exit 2 with a clear message: invalid JSON, unknown kernel', { skip }, () => {
    const bad = path.join(dir, 'bad.ipynb');
    fs.writeFileSync(bad, '{"cells": [');
    const r1 = run(bad);
    strict_1.default.equal(r1.status, 2);
    strict_1.default.match(r1.stderr, /bad\.ipynb: not a valid notebook: invalid JSON at line 1/);
    const notNb = path.join(dir, 'not-notebook.ipynb');
    fs.writeFileSync(notNb, '[1, 2]');
    const r2 = run(notNb);
    strict_1.default.equal(r2.status, 2);
    strict_1.default.match(r2.stderr, /not a valid notebook: expected a JSON object with a 'cells' list/);
    const ok = writeNotebook('kernelless', [{ code: '1' }]);
    const r3 = run(ok, '--kernel', 'no-such-kernel');
    strict_1.default.equal(r3.status, 2);
    strict_1.default.match(r3.stderr, /kernel 'no-such-kernel' is not installed .*run `npm run setup`/);
});
