// The page shell shared by every book page: top bar (title, search, theme toggle), sidebar table of contents,
// the article, previous/next links. All URLs are relative and every page sits at the book's root, so the same
// files work from file:// and from any static server.
import { escapeHtml, Heading } from './markdown';
import { EDITIONS, Lang, UI, UiStrings } from './i18n';

export interface PageRef {
  /** File name in the book, e.g. `03-vae.html`. */
  href: string;
  /** Chapter number (1-based), 0 for the index page. */
  number: number;
  title: string;
  /** Title as inline HTML (may contain math). */
  titleHtml: string;
  headings: Heading[];
  /** In a translated edition, a chapter not translated yet: the entry links to the English page, marked as such. */
  untranslated?: boolean;
}

export interface PageSpec {
  bookTitle: string;
  pages: PageRef[];
  current: PageRef;
  body: string;
  /** The page shows plotly figures (book.js loads assets/plotly.js when the reader first reaches for one). */
  hasFigures: boolean;
  /** More scripts this page loads after book.js (the widget bundle on pages with interactive figures). */
  scripts?: string[];
  prev?: PageRef;
  next?: PageRef;
  /** The edition of the page (default English): its `lang`, its UI words (i18n.ts) and its search index. */
  lang?: Lang;
  /** The same page in the other editions (href by language): the header's switch and the hreflang alternates. */
  counterparts?: Partial<Record<Lang, string>>;
}

/** Runs before first paint so a stored or system dark theme never flashes light. */
const THEME_BOOT =
  "(function(){try{var t=localStorage.getItem('vae-book-theme');if(t==='dark'||t==='light')" +
  "document.documentElement.setAttribute('data-theme',t);}catch(e){}})();";

const stripLinks = (html: string) => html.replace(/<\/?a\b[^>]*>/g, '');

function pageLabel(p: PageRef, ui?: UiStrings): string {
  // An untranslated chapter's title and its mark are one flex item of the sidebar entry (the mark goes under the title).
  const title = p.untranslated && ui ? `<span>${stripLinks(p.titleHtml)} <span class="untranslated">(${ui.untranslated})</span></span>` : stripLinks(p.titleHtml);
  return p.number ? `<span class="chapter-number">${p.number}</span> ${title}` : title;
}

function sidebar(spec: PageSpec, ui: UiStrings): string {
  const items = spec.pages
    .map((p) => {
      const current = p.href === spec.current.href;
      let sub = '';
      if (current && p.number) {
        const h2 = p.headings.filter((h) => h.level === 2);
        if (h2.length) {
          sub =
            '\n<ol class="toc-sections">' +
            h2.map((h) => `<li><a href="#${escapeHtml(h.id)}">${stripLinks(h.html)}</a></li>`).join('') +
            '</ol>';
        }
      }
      return `<li${current ? ' class="current"' : ''}><a href="${p.href}"${current ? ' aria-current="page"' : ''}${p.untranslated ? ' hreflang="en" lang="en"' : ''}>${pageLabel(p, ui)}</a>${sub}</li>`;
    })
    .join('\n');
  return `<nav class="sidebar" id="sidebar" aria-label="${ui.contents}">\n<ol class="toc">\n${items}\n</ol>\n</nav>`;
}

function pager(spec: PageSpec, ui: UiStrings): string {
  const link = (p: PageRef | undefined, rel: 'prev' | 'next') =>
    p
      ? `<a class="pager-${rel}" rel="${rel}" href="${p.href}"><span class="pager-label">${rel === 'prev' ? ui.previous : ui.next}</span><span class="pager-title">${pageLabel(p, ui)}</span></a>`
      : '<span></span>';
  return `<nav class="pager" aria-label="${ui.prevNextLabel}">\n${link(spec.prev, 'prev')}\n${link(spec.next, 'next')}\n</nav>`;
}

/** The header's language switch: one link per other edition that has this page. */
function languageSwitch(lang: Lang, counterparts: Partial<Record<Lang, string>>, ui: UiStrings): string {
  return (Object.entries(counterparts) as [Lang, string][])
    .filter(([l]) => l !== lang)
    .map(([l, href]) => {
      const e = EDITIONS[l];
      return `<a class="lang-switch" href="${escapeHtml(href)}" hreflang="${e.htmlLang}" lang="${e.htmlLang}" title="${escapeHtml(`${ui.otherLanguage} ${e.name}`)}">${e.name}</a>`;
    })
    .join('\n');
}

/** hreflang alternates: every edition of this page, itself included (search engines and readers' tools pair them). */
function alternates(lang: Lang, self: string, counterparts: Partial<Record<Lang, string>>): string {
  const others = (Object.entries(counterparts) as [Lang, string][]).filter(([l]) => l !== lang);
  if (others.length === 0) return '';
  const all: [Lang, string][] = [[lang, self], ...others];
  return all
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([l, href]) => `<link rel="alternate" hreflang="${EDITIONS[l].htmlLang}" href="${escapeHtml(href)}">\n`)
    .join('');
}

/** The search index script of edition `lang` (build.ts writes one per edition). */
export function searchIndexFile(lang: Lang): string {
  return `assets/search-index${EDITIONS[lang].suffix}.js`;
}

export function renderPage(spec: PageSpec): string {
  const lang = spec.lang ?? 'en';
  const ui = UI[lang];
  const counterparts = spec.counterparts ?? {};
  const title = spec.current.number
    ? `${spec.current.number} ${spec.current.title} · ${spec.bookTitle}`
    : spec.bookTitle;
  const scripts = [
    `<script src="${searchIndexFile(lang)}" defer></script>`,
    '<script src="assets/book.js" defer></script>',
    ...(spec.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}" defer></script>`),
  ]
    .filter(Boolean)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${EDITIONS[lang].htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${alternates(lang, spec.current.href, counterparts)}<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/book.css">
<script>${THEME_BOOT}</script>
</head>
<body class="${spec.current.number ? 'page-chapter' : 'page-index'}">
<a class="skip-link" href="#content">${ui.skipLink}</a>
<header class="topbar">
<button class="sidebar-toggle" type="button" aria-controls="sidebar" aria-expanded="false" title="${ui.contentsButton}">☰</button>
<a class="book-title" href="${spec.pages[0]?.href ?? 'index.html'}">${escapeHtml(spec.bookTitle)}</a>
<div class="search" role="search">
<input id="search-input" type="search" placeholder="${ui.searchPlaceholder}" aria-label="${ui.searchPlaceholder}" autocomplete="off">
<div id="search-results" class="search-results" hidden></div>
</div>
${languageSwitch(lang, counterparts, ui)}
<button class="theme-toggle" type="button" title="${ui.theme}" aria-label="${ui.theme}"><span class="icon-dark">☾</span><span class="icon-light">☀</span></button>
</header>
<div class="layout">
${sidebar(spec, ui)}
<main id="content" class="content">
<article class="chapter">
${spec.current.number ? `<p class="chapter-eyebrow">${ui.chapter(spec.current.number)}</p>\n` : ''}${spec.body}
</article>
${pager(spec, ui)}
</main>
</div>
${scripts}
</body>
</html>
`;
}
