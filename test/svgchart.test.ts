// lib/figures/svgchart.ts: the static SVG drawing every figure output carries (and the live curve shows), one
// test per figure kind of lib/figures/plots.ts: well-formed XML that draws its data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureToSvg, downsampleIndices, DEFAULT_SVG_CHART } from '../lib/figures/svgchart';
import { lossCurve, elboCurve, klCurve, latentScatter, imageGrid, barChart, lineChart, DIGIT_COLOURS } from '../lib/figures/plots';
import { encodePng } from '../lib/figures/png';
import { parseXml, findAll, decodePng, type XmlElement } from './figure-helpers';

const byClass = (root: XmlElement, cls: string): XmlElement[] => findAll(root, (e) => (e.attrs.class ?? '').split(' ').includes(cls));
/** The cells of a heat map drawn cell by cell: the rects of its group. */
const cellsOf = (root: XmlElement): XmlElement[] => byClass(root, 'heatmap-cells').flatMap((g) => g.children.filter((c) => c.name === 'rect'));
const polylinePoints = (e: XmlElement): [number, number][] =>
  e.attrs.points.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
/** The dots of a markers path: "M x yh0" per point. */
const markerPoints = (e: XmlElement): [number, number][] =>
  Array.from(e.attrs.d.matchAll(/M(-?[\d.]+) (-?[\d.]+)h0/g), (m) => [Number(m[1]), Number(m[2])] as [number, number]);

test('the XML reader of these tests rejects what is not well-formed (so it can fail)', () => {
  assert.equal(parseXml('<svg a="1"><g><rect/></g><text>a &amp; b</text></svg>').children.length, 2);
  for (const bad of ['<svg><g></svg>', '<svg a=1/>', '<svg>a & b</svg>', '<svg a="1" a="2"/>', '<svg/><svg/>', '<svg>', '<svg b="<"/>']) {
    assert.throws(() => parseXml(bad), /XML:/, bad);
  }
});

test('downsampleIndices: all points up to the limit, else first, last and each slice\'s min and max in order', () => {
  assert.deepEqual(downsampleIndices([3, 1, 2], 400), [0, 1, 2]);
  const ys = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50) + (i === 7777 ? 9 : 0) - (i === 4242 ? 9 : 0));
  const keep = downsampleIndices(ys, 400);
  assert.equal(keep.length, 400);
  assert.equal(keep[0], 0);
  assert.equal(keep[keep.length - 1], 9999);
  assert.ok(keep.every((k, i) => i === 0 || k > keep[i - 1]), 'strictly increasing indices');
  assert.ok(keep.includes(7777) && keep.includes(4242), 'the spikes survive');
  // A flat line still gives exactly the budget (first and last point of each slice).
  assert.equal(downsampleIndices(new Array(1000).fill(1), 100).length, 100);
  assert.equal(downsampleIndices(new Array(401).fill(1), 401).length, 401);
});

test('curves: one polyline per line trace, every point up to the limit, exactly the limit beyond; gaps split a line', () => {
  const long = Array.from({ length: 5000 }, (_, i) => ({ step: i + 1, loss: 300 - i / 50, recon: 250 - i / 60, kl: 20 + (i % 7) }));
  const svg = figureToSvg(lossCurve(long, { title: 'Training loss', height: 380 }));
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  assert.equal(root.attrs.height, '380');
  const lines = byClass(root, 'trace');
  assert.equal(lines.length, 3);
  for (const l of lines) assert.equal(polylinePoints(l).length, DEFAULT_SVG_CHART.maxLinePoints, 'downsampled to maxLinePoints');
  assert.ok(svg.length < 20_000, `a 3 × 5,000-point curve stays compact: ${svg.length} bytes`);
  assert.equal(root.attrs['data-points'], '5000', 'the data behind it is counted whole');
  assert.equal(figureToSvg(lossCurve(long), { maxLinePoints: 100 }).match(/<polyline/g)?.length, 3);
  assert.equal(polylinePoints(byClass(parseXml(figureToSvg(lossCurve(long), { maxLinePoints: 100 })), 'trace')[0]).length, 100);
  // Short curves keep every point; x increases along the polyline; a title, axis titles and a legend per trace.
  const short = parseXml(figureToSvg(lossCurve(long.slice(0, 50))));
  for (const l of byClass(short, 'trace')) {
    const pts = polylinePoints(l);
    assert.equal(pts.length, 50);
    assert.ok(pts.every(([x], i) => i === 0 || x > pts[i - 1][0]));
  }
  const texts = findAll(short, (e) => e.name === 'text').map((e) => e.text);
  for (const t of ['Training loss', 'step', 'nats per example', 'loss (recon + β·KL)', 'reconstruction', 'KL']) assert.ok(texts.includes(t), t);
  // The recon line lies below the loss line (SVG y grows downwards).
  const [loss, recon] = byClass(short, 'trace').map(polylinePoints);
  assert.ok(recon.every(([, y], i) => y > loss[i][1]));
  // A null breaks the line into two polylines, as plotly draws it.
  const gap = parseXml(figureToSvg(lineChart({ x: [1, 2, 3, 4, 5], ys: [{ name: 'a', y: [1, 2, NaN, 4, 5] }] })));
  assert.deepEqual(byClass(gap, 'trace').map((l) => polylinePoints(l).length), [2, 2]);
});

test('curves with markers, a log axis and a second y axis (β of the KL warm-up)', () => {
  const elbo = parseXml(figureToSvg(elboCurve([1, 2, 3].map((epoch) => ({ epoch, elbo: -150 + epoch, test: { elbo: -149 + epoch } })))));
  assert.deepEqual(byClass(elbo, 'markers').map((m) => markerPoints(m).length), [3, 3], 'lines+markers: a dot per epoch');
  const log = figureToSvg(lineChart({ x: [1, 2, 3], ys: [{ name: 'a', y: [1, 10, 100] }] }, { logY: true }));
  const pts = polylinePoints(byClass(parseXml(log), 'trace')[0]);
  assert.ok(Math.abs(pts[1][1] - (pts[0][1] + pts[2][1]) / 2) < 0.11, 'equal ratios are equal steps on a log axis');
  // A log x axis (K, S): 1, 10, 1000 sit at equal steps per decade, labelled by powers of ten, not 200, 400 …
  const logX = parseXml(figureToSvg(lineChart({ x: [1, 10, 1000], ys: [{ name: 'a', y: [3, 2, 1] }] }, { logX: true })));
  const xs = polylinePoints(byClass(logX, 'trace')[0]).map(([x]) => x);
  assert.ok(Math.abs((xs[2] - xs[1]) - 2 * (xs[1] - xs[0])) < 0.2, 'two decades are twice one decade');
  const xLabels = findAll(logX, (e) => e.name === 'text').map((e) => e.text);
  for (const t of ['1', '10', '100', '1000']) assert.ok(xLabels.includes(t), `tick ${t} (${xLabels.join(', ')})`);
  const history = Array.from({ length: 100 }, (_, i) => ({ step: i + 1, kl: 30 + i, beta: Math.min(1, i / 50) }));
  const kl = parseXml(figureToSvg(klCurve(history)));
  const [klLine, betaLine] = byClass(kl, 'trace').map(polylinePoints);
  // β runs from 0 to 1 on its own axis (from zero, as plotly's rangemode 'tozero'): from the bottom of the plot
  // to near its top, as KL does on its axis, instead of a flat line at the bottom of KL's axis.
  const frame = findAll(kl, (e) => e.name === 'rect' && e.attrs.stroke === '#999')[0];
  const [top, height] = [Number(frame.attrs.y), Number(frame.attrs.height)];
  const ys = (p: [number, number][]): number[] => p.map(([, y]) => y);
  assert.ok(Math.abs(Math.max(...ys(betaLine)) - (top + height)) < 0.2, 'β = 0 at the bottom');
  assert.ok(Math.min(...ys(betaLine)) - top < 0.06 * height, 'β = 1 near the top');
  assert.ok(Math.min(...ys(klLine)) - top < 0.06 * height && top + height - Math.max(...ys(klLine)) < 0.06 * height, 'KL spans its axis');
  assert.ok(findAll(kl, (e) => e.name === 'text').some((e) => e.text === 'β'), 'the second axis is titled');
});

test('scatter: a dot per point in one path per digit, in the digit\'s colour, inside the plot; compact for 2,000 points', () => {
  // 2,000 points on a 50 × 40 lattice (no two on the same pixel), labelled 0–9.
  const n = 2000;
  const points = new Float32Array(2 * n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = i % 50;
    points[2 * i + 1] = Math.floor(i / 50);
    labels[i] = (i * 7) % 10;
  }
  const svg = figureToSvg(latentScatter(points, labels, { height: 480 }));
  const root = parseXml(svg);
  const paths = byClass(root, 'markers');
  assert.equal(paths.length, 10);
  paths.forEach((p, k) => {
    assert.equal(p.attrs.stroke, DIGIT_COLOURS[k]);
    assert.equal(markerPoints(p).length, 200, `digit ${k}: one dot per point`);
    assert.equal(p.attrs['data-markers'], '200');
  });
  const frame = findAll(root, (e) => e.name === 'rect' && e.attrs.stroke === '#999')[0];
  const [l, t, w, h] = ['x', 'y', 'width', 'height'].map((k) => Number(frame.attrs[k]));
  for (const [x, y] of paths.flatMap(markerPoints)) assert.ok(x >= l && x <= l + w && y >= t && y <= t + h, `(${x}, ${y}) inside the plot`);
  assert.ok(svg.length < 30_000, `2,000 points in ${svg.length} bytes`);
  // Points on the same pixel are drawn once.
  const same = figureToSvg(latentScatter(new Float32Array(200).fill(1), new Uint8Array(100)));
  assert.equal(markerPoints(byClass(parseXml(same), 'markers')[0]).length, 1);
});

test('bars: one rect per finite value, grouped side by side, heights proportional; stacked bars sit on each other', () => {
  const fig = barChart({ x: ['β=0', 'β=1', 'β=4', 'β=16'], ys: [{ name: 'active', y: [20, 18, 9, 3] }, { name: 'KL', y: [30, NaN, 12, 6] }] });
  const root = parseXml(figureToSvg(fig));
  const rects = byClass(root, 'bar');
  assert.equal(rects.length, 7, 'the NaN bar is not drawn');
  const h = (e: XmlElement): number => Number(e.attrs.height);
  const x = (e: XmlElement): number => Number(e.attrs.x);
  const [a20, a18, a9, a3, k30, k12, k6] = rects;
  for (const [bar, v] of [[a18, 18], [a9, 9], [a3, 3], [k30, 30], [k12, 12], [k6, 6]] as const) {
    assert.ok(Math.abs(h(bar) / h(a20) - v / 20) < 0.02, `bar of ${v}`);
  }
  assert.ok(x(a20) < x(k30) && x(k30) < x(a18), 'grouped: the KL bar of β=0 beside its active bar, before β=1');
  assert.equal(a20.attrs.fill, '#1f77b4');
  assert.equal(k30.attrs.fill, '#ff7f0e');
  const texts = findAll(root, (e) => e.name === 'text').map((e) => e.text);
  for (const c of ['β=0', 'β=1', 'β=4', 'β=16', 'active', 'KL']) assert.ok(texts.includes(c), c);
  const stacked = byClass(parseXml(figureToSvg({ ...fig, layout: { ...fig.layout, barmode: 'stack' } })), 'bar');
  const [s20, , , , s30] = stacked;
  assert.equal(x(s20), x(s30), 'stacked bars share their slot');
  assert.ok(Math.abs(Number(s30.attrs.y) + h(s30) - Number(s20.attrs.y)) < 0.2, 'the second series starts where the first ends');
});

test('heat map: one rect per finite cell, coloured by the scale, row 0 at the bottom unless the axis is reversed', () => {
  const z = Array.from({ length: 8 }, (_, i) => Array.from({ length: 12 }, (_, j) => i * 12 + j));
  z[3][4] = null as unknown as number;
  const fig = { data: [{ type: 'heatmap', z, colorscale: [[0, '#000000'], [1, '#ff0000']] }], layout: { title: { text: 'cells' } } };
  const root = parseXml(figureToSvg(fig));
  const cells = cellsOf(root);
  assert.equal(cells.length, 95);
  const lowest = cells[0];
  const highest = cells[cells.length - 1];
  assert.equal(lowest.attrs.fill, '#000000');
  assert.equal(highest.attrs.fill, '#ff0000');
  assert.ok(Number(lowest.attrs.y) > Number(highest.attrs.y), 'z[0] is drawn below z[7]');
  const reversed = cellsOf(parseXml(figureToSvg({ ...fig, layout: { yaxis: { autorange: 'reversed' } } })));
  assert.ok(Number(reversed[0].attrs.y) < Number(reversed[reversed.length - 1].attrs.y), 'reversed: z[0] on top');
  assert.equal(byClass(root, 'colorbar').length, 1, 'a colour bar (plotly shows one by default)');
  // plotly's default scale (RdBu) when none is named.
  const plain = cellsOf(parseXml(figureToSvg({ data: [{ type: 'heatmap', z: [[0, 1]] }] })));
  assert.deepEqual(plain.map((c) => c.attrs.fill), ['#050aac', '#b20a1c']);
});

test('image grid: one embedded PNG holding every pixel of the heat map (ink dark on white, gaps background)', () => {
  const images = Float32Array.from({ length: 5 * 784 }, (_, i) => ((i * 37) % 256) / 255);
  const fig = imageGrid(images, { cols: 3, title: 'samples' });
  const z = fig.data[0].z as (number | null)[][];
  const svg = figureToSvg(fig, { encodePng });
  const root = parseXml(svg);
  const imgs = findAll(root, (e) => e.name === 'image');
  assert.equal(imgs.length, 1);
  const href = imgs[0].attrs.href;
  assert.match(href, /^data:image\/png;base64,/);
  const png = decodePng(Buffer.from(href.slice('data:image/png;base64,'.length), 'base64'));
  assert.equal(png.channels, 1, 'a grey scale is stored as a grey PNG');
  assert.equal(png.width, z[0].length);
  assert.equal(png.height, z.length);
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const v = z[y][x];
      const want = v === null ? 255 : Math.round(255 * (1 - v)); // colorscale white (0) → black (1); gaps white
      assert.ok(Math.abs(png.pixels[y * png.width + x] - want) <= 1, `pixel (${x}, ${y})`);
    }
  }
  // Square pixels (the layout anchors y to x): the image is as wide per column as it is tall per row.
  const [w, h] = [Number(imgs[0].attrs.width), Number(imgs[0].attrs.height)];
  assert.ok(Math.abs(w / png.width - h / png.height) < 0.01);
  assert.ok(svg.length < 12_000, `5 digits in ${svg.length} bytes`);
  // Light ink (white on black): the same PNG inverted.
  const light = parseXml(figureToSvg(imageGrid(images, { cols: 3, ink: 'light' }), { encodePng }));
  const lightPng = decodePng(Buffer.from(findAll(light, (e) => e.name === 'image')[0].attrs.href.split(',')[1], 'base64'));
  assert.equal(lightPng.pixels[0], Math.round(255 * (z[0][0] as number)));
  // Without an encoder (the browser bundle) the grid is drawn cell by cell.
  const small = imageGrid(images.subarray(0, 784), { cols: 1 });
  assert.equal(cellsOf(parseXml(figureToSvg(small))).length, 784);
});

test('colour heat maps larger than maxRectCells become an RGB PNG; other trace types are named, not drawn', () => {
  const z = Array.from({ length: 60 }, (_, i) => Array.from({ length: 60 }, (_, j) => i + j));
  const root = parseXml(figureToSvg({ data: [{ type: 'heatmap', z, colorscale: 'Viridis' }] }, { encodePng }));
  const png = decodePng(Buffer.from(findAll(root, (e) => e.name === 'image')[0].attrs.href.split(',')[1], 'base64'));
  assert.equal(png.channels, 3);
  // Bottom-left pixel is z[0][0] (row 0 at the bottom): the first Viridis colour, #440154.
  const o = (png.height - 1) * png.width * 3;
  assert.deepEqual(Array.from(png.pixels.subarray(o, o + 3)), [0x44, 0x01, 0x54]);
  const pie = figureToSvg({ data: [{ type: 'pie', values: [1, 2] }, { type: 'scatter', y: [1, 2, 3] }] });
  assert.match(pie, /not drawn here: pie trace\(s\)/);
  assert.equal(byClass(parseXml(pie), 'trace').length, 1);
});

test('deterministic, and an empty figure says it waits for data', () => {
  const fig = lossCurve(Array.from({ length: 700 }, (_, i) => ({ step: i, loss: Math.cos(i) })));
  assert.equal(figureToSvg(fig), figureToSvg(fig));
  assert.match(figureToSvg({ data: [] }), /waiting for data/);
  assert.match(figureToSvg({ data: [{ type: 'scatter', y: [] }] }), /waiting for data/);
  parseXml(figureToSvg({ data: [] }));
});

test('error bars: a whisker per point spanning y ± error, at each bar\'s centre, inside the plot', () => {
  const whiskersOf = (svg: string): { x: number; top: number; bottom: number }[] =>
    byClass(parseXml(svg), 'error-bars').flatMap((e) =>
      Array.from(e.attrs.d.matchAll(/M(-?[\d.]+) (-?[\d.]+)V(-?[\d.]+)/g), (m) => ({ x: Number(m[1]), top: Number(m[2]), bottom: Number(m[3]) })));
  const line = lineChart({ x: [1, 2, 3], ys: [{ name: 'm', y: [10, 20, 30], error: [1, 2, 10], markers: true }] });
  const svg = figureToSvg(line);
  const w = whiskersOf(svg);
  assert.equal(w.length, 3);
  const dots = markerPoints(byClass(parseXml(svg), 'markers')[0]);
  w.forEach((b, i) => {
    assert.ok(Math.abs(b.x - dots[i][0]) < 1, 'whisker at the point');
    assert.ok(b.top < dots[i][1] && dots[i][1] < b.bottom, 'the point inside its whisker');
  });
  // Lengths proportional to the errors (2, 4 and 20 units).
  const len = w.map((b) => b.bottom - b.top);
  assert.ok(Math.abs(len[2] / len[0] - 10) < 0.1 && Math.abs(len[1] / len[0] - 2) < 0.05, len.join(' '));
  // The range grows to hold the whiskers: 30 + 10 = 40 is inside the plot box.
  const frame = findAll(parseXml(svg), (e) => e.name === 'rect' && e.attrs.stroke === '#999')[0];
  assert.ok(w[2].top >= Number(frame.attrs.y) - 0.1);
  assert.equal(whiskersOf(figureToSvg(lineChart({ x: [1, 2], ys: [{ name: 'm', y: [1, 2] }] }))).length, 0, 'no error, no whiskers');
  const bars = barChart({ x: ['AE', 'VAE'], ys: [{ name: 'a', y: [5, 6], error: [0.5, 0.5] }, { name: 'b', y: [4, 7], error: [1, 1] }] });
  const bsvg = parseXml(figureToSvg(bars));
  const rects = byClass(bsvg, 'bar');
  const bw = whiskersOf(figureToSvg(bars));
  assert.equal(bw.length, 4);
  // Series a's whiskers, then b's: each at the centre of its bar.
  const centres = [rects[0], rects[1], rects[2], rects[3]].map((r) => Number(r.attrs.x) + Number(r.attrs.width) / 2);
  bw.forEach((b, i) => assert.ok(Math.abs(b.x - centres[i]) < 0.2, `whisker ${i} at its bar's centre`));
});
