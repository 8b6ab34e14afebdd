// Node, build time: the β explorer computes everything it shows here, from the models of the β sweep: samples,
// reconstructions, test terms and active units; the page carries pictures and numbers, no weights.
import { activeUnits, digitGridPng, evaluate, reconstructionPairs, samplePrior, subset } from '../../../../lib/index';
import { BookError, escapeHtml } from '../../markdown';
import { findModels } from '../models';
import { img, paletteIndices, PrepareContext, PreparedWidget, requireArg, sourceNote, trained, WidgetArgs, WidgetBuild } from '../prepare';
import { activityBarsSvg, betaLabel, BetaConfig, BetaView, sortViews, viewSummary } from './page';
import type { WidgetStrings } from '../../i18n';

/** β of a model named `beta-<β>`. */
export function betaOf(name: string, where: string): number {
  const m = /^beta-(.+)$/.exec(name);
  const v = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(v) || v < 0) throw new BookError(`${where}: model "${name}" does not name its β as beta-<number>`);
  return v;
}

async function betaExplorer(ctx: PrepareContext, w: WidgetArgs): Promise<PreparedWidget> {
  const models = findModels(ctx.models, requireArg(w, 'models'), w.where).sort((a, b) => betaOf(a.name, w.where) - betaOf(b.name, w.where));
  const shown = subset(ctx.test, paletteIndices(ctx.test.labels, 1).slice(0, 8));
  const views: BetaView[] = [];
  let threshold = 0.01;
  for (const m of models) {
    const vae = await trained(ctx, m);
    const terms = evaluate(vae, ctx.test);
    const active = activeUnits(vae, ctx.test);
    threshold = active.threshold;
    views.push({
      beta: betaOf(m.name, w.where),
      model: m.name,
      latentDim: vae.config.latentDim,
      recon: terms.recon,
      kl: terms.kl,
      activity: Array.from(active.variances).sort((x, y) => y - x),
      active: active.count,
      samples: ctx.png(digitGridPng(samplePrior(vae, 16, { seed: 0 }), { cols: 8, scale: 1 })),
      reconstructions: ctx.png(digitGridPng(reconstructionPairs(vae, shown), { cols: shown.size, scale: 1 })),
    });
  }
  const sorted = sortViews(views);
  const config: BetaConfig = { threshold, views: sorted };
  const rows = (t: WidgetStrings) => sorted.map((v) =>
    `<tr><th scope="row">β = ${betaLabel(v.beta)}</th><td>${img(v.samples, t.betaSamples(betaLabel(v.beta)))}</td>` +
    `<td>${img(v.reconstructions, t.betaTestAndRecons(betaLabel(v.beta)))}</td>` +
    `<td>${activityBarsSvg(v.activity, threshold, { width: 200, height: 110 }, t)}<br>${escapeHtml(viewSummary(v, t).replace(/^β = [^:：]*[:：] ?/, ''))}</td></tr>`).join('');
  return {
    parts: {},
    config: config as unknown as Record<string, unknown>,
    still: (t) => `<table class="beta-table"><thead><tr><th>β</th>${t.betaColumns.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${rows(t)}</tbody></table>`,
    source: (t) => sourceNote(ctx, models, t, t.betaSource(ctx.test.size.toLocaleString('en-US'), threshold)),
  };
}

export const widget: WidgetBuild = { args: ['models'], prepare: betaExplorer };
