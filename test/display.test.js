"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// lib/figures/display.ts and lib/training/profile.ts outside a notebook (plain node). Inside the tslab kernel they are
// exercised by test/notebooks.test.ts and test/jupyterlab.browser.test.ts.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const display_1 = require("../lib/figures/display");
const profile_1 = require("../lib/training/profile");
const svgchart_1 = require("../lib/figures/svgchart");
function captureLog(fn) {
    const lines = [];
    const orig = console.log;
    console.log = (...args) => void lines.push(args.map(String).join(' '));
    try {
        fn();
    }
    finally {
        console.log = orig;
    }
    return lines;
}
(0, node_test_1.test)('outside tslab: not a notebook, figures print one short line', () => {
    strict_1.default.equal((0, display_1.isNotebook)(), false);
    strict_1.default.equal(display_1.PLOTLY_MIME, 'application/vnd.plotly.v1+json');
    const lines = captureLog(() => (0, display_1.show)({ data: [{ y: [1] }, { y: [2] }], layout: { title: { text: 'Loss' } } }));
    strict_1.default.deepEqual(lines, ['[figure "Loss": 2 traces]']);
});
(0, node_test_1.test)('plotlyBundle: plain JSON copy, typed arrays become arrays, config added; bad figures are clear errors', () => {
    const y = new Float32Array([0.5, 1.5]);
    const fig = { data: [{ type: 'scatter', y }], layout: { title: 't' } };
    const b = (0, display_1.plotlyBundle)(fig);
    strict_1.default.deepEqual(b.data, [{ type: 'scatter', y: [0.5, 1.5] }]);
    strict_1.default.deepEqual(b.layout, { title: 't' });
    strict_1.default.equal(b.config.displaylogo, false);
    y[0] = 9; // the bundle is a copy
    strict_1.default.deepEqual(b.data, [{ type: 'scatter', y: [0.5, 1.5] }]);
    strict_1.default.throws(() => (0, display_1.plotlyBundle)({ layout: {} }), /show: expected a figure \{ data: trace\[\], layout\? \}/);
    strict_1.default.throws(() => (0, display_1.plotlyBundle)({ data: [], layout: [] }), /figure\.layout must be an object/);
});
(0, node_test_1.test)('liveFigure: throttled live redraws, done() shows the final figure; validates each update', () => {
    let live;
    const lines = captureLog(() => {
        live = (0, display_1.liveFigure)({ data: [{ y: [] }] }, { minIntervalMs: 60000 });
        live.update({ data: [{ y: [1] }] }); // within the interval: not redrawn
        live.update({ data: [{ y: [1, 2] }] });
    });
    strict_1.default.ok(live);
    strict_1.default.equal(live.draws, 1);
    live.update({ data: [{ y: [3] }] }, { force: true });
    strict_1.default.equal(live.draws, 2);
    strict_1.default.throws(() => live?.update({}), /expected a figure/);
    const end = captureLog(() => live?.done({ data: [{ y: [1, 2, 3] }], layout: { title: { text: 'final' } } }));
    strict_1.default.equal(live.draws, 3);
    strict_1.default.deepEqual(lines, ['[figure: 1 trace] (live)']);
    strict_1.default.deepEqual(end, ['[figure "final": 1 trace]']);
    strict_1.default.throws(() => live?.update({ data: [] }), /update\(\) after done\(\)/);
});
(0, node_test_1.test)('figureToSvg: one polyline per line trace with every finite point, legend, deterministic', () => {
    const fig = {
        data: [
            { type: 'scatter', mode: 'lines', name: 'recon', x: [1, 2, 3, 4], y: [200, 150, 120, 110] },
            { type: 'scatter', mode: 'lines', name: 'KL <β>', x: [1, 2, 3, 4], y: [1, null, 20, 25] },
            { type: 'heatmap', z: [[1]] },
        ],
        layout: { title: { text: 'Loss' }, height: 300, xaxis: { title: { text: 'step' } } },
    };
    const svg = (0, svgchart_1.figureToSvg)(fig);
    strict_1.default.equal(svg, (0, svgchart_1.figureToSvg)(fig));
    strict_1.default.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    strict_1.default.match(svg, /data-points="4" data-total-points="7"/);
    const polylines = svg.match(/<polyline [^>]*points="([^"]*)"/g) ?? [];
    strict_1.default.equal(polylines.length, 2);
    strict_1.default.equal((polylines[0].match(/points="([^"]*)"/)?.[1] ?? '').split(' ').length, 4);
    strict_1.default.equal((polylines[1].match(/points="([^"]*)"/)?.[1] ?? '').split(' ').length, 3, 'null is skipped');
    strict_1.default.match(svg, />KL &lt;β&gt;</);
    strict_1.default.match(svg, /height="300"/);
    strict_1.default.match((0, svgchart_1.figureToSvg)({ data: [] }), /waiting for data/);
});
(0, node_test_1.test)('showImage checks the PNG signature; showDigits encodes a grid', () => {
    strict_1.default.throws(() => (0, display_1.showImage)(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a PNG file/);
    const lines = captureLog(() => (0, display_1.showDigits)(new Float32Array(4 * 784).fill(0.5), { cols: 2 }));
    strict_1.default.equal(lines.length, 1);
    strict_1.default.match(lines[0], /^\[image: PNG, \d+ bytes\]$/);
});
(0, node_test_1.test)('formatTable aligns columns and rounds numbers', () => {
    const t = (0, display_1.formatTable)([
        { metric: 'test -ELBO', nats: 123.456 },
        { metric: 'IWAE NLL', nats: 119.5, k: 100 },
    ]);
    strict_1.default.equal(t, ['metric        nats    k', '----------  ------  ---', 'test -ELBO  123.46', 'IWAE NLL    119.50  100'].join('\n'));
    strict_1.default.equal((0, display_1.formatTable)([]), '(no rows)');
});
(0, node_test_1.test)('profile(): VAE_PROFILE quick|full, default full, anything else is a clear error; pick follows it', () => {
    const saved = process.env.VAE_PROFILE;
    try {
        delete process.env.VAE_PROFILE;
        strict_1.default.equal((0, profile_1.profile)(), 'full');
        strict_1.default.equal((0, profile_1.pick)({ quick: 1, full: 10 }), 10);
        process.env.VAE_PROFILE = 'quick';
        strict_1.default.equal((0, profile_1.profile)(), 'quick');
        strict_1.default.equal((0, profile_1.pick)({ quick: 1, full: 10 }), 1);
        process.env.VAE_PROFILE = 'fast';
        strict_1.default.throws(() => (0, profile_1.profile)(), /unknown VAE_PROFILE 'fast'; expected 'quick' or 'full'/);
    }
    finally {
        if (saved === undefined)
            delete process.env.VAE_PROFILE;
        else
            process.env.VAE_PROFILE = saved;
    }
});
