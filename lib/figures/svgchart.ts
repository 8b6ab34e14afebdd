/**
 * A small static SVG drawing of a plotly line/marker figure: the live preview of `liveFigure`
 * (lib/figures/display.ts) while a model trains (chapter 4).
 *
 * Why not plotly itself for every redraw: JupyterLab's plotly renderer (jupyterlab-plotly 7) keeps the first
 * graph it drew and ignores later `update_display_data` messages for the same output. JupyterLab does build
 * a new renderer when an update changes the MIME type, so a live figure is redrawn as this SVG
 * (image/svg+xml, re-rendered on every update) and ends as the interactive plotly figure.
 * Supports scatter traces (lines and/or markers) with numeric x and y, linear or log y; other traces are skipped.
 */

/** The part of a plotly figure this module reads. */
export interface SvgFigure {
  data: readonly object[];
  layout?: Record<string, unknown>;
}

export interface SvgChartOptions {
  /** Width in pixels. */
  width: number;
  /** Height in pixels; default layout.height, else 360. */
  height?: number;
}

export const DEFAULT_SVG_CHART: SvgChartOptions = { width: 760 };

/** plotly's default colour cycle, so the preview and the final figure use the same colours. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

interface Series {
  name: string;
  colour: string;
  lines: boolean;
  markers: boolean;
  points: [number, number][];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') return (v as { text: string }).text;
  return '';
}

function toSeries(fig: SvgFigure, logY: boolean): Series[] {
  const out: Series[] = [];
  fig.data.forEach((raw, i) => {
    const t = raw as Record<string, unknown>;
    if (t.type !== undefined && t.type !== 'scatter' && t.type !== 'scattergl') return;
    const ys = Array.isArray(t.y) ? (t.y as unknown[]) : [];
    const xs = Array.isArray(t.x) ? (t.x as unknown[]) : ys.map((_, k) => k);
    const points: [number, number][] = [];
    for (let k = 0; k < Math.min(xs.length, ys.length); k++) {
      const x = xs[k];
      const y = ys[k];
      if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0)) {
        points.push([x, logY ? Math.log10(y) : y]);
      }
    }
    const mode = typeof t.mode === 'string' ? t.mode : 'lines';
    const line = t.line as { color?: unknown } | undefined;
    const marker = t.marker as { color?: unknown } | undefined;
    const colour = typeof line?.color === 'string' ? line.color : typeof marker?.color === 'string' ? marker.color : COLOURS[i % COLOURS.length];
    out.push({ name: typeof t.name === 'string' ? t.name : `trace ${i}`, colour, lines: mode.includes('lines'), markers: mode.includes('markers'), points });
  });
  return out;
}

/** About five round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
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

/** The SVG markup of `fig`. Deterministic: the same figure gives the same string. */
export function figureToSvg(fig: SvgFigure, opts: Partial<SvgChartOptions> = {}): string {
  const layout = fig.layout ?? {};
  const width = opts.width ?? DEFAULT_SVG_CHART.width;
  const height = opts.height ?? (typeof layout.height === 'number' ? layout.height : 360);
  const yaxis = (layout.yaxis ?? {}) as Record<string, unknown>;
  const xaxis = (layout.xaxis ?? {}) as Record<string, unknown>;
  const logY = yaxis.type === 'log';
  const series = toSeries(fig, logY);
  const title = text(layout.title);
  const m = { l: 64, r: 170, t: title ? 36 : 14, b: 44 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const all = series.flatMap((s) => s.points);
  const total = series.reduce((n, s) => n + s.points.length, 0);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="live-figure" data-points="${series[0]?.points.length ?? 0}" data-total-points="${total}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  if (title) parts.push(`<text x="${m.l}" y="22" font-size="15">${esc(title)}</text>`);
  if (all.length === 0) {
    parts.push(`<text x="${m.l + pw / 2}" y="${m.t + ph / 2}" text-anchor="middle" fill="#888">waiting for data…</text></svg>`);
    return parts.join('');
  }
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of all) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const r = (v: number): string => v.toFixed(1);
  // Grid, ticks and axis titles.
  for (const v of ticks(y0, y1)) {
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${r(sy(v))}" y2="${r(sy(v))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.l - 6}" y="${r(sy(v) + 4)}" text-anchor="end" fill="#444">${esc(fmt(logY ? 10 ** v : v))}</text>`);
  }
  for (const v of ticks(x0, x1)) {
    parts.push(`<text x="${r(sx(v))}" y="${m.t + ph + 16}" text-anchor="middle" fill="#444">${esc(fmt(v))}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  const xTitle = text(xaxis.title);
  const yTitle = text(yaxis.title);
  if (xTitle) parts.push(`<text x="${m.l + pw / 2}" y="${height - 8}" text-anchor="middle">${esc(xTitle)}</text>`);
  if (yTitle) parts.push(`<text transform="translate(14 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`);
  // Traces and legend.
  series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${r(sx(x))},${r(sy(y))}`);
    if (s.lines && pts.length > 1) {
      parts.push(`<polyline class="trace" fill="none" stroke="${esc(s.colour)}" stroke-width="1.8" points="${pts.join(' ')}"/>`);
    }
    if (s.markers || pts.length === 1) {
      for (const p of pts) {
        const [cx, cy] = p.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${esc(s.colour)}"/>`);
      }
    }
    const ly = m.t + 10 + i * 18;
    parts.push(`<line x1="${m.l + pw + 12}" x2="${m.l + pw + 32}" y1="${ly}" y2="${ly}" stroke="${esc(s.colour)}" stroke-width="2"/>`);
    parts.push(`<text x="${m.l + pw + 38}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
