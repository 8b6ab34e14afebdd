// The 2-D latent plane shared by the latent explorer and draw-a-digit: data ↔ pixel maps, round ticks, and the
// plane as SVG markup (test codes as dots coloured by digit, the prior's 1σ and 2σ circles, axes). The same
// function draws the still image at build time in Node and the live plane in the page, so both look alike.
import { DIGIT_COLOURS } from '../../../lib/core';

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** An SVG viewBox of `size` × `size` units with margins for the tick labels. */
export interface Frame {
  size: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const DEFAULT_FRAME: Frame = { size: 360, left: 34, right: 8, top: 8, bottom: 30 };

/**
 * A square window around the origin covering the codes: half-width = the `quantile` of |z| over both
 * coordinates, rounded up to a half unit and at least `minHalf` (the prior's 3σ when codes are tight).
 */
export function symmetricBounds(codes: ArrayLike<number>, opts: { quantile?: number; minHalf?: number } = {}): Bounds {
  const quantile = opts.quantile ?? 0.995;
  const minHalf = opts.minHalf ?? 3;
  const abs = Array.from(codes, (v) => Math.abs(v)).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const q = abs.length ? abs[Math.min(abs.length - 1, Math.floor(quantile * abs.length))] : 0;
  const half = Math.max(minHalf, Math.ceil(q * 2) / 2);
  return { x0: -half, x1: half, y0: -half, y1: half };
}

/** Data → SVG units (y grows upwards in data, downwards on screen). */
export function toPixel(b: Bounds, f: Frame, x: number, y: number): [number, number] {
  const w = f.size - f.left - f.right;
  const h = f.size - f.top - f.bottom;
  return [f.left + ((x - b.x0) / (b.x1 - b.x0)) * w, f.top + ((b.y1 - y) / (b.y1 - b.y0)) * h];
}

/** SVG units → data: the inverse of toPixel. */
export function toData(b: Bounds, f: Frame, px: number, py: number): [number, number] {
  const w = f.size - f.left - f.right;
  const h = f.size - f.top - f.bottom;
  return [b.x0 + ((px - f.left) / w) * (b.x1 - b.x0), b.y1 - ((py - f.top) / h) * (b.y1 - b.y0)];
}

/** Is (x, y) inside the bounds? */
export function inside(b: Bounds, x: number, y: number): boolean {
  return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;
}

/** Round tick values (1, 2, 5 × 10^k steps) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

const r1 = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * The dots of points (count × 2, row-major) inside the bounds, one path per digit class: each dot is a
 * zero-length segment drawn with a round cap, a tenth of the markup of <circle> elements.
 */
export function scatterPaths(b: Bounds, f: Frame, points: ArrayLike<number>, labels: ArrayLike<number>, dotSize = 3): string {
  const byClass = new Map<number, string[]>();
  for (let i = 0; i < labels.length; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    if (!inside(b, x, y)) continue;
    const [px, py] = toPixel(b, f, x, y);
    const list = byClass.get(labels[i]) ?? [];
    list.push(`M${r1(px)} ${r1(py)}h0`);
    byClass.set(labels[i], list);
  }
  return [...byClass.keys()].sort((a, c) => a - c).map((k) =>
    `<path class="plane-dots" data-digit="${k}" stroke="${DIGIT_COLOURS[k % DIGIT_COLOURS.length]}" stroke-width="${dotSize}" stroke-linecap="round" d="${byClass.get(k)!.join('')}"/>`,
  ).join('');
}

/** An axis-aligned ellipse (a diagonal Gaussian's k-σ contour) in SVG units: centre and radii. */
export function ellipseOf(b: Bounds, f: Frame, mean: [number, number], sigma: [number, number], k = 1): { cx: number; cy: number; rx: number; ry: number } {
  const [cx, cy] = toPixel(b, f, mean[0], mean[1]);
  const w = f.size - f.left - f.right;
  const h = f.size - f.top - f.bottom;
  return { cx, cy, rx: (k * sigma[0] * w) / (b.x1 - b.x0), ry: (k * sigma[1] * h) / (b.y1 - b.y0) };
}

export interface PlaneOptions {
  bounds: Bounds;
  frame?: Frame;
  /** Test codes, count × 2, and their digit labels. */
  points?: ArrayLike<number>;
  labels?: ArrayLike<number>;
  dotSize?: number;
  /** Draw the prior's 1σ and 2σ circles. */
  prior?: boolean;
  /** Extra SVG markup drawn on top (ellipses of a still, the live probe's layer). */
  overlay?: string;
  /** Accessible description. */
  label: string;
}

/** The plane as one <svg> element (theme colours come from CSS classes; digit colours are fixed). */
export function planeSvg(o: PlaneOptions): string {
  const f = o.frame ?? DEFAULT_FRAME;
  const b = o.bounds;
  const parts: string[] = [];
  const [left, top] = toPixel(b, f, b.x0, b.y1);
  const [right, bottom] = toPixel(b, f, b.x1, b.y0);
  parts.push(`<rect class="plane-bg" x="${r1(left)}" y="${r1(top)}" width="${r1(right - left)}" height="${r1(bottom - top)}"/>`);
  const tx = niceTicks(b.x0, b.x1, 6);
  const ty = niceTicks(b.y0, b.y1, 6);
  const grid: string[] = [];
  const labels: string[] = [];
  for (const v of tx) {
    const [px] = toPixel(b, f, v, 0);
    grid.push(`M${r1(px)} ${r1(top)}V${r1(bottom)}`);
    labels.push(`<text x="${r1(px)}" y="${r1(bottom + 13)}" text-anchor="middle">${v}</text>`);
  }
  for (const v of ty) {
    const [, py] = toPixel(b, f, 0, v);
    grid.push(`M${r1(left)} ${r1(py)}H${r1(right)}`);
    labels.push(`<text x="${r1(left - 4)}" y="${r1(py + 4)}" text-anchor="end">${v}</text>`);
  }
  parts.push(`<path class="plane-grid" d="${grid.join('')}"/>`);
  if (o.prior) {
    const [cx, cy] = toPixel(b, f, 0, 0);
    for (const k of [1, 2]) {
      const e = ellipseOf(b, f, [0, 0], [1, 1], k);
      parts.push(`<ellipse class="plane-prior" cx="${r1(cx)}" cy="${r1(cy)}" rx="${r1(e.rx)}" ry="${r1(e.ry)}"/>`);
    }
  }
  if (o.points && o.labels) parts.push(scatterPaths(b, f, o.points, o.labels, o.dotSize));
  parts.push(`<g class="plane-ticks">${labels.join('')}</g>`);
  parts.push(`<text class="plane-title" x="${r1((left + right) / 2)}" y="${r1(f.size - 2)}" text-anchor="middle">z[0]</text>`);
  parts.push(`<text class="plane-title" x="10" y="${r1((top + bottom) / 2)}" text-anchor="middle" transform="rotate(-90 10 ${r1((top + bottom) / 2)})">z[1]</text>`);
  if (o.overlay) parts.push(o.overlay);
  return `<svg class="plane" viewBox="0 0 ${f.size} ${f.size}" role="img" aria-label="${o.label.replace(/"/g, '&quot;')}">${parts.join('')}</svg>`;
}

/** The digit colours as an HTML legend (the plane's dots use the same colours as every figure of the book). */
export function digitLegend(classes = 10): string {
  return `<div class="digit-legend">${Array.from({ length: classes }, (_, k) =>
    `<span><i style="background:${DIGIT_COLOURS[k % DIGIT_COLOURS.length]}"></i>${k}</span>`).join('')}</div>`;
}
