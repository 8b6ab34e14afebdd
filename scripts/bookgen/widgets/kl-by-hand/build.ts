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
    still: `<div class="widget-chart">${densitiesSvg(mu, sigma)}</div><p class="kl-readout">For μ = ${fmt(mu)}, σ = ${fmt(sigma)}: KL(q ‖ p) = ${klFormula(mu, sigma)} = ${fmt(kl, 3)} nats</p>`,
    source: '<p class="widget-source">The KL is computed in the page by the library’s <code>klDivergence</code>, the function the VAE’s loss calls.</p>',
  };
}

export const widget: WidgetBuild = { args: ['mu', 'sigma'], prepare: klByHand };
