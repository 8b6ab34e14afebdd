// Node, build time: the KL-by-hand widget needs no model; its still is the two densities and the KL at the
// directive's μ and σ.
import { BookError } from '../../markdown';
import { fmt } from '../dom';
import { PrepareContext, PreparedWidget, WidgetArgs, WidgetBuild } from '../prepare';
import { densitiesSvg, klByLibrary, klFormula } from './page';

function klByHand(_ctx: PrepareContext, w: WidgetArgs): PreparedWidget {
  const mu = w.args.mu === undefined ? 1 : Number(w.args.mu);
  const sigma = w.args.sigma === undefined ? 0.5 : Number(w.args.sigma);
  if (!Number.isFinite(mu) || !(sigma > 0)) throw new BookError(`${w.where}: kl-by-hand needs a finite mu and a sigma > 0`);
  const kl = klByLibrary(mu, sigma);
  return {
    parts: {},
    config: { mu, sigma },
    still: (t) => `<div class="widget-chart">${densitiesSvg(mu, sigma, undefined, t)}</div><p class="kl-readout">${t.klStill(fmt(mu), fmt(sigma), klFormula(mu, sigma), fmt(kl, 3))}</p>`,
    source: (t) => `<p class="widget-source">${t.klSource}</p>`,
  };
}

export const widget: WidgetBuild = { args: ['mu', 'sigma'], prepare: klByHand };
