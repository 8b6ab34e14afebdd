/// <reference types="node" />
/// <reference types="node" />
import { BuildOptions, BuildResult } from '../scripts/bookgen/build';
export declare const ROOT: string;
export declare const FIXTURE: string;
export declare const QUICK_BOOK: string;
export declare function tmpDir(label: string): string;
/** Options for building the mini-book fixture: its own chapters, notebooks, solutions and a private cache. */
export declare function fixtureOptions(outDir: string, cacheDir: string, over?: Partial<BuildOptions>): BuildOptions;
/** Puts the hand-made executed copy of fixture notebook `name` into the cache where the build will look for it. */
export declare function seedCache(cacheDir: string, name: string, notebooksDir?: string): string;
/** Every file under dir (sorted, '/'-separated) → its bytes. */
export declare function snapshot(dir: string): Map<string, Buffer>;
/** The executor and its tslab kernel, as `npm run setup` installs them. */
export declare function executorAvailable(): boolean;
/**
 * The real book (chapters/, notebooks/, exercises/solutions/) in the quick profile, executed by the real kernel
 * and cached in .cache/notebooks like `npm run book -- --profile quick`, built once per test process.
 */
export declare function buildQuickBook(): Promise<BuildResult>;
/** A static file server for `dir` on 127.0.0.1 (any free port); 404 for anything else. */
export declare function serve(dir: string): Promise<{
    origin: string;
    close: () => Promise<void>;
}>;
export interface LinkProblem {
    page: string;
    ref: string;
    problem: string;
}
/**
 * Every href/src in every HTML page and every url() in every stylesheet must name a file of the book, and every
 * #anchor an id on the target page. External http(s) links are allowed only in <a href> (a reader's click, not a
 * request the page makes); anything the page itself would load must be local.
 */
export declare function checkLinks(bookDir: string): {
    problems: LinkProblem[];
    checked: number;
};
