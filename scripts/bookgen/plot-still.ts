// The still of a plotly figure: the library's SVG drawing of the figure (figureToSvg), written into the page next to
// the figure's JSON, so that the plot shows with the page's first paint, while plotly.js (4.7 MB minified, most of a
// second of main-thread work) is still loading, and in print and without JavaScript. book.js removes it when plotly
// draws. Its colours follow the page's theme (the drawing's fixed greys become currentColor) and its markers are
// packed into one path per colour (a 2,000-point scatter: ~30 kB instead of ~100 kB of <circle> elements).
import { figureToSvg } from '../../lib/core';
import type { SvgFigure } from '../../lib/core';

/** plotly's height when the figure sets none. */
const PLOTLY_DEFAULT_HEIGHT = 450;

/** Markers as zero-length segments with a round cap, one path per colour (same look, a fraction of the markup). */
export function packMarkers(svg: string): string {
  const byColour = new Map<string, string[]>();
  const rest = svg.replace(/<circle cx="([-\d.]+)" cy="([-\d.]+)" r="([\d.]+)" fill="([^"]+)"\/>/g, (_m, cx: string, cy: string, r: string, fill: string) => {
    const key = `${fill}|${r}`;
    const list = byColour.get(key) ?? [];
    list.push(`M${cx} ${cy}h0`);
    byColour.set(key, list);
    return '';
  });
  const paths = [...byColour.entries()].map(([key, d]) => {
    const [fill, r] = key.split('|');
    return `<path class="trace" stroke="${fill}" stroke-width="${2 * Number(r)}" stroke-linecap="round" d="${d.join('')}"/>`;
  });
  return rest.replace('</svg>', `${paths.join('')}</svg>`);
}

/** The figure's still as HTML: transparent background, theme colours, packed markers; hidden from screen readers
 * (the figure around it carries the alt text). */
export function plotStill(fig: SvgFigure): string {
  const layout = fig.layout ?? {};
  const height = typeof layout.height === 'number' ? layout.height : PLOTLY_DEFAULT_HEIGHT;
  const svg = packMarkers(figureToSvg(fig, { width: 760, height }))
    .replace(/<rect width="[\d.]+" height="[\d.]+" fill="#fff"\/>/, '')
    .replace(/ fill="#444"/g, ' fill="currentColor"')
    .replace(/ stroke="#e5e5e5"/g, ' stroke="currentColor" stroke-opacity="0.15"')
    .replace(/ stroke="#999"/g, ' stroke="currentColor" stroke-opacity="0.45"');
  return `<div class="plotly-still" aria-hidden="true">${svg}</div>\n`;
}
