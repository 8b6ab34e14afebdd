import { Heading } from './markdown';
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
    hasFigures: boolean;
    prev?: PageRef;
    next?: PageRef;
}
export declare function renderPage(spec: PageSpec): string;
