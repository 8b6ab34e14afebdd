/**
 * What one exercise is made of. Each exercise is one module under lib/coursework/exercises/
 * (`<id>.ts`) that exports:
 *
 *  - `exercise`: its spec (id, chapter, title, the name the answer defines, points, the library functions graded
 *    answers may not use);
 *  - `schema(probe)` and `answer(fn, probe)`: the student's side — how the grader's evaluation cell calls the
 *    answer on one probe in the student's kernel and the form of what comes back (lib/coursework/protocol.ts).
 *    They and whatever they call are all of the module the graded kernel keeps (scripts/grading/view.ts stubs
 *    the rest), so they never compute an expected value;
 *  - `plan(rng, opts)`: the grader's side — probes drawn from an Rng and the judge of the answers, with its
 *    hints (lib/coursework/runner.ts);
 *  - `notebook`: the cells of the exercise in its chapter's notebook (the mathematics, the stub, the solution,
 *    the check), which scripts/codegen/exercises.ts places in exercises/<chapter>.ipynb.
 *
 * lib/coursework/exercises/index.ts (written by that script from the folder's files) lists the modules; every
 * table — the specs, the plans, the inline checks, the answerers, the notebooks, the grader's view — is derived
 * from it (lib/coursework/registry.ts). No TensorFlow in this file.
 */
import type { Answer, Schema } from './protocol';
import type { CheckOptions, CheckPlan, CheckResult } from './runner';
import type { Rng } from '../model/random';

export interface ExerciseSpec {
  /** Stable id, the `exercise.id` of the answer cell's metadata. */
  id: string;
  /** The notebook (and chapter) the exercise belongs to, e.g. '03-vae'. */
  chapter: string;
  /** Its place among the chapter's exercises (ascending). */
  order: number;
  /** One line for reports and the notebook heading. */
  title: string;
  /** The top-level name the answer defines; the grader calls it on its probes. */
  symbol: string;
  /** The name of its inline check: `check.<check>(answer)`. */
  check: string;
  /** Points (a submission's metadata cannot change them). */
  points: number;
  /** The seed of the inline check's cases (the grader draws its own). */
  inlineSeed: number;
  /**
   * The library's own implementations of this exercise, as `module#export` under lib/: graded answers run
   * without them (the grader replaces them with stubs that throw, scripts/grading/view.ts), and the inline check
   * warns when an answer is or calls one (lib/coursework/library-use.ts). Every path to the same computation
   * counts (gaussianKl with a standard normal is the KL of `kl`).
   */
  library: readonly string[];
  /**
   * A written part, scored by the teacher: the grader exports the answer's text next to the automatic marks
   * (a column of the class CSV and the submission's JSON) with the rubric and these points, which the exercise's
   * `points` do not include.
   */
  written?: { points: number; rubric: readonly string[] };
  /**
   * The answer cell starts as a program with mistakes to find and fix (chapter 8's port of the article's model),
   * not as a stub that throws TODO.
   */
  debugging?: boolean;
  /**
   * What the student submits instead of a function: a folder of model weights beside the notebook (the
   * capstone). The grader asks the student's kernel nothing for it: it scores the folder itself, in a sandboxed
   * process of its own (scripts/grading/model-folder.ts), and judges that score with the module's plan.
   */
  submitted?: 'model-folder';
}

/** What a plan may depend on besides the Rng: the profile's epochs (only training exercises use them). */
export interface PlanOptions {
  epochs: number;
}

/** A cell of an exercise's part of the notebook: the grader leaves out `demo` and `check` cells. */
export type NotebookCell = { kind: 'md'; text: string } | { kind: 'code'; code: string } | { kind: 'demo'; code: string } | { kind: 'check'; code: string };

/**
 * Where the solution cell's code comes from, as d2l's `#@save`: the source text of named top-level functions of
 * a module under lib/ (the library's own, or the exercise module's), copied by scripts/codegen/exercises.ts with
 * `export` and the argument checks (`GUARDS` there) dropped. Never a copy kept by hand.
 */
export interface SolutionSource {
  /** Path under lib/ without `.ts`, e.g. 'model/distributions' or 'coursework/exercises/iwae'. */
  module: string;
  /** The functions, in the order the cell defines them; the last one is the answer. `module#name` takes one from another module. */
  functions: string[];
  /** Expressions of the source replaced by their values in the cell (a module constant the notebook spells out). */
  inline?: Record<string, string>;
}

export interface ExerciseNotebook {
  /** Cells before the exercise's heading (e.g. the training run whose result it works on). */
  before?: NotebookCell[];
  /** The exercise's text after its heading: the mathematics as the book states it, and what to implement. */
  text: string;
  /** The answer cell of the student's notebook: the signature, a comment saying what to return, a `TODO` throw. */
  stub: string;
  solution: SolutionSource;
  /** The check cell, e.g. `check.klDivergence(klDivergence);` (absent: the check follows in `after`). */
  check?: string;
  /** Cells after the check (demonstrations using the answer). */
  after?: NotebookCell[];
}

/** An exercise module (lib/coursework/exercises/<id>.ts), as the registry sees it. */
export interface ExerciseModule {
  exercise: ExerciseSpec;
  schema(probe: never): Schema;
  answer(fn: never, probe: never): Answer | Promise<Answer>;
  plan(rng: Rng, opts: PlanOptions): CheckPlan<unknown>;
  notebook: ExerciseNotebook;
  /** The text of a written answer among the answers (exercises with a `written` part). */
  writtenText?(answers: Answer[]): string | undefined;
  /** An inline check that takes something else than the answer (the β sweep's check takes its rows). */
  inlineCheck?(value: never, opts: CheckOptions): CheckResult;
}
