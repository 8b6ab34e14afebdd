/**
 * A number measured over several seeds, as the book reports it: mean ± sample standard deviation, and n.
 * A comparison the prose draws ("the conv VAE beats the dense one") is read against these intervals: one value
 * is below another *beyond the noise* when the intervals mean ± sd do not overlap, and *within the noise* when
 * they do. The book's claim lines (scripts/bookgen/claims.ts) use the same three predicates, so a sentence that
 * says one model beats another fails the full build when the seeds do not back it. Browser-safe, no tensors.
 */

/**
 * Mean, sample standard deviation (n − 1 in the denominator; 0 for n = 1) and count of a measured number. A type,
 * not an interface, so that records of them are plain JSON results (showResults).
 */
export type MeanSd = {
  mean: number;
  sd: number;
  n: number;
};

/** What the interval predicates accept: a summary, or a plain number (an exact value, sd 0). */
export type Interval = MeanSd | number;

/** mean ± sd of `values` (finite numbers, at least one); a single value has sd 0. */
export function summarize(values: readonly number[]): MeanSd {
  if (!Array.isArray(values) || values.length === 0) throw new Error('summarize: expected at least one value');
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`summarize: value ${i} is ${String(v)}, not a finite number`);
  });
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}

/** Index by index: the summary of the i-th values of every run (a curve over epochs, one per seed); equal lengths. */
export function summarizeEach(runs: readonly (readonly number[])[]): MeanSd[] {
  if (runs.length === 0) throw new Error('summarizeEach: expected at least one run');
  const len = runs[0].length;
  runs.forEach((r, i) => {
    if (r.length !== len) throw new Error(`summarizeEach: run ${i} has ${r.length} values, run 0 has ${len}`);
  });
  return Array.from({ length: len }, (_, j) => summarize(runs.map((r) => r[j])));
}

/** Key by key: the summary of each named number over the runs (every run must have the same keys). */
export function summarizeRecords<K extends string>(runs: readonly Record<K, number>[]): Record<K, MeanSd> {
  if (runs.length === 0) throw new Error('summarizeRecords: expected at least one run');
  const keys = Object.keys(runs[0]) as K[];
  runs.forEach((r, i) => {
    const missing = keys.filter((k) => !(k in r));
    if (missing.length || Object.keys(r).length !== keys.length) {
      throw new Error(`summarizeRecords: run ${i} has keys [${Object.keys(r).join(', ')}], run 0 has [${keys.join(', ')}]`);
    }
  });
  return Object.fromEntries(keys.map((k) => [k, summarize(runs.map((r) => r[k]))])) as Record<K, MeanSd>;
}

/** True for an object { mean, sd, n } of finite numbers with sd ≥ 0. */
export function isMeanSd(v: unknown): v is MeanSd {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return [o.mean, o.sd, o.n].every((x) => typeof x === 'number' && Number.isFinite(x)) && (o.sd as number) >= 0;
}

function asInterval(v: Interval, where: string): [number, number] {
  if (typeof v === 'number' && Number.isFinite(v)) return [v, v];
  if (isMeanSd(v)) return [v.mean - v.sd, v.mean + v.sd];
  throw new Error(`${where}: expected a number or { mean, sd, n }, got ${JSON.stringify(v)}`);
}

/** a is below b beyond the noise: a's mean + sd is under b's mean − sd (lower loss, fewer errors). */
export function lowerBeyondNoise(a: Interval, b: Interval): boolean {
  return asInterval(a, 'lowerBeyondNoise')[1] < asInterval(b, 'lowerBeyondNoise')[0];
}

/** a is above b beyond the noise: a's mean − sd is over b's mean + sd (higher accuracy, more active units). */
export function higherBeyondNoise(a: Interval, b: Interval): boolean {
  return lowerBeyondNoise(b, a);
}

/** The intervals mean ± sd of a and b overlap: the seeds do not tell them apart. */
export function withinNoise(a: Interval, b: Interval): boolean {
  const [a0, a1] = asInterval(a, 'withinNoise');
  const [b0, b1] = asInterval(b, 'withinNoise');
  return a0 <= b1 && b0 <= a1;
}

/** "112.64 ± 0.31" (n is said once, in a caption or a column, not in every cell). */
export function formatMeanSd(v: MeanSd, digits = 2): string {
  return v.n < 2 ? v.mean.toFixed(digits) : `${v.mean.toFixed(digits)} ± ${v.sd.toFixed(digits)}`;
}
