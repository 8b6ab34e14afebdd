"use strict";
// The search index, built at build time and shipped as a script (assets/search-index.js) rather than JSON, because
// browsers refuse fetch() of local files on file:// but do run <script src>. book.js searches it in the page.
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildSearchIndex = void 0;
function buildSearchIndex(sections) {
    const pages = [];
    const pageIndex = new Map();
    const entries = [];
    for (const s of sections) {
        if (!pageIndex.has(s.page)) {
            pageIndex.set(s.page, pages.length);
            pages.push([s.page, s.number ? `${s.number} ${s.pageTitle}` : s.pageTitle]);
        }
        const text = s.text.replace(/\s+/g, ' ').trim();
        if (!text && !s.title)
            continue;
        entries.push([pageIndex.get(s.page), s.id, s.title, text]);
    }
    return `window.BOOK_SEARCH_INDEX = ${JSON.stringify({ pages, entries }).replace(/</g, '\\u003c')};\n`;
}
exports.buildSearchIndex = buildSearchIndex;
