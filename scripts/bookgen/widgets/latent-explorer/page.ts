// Latent explorer (chapter 5): the 2-D VAE's codes of test digits as dots coloured by label; the point under the
// pointer is decoded live beside the plane, and a drag leaves a trail of decoded digits. The decoder is the
// book's own vae-2d, loaded with the library (decoderFromArtifacts) and run with decodeLatents.
import { decodeLatents, decoderFromArtifacts } from '../../../../lib/core';
import type { LatentDecoder } from '../../../../lib/core';
import { Bounds, DEFAULT_FRAME, digitLegend, inside, planeSvg, toData, toPixel } from '../plane';
import { base64ToFloat32, checkNetworkPart, CodesPart, networkArtifacts } from '../parts';
import { clientToSvg, digitCanvas, drawDigit, el, fmt, fromMarkup, svgEl, WidgetContext } from '../dom';
import { widgetStrings } from '../../i18n';

export interface TrailConfig {
  /** A drag adds a digit to the trail each time it has moved this far in latent units. */
  minStep: number;
  /** Digits kept in the trail (the oldest go first). */
  maxLength: number;
}

export const DEFAULT_TRAIL: TrailConfig = { minStep: 0.35, maxLength: 12 };

/** The trail after the pointer reached z: z is added if it is minStep from the last point (or the trail is empty). */
export function trailPush(trail: [number, number][], z: [number, number], cfg: TrailConfig = DEFAULT_TRAIL): [number, number][] {
  const last = trail[trail.length - 1];
  if (last && Math.hypot(z[0] - last[0], z[1] - last[1]) < cfg.minStep) return trail;
  const next = [...trail, z];
  return next.length > cfg.maxLength ? next.slice(next.length - cfg.maxLength) : next;
}

/** Arrow keys move the probe by `step` (Shift: 5 steps), kept inside the bounds; other keys leave it. */
export function probeAfterKey(z: [number, number], key: string, shift: boolean, b: Bounds, step = 0.1): [number, number] {
  const d = shift ? 5 * step : step;
  const moves: Record<string, [number, number]> = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, d], ArrowDown: [0, -d] };
  const m = moves[key];
  if (!m) return z;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return [clamp(Number((z[0] + m[0]).toFixed(6)), b.x0, b.x1), clamp(Number((z[1] + m[1]).toFixed(6)), b.y0, b.y1)];
}

/** Decodes one code of the 2-D plane: 784 pixel probabilities (the library's decodeLatents). */
export function decodePoint(decoder: LatentDecoder, z: [number, number]): Float32Array {
  return decodeLatents(decoder, [z[0], z[1]]);
}

export async function mount(ctx: WidgetContext): Promise<void> {
  const dec = checkNetworkPart(ctx.part('decoder'), String(ctx.config.model), 'decoder');
  const codes = ctx.part('codes') as CodesPart;
  const decoder = await decoderFromArtifacts(dec.manifest, networkArtifacts(dec), dec.model);
  if (decoder.config.latentDim !== 2) throw new Error(`latent explorer: ${dec.model} has latentDim ${decoder.config.latentDim}, the plane needs 2`);
  const b = codes.bounds;
  const f = DEFAULT_FRAME;
  const svg = fromMarkup<SVGSVGElement>(planeSvg({
    bounds: b, points: base64ToFloat32(codes.points), labels: codes.labels, prior: false,
    label: widgetStrings().latentPlane(codes.labels.length, dec.model),
  }));
  svg.setAttribute('tabindex', '0');
  const trailLine = svgEl('polyline', { class: 'plane-trail', points: '' });
  const probe = svgEl('circle', { class: 'plane-probe', r: 5, cx: -99, cy: -99 });
  svg.append(trailLine, probe);

  const big = digitCanvas(widgetStrings().decodedAtPointer, 28);
  big.classList.add('digit-large');
  const readout = el('p', { class: 'widget-readout' }, [widgetStrings().pointAtPlane]);
  const strip = el('div', { class: 'widget-trail-digits' });
  const clear = el('button', { type: 'button', class: 'widget-button' }, [widgetStrings().clearTrail]);
  ctx.live.append(
    el('div', { class: 'widget-row' }, [
      el('div', { class: 'widget-plane' }, [svg, fromMarkup(digitLegend())]),
      el('div', { class: 'widget-side' }, [big, readout]),
    ]),
    el('div', { class: 'widget-trail' }, [el('span', { class: 'widget-label' }, [widgetStrings().trail]), strip, clear]),
  );

  let z: [number, number] = [0, 0];
  let pending: [number, number] | null = null;
  let trail: [number, number][] = [];
  let dragging = false;

  const show = (p: [number, number]) => {
    const t0 = performance.now();
    const pixels = decodePoint(decoder, p);
    drawDigit(big, pixels);
    ctx.timing('decode', performance.now() - t0);
    z = p;
    const [px, py] = toPixel(b, f, p[0], p[1]);
    probe.setAttribute('cx', px.toFixed(1));
    probe.setAttribute('cy', py.toFixed(1));
    readout.textContent = `z = (${fmt(p[0])}, ${fmt(p[1])})`;
    ctx.root.dataset.z = `${p[0]},${p[1]}`;
    (ctx.root as HTMLElement & { lastDecode?: Float32Array }).lastDecode = pixels;
  };
  const schedule = (p: [number, number]) => {
    if (pending === null) requestAnimationFrame(() => {
      const q = pending;
      pending = null;
      if (q) show(q);
    });
    pending = p;
  };
  const redrawTrail = () => {
    trailLine.setAttribute('points', trail.map(([x, y]) => toPixel(b, f, x, y).map((v) => v.toFixed(1)).join(',')).join(' '));
    const images = trail.length ? decodeLatents(decoder, trail.flat()) : new Float32Array(0);
    strip.replaceChildren(...trail.map(([x, y], i) => {
      const c = digitCanvas(widgetStrings().trailDigit(i + 1, fmt(x), fmt(y)));
      drawDigit(c, images.subarray(i * 784, (i + 1) * 784));
      return c;
    }));
  };
  const addToTrail = (p: [number, number]) => {
    const next = trailPush(trail, p);
    if (next !== trail) {
      trail = next;
      redrawTrail();
    }
  };
  const at = (e: PointerEvent): [number, number] | null => {
    const [sx, sy] = clientToSvg(svg, e.clientX, e.clientY);
    const p = toData(b, f, sx, sy);
    return inside(b, p[0], p[1]) ? p : null;
  };
  svg.addEventListener('pointermove', (e) => {
    const p = at(e);
    if (!p) return;
    schedule(p);
    if (dragging) addToTrail(p);
  });
  svg.addEventListener('pointerdown', (e) => {
    const p = at(e);
    if (!p) return;
    dragging = true;
    try {
      svg.setPointerCapture(e.pointerId);
    } catch {
      // a pointer the browser does not track (a synthetic event): the drag still works over the plane
    }
    e.preventDefault();
    schedule(p);
    addToTrail(p);
  });
  const stop = () => {
    dragging = false;
  };
  svg.addEventListener('pointerup', stop);
  svg.addEventListener('pointercancel', stop);
  svg.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      addToTrail(z);
      e.preventDefault();
      return;
    }
    const next = probeAfterKey(z, e.key, e.shiftKey, b);
    if (next !== z) {
      e.preventDefault();
      show(next);
    }
  });
  clear.addEventListener('click', () => {
    trail = [];
    redrawTrail();
  });
  show([0, 0]);
}
