// The exercises' solutions as functions (the ones the solution notebooks' cells are copied from,
// lib/coursework/exercise.ts's SolutionSource), for the tests of the checks and of the protocol.
import * as path from 'node:path';
import type { ExerciseModule } from '../lib/coursework/exercise';
import { EXERCISE_MODULES, exerciseModule } from '../lib/coursework/registry';

const ROOT = path.resolve(__dirname, '..');

/** The function the solution cell of exercise `id` defines last (the answer), loaded from its module under lib/. */
export function solutionOf(id: string): (...args: never[]) => unknown {
  // Solutions use the notebook's globals: its set-up cell's `vae` (`import * as vae from './lib/index'`), and the
  // answers of the exercises before them (the training loop calls the notebook's trainStep).
  const g = globalThis as Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  g.vae ??= require(path.join(ROOT, 'lib', 'index'));
  for (const other of EXERCISE_MODULES) {
    const s = other.notebook.solution;
    const lastName = s.functions[s.functions.length - 1];
    if (other.exercise.id !== id && !lastName.includes('#') && g[other.exercise.symbol] === undefined && other.exercise.symbol === lastName) {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const fn = (require(path.join(ROOT, 'lib', s.module)) as Record<string, unknown>)[lastName];
      if (typeof fn === 'function') g[other.exercise.symbol] = fn;
    }
  }
  const m = exerciseModule(id) as ExerciseModule;
  const src = m.notebook.solution;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const last = src.functions[src.functions.length - 1];
  const [module, name] = last.includes('#') ? last.split('#') : [src.module, last];
  const mod = require(path.join(ROOT, 'lib', module)) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${id}: lib/${module} has no function ${name}`);
  return fn as (...args: never[]) => unknown;
}
