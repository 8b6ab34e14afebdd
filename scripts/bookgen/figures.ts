// The book's figures: a number per chapter ("Figure 3.2"), a caption and a text alternative for every one, links to
// them by id, and drawn diagrams inlined as SVG so that they follow the page's light or dark theme. A writer declares a
// figure in one of two places:
//  - in a chapter, a block around an image and its caption (markdown.ts parses it; the alt text is the image's):
//        ::: figure fig-reparameterization
//        ![What the figure shows, in words](figures/reparameterization.svg)
//
//        The caption, Markdown and $math$ allowed.
//        :::
//  - in a notebook, for the outputs of a cell a chapter shows with {{notebook name#tag}}: the cell's metadata lists one
//    entry per figure output (plotly figure or image), in output order:
//        "figures": [{ "id": "fig-ae-codes", "caption": "Markdown caption", "alt": "What it shows, in words" }]
// "@fig-reparameterization" in a chapter's text becomes a link "Figure 3.4" to the figure, wherever it is in the book. The build
// fails when a shown figure lacks an id, caption or alt text, when a cell shows more or fewer figures than it declares,
// when two figures share an id, and when a reference names no figure.
import * as fs from 'node:fs';
import MarkdownIt from 'markdown-it';
import { BookError, Directive, escapeHtml, FIGURE_ID, widgetFigureId } from './markdown';
import { cellsWithTag, Notebook, NotebookCell } from './notebooks';
import { isFigureData, ShownFigure } from './outputs';
import { UI, UiStrings } from './i18n';

/** What a notebook cell declares about one figure it shows (its metadata "figures" entry). */
export interface FigureDecl {
  id: string;
  /** Markdown (inline): rendered under the figure after its label. */
  caption: string;
  /** Plain text: what the figure shows, for readers who cannot see it. */
  alt: string;
}

/** A numbered figure of the book. */
export interface FigureEntry {
  id: string;
  /** "Figure 3.2" ("Figure 2" on the index page, which has no chapter number), in the edition's words. */
  label: string;
  /** "3.2": the number alone, the same in every edition. */
  number: string;
  /** The page that shows it, e.g. "03-vae.html". */
  page: string;
  /** Where it is declared, for messages: "chapters/03-vae.md:120" or "notebooks/01-autoencoder.ipynb cell 6". */
  where: string;
}

/** Every figure of the book by id, in the order of the book. */
export type FigureIndex = Map<string, FigureEntry>;

/** A page as the numbering needs it. */
export interface FigurePage {
  /** For messages: "chapters/03-vae.md". */
  rel: string;
  href: string;
  /** Chapter number, 0 for the index page. */
  number: number;
  tokens: MarkdownIt.Token[];
  /** Heading ids of the page: a figure id may not take one. */
  headingIds: string[];
}

/** The notebooks a build shows: sources (which carry the declarations) and their executions (which carry the outputs). */
export interface FigureSources {
  notebooks: Map<string, Notebook>;
  executed?: Map<string, Notebook>;
}

const FIGURE_HELP =
  'declare them in the cell\'s metadata: "figures": [{"id": "fig-…", "caption": "…", "alt": "…"}], one entry per figure it shows, in order';

/** The figure declarations of a notebook cell (metadata "figures"), checked: ids, non-empty captions and alt texts. */
export function figureDecls(cell: NotebookCell, where: string): FigureDecl[] {
  const raw = cell.metadata?.figures;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new BookError(`${where}: metadata "figures" must be a list; ${FIGURE_HELP}`);
  return raw.map((f: unknown, k) => {
    const e = (f ?? {}) as Record<string, unknown>;
    const at = `${where}: metadata figures[${k}]`;
    if (typeof e.id !== 'string' || !FIGURE_ID.test(e.id)) {
      throw new BookError(`${at}: ${typeof e.id === 'string' ? `bad id "${e.id}"` : 'no "id"'}: "fig-" then lower-case letters, digits and hyphens`);
    }
    for (const key of ['caption', 'alt'] as const) {
      if (typeof e[key] !== 'string' || !(e[key] as string).trim()) {
        throw new BookError(`${at} (${e.id}): no ${key === 'alt' ? '"alt" text (what the figure shows, in words)' : '"caption"'}`);
      }
    }
    const extra = Object.keys(e).filter((x) => !['id', 'caption', 'alt'].includes(x));
    if (extra.length) throw new BookError(`${at} (${e.id}): unknown key(s) ${extra.join(', ')} (known: id, caption, alt)`);
    return { id: e.id, caption: (e.caption as string).trim(), alt: (e.alt as string).trim().replace(/\s+/g, ' ') };
  });
}

/** How many figures an executed cell shows (the outputs outputs.ts renders as figures). */
export function figureOutputCount(cell: NotebookCell): number {
  return (cell.outputs ?? []).filter(
    (o) => ['display_data', 'execute_result', 'update_display_data'].includes(o.output_type) && isFigureData(o.data ?? {}),
  ).length;
}

function* walk(tokens: MarkdownIt.Token[]): Generator<MarkdownIt.Token> {
  for (const t of tokens) {
    yield t;
    if (t.children) yield* walk(t.children);
  }
}

/** Where a notebook cell is, for messages: "notebooks/03-kl-term.ipynb cell 6 (#scatter-kl), shown at chapters/03-vae.md:391". */
function cellWhere(d: Directive, index: number, page: FigurePage): string {
  return `notebooks/${d.name}.ipynb cell ${index} (#${d.fragment}), shown at ${page.rel}:${d.line}`;
}

/**
 * Numbers every figure of the book in reading order, chapter by chapter: figure blocks and the figures of shown notebook
 * cells alike. Without `executed` only the declarations are checked (before the notebooks run, so that a missing caption
 * fails in a second, not after the training); with it, each shown cell must show exactly the figures it declares.
 */
export function numberFigures(pages: FigurePage[], sources: FigureSources, ui: UiStrings = UI.en): FigureIndex {
  const index: FigureIndex = new Map();
  for (const page of pages) {
    let n = 0;
    const headingIds = new Set(page.headingIds);
    const add = (id: string, where: string) => {
      const prior = index.get(id);
      if (prior) throw new BookError(`${where}: figure id "${id}" is already used by ${prior.where}`);
      if (headingIds.has(id)) throw new BookError(`${where}: figure id "${id}" is also a heading's id on ${page.href}`);
      n += 1;
      const number = page.number ? `${page.number}.${n}` : `${n}`;
      index.set(id, { id, label: ui.figure(number), number, page: page.href, where });
    };
    for (const t of walk(page.tokens)) {
      if (t.type === 'book_container_open' && t.info === 'figure') {
        add(String(t.meta.title), `${page.rel}:${(t.map?.[0] ?? 0) + 1}`);
      } else if (t.type === 'book_container_open' && t.info === 'widget') {
        const where = `${page.rel}:${(t.map?.[0] ?? 0) + 1}`;
        const id = widgetFigureId(String(t.meta.title));
        if (!id) throw new BookError(`${where}: an interactive figure needs an id after its name: "::: widget NAME fig-some-name …"`);
        add(id, where);
      } else if (t.type === 'book_directive') {
        const d = t.meta as Directive;
        if (d.kind !== 'notebook' || !d.fragment) continue;
        const source = sources.notebooks.get(d.name);
        if (!source) continue;
        for (const { index: i, cell } of cellsWithTag(source, d.fragment)) {
          const where = cellWhere(d, i, page);
          const decls = figureDecls(cell, where);
          const executed = sources.executed?.get(d.name)?.cells[i - 1];
          if (executed) {
            const shown = figureOutputCount(executed);
            if (shown > decls.length) {
              throw new BookError(
                `${where}: shows ${shown} figure${shown === 1 ? '' : 's'} but declares ${decls.length ? `only ${decls.length}` : 'no caption and alt text'}; ${FIGURE_HELP}`,
              );
            }
            if (shown < decls.length) {
              throw new BookError(
                `${where}: declares ${decls.length} figures (${decls.map((f) => f.id).join(', ')}) but shows ${shown}; remove the extra entries of its metadata "figures"`,
              );
            }
          }
          for (const f of decls) add(f.id, where);
        }
      }
    }
  }
  return index;
}

/** A reference to figure `id` from page `from` (same page: just the anchor). */
export function figureRef(index: FigureIndex, id: string, from: string, where: string): { href: string; label: string } {
  const f = index.get(id);
  if (!f) {
    const near = [...index.keys()].filter((k) => k.split('-').some((w) => w.length > 2 && id.includes(w))).slice(0, 5);
    throw new BookError(`${where}: @${id} names no figure${near.length ? ` (did you mean ${near.map((k) => `@${k}`).join(', ')}?)` : ''}`);
  }
  return { href: f.page === from ? `#${f.id}` : `${f.page}#${f.id}`, label: f.label };
}

/** The figures a shown notebook cell declares, with their numbers, as outputs.ts renders them. */
export function cellFigures(
  cell: NotebookCell, where: string, label: (id: string) => string, caption: (markdown: string) => string,
): ShownFigure[] {
  return figureDecls(cell, where).map((f) => ({ id: f.id, label: label(f.id), captionHtml: caption(f.caption), alt: f.alt }));
}

/**
 * A drawn diagram (an SVG file of the repository) as inline SVG in the page, so that `currentColor` and the book's CSS
 * variables (var(--accent, …)) follow the theme: role="img" with the figure's alt text as its label, ids prefixed with
 * the figure's id (two diagrams on one page may both define "arrow"). The drawing must be self-contained: no script, no
 * event handler, no reference to another file (the book makes no request outside itself, and a diagram needs none).
 */
export function inlineSvg(file: string, figureId: string, alt: string, where: string): string {
  let svg = fs.readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .replace(/<\?xml[\s\S]*?\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/i, '')
    .replace(/\s*<!--[\s\S]*?-->/g, '')
    .trim();
  if (!/^<svg[\s>]/.test(svg) || !/<\/svg>$/.test(svg)) throw new BookError(`${where}: ${file} is not an SVG drawing (one <svg> element)`);
  if (/<script[\s>]|<foreignObject[\s>]|\son[a-z]+\s*=/i.test(svg)) {
    throw new BookError(`${where}: ${file}: a figure may not hold scripts, event handlers or foreignObject`);
  }
  const external = /\s(?:xlink:)?href\s*=\s*["'](?!#)([^"']*)|url\(\s*['"]?(?!#)([^)'"]*)|@import/i.exec(svg);
  if (external) throw new BookError(`${where}: ${file}: refers to "${external[1] ?? external[2] ?? '@import'}"; a drawn figure must be self-contained`);
  const prefix = `${figureId}-`;
  svg = svg
    .replace(/\sid="([^"]+)"/g, (_m, id: string) => ` id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}${id})`)
    .replace(/(\s(?:xlink:)?href=")#([^"]+)"/g, (_m, attr: string, id: string) => `${attr}#${prefix}${id}"`);
  return svg.replace(/^<svg/, `<svg class="figure-svg" role="img" aria-label="${escapeHtml(alt)}"`) + '\n';
}
