/**
 * The registry of exercises: every table the coursework needs, derived from the exercise modules
 * (lib/coursework/exercises/<id>.ts, listed by lib/coursework/exercises/index.ts). Adding an exercise is adding
 * its module (and its test); nothing here names one.
 */
import type { ExerciseModule, ExerciseSpec } from './exercise';
import { MODULES } from './exercises/index';

// The tables below are built by calls marked pure (/* @__PURE__ */): code that never reads them (a notebook that
// trains a model) does not reach the exercises when a cache key bundles it (lib/io/fingerprint.ts).

/** The modules, in book order: by chapter, then by their `order` within it. */
export const EXERCISE_MODULES: readonly ExerciseModule[] = /* @__PURE__ */ (() => checkModules([...(MODULES as readonly unknown[] as ExerciseModule[])].sort(
  (a, b) => a.exercise.chapter.localeCompare(b.exercise.chapter) || a.exercise.order - b.exercise.order,
)))();

function checkModules(mods: ExerciseModule[]): ExerciseModule[] {
  const seen = new Map<string, string>();
  for (const m of mods) {
    const e = m.exercise;
    for (const [kind, key] of [['id', e.id], ['check', e.check], ['symbol', `${e.chapter}:${e.symbol}`], ['order', `${e.chapter}:${e.order}`]]) {
      const k = `${kind} ${key}`;
      if (seen.has(k)) throw new Error(`coursework registry: exercises '${seen.get(k)}' and '${e.id}' have the same ${kind} (${key})`);
      seen.set(k, e.id);
    }
  }
  return mods;
}

const BY_ID = /* @__PURE__ */ (() => new Map(EXERCISE_MODULES.map((m) => [m.exercise.id, m])))();

/** The module of exercise `id`, or undefined. */
export function exerciseModule(id: string): ExerciseModule | undefined {
  return BY_ID.get(id);
}

/** The specs, in book order. */
export const EXERCISE_SPECS: readonly ExerciseSpec[] = /* @__PURE__ */ (() => EXERCISE_MODULES.map((m) => m.exercise))();
