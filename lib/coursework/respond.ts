/**
 * The student's side of a check (issue 14): run the student's function on one
 * probe and return its raw answer as plain data. Nothing here knows an
 * expected value or a reference implementation — that is the judge's part
 * (each exercise module's `plan`), which runs in the grader's own process when
 * grading and right after this when a notebook checks itself.
 *
 * The grader's evaluation cell calls `respond(nonce, request)` in the student's
 * kernel: for each exercise it looks up the name the answer defines, answers
 * every probe, and prints one line `<nonce><JSON>`. Whatever the student's code
 * did to this process can only change what those lines say, and a line scores
 * only if its values are right.
 */
import { Answer, ExerciseResponse, GradeRequest, Schema, encodeJson } from './protocol';
import { describeValue } from './runner';
import { exerciseModule } from './registry';

export { sweepRows } from './answering';

function moduleOf(id: string) {
  const m = exerciseModule(id);
  if (!m) throw new Error(`no exercise '${id}'`);
  return m;
}

/** The schema of the answer to `probe` of exercise `id`. */
export function answerSchema(id: string, probe: unknown): Schema {
  return (moduleOf(id).schema as (p: unknown) => Schema)(probe);
}

/** The student's function `fn` on one probe of exercise `id`. */
export function answerProbe(id: string, fn: unknown, probe: unknown): Answer | Promise<Answer> {
  return (moduleOf(id).answer as (f: unknown, p: unknown) => Answer | Promise<Answer>)(fn, probe);
}

// ------------------------------------------------------------------ the evaluation cell

/** The top-level names the notebook's cells defined (tslab keeps them on one exports object). */
function notebookScope(): Record<string, unknown> {
  const tslab = (globalThis as { __tslab__?: { exports?: Record<string, unknown> } }).__tslab__;
  return tslab?.exports ?? {};
}

/**
 * Answers every probe of `requestJson` (a GradeRequest) with the functions the
 * notebook defines, printing one line `<nonce><ExerciseResponse JSON>` per
 * exercise as soon as it is done, so an exercise that never returns leaves the
 * earlier ones' lines behind.
 */
export async function respond(
  nonce: string,
  requestJson: string,
  scope: Record<string, unknown> = notebookScope(),
  write: (line: string) => void = (line) => process.stdout.write(line),
): Promise<void> {
  const request = JSON.parse(requestJson) as GradeRequest;
  for (const ex of request.exercises) {
    const response: ExerciseResponse = { id: ex.id };
    let fn: unknown;
    let found = false;
    try {
      found = Object.prototype.hasOwnProperty.call(scope, ex.symbol);
      fn = found ? scope[ex.symbol] : undefined;
    } catch {
      found = false;
    }
    if (!found) response.missing = true;
    else if (typeof fn !== 'function') response.notFunction = describeValue(fn);
    else {
      const answers: Answer[] = [];
      for (const probe of ex.probes) answers.push(await answerProbe(ex.id, fn, probe));
      response.answers = answers;
    }
    write(`${nonce}${encodeJson(response)}\n`);
    // Let the line leave the process before the next exercise runs (it may never return).
    await new Promise((resolve) => setImmediate(resolve));
  }
}
