// The still of a plotly figure: the library's SVG drawing of the figure (figureToSvg, the fallback every figure output
// of a notebook carries), written into the page next to the figure's JSON, so that the plot shows with the page's
// first paint while plotly.js (4.7 MB minified, most of a second of main-thread work) is still loading, and without
// JavaScript. book.js removes it when plotly draws. Its fixed greys and white card become the page's theme colours.
import { encodePng, figureToSvg } from '../../lib/core';
import type { SvgFigure } from '../../lib/core';

/** plotly's height when the figure sets none. */
const PLOTLY_DEFAULT_HEIGHT = 450;

/**
 * The figure's still as HTML, hidden from screen readers (the figure around it carries the alt text). A large heat
 * map is one embedded PNG, not a <rect> per cell (a 121 × 121 map drawn cell by cell weighed about 1 MB).
 */
export function plotStill(fig: SvgFigure): string {
  const layout = fig.layout ?? {};
  const height = typeof layout.height === 'number' ? layout.height : PLOTLY_DEFAULT_HEIGHT;
  const svg = figureToSvg(fig, { width: 760, height, encodePng })
    .replace(/<rect width="[\d.]+" height="[\d.]+" fill="#fff"\/>/, '')
    .replace(/ fill="#444"/g, ' fill="currentColor"')
    .replace(/ stroke="#e5e5e5"/g, ' stroke="currentColor" stroke-opacity="0.15"')
    .replace(/ stroke="#999"/g, ' stroke="currentColor" stroke-opacity="0.45"');
  return `<div class="plotly-still" aria-hidden="true">${svg}</div>\n`;
}
