"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.contentHash = exports.renderCell = exports.renderOutputs = exports.PLOTLY_MIME = void 0;
// Executed notebook cells → HTML: the code, highlighted, then its outputs in place.
// Plotly JSON becomes a <div> plus its figure JSON in a <script type="application/json"> that book.js hands to
// Plotly.newPlot; PNGs become files under assets/img named by content hash (identical inputs → identical book).
const node_crypto_1 = require("node:crypto");
const markdown_1 = require("./markdown");
const notebooks_1 = require("./notebooks");
exports.PLOTLY_MIME = 'application/vnd.plotly.v1+json';
// Colour codes in tracebacks and progress lines mean nothing in HTML.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;
function text(v) {
    if (typeof v === 'string')
        return v;
    if (Array.isArray(v))
        return v.join('');
    return '';
}
/** \r-overwritten progress lines keep only their final state, as a terminal would show them. */
function collapseCarriageReturns(s) {
    return s
        .split('\n')
        .map((line) => {
        const parts = line.split('\r').filter((p) => p.length > 0);
        return parts.length ? parts[parts.length - 1] : '';
    })
        .join('\n');
}
function pre(content, cls) {
    const clean = collapseCarriageReturns(content.replace(ANSI, '')).replace(/\n+$/, '');
    if (!clean)
        return '';
    return `<pre class="output ${cls}">${(0, markdown_1.escapeHtml)(clean)}</pre>\n`;
}
function plotlyFigure(spec, ctx) {
    const fig = (typeof spec === 'string' ? JSON.parse(spec) : spec);
    if (!fig || !Array.isArray(fig.data)) {
        throw new markdown_1.BookError(`${ctx.notebook}: a plotly output has no "data" array`);
    }
    ctx.figureCount += 1;
    const id = `${ctx.figurePrefix}-${ctx.figureCount}`;
    // "</" inside a <script> would end it early; \u003c keeps the JSON valid and the HTML safe.
    const json = JSON.stringify({ data: fig.data, layout: fig.layout ?? {}, frames: fig.frames }).replace(/</g, '\\u003c');
    return (`<div class="plotly-figure" id="${id}" data-figure="${id}-data"></div>\n` +
        `<script type="application/json" id="${id}-data">${json}</script>\n`);
}
function image(b64, mime, ctx) {
    const bytes = Buffer.from(text(b64).replace(/\s+/g, ''), 'base64');
    const url = ctx.asset(bytes, mime === 'image/png' ? 'png' : 'jpg');
    return `<img class="output-image" src="${url}" alt="Output image from ${(0, markdown_1.escapeHtml)(ctx.notebook)}">\n`;
}
function renderData(data, ctx) {
    if (exports.PLOTLY_MIME in data)
        return plotlyFigure(data[exports.PLOTLY_MIME], ctx);
    if ('image/png' in data)
        return image(data['image/png'], 'image/png', ctx);
    if ('image/jpeg' in data)
        return image(data['image/jpeg'], 'image/jpeg', ctx);
    if ('image/svg+xml' in data) {
        const svg = text(data['image/svg+xml']);
        return `<img class="output-image" src="${ctx.asset(Buffer.from(svg, 'utf8'), 'svg')}" alt="Output figure">\n`;
    }
    if ('text/html' in data)
        return `<div class="output output-html">${text(data['text/html'])}</div>\n`;
    if ('text/plain' in data)
        return pre(text(data['text/plain']), 'output-text');
    return '';
}
/** Consecutive writes to the same stream read as one block, as JupyterLab shows them. */
function mergeStreams(outputs) {
    const out = [];
    for (const o of outputs) {
        const last = out[out.length - 1];
        if (o.output_type === 'stream' && last?.output_type === 'stream' && last.name === o.name) {
            out[out.length - 1] = { ...last, text: text(last.text) + text(o.text) };
        }
        else {
            out.push(o);
        }
    }
    return out;
}
function renderOutputs(outputs, ctx, cellIndex) {
    let html = '';
    for (const o of mergeStreams(outputs)) {
        switch (o.output_type) {
            case 'stream':
                html += pre(text(o.text), o.name === 'stderr' ? 'output-stderr' : 'output-stream');
                break;
            case 'display_data':
            case 'execute_result':
            case 'update_display_data':
                html += renderData(o.data ?? {}, ctx);
                break;
            case 'error':
                throw new markdown_1.BookError(`${ctx.notebook}: cell ${cellIndex}: ${o.ename ?? 'Error'}: ${(o.evalue ?? '').replace(ANSI, '')}`);
            default:
                break;
        }
    }
    return html;
}
exports.renderOutputs = renderOutputs;
/** One notebook cell as the book shows it: caption, highlighted source, outputs. */
function renderCell(cell, index, ctx, notebookHref) {
    const source = (0, notebooks_1.joinSource)(cell.source).replace(/\n+$/, '');
    const outputs = renderOutputs(cell.outputs ?? [], ctx, index);
    const lang = cell.cell_type === 'code' ? 'typescript' : '';
    const caption = `<div class="cell-caption"><a href="${notebookHref}">${(0, markdown_1.escapeHtml)(ctx.notebook.replace(/^.*\//, ''))}</a>` +
        ` · cell ${index}</div>\n`;
    return (`<figure class="nb-cell">\n${caption}` +
        `<pre class="code cell-source"><code class="hljs language-typescript">${(0, markdown_1.highlightCode)(source, lang)}</code></pre>\n` +
        (outputs ? `<div class="cell-outputs">\n${outputs}</div>\n` : '') +
        `</figure>\n`);
}
exports.renderCell = renderCell;
function contentHash(bytes) {
    return (0, node_crypto_1.createHash)('sha256').update(bytes).digest('hex').slice(0, 16);
}
exports.contentHash = contentHash;
