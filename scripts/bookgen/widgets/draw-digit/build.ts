// Node, build time: the draw-a-digit widget's parts (encoder, decoder, the test digits' codes and a palette of test
// digits) and its still: ten test digits' posteriors as ellipses on the plane, and their reconstructions.
import { digitGridPng } from '../../../../lib/index';
import { base64ToBytes, base64ToFloat32, CodesPart, DigitsPart } from '../parts';
import { DEFAULT_FRAME, digitLegend, ellipseOf, planeSvg } from '../plane';
import {
  codesPart, decodeError, digitsPart, img, networkPart, oneModel, pageVae, PrepareContext, PreparedWidget, small, sourceNote, storage,
  storageOf, WidgetArgs, WidgetBuild,
} from '../prepare';
import { drawingTerms, fixedNoise, SAMPLES } from './page';
import type { WidgetStrings } from '../../i18n';

async function drawDigit(ctx: PrepareContext, w: WidgetArgs): Promise<PreparedWidget> {
  const m = await oneModel(ctx, w);
  const codes = await codesPart(ctx, m, w.where);
  const digits = await digitsPart(ctx, m);
  const c = codes.payload as CodesPart;
  const d = digits.payload as DigitsPart;
  const vae = await pageVae(ctx, m);
  const noise = fixedNoise(SAMPLES, 2);
  const pix = base64ToBytes(d.pixels);
  // The still: one test digit per class, its posterior's 1σ ellipse, and its reconstruction, as the widget draws them.
  const ellipses: string[] = [];
  const pairs = new Float32Array(2 * 10 * 784);
  for (let k = 0; k < 10; k++) {
    const i = d.labels.indexOf(k);
    const x = Float32Array.from(pix.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
    const t = drawingTerms(vae, x, noise);
    const e = ellipseOf(c.bounds, DEFAULT_FRAME, [t.mean[0], t.mean[1]], [t.sigma[0], t.sigma[1]], 1);
    ellipses.push(`<ellipse class="plane-q" cx="${e.cx.toFixed(1)}" cy="${e.cy.toFixed(1)}" rx="${Math.max(0.5, e.rx).toFixed(1)}" ry="${Math.max(0.5, e.ry).toFixed(1)}"/>` +
      `<text class="plane-q-label" x="${e.cx.toFixed(1)}" y="${(e.cy + 4).toFixed(1)}" text-anchor="middle">${k}</text>`);
    pairs.set(x, k * 784);
    pairs.set(t.reconstruction, (10 + k) * 784);
  }
  const codesF = base64ToFloat32(c.points);
  const err = await decodeError(ctx, m, codesF);
  const pairsPng = ctx.png(digitGridPng(pairs, { cols: 10, scale: 2 }));
  const still = (t: WidgetStrings) =>
    `<div class="widget-row"><div class="widget-plane">${planeSvg({ bounds: c.bounds, points: codesF, labels: c.labels, prior: true, dotSize: 2.2, overlay: ellipses.join(''), label: t.drawStillPlane })}${digitLegend()}</div></div>` +
    `<p class="widget-still-note">${t.drawStillNote}</p>${img(pairsPng, t.drawStillAlt)}`;
  // Settled now: the context is disposed before the figure is rendered in each language.
  const stored = storageOf(ctx, m);
  return {
    parts: { encoder: networkPart(ctx, m, 'encoder'), decoder: networkPart(ctx, m, 'decoder'), codes, digits },
    config: { model: m.name },
    still,
    source: (t) => sourceNote(ctx, [m], t, t.drawSource(storage(stored, t), small(err.max, 3), err.count.toLocaleString('en-US'), SAMPLES)),
  };
}

export const widget: WidgetBuild = { args: ['model'], prepare: drawDigit };
