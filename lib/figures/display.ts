/**
 * Showing figures, images and text in a notebook (the tslab TypeScript kernel in JupyterLab).
 *
 * Figures go out as the MIME type `application/vnd.plotly.v1+json` with a JSON object `{data, layout}`:
 * JupyterLab draws them with the jupyterlab-plotly renderer (shipped by the `plotly` PyPI package in .venv,
 * which loads plotly.js once per page, not once per output), and the book draws the same JSON with plotly.js.
 * tslab's `display.raw(type, value)` is typed for strings and bytes, but hands any other value to the
 * Jupyter message unchanged; an object is what the plotly renderer (and nbformat, for `+json` types) expects.
 *
 * Outside a notebook (plain node, tsx, tests) every function prints one short line instead, so library
 * code and scripts can call them freely.
 */
import type { Display } from 'tslab';
import { digitGridPng, DigitGridOptions } from './png';
import { figureToSvg } from './svgchart';

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

interface TslabModule {
  display: Display;
  newDisplay(): Display;
}

/** True inside the tslab kernel: its Jupyter server module is loaded in this process. */
export function isNotebook(): boolean {
  return Object.keys(require.cache).some((k) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k));
}

let tslabModule: TslabModule | undefined;

/** tslab's public module, or undefined outside the kernel (never loads tslab's TypeScript compiler in node). */
function tslab(): TslabModule | undefined {
  if (!isNotebook()) return undefined;
  if (tslabModule === undefined) {
    // Inside the kernel `require('tslab')` is hooked to the running kernel's own module (tslab executor.js).
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    tslabModule = require('tslab') as TslabModule;
  }
  return tslabModule;
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

function figureSummary(fig: FigureLike): string {
  const title = fig.layout?.title;
  const text = typeof title === 'string' ? title : (title as { text?: string } | undefined)?.text;
  return `[figure${text ? ` "${text}"` : ''}: ${fig.data.length} trace${fig.data.length === 1 ? '' : 's'}]`;
}

/** Sends a plotly figure through a tslab display; `raw` passes the object through unchanged (see top). */
function sendFigure(target: Display, fig: FigureLike): void {
  (target.raw as (type: string, value: unknown) => void)(PLOTLY_MIME, plotlyBundle(fig));
}

/** Shows a plotly figure below the cell (chapter plots, lib/figures/plots.ts specs). */
export function show(fig: FigureLike): void {
  const t = tslab();
  if (t) sendFigure(t.display, fig);
  else console.log(figureSummary(fig));
}

/**
 * A figure that is redrawn in place: ONE output, replaced by each update (Jupyter update_display_data).
 * While it is live the output is a light SVG drawing of the figure (lib/figures/svgchart.ts); `done()` replaces it
 * by the interactive plotly figure, which is what an executed, saved notebook and the book keep.
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
  const t = tslab();
  const target = t?.newDisplay();
  let latest = initial;
  let last = 0;
  let draws = 0;
  let finished = false;
  const drawPreview = (fig: FigureLike): void => {
    last = Date.now();
    draws += 1;
    if (target) target.svg(figureToSvg(fig, { width }));
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
      if (target) sendFigure(target, fig ?? latest);
      else console.log(figureSummary(fig ?? latest));
    },
    get draws() {
      return draws;
    },
  };
}

/** Shows PNG bytes (e.g. from lib/figures/png.ts). */
export function showImage(png: Uint8Array): void {
  if (png.length < 8 || png[0] !== 0x89 || png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) {
    throw new Error('showImage: the bytes are not a PNG file (missing the \\x89PNG signature)');
  }
  const t = tslab();
  if (t) t.display.png(png);
  else console.log(`[image: PNG, ${png.length} bytes]`);
}

/** Shows digits (count × 784 values in [0, 1], row-major) as one PNG grid. */
export function showDigits(images: Float32Array, opts: DigitGridOptions = {}): void {
  showImage(digitGridPng(images, opts));
}

/** Shows plain text as its own output (text/plain). */
export function showText(text: string): void {
  const t = tslab();
  if (t) t.display.text(text);
  else console.log(text);
}

/** A fixed-width text table of rows (numbers rounded to `digits` decimals), e.g. the test metrics of chapter 4. */
export function formatTable(rows: readonly Record<string, string | number>[], digits = 2): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Array.from(new Set(rows.flatMap((r) => Object.keys(r))));
  const cell = (v: string | number | undefined): string =>
    v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : v;
  const table = [cols, ...rows.map((r) => cols.map((c) => cell(r[c])))];
  const widths = cols.map((_, j) => Math.max(...table.map((line) => line[j].length)));
  const fmt = (line: string[]): string =>
    line.map((s, j) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j]))).join('  ').trimEnd();
  return [fmt(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(fmt)].join('\n');
}

/** Prints `formatTable(rows)` as text output. */
export function showTable(rows: readonly Record<string, string | number>[], digits = 2): void {
  showText(formatTable(rows, digits));
}
