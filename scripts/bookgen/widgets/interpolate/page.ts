// Interpolate (chapter 5): pick two test digits; a slider walks between their codes under the book's 20-D VAE by
// lerp or slerp (the library's), decoding each step. A small chart follows the norm of the code along both paths
// against √d, the radius where samples of N(0, I) concentrate: the reason slerp exists.
import { decodeLatents, decoderFromArtifacts } from '../../../../lib/core';
import type { LatentDecoder } from '../../../../lib/core';
import { base64ToFloat32, checkNetworkPart, digitPixels, DigitsPart, networkArtifacts } from '../parts';
import { codeAt, codeOf, Method, pathCodes } from '../latent-path';
import { digitCanvas, drawDigit, el, fmt, fromMarkup, WidgetContext } from '../dom';
import { widgetStrings } from '../../i18n';
import type { WidgetStrings } from '../../i18n';

export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export interface NormChart {
  width: number;
  height: number;
}

/**
 * SVG of ‖z(t)‖ along both paths (lerp dashed-free solid, slerp solid in the accent colour), the line √d, and a
 * vertical marker at t. Pure, so the still and the live chart are the same drawing.
 */
export function normChartSvg(za: ArrayLike<number>, zb: ArrayLike<number>, t: number, size: NormChart = { width: 300, height: 150 }, words: WidgetStrings = widgetStrings()): string {
  const d = za.length;
  const n = 41;
  const ts = Array.from({ length: n }, (_, i) => i / (n - 1));
  const curves = (['lerp', 'slerp'] as Method[]).map((m) => ts.map((u) => norm(codeAt(za, zb, u, m))));
  const ref = Math.sqrt(d);
  const hi = Math.max(ref, ...curves.flat()) * 1.1;
  const m = { l: 34, r: 8, t: 8, b: 24 };
  const X = (u: number) => m.l + u * (size.width - m.l - m.r);
  const Y = (v: number) => size.height - m.b - (v / hi) * (size.height - m.t - m.b);
  const path = (ys: number[]) => ys.map((v, i) => `${i ? 'L' : 'M'}${X(ts[i]).toFixed(1)} ${Y(v).toFixed(1)}`).join('');
  const yTicks = [0, Math.round(hi / 2), Math.floor(hi)].filter((v, i, a) => a.indexOf(v) === i);
  return `<svg class="norm-chart" viewBox="0 0 ${size.width} ${size.height}" role="img" aria-label="${words.normChart(d)}">` +
    `<path class="plane-grid" d="${yTicks.map((v) => `M${m.l} ${Y(v).toFixed(1)}H${size.width - m.r}`).join('')}"/>` +
    `<g class="plane-ticks">${yTicks.map((v) => `<text x="${m.l - 4}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`).join('')}` +
    `<text x="${m.l}" y="${size.height - 6}">t = 0</text><text x="${size.width - m.r}" y="${size.height - 6}" text-anchor="end">t = 1</text></g>` +
    `<path class="norm-ref" d="M${m.l} ${Y(ref).toFixed(1)}H${size.width - m.r}"/>` +
    `<text class="norm-label" x="${size.width - m.r - 2}" y="${(Y(ref) - 4).toFixed(1)}" text-anchor="end">√${d} = ${ref.toFixed(2)}</text>` +
    `<path class="norm-lerp" d="${path(curves[0])}"/><path class="norm-slerp" d="${path(curves[1])}"/>` +
    `<path class="norm-t" d="M${X(t).toFixed(1)} ${m.t}V${size.height - m.b}"/>` +
    `<text class="norm-label norm-lerp-label" x="${(m.l + 4)}" y="${(size.height - m.b - 4)}">lerp</text>` +
    `<text class="norm-label norm-slerp-label" x="${(m.l + 40)}" y="${(size.height - m.b - 4)}">slerp</text></svg>`;
}

export const STEPS = 10;

export async function mount(ctx: WidgetContext): Promise<void> {
  const model = String(ctx.config.model);
  const dec = checkNetworkPart(ctx.part('decoder'), model, 'decoder');
  const digits = ctx.part('digits') as DigitsPart;
  const decoder: LatentDecoder = await decoderFromArtifacts(dec.manifest, networkArtifacts(dec), model);
  const d = digits.latentDim;
  if (d !== decoder.config.latentDim) throw new Error(`interpolate: codes have ${d} dimensions, ${model} has ${decoder.config.latentDim}`);
  const codes = base64ToFloat32(digits.codes);
  const count = digits.labels.length;
  const state = { a: Number(ctx.config.a ?? 0), b: Number(ctx.config.b ?? 1), t: 0.5, method: 'slerp' as Method, choosing: 'a' as 'a' | 'b' };

  const buttons = digits.labels.map((label, i) => {
    const c = digitCanvas(widgetStrings().testDigit(label));
    drawDigit(c, digitPixels(digits, i));
    return el('button', { type: 'button', class: 'digit-pick', 'data-index': String(i), 'aria-label': widgetStrings().testDigit(label) }, [c]);
  });
  const choose = (['a', 'b'] as const).map((k) => el('button', { type: 'button', class: 'widget-button', 'data-end': k }, [k === 'a' ? widgetStrings().pickStart : widgetStrings().pickEnd]));
  const methods = (['lerp', 'slerp'] as Method[]).map((m) => {
    const input = el('input', { type: 'radio', name: `${ctx.root.id}-method`, value: m });
    if (m === state.method) input.checked = true;
    return el('label', { class: 'widget-radio' }, [input, m === 'lerp' ? widgetStrings().lerp : widgetStrings().slerp]);
  });
  const slider = el('input', { type: 'range', min: '0', max: '1', step: '0.01', value: String(state.t), 'aria-label': widgetStrings().positionT });
  const tOut = el('output', {}, ['t = 0.50']);
  const big = digitCanvas(widgetStrings().decodedAtT);
  big.classList.add('digit-large');
  const strip = el('div', { class: 'widget-strip' });
  const chart = el('div', { class: 'widget-chart' });
  ctx.live.append(
    el('div', { class: 'widget-controls' }, [...choose, ...methods]),
    el('div', { class: 'digit-palette' }, buttons),
    el('div', { class: 'widget-row' }, [
      el('div', { class: 'widget-side' }, [big, el('label', { class: 'widget-slider' }, [slider, tOut])]),
      chart,
    ]),
    strip,
  );

  const za = () => codeOf(codes, d, state.a);
  const zb = () => codeOf(codes, d, state.b);
  const redrawPath = () => {
    buttons.forEach((btn, i) => {
      btn.classList.toggle('is-a', i === state.a);
      btn.classList.toggle('is-b', i === state.b);
    });
    choose.forEach((c) => c.classList.toggle('active', c.dataset.end === state.choosing));
    const images = decodeLatents(decoder, pathCodes(za(), zb(), STEPS, state.method));
    strip.replaceChildren(...Array.from({ length: STEPS }, (_, s) => {
      const c = digitCanvas(widgetStrings().step(s + 1, STEPS));
      drawDigit(c, images.subarray(s * 784, (s + 1) * 784));
      return c;
    }));
    redrawPoint();
  };
  const redrawPoint = () => {
    const t0 = performance.now();
    const z = codeAt(za(), zb(), state.t, state.method);
    const pixels = decodeLatents(decoder, z);
    drawDigit(big, pixels);
    ctx.timing('decode', performance.now() - t0);
    tOut.textContent = `t = ${fmt(state.t)}, ‖z‖ = ${fmt(norm(z))}`;
    chart.replaceChildren(fromMarkup(normChartSvg(za(), zb(), state.t)));
    const near = Math.round(state.t * (STEPS - 1));
    Array.from(strip.children).forEach((c, s) => c.classList.toggle('current', s === near));
    ctx.root.dataset.t = String(state.t);
    (ctx.root as HTMLElement & { lastDecode?: Float32Array }).lastDecode = pixels;
  };
  buttons.forEach((btn, i) => btn.addEventListener('click', () => {
    if (state.choosing === 'a') state.a = i;
    else state.b = i;
    state.choosing = state.choosing === 'a' ? 'b' : 'a';
    redrawPath();
  }));
  choose.forEach((c) => c.addEventListener('click', () => {
    state.choosing = c.dataset.end as 'a' | 'b';
    redrawPath();
  }));
  methods.forEach((m) => m.querySelector('input')!.addEventListener('change', (e) => {
    state.method = (e.target as HTMLInputElement).value as Method;
    redrawPath();
  }));
  slider.addEventListener('input', () => {
    state.t = Number(slider.value);
    redrawPoint();
  });
  if (state.a >= count || state.b >= count) throw new Error(`interpolate: start ${state.a} or end ${state.b} is not among ${count} digits`);
  redrawPath();
}
