// Node, build time: the interpolation widget's parts (the decoder, a palette of test digits and their codes) and
// its still: the path between two test digits by lerp and by slerp, and the norm of the code along both.
import { decodeLatents, digitGridPng } from '../../../../lib/index';
import { BookError } from '../../markdown';
import { base64ToFloat32, DigitsPart } from '../parts';
import { pathCodes } from '../latent-path';
import {
  decodeError, digitsPart, img, networkPart, oneModel, pageDecoder, PrepareContext, PreparedWidget, small, sourceNote, storage, storageOf,
  WidgetArgs, WidgetBuild,
} from '../prepare';
import { normChartSvg, STEPS } from './page';
import type { WidgetStrings } from '../../i18n';

async function interpolate(ctx: PrepareContext, w: WidgetArgs): Promise<PreparedWidget> {
  const m = await oneModel(ctx, w);
  const digits = await digitsPart(ctx, m);
  const d = digits.payload as DigitsPart;
  const classOf = (key: string, fallback: number) => {
    const v = w.args[key] === undefined ? fallback : Number(w.args[key]);
    const i = d.labels.indexOf(v);
    if (!Number.isInteger(v) || i < 0) throw new BookError(`${w.where}: ${key}=${w.args[key]} is not a digit class 0–9`);
    return i;
  };
  const a = classOf('from', 1);
  const b = classOf('to', 8);
  const codes = base64ToFloat32(d.codes);
  const za = codes.slice(a * d.latentDim, (a + 1) * d.latentDim);
  const zb = codes.slice(b * d.latentDim, (b + 1) * d.latentDim);
  const dec = await pageDecoder(ctx, m);
  const rows = new Float32Array(2 * STEPS * 784);
  rows.set(decodeLatents(dec, pathCodes(za, zb, STEPS, 'lerp')), 0);
  rows.set(decodeLatents(dec, pathCodes(za, zb, STEPS, 'slerp')), STEPS * 784);
  const err = await decodeError(ctx, m, codes);
  const grid = ctx.png(digitGridPng(rows, { cols: STEPS, scale: 2 }));
  const still = (t: WidgetStrings) =>
    `<p class="widget-still-note">${t.interpolateStillNote(d.labels[a], d.labels[b])}</p>` +
    `${img(grid, t.interpolateStillAlt(d.labels[a], d.labels[b]))}` +
    `<div class="widget-chart">${normChartSvg(za, zb, 0.5, undefined, t)}</div>`;
  // Settled now: the context is disposed before the figure is rendered in each language.
  const stored = storageOf(ctx, m);
  return {
    parts: { decoder: networkPart(ctx, m, 'decoder'), digits },
    config: { model: m.name, a, b },
    still,
    source: (t) => sourceNote(ctx, [m], t, t.interpolateSource(storage(stored, t), small(err.max, 3))),
  };
}

export const widget: WidgetBuild = { args: ['model', 'from', 'to'], prepare: interpolate };
