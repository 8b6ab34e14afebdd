/**
 * Showing figures, images and text in a notebook: the tslab TypeScript kernel in JupyterLab, or the book's
 * TypeScript kernel in JupyterLite (the browser).
 *
 * A figure goes out as ONE output holding three representations of the same figure spec (a Jupyter MIME
 * bundle), and each frontend shows the richest it can draw:
 * - `application/vnd.plotly.v1+json`, the JSON object `{data, layout, config}`: JupyterLab draws it with the
 *   jupyterlab-plotly renderer (shipped by the `plotly` PyPI package in .venv), and the book with plotly.js;
 * - `image/svg+xml`, a static drawing made here from the same spec (lib/figures/svgchart.ts), for everything
 *   without a plotly renderer: `jupyter nbconvert --to html` or to PDF, GitHub's and nbviewer's previews;
 * - `text/plain`, one line naming the figure (a terminal, a screen reader, a diff).
 * Digit grids go out as `image/png` with a `text/plain` line.
 *
 * Browser-safe: the bundles go to the notebook through the registered DisplaySink (the tslab one is
 * lib/figures/display-tslab.ts, the JupyterLite kernel's is in lite/kernel/). With no sink (plain node, tsx,
 * tests) every function prints one short line instead, so library code and scripts can call them freely.
 */
import { digitGridPng, encodePng, DigitGridOptions, DEFAULT_DIGIT_GRID } from './png';
import { figureToSvg } from './svgchart';
import { gridLayout } from './grid';
import { formatMeanSd, type MeanSd } from './intervals';

/** The MIME type of plotly figures (JupyterLab's plotly renderer, nbconvert, the book). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** What `show` accepts: a plotly figure spec such as those of lib/figures/plots.ts. */
export interface FigureLike {
  data: readonly object[];
  layout?: Record<string, unknown>;
}

/** The JSON object sent as the plotly output (plotly.js `newPlot(el, data, layout, config)` arguments). */
export interface PlotlyBundle {
  data: object[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
}

/** One notebook output: `send` shows a MIME bundle there; a live one replaces its previous bundle in place. */
export interface DisplayOutput {
  send(data: Record<string, unknown>): void;
}

/** Where outputs go: a kernel's display messages (display_data, and update_display_data for live outputs). */
export interface DisplaySink {
  open(live: boolean): DisplayOutput;
}

let currentSink: () => DisplaySink | undefined = () => undefined;

/** Registers where outputs go; `sink` is asked at every call (undefined: not in a notebook, print a line). */
export function setDisplaySink(sink: () => DisplaySink | undefined): void {
  currentSink = sink;
}

/** The sink outputs go to now, if any. */
export function displaySink(): DisplaySink | undefined {
  return currentSink();
}

/** Validates a figure and turns it into the plotly output object (a copy: later mutation is not shown). */
export function plotlyBundle(fig: FigureLike): PlotlyBundle {
  if (fig === null || typeof fig !== 'object' || !Array.isArray(fig.data)) {
    throw new Error('show: expected a figure { data: trace[], layout? } (see lib/figures/plots.ts)');
  }
  const layout = fig.layout ?? {};
  if (typeof layout !== 'object' || Array.isArray(layout)) {
    throw new Error('show: figure.layout must be an object');
  }
  // JSON round trip: typed arrays become plain arrays (what plotly's JSON schema expects) and NaN becomes null.
  const copy = JSON.parse(JSON.stringify({ data: fig.data, layout }, jsonReplacer)) as PlotlyBundle;
  copy.config = { responsive: true, displaylogo: false };
  return copy;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  return value;
}

/** What a trace draws, in words: 'line', 'scatter' (markers), 'bar', 'heat map' or its plotly type. */
function traceKind(t: Record<string, unknown>): string {
  const type = typeof t.type === 'string' ? t.type : 'scatter';
  if (type === 'scatter' || type === 'scattergl') {
    const mode = typeof t.mode === 'string' ? t.mode : 'lines';
    return mode.includes('lines') ? 'line' : 'scatter';
  }
  return type === 'heatmap' ? 'heat map' : type;
}

/**
 * One line naming a figure, its title and what it draws, e.g.
 * `[figure "Training loss": 3 lines (loss (recon + β·KL), reconstruction, KL)]` or `[figure "Samples": 1 heat map (59×59)]`.
 */
export function figureSummary(fig: FigureLike): string {
  const title = fig.layout?.title;
  const text = typeof title === 'string' ? title : (title as { text?: string } | undefined)?.text;
  const groups = new Map<string, { n: number; names: string[] }>();
  for (const raw of fig.data) {
    const t = raw as Record<string, unknown>;
    const kind = traceKind(t);
    const g = groups.get(kind) ?? { n: 0, names: [] };
    groups.set(kind, g);
    g.n += 1;
    if (kind === 'heat map' && Array.isArray(t.z)) {
      const z = t.z as unknown[];
      g.names.push(`${z.length}×${z.reduce<number>((m, row) => Math.max(m, Array.isArray(row) ? row.length : 0), 0)}`);
    } else if (typeof t.name === 'string' && t.name) g.names.push(t.name);
  }
  const parts = Array.from(groups, ([kind, { n, names }]) => {
    const shown = names.length > 10 ? [...names.slice(0, 10), '…'] : names;
    return `${n} ${kind}${n === 1 ? '' : 's'}${shown.length ? ` (${shown.join(', ')})` : ''}`;
  });
  return `[figure${text ? ` "${text}"` : ''}: ${parts.length ? parts.join(', ') : 'no traces'}]`;
}

/**
 * Width in pixels of the static drawing in a figure's bundle when its layout sets none: nbconvert's HTML shows
 * an SVG output as an <img> that its CSS does not shrink, and the PDF page (`--to webpdf`, Letter or A4) has
 * about 640 px for it (measured: 680 px is cut at the right edge).
 */
export const FALLBACK_WIDTH = 600;

/** The SVG drawing of a figure, with the PNG encoder for large heat maps (image grids). */
function figureSvg(fig: FigureLike, width?: number): string {
  return figureToSvg(fig, { encodePng, description: figureSummary(fig), width: width ?? (typeof fig.layout?.width === 'number' ? fig.layout.width : FALLBACK_WIDTH) });
}

/**
 * The MIME bundle of a figure output: the plotly JSON (JupyterLab, the book), its SVG drawing (nbconvert,
 * GitHub, PDF) and a line of text, all from the same spec.
 */
export function figureBundle(fig: FigureLike): Record<string, unknown> {
  const plotly = plotlyBundle(fig);
  return { [PLOTLY_MIME]: plotly, 'image/svg+xml': figureSvg(plotly), 'text/plain': figureSummary(plotly) };
}

/** Shows a plotly figure below the cell (chapter plots, lib/figures/plots.ts specs), with its static fallback. */
export function show(fig: FigureLike): void {
  const t = displaySink();
  if (t) t.open(false).send(figureBundle(fig));
  else console.log(figureSummary(fig));
}

/**
 * A figure that is redrawn in place: ONE output, replaced by each update (Jupyter update_display_data).
 * While it is live the output is a light SVG drawing of the figure (lib/figures/svgchart.ts); `done()` replaces it
 * by the figure's full bundle (interactive plotly figure, its SVG drawing, text), which is what an executed,
 * saved notebook and the book keep.
 *
 * Why not plotly while live: JupyterLab hands an update to the renderer already on the page when the
 * preferred MIME type is unchanged, and jupyterlab-plotly's renderModel returns at once when its graph
 * exists (it calls Plotly.react only on the first render), so no layout field (datarevision, uirevision)
 * reaches plotly. A new graph per update needs a second update with another MIME type in between (the
 * renderer is then rebuilt); in headless Chromium that in-between output was painted for a frame in a good
 * share of the updates, i.e. the curve blinks while training. An SVG update has no such in-between step.
 */
export interface LiveFigure {
  /**
   * Redraws with `fig`. Updates closer than `minIntervalMs` to the previous redraw are held back (the
   * latest is kept) unless `force` is set.
   */
  update(fig: FigureLike, opts?: { force?: boolean }): void;
  /** Ends the live phase: shows `fig` (default: the latest figure) as the interactive plotly figure. */
  done(fig?: FigureLike): void;
  /** How many times the output was (re)drawn, the final plotly figure included. */
  readonly draws: number;
}

export interface LiveFigureOptions {
  /** Minimum milliseconds between two redraws (each sends the whole drawing to the browser). */
  minIntervalMs: number;
  /** Width in pixels of the live SVG drawing. */
  width: number;
}

export const DEFAULT_LIVE_FIGURE: LiveFigureOptions = { minIntervalMs: 250, width: 760 };

/** Shows `initial` now and returns a handle that redraws the same output (chapter 4's live training curve). */
export function liveFigure(initial: FigureLike, opts: Partial<LiveFigureOptions> = {}): LiveFigure {
  const { minIntervalMs, width } = { ...DEFAULT_LIVE_FIGURE, ...opts };
  plotlyBundle(initial);
  const target = displaySink()?.open(true);
  let latest = initial;
  let last = 0;
  let draws = 0;
  let finished = false;
  const drawPreview = (fig: FigureLike): void => {
    last = Date.now();
    draws += 1;
    if (target) target.send({ 'image/svg+xml': figureSvg(fig, width), 'text/plain': `${figureSummary(fig)} (live)` });
    else if (draws === 1) console.log(`${figureSummary(fig)} (live)`);
  };
  drawPreview(initial);
  return {
    update(fig, o = {}) {
      if (finished) throw new Error('liveFigure: update() after done()');
      plotlyBundle(fig); // validate now, so a bad figure fails at the call that made it
      latest = fig;
      if (o.force || Date.now() - last >= minIntervalMs) drawPreview(fig);
    },
    done(fig) {
      if (fig) plotlyBundle(fig);
      finished = true;
      draws += 1;
      if (target) target.send(figureBundle(fig ?? latest));
      else console.log(figureSummary(fig ?? latest));
    },
    get draws() {
      return draws;
    },
  };
}

/** Width and height of PNG bytes (from the IHDR chunk); throws when the bytes are not a PNG. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  if (png.length < 24 || png[0] !== 0x89 || png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) {
    throw new Error('showImage: the bytes are not a PNG file (missing the \\x89PNG signature)');
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Base64 of bytes, with btoa (a browser's, and Node's since 16), in chunks that fit an argument list. */
export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Shows PNG bytes (e.g. from lib/figures/png.ts), with a text line: `description`, else its size. */
export function showImage(png: Uint8Array, description?: string): void {
  const { width, height } = pngSize(png);
  const line = description ?? `[image: PNG ${width}×${height}, ${png.length} bytes]`;
  const t = displaySink();
  if (t) t.open(false).send({ 'image/png': base64(png), 'text/plain': line });
  else console.log(line);
}

/** Shows digits (count × 784 values in [0, 1], row-major) as one PNG grid. */
export function showDigits(images: Float32Array, opts: DigitGridOptions = {}): void {
  const png = digitGridPng(images, opts);
  const { height, width } = { ...DEFAULT_DIGIT_GRID, ...opts };
  const { count, cols, rows } = gridLayout('showDigits', images.length, height, width, opts.count, opts.cols);
  showImage(png, `[digits: ${count} image${count === 1 ? '' : 's'} of ${height}×${width} in ${rows} row${rows === 1 ? '' : 's'} of ${cols}, PNG]`);
}

/** Shows plain text as its own output (text/plain). */
export function showText(text: string): void {
  const t = displaySink();
  if (t) t.open(false).send({ 'text/plain': text });
  else console.log(text);
}

/** A table cell: text, a number, or a number measured over seeds (shown as mean ± sd, lib/figures/intervals.ts). */
export type TableCell = string | number | MeanSd;

/**
 * A fixed-width text table of rows (numbers rounded to `digits` decimals, measurements over seeds as
 * "mean ± sd"), e.g. the test metrics of chapter 4.
 */
export function formatTable(rows: readonly Record<string, TableCell>[], digits = 2): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Array.from(new Set(rows.flatMap((r) => Object.keys(r))));
  const cell = (v: TableCell | undefined): string =>
    v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : typeof v === 'string' ? v : formatMeanSd(v, digits);
  const table = [cols, ...rows.map((r) => cols.map((c) => cell(r[c])))];
  const widths = cols.map((_, j) => Math.max(...table.map((line) => line[j].length)));
  const fmt = (line: string[]): string =>
    line.map((s, j) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j]))).join('  ').trimEnd();
  return [fmt(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(fmt)].join('\n');
}

/** Prints `formatTable(rows)` as text output. */
export function showTable(rows: readonly Record<string, TableCell>[], digits = 2): void {
  showText(formatTable(rows, digits));
}
