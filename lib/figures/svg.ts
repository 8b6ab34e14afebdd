/**
 * The building blocks of the static figure drawings (svgchart.ts, svgheatmap.ts): escaping, numbers as
 * short text, round tick values, ranges, axis titles. Browser-safe (internal: not re-exported from lib/index.ts).
 */

/** A plotly layout, read loosely (any field may be absent or of another type). */
export type Layout = Record<string, unknown>;

/** The plot area in pixels: left, top, width, height. */
export interface Box {
  l: number;
  t: number;
  w: number;
  h: number;
}

/** Text for SVG content and attribute values. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A coordinate in pixels: one decimal, without a trailing ".0". */
export const r1 = (v: number): string => String(Math.round(v * 10) / 10);

/** `v` when it is a plain object, else an empty one. */
export const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A plotly title (string or {text}) as plain text: <br> becomes a space, other tags are dropped. */
export function text(v: unknown): string {
  const s = typeof v === 'string' ? v : typeof obj(v).text === 'string' ? (obj(v).text as string) : '';
  return s.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, '');
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
/**
 * Ticks of a log axis, in log10 units between `lo` and `hi`: the powers of ten, with 2 and 5 times them when the
 * axis spans fewer than three decades (plotly's own choice), so labels read 1, 10, 100 rather than 3.16.
 */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const few = hi - lo < 3;
  for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
    for (const m of few ? [1, 2, 5] : [1]) {
      const v = d + Math.log10(m);
      if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push(v);
    }
  }
  return out.length >= 2 ? out : ticks(lo, hi);
}

export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** A tick value as short text: 4 significant digits, exponent notation when very large or small. */
export function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** A category or axis label: numbers rounded as tick values are. */
export const label = (v: unknown): string => (typeof v === 'number' ? fmt(v) : String(v));

/** Every k-th of `n` category labels, so that labels of `chars` characters fit in `width` pixels. */
export function labelStep(n: number, chars: number, width: number): number {
  const per = Math.max(3, chars) * 7 + 8;
  return Math.max(1, Math.ceil((n * per) / Math.max(width, 1)));
}

/** The range of `vals` widened by `pad` of its span on each side (zero included on request); [0, 1] when empty. */
export function range(vals: number[], pad: number, includeZero = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vals) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (includeZero) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  const p = (hi - lo) * pad;
  return [lo - (includeZero && lo === 0 ? 0 : p), hi + (includeZero && hi === 0 ? 0 : p)];
}

/** The x, y and second-y axis titles of the layout, around the plot area. */
export function drawAxisTitles(parts: string[], layout: Layout, box: Box, height: number): void {
  const xTitle = text(obj(layout.xaxis).title);
  const yTitle = text(obj(layout.yaxis).title);
  const y2Title = text(obj(layout.yaxis2).title);
  if (xTitle) parts.push(`<text x="${r1(box.l + box.w / 2)}" y="${height - 8}" text-anchor="middle">${esc(xTitle)}</text>`);
  if (yTitle) parts.push(`<text transform="translate(14 ${r1(box.t + box.h / 2)}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`);
  if (y2Title) parts.push(`<text transform="translate(${r1(box.l + box.w + 46)} ${r1(box.t + box.h / 2)}) rotate(90)" text-anchor="middle">${esc(y2Title)}</text>`);
}
