// Draw a digit (chapter 3): a 28 × 28 canvas to draw on with mouse or touch. The drawing is centred and scaled the
// way MNIST's digits were, then the book's 2-D VAE encodes it: q(z|x) appears as its 1σ and 2σ ellipses on the
// latent plane among the test digits' codes, the decoder reconstructs it from the mean, and the two terms of the
// ELBO of the drawing are printed in nats (reconstruction by Monte Carlo, KL in closed form; the library's elbo).
import * as tf from '@tensorflow/tfjs';
import { decodeLatents, elbo, klDivergence, modelFromArtifacts, reparameterize, Rng } from '../../../../lib/core';
import type { VAE } from '../../../../lib/core';
import { DEFAULT_FRAME, digitLegend, ellipseOf, planeSvg } from '../plane';
import { base64ToFloat32, checkNetworkPart, CodesPart, digitPixels, DigitsPart, networkArtifacts, SIDE } from '../parts';
import { digitCanvas, drawDigit, el, fmt, fromMarkup, svgEl, WidgetContext } from '../dom';
import { widgetStrings } from '../../i18n';

export interface BrushConfig {
  /** Radius of full ink, in pixels of the 28 × 28 grid. */
  core: number;
  /** Radius where the ink has faded to nothing. */
  edge: number;
}

/** About the stroke width of MNIST's digits (2–3 pixels of full ink with soft edges). */
export const DEFAULT_BRUSH: BrushConfig = { core: 0.9, edge: 1.9 };

/** Inks the segment (x0, y0)–(x1, y1) (grid units, pixel centres at i + 0.5) into `grid`, keeping the darker value. */
export function strokeSegment(grid: Float32Array, x0: number, y0: number, x1: number, y1: number, brush: BrushConfig = DEFAULT_BRUSH): void {
  const side = Math.round(Math.sqrt(grid.length));
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const lo = (v: number) => Math.max(0, Math.floor(v - brush.edge));
  const hi = (v: number) => Math.min(side - 1, Math.ceil(v + brush.edge));
  for (let row = lo(Math.min(y0, y1)); row <= hi(Math.max(y0, y1)); row++) {
    for (let col = lo(Math.min(x0, x1)); col <= hi(Math.max(x0, x1)); col++) {
      const px = col + 0.5;
      const py = row + 0.5;
      const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - x0) * dx + (py - y0) * dy) / len2));
      const d = Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
      const ink = d <= brush.core ? 1 : Math.max(0, 1 - (d - brush.core) / (brush.edge - brush.core));
      const i = row * side + col;
      if (ink > grid[i]) grid[i] = ink;
    }
  }
}

/** Bilinear sample of a side × side image at (x, y) in pixel-centre coordinates; 0 outside. */
function sample(img: Float32Array, side: number, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const c0 = Math.floor(fx);
  const r0 = Math.floor(fy);
  const ax = fx - c0;
  const ay = fy - r0;
  const at = (r: number, c: number) => (r >= 0 && r < side && c >= 0 && c < side ? img[r * side + c] : 0);
  return (at(r0, c0) * (1 - ax) + at(r0, c0 + 1) * ax) * (1 - ay) + (at(r0 + 1, c0) * (1 - ax) + at(r0 + 1, c0 + 1) * ax) * ay;
}

/** Centre of mass of the ink (pixel-centre coordinates), or null for an empty image. */
export function centreOfMass(img: Float32Array): [number, number] | null {
  const side = Math.round(Math.sqrt(img.length));
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const v = img[r * side + c];
      m += v;
      sx += v * (c + 0.5);
      sy += v * (r + 0.5);
    }
  }
  return m > 0 ? [sx / m, sy / m] : null;
}

/**
 * MNIST's normalisation of a drawing (LeCun et al. 1998): the ink's bounding box scaled to fit a `box` × `box`
 * square (aspect kept), then the image shifted so that its centre of mass sits at the centre of the field.
 * An empty drawing stays empty.
 */
export function centreLikeMnist(img: Float32Array, box = 20, threshold = 0.05): Float32Array {
  const side = Math.round(Math.sqrt(img.length));
  let [c0, c1, r0, r1] = [side, -1, side, -1];
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      if (img[r * side + c] > threshold) {
        c0 = Math.min(c0, c);
        c1 = Math.max(c1, c);
        r0 = Math.min(r0, r);
        r1 = Math.max(r1, r);
      }
    }
  }
  if (c1 < 0) return new Float32Array(img.length);
  const w = c1 - c0 + 1;
  const h = r1 - r0 + 1;
  const s = box / Math.max(w, h);
  const bx = (c0 + c1 + 1) / 2;
  const by = (r0 + r1 + 1) / 2;
  const centre = side / 2;
  const scaled = new Float32Array(img.length);
  // Each output pixel reads the input at the pre-image of its centre (area-averaging when shrinking: 2×2 taps).
  const taps = s < 1 ? [-0.25, 0.25] : [0];
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      let v = 0;
      for (const oy of taps) for (const ox of taps) v += sample(img, side, bx + (c + 0.5 + ox - centre) / s, by + (r + 0.5 + oy - centre) / s);
      scaled[r * side + c] = Math.min(1, v / (taps.length * taps.length));
    }
  }
  const com = centreOfMass(scaled)!;
  const out = new Float32Array(img.length);
  const [sx, sy] = [com[0] - centre, com[1] - centre];
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) out[r * side + c] = Math.min(1, sample(scaled, side, c + 0.5 + sx, r + 0.5 + sy));
  return out;
}

/** Standard normal noise for `samples` draws of a latentDim code, from the library's seeded generator. */
export function fixedNoise(samples: number, latentDim: number, seed = 0): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: samples * latentDim }, () => rng.normal());
}

/** What the encoder makes of one image, and the decoder of its posterior mean. */
export interface Posterior {
  mean: number[];
  sigma: number[];
  /** KL(q(z|x) ‖ N(0, I)), nats, closed form (the library's klDivergence). */
  kl: number;
  /** Decoded posterior mean: pixel probabilities. */
  reconstruction: Float32Array;
}

/** The posterior q(z|x) of one image x (784 values in [0, 1]), its KL to the prior, and the decoded mean. */
export function posteriorOf(vae: VAE, x: Float32Array): Posterior {
  const [mean, logVar, kl] = tf.tidy(() => {
    const q = vae.encode(tf.tensor2d(x, [1, x.length]));
    return [q.mean, q.logVar, klDivergence(q.mean, q.logVar)];
  });
  const m = Array.from(mean.dataSync());
  const out = { mean: m, sigma: Array.from(logVar.dataSync(), (v) => Math.exp(v / 2)), kl: kl.dataSync()[0], reconstruction: decodeLatents(vae, m) };
  tf.dispose([mean, logVar, kl]);
  return out;
}

/**
 * The reconstruction term −E_q[log p(x|z)] of one image, in nats: z = μ + σ ε for each row of `noise`
 * (reparameterize), decoded, and averaged by the library's `elbo` over the draws.
 */
export function reconstructionTerm(vae: VAE, x: Float32Array, noise: Float32Array): number {
  const d = vae.config.latentDim;
  const samples = noise.length / d;
  const recon = tf.tidy(() => {
    const xs = tf.tensor2d(x, [1, x.length]);
    const q = vae.encode(xs);
    const meanK = tf.tile(q.mean, [samples, 1]) as tf.Tensor2D;
    const logVarK = tf.tile(q.logVar, [samples, 1]) as tf.Tensor2D;
    const z = reparameterize(meanK, logVarK, tf.tensor2d(noise, [samples, d]));
    const { likelihood, outputLogVar } = vae.config;
    return elbo(tf.tile(xs, [samples, 1]) as tf.Tensor2D, { mean: meanK, logVar: logVarK, z, logits: vae.decode(z) }, { likelihood, outputLogVar }).recon;
  });
  const v = recon.dataSync()[0];
  recon.dispose();
  return v;
}

/** Both terms of the ELBO of one image, with the posterior they come from. */
export interface DrawingTerms extends Posterior {
  /** −E_q[log p(x|z)], nats, averaged over the noise samples. */
  recon: number;
}

export function drawingTerms(vae: VAE, x: Float32Array, noise: Float32Array): DrawingTerms {
  return { ...posteriorOf(vae, x), recon: reconstructionTerm(vae, x, noise) };
}

/** Noise samples per evaluation of the reconstruction term. */
export const SAMPLES = 32;

export async function mount(ctx: WidgetContext): Promise<void> {
  const model = String(ctx.config.model);
  const enc = checkNetworkPart(ctx.part('encoder'), model, 'encoder');
  const dec = checkNetworkPart(ctx.part('decoder'), model, 'decoder');
  const codes = ctx.part('codes') as CodesPart;
  const digits = ctx.part('digits') as DigitsPart;
  const vae = (await modelFromArtifacts(enc.manifest, networkArtifacts(enc), networkArtifacts(dec), model)) as VAE;
  if (vae.kind !== 'vae' || vae.config.latentDim !== 2) throw new Error(`draw a digit: ${model} must be a VAE with latentDim 2`);
  const noise = fixedNoise(SAMPLES, 2);
  const b = codes.bounds;
  const f = DEFAULT_FRAME;

  const grid = new Float32Array(SIDE * SIDE);
  const pad = digitCanvas(widgetStrings().drawPad);
  pad.classList.add('draw-pad');
  const seen = digitCanvas(widgetStrings().drawSeen);
  const recon = digitCanvas(widgetStrings().drawRecon);
  const svg = fromMarkup<SVGSVGElement>(planeSvg({
    bounds: b, points: base64ToFloat32(codes.points), labels: codes.labels, prior: true, dotSize: 2.2,
    label: widgetStrings().drawPlane,
  }));
  svg.classList.add('plane-faint');
  const e2 = svgEl('ellipse', { class: 'plane-q plane-q2' });
  const e1 = svgEl('ellipse', { class: 'plane-q' });
  const dot = svgEl('circle', { class: 'plane-probe', r: 3.5 });
  svg.append(e2, e1, dot);
  const t = widgetStrings();
  const val = (name: string) => el('span', { class: `term-${name}` }, ['…']);
  const v = { recon: val('recon'), kl: val('kl'), nelbo: val('nelbo'), mean: val('mean'), sigma: val('sigma') };
  const terms = el('dl', { class: 'widget-terms' }, [
    el('dt', {}, [`${t.reconstruction} −E`, el('sub', {}, ['q']), '[log p(x|z)]']), el('dd', {}, [v.recon, t.nats]),
    el('dt', {}, ['KL(q(z|x) ‖ N(0, I))']), el('dd', {}, [v.kl, t.nats]),
    el('dt', {}, ['−ELBO']), el('dd', {}, [v.nelbo, t.nats]),
    el('dt', {}, [t.meanMu]), el('dd', {}, [v.mean]),
    el('dt', {}, ['σ']), el('dd', {}, [v.sigma]),
  ]);
  const clear = el('button', { type: 'button', class: 'widget-button' }, [t.clear]);
  const example = el('button', { type: 'button', class: 'widget-button' }, [t.aTestDigit]);
  ctx.live.append(
    el('div', { class: 'widget-row' }, [
      el('div', { class: 'widget-draw' }, [
        pad,
        el('div', { class: 'widget-buttons' }, [clear, example]),
        el('div', { class: 'widget-pair' }, [
          el('figure', {}, [seen, el('figcaption', {}, [t.encoderInput])]),
          el('figure', {}, [recon, el('figcaption', {}, [t.reconstruction])]),
        ]),
      ]),
      el('div', { class: 'widget-plane' }, [svg, fromMarkup(digitLegend())]),
    ]),
    terms,
  );

  // Every frame while drawing: the posterior, its KL and the reconstruction (two small passes). When the stroke
  // ends: the reconstruction term too, SAMPLES decodes (about 20 times the work; see npm run bench:pages).
  let pending = false;
  let withElbo = false;
  const evaluate = () => {
    pending = false;
    drawDigit(pad, grid);
    const x = centreLikeMnist(grid);
    drawDigit(seen, x);
    const t0 = performance.now();
    const t = posteriorOf(vae, x);
    drawDigit(recon, t.reconstruction);
    ctx.timing('posterior', performance.now() - t0);
    for (const [el2, k] of [[e1, 1], [e2, 2]] as const) {
      const e = ellipseOf(b, f, [t.mean[0], t.mean[1]], [t.sigma[0], t.sigma[1]], k);
      el2.setAttribute('cx', e.cx.toFixed(1));
      el2.setAttribute('cy', e.cy.toFixed(1));
      el2.setAttribute('rx', Math.max(0.5, e.rx).toFixed(1));
      el2.setAttribute('ry', Math.max(0.5, e.ry).toFixed(1));
    }
    const c = ellipseOf(b, f, [t.mean[0], t.mean[1]], [0, 0]);
    dot.setAttribute('cx', c.cx.toFixed(1));
    dot.setAttribute('cy', c.cy.toFixed(1));
    v.kl.textContent = fmt(t.kl, 2);
    v.mean.textContent = `(${fmt(t.mean[0])}, ${fmt(t.mean[1])})`;
    v.sigma.textContent = `(${fmt(t.sigma[0], 3)}, ${fmt(t.sigma[1], 3)})`;
    Object.assign(ctx.root.dataset, { kl: String(t.kl), mean: t.mean.join(','), sigma: t.sigma.join(',') });
    if (!withElbo) {
      terms.classList.add('pending');
      return;
    }
    withElbo = false;
    const t1 = performance.now();
    const r = reconstructionTerm(vae, x, noise);
    ctx.timing('elbo', performance.now() - t1);
    v.recon.textContent = fmt(r, 1);
    v.nelbo.textContent = fmt(r + t.kl, 1);
    terms.classList.remove('pending');
    ctx.root.dataset.recon = String(r);
  };
  const schedule = (elboToo = false) => {
    withElbo ||= elboToo;
    if (!pending) requestAnimationFrame(evaluate);
    pending = true;
  };

  let last: [number, number] | null = null;
  const pos = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
  };
  pad.addEventListener('pointerdown', (e) => {
    try {
      pad.setPointerCapture(e.pointerId);
    } catch {
      // a pointer the browser does not track (a synthetic event): drawing still works inside the pad
    }
    e.preventDefault();
    last = pos(e);
    strokeSegment(grid, last[0], last[1], last[0], last[1]);
    schedule();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = pos(e);
    strokeSegment(grid, last[0], last[1], p[0], p[1]);
    last = p;
    schedule();
  });
  const end = () => {
    if (last) schedule(true);
    last = null;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  clear.addEventListener('click', () => {
    grid.fill(0);
    schedule(true);
  });
  let next = 0;
  const loadExample = () => {
    grid.set(digitPixels(digits, next % digits.labels.length));
    next += 1;
    schedule(true);
  };
  example.addEventListener('click', loadExample);
  loadExample();
}
