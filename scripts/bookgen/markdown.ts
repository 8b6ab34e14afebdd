// Markdown → HTML for the book's chapters: markdown-it plus the book's own small plugins
// for KaTeX math ($…$, $$…$$, rendered at build time), ::: containers, {{notebook …}} / {{solution …}} /
// {{measurements …}} directives,
// "::: figure" blocks and @fig-… references (numbered by figures.ts), heading anchors and link rewriting. Every error
// names the chapter file and the line.
import MarkdownIt from 'markdown-it';
import type { KatexOptions } from 'katex/types/katex';
import hljs from 'highlight.js';
import { UI, UiStrings } from './i18n';

type Token = MarkdownIt.Token;
type StateBlock = MarkdownIt.StateBlock;
type StateInline = MarkdownIt.StateInline;
type StateCore = MarkdownIt.StateCore;

// katex's types sit behind its package "exports" map, which TypeScript's "node" resolution does not read.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const katex = require('katex') as { renderToString(tex: string, options?: KatexOptions): string };

/** Punctuation that may not begin a line (Chinese full-width marks, closing quotes); ASCII punctuation is left as it is. */
const NO_LINE_START = /^[，。、；：！？）》」』”’]/;

/** A build error that already says where (file:line) and what went wrong; the CLI prints only its message. */
export class BookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BookError';
  }
}

export interface Heading {
  level: number;
  id: string;
  /** Rendered inline HTML (math included), for tables of contents. */
  html: string;
  /** Plain text, for the search index and slugs. */
  text: string;
  line: number;
}

export interface Directive {
  kind: 'notebook' | 'solution' | 'claim' | 'measurements';
  /**
   * Notebook or solutions-notebook name without extension, e.g. `01-autoencoder`, `03-vae`; for measurements, the
   * table's name in scripts/bookgen/measurements.ts.
   */
  name: string;
  /** The part after `#`: a cell tag (notebook) or an exercise id (solution); absent for a notebook link. */
  fragment?: string;
  /** 1-based line in the chapter file. */
  line: number;
  /** A claim's words and predicate (scripts/bookgen/claims.ts). */
  claim?: { text: string; predicate: string };
}

/** A `::: widget NAME fig-ID key=value …` line: an interactive figure (scripts/bookgen/widgets/), numbered like any figure. */
export interface WidgetDirective {
  /** Everything after `::: widget`, e.g. `latent-explorer fig-latent-explorer model=vae-2d`. */
  spec: string;
  /** 1-based line in the chapter file. */
  line: number;
}

/** Per-document state threaded through markdown-it's `env`. */
export interface RenderEnv {
  /** Path used in messages, e.g. `chapters/03-vae.md`. */
  file: string;
  headings: Heading[];
  /** Plain text of each section (keyed by the id of the heading that opens it; '' = before the first heading). */
  sections: { id: string; title: string; text: string[] }[];
  directive(d: Directive): string;
  /** The opening (up to its caption, which is the block's body) or the end of an interactive figure (`::: widget …`). */
  widget?(w: WidgetDirective, part: 'open' | 'close'): string;
  /**
   * Rewrites a relative link target (e.g. `03-vae.md#elbo` → `03-vae.html#elbo`); throws BookError if it is broken.
   * `image` targets are loaded by the page, so they must be local files.
   */
  link(href: string, line: number, kind: 'link' | 'image'): string;
  /** HTML placed after a link whose rewritten target is `href` (the build's "Open in the browser" links). */
  afterLink?(href: string): string;
  /** Figure numbers, references and media, installed by the build (figures.ts). */
  figures: FigureHooks;
  /** The words of the page's edition (i18n.ts); English when absent. */
  ui?: UiStrings;
}

/** What the renderer asks the build about figures (their numbers are known only once every chapter is parsed). */
export interface FigureHooks {
  /** "Figure 3.2" for the figure `id`; throws BookError (naming `line`) if no figure has that id. */
  label(id: string, line: number): string;
  /** A link to the figure `id` from the page being rendered, and its label. */
  ref(id: string, line: number): { href: string; label: string };
  /** The HTML of a "::: figure" block's image (an inline SVG drawing or an <img>), with `alt` as its text alternative. */
  media(src: string, alt: string, line: number, id: string): string;
}

/** A figure id: "fig-" then lower-case words of letters and digits joined by '-'; it is the figure's HTML id. */
export const FIGURE_ID = /^fig-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The figure id of a `::: widget NAME fig-ID …` line (its second word), '' when it has none. */
export function widgetFigureId(spec: string): string {
  const id = spec.trim().split(/\s+/)[1] ?? '';
  return FIGURE_ID.test(id) ? id : '';
}

/** The ::: containers; `label` names the edition's word (i18n.ts) shown when the container has no title. */
const CONTAINERS: Record<string, { tag: 'details' | 'aside' | 'figure'; label?: 'solution' | 'note' | 'warning' | 'tip' }> = {
  solution: { tag: 'details', label: 'solution' },
  figure: { tag: 'figure' },
  widget: { tag: 'figure' },
  note: { tag: 'aside', label: 'note' },
  warning: { tag: 'aside', label: 'warning' },
  tip: { tag: 'aside', label: 'tip' },
};

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Highlighted code (highlight.js) with a language class; unknown languages are shown escaped, uncoloured. */
export function highlightCode(code: string, lang: string): string {
  const language = lang === 'ts' ? 'typescript' : lang === 'js' ? 'javascript' : lang === 'sh' || lang === 'shell' ? 'bash' : lang;
  if (language && hljs.getLanguage(language)) {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  }
  return escapeHtml(code);
}

/**
 * A display equation's box: it scrolls sideways when wider than the column (book.css draws a shadow at the side that
 * has more), and takes keyboard focus so that it can be scrolled without a pointer; the label names the region.
 */
const displayMath = (env: RenderEnv) => `class="math-display" tabindex="0" role="group" aria-label="${(env.ui ?? UI.en).equation}"`;

function renderMath(tex: string, displayMode: boolean, where: string): string {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, strict: 'ignore', output: 'htmlAndMathml' });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new BookError(`${where}: bad math ${displayMode ? '$$…$$' : '$…$'} "${tex.trim().slice(0, 60)}": ${msg}`);
  }
}

/** GitHub-like slug: lower case, letters and digits kept (any script), the rest collapsed to '-'. */
export function slugify(text: string): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'section';
}

// ---- block rule: $$ … $$ (may span lines; the closing $$ ends a line) -------------------------------------
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  let max = state.eMarks[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  if (state.src.slice(pos, pos + 2) !== '$$') return false;
  const first = state.src.slice(pos + 2, max);
  let body: string;
  let nextLine = startLine;
  if (first.trim().endsWith('$$') && first.trim().length >= 2) {
    body = first.trim().slice(0, -2);
  } else {
    let found = false;
    const lines = [first];
    for (nextLine = startLine + 1; nextLine < endLine; nextLine++) {
      pos = state.bMarks[nextLine] + state.tShift[nextLine];
      max = state.eMarks[nextLine];
      if (pos < max && state.sCount[nextLine] < state.blkIndent) break;
      const line = state.src.slice(pos, max);
      if (line.trim().endsWith('$$')) {
        lines.push(line.trim().slice(0, -2));
        found = true;
        break;
      }
      lines.push(line);
    }
    if (!found) {
      const env = state.env as RenderEnv;
      throw new BookError(`${env.file}:${startLine + 1}: display math opened with $$ is never closed`);
    }
    body = lines.join('\n');
  }
  if (silent) return true;
  const token = state.push('math_block', 'div', 0);
  token.block = true;
  token.content = body;
  token.map = [startLine, nextLine + 1];
  token.markup = '$$';
  state.line = nextLine + 1;
  return true;
}

// ---- inline rule: $…$ (inline) and $$…$$ inside a paragraph (display) ---------------------------------------
function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x24 /* $ */) return false;
  const display = src.charCodeAt(start + 1) === 0x24;
  const open = display ? 2 : 1;
  // Pandoc's rule: an opening $ is not followed by a space; a closing $ is not preceded by one nor followed by a digit
  // (so "costs $5 and $6" stays text).
  if (!display && (start + 1 >= state.posMax || /\s/.test(src[start + 1]))) return false;
  let pos = start + open;
  let end = -1;
  while (pos < state.posMax) {
    const ch = src[pos];
    if (ch === '\\') {
      pos += 2;
      continue;
    }
    if (ch === '$') {
      if (display) {
        if (src[pos + 1] === '$') {
          end = pos;
          break;
        }
      } else if (!/\s/.test(src[pos - 1]) && !/[0-9]/.test(src[pos + 1] ?? '')) {
        end = pos;
        break;
      }
    }
    pos++;
  }
  if (end < 0) return false;
  if (!silent) {
    const token = state.push(display ? 'math_inline_display' : 'math_inline', 'span', 0);
    token.content = src.slice(start + open, end);
    token.markup = display ? '$$' : '$';
  }
  state.pos = end + open;
  return true;
}

// ---- block rule: ::: name … ::: ---------------------------------------------------------------------------
function container(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const start = state.bMarks[startLine] + state.tShift[startLine];
  const max = state.eMarks[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const line = state.src.slice(start, max);
  const m = /^:::\s*([A-Za-z][\w-]*)?\s*(.*)$/.exec(line);
  if (!m || line.startsWith('::::')) return false;
  const env = state.env as RenderEnv;
  const name = (m[1] ?? '').toLowerCase();
  if (!name) return false; // a bare ':::' is a closer, handled below; stray ones stay text
  if (!(name in CONTAINERS)) {
    throw new BookError(
      `${env.file}:${startLine + 1}: unknown container "::: ${m[1]}" (known: ${Object.keys(CONTAINERS).join(', ')})`,
    );
  }
  if (silent) return true;
  // Find the matching bare ':::' at the same or deeper indentation, counting nested openers.
  let depth = 1;
  let nextLine = startLine;
  for (;;) {
    nextLine++;
    if (nextLine >= endLine) break;
    const s = state.bMarks[nextLine] + state.tShift[nextLine];
    const e = state.eMarks[nextLine];
    if (s < e && state.sCount[nextLine] < state.blkIndent) break;
    if (state.sCount[nextLine] - state.blkIndent >= 4) continue;
    const text = state.src.slice(s, e).trim();
    if (/^:::\s*[A-Za-z]/.test(text)) depth++;
    else if (text === ':::') {
      depth--;
      if (depth === 0) break;
    }
  }
  if (depth !== 0) {
    throw new BookError(`${env.file}:${startLine + 1}: "::: ${name}" is never closed by a line ":::"`);
  }
  const oldParent = state.parentType;
  const oldLineMax = state.lineMax;
  state.parentType = 'blockquote';
  state.lineMax = nextLine;
  const open = state.push('book_container_open', CONTAINERS[name].tag, 1);
  open.block = true;
  open.info = name;
  open.meta = { title: m[2].trim() };
  open.map = [startLine, nextLine];
  state.md.block.tokenize(state, startLine + 1, nextLine);
  const close = state.push('book_container_close', CONTAINERS[name].tag, -1);
  close.block = true;
  close.info = name;
  close.meta = { title: open.meta.title, line: startLine + 1 };
  state.parentType = oldParent;
  state.lineMax = oldLineMax;
  state.line = nextLine + 1;
  return true;
}

// ---- block rule: {{notebook name#tag}} / {{solution name#id}} alone on a line ---------------------------------
function directive(state: StateBlock, startLine: number, _endLine: number, silent: boolean): boolean {
  const start = state.bMarks[startLine] + state.tShift[startLine];
  const max = state.eMarks[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const line = state.src.slice(start, max).trim();
  if (!line.startsWith('{{')) return false;
  const env = state.env as RenderEnv;
  if (/^\{\{\s*claim\b/.test(line)) {
    // {{claim NOTEBOOK "what it says": PREDICATE}} (scripts/bookgen/claims.ts); renders nothing.
    const c = /^\{\{\s*claim\s+([\w.-]+)\s+"([^"]+)"\s*:\s*(.+?)\s*\}\}$/.exec(line);
    if (!c) {
      throw new BookError(`${env.file}:${startLine + 1}: malformed claim "${line}" (expected {{claim NOTEBOOK "what it says": PREDICATE}})`);
    }
    if (silent) return true;
    const token = state.push('book_directive', 'div', 0);
    token.block = true;
    token.map = [startLine, startLine + 1];
    token.meta = { kind: 'claim', name: c[1].replace(/\.ipynb$/, ''), line: startLine + 1, claim: { text: c[2], predicate: c[3] } } as Directive;
    state.line = startLine + 1;
    return true;
  }
  const m = /^\{\{\s*(\w+)\s+([^\s#}]+)(?:#([^\s}]+))?\s*\}\}$/.exec(line);
  if (!m) {
    throw new BookError(
      `${env.file}:${startLine + 1}: malformed directive "${line}" (expected {{notebook NAME}}, {{notebook NAME#TAG}}, {{solution CHAPTER#ID}}, {{claim NOTEBOOK "…": PREDICATE}} or {{measurements TABLE}})`,
    );
  }
  const kind = m[1];
  if (kind !== 'notebook' && kind !== 'solution' && kind !== 'measurements') {
    throw new BookError(`${env.file}:${startLine + 1}: unknown directive "{{${kind} …}}" (known: notebook, solution, claim, measurements)`);
  }
  if (kind === 'measurements' && m[3]) {
    throw new BookError(`${env.file}:${startLine + 1}: {{measurements ${m[2]}#${m[3]}}}: a measurement table takes no #part (write {{measurements ${m[2]}}})`);
  }
  if (kind === 'solution' && !m[3]) {
    throw new BookError(`${env.file}:${startLine + 1}: {{solution ${m[2]}}} needs an exercise id: {{solution ${m[2]}#ID}}`);
  }
  if (silent) return true;
  const token = state.push('book_directive', 'div', 0);
  token.block = true;
  token.map = [startLine, startLine + 1];
  token.meta = { kind, name: m[2].replace(/\.ipynb$/, ''), fragment: m[3], line: startLine + 1 } as Directive;
  state.line = startLine + 1;
  return true;
}

/** Plain words of an inline run, for search and titles: line breaks become spaces, TeX source is left out. */
function inlineText(children: Token[]): string {
  return children
    .map((t) =>
      t.type === 'text' || t.type === 'code_inline'
        ? t.content
        : t.type === 'softbreak' || t.type === 'hardbreak'
          ? ' '
          : t.type === 'figure_ref' ? 'Figure' : '',
    )
    .join('')
    .replace(/\s+/g, ' ');
}

/** After inline parsing: give inline children their line (for errors), assign unique heading ids, collect section text. */
function annotate(state: StateCore): void {
  const env = state.env as RenderEnv;
  if (state.inlineMode || !env || !Array.isArray(env.headings)) return; // renderInline of a container title
  const used = new Map<string, number>();
  const tokens = state.tokens;
  let line = 0;
  let inSolution = 0; // solutions stay out of the search index, so a snippet never gives an answer away
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.map) line = tok.map[0] + 1;
    if (tok.type === 'book_container_open' && tok.info === 'solution') inSolution++;
    if (tok.type === 'book_container_close' && tok.info === 'solution') inSolution--;
    if (tok.type === 'inline' && tok.children) {
      for (const child of tok.children) child.meta = { ...(child.meta ?? {}), line };
    }
    if (tok.type === 'heading_open') {
      const inline = tokens[i + 1];
      const children = inline.children ?? [];
      // "## 证据下界 {#the-elbo}": an explicit id, so that a translated heading keeps its English anchor (links
      // between the editions, and links written in the English text, land on the same section).
      const last = children[children.length - 1];
      const explicit = last?.type === 'text' ? /\s*\{#([\p{L}\p{N}][\p{L}\p{N}_-]*)\}\s*$/u.exec(last.content) : null;
      if (explicit) last.content = last.content.slice(0, explicit.index);
      const text = children
        .map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : ''))
        .join('')
        .trim();
      const base = explicit ? explicit[1] : slugify(text);
      const n = used.get(base) ?? 0;
      used.set(base, n + 1);
      const id = n === 0 ? base : `${base}-${n + 1}`;
      tok.attrSet('id', id);
      const level = Number(tok.tag.slice(1));
      env.headings.push({ level, id, html: '', text: inlineText(children).trim(), line });
      env.sections.push({ id, title: inlineText(children).trim(), text: [] });
    } else if (tok.type === 'inline' && tokens[i - 1]?.type !== 'heading_open' && inSolution === 0) {
      if (env.sections.length === 0) env.sections.push({ id: '', title: '', text: [] });
      env.sections[env.sections.length - 1].text.push(inlineText(tok.children ?? []));
    }
  }
}

// ---- figures: "::: figure fig-id" blocks (image + caption) and @fig-id references -----------------------------

/** Plain text of an image's alt (markdown-it parses it as inline markup). */
function altText(children: Token[]): string {
  return children
    .map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : t.children ? altText(t.children) : t.type === 'softbreak' ? ' ' : ''))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * After inline parsing: each "::: figure fig-id" block becomes figure → media → figcaption. The block must hold its image
 * alone on the first line, with alt text, then a caption (one or more paragraphs); its label ("Figure 3.2.") is put at the
 * start of the caption. An image anywhere else fails the build: every picture of the book is a numbered figure.
 */
function figureBlocks(state: StateCore): void {
  const env = state.env as RenderEnv;
  if (state.inlineMode || !env || !Array.isArray(env.headings)) return;
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i];
    if (open.type === 'inline') {
      const img = (open.children ?? []).find((c) => c.type === 'image');
      if (img) {
        throw new BookError(
          `${env.file}:${img.meta?.line ?? (open.map?.[0] ?? 0) + 1}: an image outside a figure block; write it as\n` +
            '::: figure fig-some-name\n![alt text: what the figure shows](file.svg)\n\nThe caption.\n:::',
        );
      }
      continue;
    }
    if (open.type === 'book_container_open' && open.info === 'widget') {
      // An interactive figure's caption is its body: its label starts the first paragraph, as for a figure block.
      const id = widgetFigureId(String(open.meta?.title ?? ''));
      const first = tokens[i + 2];
      if (id && tokens[i + 1]?.type === 'paragraph_open' && first?.type === 'inline') {
        const label = new state.Token('book_figure_label', '', 0);
        label.meta = { id, line: (open.map?.[0] ?? 0) + 1 };
        first.children = [label, ...(first.children ?? [])];
      }
      continue;
    }
    if (open.type !== 'book_container_open' || open.info !== 'figure') continue;
    const line = (open.map?.[0] ?? 0) + 1;
    const id = String(open.meta?.title ?? '');
    if (!FIGURE_ID.test(id)) {
      throw new BookError(
        `${env.file}:${line}: ${id ? `bad figure id "${id}"` : '"::: figure" needs an id'}: write "::: figure fig-some-name" (lower case letters, digits and hyphens after "fig-")`,
      );
    }
    let close = i + 1;
    while (!(tokens[close].type === 'book_container_close' && tokens[close].level === open.level)) close++;
    const [pOpen, inline, pClose] = tokens.slice(i + 1, i + 4);
    const parts = (inline?.children ?? []).filter((c) => !(c.type === 'softbreak' || (c.type === 'text' && !c.content.trim())));
    if (pOpen?.type !== 'paragraph_open' || inline?.type !== 'inline' || pClose?.type !== 'paragraph_close' ||
        parts.length !== 1 || parts[0].type !== 'image') {
      throw new BookError(
        `${env.file}:${line}: figure ${id} must start with its image alone on a line: ![alt text: what the figure shows](file.svg)`,
      );
    }
    const img = parts[0];
    const alt = altText(img.children ?? []);
    const imgLine = (pOpen.map?.[0] ?? line) + 1;
    if (!alt) {
      throw new BookError(`${env.file}:${imgLine}: figure ${id}: the image has no alt text; say what the figure shows between ![ and ]`);
    }
    if (close - (i + 4) === 0 || tokens[i + 4].type !== 'paragraph_open') {
      throw new BookError(`${env.file}:${line}: figure ${id} has no caption: write it as a paragraph after the image, before the closing :::`);
    }
    const media = new state.Token('book_figure_media', '', 0);
    media.block = true;
    media.map = pOpen.map;
    media.meta = { id, src: img.attrGet('src') ?? '', alt, line: imgLine };
    const label = new state.Token('book_figure_label', '', 0);
    label.meta = { id, line };
    tokens[i + 5].children = [label, ...(tokens[i + 5].children ?? [])];
    const capOpen = new state.Token('book_figcaption_open', 'figcaption', 1);
    capOpen.block = true;
    const capClose = new state.Token('book_figcaption_close', 'figcaption', -1);
    capClose.block = true;
    tokens.splice(close, 0, capClose);
    tokens.splice(i + 1, 3, media, capOpen);
    i += 2; // the caption's inline tokens are checked like any other (no second image)
  }
}

// ---- inline rule: @fig-id, a reference to a figure anywhere in the book ("Figure 3.2", linked) -------------------
function figureRef(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  if (state.src.charCodeAt(start) !== 0x40 /* @ */) return false;
  if (start > 0 && /[\p{L}\p{N}_.@-]/u.test(state.src[start - 1])) return false; // part of an e-mail address or a name
  const m = /^@(fig-[a-z0-9]+(?:-[a-z0-9]+)*)/.exec(state.src.slice(start, state.posMax));
  if (!m) return false;
  if (!silent) {
    const token = state.push('figure_ref', 'a', 0);
    token.meta = { id: m[1] };
  }
  state.pos = start + m[0].length;
  return true;
}

export function createMarkdown(): MarkdownIt {
  // Typographer for curly quotes only: its "replacements" would turn an exercise's "(c)" into ©.
  const md = new MarkdownIt({ html: true, linkify: false, typographer: true });
  md.disable('replacements');
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.block.ruler.before('fence', 'book_container', container, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.block.ruler.before('paragraph', 'book_directive', directive, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.inline.ruler.after('math_inline', 'figure_ref', figureRef);
  md.core.ruler.push('book_annotate', annotate);
  md.core.ruler.push('book_figures', figureBlocks);

  const rules = md.renderer.rules;
  rules.math_block = (tokens, idx, _o, env: RenderEnv) => {
    const t = tokens[idx];
    return `<div ${displayMath(env)}>${renderMath(t.content, true, `${env.file}:${(t.map?.[0] ?? 0) + 1}`)}</div>\n`;
  };
  // Closing punctuation right after inline math stays on its line (a line may not start with ，。” and the like): the
  // math and that character are wrapped together, and the text renderer leaves the character out of the text after.
  const mathPunct = (tokens: MarkdownIt.Token[], idx: number) =>
    tokens[idx]?.type === 'math_inline' && tokens[idx + 1]?.type === 'text' ? NO_LINE_START.exec(tokens[idx + 1].content)?.[0] ?? '' : '';
  rules.math_inline = (tokens, idx, _o, env: RenderEnv) => {
    const math = renderMath(tokens[idx].content, false, `${env.file}:${tokens[idx].meta?.line ?? '?'}`);
    const punct = mathPunct(tokens, idx);
    return punct ? `<span class="math-punct">${math}${punct}</span>` : math;
  };
  const text = rules.text!;
  rules.text = (tokens, idx, o, env, self) => {
    const punct = mathPunct(tokens, idx - 1);
    if (!punct) return text(tokens, idx, o, env, self);
    return escapeHtml(tokens[idx].content.slice(punct.length));
  };
  rules.math_inline_display = (tokens, idx, _o, env: RenderEnv) =>
    `<span ${displayMath(env)}>${renderMath(tokens[idx].content, true, `${env.file}:${tokens[idx].meta?.line ?? '?'}`)}</span>`;
  rules.book_container_open = (tokens, idx, _o, env: RenderEnv) => {
    const t = tokens[idx];
    const spec = CONTAINERS[t.info];
    if (t.info === 'widget') {
      if (!env.widget) throw new BookError(`${env.file}:${(t.map?.[0] ?? 0) + 1}: interactive figures are not available here`);
      return env.widget({ spec: (t.meta?.title as string) ?? '', line: (t.map?.[0] ?? 0) + 1 }, 'open');
    }
    if (spec.tag === 'figure') return `<figure class="figure" id="${escapeHtml(t.meta.title as string)}">\n`;
    const title = (t.meta?.title as string) || (spec.label ? (env.ui ?? UI.en)[spec.label] : '');
    if (spec.tag === 'details') {
      return `<details class="${t.info}"><summary>${md.renderInline(title, env)}</summary>\n<div class="details-body">\n`;
    }
    return `<aside class="callout callout-${t.info}"><p class="callout-title">${md.renderInline(title, env)}</p>\n`;
  };
  rules.book_container_close = (tokens, idx, _o, env: RenderEnv) =>
    tokens[idx].tag === 'details' ? '</div>\n</details>\n'
      : tokens[idx].info === 'widget' ? env.widget!({ spec: String(tokens[idx].meta?.title ?? ''), line: Number(tokens[idx].meta?.line) }, 'close')
      : tokens[idx].tag === 'figure' ? '</figure>\n' : '</aside>\n';
  rules.book_figure_media = (tokens, idx, _o, env: RenderEnv) => {
    const m = tokens[idx].meta as { id: string; src: string; alt: string; line: number };
    return env.figures.media(m.src, m.alt, m.line, m.id);
  };
  rules.book_figcaption_open = () => '<figcaption>\n';
  rules.book_figcaption_close = () => '</figcaption>\n';
  rules.book_figure_label = (tokens, idx, _o, env: RenderEnv) => {
    const m = tokens[idx].meta as { id: string; line: number };
    return `<span class="figure-label">${escapeHtml(env.figures.label(m.id, m.line))}.</span> `;
  };
  rules.figure_ref = (tokens, idx, _o, env: RenderEnv) => {
    const t = tokens[idx];
    const r = env.figures.ref(t.meta.id as string, (t.meta.line as number) ?? 0);
    return `<a class="figure-ref" href="${escapeHtml(r.href)}">${escapeHtml(r.label)}</a>`;
  };
  rules.book_directive = (tokens, idx, _o, env: RenderEnv) => env.directive(tokens[idx].meta as Directive);
  rules.fence = (tokens, idx) => {
    const t = tokens[idx];
    const lang = t.info.trim().split(/\s+/)[0] ?? '';
    const cls = lang ? ` class="hljs language-${escapeHtml(lang)}"` : ' class="hljs"';
    return `<pre class="code"><code${cls}>${highlightCode(t.content, lang)}</code></pre>\n`;
  };
  const defaultHeadingOpen = md.renderer.renderToken.bind(md.renderer);
  rules.heading_open = (tokens, idx, options) => defaultHeadingOpen(tokens, idx, options);
  rules.heading_close = (tokens, idx, _o, env: RenderEnv) => {
    const open = tokens[idx - 2];
    const id = open.attrGet('id') ?? '';
    return `<a class="anchor" href="#${escapeHtml(id)}" aria-label="${(env.ui ?? UI.en).sectionLink}">#</a></${tokens[idx].tag}>\n`;
  };
  const defaultLinkOpen = rules.link_open;
  rules.link_open = (tokens, idx, options, env: RenderEnv, self) => {
    const t = tokens[idx];
    const href = t.attrGet('href');
    if (href !== null && !t.meta?.rewritten) {
      t.attrSet('href', env.link(href, (t.meta?.line as number) ?? 0, 'link'));
      t.meta = { ...(t.meta ?? {}), rewritten: true };
    }
    return defaultLinkOpen ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
  const defaultLinkClose = rules.link_close;
  rules.link_close = (tokens, idx, options, env: RenderEnv, self) => {
    const html = defaultLinkClose ? defaultLinkClose(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    let open = idx - 1;
    while (open >= 0 && tokens[open].type !== 'link_open') open--;
    const href = open >= 0 ? tokens[open].attrGet('href') : null;
    return href !== null && env.afterLink ? html + env.afterLink(href) : html;
  };
  const defaultImage = rules.image;
  rules.image = (tokens, idx, options, env: RenderEnv, self) => {
    const t = tokens[idx];
    const src = t.attrGet('src');
    if (src !== null && !t.meta?.rewritten) {
      t.attrSet('src', env.link(src, (t.meta?.line as number) ?? 0, 'image'));
      t.meta = { ...(t.meta ?? {}), rewritten: true };
    }
    return defaultImage ? defaultImage(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
  return md;
}

