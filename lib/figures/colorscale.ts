/**
 * Plotly colour scales as functions of a value in [0, 1], for the static SVG drawing of heat maps
 * (lib/figures/svgchart.ts). Browser-safe, no dependencies (internal: not re-exported from lib/index.ts).
 */

/** An RGB colour, channels 0–255. */
export type Rgb = [number, number, number];

/** plotly's own definitions (plotly.js src/components/colorscale/scales.js) of the scales the book uses. */
const NAMED: Record<string, [number, string][]> = {
  Greys: [[0, 'rgb(0,0,0)'], [1, 'rgb(255,255,255)']],
  Blues: [[0, 'rgb(5,10,172)'], [0.35, 'rgb(40,60,190)'], [0.5, 'rgb(70,100,245)'], [0.6, 'rgb(90,120,245)'], [0.7, 'rgb(106,137,247)'], [1, 'rgb(220,220,220)']],
  Reds: [[0, 'rgb(220,220,220)'], [0.2, 'rgb(245,195,157)'], [0.4, 'rgb(245,160,105)'], [1, 'rgb(178,10,28)']],
  RdBu: [[0, 'rgb(5,10,172)'], [0.35, 'rgb(106,137,247)'], [0.5, 'rgb(190,190,190)'], [0.6, 'rgb(220,170,132)'], [0.7, 'rgb(230,145,90)'], [1, 'rgb(178,10,28)']],
  Viridis: [
    [0, '#440154'], [0.06274509803921569, '#48186a'], [0.12549019607843137, '#472d7b'], [0.18823529411764706, '#424086'],
    [0.25098039215686274, '#3b528b'], [0.3137254901960784, '#33638d'], [0.3764705882352941, '#2c728e'], [0.4392156862745098, '#26828e'],
    [0.5019607843137255, '#21918c'], [0.5647058823529412, '#1fa088'], [0.6274509803921569, '#28ae80'], [0.6901960784313725, '#3fbc73'],
    [0.7529411764705882, '#5ec962'], [0.8156862745098039, '#84d44b'], [0.8784313725490196, '#addc30'], [0.9411764705882353, '#d8e219'],
    [1, '#fde725'],
  ],
};

/** plotly.js's default heat-map scale when a trace names none. */
const DEFAULT_SCALE = 'RdBu';

/** '#rgb', '#rrggbb', 'rgb(r, g, b)' or 'rgba(r, g, b, a)' → [r, g, b]; undefined when not a colour we read. */
export function parseColour(c: unknown): Rgb | undefined {
  if (typeof c !== 'string') return undefined;
  const s = c.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as Rgb;
  m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+\s*)?\)$/i.exec(s);
  if (m) return [1, 2, 3].map((i) => Math.min(255, Math.round(Number(m![i])))) as Rgb;
  if (s.toLowerCase() === 'white') return [255, 255, 255];
  if (s.toLowerCase() === 'black') return [0, 0, 0];
  return undefined;
}

/** '#rrggbb' of a colour. */
export function hex([r, g, b]: Rgb): string {
  return '#' + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

/** A colour scale: stops sorted by position, each an RGB colour. */
export interface ColourScale {
  stops: [number, Rgb][];
}

/**
 * A trace's `colorscale` (an array of [position, colour] or a plotly scale name; unknown or absent
 * names give plotly's default, RdBu), reversed when `reversescale` is set.
 */
export function colourScale(spec: unknown, reverse = false): ColourScale {
  let raw: [number, string][] | undefined;
  if (Array.isArray(spec)) raw = spec.filter((s): s is [number, string] => Array.isArray(s) && typeof s[0] === 'number' && typeof s[1] === 'string');
  else if (typeof spec === 'string') raw = NAMED[spec] ?? NAMED[Object.keys(NAMED).find((k) => k.toLowerCase() === spec.toLowerCase()) ?? ''];
  if (!raw || raw.length < 2 || raw.some(([, c]) => !parseColour(c))) raw = NAMED[DEFAULT_SCALE];
  let stops = raw.map(([t, c]) => [t, parseColour(c) as Rgb] as [number, Rgb]).sort((a, b) => a[0] - b[0]);
  if (reverse) stops = stops.map(([t, c]) => [1 - t, c] as [number, Rgb]).reverse();
  return { stops };
}

/** The colour at t ∈ [0, 1] (clamped), linear between stops as plotly interpolates. */
export function colourAt(scale: ColourScale, t: number): Rgb {
  const { stops } = scale;
  const u = Math.min(1, Math.max(0, t));
  if (u <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [t1, c1] = stops[i];
    if (u <= t1) {
      const [t0, c0] = stops[i - 1];
      const f = t1 > t0 ? (u - t0) / (t1 - t0) : 1;
      return [0, 1, 2].map((k) => Math.round(c0[k] + f * (c1[k] - c0[k]))) as Rgb;
    }
  }
  return stops[stops.length - 1][1];
}

/** True when every stop is a grey (r = g = b), so a one-channel image holds the scale exactly. */
export function isGreyScale(scale: ColourScale): boolean {
  return scale.stops.every(([, [r, g, b]]) => r === g && g === b);
}
