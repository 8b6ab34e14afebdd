// β explorer (chapter 4): the models of the β sweep, one slider step per β. Each step shows that model's samples
// from the same prior draws, its reconstructions of the same test digits, its test terms and the activity of each
// latent dimension (active units). All of it was computed by the library in Node when the book was built, from the
// very models the sweep's notebook saved, so the page carries pictures and numbers instead of ~0.7 M weights per β.
import { el, fmt, fromMarkup, WidgetContext } from '../dom';
import { widgetStrings } from '../../i18n';
import type { WidgetStrings } from '../../i18n';

/** One model of the sweep as the page shows it. */
export interface BetaView {
  beta: number;
  model: string;
  latentDim: number;
  /** Test reconstruction term and KL, nats per digit (the library's evaluate). */
  recon: number;
  kl: number;
  /** Var_x(E[z_j]) per dimension, most active first (the library's activeUnits). */
  activity: number[];
  active: number;
  /** Book URLs of PNG grids: prior samples (same draws for every β) and originals over reconstructions. */
  samples: string;
  reconstructions: string;
}

export interface BetaConfig {
  threshold: number;
  views: BetaView[];
}

/** β as the book writes it: 0.5, 1, 16 (no trailing zeros). */
export function betaLabel(beta: number): string {
  return String(Number(beta.toPrecision(6)));
}

/** The sweep's views sorted by β; a clear error for duplicates or an empty sweep. */
export function sortViews(views: BetaView[]): BetaView[] {
  if (views.length === 0) throw new Error('beta explorer: no models in the sweep');
  const sorted = [...views].sort((a, b) => a.beta - b.beta);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].beta === sorted[i - 1].beta) throw new Error(`beta explorer: two models with β = ${sorted[i].beta} (${sorted[i - 1].model}, ${sorted[i].model})`);
  }
  return sorted;
}

/**
 * Bars of the sorted activities on a log scale from 10⁻⁴ (values below sit on the floor) to the largest, the
 * threshold as a dashed line, bars under it drawn as inactive. Pure: the same SVG in the still and live.
 */
export function activityBarsSvg(activity: number[], threshold: number, size = { width: 320, height: 150 }, words: WidgetStrings = widgetStrings()): string {
  const m = { l: 38, r: 6, t: 8, b: 20 };
  const lo = -4;
  const hi = Math.max(0, Math.ceil(Math.log10(Math.max(...activity, 1))));
  const Y = (v: number) => {
    const l = Math.min(hi, Math.max(lo, Math.log10(Math.max(v, 1e-12))));
    return size.height - m.b - ((l - lo) / (hi - lo)) * (size.height - m.t - m.b);
  };
  const n = activity.length;
  const w = (size.width - m.l - m.r) / Math.max(1, n);
  const bars = activity.map((v, j) => {
    const y = Y(v);
    return `<rect class="${v > threshold ? 'bar-active' : 'bar-inactive'}" x="${(m.l + j * w + w * 0.1).toFixed(1)}" y="${y.toFixed(1)}" width="${(w * 0.8).toFixed(1)}" height="${Math.max(0.5, size.height - m.b - y).toFixed(1)}"/>`;
  }).join('');
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((e) => (e - lo) % 2 === 0 || e === hi);
  return `<svg class="activity-chart" viewBox="0 0 ${size.width} ${size.height}" role="img" aria-label="${words.activityChart(n)}">` +
    `<path class="plane-grid" d="${ticks.map((e) => `M${m.l} ${Y(10 ** e).toFixed(1)}H${size.width - m.r}`).join('')}"/>` +
    `<g class="plane-ticks">${ticks.map((e) => `<text x="${m.l - 4}" y="${(Y(10 ** e) + 4).toFixed(1)}" text-anchor="end">1e${e}</text>`).join('')}` +
    `<text x="${m.l}" y="${size.height - 5}">${words.dimensionAxis}</text></g>${bars}` +
    `<path class="activity-threshold" d="M${m.l} ${Y(threshold).toFixed(1)}H${size.width - m.r}"/></svg>`;
}

/** The one-line summary of a view. */
export function viewSummary(v: BetaView, t: WidgetStrings = widgetStrings()): string {
  return t.betaSummary(betaLabel(v.beta), fmt(v.recon, 1), fmt(v.kl, 1), v.active, v.latentDim);
}

export function mount(ctx: WidgetContext): void {
  const cfg = ctx.config as unknown as BetaConfig;
  const views = sortViews(cfg.views);
  const start = Math.max(0, views.findIndex((v) => v.beta === 1));
  const slider = el('input', { type: 'range', min: '0', max: String(views.length - 1), step: '1', value: String(start), 'aria-label': widgetStrings().betaSlider });
  const marks = el('div', { class: 'beta-marks' }, views.map((v) => el('span', {}, [betaLabel(v.beta)])));
  const summary = el('p', { class: 'widget-readout beta-summary' });
  const samples = el('img', { class: 'digit-grid', alt: '' });
  const recons = el('img', { class: 'digit-grid', alt: '' });
  const chart = el('div', { class: 'widget-chart' });
  ctx.live.append(
    el('div', { class: 'widget-slider beta-slider' }, [el('span', { class: 'widget-label' }, ['β']), el('div', {}, [slider, marks])]),
    summary,
    el('div', { class: 'widget-row beta-row' }, [
      el('figure', {}, [samples, el('figcaption', {}, [widgetStrings().betaSamplesCaption])]),
      el('figure', {}, [recons, el('figcaption', {}, [widgetStrings().betaReconsCaption])]),
      el('figure', {}, [chart, el('figcaption', {}, [widgetStrings().betaActivityCaption(cfg.threshold)])]),
    ]),
  );
  const show = (i: number) => {
    const v = views[i];
    summary.textContent = viewSummary(v);
    samples.src = v.samples;
    samples.alt = widgetStrings().betaSamples(betaLabel(v.beta));
    recons.src = v.reconstructions;
    recons.alt = widgetStrings().betaRecons(betaLabel(v.beta));
    chart.replaceChildren(fromMarkup(activityBarsSvg(v.activity, cfg.threshold)));
    Array.from(marks.children).forEach((m, k) => m.classList.toggle('current', k === i));
    ctx.root.dataset.beta = String(v.beta);
  };
  slider.addEventListener('input', () => show(Number(slider.value)));
  show(start);
}
