import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { bernoulliLogLikelihood, klDivergence, logNormal, logStandardNormal, reparameterize } from '../lib/model/distributions';
import { elbo } from '../lib/model/elbo';
import { lerp, slerp } from '../lib/training/generate';
import { check, runExercise, formatResult, CheckResult, BetaSweepRow, ReparameterizeFn, ElboFn, IwaeFn } from '../lib/coursework/check';
import { solutionOf } from './exercise-helpers';
import { EXERCISES } from '../lib/coursework/exercises';
import { LIBRARY_MODULES } from '../lib/coursework/library-use';

before(async () => {
  await initBackend();
});

const quiet = { quiet: true };

/** The failed case whose name matches, with its hint; fails the test when no such case failed. */
function failed(r: CheckResult, name: RegExp): { hint: string; got: string; expected: string; error: string } {
  const c = r.cases.find((k) => name.test(k.name));
  assert.ok(c, `no case matching ${name} in ${r.cases.map((k) => k.name).join(' | ')}`);
  assert.equal(c.passed, false, `case '${c.name}' passed but should fail`);
  return { hint: c.hint ?? '', got: c.got ?? '', expected: c.expected ?? '', error: c.error?.message ?? '' };
}

function allPass(r: CheckResult): void {
  const bad = r.cases.filter((c) => !c.passed);
  assert.equal(bad.length, 0, formatResult(r));
  assert.equal(r.ok, true);
  assert.equal(r.passed, r.total);
  assert.ok(r.total >= 4, `only ${r.total} cases`);
}

/** The solutions in the exercises' signatures (what the solutions notebooks implement). */
const ref = {
  fitGaussian: solutionOf('fit-gaussian') as (points: number[][]) => { mean: number[]; cov: number[][] },
  elbo: solutionOf('elbo') as ElboFn,
  warmupBeta: solutionOf('kl-warmup') as (step: number, warmupSteps: number, betaMax: number) => number,
  iwaeBound: solutionOf('iwae') as IwaeFn,
};

const goodSweep: BetaSweepRow[] = [
  { beta: 0, recon: 60, kl: 60, activeUnits: 20 },
  { beta: 1, recon: 90, kl: 25, activeUnits: 12 },
  { beta: 16, recon: 150, kl: 1, activeUnits: 1 },
];

test('the library implementations pass every check, and the checks leave no tensors behind', () => {
  const before = tf.memory().numTensors;
  allPass(check.fitGaussian(ref.fitGaussian, quiet));
  allPass(check.reparameterize(reparameterize, quiet));
  allPass(check.klDivergence(klDivergence, quiet));
  allPass(check.bernoulliLogLikelihood(bernoulliLogLikelihood, quiet));
  allPass(check.elbo(ref.elbo, quiet));
  allPass(check.klWarmup(ref.warmupBeta, quiet));
  allPass(check.betaSweep(goodSweep, { ...quiet, latentDim: 20 }));
  allPass(check.lerp((a, b, t) => lerp(a, b, t), quiet));
  allPass(check.slerp((a, b, t) => slerp(a, b, t), quiet));
  allPass(check.iwae(ref.iwaeBound, quiet));
  assert.equal(tf.memory().numTensors, before);
});

test('every exercise id has a check; results carry points from the exercise modules', () => {
  for (const e of EXERCISES) {
    const r = runExercise(e.id, undefined, quiet);
    assert.equal(r.id, e.id);
    assert.equal(r.ok, false);
    assert.equal(r.maxPoints, e.points);
    assert.equal(r.points, 0);
  }
  const r = runExercise('kl', klDivergence, quiet);
  assert.equal(r.points, 2);
  assert.equal(r.maxPoints, 2);
  const unknown = runExercise('nope', klDivergence, quiet);
  assert.equal(unknown.ok, false);
  assert.match(unknown.cases[0].got ?? '', /no check for exercise id 'nope'/);
});

test('partial credit is points × passed / total once a core case passes; none passed, no points', () => {
  // Right values, but z rebuilt from copied numbers: the core value case passes, the gradient cases fail.
  const copied = check.reparameterize((m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => {
    const z = reparameterize(m, lv, e);
    return tf.tensor2d(Array.from(z.dataSync()), z.shape);
  }, quiet);
  assert.ok(copied.passed > 0 && copied.passed < copied.total, formatResult(copied));
  assert.equal(copied.gated, undefined);
  assert.equal(copied.points, Math.round((2 * copied.passed * 100) / copied.total) / 100);

  // The factor ½ forgotten: right at N(0, I), the right shape, never negative — and wrong everywhere else.
  const halfBad = check.klDivergence((mean: tf.Tensor2D, logVar: tf.Tensor2D) => tf.mul(klDivergence(mean, logVar), 2), quiet);
  assert.ok(halfBad.passed >= 3, formatResult(halfBad));
  assert.equal(halfBad.gated, true);
  assert.equal(halfBad.points, 0);
  assert.ok(halfBad.cases.some((c) => c.core && !c.passed));
  assert.match(formatResult(halfBad), /no case against the reference \(marked ★\) passed/);

  // A constant answer meets the properties only.
  const zeros = check.klDivergence((mean: tf.Tensor2D) => tf.zeros([mean.shape[0]]), quiet);
  assert.ok(zeros.passed >= 2, formatResult(zeros));
  assert.equal(zeros.points, 0);
});

test('the inline check warns when the answer is, or calls, the library\'s own implementation', () => {
  const own = check.klDivergence(klDivergence, quiet);
  assert.equal(own.ok, true);
  assert.match((own.warnings ?? []).join(' '), /this is the library's own `klDivergence`.*scores 0 when graded/);
  assert.match(formatResult(own), /⚠ this is the library's own `klDivergence`/);
  const mine = check.klDivergence((m: tf.Tensor2D, lv: tf.Tensor2D) => tf.mul(tf.sum(tf.sub(tf.add(tf.exp(lv), tf.square(m)), tf.add(lv, 1)), 1), 0.5), quiet);
  assert.equal(mine.warnings, undefined);
  // "Calls": the exports are wrapped while the answer runs (where they can be replaced, as in tslab's CommonJS).
  const real = LIBRARY_MODULES['model/distributions'];
  const fake: Record<string, unknown> = { klDivergence, gaussianKl: () => undefined, reparameterize: () => undefined, bernoulliLogLikelihood: () => undefined };
  LIBRARY_MODULES['model/distributions'] = fake;
  try {
    const calls = check.klDivergence((m: tf.Tensor2D, lv: tf.Tensor2D) => (fake.klDivergence as typeof klDivergence)(m, lv), quiet);
    assert.match((calls.warnings ?? []).join(' '), /your function calls the library's own `klDivergence`/);
    assert.equal(fake.klDivergence, klDivergence, 'restored after the check');
  } finally {
    LIBRARY_MODULES['model/distributions'] = real;
  }
});

test('KL: sign error, missing ½, mean over latent dims, a scalar, and a throwing stub each get their hint', () => {
  const sign = check.klDivergence((m: tf.Tensor2D, lv: tf.Tensor2D) => tf.neg(klDivergence(m, lv)), quiet);
  assert.match(failed(sign, /random mean and logVar/).hint, /sign error/);
  assert.match(failed(sign, /never negative/).hint, /≥ 0/);

  const half = check.klDivergence((m: tf.Tensor2D, lv: tf.Tensor2D) => tf.mul(klDivergence(m, lv), 2), quiet);
  assert.match(failed(half, /random mean and logVar/).hint, /factor ½ is missing/);
  assert.match(failed(half, /2\.5/).got, /\[5\]/);

  const meanOverDims = check.klDivergence(
    (m: tf.Tensor2D, lv: tf.Tensor2D) => tf.mul(tf.mean(tf.sub(tf.add(tf.exp(lv), tf.square(m)), tf.add(lv, 1)), 1), 0.5),
    quiet,
  );
  assert.match(failed(meanOverDims, /random mean and logVar/).hint, /averaged over the latent dimensions/);

  const scalar = check.klDivergence((m: tf.Tensor2D, lv: tf.Tensor2D) => tf.sum(klDivergence(m, lv)), quiet);
  const s = failed(scalar, /shape \[batch\]/);
  assert.match(s.got, /shape \[\]/);
  assert.match(s.hint, /one value per example/);

  const stub = check.klDivergence(() => {
    throw new Error('TODO: implement klDivergence');
  }, quiet);
  assert.equal(stub.passed, 0);
  const c = failed(stub, /random mean and logVar/);
  assert.equal(c.error, 'Error: TODO: implement klDivergence');
  assert.match(c.hint, /stub still throws/);
  assert.ok(stub.cases.every((k) => k.error?.message === 'Error: TODO: implement klDivergence'));
  assert.match(formatResult(stub), /every case threw Error: TODO: implement klDivergence/);
  assert.match(formatResult(stub), /at /, 'the first stack line is shown');
});

test('reparameterize: variance instead of sd, no gradient (copied numbers), own noise, sign', () => {
  const variance = check.reparameterize((m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => tf.add(m, tf.mul(tf.exp(lv), e)), quiet);
  assert.match(failed(variance, /against the library/).hint, /variance exp\(logVar\)/);
  assert.match(failed(variance, /gradient reaches logVar/).expected, /\[/);

  // Right values, but z is rebuilt from copied numbers: the graph to mean and logVar is cut.
  const copied = check.reparameterize((m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => {
    const z = reparameterize(m, lv, e);
    return tf.tensor2d(Array.from(z.dataSync()), z.shape);
  }, quiet);
  assert.ok(copied.cases.filter((c) => c.passed).length >= 4, formatResult(copied));
  assert.match(failed(copied, /gradient reaches mean/).hint, /no gradient reaches this input/);
  assert.match(failed(copied, /gradient reaches logVar/).hint, /no gradient reaches this input/);

  // σ computed from copied numbers: the gradient reaches mean but not logVar.
  const stdCopied = check.reparameterize((m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => {
    const std = tf.tensor2d(Array.from(lv.dataSync()).map((v) => Math.exp(v / 2)), lv.shape);
    return tf.add(m, tf.mul(std, e));
  }, quiet);
  assert.ok(stdCopied.cases.find((c) => /gradient reaches mean/.test(c.name))?.passed);
  assert.match(failed(stdCopied, /gradient reaches logVar/).hint, /no gradient reaches this input/);

  const ownNoise = check.reparameterize((m: tf.Tensor2D, lv: tf.Tensor2D) => tf.add(m, tf.mul(tf.exp(tf.mul(lv, 0.5)), tf.randomNormal(m.shape, 0, 1, 'float32', 1))), quiet);
  assert.match(failed(ownNoise, /uses the eps/).hint, /use the eps argument/);

  const sign = check.reparameterize((m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => tf.sub(m, tf.mul(tf.exp(tf.mul(lv, 0.5)), e)), quiet);
  assert.match(failed(sign, /against the library/).hint, /sign error/);

  const notTensor = check.reparameterize((m: tf.Tensor2D) => Array.from(m.dataSync()) as unknown as tf.Tensor, quiet);
  assert.match(failed(notTensor, /zero noise/).hint, /return a tf\.Tensor/);

  const notFunction = check.reparameterize(42 as unknown as ReparameterizeFn, quiet);
  assert.equal(notFunction.total, 1);
  assert.match(failed(notFunction, /is a function/).got, /42/);
});

test('Bernoulli log-likelihood: BCE sign, unstable log(sigmoid), mean over pixels', () => {
  const bce = check.bernoulliLogLikelihood((x: tf.Tensor2D, l: tf.Tensor2D) => tf.neg(bernoulliLogLikelihood(x, l)), quiet);
  assert.match(failed(bce, /against the library/).hint, /binary cross-entropy/);
  assert.match(failed(bce, /≤ 0/).hint, /sign/);

  const naive = check.bernoulliLogLikelihood(
    (x: tf.Tensor2D, l: tf.Tensor2D) => {
      const p = tf.sigmoid(l);
      return tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))), 1);
    },
    quiet,
  );
  assert.ok(naive.cases.find((c) => /against the library/.test(c.name))?.passed, 'moderate logits are fine');
  assert.match(failed(naive, /large logits/).hint, /softplus/);

  const meanPix = check.bernoulliLogLikelihood((x: tf.Tensor2D, l: tf.Tensor2D) => tf.mean(tf.sub(tf.mul(x, l), tf.softplus(l)), 1), quiet);
  assert.match(failed(meanPix, /against the library/).hint, /averaged over the pixels/);
});

test('ELBO: sum over the batch, β ignored, β in the bound, vectors instead of scalars', () => {
  const summed = check.elbo((x: tf.Tensor2D, out: { mean: tf.Tensor2D; logVar: tf.Tensor2D; logits: tf.Tensor2D }, beta: number) => {
    const recon = tf.neg(tf.sum(bernoulliLogLikelihood(x, out.logits)));
    const kl = tf.sum(klDivergence(out.mean, out.logVar));
    return { recon, kl, loss: tf.add(recon, tf.mul(kl, beta)), elbo: tf.neg(tf.add(recon, kl)) };
  }, quiet);
  assert.match(failed(summed, /^recon/).hint, /3× too large: take the mean over the batch/);

  const noBeta = check.elbo((x: tf.Tensor2D, out: { mean: tf.Tensor2D; logVar: tf.Tensor2D; logits: tf.Tensor2D }) => elbo(x, out, { beta: 1 }), quiet);
  assert.match(failed(noBeta, /β = 4 weights/).hint, /β is ignored/);
  assert.ok(noBeta.cases.find((c) => /^recon/.test(c.name))?.passed);

  const betaInBound = check.elbo((x: tf.Tensor2D, out: { mean: tf.Tensor2D; logVar: tf.Tensor2D; logits: tf.Tensor2D }, beta: number) => {
    const t = elbo(x, out, { beta });
    return { ...t, elbo: tf.neg(t.loss) };
  }, quiet);
  assert.match(failed(betaInBound, /elbo = −\(recon \+ kl\)/).hint, /β weights the loss only/);

  const vectors = check.elbo((x: tf.Tensor2D, out: { mean: tf.Tensor2D; logVar: tf.Tensor2D; logits: tf.Tensor2D }, beta: number) => {
    const recon = tf.neg(bernoulliLogLikelihood(x, out.logits));
    const kl = klDivergence(out.mean, out.logVar);
    return { recon, kl, loss: tf.add(recon, tf.mul(kl, beta)), elbo: tf.neg(tf.add(recon, kl)) };
  }, quiet);
  assert.match(failed(vectors, /^recon/).got, /shape \[3\]/);

  const missingKey = check.elbo((() => ({ recon: tf.scalar(1) })) as unknown as ElboFn, quiet);
  assert.match(failed(missingKey, /^recon/).hint, /return \{ recon, kl, loss, elbo \}/);
});

test('warm-up, β sweep, fitted Gaussian: their usual mistakes', () => {
  const uncapped = check.klWarmup((s: number, w: number, b: number) => (b * s) / w, quiet);
  assert.match(failed(uncapped, /stays at betaMax/).hint, /min\(1/);
  assert.match(failed(uncapped, /warmupSteps 0/).got, /NaN/);

  const notArray = check.betaSweep({ beta: 1 } as unknown as BetaSweepRow[], quiet);
  assert.match(failed(notArray, /a list of rows/).hint, /one row per β/);
  const rising = check.betaSweep(
    [
      { beta: 0, recon: 100, kl: 5, activeUnits: 3 },
      { beta: 1, recon: 100, kl: 9, activeUnits: 6 },
      { beta: 16, recon: 100, kl: 12, activeUnits: 9 },
    ],
    quiet,
  );
  assert.match(failed(rising, /KL falls/).got, /12 vs 5/);
  failed(rising, /active units do not grow/);
  const narrow = check.betaSweep([{ beta: 1, recon: 80, kl: 3, activeUnits: 4.5 }], { ...quiet, latentDim: 20 });
  assert.match(failed(narrow, /at least three β/).hint, /β ∈ \{0, 1, 4, 16, 32\}/);
  // A sweep that stops before this model collapses does not show what the exercise asks about.
  failed(check.betaSweep([{ beta: 0, recon: 80, kl: 50, activeUnits: 10 }, { beta: 2, recon: 90, kl: 20, activeUnits: 9 }, { beta: 4, recon: 95, kl: 8, activeUnits: 8 }], quiet), /at least three β/);
  failed(narrow, /whole numbers/);

  const fit = (f: (pts: number[][]) => { mean: number[]; cov: number[][] }) => check.fitGaussian(f, quiet);
  const uncentred = fit((pts) => {
    const g = ref.fitGaussian(pts);
    return { mean: g.mean, cov: g.cov.map((r, i) => r.map((_, j) => pts.reduce((s, p) => s + p[i] * p[j], 0) / pts.length)) };
  });
  assert.match(failed(uncentred, /correlated/).hint, /subtract the mean/);
  const diagonal = fit((pts) => {
    const g = ref.fitGaussian(pts);
    return { mean: g.mean, cov: g.cov.map((r, i) => r.map((v, j) => (i === j ? v : 0))) };
  });
  assert.match(failed(diagonal, /correlated/).hint, /off-diagonal entries are missing/);
  const unbiased = fit((pts) => {
    const g = ref.fitGaussian(pts);
    const n = pts.length;
    return { mean: g.mean, cov: g.cov.map((r) => r.map((v) => (v * n) / (n - 1))) };
  });
  assert.equal(unbiased.ok, true, 'the 1/(N − 1) covariance is accepted');
  const inPlace = fit((pts) => {
    const g = ref.fitGaussian(pts);
    for (const p of pts) for (let j = 0; j < p.length; j++) p[j] -= g.mean[j];
    return g;
  });
  assert.match(failed(inPlace, /left unchanged/).hint, /copies/);
  const meanOverCoords = fit((pts) => ({ mean: pts.map((p) => p.reduce((a, b) => a + b, 0) / p.length), cov: ref.fitGaussian(pts).cov }));
  assert.match(failed(meanOverCoords, /three points/).hint, /one value per code dimension/);
});

test('lerp and slerp: swapped ends, lerp for slerp, no guard for parallel vectors, returning a tensor', () => {
  const swapped = check.lerp((a: number[], b: number[], t: number) => lerp(a, b, 1 - t), quiet);
  assert.match(failed(swapped, /t = 0 gives a/).hint, /t = 0 must give a/);

  const tensor = check.lerp((a: number[], b: number[], t: number) => tf.tensor1d(Array.from(lerp(a, b, t))) as unknown as number[], quiet);
  assert.match(failed(tensor, /t = 0\.25/).hint, /plain number\[\]/);

  const straight = check.slerp((a: number[], b: number[], t: number) => lerp(a, b, t), quiet);
  assert.match(failed(straight, /orthogonal/).hint, /straight line \(lerp\)/);

  const unguarded = check.slerp((a: number[], b: number[], t: number) => {
    const dot = a.reduce((s, v, i) => s + v * b[i], 0);
    const na = Math.hypot(...a);
    const nb = Math.hypot(...b);
    const omega = Math.acos(dot / (na * nb));
    return a.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * b[i]) / Math.sin(omega));
  }, quiet);
  assert.ok(unguarded.cases.find((c) => /orthogonal/.test(c.name))?.passed, formatResult(unguarded));
  assert.match(failed(unguarded, /identical vectors/).hint, /NaN\/Infinity/);
  assert.match(failed(unguarded, /parallel vectors/).hint, /NaN\/Infinity/);
});

test('IWAE: averaging the log-weights, a missing − log k, naive exp, throwing', () => {
  type Dec = (z: tf.Tensor2D) => tf.Tensor2D;
  const logWeights = (x: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D, decode: Dec, eps: tf.Tensor3D) =>
    tf.stack(
      tf.unstack(eps).map((e) => {
        const z = reparameterize(mean, logVar, e as tf.Tensor2D);
        return tf.sub(tf.add(bernoulliLogLikelihood(x, decode(z)), logStandardNormal(z)), logNormal(z, mean, logVar));
      }),
    ); // [k, batch]
  const averaged = check.iwae((x: tf.Tensor2D, m: tf.Tensor2D, lv: tf.Tensor2D, d: Dec, e: tf.Tensor3D) => tf.mean(logWeights(x, m, lv, d, e), 0), quiet);
  assert.ok(averaged.cases.find((c) => /k = 1 equals/.test(c.name))?.passed, 'with k = 1 the two agree');
  assert.match(failed(averaged, /k = 5/).hint, /averaged the log-weights/);

  const noLogK = check.iwae((x: tf.Tensor2D, m: tf.Tensor2D, lv: tf.Tensor2D, d: Dec, e: tf.Tensor3D) => tf.logSumExp(logWeights(x, m, lv, d, e), 0), quiet);
  assert.match(failed(noLogK, /identical samples/).hint, /− log k is missing/);

  const naive = check.iwae(
    (x: tf.Tensor2D, m: tf.Tensor2D, lv: tf.Tensor2D, d: Dec, e: tf.Tensor3D) => tf.log(tf.mean(tf.exp(logWeights(x, m, lv, d, e)), 0)),
    quiet,
  );
  assert.ok(naive.cases.find((c) => /k = 5/.test(c.name))?.passed, formatResult(naive));
  assert.match(failed(naive, /stable/).hint, /tf\.logSumExp/);

  const throws = check.iwae(() => {
    throw new RangeError('index out of range');
  }, quiet);
  assert.equal(failed(throws, /k = 5/).error, 'RangeError: index out of range');
});

test('the printed report shows expected, got and the hint', () => {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    check.klDivergence((m: tf.Tensor2D, lv: tf.Tensor2D) => tf.mul(klDivergence(m, lv), 2));
  } finally {
    console.log = orig;
  }
  const text = lines.join('\n');
  assert.match(text, /✘ kl: The Gaussian KL divergence in closed form: \d\/6 cases passed, [\d.]+\/2 points/);
  assert.match(text, /✓ N\(0, I\) has zero KL/);
  assert.match(text, /✗ mean \[1, 2\], logVar 0/);
  assert.match(text, /expected \[2\.5\]/);
  assert.match(text, /got {6}\[5\]/);
  assert.match(text, /hint: your values are twice the expected/);
});

test('failing and throwing answers leak no tensors either', () => {
  const before = tf.memory().numTensors;
  check.reparameterize((m: tf.Tensor2D, lv: tf.Tensor2D, e: tf.Tensor2D) => {
    tf.ones([100, 100]); // an intermediate the student never disposes
    return tf.add(m, tf.mul(tf.exp(lv), e));
  }, quiet);
  check.elbo(() => {
    tf.zeros([3, 3]);
    throw new Error('half-way');
  }, quiet);
  check.iwae(() => tf.zeros([7]), quiet);
  assert.equal(tf.memory().numTensors, before);
});
