/**
 * The inline check's warning that an answer is, or calls, the library's own
 * implementation of one of the chapter's exercises (issue 14). The grader
 * does not trust this — it runs answers without those implementations
 * (scripts/grading/view.ts) — so here it is only advice, in time: such an answer
 * passes the inline check but scores 0 when graded.
 *
 * "Is" compares the function itself. "Calls" wraps the library's exported
 * functions while the check runs the answer, where the module's exports can be
 * replaced (tslab compiles lib/ to CommonJS with plain properties; other
 * loaders, e.g. tsx's, make them read-only, and then only "is" is detected).
 */
import * as distributions from '../model/distributions';
import * as elboModule from '../model/elbo';
import * as evaluate from '../training/evaluate';
import * as generate from '../training/generate';
import { exercisesOf } from './exercises';

/** The modules that exercises.ts's `library` entries name, by their path under lib/. */
export const LIBRARY_MODULES: Record<string, object> = {
  'model/distributions': distributions,
  'model/elbo': elboModule,
  'training/evaluate': evaluate,
  'training/generate': generate,
};

/** `module#name` → [module path, exported name]. */
export function parseLibraryEntry(entry: string): [string, string] {
  const i = entry.indexOf('#');
  return [entry.slice(0, i), entry.slice(i + 1)];
}

/** The library functions graded answers of `chapter` may not use: the union of its exercises' entries. */
export function chapterLibrary(chapter: string): string[] {
  return [...new Set(exercisesOf(chapter).flatMap((e) => e.library))];
}

function message(name: string, how: 'is' | 'calls'): string {
  const what = how === 'is' ? `this is the library's own \`${name}\`` : `your function calls the library's own \`${name}\``;
  return `${what}: it passes here, but the grader runs answers without the library's implementations of this chapter's exercises, so it scores 0 when graded; write it yourself with tf ops`;
}

/** Runs `run` (which calls `fn`) and returns one warning per library function of the chapter that `fn` is or called. */
export function libraryUse(chapter: string, fn: unknown, run: () => void): string[] {
  const found = new Map<string, 'is' | 'calls'>();
  const restore: (() => void)[] = [];
  for (const entry of chapterLibrary(chapter)) {
    const [path, name] = parseLibraryEntry(entry);
    const mod = LIBRARY_MODULES[path] as Record<string, unknown> | undefined;
    const original = mod?.[name];
    if (!mod || typeof original !== 'function') continue;
    if (fn === original) found.set(name, 'is');
    const desc = Object.getOwnPropertyDescriptor(mod, name);
    if (!desc || !desc.writable || !desc.configurable) continue;
    const spy = function (this: unknown, ...args: unknown[]): unknown {
      if (!found.has(name)) found.set(name, 'calls');
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    mod[name] = spy;
    restore.push(() => {
      mod[name] = original;
    });
  }
  try {
    run();
  } finally {
    for (const r of restore) r();
  }
  return [...found.entries()].map(([name, how]) => message(name, how));
}
