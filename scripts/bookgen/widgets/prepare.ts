// Node, build time: what each interactive figure needs, computed by the library from the models the notebooks
// saved: the parts its page loads (quantized networks, codes of test digits, a palette of test digits), its
// settings, and its still (the picture shown before the widget starts, without JavaScript and in print).
// Anything the page would compute live (decodes, the draw widget's ellipses) is computed here with the page's own
// quantized weights, through the same library calls, so the still shows what the widget shows.
import {
  activeUnits, decodeLatents, decoderFromArtifacts, digitGridPng, evaluate, latentMeans, loadModel, modelFromArtifacts,
  reconstructionPairs, samplePrior, subset,
} from '../../../lib/index';
import type { Dataset, LatentDecoder, VAE } from '../../../lib/index';
import { BookError, escapeHtml, widgetFigureId } from '../markdown';
import { BookModel, findModels, packNetwork } from './models';
import { base64ToBytes, base64ToFloat32, bytesToBase64, float32ToBase64, networkArtifacts, NetworkPart } from './parts';
import { DEFAULT_QUANTIZE, QuantizeConfig, WeightDtype } from './quantize';
import { DEFAULT_FRAME, digitLegend, ellipseOf, planeSvg, symmetricBounds } from './plane';
import type { CodesPart } from './latent-explorer';
import { DigitsPart, drawingTerms, fixedNoise, SAMPLES } from './draw-digit';
import { pathCodes, normChartSvg, STEPS } from './interpolate';
import { densitiesSvg, klByLibrary, klFormula } from './kl-by-hand';
import { activityBarsSvg, betaLabel, BetaConfig, BetaView, sortViews, viewSummary } from './beta-explorer';
import { fmt } from './dom';

/** A part as the page loads it: registry id, book path of its script, payload. */
export interface PartFile {
  id: string;
  file: string;
  payload: unknown;
}

export interface PreparedWidget {
  parts: Record<string, PartFile>;
  config: Record<string, unknown>;
  /** HTML shown until the widget starts, without JavaScript and in print. */
  still: string;
  /** HTML: which model, from which execution, how its weights were stored. */
  source: string;
}

/** Shared by the widgets of one build: models found, parts and models made once, PNG assets. */
export interface PrepareContext {
  models: Map<string, BookModel[]>;
  /** Held-out digits (the embedded data's test split). */
  test: Dataset;
  quantize: QuantizeConfig;
  /** Stores PNG bytes as a book asset, returns its URL. */
  png(bytes: Uint8Array): string;
  /** Book path of a notebook's download (for the source note). */
  notebookHref(notebook: string): string;
  cache: Map<string, unknown>;
  /** Build log (a model stored finer than `quantize` says so). */
  log?: (msg: string) => void;
}

export interface WidgetArgs {
  name: string;
  /** Its figure id (fig-…), the element's id and what @fig-… references name. */
  id: string;
  args: Record<string, string>;
  /** file:line for errors. */
  where: string;
}

/** Digits of the test set shown as a palette: the first `perClass` of each class, in class order. */
export function paletteIndices(labels: ArrayLike<number>, perClass = 2, classes = 10): number[] {
  const out: number[] = [];
  for (let k = 0; k < classes; k++) {
    let n = 0;
    for (let i = 0; i < labels.length && n < perClass; i++) {
      if (labels[i] === k) {
        out.push(i);
        n++;
      }
    }
  }
  return out;
}

function once<T>(ctx: PrepareContext, key: string, make: () => T): T {
  if (!ctx.cache.has(key)) ctx.cache.set(key, make());
  return ctx.cache.get(key) as T;
}

const folderOf = (m: BookModel) => `assets/models/${m.source.notebook}.${m.source.cacheKey.slice(0, 16)}`;

function partFile(m: BookModel, part: string, payload: unknown): PartFile {
  const id = `${m.source.notebook}.${m.source.cacheKey.slice(0, 16)}/${m.name}.${part}`;
  return { id, file: `${folderOf(m)}/${m.name}.${part}.js`, payload };
}

/** The next finer storage, tried when a model's decodes drift too far from the trained model's. */
const FINER: Record<WeightDtype, WeightDtype | undefined> = { uint8: 'uint16', uint16: 'float16', float16: 'float32', float32: undefined };

/** How `m`'s weights are stored in the page: settled by `settleStorage` (the build's setting, or finer). */
function storageOf(ctx: PrepareContext, m: BookModel): QuantizeConfig {
  const q = ctx.cache.get(`${m.dir}#storage`) as QuantizeConfig | undefined;
  if (!q) throw new Error(`${m.dir}: storage not settled (settleStorage first)`);
  return q;
}

function networkPart(ctx: PrepareContext, m: BookModel, network: 'encoder' | 'decoder'): PartFile {
  const q = storageOf(ctx, m);
  return once(ctx, `${m.dir}#${network}#${q.dtype}`, () => partFile(m, network, packNetwork(m, network, q)));
}

/** The model as the notebook saved it, full precision: the one its figures came from. */
function trained(ctx: PrepareContext, m: BookModel): Promise<VAE> {
  return once(ctx, `${m.dir}#model`, async () => {
    const model = await loadModel(m.dir);
    if (model.kind !== 'vae') throw new BookError(`${m.dir}: model "${m.name}" is an autoencoder; the interactive figures need a VAE`);
    return model;
  });
}

/** The decoder as the page runs it (quantized weights), loaded by the library from the very part payload. */
function pageDecoder(ctx: PrepareContext, m: BookModel): Promise<LatentDecoder> {
  return once(ctx, `${m.dir}#pageDecoder#${storageOf(ctx, m).dtype}`, () => {
    const p = networkPart(ctx, m, 'decoder').payload as NetworkPart;
    return decoderFromArtifacts(p.manifest, networkArtifacts(p), m.name);
  });
}

function pageVae(ctx: PrepareContext, m: BookModel): Promise<VAE> {
  return once(ctx, `${m.dir}#pageVae#${storageOf(ctx, m).dtype}`, async () => {
    const e = networkPart(ctx, m, 'encoder').payload as NetworkPart;
    const d = networkPart(ctx, m, 'decoder').payload as NetworkPart;
    return (await modelFromArtifacts(e.manifest, networkArtifacts(e), networkArtifacts(d), m.name)) as VAE;
  });
}

/** Posterior means of the test digits under the trained model, as the codes part (2-D models only). */
async function codesPart(ctx: PrepareContext, m: BookModel, where: string): Promise<PartFile> {
  const model = await trained(ctx, m);
  if (model.config.latentDim !== 2) throw new BookError(`${where}: model "${m.name}" has latentDim ${model.config.latentDim}; this figure draws the 2-D plane`);
  return once(ctx, `${m.dir}#codes`, () => {
    const { points, labels } = latentMeans(model, ctx.test);
    const payload: CodesPart = { kind: 'codes', model: m.name, points: float32ToBase64(points), labels: Array.from(labels), bounds: symmetricBounds(points) };
    return partFile(m, 'codes', payload);
  });
}

/** Twenty test digits (two per class) and their codes under the trained model. */
async function digitsPart(ctx: PrepareContext, m: BookModel): Promise<PartFile> {
  const model = await trained(ctx, m);
  return once(ctx, `${m.dir}#digits`, () => {
    const idx = paletteIndices(ctx.test.labels);
    const ds = subset(ctx.test, idx);
    const pixels = Uint8Array.from(ds.images, (v) => Math.round(v * 255));
    const codes = latentMeans(model, ds).points;
    const payload: DigitsPart = {
      kind: 'digits', model: m.name, pixels: bytesToBase64(pixels), labels: Array.from(ds.labels), codes: float32ToBase64(codes), latentDim: model.config.latentDim,
    };
    return partFile(m, 'digits', payload);
  });
}

/** The most a decoded pixel of the page's quantized decoder may differ from the trained model's (build error above). */
export const MAX_DECODE_ERROR = 0.05;

/** Largest and mean |difference| of the decoded pixels of `codes` between the trained and the page's decoder. */
async function decodeDrift(ctx: PrepareContext, m: BookModel, codes: Float32Array): Promise<{ max: number; mean: number; count: number }> {
  const a = decodeLatents(await trained(ctx, m), codes);
  const b = decodeLatents(await pageDecoder(ctx, m), codes);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length, count: codes.length / (await trained(ctx, m)).config.latentDim };
}

/**
 * Chooses how `m`'s weights are stored in the page, once per model: the build's setting (uint8 by default) unless the
 * decodes of the test digits' codes then differ from the trained model's by more than MAX_DECODE_ERROR, in which case
 * the next finer storage (uint16, float16, float32) that keeps within it. Every widget showing the model uses the choice.
 */
function settleStorage(ctx: PrepareContext, m: BookModel): Promise<QuantizeConfig> {
  return once(ctx, `${m.dir}#settled`, async () => {
    const probe = latentMeans(await trained(ctx, m), ctx.test).points;
    let q: QuantizeConfig = ctx.quantize;
    for (;;) {
      ctx.cache.set(`${m.dir}#storage`, q);
      const { max } = await decodeDrift(ctx, m, probe);
      const finer = FINER[q.dtype];
      if (max <= MAX_DECODE_ERROR || !finer) return q;
      ctx.log?.(`${m.name}: with weights stored as ${q.dtype}, decoded test digits differ from the trained model's by up to ${max.toFixed(3)} (> ${MAX_DECODE_ERROR}); storing them as ${finer}`);
      q = { ...q, dtype: finer };
    }
  });
}

/** decodeDrift of the codes a widget shows, with the model's settled storage; a build error above MAX_DECODE_ERROR. */
async function decodeError(ctx: PrepareContext, m: BookModel, codes: Float32Array): Promise<{ max: number; mean: number; count: number }> {
  const q = await settleStorage(ctx, m);
  const drift = await decodeDrift(ctx, m, codes);
  if (drift.max > MAX_DECODE_ERROR) {
    throw new BookError(`${m.dir}: with weights stored as ${q.dtype}, decoded pixels differ from the trained model's by up to ${drift.max.toFixed(3)} (> ${MAX_DECODE_ERROR})`);
  }
  return drift;
}

const storage = (q: QuantizeConfig) =>
  q.dtype === 'float32' ? 'full precision' : q.dtype === 'float16' ? 'half precision (float16)' : `${q.dtype === 'uint8' ? 8 : 16}-bit levels, one range per input unit of each layer`;

/** A small positive number as HTML: `digits` decimals, or a × 10<sup>−k</sup> where those would all be zeros. */
function small(v: number, digits: number): string {
  if (!(v > 0) || v >= 10 ** -digits) return fmt(v, digits);
  const k = Math.floor(Math.log10(v));
  return `${(v / 10 ** k).toFixed(1)} × 10<sup>−${-k}</sup>`;
}

function sourceNote(ctx: PrepareContext, models: BookModel[], extra = ''): string {
  const bySource = new Map<string, BookModel[]>();
  for (const m of models) bySource.set(`${m.source.notebook}#${m.source.cacheKey}`, [...(bySource.get(`${m.source.notebook}#${m.source.cacheKey}`) ?? []), m]);
  const list = [...bySource.values()].map((ms) => {
    const s = ms[0].source;
    return `${ms.map((m) => `<code>${escapeHtml(m.name)}</code>`).join(', ')}, saved by <a href="${ctx.notebookHref(s.notebook)}">${escapeHtml(s.notebook)}.ipynb</a> ` +
      `in the run whose outputs the book shows (profile ${escapeHtml(s.profile)}, execution <code>${s.cacheKey.slice(0, 8)}</code>)`;
  });
  return `<p class="widget-source">Model${models.length > 1 ? 's' : ''}: ${list.join('; ')}.${extra ? ` ${extra}` : ''}</p>`;
}

function img(url: string, alt: string, cls = 'digit-grid'): string {
  return `<img class="${cls}" src="${url}" alt="${escapeHtml(alt)}">`;
}

function requireArg(w: WidgetArgs, key: string): string {
  const v = w.args[key];
  if (!v) throw new BookError(`${w.where}: widget ${w.name} needs ${key}=…`);
  return v;
}

/** The one model a widget shows, its page storage settled. */
async function oneModel(ctx: PrepareContext, w: WidgetArgs): Promise<BookModel> {
  const pattern = requireArg(w, 'model');
  if (pattern.includes('*')) throw new BookError(`${w.where}: widget ${w.name} shows one model: model=${pattern} is a pattern`);
  const m = findModels(ctx.models, pattern, w.where)[0];
  await settleStorage(ctx, m);
  return m;
}

async function latentExplorer(ctx: PrepareContext, w: WidgetArgs): Promise<PreparedWidget> {
  const m = await oneModel(ctx, w);
  const codes = await codesPart(ctx, m, w.where);
  const c = codes.payload as CodesPart;
  const pts = base64ToFloat32(c.points);
  const err = await decodeError(ctx, m, pts);
  // The still: the plane, and what a drag along the diagonal would leave behind.
  const path = pathCodes([-2, -2], [2, 2], STEPS, 'lerp');
  const trail = decodeLatents(await pageDecoder(ctx, m), path);
  const still =
    `<div class="widget-row"><div class="widget-plane">${planeSvg({ bounds: c.bounds, points: pts, labels: c.labels, label: `Posterior means of ${c.labels.length} test digits under ${m.name}` })}${digitLegend()}</div></div>` +
    `<p class="widget-still-note">Decoded along the diagonal from (−2, −2) to (2, 2):</p>${img(ctx.png(digitGridPng(trail, { cols: STEPS, scale: 2 })), 'Digits decoded along the diagonal of the latent plane')}`;
  return {
    parts: { decoder: networkPart(ctx, m, 'decoder'), codes },
    config: { model: m.name },
    still,
    source: sourceNote(ctx, [m], `Its decoder runs in this page with weights stored as ${storage(storageOf(ctx, m))}: over the ${err.count.toLocaleString('en-US')} codes shown, its pixels differ from the trained model's by ${small(err.mean, 4)} on average and ${small(err.max, 3)} at most.`),
  };
}

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
  const still =
    `<div class="widget-row"><div class="widget-plane">${planeSvg({ bounds: c.bounds, points: codesF, labels: c.labels, prior: true, dotSize: 2.2, overlay: ellipses.join(''), label: 'Ten test digits’ posteriors as 1σ ellipses among the codes of the test digits' })}${digitLegend()}</div></div>` +
    `<p class="widget-still-note">Ten test digits (top) and their reconstructions from the posterior mean (bottom):</p>${img(ctx.png(digitGridPng(pairs, { cols: 10, scale: 2 })), 'Ten test digits and their reconstructions')}`;
  return {
    parts: { encoder: networkPart(ctx, m, 'encoder'), decoder: networkPart(ctx, m, 'decoder'), codes, digits },
    config: { model: m.name },
    still,
    source: sourceNote(ctx, [m], `Encoder and decoder run in this page with weights stored as ${storage(storageOf(ctx, m))} (decoded pixels within ${small(err.max, 3)} of the trained model's over ${err.count.toLocaleString('en-US')} test codes). The reconstruction term averages ${SAMPLES} draws of z, the same draws for every drawing.`),
  };
}

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
  const still =
    `<p class="widget-still-note">From a test ${d.labels[a]} to a test ${d.labels[b]}: lerp (top row) and slerp (bottom row).</p>` +
    `${img(ctx.png(digitGridPng(rows, { cols: STEPS, scale: 2 })), `Decoded interpolation from a ${d.labels[a]} to a ${d.labels[b]}, lerp then slerp`)}` +
    `<div class="widget-chart">${normChartSvg(za, zb, 0.5)}</div>`;
  return {
    parts: { decoder: networkPart(ctx, m, 'decoder'), digits },
    config: { model: m.name, a, b },
    still,
    source: sourceNote(ctx, [m], `Its decoder runs in this page with weights stored as ${storage(storageOf(ctx, m))} (decoded pixels within ${small(err.max, 3)} of the trained model's for these digits); the codes are the trained encoder's posterior means.`),
  };
}

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

/** β of a model named `beta-<β>`. */
export function betaOf(name: string, where: string): number {
  const m = /^beta-(.+)$/.exec(name);
  const v = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(v) || v < 0) throw new BookError(`${where}: model "${name}" does not name its β as beta-<number>`);
  return v;
}

async function betaExplorer(ctx: PrepareContext, w: WidgetArgs): Promise<PreparedWidget> {
  const models = findModels(ctx.models, requireArg(w, 'models'), w.where).sort((a, b) => betaOf(a.name, w.where) - betaOf(b.name, w.where));
  const shown = subset(ctx.test, paletteIndices(ctx.test.labels, 1).slice(0, 8));
  const views: BetaView[] = [];
  let threshold = 0.01;
  for (const m of models) {
    const vae = await trained(ctx, m);
    const terms = evaluate(vae, ctx.test);
    const active = activeUnits(vae, ctx.test);
    threshold = active.threshold;
    views.push({
      beta: betaOf(m.name, w.where),
      model: m.name,
      latentDim: vae.config.latentDim,
      recon: terms.recon,
      kl: terms.kl,
      activity: Array.from(active.variances).sort((x, y) => y - x),
      active: active.count,
      samples: ctx.png(digitGridPng(samplePrior(vae, 16, { seed: 0 }), { cols: 8, scale: 1 })),
      reconstructions: ctx.png(digitGridPng(reconstructionPairs(vae, shown), { cols: shown.size, scale: 1 })),
    });
  }
  const sorted = sortViews(views);
  const config: BetaConfig = { threshold, views: sorted };
  const rows = sorted.map((v) =>
    `<tr><th scope="row">β = ${betaLabel(v.beta)}</th><td>${img(v.samples, `Samples of the model trained with β = ${betaLabel(v.beta)}`)}</td>` +
    `<td>${img(v.reconstructions, `Test digits and their reconstructions by the model trained with β = ${betaLabel(v.beta)}`)}</td>` +
    `<td>${activityBarsSvg(v.activity, threshold, { width: 200, height: 110 })}<br>${escapeHtml(viewSummary(v).replace(/^β = [^:]*: /, ''))}</td></tr>`).join('');
  return {
    parts: {},
    config: config as unknown as Record<string, unknown>,
    still: `<table class="beta-table"><thead><tr><th>β</th><th>samples</th><th>test digits and reconstructions</th><th>active units</th></tr></thead><tbody>${rows}</tbody></table>`,
    source: sourceNote(ctx, models, `Samples, reconstructions, test terms (${ctx.test.size.toLocaleString('en-US')} test digits) and active units (threshold ${threshold}) were computed by the library from these models when the book was built.`),
  };
}

/** The figures the build knows, with their arguments. */
export const WIDGET_KINDS: Record<string, { args: string[]; prepare: (ctx: PrepareContext, w: WidgetArgs) => Promise<PreparedWidget> | PreparedWidget }> = {
  'latent-explorer': { args: ['model'], prepare: latentExplorer },
  'draw-digit': { args: ['model'], prepare: drawDigit },
  interpolate: { args: ['model', 'from', 'to'], prepare: interpolate },
  'kl-by-hand': { args: ['mu', 'sigma'], prepare: klByHand },
  'beta-explorer': { args: ['models'], prepare: betaExplorer },
};

/** Parses `NAME fig-ID key=value …` (the text after `::: widget`) and checks it against WIDGET_KINDS. */
export function parseWidget(spec: string, where: string): WidgetArgs {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  const name = words.shift() ?? '';
  const kind = WIDGET_KINDS[name];
  if (!kind) throw new BookError(`${where}: unknown widget "${name}" (known: ${Object.keys(WIDGET_KINDS).join(', ')})`);
  const id = widgetFigureId(spec);
  if (!id) throw new BookError(`${where}: widget ${name} needs a figure id after its name: "::: widget ${name} fig-some-name …"`);
  words.shift();
  const args: Record<string, string> = {};
  for (const word of words) {
    const m = /^([a-z]+)=(\S+)$/.exec(word);
    if (!m) throw new BookError(`${where}: widget ${name}: "${word}" is not key=value`);
    if (!kind.args.includes(m[1])) throw new BookError(`${where}: widget ${name} takes ${kind.args.join(', ') || 'no arguments'}, not "${m[1]}"`);
    args[m[1]] = m[2];
  }
  return { name, id, args, where };
}

/** Frees the models loaded while preparing (the build process goes on rendering). */
export async function disposePrepared(ctx: PrepareContext): Promise<void> {
  for (const [key, v] of ctx.cache) {
    if (!/#(model|pageDecoder#\w+|pageVae#\w+)$/.test(key)) continue;
    const model = (await v) as { dispose(): void };
    model.dispose();
  }
  ctx.cache.clear();
}
