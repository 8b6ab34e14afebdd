// Node, build time: the latent explorer's parts (the decoder, the test digits' codes) and its still: the plane, and
// the digits decoded along its diagonal, as a drag there would leave them.
import { decodeLatents, digitGridPng } from '../../../../lib/index';
import type { CodesPart } from '../parts';
import { base64ToFloat32 } from '../parts';
import { digitLegend, planeSvg } from '../plane';
import { pathCodes } from '../latent-path';
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
  const still =
    `<div class="widget-row"><div class="widget-plane">${planeSvg({ bounds: c.bounds, points: pts, labels: c.labels, label: `Posterior means of ${c.labels.length} test digits under ${m.name}` })}${digitLegend()}</div></div>` +
    `<p class="widget-still-note">Decoded along the diagonal from (−2, −2) to (2, 2):</p>${img(ctx.png(digitGridPng(trail, { cols: STILL_STEPS, scale: 2 })), 'Digits decoded along the diagonal of the latent plane')}`;
  return {
    parts: { decoder: networkPart(ctx, m, 'decoder'), codes },
    config: { model: m.name },
    still,
    source: sourceNote(ctx, [m], `Its decoder runs in this page with weights stored as ${storage(storageOf(ctx, m))}: over the ${err.count.toLocaleString('en-US')} codes shown, its pixels differ from the trained model's by ${small(err.mean, 4)} on average and ${small(err.max, 3)} at most.`),
  };
}

export const widget: WidgetBuild = { args: ['model'], prepare: latentExplorer };
