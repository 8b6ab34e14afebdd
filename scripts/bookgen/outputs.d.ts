/// <reference types="node" />
/// <reference types="node" />
import { NotebookCell, NotebookOutput } from './notebooks';
export declare const PLOTLY_MIME = "application/vnd.plotly.v1+json";
export interface OutputContext {
    /** Where the outputs come from, for messages: "notebooks/01-autoencoder.ipynb". */
    notebook: string;
    /** Stable prefix for figure ids on this page, e.g. "fig-02-autoencoder". */
    figurePrefix: string;
    /** Figures rendered so far on this page (ids are prefix-1, prefix-2, …). */
    figureCount: number;
    /** Stores bytes as a book asset and returns its URL relative to the page. */
    asset(bytes: Buffer, ext: string): string;
}
export declare function renderOutputs(outputs: NotebookOutput[], ctx: OutputContext, cellIndex: number): string;
/** One notebook cell as the book shows it: caption, highlighted source, outputs. */
export declare function renderCell(cell: NotebookCell, index: number, ctx: OutputContext, notebookHref: string): string;
export declare function contentHash(bytes: Buffer): string;
