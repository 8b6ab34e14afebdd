// The search index, built at build time and shipped as a script (assets/search-index.js, one per edition: i18n.ts)
// rather than JSON, because browsers refuse fetch() of local files on file:// but do run <script src>. book.js searches
// it in the page. Chinese has no spaces between words, so a query is matched by its character bigrams (the usual CJK
// indexing, as Lucene's CJK analyser does): 重参数化 is 重参 + 参数 + 数化, and a section matches when it holds every
// bigram. `cjk` maps each bigram to the entries holding it, so book.js looks at those entries only.

import { UI } from './i18n';
import type { UiStrings } from './i18n';

export interface SearchSection {
  page: string;
  pageTitle: string;
  number: number;
  /** Heading id ('' = top of page). */
  id: string;
  title: string;
  text: string;
}

/** Han characters and the CJK symbols and punctuation block's ideographic marks are not; kana and Hangul are. */
export const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/g;

/** The character bigrams of the CJK runs of `text` (a run of one character is its own term). */
export function cjkBigrams(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(CJK_RUN)) {
    const run = [...m[0]];
    if (run.length === 1) out.push(run[0]);
    for (let i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
  }
  return out;
}

export interface SearchIndex {
  pages: string[][];
  /** [page index, heading id, section title, section text] */
  entries: [number, string, string, string][];
  /** CJK bigram (or lone character) → the entries (indices into `entries`) that hold it. */
  cjk: Record<string, number[]>;
}

export function searchIndex(sections: SearchSection[]): SearchIndex {
  const pages: string[][] = [];
  const pageIndex = new Map<string, number>();
  const entries: [number, string, string, string][] = [];
  const cjk = new Map<string, Set<number>>();
  for (const s of sections) {
    if (!pageIndex.has(s.page)) {
      pageIndex.set(s.page, pages.length);
      pages.push([s.page, s.number ? `${s.number} ${s.pageTitle}` : s.pageTitle]);
    }
    const text = s.text.replace(/\s+/g, ' ').trim();
    if (!text && !s.title) continue;
    const at = entries.length;
    entries.push([pageIndex.get(s.page)!, s.id, s.title, text]);
    // The lone characters of every run too, so that a one-character query (and a run's last character) is found.
    for (const g of [...cjkBigrams(`${s.title} ${text}`), ...`${s.title} ${text}`.match(CJK_RUN)?.join('') ?? '']) {
      if (!cjk.has(g)) cjk.set(g, new Set());
      cjk.get(g)!.add(at);
    }
  }
  return { pages, entries, cjk: Object.fromEntries([...cjk].map(([g, set]) => [g, [...set]])) };
}

/** The script that holds an edition's index and the words book.js shows (`ui`: the edition's UI strings it needs). */
export function buildSearchIndex(sections: SearchSection[], ui: UiStrings = UI.en): string {
  const words = { noHits: ui.noHits, codeBox: ui.codeBox, outputBox: ui.outputBox };
  return (
    `window.BOOK_SEARCH_INDEX = ${JSON.stringify(searchIndex(sections)).replace(/</g, '\\u003c')};\n` +
    `window.BOOK_UI = ${JSON.stringify(words).replace(/</g, '\\u003c')};\n`
  );
}

/**
 * The entries a query finds (indices, unranked): every term must occur; a CJK run of the query counts as its bigrams.
 * book.js does the same in the page (and ranks); this is the reference the tests hold the index to.
 */
export function searchEntries(index: SearchIndex, query: string): number[] {
  const terms = queryTerms(query);
  if (!terms.length) return [];
  let candidates: number[] | null = null;
  for (const t of terms) {
    if (/^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+$/.test(t)) {
      const posting = new Set(index.cjk[t] ?? []);
      candidates = (candidates ?? [...posting]).filter((i) => posting.has(i));
    }
  }
  const pool = candidates ?? index.entries.map((_, i) => i);
  return pool.filter((i) => {
    const hay = `${index.entries[i][2]} ${index.entries[i][3]}`.toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
}

/** A query's terms: words split at spaces and punctuation, each CJK run replaced by its bigrams. */
export function queryTerms(query: string): string[] {
  const out: string[] = [];
  for (const word of query.toLowerCase().split(/[\s,.;:!?()"'，。；：！？（）、“”]+/).filter(Boolean)) {
    const rest = word.replace(CJK_RUN, ' ').split(' ').filter(Boolean);
    out.push(...cjkBigrams(word), ...rest);
  }
  return out;
}
