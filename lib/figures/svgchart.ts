/**
 * A static SVG drawing of a plotly figure spec (lib/figures/plots.ts), made without a browser. Two uses:
 *
 * - the fallback every figure output carries next to its plotly JSON (lib/figures/display.ts), so a notebook
 *   exported with `jupyter nbconvert --to html` or to PDF, or opened where no plotly renderer runs (GitHub,
 *   nbviewer), still shows every figure;
 * - the live preview of `liveFigure` while a model trains (chapter 4). JupyterLab's plotly renderer
 *   (jupyterlab-plotly 7) keeps the first graph it drew and ignores later `update_display_data` messages for
 *   the same output; an SVG output is re-rendered on every update.
 *
 * It draws what plots.ts makes: scatter traces (lines and/or markers, linear or log y, a second y axis),
 * bars (grouped, stacked or overlaid), and heat maps (small ones cell by cell, large ones such as image grids
 * as one embedded PNG). Other trace types are skipped and named in the drawing. Compact by design: a long
 * curve is drawn through the extremes of a few hundred slices, markers are dots of one path, and the figure
 * JSON next to it keeps every point. Browser-safe (no zlib: the PNG encoder is passed in).
 */
import { colourAt, colourScale, hex, isGreyScale, parseColour, type ColourScale, type Rgb } from './colorscale';

/** The part of a plotly figure this module reads. */
export interface SvgFigure {
  data: readonly object[];
  layout?: Record<string, unknown>;
}

/** PNG bytes of a raster (row-major; 1 channel = grey, 3 = RGB), e.g. lib/figures/png.ts encodePng. */
export type PngEncoder = (pixels: Uint8Array, width: number, height: number, channels: 1 | 3) => Uint8Array;

export interface SvgChartOptions {
  /** Width in pixels; default layout.width, else 760. */
  width?: number;
  /** Height in pixels; default layout.height, else 360 (heat maps with square cells: fitted to the grid). */
  height?: number;
  /**
   * A line with more points is drawn through its first and last points and the minimum and maximum of
   * (maxLinePoints − 2) / 2 equal slices in between: at most maxLinePoints points, every spike kept.
   */
  maxLinePoints: number;
  /** A heat map with more cells is drawn as one embedded PNG (when `encodePng` is given), else cell by cell. */
  maxRectCells: number;
  /** Encoder for large heat maps; without one they are drawn as <rect> cells (the browser bundle has no zlib). */
  encodePng?: PngEncoder;
  /** What the figure shows, for screen readers (the SVG's <title>); default the figure's title. */
  description?: string;
}

export const DEFAULT_SVG_CHART: SvgChartOptions = { maxLinePoints: 400, maxRectCells: 2500 };

/** plotly's default colour cycle, so the drawing and the interactive figure use the same colours. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

type Trace = Record<string, unknown>;
type Layout = Record<string, unknown>;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** One decimal, without a trailing ".0": coordinates in pixels. */
const r1 = (v: number): string => String(Math.round(v * 10) / 10);

/** A plotly title (string or {text}) as plain text: <br> becomes a space, other tags are dropped. */
function text(v: unknown): string {
  const s = typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string' ? (v as { text: string }).text : '';
  return s.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, '');
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** About five round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** A category or axis label: numbers rounded as tick values are. */
const label = (v: unknown): string => (typeof v === 'number' ? fmt(v) : String(v));

/**
 * Indices of the points drawn for a line of n points: all of them up to maxPoints, else the first, the last,
 * and the arg-min and arg-max of each of (maxPoints − 2) / 2 equal slices of the points in between
 * (in index order), i.e. exactly 2·⌊(maxPoints − 2) / 2⌋ + 2 points.
 */
export function downsampleIndices(ys: ArrayLike<number>, maxPoints: number): number[] {
  const n = ys.length;
  if (n <= maxPoints || maxPoints < 4) return Array.from({ length: n }, (_, i) => i);
  const slices = Math.floor((maxPoints - 2) / 2);
  const out = [0];
  const inner = n - 2;
  for (let b = 0; b < slices; b++) {
    const lo = 1 + Math.floor((b * inner) / slices);
    const hi = 1 + Math.floor(((b + 1) * inner) / slices); // exclusive
    let iMin = lo;
    let iMax = lo;
    for (let i = lo + 1; i < hi; i++) {
      if (ys[i] < ys[iMin]) iMin = i;
      if (ys[i] > ys[iMax]) iMax = i;
    }
    if (iMin === iMax) iMax = hi - 1; // a flat slice: its first and last points
    out.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  out.push(n - 1);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Traces read from the spec.
// ---------------------------------------------------------------------------------------------------------

interface XySeries {
  kind: 'scatter';
  name: string;
  colour: string;
  lines: boolean;
  markers: boolean;
  markerSize: number;
  opacity: number;
  dash: string | undefined;
  /** Drawn against the second y axis (plotly `yaxis: 'y2'`). */
  y2: boolean;
  /** x (a number, or a category index when the x axis is categorical) and y per point; null = a gap. */
  xs: (number | string | null)[];
  ys: (number | null)[];
  /** Points in the spec (finite or not). */
  count: number;
}

interface BarSeries {
  kind: 'bar';
  name: string;
  colour: string;
  y2: boolean;
  xs: (number | string | null)[];
  ys: (number | null)[];
  count: number;
}

interface HeatSeries {
  kind: 'heatmap';
  name: string;
  z: (number | null)[][];
  rows: number;
  cols: number;
  zmin: number;
  zmax: number;
  scale: ColourScale;
  showscale: boolean;
  xs: unknown[] | undefined;
  ys: unknown[] | undefined;
}

type Series = XySeries | BarSeries | HeatSeries;

function values(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return [];
}

function readSeries(fig: SvgFigure): { series: Series[]; skipped: string[] } {
  const series: Series[] = [];
  const skipped: string[] = [];
  fig.data.forEach((raw, i) => {
    const t = raw as Trace;
    const type = typeof t.type === 'string' ? t.type : 'scatter';
    const name = typeof t.name === 'string' ? t.name : `trace ${i}`;
    const marker = obj(t.marker);
    const line = obj(t.line);
    const colour = typeof line.color === 'string' ? line.color : typeof marker.color === 'string' ? marker.color : COLOURS[i % COLOURS.length];
    const y2 = t.yaxis === 'y2';
    if (type === 'scatter' || type === 'scattergl') {
      const ys = values(t.y);
      const xs = t.x === undefined ? ys.map((_, k) => k) : values(t.x);
      const n = Math.min(xs.length, ys.length);
      // plotly's default mode: lines and markers for fewer than 20 points, lines alone otherwise.
      const mode = typeof t.mode === 'string' ? t.mode : n < 20 ? 'lines+markers' : 'lines';
      series.push({
        kind: 'scatter',
        name,
        colour,
        lines: mode.includes('lines'),
        markers: mode.includes('markers'),
        markerSize: finite(marker.size) ? marker.size : 6,
        opacity: finite(marker.opacity) ? marker.opacity : finite(t.opacity) ? t.opacity : 1,
        dash: typeof line.dash === 'string' && line.dash !== 'solid' ? line.dash : undefined,
        y2,
        xs: xs.slice(0, n).map((x) => (finite(x) || typeof x === 'string' ? x : null)),
        ys: ys.slice(0, n).map((y) => (finite(y) ? y : null)),
        count: n,
      });
    } else if (type === 'bar') {
      const ys = values(t.y);
      const xs = t.x === undefined ? ys.map((_, k) => k) : values(t.x);
      const n = Math.min(xs.length, ys.length);
      series.push({
        kind: 'bar',
        name,
        colour,
        y2,
        xs: xs.slice(0, n).map((x) => (finite(x) || typeof x === 'string' ? x : null)),
        ys: ys.slice(0, n).map((y) => (finite(y) ? y : null)),
        count: n,
      });
    } else if (type === 'heatmap') {
      const z = values(t.z).map((row) => values(row).map((v) => (finite(v) ? v : null)));
      const cols = z.reduce((m, row) => Math.max(m, row.length), 0);
      let lo = Infinity;
      let hi = -Infinity;
      for (const row of z) for (const v of row) if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const zmin = finite(t.zmin) ? t.zmin : lo;
      const zmax = finite(t.zmax) ? t.zmax : hi;
      series.push({
        kind: 'heatmap',
        name,
        z,
        rows: z.length,
        cols,
        zmin: Number.isFinite(zmin) ? zmin : 0,
        zmax: Number.isFinite(zmax) ? zmax : 1,
        scale: colourScale(t.colorscale, t.reversescale === true),
        showscale: t.showscale !== false,
        xs: Array.isArray(t.x) ? t.x : undefined,
        ys: Array.isArray(t.y) ? t.y : undefined,
      });
    } else {
      skipped.push(type);
    }
  });
  return { series, skipped };
}

// ---------------------------------------------------------------------------------------------------------
// Drawing.
// ---------------------------------------------------------------------------------------------------------

interface Box {
  l: number;
  t: number;
  w: number;
  h: number;
}

/** Numeric range of finite values, widened when empty or flat. */
function range(vals: number[], pad: number, includeZero = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vals) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (includeZero) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  const p = (hi - lo) * pad;
  return [lo - (includeZero && lo === 0 ? 0 : p), hi + (includeZero && hi === 0 ? 0 : p)];
}

/** Every k-th of `n` category labels so that labels of `chars` characters fit in `width` pixels. */
function labelStep(n: number, chars: number, width: number): number {
  const per = Math.max(3, chars) * 7 + 8;
  return Math.max(1, Math.ceil((n * per) / Math.max(width, 1)));
}

function base64(bytes: Uint8Array): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1] ?? 0, bytes[i + 2] ?? 0];
    const n = (a << 16) | (b << 8) | c;
    out += abc[(n >> 18) & 63] + abc[(n >> 12) & 63] + (i + 1 < bytes.length ? abc[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? abc[n & 63] : '=');
  }
  return out;
}

/** A short stable id for SVG definitions (gradients): identical definitions may share it across figures. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function drawHeatmap(s: HeatSeries, box: Box, layout: Layout, opts: SvgChartOptions, parts: string[]): void {
  const yaxis = obj(layout.yaxis);
  const reversed = yaxis.autorange === 'reversed';
  const bg = parseColour(layout.plot_bgcolor) ?? ([255, 255, 255] as Rgb);
  // Square cells when the y axis is anchored to x (imageGrid): the largest grid that fits, centred.
  let { l, t, w, h } = box;
  if (yaxis.scaleanchor === 'x' && s.rows > 0 && s.cols > 0) {
    const cell = Math.min(w / s.cols, h / s.rows);
    [l, t, w, h] = [l + (w - cell * s.cols) / 2, t + (h - cell * s.rows) / 2, cell * s.cols, cell * s.rows];
  }
  const colour = (v: number): Rgb => colourAt(s.scale, s.zmax > s.zmin ? (v - s.zmin) / (s.zmax - s.zmin) : 0.5);
  const cells = s.rows * s.cols;
  const rowOf = (i: number): number => (reversed ? i : s.rows - 1 - i); // plotly draws row 0 at the bottom
  parts.push(`<rect x="${r1(l)}" y="${r1(t)}" width="${r1(w)}" height="${r1(h)}" fill="${hex(bg)}"/>`);
  if (cells > opts.maxRectCells && opts.encodePng) {
    const grey = isGreyScale(s.scale) && bg[0] === bg[1] && bg[1] === bg[2];
    const ch = grey ? 1 : 3;
    const px = new Uint8Array(cells * ch);
    for (let i = 0; i < s.rows; i++) {
      const row = s.z[i];
      const o = rowOf(i) * s.cols;
      for (let j = 0; j < s.cols; j++) {
        const v = row[j];
        const c = v === null || v === undefined ? bg : colour(v);
        if (ch === 1) px[o + j] = c[0];
        else px.set(c, (o + j) * 3);
      }
    }
    const png = opts.encodePng(px, s.cols, s.rows, ch);
    parts.push(
      `<image class="heatmap-image" data-rows="${s.rows}" data-cols="${s.cols}" x="${r1(l)}" y="${r1(t)}" width="${r1(w)}" height="${r1(h)}" ` +
        `preserveAspectRatio="none" image-rendering="pixelated" style="image-rendering:pixelated" href="data:image/png;base64,${base64(png)}"/>`,
    );
  } else {
    const cw = w / Math.max(1, s.cols);
    const chh = h / Math.max(1, s.rows);
    parts.push('<g class="heatmap-cells" shape-rendering="crispEdges">');
    for (let i = 0; i < s.rows; i++) {
      const y = t + rowOf(i) * chh;
      s.z[i].forEach((v, j) => {
        if (v === null) return;
        // Cells overlap by a hair so no background line shows between neighbours.
        parts.push(`<rect x="${r1(l + j * cw)}" y="${r1(y)}" width="${r1(cw + 0.3)}" height="${r1(chh + 0.3)}" fill="${hex(colour(v))}"/>`);
      });
    }
    parts.push('</g>');
  }
  // Axis labels (categories or indices), unless the axis is hidden (image grids).
  const xaxis = obj(layout.xaxis);
  if (xaxis.visible !== false && s.cols > 0) {
    const labels = s.xs ?? Array.from({ length: s.cols }, (_, j) => j);
    const step = labelStep(s.cols, Math.max(...labels.map((v) => label(v).length)), w);
    for (let j = 0; j < s.cols; j += step) {
      parts.push(`<text x="${r1(l + (j + 0.5) * (w / s.cols))}" y="${r1(t + h + 16)}" text-anchor="middle" fill="#444">${esc(label(labels[j] ?? j))}</text>`);
    }
  }
  if (yaxis.visible !== false && s.rows > 0) {
    const labels = s.ys ?? Array.from({ length: s.rows }, (_, i) => i);
    const step = Math.max(1, Math.ceil((s.rows * 16) / Math.max(h, 1)));
    for (let i = 0; i < s.rows; i += step) {
      parts.push(`<text x="${r1(l - 6)}" y="${r1(t + (rowOf(i) + 0.5) * (h / s.rows) + 4)}" text-anchor="end" fill="#444">${esc(label(labels[i] ?? i))}</text>`);
    }
  }
  if (s.showscale) {
    const id = `cs-${shortHash(JSON.stringify(s.scale.stops))}`;
    const bx = box.l + box.w + 14;
    const stops = s.scale.stops.map(([p, c]) => `<stop offset="${r1(p * 100)}%" stop-color="${hex(c)}"/>`).join('');
    parts.push(`<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`);
    parts.push(`<rect class="colorbar" x="${r1(bx)}" y="${r1(box.t)}" width="14" height="${r1(box.h)}" fill="url(#${id})" stroke="#999"/>`);
    parts.push(`<text x="${r1(bx + 18)}" y="${r1(box.t + 10)}" fill="#444">${esc(fmt(s.zmax))}</text>`);
    parts.push(`<text x="${r1(bx + 18)}" y="${r1(box.t + box.h)}" fill="#444">${esc(fmt(s.zmin))}</text>`);
  }
}

/** The SVG markup of `fig`. Deterministic: the same figure gives the same string. */
export function figureToSvg(fig: SvgFigure, options: Partial<SvgChartOptions> = {}): string {
  const opts: SvgChartOptions = { ...DEFAULT_SVG_CHART, ...options };
  const layout: Layout = fig.layout ?? {};
  const { series, skipped } = readSeries(fig);
  const xy = series.filter((s): s is XySeries | BarSeries => s.kind !== 'heatmap');
  const heat = series.filter((s): s is HeatSeries => s.kind === 'heatmap');
  const yaxis = obj(layout.yaxis);
  const xaxis = obj(layout.xaxis);
  const logY = yaxis.type === 'log';
  const title = text(layout.title);
  const hasY2 = xy.some((s) => s.y2);
  const legendNames = xy.map((s) => s.name);
  const showLegend = layout.showlegend === false ? false : layout.showlegend === true || legendNames.length > 1;
  const legendWidth = showLegend ? 44 + 7 * Math.min(28, Math.max(0, ...legendNames.map((n) => n.length))) : 0;
  const colourbar = heat.some((s) => s.showscale);
  const hiddenAxes = xaxis.visible === false && yaxis.visible === false;
  const m = {
    l: hiddenAxes ? 10 : 64,
    r: (hasY2 ? 56 : 16) + legendWidth + (colourbar ? 64 : 0),
    t: title ? 36 : 14,
    b: hiddenAxes ? 10 : 44,
  };
  const width = opts.width ?? (finite(layout.width) ? layout.width : 760);
  let height = opts.height ?? (finite(layout.height) ? layout.height : undefined);
  if (height === undefined) {
    const square = heat[0] && yaxis.scaleanchor === 'x' && heat[0].cols > 0;
    height = square ? Math.round(Math.min(760, Math.max(120, ((width - m.l - m.r) * heat[0].rows) / heat[0].cols)) + m.t + m.b) : 360;
  }
  const box: Box = { l: m.l, t: m.t, w: width - m.l - m.r, h: height - m.t - m.b };
  const points = xy.map((s) => s.count);
  const total = points.reduce((a, b) => a + b, 0) + heat.reduce((a, s) => a + s.rows * s.cols, 0);
  const kinds = Array.from(new Set(series.map((s) => s.kind))).join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="figure" data-kinds="${kinds}" data-points="${points[0] ?? 0}" data-total-points="${total}" ` +
      `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="sans-serif" font-size="12">`,
    `<title>${esc(opts.description ?? (title || 'figure'))}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  if (title) parts.push(`<text x="${m.l}" y="22" font-size="15">${esc(title)}</text>`);
  if (skipped.length) {
    parts.push(`<text x="${width - 6}" y="${height - 6}" text-anchor="end" fill="#888" font-size="10">not drawn here: ${esc(skipped.join(', '))} trace(s)</text>`);
  }
  if (heat.length) {
    for (const s of heat) drawHeatmap(s, box, layout, opts, parts);
    if (!hiddenAxes) drawAxisTitles(parts, layout, box, height);
    parts.push('</svg>');
    return parts.join('');
  }
  const hasData = xy.some((s) => s.ys.some((y) => y !== null));
  if (!hasData) {
    parts.push(`<text x="${r1(box.l + box.w / 2)}" y="${r1(box.t + box.h / 2)}" text-anchor="middle" fill="#888">waiting for data…</text></svg>`);
    return parts.join('');
  }

  // The x axis: categories (bars, or any string x) in order of first appearance, else numbers.
  const categorical = xy.some((s) => s.kind === 'bar' || s.xs.some((x) => typeof x === 'string'));
  const categories: string[] = [];
  if (categorical) {
    const seen = new Set<string>();
    for (const s of xy) {
      for (const x of s.xs) {
        if (x === null || seen.has(String(x))) continue;
        seen.add(String(x));
        categories.push(String(x));
      }
    }
  }
  const catIndex = new Map(categories.map((c, i) => [c, i]));
  const xOf = (x: number | string | null): number | null => (x === null ? null : categorical ? catIndex.get(String(x)) ?? null : (x as number));
  const tr = (y: number | null, onLog: boolean): number | null => (y === null ? null : onLog ? (y > 0 ? Math.log10(y) : null) : y);

  // Bars: per category, grouped (side by side), stacked or overlaid (plotly barmode).
  const bars = xy.filter((s): s is BarSeries => s.kind === 'bar');
  const barmode = layout.barmode === 'stack' || layout.barmode === 'relative' ? 'stack' : layout.barmode === 'overlay' ? 'overlay' : 'group';
  const barTops: number[] = [];
  const stackBase = new Map<string, [number, number]>(); // category → [positive top, negative bottom]
  const barRects: { s: BarSeries; k: number; cat: number; y0: number; y1: number }[] = [];
  bars.forEach((s, k) => {
    s.xs.forEach((x, j) => {
      const cat = xOf(x);
      const y = s.ys[j];
      if (cat === null || y === null) return;
      let [y0, y1] = [0, y];
      if (barmode === 'stack') {
        const key = `${s.y2}:${cat}`;
        const [pos, neg] = stackBase.get(key) ?? [0, 0];
        [y0, y1] = y >= 0 ? [pos, pos + y] : [neg, neg + y];
        stackBase.set(key, y >= 0 ? [pos + y, neg] : [pos, neg + y]);
      }
      barRects.push({ s, k, cat, y0, y1 });
      if (!s.y2) barTops.push(y0, y1);
    });
  });

  // Ranges.
  const xVals: number[] = [];
  const yVals: number[] = [...barTops.filter((v) => !logY || v > 0).map((v) => (logY ? Math.log10(v) : v))];
  const y2Vals: number[] = [];
  for (const s of xy) {
    if (s.kind !== 'scatter') continue;
    s.xs.forEach((x, j) => {
      const xv = xOf(x);
      const yv = tr(s.ys[j], logY && !s.y2);
      if (xv === null || yv === null) return;
      xVals.push(xv);
      (s.y2 ? y2Vals : yVals).push(yv);
    });
  }
  for (const b of barRects) if (b.s.y2) y2Vals.push(b.y0, b.y1);
  // Dots at the ends of the x range would be cut in half: markers get a little room, lines none.
  const anyMarkers = xy.some((s) => s.kind === 'scatter' && s.markers);
  const [x0, x1] = categorical ? [-0.5, categories.length - 0.5] : range(xVals, anyMarkers ? 0.02 : 0);
  const [y0, y1] = range(yVals, 0.05, bars.length > 0 && !logY);
  const [v0, v1] = range(y2Vals, 0.05, obj(layout.yaxis2).rangemode === 'tozero');
  const sx = (x: number): number => box.l + ((x - x0) / (x1 - x0)) * box.w;
  const sy = (y: number): number => box.t + box.h - ((y - y0) / (y1 - y0)) * box.h;
  const sy2 = (y: number): number => box.t + box.h - ((y - v0) / (v1 - v0)) * box.h;

  // Grid, ticks, axis titles (grouped, so that the shared attributes are written once).
  const yTicks = ticks(y0, y1);
  parts.push(`<g class="grid" stroke="#e5e5e5">${yTicks.map((v) => `<line x1="${box.l}" x2="${box.l + box.w}" y1="${r1(sy(v))}" y2="${r1(sy(v))}"/>`).join('')}</g>`);
  const labels: string[] = yTicks.map((v) => `<text x="${box.l - 6}" y="${r1(sy(v) + 4)}" text-anchor="end">${esc(fmt(logY ? 10 ** v : v))}</text>`);
  if (hasY2) for (const v of ticks(v0, v1)) labels.push(`<text x="${box.l + box.w + 6}" y="${r1(sy2(v) + 4)}">${esc(fmt(v))}</text>`);
  const below = box.t + box.h + 16;
  if (categorical) {
    const step = labelStep(categories.length, Math.max(...categories.map((c) => c.length)), box.w);
    for (let i = 0; i < categories.length; i += step) labels.push(`<text x="${r1(sx(i))}" y="${below}" text-anchor="middle">${esc(categories[i])}</text>`);
  } else {
    // Whole-number x (epochs, steps, dimensions) gets whole-number ticks.
    const whole = xVals.every((x) => Number.isInteger(x));
    const xTicks = ticks(x0, x1).filter((v) => !whole || Number.isInteger(Math.round(v * 1e9) / 1e9));
    for (const v of xTicks) labels.push(`<text x="${r1(sx(v))}" y="${below}" text-anchor="middle">${esc(fmt(v))}</text>`);
  }
  parts.push(`<g class="ticks" fill="#444">${labels.join('')}</g>`);
  parts.push(`<rect x="${box.l}" y="${box.t}" width="${box.w}" height="${box.h}" fill="none" stroke="#999"/>`);
  drawAxisTitles(parts, layout, box, height);

  // Bars first, lines and markers over them.
  if (barRects.length) {
    const slot = box.w / Math.max(1, categories.length);
    const groups = barmode === 'group' ? bars.length : 1;
    const bw = (slot * 0.8) / groups;
    for (const { s, k, cat, y0: a, y1: b } of barRects) {
      const scale = s.y2 ? sy2 : (v: number): number => sy(logY ? Math.log10(Math.max(v, 10 ** y0)) : v);
      const left = sx(cat) - slot * 0.4 + (barmode === 'group' ? k : 0) * bw;
      const top = Math.min(scale(a), scale(b));
      const hgt = Math.abs(scale(a) - scale(b));
      parts.push(`<rect class="bar" x="${r1(left)}" y="${r1(top)}" width="${r1(bw)}" height="${r1(hgt)}" fill="${esc(s.colour)}"${barmode === 'overlay' ? ' fill-opacity="0.6"' : ''}/>`);
    }
  }
  for (const s of xy) {
    if (s.kind !== 'scatter') continue;
    const scaleY = s.y2 ? sy2 : sy;
    // Finite points in order, each with the index of its unbroken segment (plotly breaks a line at a gap).
    const pts: { x: number; y: number; seg: number }[] = [];
    let seg = 0;
    s.xs.forEach((x, j) => {
      const xv = xOf(x);
      const yv = tr(s.ys[j], logY && !s.y2);
      if (xv === null || yv === null) {
        seg++;
        return;
      }
      pts.push({ x: xv, y: yv, seg });
    });
    if (s.lines && pts.length > 1) {
      const keep = downsampleIndices(pts.map((p) => p.y), opts.maxLinePoints);
      const dash = s.dash ? ` stroke-dasharray="${s.dash === 'dot' ? '2 3' : s.dash === 'dash' ? '6 4' : '6 3 2 3'}"` : '';
      let run: string[] = [];
      let runSeg = -1;
      const flush = (): void => {
        if (run.length > 1) parts.push(`<polyline class="trace" fill="none" stroke="${esc(s.colour)}" stroke-width="1.8"${dash} points="${run.join(' ')}"/>`);
        run = [];
      };
      for (const i of keep) {
        const p = pts[i];
        if (p.seg !== runSeg) {
          flush();
          runSeg = p.seg;
        }
        run.push(`${r1(sx(p.x))},${r1(scaleY(p.y))}`);
      }
      flush();
    }
    if (s.markers || (s.lines && pts.length === 1)) {
      // One path of zero-length strokes with round caps: a dot per point, ~10 bytes each; a point that
      // lands on the same pixel as an earlier one of the same trace is drawn once.
      const keep = s.lines && pts.length > opts.maxLinePoints ? downsampleIndices(pts.map((p) => p.y), opts.maxLinePoints) : pts.map((_, i) => i);
      const seen = new Set<string>();
      const d: string[] = [];
      for (const i of keep) {
        const key = `M${Math.round(sx(pts[i].x))} ${Math.round(scaleY(pts[i].y))}`;
        if (seen.has(key)) continue;
        seen.add(key);
        d.push(`${key}h0`);
      }
      const size = Math.max(2, s.markerSize);
      parts.push(
        `<path class="markers" data-markers="${d.length}" fill="none" stroke="${esc(s.colour)}" stroke-width="${r1(size)}" stroke-linecap="round"` +
          `${s.opacity < 1 ? ` stroke-opacity="${s.opacity}"` : ''} d="${d.join('')}"/>`,
      );
    }
  }

  // Legend.
  if (showLegend) {
    const lx = box.l + box.w + (hasY2 ? 56 : 12);
    xy.forEach((s, i) => {
      const ly = box.t + 10 + i * 18;
      if (s.kind === 'bar') parts.push(`<rect x="${lx + 4}" y="${ly - 6}" width="12" height="12" fill="${esc(s.colour)}"/>`);
      else if (s.lines) parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${esc(s.colour)}" stroke-width="2"/>`);
      else parts.push(`<circle cx="${lx + 10}" cy="${ly}" r="4" fill="${esc(s.colour)}"/>`);
      parts.push(`<text x="${lx + 26}" y="${ly + 4}">${esc(s.name.length > 28 ? s.name.slice(0, 27) + '…' : s.name)}</text>`);
    });
  }
  parts.push('</svg>');
  return parts.join('');
}

function drawAxisTitles(parts: string[], layout: Layout, box: Box, height: number): void {
  const xTitle = text(obj(layout.xaxis).title);
  const yTitle = text(obj(layout.yaxis).title);
  const y2Title = text(obj(layout.yaxis2).title);
  if (xTitle) parts.push(`<text x="${r1(box.l + box.w / 2)}" y="${height - 8}" text-anchor="middle">${esc(xTitle)}</text>`);
  if (yTitle) parts.push(`<text transform="translate(14 ${r1(box.t + box.h / 2)}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`);
  if (y2Title) parts.push(`<text transform="translate(${r1(box.l + box.w + 46)} ${r1(box.t + box.h / 2)}) rotate(90)" text-anchor="middle">${esc(y2Title)}</text>`);
}
