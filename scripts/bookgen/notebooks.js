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
exports.exerciseIds = exports.solutionCell = exports.allTags = exports.cellsWithTag = exports.firstError = exports.executeNotebook = exports.pruneCache = exports.modelsDirOf = exports.cachePath = exports.cacheKey = exports.readNotebook = exports.joinSource = void 0;
// Notebooks for the book: read .ipynb files, execute them with THE executor (scripts/jupyter/execute_notebook.py,
// real tslab kernel) and cache the executed copies by a hash of everything that can change their outputs.
const node_crypto_1 = require("node:crypto");
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const markdown_1 = require("./markdown");
function joinSource(s) {
    return Array.isArray(s) ? s.join('') : s ?? '';
}
exports.joinSource = joinSource;
function readNotebook(file) {
    let raw;
    try {
        raw = fs.readFileSync(file, 'utf8');
    }
    catch {
        throw new markdown_1.BookError(`${file}: cannot read the notebook`);
    }
    let nb;
    try {
        nb = JSON.parse(raw);
    }
    catch (e) {
        throw new markdown_1.BookError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!nb || !Array.isArray(nb.cells))
        throw new markdown_1.BookError(`${file}: not a Jupyter notebook (no "cells" array)`);
    return nb;
}
exports.readNotebook = readNotebook;
/** Every file under `dir` (relative paths with '/', sorted). */
function filesUnder(dir, prefix = '') {
    if (!fs.existsSync(dir))
        return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]).sort();
}
/**
 * The cache key of an executed notebook: sha256 over the notebook bytes, every source file under lib/ (name +
 * bytes, sorted), package-lock.json, requirements.txt and the profile. Anything else (chapters, the book's CSS)
 * does not change what a cell prints, so editing prose never re-runs training.
 */
function cacheKey(inputs) {
    const h = (0, node_crypto_1.createHash)('sha256');
    const part = (label, bytes) => {
        h.update(`${label}\0${Buffer.byteLength(bytes)}\0`);
        h.update(bytes);
    };
    part('notebook', fs.readFileSync(inputs.notebookFile));
    const libDir = path.join(inputs.root, 'lib');
    const libFiles = filesUnder(libDir).filter((f) => /\.(ts|wat)$/.test(f));
    for (const f of libFiles)
        part(`lib/${f}`, fs.readFileSync(path.join(libDir, f)));
    for (const f of ['package-lock.json', 'requirements.txt']) {
        const p = path.join(inputs.root, f);
        part(f, fs.existsSync(p) ? fs.readFileSync(p) : '<absent>');
    }
    part('profile', inputs.profile);
    return h.digest('hex').slice(0, 32);
}
exports.cacheKey = cacheKey;
function cachePath(cacheDir, name, key, profile) {
    return path.join(cacheDir, `${name}.${profile}.${key}.ipynb`);
}
exports.cachePath = cachePath;
/** The folder where the run that made `executedFile` saved its models (saveBookModel, VAE_MODELS_DIR). */
function modelsDirOf(executedFile) {
    return executedFile.replace(/\.ipynb$/, '.models');
}
exports.modelsDirOf = modelsDirOf;
/** Removes older executions of the same notebook and profile (each edit of lib/ would otherwise leave one behind). */
function pruneCache(cacheDir, name, profile, keep) {
    if (!fs.existsSync(cacheDir))
        return;
    const prefix = `${name}.${profile}.`;
    for (const f of fs.readdirSync(cacheDir)) {
        if (f.startsWith(prefix) && path.join(cacheDir, f) !== keep && path.join(cacheDir, f) !== modelsDirOf(keep) && /^[0-9a-f]{32}\.(ipynb|models)$/.test(f.slice(prefix.length))) {
            fs.rmSync(path.join(cacheDir, f), { recursive: true, force: true });
        }
    }
}
exports.pruneCache = pruneCache;
function cellLabel(nb, index) {
    const cell = nb?.cells[index - 1];
    if (!cell)
        return `cell ${index}`;
    const tags = cell.metadata?.tags ?? [];
    return tags.length ? `cell ${index} (${tags.join(', ')})` : `cell ${index}`;
}
/**
 * Runs the executor on `file`, writing the executed notebook to `outFile` (via a temporary file, so a crash never
 * leaves a half-written cache entry). A failing cell → BookError "notebooks/x.ipynb: cell 7 (tag): Error: …".
 */
function executeNotebook(file, outFile, opts) {
    if (!fs.existsSync(opts.executor)) {
        throw new markdown_1.BookError(`cannot execute ${file}: the executor ${opts.executor} is missing`);
    }
    if (!fs.existsSync(opts.python)) {
        throw new markdown_1.BookError(`cannot execute ${file}: ${opts.python} is missing (run \`npm run setup\`)`);
    }
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    const tmp = `${outFile}.tmp-${process.pid}`;
    const report = `${outFile}.report-${process.pid}.json`;
    // The models the notebook saves for the book's pages (saveBookModel) go next to the executed copy.
    const models = modelsDirOf(outFile);
    const modelsTmp = `${models}.tmp-${process.pid}`;
    fs.rmSync(modelsTmp, { recursive: true, force: true });
    const args = [
        opts.executor, file, '--out', tmp, '--report', report, '--timeout', String(opts.timeout),
        '--env', `VAE_PROFILE=${opts.profile}`, '--env', 'VAE_QUIET=1', '--env', `VAE_MODELS_DIR=${modelsTmp}`,
    ];
    const started = Date.now();
    const r = (0, node_child_process_1.spawnSync)(opts.python, args, { cwd: opts.root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    let rep = null;
    try {
        rep = JSON.parse(fs.readFileSync(report, 'utf8'));
    }
    catch {
        rep = null;
    }
    fs.rmSync(report, { force: true });
    if (r.status !== 0) {
        fs.rmSync(tmp, { force: true });
        fs.rmSync(modelsTmp, { recursive: true, force: true });
        const rel = path.relative(opts.root, file) || file;
        const failed = rep?.cells?.find((c) => c.status !== 'ok' && c.status !== 'skipped');
        if (failed) {
            let nb = null;
            try {
                nb = readNotebook(file);
            }
            catch {
                nb = null;
            }
            // timeout / memory / dead-kernel: the executor's own line says more (limits, exit signal).
            const stderrLine = (r.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? '';
            const what = failed.status === 'error'
                ? `${failed.ename ?? 'Error'}: ${failed.evalue ?? ''}`
                : `${failed.status}${rep?.error ? ` (${rep.error})` : stderrLine ? ` (${stderrLine})` : ''}`;
            throw new markdown_1.BookError(`${rel}: ${cellLabel(nb, failed.index)}: ${what}`.trim());
        }
        const stderr = (r.stderr ?? '').trim().split('\n').filter(Boolean);
        const detail = rep?.error ?? stderr[stderr.length - 1] ?? r.error?.message ?? `exit status ${r.status}`;
        throw new markdown_1.BookError(`${rel}: execution failed: ${detail}`);
    }
    fs.rmSync(models, { recursive: true, force: true });
    if (fs.existsSync(modelsTmp))
        fs.renameSync(modelsTmp, models);
    fs.renameSync(tmp, outFile);
    opts.log(`executed ${path.relative(opts.root, file)} (${opts.profile}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
exports.executeNotebook = executeNotebook;
/** The first error output of an executed notebook, if any ("cell 7 (tag): Error: …"): a cached error fails the build too. */
function firstError(nb) {
    for (let i = 0; i < nb.cells.length; i++) {
        for (const o of nb.cells[i].outputs ?? []) {
            if (o.output_type === 'error')
                return `${cellLabel(nb, i + 1)}: ${o.ename ?? 'Error'}: ${o.evalue ?? ''}`.trim();
        }
    }
    return null;
}
exports.firstError = firstError;
/** Cells carrying `tag` (with their 1-based index among all cells). */
function cellsWithTag(nb, tag) {
    const out = [];
    nb.cells.forEach((cell, i) => {
        if ((cell.metadata?.tags ?? []).includes(tag))
            out.push({ index: i + 1, cell });
    });
    return out;
}
exports.cellsWithTag = cellsWithTag;
function allTags(nb) {
    const tags = new Set();
    for (const c of nb.cells)
        for (const t of c.metadata?.tags ?? [])
            tags.add(t);
    return [...tags].sort();
}
exports.allTags = allTags;
/** The reference answer cell of exercise `id` (metadata.exercise.id). */
function solutionCell(nb, id) {
    return nb.cells.find((c) => c.metadata?.exercise?.id === id && c.cell_type === 'code') ??
        nb.cells.find((c) => c.metadata?.exercise?.id === id) ??
        null;
}
exports.solutionCell = solutionCell;
function exerciseIds(nb) {
    return [...new Set(nb.cells.map((c) => c.metadata?.exercise?.id).filter((x) => typeof x === 'string'))].sort();
}
exports.exerciseIds = exerciseIds;
