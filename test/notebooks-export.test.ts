// End-to-end: a notebook that shows every kind of figure the library makes is executed by the real tslab kernel
// (scripts/jupyter/execute_notebook.py) and exported with `jupyter nbconvert --to html`, as a teacher would.
// The HTML must hold one picture per figure output, each the library's static fallback (SVG) or digit grid (PNG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseXml, findAll, decodePng, type XmlElement } from './figure-helpers';

const ROOT = path.resolve(__dirname, '..');
const PY = path.join(ROOT, '.venv', 'bin', 'python');
const JUPYTER = path.join(ROOT, '.venv', 'bin', 'jupyter');
const EXECUTOR = path.join(ROOT, 'scripts', 'jupyter', 'execute_notebook.py');
const KERNEL = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
const ready = fs.existsSync(PY) && fs.existsSync(JUPYTER) && fs.existsSync(KERNEL);
const skip = !ready && !process.env.CI ? '.venv, jupyter or the tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
const PLOTLY = 'application/vnd.plotly.v1+json';

/** One cell per figure kind, each made with the library's own functions; `draws` is what its SVG must contain. */
const CELLS: { code: string; kind: 'svg' | 'png'; draws?: (svg: XmlElement) => void }[] = [
  {
    code: `import { lossCurve, elboCurve, klCurve, latentScatter, barChart, imageGrid, lineChart, show, liveFigure, showDigits } from './lib/index';
const steps = Array.from({ length: 3000 }, (_, i) => ({ step: i + 1, loss: 200 * Math.exp(-i / 500) + 100 + Math.sin(i), recon: 180 * Math.exp(-i / 500) + 90, kl: 10 + (i % 5) }));
show(lossCurve(steps, { title: 'a long loss curve' }));`,
    kind: 'svg',
    draws: (svg) => assert.deepEqual(byClass(svg, 'trace').map((l) => l.attrs.points.split(' ').length), [400, 400, 400]),
  },
  {
    code: `show(elboCurve([1, 2, 3].map((epoch) => ({ epoch, elbo: -150 + 5 * epoch, test: { elbo: -148 + 4 * epoch } }))));`,
    kind: 'svg',
    draws: (svg) => assert.equal(byClass(svg, 'markers').length, 2),
  },
  {
    code: `show(klCurve(steps.slice(0, 200).map((h) => ({ step: h.step, kl: h.kl, beta: Math.min(1, h.step / 100) }))));`,
    kind: 'svg',
    draws: (svg) => assert.equal(byClass(svg, 'trace').length, 2),
  },
  {
    code: `const n = 2000;
const points = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 ? Math.floor(i / 100) : (i / 2) % 50));
show(latentScatter(points, Uint8Array.from({ length: n }, (_, i) => i % 10), { title: '2,000 codes' }));`,
    kind: 'svg',
    draws: (svg) => assert.equal(byClass(svg, 'markers').reduce((t, p) => t + Number(p.attrs['data-markers']), 0), 2000),
  },
  {
    code: `show(barChart({ x: ['β=0', 'β=1', 'β=4'], ys: [{ name: 'active units', y: [20, 16, 5] }, { name: 'KL', y: [30, 22, 8] }] }, { title: 'bars' }));`,
    kind: 'svg',
    draws: (svg) => assert.equal(byClass(svg, 'bar').length, 6),
  },
  {
    code: `show({ data: [{ type: 'heatmap', z: [[0, 1, 2], [3, 4, 5]], colorscale: 'Viridis' }], layout: { title: { text: 'a heat map' } } });`,
    kind: 'svg',
    draws: (svg) => assert.equal(cellsOf(svg).length, 6),
  },
  {
    code: `const digits = Float32Array.from({ length: 6 * 784 }, (_, i) => ((i % 784) % 28) / 27);
show(imageGrid(digits, { cols: 3, title: 'an image grid' }));`,
    kind: 'svg',
    draws: (svg) => {
      const img = findAll(svg, (e) => e.name === 'image');
      assert.equal(img.length, 1);
      const png = decodePng(Buffer.from(img[0].attrs.href.split(',')[1], 'base64'));
      assert.deepEqual([png.width, png.height], [3 * 28 + 2, 2 * 28 + 1]);
    },
  },
  {
    code: `const live = liveFigure(lossCurve([], { title: 'live' }), { minIntervalMs: 0 });
for (let i = 1; i <= 30; i++) live.update(lossCurve(steps.slice(0, i), { title: 'live' }));
live.done();`,
    kind: 'svg',
    draws: (svg) => assert.equal(byClass(svg, 'trace')[0].attrs.points.split(' ').length, 30),
  },
  { code: 'showDigits(digits, { cols: 6 });', kind: 'png' },
];

const byClass = (root: XmlElement, cls: string): XmlElement[] => findAll(root, (e) => (e.attrs.class ?? '').split(' ').includes(cls));
/** The cells of a heat map drawn cell by cell: the rects of its group. */
const cellsOf = (root: XmlElement): XmlElement[] => byClass(root, 'heatmap-cells').flatMap((g) => g.children.filter((c) => c.name === 'rect'));

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
}

test('a notebook with every figure kind, executed and exported with nbconvert --to html, shows one picture per figure output', { skip, timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-export-'));
  try {
    const nb = {
      cells: [
        { cell_type: 'markdown', id: 'title', metadata: {}, source: '# Every figure kind' },
        ...CELLS.map((c, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, source: c.code, outputs: [], execution_count: null })),
      ],
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const src = path.join(dir, 'figures.ipynb');
    const executed = path.join(dir, 'figures.executed.ipynb');
    fs.writeFileSync(src, JSON.stringify(nb));
    const run = spawnSync(PY, [EXECUTOR, src, '--out', executed, '--env', 'VAE_PROFILE=quick', '--timeout', '120'], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(run.status, 0, `execute_notebook failed:\n${run.stderr}`);

    // The executed notebook: every figure output is one bundle (plotly JSON + SVG + text), digit grids PNG + text.
    const outputs = (JSON.parse(fs.readFileSync(executed, 'utf8')) as { cells: { outputs?: Output[] }[] }).cells
      .flatMap((c) => c.outputs ?? [])
      .filter((o) => o.data && (PLOTLY in o.data || 'image/png' in o.data));
    assert.equal(outputs.length, CELLS.length, `figure outputs: ${outputs.map((o) => Object.keys(o.data ?? {}).join('+')).join(', ')}`);
    outputs.forEach((o, i) => {
      const keys = Object.keys(o.data ?? {}).sort();
      if (CELLS[i].kind === 'svg') assert.deepEqual(keys, [PLOTLY, 'image/svg+xml', 'text/plain'].sort(), `output ${i}`);
      else assert.deepEqual(keys, ['image/png', 'text/plain'], `output ${i}`);
    });

    const conv = spawnSync(JUPYTER, ['nbconvert', '--to', 'html', executed, '--output-dir', dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(conv.status, 0, `nbconvert failed:\n${conv.stderr}`);
    const html = fs.readFileSync(path.join(dir, 'figures.executed.html'), 'utf8');
    // nbconvert's lab template: an SVG output is a div data-mime-type="image/svg+xml" holding an <img> (or the
    // <svg> itself), a PNG output a div.jp-RenderedImage holding an <img>.
    const pictures = Array.from(
      html.matchAll(/<div class="(?:jp-RenderedSVG|jp-RenderedImage)[^"]*"[^>]*>\s*(?:<img [^>]*?src="data:image\/(svg\+xml|png);base64,([^"]+)"|(<svg[\s\S]*?<\/svg>))/g),
      (m) => ({ kind: m[1] === 'png' ? 'png' : 'svg', bytes: m[3] !== undefined ? Buffer.from(m[3]) : Buffer.from(m[2], 'base64') }),
    );
    assert.deepEqual(pictures.map((p) => p.kind), CELLS.map((c) => c.kind), 'one picture per figure output, in order');
    assert.doesNotMatch(html, /<div class="jp-RenderedJSON|application\/vnd\.plotly\.v1\+json" is not supported/, 'no figure left undrawn');
    pictures.forEach((p, i) => {
      if (p.kind === 'png') {
        const png = decodePng(p.bytes);
        assert.ok(png.width > 6 * 56 && png.height > 56, 'the digit grid');
        return;
      }
      const svg = parseXml(p.bytes.toString('utf8'));
      assert.equal(svg.name, 'svg');
      CELLS[i].draws?.(svg);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
