"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.createMarkdown = exports.slugify = exports.highlightCode = exports.escapeHtml = exports.BookError = void 0;
// Markdown → HTML for the book's chapters: markdown-it plus the book's own small plugins
// for KaTeX math ($…$, $$…$$, rendered at build time), ::: containers, {{notebook …}} / {{solution …}} directives,
// heading anchors and link rewriting. Every error names the chapter file and the line.
const markdown_it_1 = __importDefault(require("markdown-it"));
const highlight_js_1 = __importDefault(require("highlight.js"));
// katex's types sit behind its package "exports" map, which TypeScript's "node" resolution does not read.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const katex = require('katex');
/** A build error that already says where (file:line) and what went wrong; the CLI prints only its message. */
class BookError extends Error {
    constructor(message) {
        super(message);
        this.name = 'BookError';
    }
}
exports.BookError = BookError;
const CONTAINERS = {
    solution: { tag: 'details', summary: 'Solution' },
    note: { tag: 'aside', label: 'Note' },
    warning: { tag: 'aside', label: 'Warning' },
    tip: { tag: 'aside', label: 'Tip' },
};
function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
exports.escapeHtml = escapeHtml;
/** Highlighted code (highlight.js) with a language class; unknown languages are shown escaped, uncoloured. */
function highlightCode(code, lang) {
    const language = lang === 'ts' ? 'typescript' : lang === 'js' ? 'javascript' : lang === 'sh' || lang === 'shell' ? 'bash' : lang;
    if (language && highlight_js_1.default.getLanguage(language)) {
        return highlight_js_1.default.highlight(code, { language, ignoreIllegals: true }).value;
    }
    return escapeHtml(code);
}
exports.highlightCode = highlightCode;
function renderMath(tex, displayMode, where) {
    try {
        return katex.renderToString(tex, { displayMode, throwOnError: true, strict: 'ignore', output: 'htmlAndMathml' });
    }
    catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new BookError(`${where}: bad math ${displayMode ? '$$…$$' : '$…$'} "${tex.trim().slice(0, 60)}": ${msg}`);
    }
}
/** GitHub-like slug: lower case, letters and digits kept (any script), the rest collapsed to '-'. */
function slugify(text) {
    const s = text
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^\p{L}\p{N}]+/gu, '-')
        .replace(/^-+|-+$/g, '');
    return s || 'section';
}
exports.slugify = slugify;
// ---- block rule: $$ … $$ (may span lines; the closing $$ ends a line) -------------------------------------
function mathBlock(state, startLine, endLine, silent) {
    let pos = state.bMarks[startLine] + state.tShift[startLine];
    let max = state.eMarks[startLine];
    if (state.sCount[startLine] - state.blkIndent >= 4)
        return false;
    if (state.src.slice(pos, pos + 2) !== '$$')
        return false;
    const first = state.src.slice(pos + 2, max);
    let body;
    let nextLine = startLine;
    if (first.trim().endsWith('$$') && first.trim().length >= 2) {
        body = first.trim().slice(0, -2);
    }
    else {
        let found = false;
        const lines = [first];
        for (nextLine = startLine + 1; nextLine < endLine; nextLine++) {
            pos = state.bMarks[nextLine] + state.tShift[nextLine];
            max = state.eMarks[nextLine];
            if (pos < max && state.sCount[nextLine] < state.blkIndent)
                break;
            const line = state.src.slice(pos, max);
            if (line.trim().endsWith('$$')) {
                lines.push(line.trim().slice(0, -2));
                found = true;
                break;
            }
            lines.push(line);
        }
        if (!found) {
            const env = state.env;
            throw new BookError(`${env.file}:${startLine + 1}: display math opened with $$ is never closed`);
        }
        body = lines.join('\n');
    }
    if (silent)
        return true;
    const token = state.push('math_block', 'div', 0);
    token.block = true;
    token.content = body;
    token.map = [startLine, nextLine + 1];
    token.markup = '$$';
    state.line = nextLine + 1;
    return true;
}
// ---- inline rule: $…$ (inline) and $$…$$ inside a paragraph (display) ---------------------------------------
function mathInline(state, silent) {
    const src = state.src;
    const start = state.pos;
    if (src.charCodeAt(start) !== 0x24 /* $ */)
        return false;
    const display = src.charCodeAt(start + 1) === 0x24;
    const open = display ? 2 : 1;
    // Pandoc's rule: an opening $ is not followed by a space; a closing $ is not preceded by one nor followed by a digit
    // (so "costs $5 and $6" stays text).
    if (!display && (start + 1 >= state.posMax || /\s/.test(src[start + 1])))
        return false;
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
            }
            else if (!/\s/.test(src[pos - 1]) && !/[0-9]/.test(src[pos + 1] ?? '')) {
                end = pos;
                break;
            }
        }
        pos++;
    }
    if (end < 0)
        return false;
    if (!silent) {
        const token = state.push(display ? 'math_inline_display' : 'math_inline', 'span', 0);
        token.content = src.slice(start + open, end);
        token.markup = display ? '$$' : '$';
    }
    state.pos = end + open;
    return true;
}
// ---- block rule: ::: name … ::: ---------------------------------------------------------------------------
function container(state, startLine, endLine, silent) {
    const start = state.bMarks[startLine] + state.tShift[startLine];
    const max = state.eMarks[startLine];
    if (state.sCount[startLine] - state.blkIndent >= 4)
        return false;
    const line = state.src.slice(start, max);
    const m = /^:::\s*([A-Za-z][\w-]*)?\s*(.*)$/.exec(line);
    if (!m || line.startsWith('::::'))
        return false;
    const env = state.env;
    const name = (m[1] ?? '').toLowerCase();
    if (!name)
        return false; // a bare ':::' is a closer, handled below; stray ones stay text
    if (!(name in CONTAINERS)) {
        throw new BookError(`${env.file}:${startLine + 1}: unknown container "::: ${m[1]}" (known: ${Object.keys(CONTAINERS).join(', ')})`);
    }
    if (silent)
        return true;
    // Find the matching bare ':::' at the same or deeper indentation, counting nested openers.
    let depth = 1;
    let nextLine = startLine;
    for (;;) {
        nextLine++;
        if (nextLine >= endLine)
            break;
        const s = state.bMarks[nextLine] + state.tShift[nextLine];
        const e = state.eMarks[nextLine];
        if (s < e && state.sCount[nextLine] < state.blkIndent)
            break;
        if (state.sCount[nextLine] - state.blkIndent >= 4)
            continue;
        const text = state.src.slice(s, e).trim();
        if (/^:::\s*[A-Za-z]/.test(text))
            depth++;
        else if (text === ':::') {
            depth--;
            if (depth === 0)
                break;
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
    state.parentType = oldParent;
    state.lineMax = oldLineMax;
    state.line = nextLine + 1;
    return true;
}
// ---- block rule: {{notebook name#tag}} / {{solution name#id}} alone on a line ---------------------------------
function directive(state, startLine, _endLine, silent) {
    const start = state.bMarks[startLine] + state.tShift[startLine];
    const max = state.eMarks[startLine];
    if (state.sCount[startLine] - state.blkIndent >= 4)
        return false;
    const line = state.src.slice(start, max).trim();
    if (!line.startsWith('{{'))
        return false;
    const env = state.env;
    const m = /^\{\{\s*(\w+)\s+([^\s#}]+)(?:#([^\s}]+))?\s*\}\}$/.exec(line);
    if (!m) {
        throw new BookError(`${env.file}:${startLine + 1}: malformed directive "${line}" (expected {{notebook NAME}}, {{notebook NAME#TAG}} or {{solution CHAPTER#ID}})`);
    }
    const kind = m[1];
    if (kind !== 'notebook' && kind !== 'solution') {
        throw new BookError(`${env.file}:${startLine + 1}: unknown directive "{{${kind} …}}" (known: notebook, solution)`);
    }
    if (kind === 'solution' && !m[3]) {
        throw new BookError(`${env.file}:${startLine + 1}: {{solution ${m[2]}}} needs an exercise id: {{solution ${m[2]}#ID}}`);
    }
    if (silent)
        return true;
    const token = state.push('book_directive', 'div', 0);
    token.block = true;
    token.map = [startLine, startLine + 1];
    token.meta = { kind, name: m[2].replace(/\.ipynb$/, ''), fragment: m[3], line: startLine + 1 };
    state.line = startLine + 1;
    return true;
}
/** Plain words of an inline run, for search and titles: line breaks become spaces, TeX source is left out. */
function inlineText(children) {
    return children
        .map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : t.type === 'softbreak' || t.type === 'hardbreak' ? ' ' : ''))
        .join('')
        .replace(/\s+/g, ' ');
}
/** After inline parsing: give inline children their line (for errors), assign unique heading ids, collect section text. */
function annotate(state) {
    const env = state.env;
    if (state.inlineMode || !env || !Array.isArray(env.headings))
        return; // renderInline of a container title
    const used = new Map();
    const tokens = state.tokens;
    let line = 0;
    let inSolution = 0; // solutions stay out of the search index, so a snippet never gives an answer away
    for (let i = 0; i < tokens.length; i++) {
        const tok = tokens[i];
        if (tok.map)
            line = tok.map[0] + 1;
        if (tok.type === 'book_container_open' && tok.info === 'solution')
            inSolution++;
        if (tok.type === 'book_container_close' && tok.info === 'solution')
            inSolution--;
        if (tok.type === 'inline' && tok.children) {
            for (const child of tok.children)
                child.meta = { ...(child.meta ?? {}), line };
        }
        if (tok.type === 'heading_open') {
            const inline = tokens[i + 1];
            const children = inline.children ?? [];
            const text = children
                .map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : ''))
                .join('')
                .trim();
            const base = slugify(text);
            const n = used.get(base) ?? 0;
            used.set(base, n + 1);
            const id = n === 0 ? base : `${base}-${n + 1}`;
            tok.attrSet('id', id);
            const level = Number(tok.tag.slice(1));
            env.headings.push({ level, id, html: '', text: inlineText(children).trim(), line });
            env.sections.push({ id, title: inlineText(children).trim(), text: [] });
        }
        else if (tok.type === 'inline' && tokens[i - 1]?.type !== 'heading_open' && inSolution === 0) {
            if (env.sections.length === 0)
                env.sections.push({ id: '', title: '', text: [] });
            env.sections[env.sections.length - 1].text.push(inlineText(tok.children ?? []));
        }
    }
}
function createMarkdown() {
    // Typographer for curly quotes only: its "replacements" would turn an exercise's "(c)" into ©.
    const md = new markdown_it_1.default({ html: true, linkify: false, typographer: true });
    md.disable('replacements');
    md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
    md.block.ruler.before('fence', 'book_container', container, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
    md.block.ruler.before('paragraph', 'book_directive', directive, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
    md.inline.ruler.before('escape', 'math_inline', mathInline);
    md.core.ruler.push('book_annotate', annotate);
    const rules = md.renderer.rules;
    rules.math_block = (tokens, idx, _o, env) => {
        const t = tokens[idx];
        return `<div class="math-display">${renderMath(t.content, true, `${env.file}:${(t.map?.[0] ?? 0) + 1}`)}</div>\n`;
    };
    rules.math_inline = (tokens, idx, _o, env) => renderMath(tokens[idx].content, false, `${env.file}:${tokens[idx].meta?.line ?? '?'}`);
    rules.math_inline_display = (tokens, idx, _o, env) => `<span class="math-display">${renderMath(tokens[idx].content, true, `${env.file}:${tokens[idx].meta?.line ?? '?'}`)}</span>`;
    rules.book_container_open = (tokens, idx, _o, env) => {
        const t = tokens[idx];
        const spec = CONTAINERS[t.info];
        const title = t.meta?.title || spec.summary || spec.label || '';
        if (spec.tag === 'details') {
            return `<details class="${t.info}"><summary>${md.renderInline(title, env)}</summary>\n<div class="details-body">\n`;
        }
        return `<aside class="callout callout-${t.info}"><p class="callout-title">${md.renderInline(title, env)}</p>\n`;
    };
    rules.book_container_close = (tokens, idx) => tokens[idx].tag === 'details' ? '</div>\n</details>\n' : '</aside>\n';
    rules.book_directive = (tokens, idx, _o, env) => env.directive(tokens[idx].meta);
    rules.fence = (tokens, idx) => {
        const t = tokens[idx];
        const lang = t.info.trim().split(/\s+/)[0] ?? '';
        const cls = lang ? ` class="hljs language-${escapeHtml(lang)}"` : ' class="hljs"';
        return `<pre class="code"><code${cls}>${highlightCode(t.content, lang)}</code></pre>\n`;
    };
    const defaultHeadingOpen = md.renderer.renderToken.bind(md.renderer);
    rules.heading_open = (tokens, idx, options) => defaultHeadingOpen(tokens, idx, options);
    rules.heading_close = (tokens, idx) => {
        const open = tokens[idx - 2];
        const id = open.attrGet('id') ?? '';
        return `<a class="anchor" href="#${escapeHtml(id)}" aria-label="Link to this section">#</a></${tokens[idx].tag}>\n`;
    };
    const defaultLinkOpen = rules.link_open;
    rules.link_open = (tokens, idx, options, env, self) => {
        const t = tokens[idx];
        const href = t.attrGet('href');
        if (href !== null && !t.meta?.rewritten) {
            t.attrSet('href', env.link(href, t.meta?.line ?? 0, 'link'));
            t.meta = { ...(t.meta ?? {}), rewritten: true };
        }
        return defaultLinkOpen ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    };
    const defaultImage = rules.image;
    rules.image = (tokens, idx, options, env, self) => {
        const t = tokens[idx];
        const src = t.attrGet('src');
        if (src !== null && !t.meta?.rewritten) {
            t.attrSet('src', env.link(src, t.meta?.line ?? 0, 'image'));
            t.meta = { ...(t.meta ?? {}), rewritten: true };
        }
        return defaultImage ? defaultImage(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    };
    return md;
}
exports.createMarkdown = createMarkdown;
