// The page shell shared by every book page: top bar (title, search, theme toggle), sidebar table of contents,
// the article, previous/next links. All URLs are relative and every page sits at the book's root, so the same
// files work from file:// and from any static server.
import { escapeHtml, Heading } from './markdown';

export interface PageRef {
  /** File name in the book, e.g. `03-vae.html`. */
  href: string;
  /** Chapter number (1-based), 0 for the index page. */
  number: number;
  title: string;
  /** Title as inline HTML (may contain math). */
  titleHtml: string;
  headings: Heading[];
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
}

/** Runs before first paint so a stored or system dark theme never flashes light. */
const THEME_BOOT =
  "(function(){try{var t=localStorage.getItem('vae-book-theme');if(t==='dark'||t==='light')" +
  "document.documentElement.setAttribute('data-theme',t);}catch(e){}})();";

const stripLinks = (html: string) => html.replace(/<\/?a\b[^>]*>/g, '');

function pageLabel(p: PageRef): string {
  return p.number ? `<span class="chapter-number">${p.number}</span> ${stripLinks(p.titleHtml)}` : stripLinks(p.titleHtml);
}

function sidebar(spec: PageSpec): string {
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
      return `<li${current ? ' class="current"' : ''}><a href="${p.href}"${current ? ' aria-current="page"' : ''}>${pageLabel(p)}</a>${sub}</li>`;
    })
    .join('\n');
  return `<nav class="sidebar" id="sidebar" aria-label="Contents">\n<ol class="toc">\n${items}\n</ol>\n</nav>`;
}

function pager(spec: PageSpec): string {
  const link = (p: PageRef | undefined, rel: 'prev' | 'next') =>
    p
      ? `<a class="pager-${rel}" rel="${rel}" href="${p.href}"><span class="pager-label">${rel === 'prev' ? '← Previous' : 'Next →'}</span><span class="pager-title">${pageLabel(p)}</span></a>`
      : '<span></span>';
  return `<nav class="pager" aria-label="Previous and next">\n${link(spec.prev, 'prev')}\n${link(spec.next, 'next')}\n</nav>`;
}

export function renderPage(spec: PageSpec): string {
  const title = spec.current.number
    ? `${spec.current.number} ${spec.current.title} · ${spec.bookTitle}`
    : spec.bookTitle;
  const scripts = [
    '<script src="assets/search-index.js" defer></script>',
    '<script src="assets/book.js" defer></script>',
    ...(spec.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}" defer></script>`),
  ]
    .filter(Boolean)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/book.css">
<script>${THEME_BOOT}</script>
</head>
<body class="${spec.current.number ? 'page-chapter' : 'page-index'}">
<a class="skip-link" href="#content">Skip to the text</a>
<header class="topbar">
<button class="sidebar-toggle" type="button" aria-controls="sidebar" aria-expanded="false" title="Contents">☰</button>
<a class="book-title" href="index.html">${escapeHtml(spec.bookTitle)}</a>
<div class="search" role="search">
<input id="search-input" type="search" placeholder="Search the book" aria-label="Search the book" autocomplete="off">
<div id="search-results" class="search-results" hidden></div>
</div>
<button class="theme-toggle" type="button" title="Switch light/dark theme" aria-label="Switch light/dark theme"><span class="icon-dark">☾</span><span class="icon-light">☀</span></button>
</header>
<div class="layout">
${sidebar(spec)}
<main id="content" class="content">
<article class="chapter">
${spec.current.number ? `<p class="chapter-eyebrow">Chapter ${spec.current.number}</p>\n` : ''}${spec.body}
</article>
${pager(spec)}
</main>
</div>
${scripts}
</body>
</html>
`;
}
