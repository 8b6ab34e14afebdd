// Executed notebook cells → HTML: the code, highlighted, then its outputs in place.
// Plotly JSON becomes a <div> plus its figure JSON in a <script type="application/json"> that book.js hands to
// Plotly.newPlot; PNGs become files under assets/img named by content hash (identical inputs → identical book).
// Every figure output (plotly, PNG, JPEG, SVG) is a numbered <figure> with the caption and alt text its cell declares
// (figures.ts).
import { createHash } from 'node:crypto';
import { BookError, escapeHtml, highlightCode } from './markdown';
import { joinSource, NotebookCell, NotebookOutput } from './notebooks';
import { plotStill } from './plot-still';
import { BuildNotes, buildNotesHtml, emptyNotes, hideResultsCalls, isPlumbingLine } from './plumbing';
import { UI } from './i18n';
import type { UiStrings } from './i18n';
import { RESULTS_MIME } from '../../lib/figures/results';
import type { SvgFigure } from '../../lib/core';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface OutputContext {
  /** Where the outputs come from, for messages: "notebooks/01-autoencoder.ipynb". */
  notebook: string;
  /** Stable prefix for figure ids on this page, e.g. "fig-02-autoencoder". */
  figurePrefix: string;
  /** Figures rendered so far on this page (ids are prefix-1, prefix-2, …). */
  figureCount: number;
  /** Stores bytes as a book asset and returns its URL relative to the page. */
  asset(bytes: Buffer, ext: string): string;
  /** The figures the current cell shows, in output order; each figure output takes the next one (figures.ts). */
  figures: ShownFigure[];
}

/** A figure of a notebook cell as the page shows it: its id, number, caption and text alternative. */
export interface ShownFigure {
  /** HTML id, e.g. "fig-ae-codes" (cross-references link to it). */
  id: string;
  /** "Figure 2.3". */
  label: string;
  /** The caption, rendered inline HTML. */
  captionHtml: string;
  /** What the figure shows, in words: the image's alt text, or the aria-label of an interactive plot. */
  alt: string;
}

/** True for the outputs the book shows as figures: plotly figures and images. */
export function isFigureData(data: Record<string, unknown>): boolean {
  return PLOTLY_MIME in data || 'image/png' in data || 'image/jpeg' in data || 'image/svg+xml' in data;
}

// Colour codes in tracebacks and progress lines mean nothing in HTML.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join('');
  return '';
}

/** \r-overwritten progress lines keep only their final state, as a terminal would show them. */
function collapseCarriageReturns(s: string): string {
  return s
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((p) => p.length > 0);
      return parts.length ? parts[parts.length - 1] : '';
    })
    .join('\n');
}

function pre(content: string, cls: string): string {
  const clean = collapseCarriageReturns(content.replace(ANSI, '')).replace(/\n+$/, '');
  if (!clean) return '';
  return `<pre class="output ${cls}">${escapeHtml(clean)}</pre>\n`;
}

function plotlyFigure(spec: unknown, ctx: OutputContext, alt: string): string {
  const fig = (typeof spec === 'string' ? JSON.parse(spec) : spec) as { data?: unknown; layout?: unknown; frames?: unknown };
  if (!fig || !Array.isArray(fig.data)) {
    throw new BookError(`${ctx.notebook}: a plotly output has no "data" array`);
  }
  ctx.figureCount += 1;
  const id = `${ctx.figurePrefix}-${ctx.figureCount}`;
  // "</" inside a <script> would end it early; \u003c keeps the JSON valid and the HTML safe.
  const json = JSON.stringify({ data: fig.data, layout: fig.layout ?? {}, frames: fig.frames }).replace(/</g, '\\u003c');
  // role="img" + aria-label: a screen reader announces the plot by what it shows, not by plotly's SVG internals.
  return (
    `<div class="figure-media" role="img" aria-label="${escapeHtml(alt)}">\n` +
    plotStill(fig as SvgFigure) +
    `<div class="plotly-figure" id="${id}" data-figure="${id}-data"></div>\n` +
    `<script type="application/json" id="${id}-data">${json}</script>\n</div>\n`
  );
}

function image(bytes: Buffer, ext: string, ctx: OutputContext, alt: string): string {
  return `<img class="output-image" src="${ctx.asset(bytes, ext)}" alt="${escapeHtml(alt)}">\n`;
}

/** A figure output wrapped as a numbered figure with its caption; the cell must have declared one more figure. */
function renderFigure(data: Record<string, unknown>, ctx: OutputContext, cellIndex: number): string {
  const f = ctx.figures.shift();
  if (!f) {
    throw new BookError(
      `${ctx.notebook}: cell ${cellIndex} shows a figure with no caption and alt text; declare them in the cell's metadata: ` +
        '"figures": [{"id": "fig-…", "caption": "…", "alt": "…"}], one entry per figure, in order',
    );
  }
  let media: string;
  if (PLOTLY_MIME in data) media = plotlyFigure(data[PLOTLY_MIME], ctx, f.alt);
  else if ('image/png' in data) media = image(Buffer.from(text(data['image/png']).replace(/\s+/g, ''), 'base64'), 'png', ctx, f.alt);
  else if ('image/jpeg' in data) media = image(Buffer.from(text(data['image/jpeg']).replace(/\s+/g, ''), 'base64'), 'jpg', ctx, f.alt);
  else media = image(Buffer.from(text(data['image/svg+xml']), 'utf8'), 'svg', ctx, f.alt);
  return (
    `<figure class="figure" id="${escapeHtml(f.id)}">\n${media}` +
    `<figcaption><span class="figure-label">${escapeHtml(f.label)}.</span> ${f.captionHtml}</figcaption>\n</figure>\n`
  );
}

function renderData(data: Record<string, unknown>, ctx: OutputContext, cellIndex: number, notes: BuildNotes): string {
  if (isFigureData(data)) return renderFigure(data, ctx, cellIndex);
  const results = data[RESULTS_MIME];
  if (results !== undefined && !('text/html' in data)) {
    const obj = typeof results === 'string' ? (JSON.parse(results) as unknown) : results;
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) notes.results.push(obj as Record<string, unknown>);
    return '';
  }
  if ('text/html' in data) return `<div class="output output-html">${text(data['text/html'])}</div>\n`;
  if ('text/plain' in data) return pre(text(data['text/plain']), 'output-text');
  return '';
}

/** Consecutive writes to the same stream read as one block, as JupyterLab shows them. */
function mergeStreams(outputs: NotebookOutput[]): NotebookOutput[] {
  const out: NotebookOutput[] = [];
  for (const o of outputs) {
    const last = out[out.length - 1];
    if (o.output_type === 'stream' && last?.output_type === 'stream' && last.name === o.name) {
      out[out.length - 1] = { ...last, text: text(last.text) + text(o.text) };
    } else {
      out.push(o);
    }
  }
  return out;
}

/** A stream's text without the build's plumbing lines (model cache messages), which go to `notes`. */
function withoutPlumbing(s: string, notes: BuildNotes): string {
  const lines = s.split('\n');
  const kept = lines.filter((line) => {
    const final = collapseCarriageReturns(line.replace(ANSI, ''));
    if (!isPlumbingLine(final)) return true;
    notes.log.push(final);
    return false;
  });
  return kept.join('\n');
}

/**
 * The outputs as HTML, in order; the results of showResults and the build's plumbing lines go to `notes` (shown
 * folded under the cell, plumbing.ts).
 */
export function renderOutputs(outputs: NotebookOutput[], ctx: OutputContext, cellIndex: number, notes: BuildNotes = emptyNotes()): string {
  let html = '';
  for (const o of mergeStreams(outputs)) {
    switch (o.output_type) {
      case 'stream':
        html += pre(withoutPlumbing(text(o.text), notes), o.name === 'stderr' ? 'output-stderr' : 'output-stream');
        break;
      case 'display_data':
      case 'execute_result':
      case 'update_display_data':
        html += renderData(o.data ?? {}, ctx, cellIndex, notes);
        break;
      case 'error':
        throw new BookError(`${ctx.notebook}: cell ${cellIndex}: ${o.ename ?? 'Error'}: ${(o.evalue ?? '').replace(ANSI, '')}`);
      default:
        break;
    }
  }
  return html;
}

/**
 * One notebook cell as the book shows it: caption, highlighted source, outputs (its figures numbered and captioned),
 * and, folded, what the build needed from it: its showResults statements and results, and plumbing lines it printed.
 */
export function renderCell(cell: NotebookCell, index: number, ctx: OutputContext, notebookHref: string, ui: UiStrings = UI.en): string {
  const notes = emptyNotes();
  const raw = joinSource(cell.source).replace(/\n+$/, '');
  const { shown, hidden } = cell.cell_type === 'code' ? hideResultsCalls(raw) : { shown: raw, hidden: [] };
  notes.statements.push(...hidden);
  const source = shown;
  const outputs = renderOutputs(cell.outputs ?? [], ctx, index, notes);
  const folded = buildNotesHtml(notes, ui);
  if (ctx.figures.length) {
    throw new BookError(`${ctx.notebook}: cell ${index} declares ${ctx.figures.length} more figure(s) in its metadata than it shows (${ctx.figures.map((f) => f.id).join(', ')})`);
  }
  const lang = cell.cell_type === 'code' ? 'typescript' : '';
  const caption =
    `<div class="cell-caption"><a href="${notebookHref}">${escapeHtml(ctx.notebook.replace(/^.*\//, ''))}</a>` +
    ` · ${ui.cell(index)}</div>\n`;
  return (
    `<div class="nb-cell">\n${caption}` +
    `<pre class="code cell-source"><code class="hljs language-typescript">${highlightCode(source, lang)}</code></pre>\n` +
    (outputs ? `<div class="cell-outputs">\n${outputs}</div>\n` : '') +
    folded +
    `</div>\n`
  );
}

export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}
