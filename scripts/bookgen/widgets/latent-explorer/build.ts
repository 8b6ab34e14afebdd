// Node, build time: the latent explorer's parts (the decoder, the test digits' codes) and its still: the plane, and
// the digits decoded along its diagonal, as a drag there would leave them.
import { decodeLatents, digitGridPng } from '../../../../lib/index';
import type { CodesPart } from '../parts';
import { base64ToFloat32 } from '../parts';
import { digitLegend, planeSvg } from '../plane';
import { pathCodes } from '../latent-path';
import type { WidgetStrings } from '../../i18n';
import {
  codesPart, decodeError, img, networkPart, oneModel, pageDecoder, PrepareContext, PreparedWidget, small, sourceNote, storage, storageOf,
  WidgetArgs, WidgetBuild,
} from '../prepare';

/** Digits decoded along the diagonal in the still. */
const STILL_STEPS = 10;

async function latentExplorer(ctx: PrepareContext, w: WidgetArgs): Promise<PreparedWidget> {
  const m = await oneModel(ctx, w);
  const codes = await codesPart(ctx, m, w.where);
  const c = codes.payload as CodesPart;
  const pts = base64ToFloat32(c.points);
  const err = await decodeError(ctx, m, pts);
  // The still: the plane, and what a drag along the diagonal would leave behind.
  const path = pathCodes([-2, -2], [2, 2], STILL_STEPS, 'lerp');
  const trail = decodeLatents(await pageDecoder(ctx, m), path);
  const trailPng = ctx.png(digitGridPng(trail, { cols: STILL_STEPS, scale: 2 }));
  const still = (t: WidgetStrings) =>
    `<div class="widget-row"><div class="widget-plane">${planeSvg({ bounds: c.bounds, points: pts, labels: c.labels, label: t.explorerStillPlane(c.labels.length, m.name) })}${digitLegend()}</div></div>` +
    `<p class="widget-still-note">${t.explorerStillNote}</p>${img(trailPng, t.explorerStillAlt)}`;
  // Settled now: the context is disposed before the figure is rendered in each language.
  const stored = storageOf(ctx, m);
  return {
    parts: { decoder: networkPart(ctx, m, 'decoder'), codes },
    config: { model: m.name },
    still,
    source: (t) => sourceNote(ctx, [m], t, t.explorerSource(storage(stored, t), err.count.toLocaleString('en-US'), small(err.mean, 4), small(err.max, 3))),
  };
}

export const widget: WidgetBuild = { args: ['model'], prepare: latentExplorer };
