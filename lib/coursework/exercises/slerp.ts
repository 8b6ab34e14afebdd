/**
 * Exercise `slerp` (chapter 5; Shoemake 1985, White 2016): with Ω the angle between a and b,
 * sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b; lerp when a and b are (nearly) parallel.
 */
import type { ExerciseNotebook, ExerciseSpec } from '../exercise';
import { Rng } from '../../model/random';
import { lerp as refLerp, slerp as refSlerp } from '../../training/generate';
import { CheckPlan, Outcome, PASS, allClose, fail, fmtValues, probeList, unwrap } from '../runner';
import { vectors } from '../inputs';
import { Answer, Schema } from '../protocol';
import { InterpolateProbe, interpolateAnswer } from '../answering';

export const exercise = {
  id: 'slerp',
  chapter: '05-generation',
  order: 2,
  title: 'Spherical interpolation between codes',
  symbol: 'slerp',
  check: 'slerp',
  points: 2,
  inlineSeed: 17,
  library: ['training/generate#slerp'],
} as const satisfies ExerciseSpec;

export type Fn = (a: number[], b: number[], t: number) => ArrayLike<number>;
export type Probe = InterpolateProbe;

export function schema(): Schema {
  return { object: { result: 'vector', unchanged: 'boolean' } };
}

export function answer(fn: Fn, p: Probe): Answer {
  return interpolateAnswer('slerp', fn, p);
}

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const a = vectors(rng, 5, 1.5);
  const b = vectors(rng, 5, 0.7);
  const start = ask({ a, b, t: 0 });
  const end = ask({ a, b, t: 1 });
  const orthogonal = ask({ a: [1, 0, 0], b: [0, 1, 0], t: 0.5 });
  const random = ask({ a, b, t: 0.3 });
  // cos Ω is exactly 1 here (norms 5 and 10), so an unguarded formula divides 0 by 0.
  const parallel = ask({ a: [3, 0, 4, 0], b: [6, 0, 8, 0], t: 0.5 });
  const same = ask({ a: [0.6, -0.8, 0, 0], b: [0.6, -0.8, 0, 0], t: 0.7 });
  return {
    probes,
    judge(run, answers) {
      const cmp = (i: number, hint: string): Outcome => {
        const p = probes[i];
        const expected = Array.from(refSlerp(p.a, p.b, p.t));
        const { result } = unwrap(answers[i]) as { result: number[] };
        if (result.length !== expected.length) return fail(`${expected.length} values`, `${result.length} values`, 'the result has one value per latent dimension');
        if (allClose(expected, result, 1e-4, 1e-5)) return PASS;
        let h = hint;
        if (allClose(Array.from(refLerp(p.a, p.b, p.t)), result, 1e-4, 1e-5)) h = 'that is the straight line (lerp); slerp follows the arc: sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b';
        else if (allClose(Array.from(refSlerp(p.a, p.b, 1 - p.t)), result, 1e-4, 1e-5)) h = 't = 0 must give a and t = 1 must give b: the weight of a is sin((1 − t)Ω)/sin Ω';
        else if (result.some((v) => !Number.isFinite(v))) h = 'NaN/Infinity: when a and b are (nearly) parallel sin Ω ≈ 0; fall back to lerp there, and clamp the cosine to [−1, 1] before Math.acos';
        return fail(fmtValues(expected), fmtValues(result), h);
      };
      run.case('t = 0 gives a, t = 1 gives b', () => {
        const o = cmp(start, 'at t = 0 the path starts at a');
        return o.passed ? cmp(end, 'at t = 1 the path ends at b') : o;
      });
      run.case('orthogonal unit vectors at t = ½: [√½, √½, 0] (norm 1)', () => cmp(orthogonal, 'Ω = arccos(a·b / (‖a‖‖b‖)); the weights are sin((1 − t)Ω)/sin Ω and sin(tΩ)/sin Ω'));
      run.core(`random vectors of different norms, t = ${probes[random].t}, against the library`, () => cmp(random, 'Ω is the angle between a and b: cos Ω = a·b / (‖a‖‖b‖)'));
      run.case('parallel vectors give finite values (fall back to lerp)', () => cmp(parallel, 'for parallel a and b sin Ω = 0: use lerp when sin Ω is tiny'));
      run.case('identical vectors stay put', () => cmp(same, 'slerp(a, a, t) = a: guard the division by sin Ω = 0, and clamp the cosine to [−1, 1]'));
    },
  };
}

const paths = {
  kind: 'demo',
  code: `
    const { train, test } = vae.loadData({ limit: pick({ quick: 1000, full: 8000 }) });
    const model = vae.createVAE({ latentDim: 20, seed: 0 });
    await vae.train(model, train, { epochs: pick({ quick: 2, full: 10 }), seed: 0, progress: false });
    // The first test digits labelled 0 and 1: two different digits, far apart in code space.
    const ends = vae.latentMeans(model, vae.subset(test, [test.labels.indexOf(0), test.labels.indexOf(1)]));
    const d = ends.latentDim;
    const za = Array.from(ends.points.slice(0, d));
    const zb = Array.from(ends.points.slice(d, 2 * d));
    const ts = Array.from({ length: 10 }, (_, i) => i / 9);
    const linear = ts.map((t) => Array.from(lerp(za, zb, t)));
    const spherical = ts.map((t) => Array.from(slerp(za, zb, t)));
    const norm = (z: ArrayLike<number>) => Math.sqrt(Array.from(z).reduce((s, v) => s + v * v, 0));
    showDigits(vae.decodeLatents(model, [...linear.flat(), ...spherical.flat()]), { cols: 10 });
    const angle = (a: number[], b: number[]) => (Math.acos(a.reduce((s, v, i) => s + v * b[i], 0) / (norm(a) * norm(b))) * 180) / Math.PI;
    console.log(\`two test digits, \${angle(za, zb).toFixed(0)}° apart\`);
    console.log('  lerp  norms:', linear.map((z) => norm(z).toFixed(2)).join(' '));
    console.log('  slerp norms:', spherical.map((z) => norm(z).toFixed(2)).join(' '));
    // Two independent prior samples are nearly orthogonal in 20 dimensions: there the dip is plain.
    const rng = new vae.Rng(1);
    const pa = Array.from({ length: d }, () => rng.normal());
    const pb = Array.from({ length: d }, () => rng.normal());
    console.log(\`two prior samples, \${angle(pa, pb).toFixed(0)}° apart\`);
    console.log('  lerp  norms:', ts.map((t) => norm(lerp(pa, pb, t)).toFixed(2)).join(' '));
    console.log('  slerp norms:', ts.map((t) => norm(slerp(pa, pb, t)).toFixed(2)).join(' '));
    model.dispose();
  `,
} as const;

export const notebook: ExerciseNotebook = {
  text: `
    With $\\Omega$ the angle between $a$ and $b$, $\\cos\\Omega = \\dfrac{a \\cdot b}{\\lVert a\\rVert\\,\\lVert b\\rVert}$
    (Shoemake 1985; White 2016 for latent spaces):

    $$
    \\operatorname{slerp}(a, b; t) = \\frac{\\sin\\big((1 - t)\\Omega\\big)}{\\sin\\Omega}\\, a + \\frac{\\sin(t\\Omega)}{\\sin\\Omega}\\, b.
    $$

    When $a$ and $b$ are (nearly) parallel, $\\sin\\Omega \\approx 0$: fall back to \`lerp\` (say when
    $\\sin\\Omega < 10^{-6}$), and keep $\\cos\\Omega$ within $[-1, 1]$ before \`Math.acos\` (rounding can push it just past
    1, and \`Math.acos\` of that is \`NaN\`).
  `,
  stub: `
    function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
      // Return the point at fraction t of the arc from a (t = 0) to b (t = 1), one value per dimension;
      // finite even when a and b are parallel.
      throw new Error('TODO: implement slerp');
    }
  `,
  solution: { module: 'training/generate', functions: ['slerp'] },
  check: 'check.slerp(slerp);',
  after: [
    {
      kind: 'md',
      text: `
        ## Both paths between two digits

        The cell trains a small VAE, encodes two test digits, and decodes ten codes along each path (top row: \`lerp\`,
        bottom row: \`slerp\`). It prints the norm of the codes along both paths, for the two digits and for two samples
        from the prior: which path dips towards the origin, and when is the dip large?
      `,
    },
    paths,
  ],
};
