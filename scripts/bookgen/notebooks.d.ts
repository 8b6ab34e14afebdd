import type { Profile } from '../../lib/training/profile';
export type { Profile };
export interface NotebookOutput {
    output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | 'update_display_data';
    name?: string;
    text?: string | string[];
    data?: Record<string, unknown>;
    metadata?: Record<string, unknown>;
    ename?: string;
    evalue?: string;
    traceback?: string[];
}
export interface NotebookCell {
    cell_type: 'code' | 'markdown' | 'raw';
    source: string | string[];
    metadata: {
        tags?: string[];
        exercise?: {
            id?: string;
            points?: number;
        };
        [k: string]: unknown;
    };
    outputs?: NotebookOutput[];
}
export interface Notebook {
    cells: NotebookCell[];
    metadata: Record<string, unknown>;
    nbformat: number;
    nbformat_minor: number;
}
export declare function joinSource(s: string | string[] | undefined): string;
export declare function readNotebook(file: string): Notebook;
export interface CacheInputs {
    /** Repository root: lib/*.ts, package-lock.json and requirements.txt are read from here. */
    root: string;
    notebookFile: string;
    profile: Profile;
}
/**
 * The cache key of an executed notebook: sha256 over the notebook bytes, every source file under lib/ (name +
 * bytes, sorted), package-lock.json, requirements.txt and the profile. Anything else (chapters, the book's CSS)
 * does not change what a cell prints, so editing prose never re-runs training.
 */
export declare function cacheKey(inputs: CacheInputs): string;
export declare function cachePath(cacheDir: string, name: string, key: string, profile: Profile): string;
/** The folder where the run that made `executedFile` saved its models (saveBookModel, VAE_MODELS_DIR). */
export declare function modelsDirOf(executedFile: string): string;
/** Removes older executions of the same notebook and profile (each edit of lib/ would otherwise leave one behind). */
export declare function pruneCache(cacheDir: string, name: string, profile: Profile, keep: string): void;
export interface ExecuteOptions {
    root: string;
    python: string;
    executor: string;
    profile: Profile;
    /** Seconds per cell. */
    timeout: number;
    log: (msg: string) => void;
}
/**
 * Runs the executor on `file`, writing the executed notebook to `outFile` (via a temporary file, so a crash never
 * leaves a half-written cache entry). A failing cell → BookError "notebooks/x.ipynb: cell 7 (tag): Error: …".
 */
export declare function executeNotebook(file: string, outFile: string, opts: ExecuteOptions): void;
/** The first error output of an executed notebook, if any ("cell 7 (tag): Error: …"): a cached error fails the build too. */
export declare function firstError(nb: Notebook): string | null;
/** Cells carrying `tag` (with their 1-based index among all cells). */
export declare function cellsWithTag(nb: Notebook, tag: string): {
    index: number;
    cell: NotebookCell;
}[];
export declare function allTags(nb: Notebook): string[];
/** The reference answer cell of exercise `id` (metadata.exercise.id). */
export declare function solutionCell(nb: Notebook, id: string): NotebookCell | null;
export declare function exerciseIds(nb: Notebook): string[];
