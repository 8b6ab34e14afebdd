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
 * It draws what plots.ts makes: scatter traces (lines and/or markers, linear or log y, a second y axis, error bars),
 * bars (grouped, stacked or overlaid), and heat maps (small ones cell by cell, large ones such as image grids
 * as one embedded PNG). Other trace types are skipped and named in the drawing. Compact by design: a long
 * curve is drawn through the extremes of a few hundred slices, markers are dots of one path, and the figure
 * JSON next to it keeps every point. Browser-safe (no zlib: the PNG encoder is passed in).
 */
import { drawAxisTitles, esc, finite, fmt, labelStep, logTicks, obj, r1, range, text, ticks, type Box, type Layout } from './svg';
import { drawHeatmap, readHeatmap, type HeatSeries, type PngEncoder } from './svgheatmap';

export type { PngEncoder };

/** The part of a plotly figure this module reads. */
export interface SvgFigure {
  data: readonly object[];
  layout?: Record<string, unknown>;
}

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
  kind: 'scatter' | 'bar';
  name: string;
  colour: string;
  /** Scatter only: draw the line, the markers. */
  lines: boolean;
  markers: boolean;
  markerSize: number;
  opacity: number;
  dash: string | undefined;
  /** Drawn against the second y axis (plotly `yaxis: 'y2'`). */
  y2: boolean;
  /** x (a number, or a category) and y per point; null = a gap. */
  xs: (number | string | null)[];
  ys: (number | null)[];
  /** Error bar extents below and above each y (plotly error_y: `array`, and `arrayminus` when asymmetric); none = no bars. */
  errLo?: (number | null)[];
  errHi?: (number | null)[];
  /** Points in the spec (finite or not). */
  count: number;
}

type Series = XySeries | HeatSeries;

function values(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return [];
}

function readXy(t: Record<string, unknown>, kind: 'scatter' | 'bar', i: number): XySeries {
  const marker = obj(t.marker);
  const line = obj(t.line);
  const ys = values(t.y);
  const xs = t.x === undefined ? ys.map((_, k) => k) : values(t.x);
  const n = Math.min(xs.length, ys.length);
  const err = obj(t.error_y);
  const hasErr = err.visible !== false && Array.isArray(err.array) && (err.type === undefined || err.type === 'data');
  const errOf = (v: unknown): (number | null)[] => values(v).slice(0, n).map((e) => (finite(e) && e >= 0 ? e : null));
  // plotly's default mode: lines and markers for fewer than 20 points, lines alone otherwise.
  const mode = kind === 'bar' ? '' : typeof t.mode === 'string' ? t.mode : n < 20 ? 'lines+markers' : 'lines';
  return {
    kind,
    name: typeof t.name === 'string' ? t.name : `trace ${i}`,
    colour: typeof line.color === 'string' ? line.color : typeof marker.color === 'string' ? marker.color : COLOURS[i % COLOURS.length],
    lines: mode.includes('lines'),
    markers: mode.includes('markers'),
    markerSize: finite(marker.size) ? marker.size : 6,
    opacity: finite(marker.opacity) ? marker.opacity : finite(t.opacity) ? t.opacity : 1,
    dash: typeof line.dash === 'string' && line.dash !== 'solid' ? line.dash : undefined,
    y2: t.yaxis === 'y2',
    xs: xs.slice(0, n).map((x) => (finite(x) || typeof x === 'string' ? x : null)),
    ys: ys.slice(0, n).map((y) => (finite(y) ? y : null)),
    ...(hasErr ? { errHi: errOf(err.array), errLo: errOf(err.symmetric === false && Array.isArray(err.arrayminus) ? err.arrayminus : err.array) } : {}),
    count: n,
  };
}

function readSeries(fig: SvgFigure): { series: Series[]; skipped: string[] } {
  const series: Series[] = [];
  const skipped: string[] = [];
  fig.data.forEach((raw, i) => {
    const t = raw as Record<string, unknown>;
    const type = typeof t.type === 'string' ? t.type : 'scatter';
    if (type === 'scatter' || type === 'scattergl') series.push(readXy(t, 'scatter', i));
    else if (type === 'bar') series.push(readXy(t, 'bar', i));
    else if (type === 'heatmap') series.push(readHeatmap(t, typeof t.name === 'string' ? t.name : `trace ${i}`));
    else skipped.push(type);
  });
  return { series, skipped };
}

// ---------------------------------------------------------------------------------------------------------
// Drawing.
// ---------------------------------------------------------------------------------------------------------

/** The SVG markup of `fig`. Deterministic: the same figure gives the same string. */
export function figureToSvg(fig: SvgFigure, options: Partial<SvgChartOptions> = {}): string {
  const opts: SvgChartOptions = { ...DEFAULT_SVG_CHART, ...options };
  const layout: Layout = fig.layout ?? {};
  const { series, skipped } = readSeries(fig);
  const xy = series.filter((s): s is XySeries => s.kind !== 'heatmap');
  const heat = series.filter((s): s is HeatSeries => s.kind === 'heatmap');
  const yaxis = obj(layout.yaxis);
  const title = text(layout.title);
  const hasY2 = xy.some((s) => s.y2);
  const showLegend = layout.showlegend === false ? false : layout.showlegend === true || xy.length > 1;
  const legendWidth = showLegend ? 44 + 7 * Math.min(28, Math.max(0, ...xy.map((s) => s.name.length))) : 0;
  const hiddenAxes = obj(layout.xaxis).visible === false && yaxis.visible === false;
  const m = {
    l: hiddenAxes ? 10 : 64,
    r: (hasY2 ? 56 : 16) + legendWidth + (heat.some((s) => s.showscale) ? 64 : 0),
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
  } else if (!xy.some((s) => s.ys.some((y) => y !== null))) {
    parts.push(`<text x="${r1(box.l + box.w / 2)}" y="${r1(box.t + box.h / 2)}" text-anchor="middle" fill="#888">waiting for data…</text>`);
  } else {
    drawXy(xy, layout, box, height, opts, parts);
    if (showLegend) drawLegend(xy, box.l + box.w + (hasY2 ? 56 : 12), box.t, parts);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** One bar: its series (k-th bar series), category index and the y span it covers. */
interface BarRect {
  s: XySeries;
  k: number;
  cat: number;
  y0: number;
  y1: number;
}

/** Bars per category: grouped (side by side), stacked (negative values stack downwards) or overlaid (plotly barmode). */
function barRects(bars: XySeries[], xOf: (x: number | string | null) => number | null, barmode: 'group' | 'stack' | 'overlay'): BarRect[] {
  const out: BarRect[] = [];
  const stackBase = new Map<string, [number, number]>(); // axis:category → [positive top, negative bottom]
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
      out.push({ s, k, cat, y0, y1 });
    });
  });
  return out;
}

/** Lines, markers and bars on shared axes: grid, ticks, axis titles, then the traces. */
function drawXy(xy: XySeries[], layout: Layout, box: Box, height: number, opts: SvgChartOptions, parts: string[]): void {
  const logY = obj(layout.yaxis).type === 'log';
  const hasY2 = xy.some((s) => s.y2);
  // The x axis: categories (bars, or any string x) in order of first appearance, else numbers.
  const categorical = xy.some((s) => s.kind === 'bar' || s.xs.some((x) => typeof x === 'string'));
  const categories = categorical ? Array.from(new Set(xy.flatMap((s) => s.xs.filter((x) => x !== null).map(String)))) : [];
  const catIndex = new Map(categories.map((c, i) => [c, i]));
  const logX = !categorical && obj(layout.xaxis).type === 'log';
  // On a log axis a value is drawn at its log10; a value ≤ 0 has no place there (a gap, as in plotly).
  const xOf = (x: number | string | null): number | null =>
    x === null ? null : categorical ? catIndex.get(String(x)) ?? null : logX ? ((x as number) > 0 ? Math.log10(x as number) : null) : (x as number);
  const yOf = (y: number | null, onLog: boolean): number | null => (y === null ? null : onLog ? (y > 0 ? Math.log10(y) : null) : y);
  const bars = xy.filter((s) => s.kind === 'bar');
  const barmode = layout.barmode === 'stack' || layout.barmode === 'relative' ? 'stack' : layout.barmode === 'overlay' ? 'overlay' : 'group';
  const rects = barRects(bars, xOf, barmode);

  // Ranges: bars from zero (unless on a log axis), dots at the ends of the x range given a little room.
  const xVals: number[] = [];
  const yVals = rects.filter((b) => !b.s.y2).flatMap((b) => [b.y0, b.y1]).filter((v) => !logY || v > 0).map((v) => (logY ? Math.log10(v) : v));
  const y2Vals = rects.filter((b) => b.s.y2).flatMap((b) => [b.y0, b.y1]);
  // Error bars must fit inside the plot too (their ends, on a log axis only those above 0).
  for (const s of xy) {
    if (!s.errHi) continue;
    s.ys.forEach((y, j) => {
      if (y === null || xOf(s.xs[j]) === null) return;
      for (const e of [y - (s.errLo?.[j] ?? 0), y + (s.errHi?.[j] ?? 0)]) {
        const v = yOf(e, logY && !s.y2);
        if (v !== null) (s.y2 ? y2Vals : yVals).push(v);
      }
    });
  }
  for (const s of xy) {
    if (s.kind !== 'scatter') continue;
    s.xs.forEach((x, j) => {
      const xv = xOf(x);
      const yv = yOf(s.ys[j], logY && !s.y2);
      if (xv === null || yv === null) return;
      xVals.push(xv);
      (s.y2 ? y2Vals : yVals).push(yv);
    });
  }
  const anyMarkers = xy.some((s) => s.kind === 'scatter' && s.markers);
  const [x0, x1] = categorical ? [-0.5, categories.length - 0.5] : range(xVals, anyMarkers ? 0.02 : 0);
  const [y0, y1] = range(yVals, 0.05, bars.length > 0 && !logY);
  const [v0, v1] = range(y2Vals, 0.05, obj(layout.yaxis2).rangemode === 'tozero');
  const sx = (x: number): number => box.l + ((x - x0) / (x1 - x0)) * box.w;
  const sy = (y: number): number => box.t + box.h - ((y - y0) / (y1 - y0)) * box.h;
  const sy2 = (y: number): number => box.t + box.h - ((y - v0) / (v1 - v0)) * box.h;

  // Grid, ticks, axis titles (grouped, so that the shared attributes are written once).
  const yTicks = logY ? logTicks(y0, y1) : ticks(y0, y1);
  parts.push(`<g class="grid" stroke="#e5e5e5">${yTicks.map((v) => `<line x1="${box.l}" x2="${box.l + box.w}" y1="${r1(sy(v))}" y2="${r1(sy(v))}"/>`).join('')}</g>`);
  const labels: string[] = yTicks.map((v) => `<text x="${box.l - 6}" y="${r1(sy(v) + 4)}" text-anchor="end">${esc(fmt(logY ? 10 ** v : v))}</text>`);
  if (hasY2) for (const v of ticks(v0, v1)) labels.push(`<text x="${box.l + box.w + 6}" y="${r1(sy2(v) + 4)}">${esc(fmt(v))}</text>`);
  const below = box.t + box.h + 16;
  if (categorical) {
    const step = labelStep(categories.length, Math.max(...categories.map((c) => c.length)), box.w);
    for (let i = 0; i < categories.length; i += step) labels.push(`<text x="${r1(sx(i))}" y="${below}" text-anchor="middle">${esc(categories[i])}</text>`);
  } else {
    // Whole-number x (epochs, steps, dimensions) gets whole-number ticks.
    const whole = !logX && xVals.every((x) => Number.isInteger(x));
    const xTicks = logX ? logTicks(x0, x1) : ticks(x0, x1).filter((v) => !whole || Number.isInteger(Math.round(v * 1e9) / 1e9));
    for (const v of xTicks) labels.push(`<text x="${r1(sx(v))}" y="${below}" text-anchor="middle">${esc(fmt(logX ? 10 ** v : v))}</text>`);
  }
  parts.push(`<g class="ticks" fill="#444">${labels.join('')}</g>`);
  parts.push(`<rect x="${box.l}" y="${box.t}" width="${box.w}" height="${box.h}" fill="none" stroke="#999"/>`);
  drawAxisTitles(parts, layout, box, height);

  // Bars first, lines and markers over them.
  const slot = box.w / Math.max(1, categories.length);
  const bw = (slot * 0.8) / (barmode === 'group' ? bars.length : 1);
  for (const { s, k, cat, y0: a, y1: b } of rects) {
    const scale = s.y2 ? sy2 : (v: number): number => sy(logY ? Math.log10(Math.max(v, 10 ** y0)) : v);
    const left = sx(cat) - slot * 0.4 + (barmode === 'group' ? k : 0) * bw;
    parts.push(
      `<rect class="bar" x="${r1(left)}" y="${r1(Math.min(scale(a), scale(b)))}" width="${r1(bw)}" height="${r1(Math.abs(scale(a) - scale(b)))}" ` +
        `fill="${esc(s.colour)}"${barmode === 'overlay' ? ' fill-opacity="0.6"' : ''}/>`,
    );
  }
  // Error bars: a vertical whisker with caps at each point (or at the centre of each bar).
  const whiskers: string[] = [];
  const clampY = (v: number, onLog: boolean): number => (onLog ? Math.log10(Math.max(v, 10 ** y0)) : v);
  for (const s of xy) {
    if (!s.errHi) continue;
    const k = bars.indexOf(s);
    s.xs.forEach((x, j) => {
      const xv = xOf(x);
      const y = s.ys[j];
      const lo = s.errLo?.[j];
      const hi = s.errHi?.[j];
      if (xv === null || y === null || lo == null || hi == null) return;
      const cx = s.kind === 'bar' ? sx(xv) - slot * 0.4 + (barmode === 'group' ? k : 0) * bw + bw / 2 : sx(xv);
      const onLog = logY && !s.y2;
      const scale = s.y2 ? sy2 : sy;
      const top = scale(clampY(y + hi, onLog));
      const bottom = scale(clampY(y - lo, onLog));
      const cap = Math.min(4, s.kind === 'bar' ? bw / 4 : 4);
      whiskers.push(`M${r1(cx)} ${r1(top)}V${r1(bottom)}M${r1(cx - cap)} ${r1(top)}h${r1(2 * cap)}M${r1(cx - cap)} ${r1(bottom)}h${r1(2 * cap)}`);
    });
    if (whiskers.length) parts.push(`<path class="error-bars" fill="none" stroke="${esc(s.kind === 'bar' ? '#333' : s.colour)}" stroke-width="1.4" d="${whiskers.splice(0).join('')}"/>`);
  }
  for (const s of xy) {
    if (s.kind !== 'scatter') continue;
    const scaleY = s.y2 ? sy2 : sy;
    // Finite points in order, each with the index of its unbroken segment (plotly breaks a line at a gap).
    const pts: { x: number; y: number; seg: number }[] = [];
    let seg = 0;
    s.xs.forEach((x, j) => {
      const xv = xOf(x);
      const yv = yOf(s.ys[j], logY && !s.y2);
      if (xv === null || yv === null) seg++;
      else pts.push({ x: sx(xv), y: scaleY(yv), seg });
    });
    drawScatter(s, pts, opts.maxLinePoints, parts);
  }
}

/** A scatter trace from its points in pixels: polylines (downsampled, split at gaps) and/or dots. */
function drawScatter(s: XySeries, pts: { x: number; y: number; seg: number }[], maxLinePoints: number, parts: string[]): void {
  // Screen y grows downwards; min/max per slice is the same points either way.
  const keep = pts.length > maxLinePoints && s.lines ? downsampleIndices(pts.map((p) => p.y), maxLinePoints) : pts.map((_, i) => i);
  if (s.lines && pts.length > 1) {
    const dash = s.dash ? ` stroke-dasharray="${s.dash === 'dot' ? '2 3' : s.dash === 'dash' ? '6 4' : '6 3 2 3'}"` : '';
    let run: string[] = [];
    let runSeg = -1;
    const flush = (): void => {
      if (run.length > 1) parts.push(`<polyline class="trace" fill="none" stroke="${esc(s.colour)}" stroke-width="1.8"${dash} points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const i of keep) {
      if (pts[i].seg !== runSeg) {
        flush();
        runSeg = pts[i].seg;
      }
      run.push(`${r1(pts[i].x)},${r1(pts[i].y)}`);
    }
    flush();
  }
  if (s.markers || (s.lines && pts.length === 1)) {
    // One path of zero-length strokes with round caps: a dot per point, ~10 bytes each; a point that
    // lands on the same pixel as an earlier one of the same trace is drawn once.
    const seen = new Set<string>();
    for (const i of keep) seen.add(`M${Math.round(pts[i].x)} ${Math.round(pts[i].y)}h0`);
    parts.push(
      `<path class="markers" data-markers="${seen.size}" fill="none" stroke="${esc(s.colour)}" stroke-width="${r1(Math.max(2, s.markerSize))}" stroke-linecap="round"` +
        `${s.opacity < 1 ? ` stroke-opacity="${s.opacity}"` : ''} d="${Array.from(seen).join('')}"/>`,
    );
  }
}

/** One legend entry per trace, right of the plot: a swatch (line, dot or square) and the name. */
function drawLegend(xy: XySeries[], lx: number, top: number, parts: string[]): void {
  xy.forEach((s, i) => {
    const ly = top + 10 + i * 18;
    if (s.kind === 'bar') parts.push(`<rect x="${lx + 4}" y="${ly - 6}" width="12" height="12" fill="${esc(s.colour)}"/>`);
    else if (s.lines) parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${esc(s.colour)}" stroke-width="2"/>`);
    else parts.push(`<circle cx="${lx + 10}" cy="${ly}" r="4" fill="${esc(s.colour)}"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly + 4}">${esc(s.name.length > 28 ? s.name.slice(0, 27) + '…' : s.name)}</text>`);
  });
}
