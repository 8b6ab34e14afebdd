/** What initBackend reports (Node: lib/backend/backend.ts; a browser: lib/backend/browser.ts), and its one line. */
import type { BackendName } from './kernel-fix';

export interface BackendInfo {
  /** The TF.js backend name that is active (`tf.getBackend()`). */
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  /** Human-readable specifics, e.g. 'SIMD, 1 thread' or 'libtensorflow 2.21.0, CPU, 2 threads, tfjs-node 4.22.0'. */
  detail: string;
}

/** One line for logs, the CLI and notebooks: "wasm (@tensorflow/tfjs-backend-wasm; SIMD, 1 thread)". */
export function describeBackend(info: BackendInfo): string {
  return `${info.name} (${info.package}; ${info.detail})`;
}
