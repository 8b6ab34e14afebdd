// Claims: a chapter's sentences that state results of an executed notebook, tied to that notebook's numbers by a
// predicate checked at build time. A writer adds one line after the sentence:
//
//   {{claim 04-training "the reference VAE's test −ELBO is at most 110 nats": testNegElbo <= 110}}
//   {{claim 06-beyond "the conv VAE's −ELBO is lower than the dense one's, beyond the noise": below(convNegElbo, denseNegElbo)}}
//
// The notebook shows its numbers with showResults({ testNegElbo, … }) (a JSON output, lib/figures/results.ts); the
// predicate is a JavaScript expression over those names and the helpers below. In the full profile a claim that
// does not hold fails the build, naming the chapter line, the claim, the notebook and the numbers it used. The quick
// profile (few digits, few epochs) evaluates every claim, so a typo still fails, but does not hold the book to them.
import type { Notebook } from './notebooks';
import { BookError } from './markdown';
import type { Profile } from './notebooks';
import { RESULTS_MIME } from '../../lib/figures/results';
import { higherBeyondNoise, lowerBeyondNoise, withinNoise } from '../../lib/figures/intervals';

export interface Claim {
  /** Where it is written, for messages: "chapters/04-training.md:123". */
  where: string;
  /** The notebook whose results it reads (name without .ipynb). */
  notebook: string;
  /** What it says, in words (the sentence it backs, shortened). */
  text: string;
  /** A JavaScript expression over the notebook's result names. */
  predicate: string;
}

export type Results = Record<string, unknown>;

/** The helpers a predicate may call, besides Math and the array methods. */
const HELPERS: Record<string, (...args: never[]) => unknown> = {
  first: (xs: readonly unknown[]) => xs[0],
  last: (xs: readonly unknown[]) => xs[xs.length - 1],
  min: (xs: readonly number[]) => Math.min(...xs),
  max: (xs: readonly number[]) => Math.max(...xs),
  mean: (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length,
  /** Each element ≤ the one before it. */
  nonIncreasing: (xs: readonly number[]) => xs.every((x, i) => i === 0 || x <= xs[i - 1]),
  /** Each element ≥ the one before it. */
  nonDecreasing: (xs: readonly number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]),
  /** Each element < the one before it. */
  decreasing: (xs: readonly number[]) => xs.every((x, i) => i === 0 || x < xs[i - 1]),
  /** Each element > the one before it. */
  increasing: (xs: readonly number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]),
  // Comparisons of numbers measured over seeds ({ mean, sd, n }, or plain numbers), lib/figures/intervals.ts:
  // a sentence saying one model beats another needs intervals mean ± sd that do not overlap.
  /** a's interval lies wholly below b's. */
  below: lowerBeyondNoise,
  /** a's interval lies wholly above b's. */
  above: higherBeyondNoise,
  /** The intervals overlap: the seeds do not tell a and b apart. */
  withinNoise,
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Every result an executed notebook showed: the union of its JSON outputs. A name shown twice with different
 * values is an error (a claim must not depend on which one it reads).
 */
export function notebookResults(nb: Notebook, label: string): Results {
  const out: Results = {};
  nb.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      const value = o.data?.[RESULTS_MIME];
      if (value === undefined) continue;
      const obj = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
        throw new BookError(`${label}: cell ${i + 1}: a results output must be a JSON object`);
      }
      for (const [k, v] of Object.entries(obj as Results)) {
        if (k in out && JSON.stringify(out[k]) !== JSON.stringify(v)) {
          throw new BookError(`${label}: cell ${i + 1}: result "${k}" is shown twice with different values`);
        }
        out[k] = v;
      }
    }
  });
  return out;
}

/** The predicate as a function of (results, helpers); a syntax error fails at once, naming the claim. */
function compile(claim: Claim, names: string[]): (...args: unknown[]) => unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function(...names, ...Object.keys(HELPERS), `"use strict"; return (${claim.predicate});`) as (...args: unknown[]) => unknown;
  } catch (e) {
    throw new BookError(`${claim.where}: claim "${claim.text}": the predicate does not parse: ${(e as Error).message}`);
  }
}

/** Checks a claim's syntax before any notebook runs. */
export function checkClaimSyntax(claim: Claim): void {
  compile(claim, []);
}

/** A value for a message: numbers to 4 significant digits, arrays and objects as compact JSON. */
function show(v: unknown): string {
  const round = (x: unknown): unknown =>
    typeof x === 'number' ? (Number.isInteger(x) ? x : Number(x.toPrecision(4))) : Array.isArray(x) ? x.map(round) : x;
  const s = JSON.stringify(round(v));
  return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 297)}…` : s;
}

/** The result names a predicate mentions, with their values: "negElbo = 108.2, iwaeNll = 103.1". */
export function mentionedValues(predicate: string, results: Results): string {
  const names = [...new Set(predicate.match(/[A-Za-z_$][\w$]*/g) ?? [])].filter((n) => Object.prototype.hasOwnProperty.call(results, n));
  return names.map((n) => `${n} = ${show(results[n])}`).join(', ');
}

export interface ClaimOutcome {
  claim: Claim;
  holds: boolean;
  /** "negElbo = 108.2, iwaeNll = 103.1" */
  values: string;
}

/** Evaluates one claim against its notebook's results; unknown names and thrown errors fail in every profile. */
export function evaluateClaim(claim: Claim, results: Results, notebookLabel: string): ClaimOutcome {
  const names = Object.keys(results).filter((k) => IDENTIFIER.test(k) && !(k in HELPERS));
  const fn = compile(claim, names);
  let value: unknown;
  try {
    value = fn(...names.map((n) => results[n]), ...Object.values(HELPERS));
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = e instanceof ReferenceError ? /^(\S+) is not defined/.exec(msg)?.[1] : undefined;
    throw new BookError(
      unknown
        ? `${claim.where}: claim "${claim.text}": ${notebookLabel} shows no result "${unknown}" (its results: ${names.join(', ') || 'none'})`
        : `${claim.where}: claim "${claim.text}": evaluating \`${claim.predicate}\` against ${notebookLabel} failed: ${msg}`,
    );
  }
  if (typeof value !== 'boolean') {
    throw new BookError(`${claim.where}: claim "${claim.text}": \`${claim.predicate}\` gave ${show(value)}, not true or false`);
  }
  return { claim, holds: value, values: mentionedValues(claim.predicate, results) };
}

export interface ClaimsReport {
  /** Claims evaluated and held to (full profile). */
  checked: number;
  /** Claims evaluated but not held to (quick profile), and how many of them would have failed. */
  skipped: number;
  wouldFail: number;
}

/**
 * Evaluates every claim against the results of its executed notebook. Full profile: all must hold, else one
 * BookError lists every claim that does not, with its notebook and numbers. Quick profile: evaluated (unknown
 * names and bad predicates still fail) but not enforced, and the log says so.
 */
export function checkClaims(
  claims: Claim[], executed: Map<string, Notebook>, profile: Profile, log: (msg: string) => void,
): ClaimsReport {
  const resultsOf = new Map<string, Results>();
  const failures: string[] = [];
  for (const claim of claims) {
    const label = `notebooks/${claim.notebook}.ipynb`;
    const nb = executed.get(claim.notebook);
    if (!nb) throw new BookError(`${claim.where}: claim "${claim.text}": notebook ${label} was not executed`);
    if (!resultsOf.has(claim.notebook)) resultsOf.set(claim.notebook, notebookResults(nb, label));
    const outcome = evaluateClaim(claim, resultsOf.get(claim.notebook)!, label);
    if (!outcome.holds) {
      failures.push(`${claim.where}: claim "${claim.text}" does not hold in ${label} (${profile} profile): \`${claim.predicate}\` is false with ${outcome.values || 'no results named'}`);
    }
  }
  if (profile === 'full') {
    if (failures.length) throw new BookError(`${failures.length} of ${claims.length} claims do not hold:\n${failures.join('\n')}`);
    if (claims.length) log(`claims: all ${claims.length} hold against the notebooks' outputs`);
    return { checked: claims.length, skipped: 0, wouldFail: 0 };
  }
  if (claims.length) {
    log(
      `claims: ${claims.length} not held to in the ${profile} profile (few digits, few epochs); they were evaluated, ` +
        `${failures.length} would fail. The full profile (npm run book) enforces them.`,
    );
  }
  return { checked: 0, skipped: claims.length, wouldFail: failures.length };
}
