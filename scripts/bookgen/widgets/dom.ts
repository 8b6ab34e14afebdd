// What every widget shares in the page: the context the runtime hands it, a few DOM helpers, and digit images
// (pixel probabilities → canvas). Pure parts (digitRgba, clientToSvg's maths) are tested in Node.

/** What the runtime (widgets/index.ts) gives a widget when it starts. */
export interface WidgetContext {
  /** The <figure class="widget"> element. */
  root: HTMLElement;
  /** The empty container the widget fills (shown once the widget runs; the still is hidden then). */
  live: HTMLElement;
  /** The widget's settings, written by the build (JSON in data-config). */
  config: Record<string, unknown>;
  /** A loaded part by its name in the widget ('decoder', 'codes', …). */
  part(name: string): unknown;
  /** Records how long one interaction took (read by the page benchmark, npm run bench:pages). */
  timing(label: string, ms: number): void;
}

/** One widget kind: its name in the Markdown directive and how it starts. */
export interface WidgetModule {
  mount(ctx: WidgetContext): Promise<void> | void;
}

/** An element with attributes and children (strings become text). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string> = {}, children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** Pixel probabilities in [0, 1] (1 = white ink, as MNIST and the book's digit images) → RGBA bytes. */
export function digitRgba(pixels: ArrayLike<number>, out = new Uint8ClampedArray(pixels.length * 4)): Uint8ClampedArray {
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    const g = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
    out[4 * i] = g;
    out[4 * i + 1] = g;
    out[4 * i + 2] = g;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** A canvas of side × side image pixels, scaled up by CSS (class digit). */
export function digitCanvas(label: string, side = 28): HTMLCanvasElement {
  const c = el('canvas', { class: 'digit', width: String(side), height: String(side), role: 'img', 'aria-label': label });
  return c;
}

export function drawDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(canvas.width, canvas.height);
  digitRgba(pixels, img.data);
  ctx.putImageData(img, 0, 0);
}

/** A point of an SVG's user space (viewBox units) under a client (CSS pixel) position. */
export function clientToSvg(svg: SVGSVGElement, clientX: number, clientY: number): [number, number] {
  const m = svg.getScreenCTM();
  if (!m) return [NaN, NaN];
  const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
  return [p.x, p.y];
}

/** The one element that markup built by the pure functions (the same markup as the still) describes. */
export function fromMarkup<T extends Element>(markup: string): T {
  const holder = document.createElement('div');
  holder.innerHTML = markup;
  return holder.firstElementChild as T;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgEl(tag: string, attrs: Record<string, string | number> = {}): SVGElement {
  const e = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** A number as the widgets print it: fixed decimals, a real minus sign. */
export function fmt(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  const s = v.toFixed(digits);
  return s.startsWith('-') && Number(s) !== 0 ? `−${s.slice(1)}` : s.replace(/^-/, '');
}
