/** Exercise `lerp` (chapter 5): linear interpolation between two codes, (1 − t)·a + t·b, elementwise. */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { lerp as refLerp } from '../../training/generate';
import { CheckPlan, Outcome, PASS, allClose, fail, fmtValues, probeList, unwrap } from '../runner';
import { vectors } from '../inputs';
import { Answer, Schema } from '../protocol';
import { InterpolateProbe, interpolateAnswer } from '../answering';

export const exercise = {
  id: 'lerp',
  chapter: '05-generation',
  order: 1,
  title: 'Linear interpolation between codes',
  symbol: 'lerp',
  check: 'lerp',
  points: 1,
  inlineSeed: 13,
  library: ['training/generate#lerp'],
} as const satisfies ExerciseSpec;

export type Fn = (a: number[], b: number[], t: number) => ArrayLike<number>;
export type Probe = InterpolateProbe;

export function schema(): Schema {
  return { object: { result: 'vector', unchanged: 'boolean' } };
}

export function answer(fn: Fn, p: Probe): Answer {
  return interpolateAnswer('lerp', fn, p);
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const a = vectors(rng, 6);
  const b = vectors(rng, 6);
  const start = ask({ a, b, t: 0 });
  const end = ask({ a, b, t: 1 });
  const quarter = ask({ a, b, t: 0.25 });
  const wide = ask({ a: vectors(rng, 20), b: vectors(rng, 20), t: 0.6 });
  return {
    probes,
    judge(run, answers) {
      const got = (i: number) => unwrap(answers[i]) as { result: number[]; unchanged: boolean };
      const cmp = (i: number, hint: string): Outcome => {
        const p = probes[i];
        const expected = Array.from(refLerp(p.a, p.b, p.t));
        const { result } = got(i);
        if (result.length !== expected.length) return fail(`${expected.length} values`, `${result.length} values`, 'the result has one value per latent dimension');
        if (allClose(expected, result, 1e-5, 1e-6)) return PASS;
        const swapped = Array.from(refLerp(p.a, p.b, 1 - p.t));
        return fail(fmtValues(expected), fmtValues(result), allClose(swapped, result, 1e-5, 1e-6) ? 't = 0 must give a and t = 1 must give b: (1 − t)·a + t·b' : hint);
      };
      run.case('t = 0 gives a', () => cmp(start, 'at t = 0 the path starts at a'));
      run.case('t = 1 gives b', () => cmp(end, 'at t = 1 the path ends at b'));
      run.core(`t = ${probes[quarter].t} against the library`, () => cmp(quarter, 'lerp(a, b, t) = (1 − t)·a + t·b'));
      run.core(`works in ${probes[wide].a.length} dimensions and leaves a and b unchanged`, () => {
        if (!got(wide).unchanged) return fail('a and b unchanged', 'an input was modified', 'build a new array for the result instead of writing into a or b');
        return cmp(wide, 'loop over every dimension');
      });
    },
  };
}

export const notebook: ExerciseNotebook = {
  text: `
    $$
    \\operatorname{lerp}(a, b; t) = (1 - t)\\, a + t\\, b, \\qquad t \\in [0, 1].
    $$

    Implement \`lerp(a, b, t)\` on plain arrays of numbers (one per latent dimension); return a new
    \`Float32Array\` and leave \`a\` and \`b\` as they are.
  `,
  stub: `
    function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
      // Return the point at fraction t of the straight path from a (t = 0) to b (t = 1), one value per dimension.
      throw new Error('TODO: implement lerp');
    }
  `,
  solution: { module: 'training/generate', functions: ['lerp'] },
  check: 'check.lerp(lerp);',
};
