/**
 * The DisplaySink of the tslab kernel (JupyterLab): lib/figures/display.ts builds the MIME bundles, this
 * sends them as the running cell's display messages. Registered when this module loads (lib/index.ts loads it).
 *
 * tslab's public `display` sends one MIME type per output, so bundles go through the function its Jupyter
 * server installs for the running cell (`lastWriteDisplayData` of tslab/dist/jupyter.js, what its own
 * `display.raw` calls); if a tslab version lacked it, the richest type alone is sent through the public API.
 */
import { randomBytes } from 'crypto';
import type { Display } from 'tslab';
import { setDisplaySink, type DisplayOutput, type DisplaySink } from './display';

interface TslabModule {
  display: Display;
  newDisplay(): Display;
}

/** The content of a Jupyter display_data message (what tslab's display.raw builds). */
interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type WriteDisplayData = (content: DisplayContent, update: boolean) => void;

const JUPYTER_JS = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/** True inside the tslab kernel: its Jupyter server module is loaded in this process. */
export function isNotebook(): boolean {
  return Object.keys(require.cache).some((k) => JUPYTER_JS.test(k));
}

let tslabModule: TslabModule | undefined;

/** tslab's public module, or undefined outside the kernel (never loads tslab's TypeScript compiler in node). */
function tslab(): TslabModule | undefined {
  if (!isNotebook()) return undefined;
  if (tslabModule === undefined) {
    // Inside the kernel `require('tslab')` is hooked to the running kernel's own module (tslab executor.js).
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    tslabModule = require('tslab') as TslabModule;
  }
  return tslabModule;
}

/**
 * tslab's writer of display messages for the running cell (null between cells, as tslab's own display
 * finds it), or undefined when this tslab has no such export (then only the public one-type API is left).
 */
function writeDisplayData(): WriteDisplayData | null | undefined {
  const key = Object.keys(require.cache).find((k) => JUPYTER_JS.test(k));
  const exports = key ? (require.cache[key]?.exports as { lastWriteDisplayData?: unknown } | undefined) : undefined;
  if (!exports || !('lastWriteDisplayData' in exports)) return undefined;
  const w = exports.lastWriteDisplayData;
  return typeof w === 'function' ? (w as WriteDisplayData) : null;
}

function newOutput(t: TslabModule, live: boolean): DisplayOutput {
  const id = live ? randomBytes(8).toString('hex') : undefined;
  const display = live ? t.newDisplay() : t.display;
  let sent = false;
  return {
    send(data) {
      const write = writeDisplayData();
      if (write === null) throw new Error('display: tslab is not ready (no cell is running)');
      if (write) write({ data, metadata: {}, transient: id ? { display_id: id } : {} }, sent && id !== undefined);
      else {
        // The richest type alone, through tslab's public API (it passes non-string values through unchanged).
        const [type, value] = Object.entries(data)[0];
        (display.raw as (type: string, value: unknown) => void)(type, value);
      }
      sent = true;
    },
  };
}

/** The sink while a tslab kernel runs this process, else undefined (outputs become printed lines). */
function tslabSink(): DisplaySink | undefined {
  const t = tslab();
  return t ? { open: (live) => newOutput(t, live) } : undefined;
}

setDisplaySink(tslabSink);
