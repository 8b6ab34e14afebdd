/**
 * The coding exercises of the book as specs (id, chapter, title, the name the answer defines, points, the library
 * functions graded answers may not use), derived from the exercise modules (lib/coursework/registry.ts). The
 * student notebooks (exercises/<chapter>.ipynb) mark each answer cell with metadata {"exercise": {"id", "points"}};
 * the grader (grade.ts) reads these specs to know which name an answer defines and what it is worth.
 */
import type { ExerciseSpec } from './exercise';
import { EXERCISE_SPECS } from './registry';

export type { ExerciseSpec } from './exercise';
export { BETA_SWEEP } from './exercises/beta-sweep';

/** A chapter that has an exercise notebook, e.g. '03-vae'. */
export type ExerciseChapter = string;

export const EXERCISES: readonly ExerciseSpec[] = EXERCISE_SPECS;

/** The chapters that have an exercise notebook, in book order. */
export const EXERCISE_CHAPTERS: readonly ExerciseChapter[] = /* @__PURE__ */ (() => [...new Set(EXERCISES.map((e) => e.chapter))].sort())();

/** The exercise with this id, or undefined. */
export function exerciseById(id: string): ExerciseSpec | undefined {
  return EXERCISES.find((e) => e.id === id);
}

/** The exercises of one chapter, in notebook order. */
export function exercisesOf(chapter: string): ExerciseSpec[] {
  return EXERCISES.filter((e) => e.chapter === chapter);
}
