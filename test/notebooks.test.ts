// The book's notebooks: stored clean (no outputs, no execution counts) with the tags the chapters embed, and executed top
// to bottom by the real tslab kernel through scripts/jupyter/execute_notebook.py (VAE_PROFILE=quick), two at a time,
// with a model cache of their own (so every model is trained by the notebook that needs it first, as on a fresh
// clone, and the notebooks that share a model load it from that cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const NB_DIR = path.join(ROOT, 'notebooks');
const PY = path.join(ROOT, '.venv', 'bin', 'python');
const KERNEL = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
const ready = fs.existsSync(PY) && fs.existsSync(KERNEL);
const skipRun = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;

/** The tagged cells the book embeds ({{notebook name#tag}} in chapters/). */
const TAGS: Record<string, string[]> = {
  '00-data': ['digits', 'independent-pixels'],
  '01-autoencoder': ['train-ae', 'reconstructions', 'code-scatter', 'random-decodes', 'ae-vs-vae', 'ae-vs-vae-chart'],
  '02-reparameterization': ['reparam-demo', 'gradient-variance'],
  '03-kl-term': ['kl-mc', 'scatter-kl', 'scatter-kl-table', 'true-posterior', 'elbo-gap', 'beta-sweep', 'beta-sweep-terms', 'beta-sweep-activity'],
  '04-training': [
    'train-vae', 'test-curve', 'test-metrics', 'samples', 'beta-sweep', 'beta-sweep-terms', 'beta-rate-distortion', 'beta-sweep-kl',
    'collapse', 'collapse-samples', 'ar-collapse', 'ar-samples',
  ],
  '05-generation': ['prior-samples', 'reference-reconstructions', 'interpolation', 'norms', 'interpolation-measured', 'temperature', 'latent-grid', 'latent-scatter', 'aggregate-posterior'],
  '06-beyond': ['classifier', 'conv-train', 'recognizability', 'conv-samples', 'conv-vs-dense', 'traversal', 'cvae', 'cvae-check', 'iwae-k'],
  '07-faq': ['latent-size', 'latent-size-elbo', 'latent-size-units', 'per-class'],
  '08-the-article': ['port', 'no-forward', 'fix-forward', 'fix-flatten', 'fix-head', 'unbounded', 'fix-logits', 'reduction', 'train-port', 'to-reference'],
};
/** Tagged cells the chapters embed for their code alone: they define classes and functions and print nothing. */
const DEFINITIONS: Record<string, string[]> = { '08-the-article': ['port'] };
/** Tagged cells that show their numbers for the chapters' claims (showResults: one application/json output). */
const RESULTS: Record<string, string[]> = {
  '02-reparameterization': ['gradient-variance'],
  '01-autoencoder': ['ae-vs-vae'],
  '03-kl-term': ['kl-mc', 'scatter-kl-table', 'elbo-gap', 'beta-sweep'],
  '04-training': ['train-vae', 'test-metrics', 'beta-sweep', 'collapse-samples', 'ar-collapse'],
  '05-generation': ['reference-reconstructions', 'norms', 'interpolation-measured', 'temperature', 'aggregate-posterior'],
  '06-beyond': ['classifier', 'recognizability', 'conv-vs-dense', 'traversal', 'cvae-check', 'iwae-k'],
  '07-faq': ['latent-size', 'per-class'],
  '08-the-article': ['no-forward', 'fix-forward', 'fix-flatten', 'fix-head', 'unbounded', 'fix-logits', 'reduction', 'train-port', 'to-reference'],
};
const PLOTLY = 'application/vnd.plotly.v1+json';

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: Output[];
  execution_count?: number | null;
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string; language?: string } };
}
const joined = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join('') : s ?? '');
const readNb = (file: string): Notebook => JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;

test('the notebooks folder holds exactly the book\'s notebooks', () => {
  const found = fs.readdirSync(NB_DIR).filter((f) => f.endsWith('.ipynb')).sort();
  assert.deepEqual(found, Object.keys(TAGS).map((n) => `${n}.ipynb`));
});

for (const [name, tags] of Object.entries(TAGS)) {
  test(`${name}: stored without outputs or execution counts, tslab kernel, the book's tags, intro and summary`, () => {
    const nb = readNb(path.join(NB_DIR, `${name}.ipynb`));
    assert.equal(nb.metadata.kernelspec?.name, 'tslab');
    nb.cells.forEach((c, i) => {
      if (c.cell_type !== 'code') return;
      assert.deepEqual(c.outputs, [], `${name}: cell ${i + 1} is stored with outputs`);
      assert.equal(c.execution_count, null, `${name}: cell ${i + 1} is stored with an execution count`);
    });
    for (const tag of tags) {
      const cells = nb.cells.filter((c) => c.metadata.tags?.includes(tag));
      assert.equal(cells.length, 1, `${name}: expected one cell tagged '${tag}', found ${cells.length}`);
      assert.equal(cells[0].cell_type, 'code', `${name}: the cell tagged '${tag}' is not a code cell`);
    }
    const first = nb.cells[0];
    assert.equal(first.cell_type, 'markdown');
    assert.match(joined(first.source), /^# /, `${name}: the first cell should be a '# Title' markdown cell`);
    const lastMd = joined(nb.cells[nb.cells.length - 1].source);
    assert.match(lastMd, /## Summary/, `${name}: the last cell should hold the summary`);
    assert.match(lastMd, /exercises\//, `${name}: the summary should point to the exercises`);
    const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => joined(c.source)).join('\n');
    assert.match(code, /describeBackend/, `${name}: should show the backend`);
    assert.match(code, /from '\.\/lib\/index'/, `${name}: should import the library`);
  });
}

test('lib/ compiles with the compiler options tslab uses for notebook imports (not strict)', () => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.tslab.json')], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, `tsc -p tsconfig.tslab.json failed (a notebook importing lib/ would fail the same way):\n${r.stdout}${r.stderr}`);
});

interface Execution {
  name: string;
  status: number | null;
  stderr: string;
  seconds: number;
  out: string;
}

/** Runs the executor on one notebook (async, so two notebooks can run side by side on 2 cores). */
function execute(name: string, outDir: string, modelCache: string): Promise<Execution> {
  const out = path.join(outDir, `${name}.ipynb`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      PY,
      [path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py'), path.join(NB_DIR, `${name}.ipynb`), '--out', out,
        '--timeout', '240', '--total-timeout', '300', '--memory-mb', '3000', '--env', 'VAE_PROFILE=quick',
        '--env', `VAE_MODEL_CACHE=${modelCache}`,
        '--report', path.join(outDir, `${name}.report.json`)],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ name, status, stderr, seconds: (Date.now() - t0) / 1000, out }));
  });
}

test('every notebook runs top to bottom with the tslab kernel (quick profile) without error output', { skip: skipRun, timeout: 1_200_000 }, async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'notebooks-'));
  const modelCache = path.join(outDir, 'models');
  const names = Object.keys(TAGS);
  const results: Execution[] = [];
  // Two at a time: this machine has 2 cores and each kernel trains on one thread.
  for (let i = 0; i < names.length; i += 2) {
    results.push(...(await Promise.all(names.slice(i, i + 2).map((n) => execute(n, outDir, modelCache)))));
  }
  const failures: string[] = [];
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
        if (o.output_type === 'error') failures.push(`${label}: ${o.ename}: ${o.evalue}`);
        const text = joined(o.text);
        if (o.output_type === 'stream' && o.name === 'stderr' && /Error|Uncaught|Unhandled/.test(text)) {
          failures.push(`${label}: stderr: ${text.trim().split('\n')[0]}`);
        }
      }
    });
    // Every tagged cell shows something (the book embeds these outputs), but those that only define code.
    for (const tag of TAGS[r.name].filter((t) => !DEFINITIONS[r.name]?.includes(t))) {
      const cell = nb.cells.find((c) => c.metadata.tags?.includes(tag));
      if (!cell?.outputs?.length) failures.push(`${r.name}: the cell tagged '${tag}' has no output`);
    }
    // The cells the chapters' claims read show their numbers as one JSON object each.
    for (const tag of RESULTS[r.name] ?? []) {
      const cell = nb.cells.find((c) => c.metadata.tags?.includes(tag));
      const json = (cell?.outputs ?? []).filter((o) => o.data?.['application/json'] !== undefined);
      if (json.length !== 1) failures.push(`${r.name}: the cell tagged '${tag}' shows ${json.length} results outputs, expected 1`);
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));

  // The live training curve of 04 is ONE output, replaced in place, holding every step of the run.
  const nb04 = readNb(path.join(outDir, '04-training.ipynb'));
  const trainCell = nb04.cells.find((c) => c.metadata.tags?.includes('train-vae'));
  const plots = (trainCell?.outputs ?? []).filter((o) => o.data?.[PLOTLY] !== undefined);
  assert.equal(plots.length, 1, `04-training #train-vae: expected exactly one plotly output, found ${plots.length}`);
  const fig = plots[0].data?.[PLOTLY] as { data: { name: string; x: number[]; y: number[] }[] };
  const steps = Math.ceil(1000 / 128) * 2; // quick profile: 1,000 digits, batch 128, 2 epochs
  assert.ok(fig.data.length >= 3, 'loss, reconstruction and KL traces');
  for (const trace of fig.data) {
    assert.equal(trace.x.length, steps, `trace '${trace.name}' has one point per step (the last update was kept)`);
    assert.ok(trace.y.every((v) => Number.isFinite(v)), `trace '${trace.name}' holds finite numbers`);
  }
  // Other figures carry data too (spot check: every plotly output in every notebook has a non-empty trace), and
  // every figure output its static fallback (an SVG drawing and a text line; lib/figures/display.ts), so that the
  // notebook shows its figures outside JupyterLab too (test/notebooks-export.test.ts exports one).
  for (const r of results) {
    for (const c of readNb(r.out).cells) {
      for (const o of c.outputs ?? []) {
        const f = o.data?.[PLOTLY] as { data?: unknown[] } | undefined;
        if (f) assert.ok(Array.isArray(f.data) && f.data.length > 0, `${r.name}: a plotly output without traces`);
        if (f) assert.match(joined(o.data?.['image/svg+xml'] as string | string[]), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/, `${r.name}: a figure without its SVG fallback`);
        if (o.data && (PLOTLY in o.data || 'image/png' in o.data)) assert.match(joined(o.data['text/plain'] as string | string[]), /^\[(figure|digits|image)/, `${r.name}: a figure without its text line`);
      }
    }
  }
});
