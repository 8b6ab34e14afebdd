// Node, build time: the book build's side of the interactive figures. prepareWidgets (a phase of buildBook, after
// the notebooks are executed) finds every `::: widget …` of the chapters, prepares each from the models of this
// build's executions, and returns what rendering and writing need: the HTML of each figure, the pages that load
// the widget bundle, and the files (part scripts, PNG stills).
import MarkdownIt from 'markdown-it';
import { bookData, initBackend, subset } from '../../../lib/index';
import type { Profile } from '../../../lib/training/profile';
import type { Dataset } from '../../../lib/data/dataset';
import { BookError, escapeHtml, WidgetDirective } from '../markdown';
import { contentHash } from '../outputs';
// Where the models came from (execution, weight storage, decode error) is the build's record: folded under the caption.
import { foldedBuildNotes } from '../plumbing';
import { bookModels } from './models';
import { partScript } from './parts';
import { DEFAULT_QUANTIZE, QuantizeConfig } from './quantize';
import { disposePrepared, PrepareContext, PreparedWidget, WidgetArgs } from './prepare';
import { parseWidget, widgetBuild } from './registry';
import { Lang, UI, WIDGET_UI } from '../i18n';
import type { WidgetStrings } from '../i18n';

/** The book path of the widgets' bundle: book.js loads it when a widget figure (which names it) nears the viewport. */
export const WIDGETS_BUNDLE = 'assets/widgets.js';

/** A chapter as this phase reads it. */
export interface WidgetChapter {
  rel: string;
  base: string;
  href: string;
  tokens: MarkdownIt.Token[];
}

export interface WidgetSite {
  /**
   * The HTML of the figure declared at `file:line`: its opening up to the caption (the block's body), or its end; its
   * still and its note on the models in the words of `lang`.
   */
  render(file: string, w: WidgetDirective, part: 'open' | 'close', lang?: Lang): string;
  /** The same HTML by the figure's id: a translated page shows the English page's figure (its caption is its own). */
  renderFigure(id: string, part: 'open' | 'close', lang: Lang): string;
  /** Pages (hrefs) that show a widget. */
  pages: Set<string>;
  /** Book path → bytes: part scripts and PNG stills. */
  files: Map<string, Buffer>;
}

export interface WidgetOptions {
  quantize: QuantizeConfig;
  log: (msg: string) => void;
  /** The build's profile: the widgets show the test digits of its `bookData` (default 'full'). */
  profile: Profile;
}

/**
 * How many of the book's test digits the widgets show and score: the first 2,000 (all 250 in the quick profile), enough
 * for the plane's clusters and the β explorer's test terms, few enough for a phone to draw.
 */
export const WIDGET_TEST_DIGITS = 2000;

/** The held-out digits the widgets use: the first WIDGET_TEST_DIGITS of the profile's test set (never training digits). */
export function widgetTestDigits(profile: Profile): Dataset {
  const { test } = bookData(profile);
  return subset(test, Math.min(WIDGET_TEST_DIGITS, test.size));
}

/** Every `::: widget` line of a chapter, in order. */
export function widgetDirectives(tokens: MarkdownIt.Token[]): WidgetDirective[] {
  return tokens
    .filter((t) => t.type === 'book_container_open' && t.info === 'widget')
    .map((t) => ({ spec: String(t.meta?.title ?? ''), line: (t.map?.[0] ?? 0) + 1 }));
}

/**
 * Checks every widget directive (no models needed), so that a typo fails before any notebook runs: a known name, a
 * figure id, known arguments, and a caption (the block's body, a paragraph first).
 */
export function checkWidgets(chapters: WidgetChapter[]): void {
  for (const ch of chapters) {
    ch.tokens.forEach((t, i) => {
      if (t.type !== 'book_container_open' || t.info !== 'widget') return;
      const where = `${ch.rel}:${(t.map?.[0] ?? 0) + 1}`;
      const w = parseWidget(String(t.meta?.title ?? ''), where);
      if (ch.tokens[i + 1]?.type !== 'paragraph_open') {
        throw new BookError(`${where}: widget ${w.name} (${w.id}) has no caption: write it as a paragraph before the closing :::`);
      }
    });
  }
}

function figureOpen(w: WidgetArgs, p: PreparedWidget, t: WidgetStrings): string {
  const parts = Object.fromEntries(Object.entries(p.parts).map(([k, f]) => [k, { id: f.id, src: f.file }]));
  return (
    `<figure class="widget widget-${w.name}" id="${w.id}" data-widget="${w.name}" data-parts="${escapeHtml(JSON.stringify(parts))}" data-config="${escapeHtml(JSON.stringify(p.config))}" data-bundle="${WIDGETS_BUNDLE}">\n` +
    `<div class="widget-still">${p.still(t)}</div>\n<div class="widget-live" hidden></div>\n<figcaption>\n`
  );
}

/** Phase: prepares every widget of the chapters from the models of `executedFiles` (notebook → executed file). */
export async function prepareWidgets(
  chapters: WidgetChapter[], executedFiles: Record<string, string>, opts: Partial<WidgetOptions> = {},
): Promise<WidgetSite> {
  const site: WidgetSite = { render: () => '', renderFigure: () => '', pages: new Set(), files: new Map() };
  const found = chapters.flatMap((ch) => widgetDirectives(ch.tokens).map((w) => ({ ch, w })));
  const prepared = new Map<string, { args: WidgetArgs; p: PreparedWidget }>();
  const figureHtml = ({ args, p }: { args: WidgetArgs; p: PreparedWidget }, part: 'open' | 'close', lang: Lang) =>
    part === 'open' ? figureOpen(args, p, WIDGET_UI[lang]) : `${foldedBuildNotes(p.source(WIDGET_UI[lang]), UI[lang])}</figcaption>\n</figure>\n`;
  site.render = (file, w, part, lang = 'en') => {
    const h = prepared.get(`${file}:${w.line}`);
    if (h === undefined) throw new Error(`${file}:${w.line}: widget was not prepared`);
    return figureHtml(h, part, lang);
  };
  const byId = new Map<string, { args: WidgetArgs; p: PreparedWidget }>();
  site.renderFigure = (id, part, lang) => {
    const h = byId.get(id);
    if (h === undefined) throw new BookError(`interactive figure ${id} was not prepared (no English chapter declares it)`);
    return figureHtml(h, part, lang);
  };
  if (found.length === 0) return site;
  const log = opts.log ?? (() => undefined);
  await initBackend();
  const started = Date.now();
  const ctx: PrepareContext = {
    models: bookModels(executedFiles),
    test: widgetTestDigits(opts.profile ?? 'full'),
    quantize: opts.quantize ?? DEFAULT_QUANTIZE,
    png: (bytes) => {
      const name = `assets/img/${contentHash(Buffer.from(bytes))}.png`;
      site.files.set(name, Buffer.from(bytes));
      return name;
    },
    notebookHref: (nb) => `notebooks/${nb}.ipynb`,
    cache: new Map(),
    log,
  };
  try {
    for (const { ch, w } of found) {
      const where = `${ch.rel}:${w.line}`;
      const args = parseWidget(w.spec, where);
      const p = await widgetBuild(args.name)!.prepare(ctx, args);
      prepared.set(where, { args, p });
      byId.set(args.id, { args, p });
      for (const f of Object.values(p.parts)) site.files.set(f.file, Buffer.from(partScript(f.id, f.payload)));
      site.pages.add(ch.href);
    }
  } finally {
    await disposePrepared(ctx);
  }
  log(`${found.length} interactive figure${found.length === 1 ? '' : 's'} prepared in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return site;
}
