// The still of a plotly figure (scripts/bookgen/plot-still.ts): the library's SVG drawing with the page's theme
// colours instead of fixed greys and a white card, its markers packed into one path per colour, and the height the
// figure asks for (plotly's 450 otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latentScatter, lineChart } from '../lib/core';
import { packMarkers, plotStill } from '../scripts/bookgen/plot-still';

test('a scatter’s markers become one path per colour, every point kept', () => {
  const points = Float32Array.from({ length: 400 }, (_, i) => Math.sin(i) * 3);
  const labels = Array.from({ length: 200 }, (_, i) => i % 3);
  const html = plotStill(latentScatter(points, labels, { latentDim: 2, height: 300 }));
  assert.ok(!html.includes('<circle'), 'no circle left');
  const paths = [...html.matchAll(/<path class="trace" stroke="(#[0-9a-f]{6})" stroke-width="5" stroke-linecap="round" d="([^"]+)"\/>/g)];
  assert.equal(paths.length, 3, 'three digit classes, three paths');
  assert.equal(paths.reduce((n, p) => n + (p[2].match(/h0/g) ?? []).length, 0), 200, 'every point drawn');
  assert.match(html, /^<div class="plotly-still" aria-hidden="true"><svg [^>]*height="300" viewBox="0 0 760 300"/);
  assert.equal(packMarkers('<svg><line/></svg>'), '<svg><line/></svg>');
});

test('the still follows the theme: no white card, greys become currentColor; line charts keep their lines', () => {
  const html = plotStill(lineChart({ x: [1, 2, 3], ys: [{ name: 'loss', y: [3, 2, 1] }] }, { title: 'Loss', xTitle: 'epoch' }));
  assert.ok(!/fill="#fff"|fill="#444"|stroke="#e5e5e5"|stroke="#999"/.test(html), 'no fixed greys or white background');
  assert.match(html, /fill="currentColor"/);
  assert.match(html, /<polyline class="trace" fill="none" stroke="#1f77b4"/);
  assert.match(html, /viewBox="0 0 760 450"/, 'plotly’s default height');
  assert.equal(plotStill(lineChart({ x: [1, 2], ys: [{ name: 'a', y: [1, 2] }] })), plotStill(lineChart({ x: [1, 2], ys: [{ name: 'a', y: [1, 2] }] })), 'deterministic');
});
