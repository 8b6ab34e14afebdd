// A translated edition's chapters against their English sources (d2l.ai keeps its two editions in step the same way:
// one source of code and results, prose in two languages). A translation is chapters/<dir>/<same name>.md; it starts
// with a front matter naming the English text it translates:
//     ---
//     translated-from: 3f9c1e…   (the git blob id of chapters/03-vae.md when it was translated: git hash-object)
//     ---
// Two checks, both at build time:
//  - structure parity (an error): the translation shows the same numbered figures, notebook cells, widgets, solutions
//    and claims as its source, so the same executed notebooks serve both editions;
//  - staleness (a warning): the English file changed since the translation; `git diff <old blob> <new blob>` shows how.
// `npx tsx scripts/bookgen/translations.ts stamp chapters/zh/03-vae.md` records the current English blob id.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { BookError, Directive } from './markdown';
import { FigureDecl } from './figures';

/** The git blob id of a file's bytes (what `git hash-object FILE` prints), so `git diff OLD NEW` can show a change. */
export function gitBlobId(bytes: Buffer): string {
  return crypto.createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export interface FrontMatter {
  /** key → value of each `key: value` line. */
  fields: Record<string, string>;
  /** The text with the front matter's lines blanked (so that line numbers in messages stay right). */
  body: string;
}

/** A leading `---` … `---` block of `key: value` lines; absent → no fields. */
export function readFrontMatter(src: string, where: string): FrontMatter {
  const lines = src.split('\n');
  if (lines[0]?.trim() !== '---') return { fields: {}, body: src };
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) throw new BookError(`${where}:1: front matter opened with --- is never closed`);
  const fields: Record<string, string> = {};
  for (let i = 1; i < end; i++) {
    if (!lines[i].trim()) continue;
    const m = /^([a-z][a-z0-9-]*):\s*(.*?)\s*$/.exec(lines[i]);
    if (!m) throw new BookError(`${where}:${i + 1}: front matter line "${lines[i]}" is not "key: value"`);
    fields[m[1]] = m[2];
  }
  return { fields, body: lines.map((l, i) => (i <= end ? '' : l)).join('\n') };
}

function* walk(tokens: MarkdownIt.Token[]): Generator<MarkdownIt.Token> {
  for (const t of tokens) {
    yield t;
    if (t.children) yield* walk(t.children);
  }
}

/** What a chapter shows that is not prose: the things a translation must keep. */
export interface Structure {
  figures: string[];
  cells: string[];
  widgets: string[];
  solutions: string[];
  claims: string[];
  /** {{measurements …}} tables by name. */
  tables: string[];
}

const KIND_WORDS: Record<keyof Structure, string> = {
  figures: 'figure', cells: 'notebook cell', widgets: 'widget', solutions: 'solution', claims: 'claim', tables: 'measurement table',
};

/** The structure of a parsed chapter: figure blocks by id, {{notebook …}} embeds, `::: widget` lines, solutions, claims. */
export function chapterStructure(tokens: MarkdownIt.Token[]): Structure {
  const s: Structure = { figures: [], cells: [], widgets: [], solutions: [], claims: [], tables: [] };
  for (const t of walk(tokens)) {
    if (t.type === 'book_container_open' && t.info === 'figure') s.figures.push(String(t.meta.title));
    else if (t.type === 'book_container_open' && t.info === 'widget') s.widgets.push(String(t.meta.title).trim().split(/\s+/).join(' '));
    else if (t.type === 'book_directive') {
      const d = t.meta as Directive;
      if (d.kind === 'notebook') s.cells.push(d.fragment ? `${d.name}#${d.fragment}` : d.name);
      else if (d.kind === 'solution') s.solutions.push(`${d.name}#${d.fragment}`);
      else if (d.kind === 'measurements') s.tables.push(d.name);
      // A claim's words are translated; what it holds the notebook to (its predicate) is not.
      else s.claims.push(`${d.name}: ${d.claim!.predicate}`);
    }
  }
  return s;
}

/** Throws, naming each difference, when `translation` does not show what `source` shows. */
export function checkParity(source: Structure, translation: Structure, where: string, sourceWhere: string): void {
  const problems: string[] = [];
  for (const kind of Object.keys(KIND_WORDS) as (keyof Structure)[]) {
    const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
    const a = count(source[kind]);
    const b = count(translation[kind]);
    for (const [x, n] of a) if ((b.get(x) ?? 0) < n) problems.push(`missing ${KIND_WORDS[kind]} ${x}`);
    for (const [x, n] of b) if ((a.get(x) ?? 0) < n) problems.push(`extra ${KIND_WORDS[kind]} ${x} (not in the English text)`);
  }
  if (problems.length) {
    throw new BookError(`${where}: does not show what its source ${sourceWhere} shows: ${problems.join('; ')}`);
  }
}

/**
 * The English source changed since the translation: a message naming both blob ids (for `git diff`), or null. A
 * translation without `translated-from` is always reported (nobody knows what it translated).
 */
export function staleness(fields: Record<string, string>, sourceBytes: Buffer, where: string, sourceWhere: string): string | null {
  const now = gitBlobId(sourceBytes);
  const was = fields['translated-from'];
  if (!was) return `${where}: no "translated-from:" in its front matter; after checking it against ${sourceWhere}, stamp it (npx tsx scripts/bookgen/translations.ts stamp ${where})`;
  if (was === now || (was.length >= 7 && now.startsWith(was))) return null;
  return `${where}: ${sourceWhere} changed since it was translated; see \`git diff ${was.slice(0, 12)} ${now.slice(0, 12)}\`, update the translation, then stamp it`;
}

/**
 * The translated caption and alt text of figures that notebook cells declare (chapters/<dir>/notebook-figures.json:
 * { "fig-id": { "caption": "…", "alt": "…" } }); the notebooks hold the English ones.
 */
export function readFigureTexts(file: string, where: string): Map<string, Omit<FigureDecl, 'id'>> {
  const out = new Map<string, Omit<FigureDecl, 'id'>>();
  if (!fs.existsSync(file)) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BookError(`${where}: not JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BookError(`${where}: must be an object { "fig-id": { "caption": "…", "alt": "…" } }`);
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    const e = (v ?? {}) as Record<string, unknown>;
    if (typeof e.caption !== 'string' || !e.caption.trim() || typeof e.alt !== 'string' || !e.alt.trim()) {
      throw new BookError(`${where}: ${id} needs a non-empty "caption" and "alt"`);
    }
    out.set(id, { caption: e.caption.trim(), alt: e.alt.trim().replace(/\s+/g, ' ') });
  }
  return out;
}

/** Writes the English source's current blob id into a translation's front matter (adding the front matter if needed). */
export function stamp(translationFile: string, sourceFile: string): string {
  const id = gitBlobId(fs.readFileSync(sourceFile));
  const src = fs.readFileSync(translationFile, 'utf8');
  const lines = src.split('\n');
  let out: string;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
    if (end < 0) throw new BookError(`${translationFile}:1: front matter opened with --- is never closed`);
    const head = lines.slice(1, end).filter((l) => !/^translated-from:/.test(l));
    out = ['---', `translated-from: ${id}`, ...head, ...lines.slice(end)].join('\n');
  } else {
    out = ['---', `translated-from: ${id}`, '---', src].join('\n');
  }
  fs.writeFileSync(translationFile, out);
  return id;
}

if (require.main === module) {
  const [cmd, ...files] = process.argv.slice(2);
  if (cmd !== 'stamp' || files.length === 0) {
    process.stderr.write('usage: npx tsx scripts/bookgen/translations.ts stamp chapters/<lang>/NN-name.md …\n');
    process.exit(2);
  }
  for (const f of files) {
    const source = path.join(path.dirname(path.dirname(path.resolve(f))), path.basename(f));
    if (!fs.existsSync(source)) {
      process.stderr.write(`${f}: no English source ${path.relative(process.cwd(), source)}\n`);
      process.exit(1);
    }
    process.stdout.write(`${f}: translated-from ${stamp(f, source)}\n`);
  }
}
