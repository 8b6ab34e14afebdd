import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  lossCurve,
  elboCurve,
  klCurve,
  latentScatter,
  imageGrid,
  lineChart,
  barChart,
  seriesOfSummaries,
  posteriorPlot,
  DIGIT_COLOURS,
  type Figure,
} from '../lib/figures/plots';

/** Plain JSON: survives a stringify/parse round trip unchanged, and has no typed arrays. */
function assertPlainJson(fig: Figure): void {
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
  const walk = (v: unknown, where: string): void => {
    if (ArrayBuffer.isView(v)) assert.fail(`typed array at ${where}`);
    if (typeof v === 'number') assert.ok(Number.isFinite(v), `non-finite number at ${where}`);
    if (typeof v === 'function' || typeof v === 'undefined') assert.fail(`${typeof v} at ${where}`);
    if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, `${where}.${k}`);
  };
  walk(fig, 'fig');
}

const history = Array.from({ length: 50 }, (_, i) => ({
  step: i + 1,
  loss: 200 - i,
  recon: 180 - i,
  kl: 20 + (i % 3),
  beta: Math.min(1, i / 25),
}));

test('lossCurve: one line per quantity present, lengths match, NaN becomes a gap', () => {
  const fig = lossCurve(history);
  assertPlainJson(fig);
  assert.equal(fig.data.length, 3); // loss, recon, kl (no elbo in this history)
  for (const t of fig.data) {
    assert.equal(t.type, 'scatter');
    assert.equal((t.x as number[]).length, 50);
    assert.equal((t.y as number[]).length, 50);
  }
  assert.deepEqual((fig.data[1].y as number[]).slice(0, 3), [180, 179, 178]);
  const withNaN = lossCurve([{ step: 1, loss: NaN }, { step: 2, loss: 3 }]);
  assertPlainJson(withNaN);
  assert.deepEqual(withNaN.data[0].y, [null, 3]);
  assert.equal(lossCurve([{ step: 1, elbo: -100 }]).data[0].name, 'ELBO');
});

test('elboCurve: train and test traces per epoch', () => {
  const epochs = [
    { epoch: 1, elbo: -160, test: { elbo: -150 } },
    { epoch: 2, elbo: -140, test: { elbo: -138 } },
    { epoch: 3, elbo: -130 },
  ];
  const fig = elboCurve(epochs);
  assertPlainJson(fig);
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0].y, [-160, -140, -130]);
  assert.deepEqual(fig.data[1].x, [1, 2]);
  assert.equal(elboCurve([{ epoch: 1, elbo: -1 }]).data.length, 1);
});

test('klCurve: KL trace and β on a second axis', () => {
  const fig = klCurve(history, { title: 'warm-up' });
  assertPlainJson(fig);
  assert.equal(fig.data.length, 2);
  assert.equal(fig.data[1].yaxis, 'y2');
  assert.equal((fig.data[1].y as number[])[25], 1);
  assert.ok(fig.layout.yaxis2);
  assert.deepEqual(fig.layout.title, { text: 'warm-up' });
  assert.equal(klCurve([{ step: 1, kl: 2 }]).data.length, 1);
});

test('latentScatter: one trace per digit, every point once, fixed colours', () => {
  const n = 200;
  const flat = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = (i * 7) % 10;
    flat[i * 3] = i;
    flat[i * 3 + 1] = -i;
    flat[i * 3 + 2] = i / 2;
  }
  const fig = latentScatter(flat, labels, { latentDim: 3, dims: [0, 2] });
  assertPlainJson(fig);
  assert.equal(fig.data.length, 10);
  assert.deepEqual(fig.data.map((t) => t.name), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  const total = fig.data.reduce((s, t) => s + (t.x as number[]).length, 0);
  assert.equal(total, n);
  for (const t of fig.data) {
    const k = Number(t.name);
    assert.equal((t.marker as { color: string }).color, DIGIT_COLOURS[k]);
    (t.x as number[]).forEach((x, j) => {
      assert.equal(labels[x], k, 'point placed in the trace of its label');
      assert.equal((t.y as number[])[j], x / 2, 'y is dim 2');
    });
  }
  // number[][] input gives the same figure as the flat array.
  const nested = Array.from({ length: n }, (_, i) => [flat[i * 3], flat[i * 3 + 1], flat[i * 3 + 2]]);
  assert.deepEqual(latentScatter(nested, labels, { dims: [0, 2] }), fig);
  assert.throws(() => latentScatter(new Float32Array(5), [0, 1]), /do not split into points of latentDim 2/);
  assert.throws(() => latentScatter(new Float32Array(4), [0]), /2 points but 1 labels/);
});

test('imageGrid: heatmap of the right size, pixels in place, gaps null', () => {
  const h = 4;
  const w = 3;
  const images = Float32Array.from({ length: 5 * h * w }, (_, i) => (i % 17) / 16);
  const fig = imageGrid(images, { height: h, width: w, cols: 3, pad: 1, title: 'samples' });
  assertPlainJson(fig);
  assert.equal(fig.data.length, 1);
  assert.equal(fig.data[0].type, 'heatmap');
  const z = fig.data[0].z as (number | null)[][];
  assert.equal(z.length, 2 * h + 1);
  assert.ok(z.every((row) => row.length === 3 * w + 2));
  // Image 4 sits in row 1, column 1.
  const y0 = h + 1;
  const x0 = w + 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) assert.equal(z[y0 + y][x0 + x], Math.fround(images[4 * h * w + y * w + x]));
  }
  assert.equal(z[0][w], null); // the gap column
  assert.equal(z[y0][2 * (w + 1)], null); // the empty sixth cell
  assert.throws(() => imageGrid(new Float32Array(10)), /not a whole number of 28×28 images/);
});

test('lineChart and barChart: lengths checked', () => {
  const line = lineChart({ x: [1, 2, 3], ys: [{ name: 'a', y: [1, 4, 9] }, { name: 'b', y: new Float32Array([1, 2, 3]) }] }, { logY: true });
  assertPlainJson(line);
  assert.equal(line.data.length, 2);
  assert.deepEqual(line.data[1].y, [1, 2, 3]);
  assert.equal((line.layout.yaxis as { type: string }).type, 'log');
  const bar = barChart({ x: ['0', '1'], ys: [{ name: 'nats', y: [3, 4] }] });
  assertPlainJson(bar);
  assert.equal(bar.data[0].type, 'bar');
  assert.throws(() => lineChart({ x: [1, 2], ys: [{ name: 'c', y: [1] }] }), /series 'c' has 1 values for 2 x values/);
});

test('figures are deterministic', () => {
  const labels = Uint8Array.from({ length: 30 }, (_, i) => i % 10);
  const pts = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i));
  assert.deepEqual(JSON.stringify(latentScatter(pts, labels)), JSON.stringify(latentScatter(pts, labels)));
  assert.deepEqual(JSON.stringify(lossCurve(history)), JSON.stringify(lossCurve(history)));
  const img = Float32Array.from({ length: 784 * 2 }, (_, i) => (i % 5) / 4);
  assert.equal(JSON.stringify(imageGrid(img)), JSON.stringify(imageGrid(img)));
});

test('error bars: a series measured over seeds carries plotly error_y (the sds); bad errors are refused', () => {
  const s = seriesOfSummaries('conv', [{ mean: 112.6, sd: 1.2 }, { mean: 110.1, sd: 0.4 }]);
  assert.deepEqual(s, { name: 'conv', y: [112.6, 110.1], error: [1.2, 0.4] });
  const line = lineChart({ x: [1, 2], ys: [s, { name: 'no bars', y: [1, 2] }] });
  assertPlainJson(line);
  assert.deepEqual(line.data[0].error_y, { type: 'data', array: [1.2, 0.4], visible: true, thickness: 1.5, width: 4 });
  assert.equal(line.data[1].error_y, undefined);
  const bar = barChart({ x: ['AE', 'VAE'], ys: [s] });
  assert.deepEqual((bar.data[0].error_y as { array: number[] }).array, [1.2, 0.4]);
  assert.throws(() => lineChart({ x: [1, 2], ys: [{ name: 'e', y: [1, 2], error: [1] }] }), /series 'e' has 1 error values for 2 x values/);
  assert.throws(() => barChart({ x: ['a'], ys: [{ name: 'e', y: [1], error: [-1] }] }), /error 0 is -1; an error bar is a half-width ≥ 0/);
});

test('posteriorPlot: a cloud of posterior draws per digit in its colour, and q\'s 1σ and 2σ ellipses', () => {
  const fig = posteriorPlot([
    { label: 3, samples: [0, 0, 1, 1, 0.5, 0.2], qMean: [0.5, 0.5], qSd: [0.1, 0.2] },
    { label: 7, samples: [2, 2], qMean: [2, 2], qSd: [0.3, 0.3] },
  ]);
  assertPlainJson(fig);
  assert.equal(fig.data.length, 6);
  assert.deepEqual(fig.data[0].x, [0, 1, 0.5]);
  assert.equal((fig.data[0].marker as { color: string }).color, DIGIT_COLOURS[3]);
  const one = fig.data[1] as unknown as { x: number[]; y: number[] };
  // The 1σ ellipse passes through mean ± sd on each axis.
  assert.ok(Math.abs(Math.max(...one.x) - 0.6) < 1e-9 && Math.abs(Math.min(...one.y) - 0.3) < 1e-3);
  const two = fig.data[2] as unknown as { x: number[]; line: { dash: string } };
  assert.ok(Math.abs(Math.max(...two.x) - 0.7) < 1e-9);
  assert.equal(two.line.dash, 'dash');
  assert.equal(fig.data[4].showlegend, false, 'the ellipses are in the legend once');
  assert.throws(() => posteriorPlot([{ label: 1, samples: [1, 2, 3], qMean: [0, 0], qSd: [1, 1] }]), /view 0 has 3 values/);
});
