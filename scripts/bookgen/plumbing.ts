// What the book keeps out of the reader's way: the build's plumbing in a notebook cell. A reader of a page sees the
// code that makes a figure and what it prints; the showResults statements (the numbers the chapters' {{claim}} lines
// are checked against, lib/figures/results.ts), the results they show, and the model cache's messages
// (lib/io/model-cache.ts) go into one folded "How this was built" element under the cell. The notebooks keep them:
// in JupyterLab they are what they are.
import { escapeHtml, highlightCode } from './markdown';
import { UI } from './i18n';
import type { UiStrings } from './i18n';

/** The function whose statements are plumbing (lib/figures/results.ts). */
const RESULTS_FUNCTION = 'showResults';

/** Output lines that are the build's, not the notebook's: the model cache waiting for another process. */
const PLUMBING_LINES = [/^model cache: /];

export function isPlumbingLine(line: string): boolean {
  return PLUMBING_LINES.some((re) => re.test(line));
}

/** A cell's source as the page shows it, and the statements taken out of it. */
export interface ShownSource {
  shown: string;
  /** The showResults statements, in order. */
  hidden: string[];
}

type TS = typeof import('typescript');
let tsModule: TS | undefined;

/** Blank lines left where a statement was removed: at most one in a row, none at the end. */
function tidy(s: string): string {
  return s.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').replace(/^\n+/, '').replace(/\n+$/, '');
}

/**
 * `source` without its showResults statements (wherever they are: top level, in a loop, in a block) and without
 * showResults in its import lists. Parsed with TypeScript, so a call that spans lines or holds strings with
 * parentheses goes whole; a cell that does not parse is shown as it is (the executor has reported it already).
 */
export function hideResultsCalls(source: string): ShownSource {
  if (!source.includes(RESULTS_FUNCTION)) return { shown: source, hidden: [] };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = (tsModule ??= require('typescript') as TS);
  const file = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  if ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length) return { shown: source, hidden: [] };
  const cuts: { start: number; end: number }[] = [];
  const hidden: string[] = [];
  const isResultsCall = (e: import('typescript').Expression): boolean => {
    const inner = ts.isAwaitExpression(e) ? e.expression : e;
    return ts.isCallExpression(inner) && ts.isIdentifier(inner.expression) && inner.expression.text === RESULTS_FUNCTION;
  };
  const lineStart = (pos: number) => source.lastIndexOf('\n', pos - 1) + 1;
  const visit = (node: import('typescript').Node): void => {
    if (ts.isExpressionStatement(node) && isResultsCall(node.expression)) {
      const start = node.getStart(file);
      const end = node.getEnd();
      // The whole line when the statement has it to itself (and its line break), else just the statement.
      const before = source.slice(lineStart(start), start);
      const eol = source.indexOf('\n', end);
      const after = source.slice(end, eol < 0 ? source.length : eol);
      const ownLine = /^\s*$/.test(before) && /^\s*(\/\/.*)?$/.test(after);
      cuts.push(ownLine ? { start: lineStart(start), end: eol < 0 ? source.length : eol + 1 } : { start, end });
      hidden.push(source.slice(start, end));
      return;
    }
    if (ts.isImportDeclaration(node)) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        const els = bindings.elements;
        const i = els.findIndex((e) => e.name.text === RESULTS_FUNCTION);
        if (i >= 0 && els.length > 1) {
          // "a, showResults, b" → "a, b": the name and the separator after it (before it, when it is last).
          cuts.push(i < els.length - 1 ? { start: els[i].getStart(file), end: els[i + 1].getStart(file) } : { start: els[i - 1].getEnd(), end: els[i].getEnd() });
        }
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (!hidden.length) return { shown: source, hidden: [] };
  let shown = '';
  let at = 0;
  for (const c of cuts.sort((a, b) => a.start - b.start)) {
    shown += source.slice(at, c.start);
    at = Math.max(at, c.end);
  }
  shown += source.slice(at);
  return { shown: tidy(shown), hidden };
}

/** What a cell's "How this was built" holds. */
export interface BuildNotes {
  /** showResults statements taken out of the shown source. */
  statements: string[];
  /** The results they showed (the JSON outputs). */
  results: Record<string, unknown>[];
  /** Plumbing lines taken out of the printed output. */
  log: string[];
}

export function emptyNotes(): BuildNotes {
  return { statements: [], results: [], log: [] };
}

/** One JSON value per line where it fits: numbers rounded to what a reader compares (6 significant digits). */
function resultsJson(results: Record<string, unknown>[]): string {
  const round = (v: unknown): unknown =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : Array.isArray(v) ? v.map(round) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)])) : v;
  const merged = Object.assign({}, ...results) as Record<string, unknown>;
  const lines = Object.entries(merged).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(round(v))}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/** The folded element under a cell, or '' when the cell has no plumbing. */
export function buildNotesHtml(notes: BuildNotes, ui: UiStrings = UI.en): string {
  if (!notes.statements.length && !notes.results.length && !notes.log.length) return '';
  let body = '';
  if (notes.statements.length || notes.results.length) {
    body += `<p>${ui.checkedNumbers}</p>\n`;
    if (notes.statements.length) {
      body += `<pre class="code"><code class="hljs language-typescript">${highlightCode(notes.statements.join('\n'), 'typescript')}</code></pre>\n`;
    }
    if (notes.results.length) body += `<pre class="output output-results">${escapeHtml(resultsJson(notes.results))}</pre>\n`;
  }
  if (notes.log.length) {
    body += `<p>${ui.buildLog}</p>\n<pre class="output output-build-log">${escapeHtml(notes.log.join('\n'))}</pre>\n`;
  }
  return foldedBuildNotes(body, ui);
}

/** HTML of the build's record, folded: one "How this was built" element (a notebook cell's, a widget's). */
export function foldedBuildNotes(bodyHtml: string, ui: UiStrings = UI.en): string {
  if (!bodyHtml.trim()) return '';
  return `<details class="build-notes"><summary>${ui.buildNotes}</summary>\n<div class="details-body">\n${bodyHtml.replace(/\n?$/, '\n')}</div>\n</details>\n`;
}
