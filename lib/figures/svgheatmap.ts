/**
 * A plotly heat-map trace as static SVG (svgchart.ts draws the rest of the figure): small maps cell by cell
 * (<rect>s), large ones, such as the image grids of plots.ts, as one embedded PNG with square, crisp pixels.
 * Browser-safe: the PNG encoder is passed in (internal: not re-exported from lib/index.ts).
 */
import { colourAt, colourScale, hex, isGreyScale, parseColour, type ColourScale, type Rgb } from './colorscale';
import { esc, finite, fmt, label, labelStep, obj, r1, type Box, type Layout } from './svg';

/** PNG bytes of a raster (row-major; 1 channel = grey, 3 = RGB), e.g. lib/figures/png.ts encodePng. */
export type PngEncoder = (pixels: Uint8Array, width: number, height: number, channels: 1 | 3) => Uint8Array;

export interface HeatSeries {
  kind: 'heatmap';
  name: string;
  /** Rows of values; null = no value (the background shows). */
  z: (number | null)[][];
  rows: number;
  cols: number;
  zmin: number;
  zmax: number;
  scale: ColourScale;
  showscale: boolean;
  /** Column and row labels, when the trace gives them. */
  xs: unknown[] | undefined;
  ys: unknown[] | undefined;
}

function values(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return [];
}

/** The heat map of a plotly trace: z, its colour range (zmin/zmax, else the data's) and scale. */
export function readHeatmap(t: Record<string, unknown>, name: string): HeatSeries {
  const z = values(t.z).map((row) => values(row).map((v) => (finite(v) ? v : null)));
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of z) for (const v of row) if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const zmin = finite(t.zmin) ? t.zmin : lo;
  const zmax = finite(t.zmax) ? t.zmax : hi;
  return {
    kind: 'heatmap',
    name,
    z,
    rows: z.length,
    cols: z.reduce((m, row) => Math.max(m, row.length), 0),
    zmin: Number.isFinite(zmin) ? zmin : 0,
    zmax: Number.isFinite(zmax) ? zmax : 1,
    scale: colourScale(t.colorscale, t.reversescale === true),
    showscale: t.showscale !== false,
    xs: Array.isArray(t.x) ? t.x : undefined,
    ys: Array.isArray(t.y) ? t.y : undefined,
  };
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

/**
 * Draws `s` into `box`: cells (as a raster PNG above `maxRectCells` cells when an encoder is given), axis
 * labels unless the layout hides the axes, and a colour bar right of the box unless the trace hides it.
 */
export function drawHeatmap(s: HeatSeries, box: Box, layout: Layout, opts: { maxRectCells: number; encodePng?: PngEncoder }, parts: string[]): void {
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
  if (obj(layout.xaxis).visible !== false && s.cols > 0) {
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
