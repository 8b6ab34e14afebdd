// lib/figures/display.ts and lib/training/profile.ts outside a notebook (plain node). Inside the tslab kernel they are
// exercised by test/notebooks.test.ts and test/jupyterlab.browser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isNotebook,
  plotlyBundle,
  show,
  liveFigure,
  showImage,
  showDigits,
  formatTable,
  PLOTLY_MIME,
} from '../lib/figures/display';
import { profile, pick } from '../lib/training/profile';
import { figureToSvg } from '../lib/figures/svgchart';

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
  assert.deepEqual(lines, ['[figure "Loss": 2 traces]']);
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
  assert.deepEqual(lines, ['[figure: 1 trace] (live)']);
  assert.deepEqual(end, ['[figure "final": 1 trace]']);
  assert.throws(() => live?.update({ data: [] }), /update\(\) after done\(\)/);
});

test('figureToSvg: one polyline per line trace with every finite point, legend, deterministic', () => {
  const fig = {
    data: [
      { type: 'scatter', mode: 'lines', name: 'recon', x: [1, 2, 3, 4], y: [200, 150, 120, 110] },
      { type: 'scatter', mode: 'lines', name: 'KL <β>', x: [1, 2, 3, 4], y: [1, null, 20, 25] },
      { type: 'heatmap', z: [[1]] },
    ],
    layout: { title: { text: 'Loss' }, height: 300, xaxis: { title: { text: 'step' } } },
  };
  const svg = figureToSvg(fig);
  assert.equal(svg, figureToSvg(fig));
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /data-points="4" data-total-points="7"/);
  const polylines = svg.match(/<polyline [^>]*points="([^"]*)"/g) ?? [];
  assert.equal(polylines.length, 2);
  assert.equal((polylines[0].match(/points="([^"]*)"/)?.[1] ?? '').split(' ').length, 4);
  assert.equal((polylines[1].match(/points="([^"]*)"/)?.[1] ?? '').split(' ').length, 3, 'null is skipped');
  assert.match(svg, />KL &lt;β&gt;</);
  assert.match(svg, /height="300"/);
  assert.match(figureToSvg({ data: [] }), /waiting for data/);
});

test('showImage checks the PNG signature; showDigits encodes a grid', () => {
  assert.throws(() => showImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a PNG file/);
  const lines = captureLog(() => showDigits(new Float32Array(4 * 784).fill(0.5), { cols: 2 }));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\[image: PNG, \d+ bytes\]$/);
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
