"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const plots_1 = require("../lib/figures/plots");
/** Plain JSON: survives a stringify/parse round trip unchanged, and has no typed arrays. */
function assertPlainJson(fig) {
    strict_1.default.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
    const walk = (v, where) => {
        if (ArrayBuffer.isView(v))
            strict_1.default.fail(`typed array at ${where}`);
        if (typeof v === 'number')
            strict_1.default.ok(Number.isFinite(v), `non-finite number at ${where}`);
        if (typeof v === 'function' || typeof v === 'undefined')
            strict_1.default.fail(`${typeof v} at ${where}`);
        if (v && typeof v === 'object')
            for (const [k, c] of Object.entries(v))
                walk(c, `${where}.${k}`);
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
(0, node_test_1.test)('lossCurve: one line per quantity present, lengths match, NaN becomes a gap', () => {
    const fig = (0, plots_1.lossCurve)(history);
    assertPlainJson(fig);
    strict_1.default.equal(fig.data.length, 3); // loss, recon, kl (no elbo in this history)
    for (const t of fig.data) {
        strict_1.default.equal(t.type, 'scatter');
        strict_1.default.equal(t.x.length, 50);
        strict_1.default.equal(t.y.length, 50);
    }
    strict_1.default.deepEqual(fig.data[1].y.slice(0, 3), [180, 179, 178]);
    const withNaN = (0, plots_1.lossCurve)([{ step: 1, loss: NaN }, { step: 2, loss: 3 }]);
    assertPlainJson(withNaN);
    strict_1.default.deepEqual(withNaN.data[0].y, [null, 3]);
    strict_1.default.equal((0, plots_1.lossCurve)([{ step: 1, elbo: -100 }]).data[0].name, 'ELBO');
});
(0, node_test_1.test)('elboCurve: train and test traces per epoch', () => {
    const epochs = [
        { epoch: 1, elbo: -160, test: { elbo: -150 } },
        { epoch: 2, elbo: -140, test: { elbo: -138 } },
        { epoch: 3, elbo: -130 },
    ];
    const fig = (0, plots_1.elboCurve)(epochs);
    assertPlainJson(fig);
    strict_1.default.equal(fig.data.length, 2);
    strict_1.default.deepEqual(fig.data[0].y, [-160, -140, -130]);
    strict_1.default.deepEqual(fig.data[1].x, [1, 2]);
    strict_1.default.equal((0, plots_1.elboCurve)([{ epoch: 1, elbo: -1 }]).data.length, 1);
});
(0, node_test_1.test)('klCurve: KL trace and β on a second axis', () => {
    const fig = (0, plots_1.klCurve)(history, { title: 'warm-up' });
    assertPlainJson(fig);
    strict_1.default.equal(fig.data.length, 2);
    strict_1.default.equal(fig.data[1].yaxis, 'y2');
    strict_1.default.equal(fig.data[1].y[25], 1);
    strict_1.default.ok(fig.layout.yaxis2);
    strict_1.default.deepEqual(fig.layout.title, { text: 'warm-up' });
    strict_1.default.equal((0, plots_1.klCurve)([{ step: 1, kl: 2 }]).data.length, 1);
});
(0, node_test_1.test)('latentScatter: one trace per digit, every point once, fixed colours', () => {
    const n = 200;
    const flat = new Float32Array(n * 3);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
        labels[i] = (i * 7) % 10;
        flat[i * 3] = i;
        flat[i * 3 + 1] = -i;
        flat[i * 3 + 2] = i / 2;
    }
    const fig = (0, plots_1.latentScatter)(flat, labels, { latentDim: 3, dims: [0, 2] });
    assertPlainJson(fig);
    strict_1.default.equal(fig.data.length, 10);
    strict_1.default.deepEqual(fig.data.map((t) => t.name), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const total = fig.data.reduce((s, t) => s + t.x.length, 0);
    strict_1.default.equal(total, n);
    for (const t of fig.data) {
        const k = Number(t.name);
        strict_1.default.equal(t.marker.color, plots_1.DIGIT_COLOURS[k]);
        t.x.forEach((x, j) => {
            strict_1.default.equal(labels[x], k, 'point placed in the trace of its label');
            strict_1.default.equal(t.y[j], x / 2, 'y is dim 2');
        });
    }
    // number[][] input gives the same figure as the flat array.
    const nested = Array.from({ length: n }, (_, i) => [flat[i * 3], flat[i * 3 + 1], flat[i * 3 + 2]]);
    strict_1.default.deepEqual((0, plots_1.latentScatter)(nested, labels, { dims: [0, 2] }), fig);
    strict_1.default.throws(() => (0, plots_1.latentScatter)(new Float32Array(5), [0, 1]), /do not split into points of latentDim 2/);
    strict_1.default.throws(() => (0, plots_1.latentScatter)(new Float32Array(4), [0]), /2 points but 1 labels/);
});
(0, node_test_1.test)('imageGrid: heatmap of the right size, pixels in place, gaps null', () => {
    const h = 4;
    const w = 3;
    const images = Float32Array.from({ length: 5 * h * w }, (_, i) => (i % 17) / 16);
    const fig = (0, plots_1.imageGrid)(images, { height: h, width: w, cols: 3, pad: 1, title: 'samples' });
    assertPlainJson(fig);
    strict_1.default.equal(fig.data.length, 1);
    strict_1.default.equal(fig.data[0].type, 'heatmap');
    const z = fig.data[0].z;
    strict_1.default.equal(z.length, 2 * h + 1);
    strict_1.default.ok(z.every((row) => row.length === 3 * w + 2));
    // Image 4 sits in row 1, column 1.
    const y0 = h + 1;
    const x0 = w + 1;
    for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++)
            strict_1.default.equal(z[y0 + y][x0 + x], Math.fround(images[4 * h * w + y * w + x]));
    }
    strict_1.default.equal(z[0][w], null); // the gap column
    strict_1.default.equal(z[y0][2 * (w + 1)], null); // the empty sixth cell
    strict_1.default.throws(() => (0, plots_1.imageGrid)(new Float32Array(10)), /not a whole number of 28×28 images/);
});
(0, node_test_1.test)('lineChart and barChart: lengths checked', () => {
    const line = (0, plots_1.lineChart)({ x: [1, 2, 3], ys: [{ name: 'a', y: [1, 4, 9] }, { name: 'b', y: new Float32Array([1, 2, 3]) }] }, { logY: true });
    assertPlainJson(line);
    strict_1.default.equal(line.data.length, 2);
    strict_1.default.deepEqual(line.data[1].y, [1, 2, 3]);
    strict_1.default.equal(line.layout.yaxis.type, 'log');
    const bar = (0, plots_1.barChart)({ x: ['0', '1'], ys: [{ name: 'nats', y: [3, 4] }] });
    assertPlainJson(bar);
    strict_1.default.equal(bar.data[0].type, 'bar');
    strict_1.default.throws(() => (0, plots_1.lineChart)({ x: [1, 2], ys: [{ name: 'c', y: [1] }] }), /series 'c' has 1 values for 2 x values/);
});
(0, node_test_1.test)('figures are deterministic', () => {
    const labels = Uint8Array.from({ length: 30 }, (_, i) => i % 10);
    const pts = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i));
    strict_1.default.deepEqual(JSON.stringify((0, plots_1.latentScatter)(pts, labels)), JSON.stringify((0, plots_1.latentScatter)(pts, labels)));
    strict_1.default.deepEqual(JSON.stringify((0, plots_1.lossCurve)(history)), JSON.stringify((0, plots_1.lossCurve)(history)));
    const img = Float32Array.from({ length: 784 * 2 }, (_, i) => (i % 5) / 4);
    strict_1.default.equal(JSON.stringify((0, plots_1.imageGrid)(img)), JSON.stringify((0, plots_1.imageGrid)(img)));
});
