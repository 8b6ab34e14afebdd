// The still of a plotly figure (scripts/bookgen/plot-still.ts): the library's SVG drawing with the page's theme
// colours instead of fixed greys and a white card, at the height the figure asks for (plotly's 450 otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latentScatter, lineChart } from '../lib/core';
import { plotStill } from '../scripts/bookgen/plot-still';

test('the still follows the theme: no white card, greys become currentColor; lines and dots are kept', () => {
  const line = plotStill(lineChart({ x: [1, 2, 3], ys: [{ name: 'loss', y: [3, 2, 1] }] }, { title: 'Loss', xTitle: 'epoch' }));
  assert.ok(!/fill="#fff"|fill="#444"|stroke="#e5e5e5"|stroke="#999"/.test(line), 'no fixed greys or white background');
  assert.match(line, /fill="currentColor"/);
  assert.match(line, /^<div class="plotly-still" aria-hidden="true"><svg [^>]*viewBox="0 0 760 450"/, 'plotly’s default height');
  assert.match(line, /<polyline class="trace" fill="none" stroke="#1f77b4"/);
  const points = Float32Array.from({ length: 400 }, (_, i) => Math.sin(i) * 3);
  const scatter = plotStill(latentScatter(points, Array.from({ length: 200 }, (_, i) => i % 3), { latentDim: 2, height: 300 }));
  assert.match(scatter, /viewBox="0 0 760 300"/);
  const dots = [...scatter.matchAll(/<path class="markers"[^>]* d="([^"]*)"/g)].reduce((n, m) => n + (m[1].match(/h0/g) ?? []).length, 0);
  assert.equal(dots, 200, 'every point drawn');
  assert.equal(plotStill(lineChart({ x: [1, 2], ys: [{ name: 'a', y: [1, 2] }] })), plotStill(lineChart({ x: [1, 2], ys: [{ name: 'a', y: [1, 2] }] })), 'deterministic');
});

test('a large heat map is one embedded PNG in the still, a small one cell by cell', () => {
  const grid = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i / 7) * Math.cos(j / 5)));
  const big = plotStill({ data: [{ type: 'heatmap', z: grid(121), colorscale: 'RdBu' }], layout: { height: 480 } });
  assert.equal((big.match(/<image /g) ?? []).length, 1);
  assert.match(big, /href="data:image\/png;base64,/);
  assert.equal((big.match(/<rect /g) ?? []).length < 10, true, 'no rect per cell');
  assert.ok(big.length < 100_000, `${big.length} characters`);
  const small = plotStill({ data: [{ type: 'heatmap', z: grid(10), colorscale: 'RdBu' }], layout: { height: 480 } });
  assert.equal((small.match(/<image /g) ?? []).length, 0);
  assert.ok((small.match(/<rect /g) ?? []).length >= 100, 'one rect per cell');
});
