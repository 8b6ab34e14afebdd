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
// The five notebooks: stored clean (no outputs, no execution counts) with the tags the chapters embed, and
// executed top to bottom by the real tslab kernel through scripts/jupyter/execute_notebook.py (VAE_PROFILE=quick).
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const ROOT = path.resolve(__dirname, '..');
const NB_DIR = path.join(ROOT, 'notebooks');
const PY = path.join(ROOT, '.venv', 'bin', 'python');
const KERNEL = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
const ready = fs.existsSync(PY) && fs.existsSync(KERNEL);
const skipRun = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
/** The tagged cells the book embeds ({{notebook name#tag}} in chapters/). */
const TAGS = {
    '01-autoencoder': ['train-ae', 'reconstructions', 'code-scatter', 'random-decodes'],
    '02-reparameterization': ['reparam-demo', 'gradient-variance'],
    '03-kl-term': ['kl-mc', 'scatter-kl', 'beta-sweep'],
    '04-training': ['train-vae', 'test-metrics'],
    '05-generation': ['prior-samples', 'interpolation', 'latent-grid', 'latent-scatter'],
};
const PLOTLY = 'application/vnd.plotly.v1+json';
const joined = (s) => (Array.isArray(s) ? s.join('') : s ?? '');
const readNb = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
(0, node_test_1.test)('the notebooks folder holds exactly the five notebooks', () => {
    const found = fs.readdirSync(NB_DIR).filter((f) => f.endsWith('.ipynb')).sort();
    strict_1.default.deepEqual(found, Object.keys(TAGS).map((n) => `${n}.ipynb`));
});
for (const [name, tags] of Object.entries(TAGS)) {
    (0, node_test_1.test)(`${name}: stored without outputs or execution counts, tslab kernel, the book's tags, intro and summary`, () => {
        const nb = readNb(path.join(NB_DIR, `${name}.ipynb`));
        strict_1.default.equal(nb.metadata.kernelspec?.name, 'tslab');
        nb.cells.forEach((c, i) => {
            if (c.cell_type !== 'code')
                return;
            strict_1.default.deepEqual(c.outputs, [], `${name}: cell ${i + 1} is stored with outputs`);
            strict_1.default.equal(c.execution_count, null, `${name}: cell ${i + 1} is stored with an execution count`);
        });
        for (const tag of tags) {
            const cells = nb.cells.filter((c) => c.metadata.tags?.includes(tag));
            strict_1.default.equal(cells.length, 1, `${name}: expected one cell tagged '${tag}', found ${cells.length}`);
            strict_1.default.equal(cells[0].cell_type, 'code', `${name}: the cell tagged '${tag}' is not a code cell`);
        }
        const first = nb.cells[0];
        strict_1.default.equal(first.cell_type, 'markdown');
        strict_1.default.match(joined(first.source), /^# /, `${name}: the first cell should be a '# Title' markdown cell`);
        const lastMd = joined(nb.cells[nb.cells.length - 1].source);
        strict_1.default.match(lastMd, /## Summary/, `${name}: the last cell should hold the summary`);
        strict_1.default.match(lastMd, /exercises\//, `${name}: the summary should point to the exercises`);
        const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => joined(c.source)).join('\n');
        strict_1.default.match(code, /describeBackend/, `${name}: should show the backend`);
        strict_1.default.match(code, /from '\.\/lib\/index'/, `${name}: should import the library`);
    });
}
(0, node_test_1.test)('lib/ compiles with the compiler options tslab uses for notebook imports (not strict)', () => {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = (0, node_child_process_1.spawnSync)(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.tslab.json')], { encoding: 'utf8', cwd: ROOT });
    strict_1.default.equal(r.status, 0, `tsc -p tsconfig.tslab.json failed (a notebook importing lib/ would fail the same way):\n${r.stdout}${r.stderr}`);
});
/** Runs the executor on one notebook (async, so two notebooks can run side by side on 2 cores). */
function execute(name, outDir) {
    const out = path.join(outDir, `${name}.ipynb`);
    const t0 = Date.now();
    return new Promise((resolve) => {
        const child = (0, node_child_process_1.spawn)(PY, [path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py'), path.join(NB_DIR, `${name}.ipynb`), '--out', out,
            '--timeout', '240', '--total-timeout', '300', '--memory-mb', '3000', '--env', 'VAE_PROFILE=quick',
            '--report', path.join(outDir, `${name}.report.json`)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d.toString()));
        child.on('close', (status) => resolve({ name, status, stderr, seconds: (Date.now() - t0) / 1000, out }));
    });
}
(0, node_test_1.test)('every notebook runs top to bottom with the tslab kernel (quick profile) without error output', { skip: skipRun, timeout: 900000 }, async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'notebooks-'));
    const names = Object.keys(TAGS);
    const results = [];
    // Two at a time: this machine has 2 cores and each kernel is single-threaded.
    for (let i = 0; i < names.length; i += 2) {
        results.push(...(await Promise.all(names.slice(i, i + 2).map((n) => execute(n, outDir)))));
    }
    const failures = [];
    for (const r of results) {
        console.log(`# ${r.name}: exit ${r.status}, ${r.seconds.toFixed(1)} s`);
        if (r.status !== 0) {
            failures.push(`${r.name}: executor exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
            continue;
        }
        const nb = readNb(r.out);
        nb.cells.forEach((c, i) => {
            for (const o of c.outputs ?? []) {
                const label = `${r.name}.ipynb: cell ${i + 1}${c.metadata.tags ? ` (#${c.metadata.tags.join(',')})` : ''}`;
                if (o.output_type === 'error')
                    failures.push(`${label}: ${o.ename}: ${o.evalue}`);
                const text = joined(o.text);
                if (o.output_type === 'stream' && o.name === 'stderr' && /Error|Uncaught|Unhandled/.test(text)) {
                    failures.push(`${label}: stderr: ${text.trim().split('\n')[0]}`);
                }
            }
        });
        // Every tagged cell shows something (the book embeds these outputs).
        for (const tag of TAGS[r.name]) {
            const cell = nb.cells.find((c) => c.metadata.tags?.includes(tag));
            if (!cell?.outputs?.length)
                failures.push(`${r.name}: the cell tagged '${tag}' has no output`);
        }
    }
    strict_1.default.deepEqual(failures, [], failures.join('\n'));
    // The live training curve of 04 is ONE output, replaced in place, holding every step of the run.
    const nb04 = readNb(path.join(outDir, '04-training.ipynb'));
    const trainCell = nb04.cells.find((c) => c.metadata.tags?.includes('train-vae'));
    const plots = (trainCell?.outputs ?? []).filter((o) => o.data?.[PLOTLY] !== undefined);
    strict_1.default.equal(plots.length, 1, `04-training #train-vae: expected exactly one plotly output, found ${plots.length}`);
    const fig = plots[0].data?.[PLOTLY];
    const steps = Math.ceil(1000 / 128) * 2; // quick profile: 1,000 digits, batch 128, 2 epochs
    strict_1.default.ok(fig.data.length >= 3, 'loss, reconstruction and KL traces');
    for (const trace of fig.data) {
        strict_1.default.equal(trace.x.length, steps, `trace '${trace.name}' has one point per step (the last update was kept)`);
        strict_1.default.ok(trace.y.every((v) => Number.isFinite(v)), `trace '${trace.name}' holds finite numbers`);
    }
    // Other figures carry data too (spot check: every plotly output in every notebook has a non-empty trace).
    for (const r of results) {
        for (const c of readNb(r.out).cells) {
            for (const o of c.outputs ?? []) {
                const f = o.data?.[PLOTLY];
                if (f)
                    strict_1.default.ok(Array.isArray(f.data) && f.data.length > 0, `${r.name}: a plotly output without traces`);
            }
        }
    }
});
