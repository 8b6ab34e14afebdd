// The exercises' solutions as functions (the ones the solution notebooks' cells are copied from,
// lib/coursework/exercise.ts's SolutionSource), for the tests of the checks and of the protocol.
import * as path from 'node:path';
import type { ExerciseModule } from '../lib/coursework/exercise';
import { exerciseModule } from '../lib/coursework/registry';

const ROOT = path.resolve(__dirname, '..');

/** The function the solution cell of exercise `id` defines last (the answer), loaded from its module under lib/. */
export function solutionOf(id: string): (...args: never[]) => unknown {
  // Solutions use the notebook's globals (its set-up cell: `import * as vae from './lib/index'`).
  const g = globalThis as { vae?: unknown };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  g.vae ??= require(path.join(ROOT, 'lib', 'index'));
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
