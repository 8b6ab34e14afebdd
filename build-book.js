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
exports.parseArgs = void 0;
// npm run book [-- --profile quick|full] [--no-execute] [--out DIR] [--chapters DIR] [--notebooks DIR]
//              [--solutions DIR] [--cache DIR] [--timeout SECONDS]
// Builds the static book from chapters/*.md and the executed notebooks; see scripts/bookgen/build.ts.
const path = __importStar(require("node:path"));
const node_util_1 = require("node:util");
const profile_1 = require("./lib/training/profile");
const build_1 = require("./scripts/bookgen/build");
const markdown_1 = require("./scripts/bookgen/markdown");
const USAGE = `usage: npm run book -- [--profile quick|full] [--no-execute] [--out DIR] [--chapters DIR]
       [--notebooks DIR] [--solutions DIR] [--cache DIR] [--timeout SECONDS]
  --profile     VAE_PROFILE passed to the notebooks (default full; cached per profile)
  --no-execute  use cached executions only; fail naming any notebook whose cache is missing
  --out         output folder (default book); built beside it, then swapped in
  --chapters, --notebooks, --solutions, --cache   inputs (defaults chapters, notebooks, exercises/solutions,
                .cache/notebooks)
  --timeout     seconds per notebook cell (default 900)`;
function parseArgs(argv, root) {
    const opts = (0, build_1.defaultOptions)(root);
    let parsed;
    try {
        parsed = (0, node_util_1.parseArgs)({
            args: argv,
            options: {
                profile: { type: 'string' },
                'no-execute': { type: 'boolean' },
                out: { type: 'string' },
                chapters: { type: 'string' },
                notebooks: { type: 'string' },
                solutions: { type: 'string' },
                cache: { type: 'string' },
                timeout: { type: 'string' },
                help: { type: 'boolean', short: 'h' },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    }
    catch (e) {
        throw new markdown_1.BookError(`${e.message}\n${USAGE}`);
    }
    if (parsed.help) {
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
    }
    if (parsed.profile !== undefined) {
        try {
            opts.profile = (0, profile_1.parseProfile)(parsed.profile, '--profile');
        }
        catch (e) {
            throw new markdown_1.BookError(e.message);
        }
    }
    if (parsed['no-execute'])
        opts.execute = false;
    if (parsed.out !== undefined)
        opts.outDir = path.resolve(parsed.out);
    if (parsed.chapters !== undefined)
        opts.chaptersDir = path.resolve(parsed.chapters);
    if (parsed.notebooks !== undefined)
        opts.notebooksDir = path.resolve(parsed.notebooks);
    if (parsed.solutions !== undefined)
        opts.solutionsDir = path.resolve(parsed.solutions);
    if (parsed.cache !== undefined)
        opts.cacheDir = path.resolve(parsed.cache);
    if (parsed.timeout !== undefined) {
        const v = Number(parsed.timeout);
        if (!(v > 0))
            throw new markdown_1.BookError(`--timeout must be a positive number of seconds`);
        opts.cellTimeout = v;
    }
    return opts;
}
exports.parseArgs = parseArgs;
async function main() {
    const root = path.resolve(__dirname);
    const started = Date.now();
    try {
        const opts = parseArgs(process.argv.slice(2), root);
        const r = await (0, build_1.buildBook)(opts);
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(`book: ${r.pages.length} pages, ${r.figures} figures → ${path.relative(process.cwd(), opts.outDir) || '.'}/ ` +
            `(profile ${opts.profile}; executed: ${r.executed.join(', ') || 'none'}; cached: ${r.cached.join(', ') || 'none'}; ${secs} s)\n`);
    }
    catch (e) {
        if (e instanceof markdown_1.BookError) {
            process.stderr.write(`book: error: ${e.message}\n`);
            process.exit(1);
        }
        throw e;
    }
}
if (require.main === module)
    void main();
