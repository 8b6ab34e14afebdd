// KL by hand (chapter 3): sliders for μ and σ of a 1-D Gaussian q against the prior p = N(0, 1). Both densities are
// drawn, and the closed-form KL(q ‖ p) = ½(μ² + σ² − log σ² − 1) is computed by the library's klDivergence (the
// function the VAE's loss uses) and shown term by term.
import * as tf from '@tensorflow/tfjs';
import { klDivergence } from '../../../../lib/core';
import { el, fmt, fromMarkup, WidgetContext } from '../dom';
import { widgetStrings } from '../../i18n';
import type { WidgetStrings } from '../../i18n';

export function normalDensity(x: number, mu: number, sigma: number): number {
  const u = (x - mu) / sigma;
  return Math.exp(-0.5 * u * u) / (sigma * Math.sqrt(2 * Math.PI));
}

/** The four terms of ½(μ² + σ² − log σ² − 1) and their total (chapter 3, "The KL term in closed form"). */
export function klTerms(mu: number, sigma: number): { mu2: number; sigma2: number; logSigma2: number; kl: number } {
  const mu2 = mu * mu;
  const sigma2 = sigma * sigma;
  const logSigma2 = Math.log(sigma2);
  return { mu2, sigma2, logSigma2, kl: 0.5 * (mu2 + sigma2 - logSigma2 - 1) };
}

/** KL(N(μ, σ²) ‖ N(0, 1)) in nats by the library's klDivergence, the function the VAE's loss calls. */
export function klByLibrary(mu: number, sigma: number): number {
  return tf.tidy(() => klDivergence(tf.tensor2d([[mu]]), tf.tensor2d([[2 * Math.log(sigma)]])).dataSync()[0]);
}

export interface DensityChart {
  width: number;
  height: number;
  /** The x range drawn. */
  xMin: number;
  xMax: number;
}

export const DEFAULT_DENSITY_CHART: DensityChart = { width: 420, height: 220, xMin: -5, xMax: 5 };

/** SVG of the two densities: the prior N(0, 1) and q = N(μ, σ²), shaded where they differ. Pure: still and live. */
export function densitiesSvg(mu: number, sigma: number, c: DensityChart = DEFAULT_DENSITY_CHART, words: WidgetStrings = widgetStrings()): string {
  const m = { l: 30, r: 8, t: 10, b: 24 };
  const n = 201;
  const xs = Array.from({ length: n }, (_, i) => c.xMin + ((c.xMax - c.xMin) * i) / (n - 1));
  const top = Math.max(0.45, (1.08 / (sigma * Math.sqrt(2 * Math.PI))));
  const X = (x: number) => m.l + ((x - c.xMin) / (c.xMax - c.xMin)) * (c.width - m.l - m.r);
  const Y = (y: number) => c.height - m.b - (y / top) * (c.height - m.t - m.b);
  const line = (f: (x: number) => number) => xs.map((x, i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)} ${Y(f(x)).toFixed(1)}`).join('');
  const area = (f: (x: number) => number) => `${line(f)}L${X(c.xMax).toFixed(1)} ${Y(0).toFixed(1)}L${X(c.xMin).toFixed(1)} ${Y(0).toFixed(1)}Z`;
  const ticks = Array.from({ length: Math.floor(c.xMax) - Math.ceil(c.xMin) + 1 }, (_, i) => Math.ceil(c.xMin) + i);
  return `<svg class="density-chart" viewBox="0 0 ${c.width} ${c.height}" role="img" aria-label="${words.densities(fmt(mu), fmt(sigma))}">` +
    `<path class="plane-grid" d="M${m.l} ${Y(0).toFixed(1)}H${c.width - m.r}"/>` +
    `<g class="plane-ticks">${ticks.map((t) => `<text x="${X(t).toFixed(1)}" y="${c.height - 8}" text-anchor="middle">${t < 0 ? `−${-t}` : t}</text>`).join('')}</g>` +
    `<path class="density-prior-area" d="${area((x) => normalDensity(x, 0, 1))}"/>` +
    `<path class="density-q-area" d="${area((x) => normalDensity(x, mu, sigma))}"/>` +
    `<path class="density-prior" d="${line((x) => normalDensity(x, 0, 1))}"/>` +
    `<path class="density-q" d="${line((x) => normalDensity(x, mu, sigma))}"/>` +
    `<text class="density-label density-prior-label" x="${c.width - m.r - 4}" y="${m.t + 12}" text-anchor="end">p(z) = N(0, 1)</text>` +
    `<text class="density-label density-q-label" x="${c.width - m.r - 4}" y="${m.t + 28}" text-anchor="end">q(z) = N(μ, σ²)</text></svg>`;
}

/** The breakdown the widget prints: ½(μ² + σ² − log σ² − 1) with the numbers in. */
export function klFormula(mu: number, sigma: number): string {
  const t = klTerms(mu, sigma);
  return `½ (${fmt(t.mu2, 3)} + ${fmt(t.sigma2, 3)} − (${fmt(t.logSigma2, 3)}) − 1)`;
}

export async function mount(ctx: WidgetContext): Promise<void> {
  const mu0 = Number(ctx.config.mu ?? 1);
  const sigma0 = Number(ctx.config.sigma ?? 0.5);
  const slider = (label: string, min: number, max: number, step: number, value: number) =>
    el('input', { type: 'range', min: String(min), max: String(max), step: String(step), value: String(value), 'aria-label': label });
  const mu = slider(widgetStrings().klMuSlider, -3, 3, 0.05, mu0);
  const sigma = slider(widgetStrings().klSigmaSlider, 0.1, 3, 0.01, sigma0);
  const muOut = el('output', { class: 'kl-mu' });
  const sigmaOut = el('output', { class: 'kl-sigma' });
  const chart = el('div', { class: 'widget-chart' });
  const value = el('output', { class: 'kl-value' });
  const formula = el('span', { class: 'kl-formula' });
  ctx.live.append(
    chart,
    el('div', { class: 'widget-controls' }, [
      el('label', { class: 'widget-slider' }, ['μ ', mu, muOut]),
      el('label', { class: 'widget-slider' }, ['σ ', sigma, sigmaOut]),
    ]),
    el('p', { class: 'kl-readout' }, ['KL(q ‖ p) = ', formula, ' = ', value, widgetStrings().nats]),
  );
  const update = () => {
    const m = Number(mu.value);
    const s = Number(sigma.value);
    const t0 = performance.now();
    const kl = klByLibrary(m, s);
    chart.replaceChildren(fromMarkup(densitiesSvg(m, s)));
    ctx.timing('update', performance.now() - t0);
    muOut.textContent = fmt(m);
    sigmaOut.textContent = fmt(s);
    formula.textContent = klFormula(m, s);
    value.textContent = fmt(kl, 3);
    Object.assign(ctx.root.dataset, { mu: String(m), sigma: String(s), kl: String(kl) });
  };
  mu.addEventListener('input', update);
  sigma.addEventListener('input', update);
  update();
}
