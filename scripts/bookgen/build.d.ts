import { Profile } from './notebooks';
export interface BuildOptions {
    /** Repository root (lib/, package-lock.json, node_modules/ are found here). */
    root: string;
    /** index.md (intro, book title) and the chapters NN-name.md, in filename order. */
    chaptersDir: string;
    /** The tslab notebooks named by {{notebook …}}; all of them are copied into the book for download. */
    notebooksDir: string;
    /** exercises/solutions: the reference answers shown by {{solution …}}. */
    solutionsDir: string;
    /** The published folder; the build happens in a sibling folder and replaces it only on success. */
    outDir: string;
    /** Executed notebooks, one file per (notebook, profile, cacheKey). */
    cacheDir: string;
    /** VAE_PROFILE for the notebooks: 'full' for the published book, 'quick' for tests. */
    profile: Profile;
    /** false = --no-execute: executed notebooks must already be in the cache. */
    execute: boolean;
    /** The project's venv Python, which has nbclient and the tslab kernel (npm run setup). */
    python: string;
    /** scripts/jupyter/execute_notebook.py, the one executor of the project. */
    executor: string;
    /** Seconds per cell passed to the executor. */
    cellTimeout: number;
    /** Progress messages (executions and their durations). */
    log: (msg: string) => void;
}
export declare function defaultOptions(root: string): BuildOptions;
export interface BuildResult {
    pages: string[];
    figures: number;
    executed: string[];
    cached: string[];
    /** Executed notebook used for each shown notebook (a file in the cache). */
    executedFiles: Record<string, string>;
}
/**
 * chapters/*.md + executed notebooks → a static book in one folder, in five phases: parse the chapters, check
 * their directives against the notebooks' sources, execute (or take from the cache) the notebooks whose cells
 * are shown, render the pages, then check every internal link and publish. Everything is built in a sibling
 * folder and swapped in with renames, so a failure at any step leaves the previous book untouched.
 */
export declare function buildBook(opts: BuildOptions): Promise<BuildResult>;
