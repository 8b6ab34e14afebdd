import MarkdownIt from 'markdown-it';
/** A build error that already says where (file:line) and what went wrong; the CLI prints only its message. */
export declare class BookError extends Error {
    constructor(message: string);
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
    kind: 'notebook' | 'solution';
    /** Notebook or solutions-notebook name without extension, e.g. `01-autoencoder`, `03-vae`. */
    name: string;
    /** The part after `#`: a cell tag (notebook) or an exercise id (solution); absent for a notebook link. */
    fragment?: string;
    /** 1-based line in the chapter file. */
    line: number;
}
/** Per-document state threaded through markdown-it's `env`. */
export interface RenderEnv {
    /** Path used in messages, e.g. `chapters/03-vae.md`. */
    file: string;
    headings: Heading[];
    /** Plain text of each section (keyed by the id of the heading that opens it; '' = before the first heading). */
    sections: {
        id: string;
        title: string;
        text: string[];
    }[];
    directive(d: Directive): string;
    /**
     * Rewrites a relative link target (e.g. `03-vae.md#elbo` → `03-vae.html#elbo`); throws BookError if it is broken.
     * `image` targets are loaded by the page, so they must be local files.
     */
    link(href: string, line: number, kind: 'link' | 'image'): string;
}
export declare function escapeHtml(s: string): string;
/** Highlighted code (highlight.js) with a language class; unknown languages are shown escaped, uncoloured. */
export declare function highlightCode(code: string, lang: string): string;
/** GitHub-like slug: lower case, letters and digits kept (any script), the rest collapsed to '-'. */
export declare function slugify(text: string): string;
export declare function createMarkdown(): MarkdownIt;
