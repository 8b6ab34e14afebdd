/**
 * What crosses between the grader and a student's kernel (issue 14): the
 * grader sends *probes* (plain inputs for one call of the student's function),
 * the kernel sends back one *answer* per probe (the raw result as plain data,
 * or what the student's code threw). Expected values never cross: the grader
 * judges the answers in its own process (lib/coursework/check.ts).
 *
 * Answers come from untrusted code, so the grader decodes them against the
 * schema of the probe it sent (`decodeAnswer`): anything that does not fit is
 * unreadable, never guessed at. JSON has no NaN or ±Infinity, so numbers that
 * are not finite travel as the strings "NaN", "Infinity", "-Infinity".
 * No TensorFlow here: the grader reads this without tf.
 */

/** A tensor as plain data: its shape and its values, row-major. */
export interface Matrix {
  shape: number[];
  values: number[];
}

/** What a student's exception looked like (message and where it was thrown). */
export interface StudentErrorInfo {
  /** `Error: message` as the student would see it. */
  message: string;
  /** The first `at …` line of the stack: where it was thrown. */
  at?: string;
}

/**
 * One answer: the value, or the student's exception (`threw`), or a result of
 * the wrong kind (`wrong`: what came back and a hint), or an error raised while
 * evaluating the result (`failed`: e.g. tf cannot compute a gradient of it).
 */
export type Answer<R = unknown> =
  | { value: R }
  | { threw: StudentErrorInfo }
  | { wrong: { got: string; hint: string } }
  | { failed: StudentErrorInfo };

/** The shape of an answer's value, declared by the grader for each probe it sends. */
export type Schema =
  | 'number'
  | 'boolean'
  /** A written answer: a string, cleaned and cut to MAX_TEXT characters. */
  | 'text'
  | 'tensor'
  | 'vector'
  | { object: Record<string, Schema> }
  | { list: Schema; max: number };

/** One row of the β sweep of chapter 4: the β a model was trained with and its test measurements. */
export interface SweepRow {
  beta: number;
  /** −E_q[log p(x|z)] on the test set, nats per example. */
  recon: number;
  /** KL(q(z|x) ‖ p(z)) on the test set, nats per example. */
  kl: number;
  /** Latent dimensions with Cov_x(E_q[z_j]) > 0.01. */
  activeUnits: number;
}

/** One exercise of a grading request: the name the answer defines and the probes to run it on. */
export interface ExerciseRequest {
  id: string;
  symbol: string;
  probes: unknown[];
}

/** The request of one grading run of one submission. */
export interface GradeRequest {
  exercises: ExerciseRequest[];
}

/** The line the kernel prints for one exercise (after the run's nonce). */
export interface ExerciseResponse {
  id: string;
  /** The answer's name is not defined in the kernel (no cell defined it, or its cell failed). */
  missing?: boolean;
  /** What the name holds when it is not a function (the grader reports it). */
  notFunction?: string;
  answers?: Answer[];
}

/** Largest tensor or list an answer may carry: far above any probe's result, far below a memory problem. */
export const MAX_VALUES = 1_000_000;

/** Longest written answer kept (characters): a page of text. */
export const MAX_TEXT = 4000;

/** JSON with NaN and ±Infinity as strings. */
export function encodeJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function numbers(v: unknown, max: number): number[] | undefined {
  if (!Array.isArray(v) || v.length > max) return undefined;
  const out: number[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = num(v[i]);
    if (x === undefined) return undefined;
    out[i] = x;
  }
  return out;
}

/** The value in `raw` if it has the declared schema (numbers decoded), else undefined. */
export function decodeValue(schema: Schema, raw: unknown): unknown {
  if (schema === 'number') return num(raw);
  if (schema === 'text') return typeof raw === 'string' ? cleanText(raw, MAX_TEXT) : undefined;
  if (schema === 'boolean') return typeof raw === 'boolean' ? raw : undefined;
  if (schema === 'vector') return numbers(raw, MAX_VALUES);
  if (schema === 'tensor') {
    if (!isRecord(raw)) return undefined;
    const shape = raw.shape;
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= MAX_VALUES)) return undefined;
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size > MAX_VALUES) return undefined;
    const values = numbers(raw.values, MAX_VALUES);
    if (!values || values.length !== size) return undefined;
    return { shape: [...(shape as number[])], values } satisfies Matrix;
  }
  if ('object' in schema) {
    if (!isRecord(raw)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema.object)) {
      const v = decodeValue(s, raw[k]);
      if (v === undefined) return undefined;
      out[k] = v;
    }
    return out;
  }
  if (!Array.isArray(raw) || raw.length > schema.max) return undefined;
  const out: unknown[] = [];
  for (const item of raw) {
    const v = decodeValue(schema.list, item);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/**
 * Text from the kernel as the grader shows it: at most `max` characters, control characters (a terminal's escape
 * sequences among them) replaced by spaces, since it ends up in the teacher's terminal and CSV.
 */
export function cleanText(s: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  return s.slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function text(v: unknown, max = 500): string | undefined {
  return typeof v === 'string' ? cleanText(v, max) : undefined;
}

function errorInfo(v: unknown): StudentErrorInfo | undefined {
  if (!isRecord(v)) return undefined;
  const message = text(v.message);
  if (message === undefined) return undefined;
  const at = text(v.at);
  return at === undefined ? { message } : { message, at };
}

/** One answer decoded against the schema of its probe, or undefined when it does not fit. */
export function decodeAnswer(schema: Schema, raw: unknown): Answer | undefined {
  if (!isRecord(raw)) return undefined;
  const keys = Object.keys(raw);
  if (keys.length !== 1) return undefined;
  if ('value' in raw) {
    const value = decodeValue(schema, raw.value);
    return value === undefined ? undefined : { value };
  }
  if ('threw' in raw) {
    const info = errorInfo(raw.threw);
    return info && { threw: info };
  }
  if ('failed' in raw) {
    const info = errorInfo(raw.failed);
    return info && { failed: info };
  }
  if ('wrong' in raw && isRecord(raw.wrong)) {
    const got = text(raw.wrong.got);
    const hint = text(raw.wrong.hint);
    return got !== undefined && hint !== undefined ? { wrong: { got, hint } } : undefined;
  }
  return undefined;
}

/** A tensor's data from nested arrays or a Matrix-like value, for building probes. */
export function matrix(shape: number[], values: ArrayLike<number>): Matrix {
  return { shape: [...shape], values: Array.from(values, (v) => Math.fround(v)) };
}
