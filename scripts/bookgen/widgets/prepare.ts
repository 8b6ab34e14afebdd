// Node, build time: what the widgets' build steps (each widget's build.ts) share. Each computes, with the library
// and from the models the notebooks saved, the parts its page loads (quantized networks, codes of test digits, a
// palette of test digits), its settings, and its still (the picture shown before the widget starts, without
// JavaScript and in print). Anything the page would compute live (decodes, the draw widget's ellipses) is computed
// with the page's own quantized weights, through the same library calls, so the still shows what the widget shows.
import { decodeLatents, decoderFromArtifacts, latentMeans, loadModel, modelFromArtifacts, subset } from '../../../lib/index';
import type { Dataset, LatentDecoder, VAE } from '../../../lib/index';
import { BookError, escapeHtml } from '../markdown';
import { BookModel, findModels, packNetwork } from './models';
import { bytesToBase64, CodesPart, DigitsPart, float32ToBase64, networkArtifacts, NetworkPart } from './parts';
import { QuantizeConfig, WeightDtype } from './quantize';
import { symmetricBounds } from './plane';
import { fmt } from './dom';
import type { WidgetStrings } from '../i18n';

/** A part as the page loads it: registry id, book path of its script, payload. */
export interface PartFile {
  id: string;
  file: string;
  payload: unknown;
}

export interface PreparedWidget {
  parts: Record<string, PartFile>;
  config: Record<string, unknown>;
  /** HTML shown until the widget starts, without JavaScript and in print, in the words of the page's language. */
  still: (t: WidgetStrings) => string;
  /** HTML: which model, from which execution, how its weights were stored. */
  source: (t: WidgetStrings) => string;
}

/** Shared by the widgets of one build: models found, parts and models made once, PNG assets. */
export interface PrepareContext {
  models: Map<string, BookModel[]>;
  /** Held-out digits: the first of the book's test digits (widgetTestDigits in site.ts). */
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

/** A widget's build step: the `key=value` arguments its directive takes, and how it is prepared. */
export interface WidgetBuild {
  args: string[];
  prepare(ctx: PrepareContext, w: WidgetArgs): Promise<PreparedWidget> | PreparedWidget;
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

export function once<T>(ctx: PrepareContext, key: string, make: () => T): T {
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
export function storageOf(ctx: PrepareContext, m: BookModel): QuantizeConfig {
  const q = ctx.cache.get(`${m.dir}#storage`) as QuantizeConfig | undefined;
  if (!q) throw new Error(`${m.dir}: storage not settled (settleStorage first)`);
  return q;
}

export function networkPart(ctx: PrepareContext, m: BookModel, network: 'encoder' | 'decoder'): PartFile {
  const q = storageOf(ctx, m);
  return once(ctx, `${m.dir}#${network}#${q.dtype}`, () => partFile(m, network, packNetwork(m, network, q)));
}

/** The model as the notebook saved it, full precision: the one its figures came from. */
export function trained(ctx: PrepareContext, m: BookModel): Promise<VAE> {
  return once(ctx, `${m.dir}#model`, async () => {
    const model = await loadModel(m.dir);
    if (model.kind !== 'vae') throw new BookError(`${m.dir}: model "${m.name}" is an autoencoder; the interactive figures need a VAE`);
    return model;
  });
}

/** The decoder as the page runs it (quantized weights), loaded by the library from the very part payload. */
export function pageDecoder(ctx: PrepareContext, m: BookModel): Promise<LatentDecoder> {
  return once(ctx, `${m.dir}#pageDecoder#${storageOf(ctx, m).dtype}`, () => {
    const p = networkPart(ctx, m, 'decoder').payload as NetworkPart;
    return decoderFromArtifacts(p.manifest, networkArtifacts(p), m.name);
  });
}

export function pageVae(ctx: PrepareContext, m: BookModel): Promise<VAE> {
  return once(ctx, `${m.dir}#pageVae#${storageOf(ctx, m).dtype}`, async () => {
    const e = networkPart(ctx, m, 'encoder').payload as NetworkPart;
    const d = networkPart(ctx, m, 'decoder').payload as NetworkPart;
    return (await modelFromArtifacts(e.manifest, networkArtifacts(e), networkArtifacts(d), m.name)) as VAE;
  });
}

/** Posterior means of the test digits under the trained model, as the codes part (2-D models only). */
export async function codesPart(ctx: PrepareContext, m: BookModel, where: string): Promise<PartFile> {
  const model = await trained(ctx, m);
  if (model.config.latentDim !== 2) throw new BookError(`${where}: model "${m.name}" has latentDim ${model.config.latentDim}; this figure draws the 2-D plane`);
  return once(ctx, `${m.dir}#codes`, () => {
    const { points, labels } = latentMeans(model, ctx.test);
    const payload: CodesPart = { kind: 'codes', model: m.name, points: float32ToBase64(points), labels: Array.from(labels), bounds: symmetricBounds(points) };
    return partFile(m, 'codes', payload);
  });
}

/** Twenty test digits (two per class) and their codes under the trained model. */
export async function digitsPart(ctx: PrepareContext, m: BookModel): Promise<PartFile> {
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
export function settleStorage(ctx: PrepareContext, m: BookModel): Promise<QuantizeConfig> {
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
export async function decodeError(ctx: PrepareContext, m: BookModel, codes: Float32Array): Promise<{ max: number; mean: number; count: number }> {
  const q = await settleStorage(ctx, m);
  const drift = await decodeDrift(ctx, m, codes);
  if (drift.max > MAX_DECODE_ERROR) {
    throw new BookError(`${m.dir}: with weights stored as ${q.dtype}, decoded pixels differ from the trained model's by up to ${drift.max.toFixed(3)} (> ${MAX_DECODE_ERROR})`);
  }
  return drift;
}

/** How weights stored as `q` are described in a figure's note. */
export const storage = (q: QuantizeConfig, t: WidgetStrings) => t.storage(q.dtype);

/** A small positive number as HTML: `digits` decimals, or a × 10<sup>−k</sup> where those would all be zeros. */
export function small(v: number, digits: number): string {
  if (!(v > 0) || v >= 10 ** -digits) return fmt(v, digits);
  const k = Math.floor(Math.log10(v));
  return `${(v / 10 ** k).toFixed(1)} × 10<sup>−${-k}</sup>`;
}

export function sourceNote(ctx: PrepareContext, models: BookModel[], t: WidgetStrings, extra = ''): string {
  const bySource = new Map<string, BookModel[]>();
  for (const m of models) bySource.set(`${m.source.notebook}#${m.source.cacheKey}`, [...(bySource.get(`${m.source.notebook}#${m.source.cacheKey}`) ?? []), m]);
  const list = [...bySource.values()].map((ms) => {
    const s = ms[0].source;
    return t.savedBy(
      ms.map((m) => `<code>${escapeHtml(m.name)}</code>`).join(', '), `<a href="${ctx.notebookHref(s.notebook)}">${escapeHtml(s.notebook)}.ipynb</a>`,
      escapeHtml(s.profile), `<code>${s.cacheKey.slice(0, 8)}</code>`,
    );
  });
  return `<p class="widget-source">${t.modelsNote(models.length, list, extra)}</p>`;
}

export function img(url: string, alt: string, cls = 'digit-grid'): string {
  return `<img class="${cls}" src="${url}" alt="${escapeHtml(alt)}">`;
}

export function requireArg(w: WidgetArgs, key: string): string {
  const v = w.args[key];
  if (!v) throw new BookError(`${w.where}: widget ${w.name} needs ${key}=…`);
  return v;
}

/** The one model a widget shows, its page storage settled. */
export async function oneModel(ctx: PrepareContext, w: WidgetArgs): Promise<BookModel> {
  const pattern = requireArg(w, 'model');
  if (pattern.includes('*')) throw new BookError(`${w.where}: widget ${w.name} shows one model: model=${pattern} is a pattern`);
  const m = findModels(ctx.models, pattern, w.where)[0];
  await settleStorage(ctx, m);
  return m;
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
