/**
 * Exercise `elbo` (chapter 3): recon = −mean_batch log p(x|z), kl = mean_batch KL, loss = recon + β·kl,
 * elbo = −(recon + kl); all scalars in nats per example, judged against lib/model/elbo.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExerciseNotebook, ExerciseSpec, NotebookCell } from '../exercise';
import { Rng } from '../../model/random';
import { bernoulliLogLikelihood, klDivergence } from '../../model/distributions';
import { elbo as refElbo } from '../../model/elbo';
import { CheckPlan, PASS, compareTensor, fail, fmtNum, fmtShape, probeList, unwrap } from '../runner';
import { binary, randn, tensor2d } from '../inputs';
import { Answer, Matrix, Schema } from '../protocol';
import { WrongAnswer, asMatrix, callStudent, describeValue, readTensor, runAnswer, t2 } from '../answering';

export const exercise = {
  id: 'elbo',
  chapter: '03-vae',
  order: 4,
  title: 'The ELBO and the β-weighted loss',
  symbol: 'elbo',
  check: 'elbo',
  points: 2,
  inlineSeed: 11,
  library: ['model/elbo#elbo'],
} as const satisfies ExerciseSpec;

export interface ElboFnInputs {
  mean: tf.Tensor2D; // [batch, latentDim]
  logVar: tf.Tensor2D; // [batch, latentDim]
  logits: tf.Tensor2D; // [batch, inputDim]
}
export type Fn = (x: tf.Tensor2D, out: ElboFnInputs, beta: number) => { recon: tf.Tensor; kl: tf.Tensor; loss: tf.Tensor; elbo: tf.Tensor };

export interface Probe {
  x: Matrix;
  mean: Matrix;
  logVar: Matrix;
  logits: Matrix;
  beta: number;
}

export function schema(): Schema {
  return { object: { recon: 'tensor', kl: 'tensor', loss: 'tensor', elbo: 'tensor' } };
}

export function answer(fn: Fn, p: Probe): Answer {
  return runAnswer(() => {
    const out = callStudent('elbo', fn, t2(p.x), { mean: t2(p.mean), logVar: t2(p.logVar), logits: t2(p.logits) }, p.beta) as unknown;
    if (out === null || typeof out !== 'object') {
      throw new WrongAnswer('elbo did not return an object', describeValue(out), 'return { recon, kl, loss, elbo } (four scalar tensors)');
    }
    const o = out as Record<string, unknown>;
    const terms: Record<string, Matrix> = {};
    for (const k of ['recon', 'kl', 'loss', 'elbo']) {
      if (!(k in o)) throw new WrongAnswer(`elbo's result has no '${k}'`, describeValue(out), 'return { recon, kl, loss, elbo }');
      terms[k] = asMatrix(readTensor(`elbo(…).${k}`, o[k]));
    }
    return terms;
  });
}

type Terms = { recon: number; kl: number; loss: number; elbo: number };

export function plan(rng: Rng): CheckPlan<Probe> {
  const { probes, ask } = probeList<Probe>();
  const batch = 3;
  const data = { x: binary(rng, [batch, 8]), mean: randn(rng, [batch, 2]), logVar: randn(rng, [batch, 2], 0.5), logits: randn(rng, [batch, 8], 2) };
  const at = new Map<number, number>([1, 4, 0].map((beta) => [beta, ask({ ...data, beta })]));
  const ref = (beta: number): Terms => {
    const t = refElbo(tensor2d(data.x), { mean: tensor2d(data.mean), logVar: tensor2d(data.logVar), logits: tensor2d(data.logits) }, { beta });
    return { recon: t.recon.dataSync()[0], kl: t.kl.dataSync()[0], loss: t.loss.dataSync()[0], elbo: t.elbo.dataSync()[0] };
  };
  return {
    probes,
    judge(run, answers) {
      const terms = (beta: number) => unwrap(answers[at.get(beta) as number]) as Record<keyof Terms, Matrix>;
      const termCase = (name: string, beta: number, key: keyof Terms, extra: (e: number) => { values: number[]; hint: string }[]) => {
        run.core(name, () => {
          const e = ref(beta)[key];
          const t = terms(beta)[key];
          if (t.shape.length !== 0) {
            return fail('a scalar (shape [])', `shape ${fmtShape(t.shape)}`, `average over the batch: ${key} is one number in nats per example (tf.mean)`);
          }
          const alts = [
            { values: [-e], hint: `sign error in ${key}: recon = −E[log p(x|z)] ≥ 0, kl ≥ 0, loss = recon + β·kl, elbo = −(recon + kl)` },
            { values: [e * batch], hint: `${key} is ${batch}× too large: take the mean over the batch (nats per example), not the sum` },
            ...extra(e),
          ];
          return compareTensor({ shape: [], values: [e] }, t, { alternatives: alts, hint: 'recon = −mean(log p(x|z)), kl = mean(KL), loss = recon + β·kl, elbo = −(recon + kl)' });
        });
      };
      const refs1 = () => ref(1);
      termCase('recon = −mean over the batch of log p(x|z)', 1, 'recon', () => [
        { values: [refs1().recon / 8], hint: 'sum log p(x|z) over the pixels (then average over the batch), do not average over pixels' },
      ]);
      termCase('kl = mean over the batch of the Gaussian KL', 1, 'kl', () => [{ values: [refs1().kl / 2], hint: 'sum the KL over the latent dimensions (then average over the batch)' }]);
      termCase('loss with β = 1 is recon + kl', 1, 'loss', () => []);
      termCase('loss with β = 4 weights the KL: recon + 4·kl', 4, 'loss', () => [
        { values: [refs1().loss], hint: 'β is ignored: loss = recon + β·kl' },
        { values: [refs1().recon * 4 + refs1().kl], hint: 'β multiplies the KL, not the reconstruction term' },
      ]);
      termCase('loss with β = 0 is the reconstruction alone', 0, 'loss', () => [{ values: [refs1().loss], hint: 'β is ignored: loss = recon + β·kl' }]);
      termCase('elbo = −(recon + kl) whatever β (here β = 4)', 4, 'elbo', () => [
        { values: [-ref(4).loss], hint: 'the ELBO is the bound itself: β weights the loss only, elbo = −(recon + kl)' },
        { values: [ref(4).loss], hint: 'the ELBO is −(recon + kl): β weights the loss only, and the sign is negative' },
      ]);
      run.case('recon ≥ 0, kl ≥ 0, elbo ≤ 0', () => {
        const t = terms(1);
        const [recon, kl, elbo] = [t.recon, t.kl, t.elbo].map((m) => (m.values.length === 1 ? m.values[0] : NaN));
        const ok = recon >= -1e-5 && kl >= -1e-5 && elbo <= 1e-5;
        return ok ? PASS : fail('recon ≥ 0, kl ≥ 0, elbo ≤ 0', `recon ${fmtNum(recon)}, kl ${fmtNum(kl)}, elbo ${fmtNum(elbo)}`, 'recon is a negative log-likelihood (≥ 0), the KL is ≥ 0, and the ELBO is a log-probability bound (≤ 0 for binary pixels)');
      });
    },
  };
}

/**
 * The solution cell (scripts/codegen/exercises.ts copies its source): the library's `elbo` takes an options
 * object (likelihood, free bits, …); the exercise's is the plain bound with β, built on the two answers above.
 */
export function elbo(
  x: tf.Tensor2D,
  out: { mean: tf.Tensor2D; logVar: tf.Tensor2D; logits: tf.Tensor2D },
  beta: number,
): { recon: tf.Scalar; kl: tf.Scalar; loss: tf.Scalar; elbo: tf.Scalar } {
  return tf.tidy(() => {
    const recon = tf.neg(tf.mean(bernoulliLogLikelihood(x, out.logits))) as tf.Scalar;
    const kl = tf.mean(klDivergence(out.mean, out.logVar)) as tf.Scalar;
    const loss = tf.add(recon, tf.mul(kl, beta)) as tf.Scalar;
    return { recon, kl, loss, elbo: tf.neg(tf.add(recon, kl)) as tf.Scalar };
  });
}

const demo: NotebookCell = {
  kind: 'demo',
  code: `
    const { test } = vae.loadData({ limit: 200 });
    const model = vae.createVAE({ seed: 0 });
    const terms = tf.tidy(() => {
      const x = vae.toTensor(vae.subset(test, 16)); // [16, 784]
      const { mean, logVar } = model.encode(x); // [16, 20] each
      const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', 1) as tf.Tensor2D;
      const logits = model.decode(reparameterize(mean, logVar, eps)); // [16, 784]
      const mine = elbo(x, { mean, logVar, logits }, 1);
      const ref = vae.elbo(x, { mean, logVar, logits });
      return { mine: mine.elbo.dataSync()[0], library: ref.elbo.dataSync()[0] };
    });
    console.log(\`ELBO of an untrained VAE: yours \${terms.mine.toFixed(2)} nats, library \${terms.library.toFixed(2)} nats\`);
    model.dispose();
  `,
};

export const notebook: ExerciseNotebook = {
  text: `
    With one sample $z$ per example, the negative ELBO splits into a reconstruction term and the KL term, both in nats
    per example (averaged over the batch):

    $$
    \\texttt{recon} = -\\frac{1}{B}\\sum_b \\log p(x_b \\mid z_b), \\qquad
    \\texttt{kl} = \\frac{1}{B}\\sum_b \\mathrm{KL}\\big(q(z \\mid x_b) \\,\\|\\, p(z)\\big),
    $$

    $$
    \\texttt{loss} = \\texttt{recon} + \\beta \\cdot \\texttt{kl}, \\qquad \\texttt{elbo} = -(\\texttt{recon} + \\texttt{kl}).
    $$

    β weights the KL term in the loss only (chapter 4); the ELBO itself does not depend on it. Implement
    \`elbo(x, { mean, logVar, logits }, beta)\` returning the four scalars; use your functions from above (so fix those
    first: a wrong KL makes this check fail too).
  `,
  stub: `
    function elbo(
      x: tf.Tensor2D,
      out: { mean: tf.Tensor2D; logVar: tf.Tensor2D; logits: tf.Tensor2D },
      beta: number,
    ): { recon: tf.Scalar; kl: tf.Scalar; loss: tf.Scalar; elbo: tf.Scalar } {
      // Return the four terms as scalar tensors in nats per example: the reconstruction term, the KL term,
      // the β-weighted loss the optimiser minimises, and the bound itself.
      throw new Error('TODO: implement elbo');
    }
  `,
  solution: { module: 'coursework/exercises/elbo', functions: ['elbo'] },
  check: 'check.elbo(elbo);',
  after: [
    {
      kind: 'md',
      text: `
        ## Your pieces on a real VAE

        The cell runs an (untrained) VAE on 16 test digits with your \`reparameterize\` and \`elbo\`, and prints your
        ELBO next to the library's. With the same noise they agree.
      `,
    },
    demo,
  ],
};
