// lib/figures/display.ts and lib/training/profile.ts outside a notebook (plain node). Inside the tslab kernel they are
// exercised by test/notebooks.test.ts and test/jupyterlab.browser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { isNotebook } from '../lib/figures/display-tslab';
import {
  plotlyBundle,
  figureBundle,
  figureSummary,
  show,
  liveFigure,
  showImage,
  showDigits,
  showText,
  formatTable,
  PLOTLY_MIME,
} from '../lib/figures/display';
import { profile, pick } from '../lib/training/profile';
import { lossCurve, latentScatter, imageGrid, barChart } from '../lib/figures/plots';
import { digitGridPng } from '../lib/figures/png';
import { parseXml, decodePng } from './figure-helpers';

function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    fn();
  } finally {
    console.log = orig;
  }
  return lines;
}

test('outside tslab: not a notebook, figures print one short line', () => {
  assert.equal(isNotebook(), false);
  assert.equal(PLOTLY_MIME, 'application/vnd.plotly.v1+json');
  const lines = captureLog(() => show({ data: [{ y: [1] }, { y: [2] }], layout: { title: { text: 'Loss' } } }));
  assert.deepEqual(lines, ['[figure "Loss": 2 lines]']);
});

test('plotlyBundle: plain JSON copy, typed arrays become arrays, config added; bad figures are clear errors', () => {
  const y = new Float32Array([0.5, 1.5]);
  const fig = { data: [{ type: 'scatter', y }], layout: { title: 't' } };
  const b = plotlyBundle(fig);
  assert.deepEqual(b.data, [{ type: 'scatter', y: [0.5, 1.5] }]);
  assert.deepEqual(b.layout, { title: 't' });
  assert.equal(b.config.displaylogo, false);
  y[0] = 9; // the bundle is a copy
  assert.deepEqual(b.data, [{ type: 'scatter', y: [0.5, 1.5] }]);
  assert.throws(() => plotlyBundle({ layout: {} } as never), /show: expected a figure \{ data: trace\[\], layout\? \}/);
  assert.throws(() => plotlyBundle({ data: [], layout: [] as never }), /figure\.layout must be an object/);
});

test('liveFigure: throttled live redraws, done() shows the final figure; validates each update', () => {
  let live: ReturnType<typeof liveFigure> | undefined;
  const lines = captureLog(() => {
    live = liveFigure({ data: [{ y: [] }] }, { minIntervalMs: 60_000 });
    live.update({ data: [{ y: [1] }] }); // within the interval: not redrawn
    live.update({ data: [{ y: [1, 2] }] });
  });
  assert.ok(live);
  assert.equal(live.draws, 1);
  live.update({ data: [{ y: [3] }] }, { force: true });
  assert.equal(live.draws, 2);
  assert.throws(() => live?.update({} as never), /expected a figure/);
  const end = captureLog(() => live?.done({ data: [{ y: [1, 2, 3] }], layout: { title: { text: 'final' } } }));
  assert.equal(live.draws, 3);
  assert.deepEqual(lines, ['[figure: 1 line] (live)']);
  assert.deepEqual(end, ['[figure "final": 1 line]']);
  assert.throws(() => live?.update({ data: [] }), /update\(\) after done\(\)/);
});

test('showImage checks the PNG signature; showDigits encodes a grid', () => {
  assert.throws(() => showImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a PNG file/);
  const lines = captureLog(() => showDigits(new Float32Array(4 * 784).fill(0.5), { cols: 2 }));
  assert.equal(lines.length, 1);
  assert.equal(lines[0], '[digits: 4 images of 28×28 in 2 rows of 2, PNG]');
  const shown = captureLog(() => showImage(digitGridPng(new Float32Array(784))));
  assert.match(shown[0], /^\[image: PNG 60×60, \d+ bytes\]$/);
});

test('figureBundle: the plotly JSON, an SVG drawing of the same spec and a text line, for every figure kind', () => {
  const steps = Array.from({ length: 30 }, (_, i) => ({ step: i + 1, loss: 100 - i, kl: 5 }));
  const pts = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i));
  const figs = {
    curve: lossCurve(steps, { title: 'Training loss' }),
    scatter: latentScatter(pts, Uint8Array.from({ length: 20 }, (_, i) => i % 10)),
    bars: barChart({ x: ['a', 'b'], ys: [{ name: 'n', y: [1, 2] }] }),
    grid: imageGrid(new Float32Array(4 * 784).fill(0.25), { title: 'Samples' }),
  };
  for (const [kind, fig] of Object.entries(figs)) {
    const b = figureBundle(fig);
    assert.deepEqual(Object.keys(b), [PLOTLY_MIME, 'image/svg+xml', 'text/plain'], kind);
    assert.deepEqual(b[PLOTLY_MIME], plotlyBundle(fig), `${kind}: the plotly JSON is unchanged`);
    const svg = parseXml(b['image/svg+xml'] as string);
    assert.equal(svg.name, 'svg', kind);
    assert.equal(b['text/plain'], figureSummary(fig));
  }
  // The image grid's SVG embeds its pixels as a PNG (the Node side passes the encoder).
  assert.match(figureBundle(figs.grid)['image/svg+xml'] as string, /<image [^>]*href="data:image\/png;base64,/);
  assert.equal(figureSummary(figs.curve), '[figure "Training loss": 2 lines (loss (recon + β·KL), KL)]');
  assert.equal(figureSummary(figs.scatter), '[figure "Latent space": 10 scatters (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)]');
  assert.equal(figureSummary(figs.bars), '[figure: 1 bar (n)]');
  assert.equal(figureSummary(figs.grid), '[figure "Samples": 1 heat map (57×57)]');
  assert.equal(figureSummary({ data: [] }), '[figure: no traces]');
  assert.throws(() => figureBundle({ layout: {} } as never), /expected a figure/);
});

// A stand-in for the tslab kernel: its Jupyter module (the display writer of the running cell) and its public
// module, installed where lib/figures/display.ts looks for them (require.cache), removed afterwards.
interface Message {
  content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } };
  update: boolean;
}
const publicCalls: [string, unknown][] = [];
const fakeDisplay = { raw: (type: string, value: unknown) => void publicCalls.push([type, value]) };
function inFakeKernel(writer: 'ready' | 'between cells' | 'absent', fn: (sent: Message[]) => void): void {
  const sent: Message[] = [];
  const jupyterKey = path.join(path.sep, 'fake', 'node_modules', 'tslab', 'dist', 'jupyter.js');
  const tslabKey = require.resolve('tslab');
  const saved = require.cache[tslabKey];
  const exports =
    writer === 'ready' ? { lastWriteDisplayData: (content: Message['content'], update: boolean) => void sent.push({ content, update }) }
    : writer === 'between cells' ? { lastWriteDisplayData: null }
    : {};
  const mod = (id: string, e: object): NodeJS.Module => ({ id, filename: id, loaded: true, exports: e }) as unknown as NodeJS.Module;
  require.cache[jupyterKey] = mod(jupyterKey, exports);
  require.cache[tslabKey] = mod(tslabKey, { display: fakeDisplay, newDisplay: () => fakeDisplay });
  publicCalls.length = 0;
  try {
    assert.equal(isNotebook(), true);
    fn(sent);
  } finally {
    delete require.cache[jupyterKey];
    if (saved) require.cache[tslabKey] = saved;
    else delete require.cache[tslabKey];
  }
  assert.equal(isNotebook(), false);
}

test('in the kernel: show sends ONE output holding the bundle; liveFigure updates one output in place and ends with the bundle', () => {
  inFakeKernel('ready', (sent) => {
    const fig = lossCurve([{ step: 1, loss: 3 }, { step: 2, loss: 2 }], { title: 'Loss' });
    show(fig);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].update, false);
    assert.deepEqual(sent[0].content.transient, {});
    assert.deepEqual(sent[0].content.data, figureBundle(fig));

    const live = liveFigure(lossCurve([]), { minIntervalMs: 60_000 });
    live.update(fig); // held back by the interval
    live.update(fig, { force: true });
    live.done();
    const [first, second, last] = sent.slice(1);
    assert.equal(sent.length, 4);
    const id = first.content.transient.display_id;
    assert.match(id ?? '', /^[0-9a-f]{16}$/);
    assert.deepEqual([first, second, last].map((m) => [m.content.transient.display_id, m.update]), [[id, false], [id, true], [id, true]]);
    assert.deepEqual(Object.keys(first.content.data), ['image/svg+xml', 'text/plain'], 'live: the light SVG drawing only');
    assert.match(second.content.data['text/plain'] as string, /\(live\)$/);
    assert.deepEqual(last.content.data, figureBundle(fig), 'done(): the full bundle of the latest figure');

    showDigits(new Float32Array(2 * 784).fill(1), { cols: 2 });
    const digits = sent[4].content.data;
    assert.deepEqual(Object.keys(digits), ['image/png', 'text/plain']);
    const png = decodePng(Buffer.from(digits['image/png'] as string, 'base64'));
    assert.deepEqual([png.width, png.height], [2 + 2 * (56 + 2), 2 + 56 + 2]);
    assert.equal(digits['text/plain'], '[digits: 2 images of 28×28 in 1 row of 2, PNG]');
    assert.equal(publicCalls.length, 0, 'nothing went through the one-type public API');
  });
});

test('in the kernel: between cells a figure is a clear error; a tslab without the writer gets the plotly JSON alone', () => {
  inFakeKernel('between cells', () => {
    assert.throws(() => show({ data: [] }), /tslab is not ready/);
  });
  inFakeKernel('absent', (sent) => {
    show({ data: [{ y: [1, 2] }] });
    assert.equal(sent.length, 0);
    assert.deepEqual(publicCalls.map(([type]) => type), [PLOTLY_MIME]);
    showText('hello');
    assert.deepEqual(publicCalls[1], ['text/plain', 'hello']);
  });
});

test('formatTable aligns columns and rounds numbers', () => {
  const t = formatTable([
    { metric: 'test -ELBO', nats: 123.456 },
    { metric: 'IWAE NLL', nats: 119.5, k: 100 },
  ]);
  assert.equal(
    t,
    ['metric        nats    k', '----------  ------  ---', 'test -ELBO  123.46', 'IWAE NLL    119.50  100'].join('\n'),
  );
  assert.equal(formatTable([]), '(no rows)');
});

test('profile(): VAE_PROFILE quick|full, default full, anything else is a clear error; pick follows it', () => {
  const saved = process.env.VAE_PROFILE;
  try {
    delete process.env.VAE_PROFILE;
    assert.equal(profile(), 'full');
    assert.equal(pick({ quick: 1, full: 10 }), 10);
    process.env.VAE_PROFILE = 'quick';
    assert.equal(profile(), 'quick');
    assert.equal(pick({ quick: 1, full: 10 }), 1);
    process.env.VAE_PROFILE = 'fast';
    assert.throws(() => profile(), /unknown VAE_PROFILE 'fast'; expected 'quick' or 'full'/);
  } finally {
    if (saved === undefined) delete process.env.VAE_PROFILE;
    else process.env.VAE_PROFILE = saved;
  }
});

test('formatTable shows a measurement over seeds as mean ± sd', () => {
  const t = formatTable([
    { model: 'dense', negElbo: { mean: 114.531, sd: 0.42, n: 3 } },
    { model: 'conv', negElbo: { mean: 112.6, sd: 1.25, n: 3 } },
  ]);
  assert.equal(t, ['model        negElbo', '-----  -------------', 'dense  114.53 ± 0.42', 'conv   112.60 ± 1.25'].join('\n'));
});
