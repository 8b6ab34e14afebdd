/**
 * The numbers a notebook's text is checked against. `showResults({ testNegElbo, activeUnits, … })` shows them as
 * one JSON output (MIME application/json: JupyterLab draws a collapsible tree), and the book build reads every
 * such output of an executed notebook: a chapter's `{{claim NOTEBOOK "…": PREDICATE}}` line states a predicate
 * over these names, and the full-profile build fails when it does not hold (scripts/bookgen/claims.ts).
 * Outside a notebook (no DisplaySink, lib/figures/display.ts) it prints the JSON on one line.
 */
import { displaySink } from './display';
import type { MeanSd } from './intervals';

/** A result: a number, a string, a boolean, a mean ± sd over seeds, or an array or object of them. */
export type ResultValue = number | string | boolean | null | MeanSd | readonly ResultValue[] | { readonly [key: string]: ResultValue };

/** The MIME type of the results output (the build reads it back). */
export const RESULTS_MIME = 'application/json';

const NAME = /^[A-Za-z_$][\w$]*$/;

/** Typed arrays become plain arrays, and numbers that are not finite are an error (JSON would make them null). */
function plain(name: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>).map((x) => plain(name, x));
  if (Array.isArray(v)) return v.map((x) => plain(name, x));
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`showResults: result "${name}" is ${v}, not a finite number`);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(`${name}.${k}`, x)]));
  return v;
}

/**
 * Shows named results below the cell, for the reader and for the book's claims. Names must be JavaScript
 * identifiers (a predicate uses them as variables); numbers must be finite.
 */
export function showResults(results: Record<string, ResultValue | Float32Array | Float64Array | Int32Array | Uint8Array>): void {
  if (results === null || typeof results !== 'object' || Array.isArray(results)) throw new Error('showResults: expected an object of named results');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(results)) {
    if (!NAME.test(k)) throw new Error(`showResults: result name "${k}" is not an identifier (letters, digits, _ and $, not starting with a digit)`);
    out[k] = plain(k, v);
  }
  const sink = displaySink();
  if (sink) {
    sink.open(false).send({ [RESULTS_MIME]: out });
  } else {
    console.log(`results: ${JSON.stringify(out)}`);
  }
}
