"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkLinks = exports.serve = exports.buildQuickBook = exports.executorAvailable = exports.snapshot = exports.seedCache = exports.fixtureOptions = exports.tmpDir = exports.QUICK_BOOK = exports.FIXTURE = exports.ROOT = void 0;
// Shared by test/book.test.ts and test/book.browser.test.ts: the mini-book fixture, cache seeding with hand-made
// executed notebooks, the quick-profile build of the real book, and a tiny static file server.
const fs = __importStar(require("node:fs"));
const http = __importStar(require("node:http"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const build_1 = require("../scripts/bookgen/build");
const notebooks_1 = require("../scripts/bookgen/notebooks");
exports.ROOT = path.resolve(__dirname, '..');
exports.FIXTURE = path.join(exports.ROOT, 'test', 'fixtures', 'mini-book');
exports.QUICK_BOOK = path.join(exports.ROOT, 'test-output', 'book-quick');
const made = [];
// Each fixture build carries a 10 MB plotly.js: remove the temporary books when the test process ends.
process.on('exit', () => {
    for (const d of made)
        fs.rmSync(d, { recursive: true, force: true });
});
function tmpDir(label) {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `book-test-${label}-`));
    made.push(d);
    return d;
}
exports.tmpDir = tmpDir;
/** Options for building the mini-book fixture: its own chapters, notebooks, solutions and a private cache. */
function fixtureOptions(outDir, cacheDir, over = {}) {
    return {
        ...(0, build_1.defaultOptions)(exports.ROOT),
        chaptersDir: path.join(exports.FIXTURE, 'chapters'),
        notebooksDir: path.join(exports.FIXTURE, 'notebooks'),
        solutionsDir: path.join(exports.FIXTURE, 'solutions'),
        outDir,
        cacheDir,
        profile: 'quick',
        execute: false,
        log: () => undefined,
        ...over,
    };
}
exports.fixtureOptions = fixtureOptions;
/** Puts the hand-made executed copy of fixture notebook `name` into the cache where the build will look for it. */
function seedCache(cacheDir, name, notebooksDir = path.join(exports.FIXTURE, 'notebooks')) {
    const key = (0, notebooks_1.cacheKey)({ root: exports.ROOT, notebookFile: path.join(notebooksDir, `${name}.ipynb`), profile: 'quick' });
    const dst = (0, notebooks_1.cachePath)(cacheDir, name, key, 'quick');
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.copyFileSync(path.join(exports.FIXTURE, 'executed', `${name}.ipynb`), dst);
    return dst;
}
exports.seedCache = seedCache;
/** Every file under dir (sorted, '/'-separated) → its bytes. */
function snapshot(dir) {
    const out = new Map();
    const walk = (d, prefix) => {
        for (const name of fs.readdirSync(d).sort()) {
            const p = path.join(d, name);
            const r = prefix ? `${prefix}/${name}` : name;
            if (fs.statSync(p).isDirectory())
                walk(p, r);
            else
                out.set(r, fs.readFileSync(p));
        }
    };
    walk(dir, '');
    return out;
}
exports.snapshot = snapshot;
/** The executor and its tslab kernel, as `npm run setup` installs them. */
function executorAvailable() {
    const kernel = path.join(exports.ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
    return fs.existsSync(path.join(exports.ROOT, 'scripts', 'jupyter', 'execute_notebook.py')) && fs.existsSync(kernel);
}
exports.executorAvailable = executorAvailable;
let quickBook = null;
/**
 * The real book (chapters/, notebooks/, exercises/solutions/) in the quick profile, executed by the real kernel
 * and cached in .cache/notebooks like `npm run book -- --profile quick`, built once per test process.
 */
function buildQuickBook() {
    if (!quickBook) {
        quickBook = (0, build_1.buildBook)({
            ...(0, build_1.defaultOptions)(exports.ROOT),
            outDir: exports.QUICK_BOOK,
            profile: 'quick',
            execute: true,
            cellTimeout: 300,
            log: (m) => process.stderr.write(`book: ${m}\n`),
        });
    }
    return quickBook;
}
exports.buildQuickBook = buildQuickBook;
const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.woff2': 'font/woff2',
    '.woff': 'font/woff',
    '.ttf': 'font/ttf',
    '.ipynb': 'application/x-ipynb+json',
};
/** A static file server for `dir` on 127.0.0.1 (any free port); 404 for anything else. */
async function serve(dir) {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        let file = path.join(dir, decodeURIComponent(url.pathname));
        if (!file.startsWith(dir)) {
            res.writeHead(403).end();
            return;
        }
        if (fs.existsSync(file) && fs.statSync(file).isDirectory())
            file = path.join(file, 'index.html');
        if (!fs.existsSync(file)) {
            res.writeHead(404).end('not found');
            return;
        }
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        fs.createReadStream(file).pipe(res);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    return {
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
exports.serve = serve;
/**
 * Every href/src in every HTML page and every url() in every stylesheet must name a file of the book, and every
 * #anchor an id on the target page. External http(s) links are allowed only in <a href> (a reader's click, not a
 * request the page makes); anything the page itself would load must be local.
 */
function checkLinks(bookDir) {
    const files = snapshot(bookDir);
    const ids = new Map();
    const idsOf = (page) => {
        if (!ids.has(page)) {
            const html = files.get(page)?.toString('utf8') ?? '';
            ids.set(page, new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1])));
        }
        return ids.get(page);
    };
    const problems = [];
    let checked = 0;
    const check = (page, ref, isAnchorTag) => {
        checked++;
        if (/^(https?:)?\/\//i.test(ref)) {
            if (!isAnchorTag)
                problems.push({ page, ref, problem: 'loads a resource from outside the book' });
            return;
        }
        if (/^(mailto:|data:)/i.test(ref))
            return;
        if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
            problems.push({ page, ref, problem: 'unexpected URL scheme' });
            return;
        }
        const [p, anchor] = ref.split('#', 2);
        const target = p ? path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(p.split('?')[0]))) : page;
        if (!files.has(target)) {
            problems.push({ page, ref, problem: `no file ${target}` });
            return;
        }
        if (anchor && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(anchor))) {
            problems.push({ page, ref, problem: `no id "${anchor}" in ${target}` });
        }
    };
    for (const [name, bytes] of files) {
        if (name.endsWith('.html')) {
            const html = bytes.toString('utf8');
            for (const m of html.matchAll(/<(a|link|script|img|iframe|source)\b[^>]*?\s(href|src)="([^"]*)"/gi)) {
                check(name, m[3].replace(/&amp;/g, '&'), m[1].toLowerCase() === 'a');
            }
        }
        else if (name.endsWith('.css')) {
            for (const m of bytes.toString('utf8').matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g))
                check(name, m[1], false);
        }
    }
    return { problems, checked };
}
exports.checkLinks = checkLinks;
