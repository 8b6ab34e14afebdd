/** The messages between the kernel in the page (extension.ts) and its Web Worker (worker.ts). */

/** Page → worker. */
export type ToWorker =
  | { type: 'init'; baseUrl: string; profile: string; interruptFlag?: SharedArrayBuffer }
  | { type: 'execute'; id: number; code: string }
  | { type: 'interrupt' };

/** A Jupyter MIME bundle with its metadata and display id. */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** Worker → page. */
export type FromWorker =
  | { type: 'ready'; banner: string }
  | { type: 'init-error'; message: string }
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display_data'; content: DisplayContent }
  | { type: 'update_display_data'; content: DisplayContent }
  | { type: 'result'; id: number; data: Record<string, unknown> }
  | { type: 'reply'; id: number; status: 'ok' }
  | { type: 'reply'; id: number; status: 'error'; ename: string; evalue: string; traceback: string[] };
