/**
 * The machinery behind lib/coursework/check.ts: run a student's function on reference
 * cases, keep what it threw, compare numbers with tolerances, and print a
 * readable report. Every case runs inside its own tf scope, so whatever the
 * student's code allocates is released (no tensor outlives a check).
 */
import * as tf from '@tensorflow/tfjs';
import type { Answer, StudentErrorInfo, SweepRow } from './protocol';

export type { StudentErrorInfo } from './protocol';

export interface CaseResult {
  /** What the case tests, e.g. 'zero noise gives the mean'. */
  name: string;
  passed: boolean;
  /** The reference value (formatted), when the case compares values. */
  expected?: string;
  /** What the student's code returned (formatted). */
  got?: string;
  /** What is probably wrong and where to look. */
  hint?: string;
  /** The exception the student's code threw in this case. */
  error?: StudentErrorInfo;
  /** A case that compares with the reference on drawn inputs (see CheckRun.core). */
  core?: true;
}

export interface CheckResult {
  /** Exercise id (lib/coursework/exercises/<id>.ts). */
  id: string;
  /** Exercise title. */
  title: string;
  /** Number of cases passed. */
  passed: number;
  /** Number of cases. */
  total: number;
  /** True when every case passed. */
  ok: boolean;
  /** Points earned, points × passed / total, when the exercise carries points. */
  points?: number;
  /** Points available. */
  maxPoints?: number;
  cases: CaseResult[];
  /** Advisory notes that do not change the score (e.g. the answer calls the library's own implementation). */
  warnings?: string[];
  /** True when the check has core cases and none passed: the answer earns no points (see CheckRun.core). */
  gated?: true;
}

/** The outcome a case body reports; failures say what was expected and what came back. */
export interface Outcome {
  passed: boolean;
  expected?: string;
  got?: string;
  hint?: string;
}

export const PASS: Outcome = { passed: true };

export function fail(expected: string | undefined, got: string | undefined, hint?: string): Outcome {
  return { passed: false, expected, got, hint };
}

/** Thrown (internally) when the student's function throws; carries the original error. */
export class StudentFailure extends Error {
  constructor(readonly info: StudentErrorInfo) {
    super(info.message);
  }
}

/** A check-side problem that is the student's fault but not an exception (e.g. a wrong return type). */
export class WrongAnswer extends Error {
  constructor(
    message: string,
    readonly got?: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** An error raised while evaluating the student's result (not by the student's code), as recorded where it ran. */
export class EvaluationFailure extends Error {
  constructor(readonly info: StudentErrorInfo) {
    super(info.message);
  }
}

export function describeError(e: unknown): StudentErrorInfo {
  if (e instanceof EvaluationFailure) return e.info;
  if (e instanceof Error) {
    const at = (e.stack ?? '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('at '));
    return { message: `${e.name}: ${e.message}`, ...(at ? { at } : {}) };
  }
  return { message: `thrown value: ${String(e)}` };
}

/**
 * Calls the student's function. Its exceptions become StudentFailure (so the
 * report shows them as the student's, not the checker's); a Promise is
 * refused because every exercise function is synchronous tensor code.
 */
export function callStudent<R>(name: string, fn: (...args: never[]) => R, ...args: unknown[]): R {
  let out: R;
  try {
    out = (fn as unknown as (...a: unknown[]) => R)(...args);
  } catch (e) {
    throw new StudentFailure(describeError(e));
  }
  if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
    throw new WrongAnswer(`${name} returned a Promise`, 'a Promise', `${name} must be synchronous: remove async/await`);
  }
  return out;
}

/**
 * The value of an answer (lib/coursework/protocol.ts), or the exception that
 * stands for what went wrong, so a judge's case body reads like a direct call.
 */
export function unwrap<R>(a: Answer<R>): R {
  if ('value' in a) return a.value;
  if ('threw' in a) throw new StudentFailure(a.threw);
  if ('wrong' in a) throw new WrongAnswer(a.wrong.got, a.wrong.got, a.wrong.hint);
  throw new EvaluationFailure(a.failed);
}

function isTensor(v: unknown): v is tf.Tensor {
  // Duck-typed: a notebook could load a second copy of tfjs whose Tensor class differs.
  return v instanceof tf.Tensor || (v !== null && typeof v === 'object' && 'dataSync' in v && 'shape' in v && 'dtype' in v);
}

/** The shape and values of a returned tensor, or a WrongAnswer naming what came back instead. */
export function readTensor(what: string, v: unknown): { shape: number[]; values: number[] } {
  if (!isTensor(v)) throw new WrongAnswer(`${what} is not a tf.Tensor`, describeValue(v), `return a tf.Tensor (built with tf ops), not ${kindOf(v)}`);
  if ((v as tf.Tensor).isDisposed) {
    throw new WrongAnswer(`${what} was already disposed`, 'a disposed tensor', 'do not dispose the tensor you return (tf.tidy returns it intact)');
  }
  return { shape: [...v.shape], values: Array.from(v.dataSync()) };
}

/** A plain numeric vector (number[] or a typed array) or a WrongAnswer. */
export function readVector(what: string, v: unknown): number[] {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const arr = Array.from(v as ArrayLike<unknown>);
    if (arr.every((x) => typeof x === 'number')) return arr as number[];
  }
  if (isTensor(v)) throw new WrongAnswer(`${what} is a tf.Tensor`, describeValue(v), 'return a plain number[] (or Float32Array), e.g. with Array.from(t.dataSync())');
  throw new WrongAnswer(`${what} is not an array of numbers`, describeValue(v), 'return a number[] (or Float32Array)');
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'undefined (did you forget `return`?)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return 'a typed array';
  return `a ${typeof v}`;
}

export function describeValue(v: unknown): string {
  if (isTensor(v)) return `tf.Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return fmtValues(Array.from(v as ArrayLike<number>));
  if (typeof v === 'number') return fmtNum(v);
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object with keys {${Object.keys(v as object).join(', ')}}`;
  return `${typeof v} ${String(v).slice(0, 40)}`;
}

export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s = a >= 1e5 || a < 1e-4 ? x.toExponential(3) : Number(x.toPrecision(5)).toString();
  return s;
}

export function fmtValues(v: ArrayLike<number>, max = 6): string {
  const shown = Array.from(v).slice(0, max).map(fmtNum).join(', ');
  return v.length > max ? `[${shown}, … (${v.length} values)]` : `[${shown}]`;
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** |got − expected| ≤ atol + rtol·|expected| elementwise; NaN never matches. */
export function allClose(expected: ArrayLike<number>, got: ArrayLike<number>, rtol = 1e-4, atol = 1e-4): boolean {
  if (expected.length !== got.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const g = got[i];
    if (!Number.isFinite(g) && !(g === e)) return false;
    if (Math.abs(g - e) > atol + rtol * Math.abs(e)) return false;
  }
  return true;
}

/** The first alternative (a common mistake computed exactly) that `got` matches, or undefined. */
export function diagnose(
  got: ArrayLike<number>,
  alternatives: { values: ArrayLike<number>; hint: string }[],
  rtol = 1e-3,
  atol = 1e-3,
): string | undefined {
  for (const alt of alternatives) {
    if (alt.values.length === got.length && allClose(alt.values, got, rtol, atol)) return alt.hint;
  }
  return undefined;
}

/** Compares values (shapes first) and returns a failing Outcome with a diagnosis, or PASS. */
export function compareTensor(
  expected: { shape: number[]; values: number[] },
  got: { shape: number[]; values: number[] },
  opts: { rtol?: number; atol?: number; shapeHint?: (got: number[]) => string | undefined; alternatives?: { values: ArrayLike<number>; hint: string }[]; hint?: string } = {},
): Outcome {
  const sameShape = expected.shape.length === got.shape.length && expected.shape.every((d, i) => d === got.shape[i]);
  if (!sameShape) {
    return fail(`shape ${fmtShape(expected.shape)}`, `shape ${fmtShape(got.shape)}`, opts.shapeHint?.(got.shape) ?? opts.hint);
  }
  if (allClose(expected.values, got.values, opts.rtol, opts.atol)) return PASS;
  const nonFinite = got.values.some((g) => !Number.isFinite(g));
  const hint = diagnose(got.values, opts.alternatives ?? []) ?? (nonFinite ? undefined : opts.hint);
  return fail(fmtValues(expected.values), fmtValues(got.values), hint ?? (nonFinite ? 'the result has NaN or ±Infinity' : opts.hint));
}

/** Collects the cases of one check and turns them into a CheckResult. */
export class CheckRun {
  readonly cases: CaseResult[] = [];
  readonly warnings: string[] = [];

  constructor(
    readonly id: string,
    readonly title: string,
    /** The exercise's points (lib/coursework/exercises/<id>.ts), unless the options give others. */
    readonly points?: number,
  ) {}

  /**
   * Runs one case inside a tf scope. `body` returns an Outcome; a
   * StudentFailure becomes a failed case that shows the student's error;
   * a WrongAnswer becomes a failed case with its hint.
   */
  /**
   * A core case: the answer against the reference on inputs drawn from the
   * check's Rng (for the grader, a seed the kernel never sees). An answer that
   * passes no core case earns no points, whatever else it passes: the other
   * cases test edges and properties (zero KL at the prior, a shape, a sign)
   * that a constant or a forged answer can meet without computing anything.
   */
  core(name: string, body: () => Outcome, hintOnError?: (e: StudentErrorInfo) => string | undefined): void {
    this.case(name, body, hintOnError);
    this.cases[this.cases.length - 1].core = true;
  }

  case(name: string, body: () => Outcome, hintOnError?: (e: StudentErrorInfo) => string | undefined): void {
    let outcome: Outcome | undefined;
    let error: StudentErrorInfo | undefined;
    try {
      tf.tidy(() => {
        outcome = body();
      });
    } catch (e) {
      if (e instanceof StudentFailure) {
        error = e.info;
        outcome = fail(undefined, undefined, hintOnError?.(e.info) ?? errorHint(e.info));
      } else if (e instanceof WrongAnswer) {
        outcome = fail(undefined, e.got ?? e.message, e.hint ?? e.message);
      } else {
        // A tf error raised by the check on the student's result (a gradient that cannot be
        // computed, an op on a wrongly shaped result) is about the answer, but it is not the
        // student's exception: report it as what came back.
        const info = describeError(e);
        const got = /Cannot compute gradient/.test(info.message) ? 'no gradient (tf.grad finds no path from this input to the output)' : info.message;
        outcome = fail(undefined, got, hintOnError?.(info) ?? errorHint(info));
      }
    }
    const o = outcome ?? fail(undefined, undefined, 'internal: the case reported nothing');
    const c: CaseResult = { name, passed: o.passed };
    if (!o.passed) {
      if (o.expected !== undefined) c.expected = o.expected;
      if (o.got !== undefined) c.got = o.got;
      if (o.hint !== undefined) c.hint = o.hint;
      if (error) c.error = error;
    }
    this.cases.push(c);
  }

  result(points?: number): CheckResult {
    const passed = this.cases.filter((c) => c.passed).length;
    const total = this.cases.length;
    const r: CheckResult = { id: this.id, title: this.title, passed, total, ok: total > 0 && passed === total, cases: this.cases };
    if (this.warnings.length > 0) r.warnings = [...this.warnings];
    const core = this.cases.filter((c) => c.core);
    if (core.length > 0 && !core.some((c) => c.passed)) r.gated = true;
    if (points !== undefined) {
      r.maxPoints = points;
      r.points = total === 0 || r.gated ? 0 : Math.round((points * passed * 100) / total) / 100;
    }
    return r;
  }
}

function errorHint(info: StudentErrorInfo): string | undefined {
  if (/TODO/.test(info.message)) return 'the stub still throws: replace it with your implementation';
  if (/Cannot compute gradient/.test(info.message)) {
    return 'the output is not connected to the inputs in the gradient graph: compute it with tf ops on the inputs (no dataSync/arraySync/tf.tensor of copied numbers)';
  }
  if (/shape|Shape|broadcast/.test(info.message)) return 'a tf op got tensors of incompatible shapes: check the axes you reduce over and the shapes you combine';
  return undefined;
}

/** A readable report of one check, one line per case (plain text; tslab shows console output as is). */
export function formatResult(r: CheckResult): string {
  const lines: string[] = [];
  const score = r.maxPoints !== undefined ? `, ${fmtNum(r.points ?? 0)}/${fmtNum(r.maxPoints)} points` : '';
  lines.push(`${r.ok ? '✔' : '✘'} ${r.id}: ${r.title}: ${r.passed}/${r.total} cases passed${score}`);
  for (const w of r.warnings ?? []) lines.push(`  ⚠ ${w}`);
  if (r.gated && r.passed > 0) lines.push(`  no case against the reference (marked ★) passed, so the others earn no points`);
  const errors = r.cases.map((c) => c.error?.message);
  const sameError = r.total > 1 && errors.every((m) => m !== undefined && m === errors[0]);
  if (sameError) {
    const c = r.cases[0];
    lines.push(`    every case threw ${c.error?.message}${c.error?.at ? `\n      ${c.error.at}` : ''}`);
    if (c.hint) lines.push(`    hint: ${c.hint}`);
    return lines.join('\n');
  }
  for (const c of r.cases) {
    lines.push(`  ${c.passed ? '✓' : '✗'} ${c.core ? '★ ' : ''}${c.name}`);
    if (c.passed) continue;
    if (c.error) lines.push(`      threw ${c.error.message}${c.error.at ? `\n        ${c.error.at}` : ''}`);
    if (c.expected !== undefined) lines.push(`      expected ${c.expected}`);
    if (c.got !== undefined) lines.push(`      got      ${c.got}`);
    if (c.hint) lines.push(`      hint: ${c.hint}`);
  }
  return lines.join('\n');
}

export interface CheckOptions {
  /** Print nothing (the grader collects the returned result instead). */
  quiet?: boolean;
  /** Points of the exercise (default: its module's, lib/coursework/exercises/<id>.ts). */
  points?: number;
}

export function finish(run: CheckRun, opts: CheckOptions): CheckResult {
  const result = run.result(opts.points ?? run.points);
  if (!opts.quiet) console.log(formatResult(result));
  // A notebook shows the value of a cell's last expression; the report is already printed, so the
  // returned result shows as one line there (non-enumerable: JSON and the grader do not see it).
  const summary = `CheckResult ${result.id}: ${result.passed}/${result.total} cases passed${result.maxPoints !== undefined ? `, ${result.points}/${result.maxPoints} points` : ''}`;
  Object.defineProperty(result, Symbol.for('nodejs.util.inspect.custom'), { value: () => summary, enumerable: false });
  return result;
}

/** What a judge may know besides the answers. */
export interface JudgeContext {
  /** The latent size the β sweep's models have (active units are at most this). */
  latentDim?: number;
  /** The grader's own β-sweep rows for the probe's β values (models trained as the exercise prescribes). */
  reference?: SweepRow[];
}

/**
 * A check split in two (issue 14): the probes to run the student's function on,
 * and a judge that turns the answers (one per probe, in order) into cases. The
 * inline check answers the probes itself; the grader sends them to the
 * student's kernel and judges what comes back in its own process.
 */
export interface CheckPlan<P = unknown> {
  probes: P[];
  judge(run: CheckRun, answers: Answer[], ctx: JudgeContext): void;
}

/** Collects a plan's probes and hands back each one's index (the position of its answer). */
export function probeList<P>(): { probes: P[]; ask: (p: P) => number } {
  const probes: P[] = [];
  return { probes, ask: (p: P) => probes.push(p) - 1 };
}

/** Runs a check's cases inside one tf scope, so the fixed inputs it builds are released too. */
export function checked(spec: { id: string; title: string; points?: number }, opts: CheckOptions, body: (run: CheckRun) => void): CheckResult {
  const run = new CheckRun(spec.id, spec.title, spec.points);
  tf.tidy(() => body(run));
  return finish(run, opts);
}

export function requireFunction(run: CheckRun, name: string, fn: unknown): fn is (...args: never[]) => unknown {
  if (typeof fn === 'function') return true;
  run.case(`${name} is a function`, () => fail('a function', describeValue(fn), `define \`function ${name}(…)\` in the answer cell and run that cell`));
  return false;
}
