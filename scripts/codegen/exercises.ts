/**
 * Writes the exercise notebooks from one source, so a student notebook and its
 * solution never drift apart: exercises/<chapter>.ipynb (answer cells hold a
 * stub that throws) and exercises/solutions/<chapter>.ipynb (the reference
 * answers the book shows in its solution toggles). Everything else — the
 * explanations, the set-up, the check cells — is shared.
 *
 *   npx tsx scripts/codegen/exercises.ts           # (re)write the notebooks
 *   npx tsx scripts/codegen/exercises.ts --check   # exit 1 if a stored notebook differs (test/grade.test.ts)
 *
 * Answer cells carry metadata {"exercise": {"id", "points"}} and the tag
 * "answer"; check cells carry the tag "check". Notebooks are
 * stored without outputs, with fixed cell ids, so regenerating is byte-stable.
 */
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { BETA_SWEEP, EXERCISES, ExerciseChapter, exerciseById } from '../../lib/coursework/exercises';
import { ARTICLE_TRAINING, BUGGY_PORT } from '../../lib/coursework/check-article';

type Cell =
  | { kind: 'md'; text: string }
  | { kind: 'code'; code: string; tags?: string[] }
  | { kind: 'answer'; exercise: string; stub: string; solution: string }
  | { kind: 'check'; exercise: string; code: string };

const md = (text: string): Cell => ({ kind: 'md', text });
const code = (src: string, tags?: string[]): Cell => ({ kind: 'code', code: src, tags });
/** A cell the answers do not need (a figure, a training run to look at): the grader leaves it out. */
const demo = (src: string): Cell => code(src, ['demo']);
const answer = (exercise: string, stub: string, solution: string): Cell => ({ kind: 'answer', exercise, stub, solution });
const checkCell = (exercise: string, src: string): Cell => ({ kind: 'check', exercise, code: src });

/** Removes the common indentation of a template literal and its first/last blank lines. */
function dedent(s: string): string {
  const lines = s.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function intro(chapter: string, title: string, body: string): Cell {
  return md(dedent(`
    # Exercises: ${title} (chapter ${chapter})

    ${body}

    **How this notebook works.** Cells marked *answer* (tag \`answer\`) are yours: replace the stub that throws
    \`TODO\` with your code, keeping the function's name and signature. Run the *check* cell below each answer: it
    calls your function on reference cases, compares the results with the library's implementation (within float32
    tolerances, shapes included, gradients where they matter) and prints what passed, what failed — expected against
    got — and a hint. Your teacher grades (\`npm run grade\`) with the same checks on inputs drawn afresh for every
    grading run, in a kernel of its own that runs the set-up and your answer cells but not the check cells or the
    demonstrations (tag \`demo\`). It runs them without the library's own implementations of this chapter's
    exercises, so an answer that calls one of those (\`vae.klDivergence\`, say) scores 0 there; the check warns you
    when it sees that. Keep one answer per answer cell; do not delete or duplicate answer cells.
  `));
}

const SETUP = dedent(`
  import * as tf from '@tensorflow/tfjs';
  import * as vae from './lib/index';
  import { check, show, showDigits, showTable, pick } from './lib/index';

  const backend = await vae.initBackend();
  console.log(vae.describeBackend(backend));
`);

// ------------------------------------------------------------------ 02-autoencoder

const CH02: Cell[] = [
  intro('2', 'the autoencoder', dedent(`
    The autoencoder of chapter 2 compresses each digit into a short code, but it is not a generative model: decoding
    random points gives mostly garbage, because nothing says where in code space the digits are. Here you fit the
    simplest possible distribution to the codes — a Gaussian — and decode samples from it (chapter 2, exercise 5).
  `)),
  code(SETUP),
  md(dedent(`
    ## A two-dimensional code space

    Train a small autoencoder with a 2-D code, as in notebook \`01-autoencoder\`, and collect the codes of the training
    digits as a list of points \`[z1, z2]\`.
  `)),
  demo(dedent(`
    const { train } = vae.loadData({ limit: pick({ quick: 1000, full: 8000 }) });
    const ae = vae.createAutoencoder({ latentDim: 2, seed: 0 });
    await vae.train(ae, train, { epochs: pick({ quick: 2, full: 10 }), seed: 0, progress: false });
    const codes = vae.latentMeans(ae, train); // codes.points: [train.size * 2], row-major
    const points: number[][] = [];
    for (let n = 0; n < train.size; n++) points.push([codes.points[2 * n], codes.points[2 * n + 1]]);
    show(vae.latentScatter(codes.points, codes.labels, { title: 'Codes of the training digits' }));
  `)),
  md(dedent(`
    ## Exercise 1: a Gaussian fitted to the codes (\`fit-gaussian\`, 2 points)

    The maximum-likelihood Gaussian of $N$ points $z_1, \\dots, z_N \\in \\mathbb{R}^d$ has the sample mean and the
    sample covariance:

    $$
    \\mu = \\frac{1}{N} \\sum_{n=1}^{N} z_n, \\qquad
    \\Sigma = \\frac{1}{N} \\sum_{n=1}^{N} (z_n - \\mu)(z_n - \\mu)^\\top,
    \\quad\\text{i.e.}\\quad \\Sigma_{ij} = \\frac{1}{N} \\sum_n (z_{ni} - \\mu_i)(z_{nj} - \\mu_j).
    $$

    Implement \`fitGaussian(points)\` for points of any dimension $d$: return \`{ mean, cov }\` with \`mean\` a list of
    $d$ numbers and \`cov\` a list of $d$ rows of $d$ numbers. Leave \`points\` unchanged. (The unbiased
    $\\frac{1}{N-1}$ is accepted too.)
  `)),
  answer(
    'fit-gaussian',
    dedent(`
      function fitGaussian(points: number[][]): { mean: number[]; cov: number[][] } {
        // points: N codes of d numbers each → mean (d numbers) and covariance (d rows of d numbers)
        throw new Error('TODO: implement fitGaussian');
      }
    `),
    dedent(`
      function fitGaussian(points: number[][]): { mean: number[]; cov: number[][] } {
        const n = points.length;
        const d = points[0].length;
        const mean = new Array<number>(d).fill(0);
        for (const p of points) for (let j = 0; j < d; j++) mean[j] += p[j] / n;
        const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
        for (const p of points) {
          for (let i = 0; i < d; i++) {
            for (let j = 0; j < d; j++) cov[i][j] += ((p[i] - mean[i]) * (p[j] - mean[j])) / n;
          }
        }
        return { mean, cov };
      }
    `),
  ),
  checkCell('fit-gaussian', 'check.fitGaussian(fitGaussian);'),
  md(dedent(`
    ## Decoding samples from the fitted Gaussian

    With the Cholesky factor $L$ of $\\Sigma$ ($\\Sigma = L L^\\top$), $z = \\mu + L\\varepsilon$ with
    $\\varepsilon \\sim \\mathcal{N}(0, I)$ has mean $\\mu$ and covariance $\\Sigma$. In two dimensions
    $L = \\begin{pmatrix} \\sqrt{\\Sigma_{11}} & 0 \\\\ \\Sigma_{21} / L_{11} & \\sqrt{\\Sigma_{22} - L_{21}^2} \\end{pmatrix}$.
    The cell decodes 100 such codes. Compare them with the random decodes of notebook \`01-autoencoder\`: which of the
    chapter's three problems does the Gaussian fix, and which remain?
  `)),
  demo(dedent(`
    const fitted = fitGaussian(points);
    const L11 = Math.sqrt(fitted.cov[0][0]);
    const L21 = fitted.cov[1][0] / L11;
    const L22 = Math.sqrt(fitted.cov[1][1] - L21 * L21);
    const rng = new vae.Rng(0);
    const samples: number[] = [];
    for (let s = 0; s < 100; s++) {
      const e1 = rng.normal();
      const e2 = rng.normal();
      samples.push(fitted.mean[0] + L11 * e1, fitted.mean[1] + L21 * e1 + L22 * e2);
    }
    showDigits(vae.decodeLatents(ae, samples), { cols: 10 });
  `)),
];

// ------------------------------------------------------------------ 03-vae

const CH03: Cell[] = [
  intro('3', 'the variational autoencoder', dedent(`
    Four pieces make a VAE's loss: the reparameterized sample, the Gaussian KL divergence in closed form, the
    Bernoulli log-likelihood of the decoder's logits, and the ELBO that combines them (chapter 3, exercises 6–9).
    All functions take tensors shaped \`[batch, dim]\`.
  `)),
  code(SETUP),
  md(dedent(`
    ## Exercise 1: the reparameterization trick (\`reparameterize\`, 2 points)

    The encoder outputs the mean $\\mu$ and the log-variance $\\log\\sigma^2$ (\`logVar\`) of
    $q(z \\mid x) = \\mathcal{N}(\\mu, \\operatorname{diag}\\sigma^2)$. Instead of sampling $z$ directly, write it as a
    deterministic function of $(\\mu, \\log\\sigma^2)$ and outside noise $\\varepsilon \\sim \\mathcal{N}(0, I)$:

    $$
    z = \\mu + \\sigma \\odot \\varepsilon, \\qquad \\sigma = \\exp\\big(\\tfrac{1}{2} \\log\\sigma^2\\big).
    $$

    Implement \`reparameterize(mean, logVar, eps)\` (all \`[batch, latentDim]\`, result too). Use tf ops only
    (\`tf.add\`, \`tf.mul\`, \`tf.exp\`): the check differentiates $z$ with respect to \`mean\` and \`logVar\`
    ($\\partial z / \\partial \\mu = 1$, $\\partial z / \\partial \\log\\sigma^2 = \\tfrac{1}{2}\\sigma \\odot \\varepsilon$). A $z$ rebuilt
    from copied numbers (\`dataSync\`) or drawn with \`tf.randomNormal\` carries no gradient to the encoder.
  `)),
  answer(
    'reparameterize',
    dedent(`
      function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
        // z = mean + exp(logVar / 2) ⊙ eps   [batch, latentDim]
        throw new Error('TODO: implement reparameterize');
      }
    `),
    dedent(`
      function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
        return tf.tidy(() => {
          const sigma = tf.exp(tf.mul(logVar, 0.5)); // [batch, latentDim]
          return tf.add(mean, tf.mul(sigma, eps)) as tf.Tensor2D; // [batch, latentDim]
        });
      }
    `),
  ),
  checkCell('reparameterize', 'check.reparameterize(reparameterize);'),
  md(dedent(`
    ## Exercise 2: the KL divergence in closed form (\`kl\`, 2 points)

    For $q = \\mathcal{N}(\\mu, \\operatorname{diag}\\sigma^2)$ and the prior $p = \\mathcal{N}(0, I)$ (chapter 3):

    $$
    \\mathrm{KL}(q \\,\\|\\, p) = \\frac{1}{2} \\sum_{j=1}^{d} \\big( \\sigma_j^2 + \\mu_j^2 - 1 - \\log\\sigma_j^2 \\big).
    $$

    Implement \`klDivergence(mean, logVar)\`: one value per example (shape \`[batch]\`), summed over the latent
    dimensions. It is never negative, and zero exactly when $\\mu = 0$ and $\\sigma = 1$.
  `)),
  answer(
    'kl',
    dedent(`
      function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
        // ½ Σ_j (exp(logVar_j) + mean_j² − 1 − logVar_j)   [batch]
        throw new Error('TODO: implement klDivergence');
      }
    `),
    dedent(`
      function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
        return tf.tidy(() => {
          const perDim = tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(logVar, 1)); // [batch, latentDim]
          return tf.mul(tf.sum(perDim, 1), 0.5) as tf.Tensor1D; // [batch]
        });
      }
    `),
  ),
  checkCell('kl', 'check.klDivergence(klDivergence);'),
  md(dedent(`
    ## Exercise 3: the Bernoulli log-likelihood from logits (\`bernoulli-ll\`, 2 points)

    The decoder outputs logits $\\ell_i$; pixel $i$ is on with probability $\\operatorname{sigmoid}(\\ell_i)$. Since
    $\\log \\operatorname{sigmoid}(\\ell) = \\ell - \\operatorname{softplus}(\\ell)$ and
    $\\log(1 - \\operatorname{sigmoid}(\\ell)) = -\\operatorname{softplus}(\\ell)$,

    $$
    \\log p(x \\mid z) = \\sum_i \\big[ x_i \\log \\operatorname{sigmoid}(\\ell_i) + (1 - x_i) \\log(1 - \\operatorname{sigmoid}(\\ell_i)) \\big]
    = \\sum_i \\big( x_i \\ell_i - \\operatorname{softplus}(\\ell_i) \\big).
    $$

    Implement \`bernoulliLogLikelihood(x, logits)\`: one value per example (shape \`[batch]\`), summed over pixels.
    Use the right-hand form (\`tf.softplus\`): \`log(sigmoid(ℓ))\` rounds to \`log(0) = −Infinity\` in float32 for
    logits of ±100, which the check tries.
  `)),
  answer(
    'bernoulli-ll',
    dedent(`
      function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
        // Σ_i x_i·l_i − softplus(l_i)   [batch]
        throw new Error('TODO: implement bernoulliLogLikelihood');
      }
    `),
    dedent(`
      function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
        return tf.tidy(() => tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), 1) as tf.Tensor1D); // [batch]
      }
    `),
  ),
  checkCell('bernoulli-ll', 'check.bernoulliLogLikelihood(bernoulliLogLikelihood);'),
  md(dedent(`
    ## Exercise 4: the ELBO (\`elbo\`, 2 points)

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
  `)),
  answer(
    'elbo',
    dedent(`
      function elbo(
        x: tf.Tensor2D,
        out: { mean: tf.Tensor2D; logVar: tf.Tensor2D; logits: tf.Tensor2D },
        beta: number,
      ): { recon: tf.Scalar; kl: tf.Scalar; loss: tf.Scalar; elbo: tf.Scalar } {
        throw new Error('TODO: implement elbo');
      }
    `),
    dedent(`
      function elbo(
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
    `),
  ),
  checkCell('elbo', 'check.elbo(elbo);'),
  md(dedent(`
    ## Your pieces on a real VAE

    The cell runs an (untrained) VAE on 16 test digits with your \`reparameterize\` and \`elbo\`, and prints your
    ELBO next to the library's. With the same noise they agree.
  `)),
  demo(dedent(`
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
  `)),
];

// ------------------------------------------------------------------ 04-training

/** The model of the β sweep, as the notebook creates it (lib/coursework/exercises.ts's BETA_SWEEP; the grader trains the same). */
const CREATE_SWEEP_VAE = `vae.createVAE({ latentDim: latentDim, hiddenUnits: [${BETA_SWEEP.hiddenUnits.join(', ')}], seed: ${BETA_SWEEP.seed} })`;

const CH04: Cell[] = [
  intro('4', 'training in practice', dedent(`
    Two knobs of chapter 4: a KL warm-up schedule, and the weight β of the KL term, whose sweep shows posterior
    collapse as the number of active units falls (chapter 4, exercise 5).
  `)),
  code(SETUP),
  code(dedent(`
    const { train, test } = vae.loadData(pick(${JSON.stringify(BETA_SWEEP.data).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ').replace(/\{/g, '{ ').replace(/\}/g, ' }').replace(/\{  \}/g, '{}')}));
    const latentDim = ${BETA_SWEEP.latentDim};
    console.log(\`\${train.size} training and \${test.size} test digits, latentDim \${latentDim}\`);
  `)),
  md(dedent(`
    ## Exercise 1: a linear KL warm-up (\`kl-warmup\`, 1 point)

    Starting with a small β lets the decoder learn to use $z$ before the KL term pulls the posterior onto the prior
    (Bowman et al. 2016). The linear warm-up over $T$ steps is

    $$
    \\beta(t) = \\beta_{\\max} \\cdot \\min\\!\\left(1, \\frac{t}{T}\\right), \\qquad t = 0, 1, 2, \\dots,
    $$

    and $T = 0$ means no warm-up ($\\beta = \\beta_{\\max}$ from the start). Implement
    \`warmupBeta(step, warmupSteps, betaMax)\`. (The library's \`vae.klWarmup({ warmupSteps, betaMax })\` returns the
    same schedule as a function of the step, for \`train\`'s \`beta\` option.)
  `)),
  answer(
    'kl-warmup',
    dedent(`
      function warmupBeta(step: number, warmupSteps: number, betaMax: number): number {
        throw new Error('TODO: implement warmupBeta');
      }
    `),
    dedent(`
      function warmupBeta(step: number, warmupSteps: number, betaMax: number): number {
        if (warmupSteps === 0) return betaMax;
        return betaMax * Math.min(1, Math.max(0, step) / warmupSteps);
      }
    `),
  ),
  checkCell('kl-warmup', 'check.klWarmup(warmupBeta);'),
  md(dedent(`
    ## Exercise 2: sweep β and count active units (\`beta-sweep\`, 3 points)

    For each β in a list, train a fresh VAE (\`${CREATE_SWEEP_VAE}\`) with
    \`vae.train(model, train, { epochs, beta, seed: ${BETA_SWEEP.seed}, progress: false })\`, then measure on the test digits:

    * \`recon\` and \`kl\` in nats per example: \`vae.evaluate(model, test)\`;
    * the active units, the latent dimensions whose posterior mean varies across the data,
      $\\operatorname{Cov}_x\\big(\\mathbb{E}_{q(z \\mid x)}[z_j]\\big) > 0.01$ (Burda et al. 2016): \`vae.activeUnits(model, test).count\`.

    Return one row \`{ beta, recon, kl, activeUnits }\` per β, in the order of \`betas\`, and dispose each model when you
    are done with it (\`model.dispose()\`). The next cell runs your sweep; the check looks at its result
    \`sweepResult\`: well-formed rows, a range of β, a KL that falls as β grows and active units that do not grow. The
    grader calls \`sweepBeta\` itself, with three β of its choosing, and compares your rows with models it trains the
    same way (same data, architecture and seeds): use exactly the model and training options above.

    *A tslab quirk:* inside a function, write \`{ latentDim: latentDim }\` rather than the shorthand \`{ latentDim }\` for
    a name defined in another cell; tslab 1.0 does not resolve the shorthand and throws \`latentDim is not defined\`.
  `)),
  answer(
    'beta-sweep',
    dedent(`
      async function sweepBeta(betas: number[], epochs: number): Promise<BetaSweepRow[]> {
        // one fresh VAE per β: train, then evaluate(model, test) and activeUnits(model, test).count
        throw new Error('TODO: implement sweepBeta');
      }
    `),
    dedent(`
      async function sweepBeta(betas: number[], epochs: number): Promise<BetaSweepRow[]> {
        const rows: BetaSweepRow[] = [];
        for (const beta of betas) {
          const model = ${CREATE_SWEEP_VAE};
          await vae.train(model, train, { epochs, beta, seed: ${BETA_SWEEP.seed}, progress: false });
          const { recon, kl } = vae.evaluate(model, test);
          rows.push({ beta, recon, kl, activeUnits: vae.activeUnits(model, test).count });
          model.dispose();
        }
        return rows;
      }
    `),
  ),
  demo(dedent(`
    const sweepResult = await sweepBeta(pick({ quick: [0, 1, 4], full: [0, 0.5, 1, 2, 4] }), pick({ quick: ${BETA_SWEEP.epochs.quick}, full: ${BETA_SWEEP.epochs.full} }));
    showTable(sweepResult.map((r) => ({ ...r })));
  `)),
  checkCell('beta-sweep', 'check.betaSweep(sweepResult, { latentDim: latentDim });'),
  demo(dedent(`
    show(vae.lineChart(
      { x: sweepResult.map((r) => r.beta), ys: [{ name: 'active units', y: sweepResult.map((r) => r.activeUnits) }, { name: 'KL (nats)', y: sweepResult.map((r) => r.kl) }] },
      { title: 'Posterior collapse as β grows', xTitle: 'β' },
    ));
  `)),
  md(dedent(`
    Which β keeps all units active, and at which does the code collapse? How does \`recon\` change along the way?
  `)),
];

// ------------------------------------------------------------------ 05-generation

const CH05: Cell[] = [
  intro('5', 'generation and the latent space', dedent(`
    Paths between two codes show how smoothly the decoder moves between digits. A straight line cuts through the
    middle of the prior, where codes of high-dimensional Gaussians are rare; the spherical path keeps their typical
    norm (chapter 5, exercises 6 and 7).
  `)),
  code(SETUP),
  md(dedent(`
    ## Exercise 1: linear interpolation (\`lerp\`, 1 point)

    $$
    \\operatorname{lerp}(a, b; t) = (1 - t)\\, a + t\\, b, \\qquad t \\in [0, 1].
    $$

    Implement \`lerp(a, b, t)\` on plain arrays of numbers (one per latent dimension); return a new array.
  `)),
  answer(
    'lerp',
    dedent(`
      function lerp(a: number[], b: number[], t: number): number[] {
        throw new Error('TODO: implement lerp');
      }
    `),
    dedent(`
      function lerp(a: number[], b: number[], t: number): number[] {
        return a.map((ai, i) => (1 - t) * ai + t * b[i]);
      }
    `),
  ),
  checkCell('lerp', 'check.lerp(lerp);'),
  md(dedent(`
    ## Exercise 2: spherical interpolation (\`slerp\`, 2 points)

    With $\\Omega$ the angle between $a$ and $b$, $\\cos\\Omega = \\dfrac{a \\cdot b}{\\lVert a\\rVert\\,\\lVert b\\rVert}$
    (Shoemake 1985; White 2016 for latent spaces):

    $$
    \\operatorname{slerp}(a, b; t) = \\frac{\\sin\\big((1 - t)\\Omega\\big)}{\\sin\\Omega}\\, a + \\frac{\\sin(t\\Omega)}{\\sin\\Omega}\\, b.
    $$

    When $a$ and $b$ are (nearly) parallel, $\\sin\\Omega \\approx 0$: fall back to \`lerp\` (say when
    $\\sin\\Omega < 10^{-6}$), and clamp $\\cos\\Omega$ to $[-1, 1]$ before \`Math.acos\` (rounding can push it just past
    1, and \`Math.acos\` of that is \`NaN\`).
  `)),
  answer(
    'slerp',
    dedent(`
      function slerp(a: number[], b: number[], t: number): number[] {
        throw new Error('TODO: implement slerp');
      }
    `),
    dedent(`
      function slerp(a: number[], b: number[], t: number): number[] {
        let dot = 0;
        let na = 0;
        let nb = 0;
        for (let i = 0; i < a.length; i++) {
          dot += a[i] * b[i];
          na += a[i] * a[i];
          nb += b[i] * b[i];
        }
        if (na === 0 || nb === 0) return lerp(a, b, t);
        const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))));
        const sin = Math.sin(omega);
        if (sin < 1e-6) return lerp(a, b, t);
        const wa = Math.sin((1 - t) * omega) / sin;
        const wb = Math.sin(t * omega) / sin;
        return a.map((ai, i) => wa * ai + wb * b[i]);
      }
    `),
  ),
  checkCell('slerp', 'check.slerp(slerp);'),
  md(dedent(`
    ## Both paths between two digits

    The cell trains a small VAE, encodes two test digits, and decodes ten codes along each path (top row: \`lerp\`,
    bottom row: \`slerp\`). It prints the norm of the codes along both paths, for the two digits and for two samples
    from the prior: which path dips towards the origin, and when is the dip large?
  `)),
  demo(dedent(`
    const { train, test } = vae.loadData({ limit: pick({ quick: 1000, full: 8000 }) });
    const model = vae.createVAE({ latentDim: 20, seed: 0 });
    await vae.train(model, train, { epochs: pick({ quick: 2, full: 10 }), seed: 0, progress: false });
    // The first test digits labelled 0 and 1: two different digits, far apart in code space.
    const ends = vae.latentMeans(model, vae.subset(test, [test.labels.indexOf(0), test.labels.indexOf(1)]));
    const d = ends.latentDim;
    const za = Array.from(ends.points.slice(0, d));
    const zb = Array.from(ends.points.slice(d, 2 * d));
    const ts = Array.from({ length: 10 }, (_, i) => i / 9);
    const linear = ts.map((t) => lerp(za, zb, t));
    const spherical = ts.map((t) => slerp(za, zb, t));
    const norm = (z: number[]) => Math.sqrt(z.reduce((s, v) => s + v * v, 0));
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
  `)),
];

// ------------------------------------------------------------------ 06-beyond

const CH06: Cell[] = [
  intro('6', 'beyond the basic VAE', dedent(`
    The ELBO is a loose bound on $\\log p_\\theta(x)$. Averaging $K$ importance weights inside the logarithm gives the
    tighter importance-weighted bound of Burda et al. (2016), the standard way to report a VAE's test log-likelihood
    (chapter 6, exercise 6).
  `)),
  code(SETUP),
  md(dedent(`
    ## Exercise 1: the importance-weighted bound (\`iwae\`, 3 points)

    With $z_k = \\mu + \\sigma \\odot \\varepsilon_k$ for $k = 1, \\dots, K$ and the log-weights
    $\\log w_k = \\log p_\\theta(x \\mid z_k) + \\log p(z_k) - \\log q_\\phi(z_k \\mid x)$,

    $$
    \\mathcal{L}_K = \\log \\frac{1}{K} \\sum_{k=1}^{K} w_k = \\operatorname{logsumexp}_k(\\log w_k) - \\log K .
    $$

    $\\mathcal{L}_1$ is the one-sample ELBO; $\\mathcal{L}_K$ grows with $K$ towards $\\log p_\\theta(x)$. Implement
    \`iwaeBound(x, mean, logVar, decode, eps)\`: \`x\` is \`[batch, 784]\`, \`mean\` and \`logVar\` are
    \`[batch, latentDim]\`, \`decode\` maps codes \`[n, latentDim]\` to logits \`[n, 784]\`, and \`eps\` holds the noise,
    \`[K, batch, latentDim]\`. Return $\\mathcal{L}_K$ per example (\`[batch]\`). You may use the library's densities
    \`vae.bernoulliLogLikelihood\`, \`vae.logStandardNormal\` and \`vae.logNormal\`, and you need \`tf.logSumExp\`: the
    log-weights of real digits are around −100 nats and more, and \`exp\` of them underflows to 0.
  `)),
  answer(
    'iwae',
    dedent(`
      function iwaeBound(
        x: tf.Tensor2D,
        mean: tf.Tensor2D,
        logVar: tf.Tensor2D,
        decode: (z: tf.Tensor2D) => tf.Tensor2D,
        eps: tf.Tensor3D,
      ): tf.Tensor1D {
        throw new Error('TODO: implement iwaeBound');
      }
    `),
    dedent(`
      function iwaeBound(
        x: tf.Tensor2D,
        mean: tf.Tensor2D,
        logVar: tf.Tensor2D,
        decode: (z: tf.Tensor2D) => tf.Tensor2D,
        eps: tf.Tensor3D,
      ): tf.Tensor1D {
        return tf.tidy(() => {
          const k = eps.shape[0];
          const logW: tf.Tensor1D[] = [];
          for (let i = 0; i < k; i++) {
            const e = tf.squeeze(tf.slice(eps, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D; // [batch, latentDim]
            const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), e)) as tf.Tensor2D; // [batch, latentDim]
            const logPxz = vae.bernoulliLogLikelihood(x, decode(z)); // [batch]
            logW.push(tf.sub(tf.add(logPxz, vae.logStandardNormal(z)), vae.logNormal(z, mean, logVar)) as tf.Tensor1D);
          }
          return tf.sub(tf.logSumExp(tf.stack(logW), 0), Math.log(k)) as tf.Tensor1D; // [batch]
        });
      }
    `),
  ),
  checkCell('iwae', 'check.iwae(iwaeBound);'),
  md(dedent(`
    ## The bound on a trained VAE

    The cell trains a small VAE and evaluates your bound on 100 test digits for $K = 1, 10, 100$, next to the
    library's test ELBO and its IWAE estimate with $K = 100$ (\`vae.iwaeNll\` reports the negative, in nats). Does
    $K = 1$ agree with the ELBO on average? Does the estimate grow with $K$?
  `)),
  demo(dedent(`
    const { train, test } = vae.loadData({ limit: pick({ quick: 1000, full: 8000 }) });
    const model = vae.createVAE({ latentDim: 20, seed: 0 });
    await vae.train(model, train, { epochs: pick({ quick: 2, full: 10 }), seed: 0, progress: false });
    const few = vae.subset(test, 100);
    const rows: Record<string, string | number>[] = [];
    for (const k of [1, 10, 100]) {
      const bound = tf.tidy(() => {
        const x = vae.toTensor(few); // [100, 784]
        const { mean, logVar } = model.encode(x); // [100, 20] each
        const eps = tf.randomNormal([k, few.size, model.config.latentDim], 0, 1, 'float32', k) as tf.Tensor3D;
        return tf.mean(iwaeBound(x, mean, logVar, (z) => model.decode(z), eps)).dataSync()[0];
      });
      rows.push({ estimate: \`your L_\${k}\`, nats: bound });
    }
    rows.push({ estimate: 'library ELBO', nats: vae.evaluate(model, few).elbo });
    rows.push({ estimate: 'library IWAE, K = 100', nats: -vae.iwaeNll(model, few, { k: 100 }) });
    showTable(rows);
    model.dispose();
  `)),
];

// ------------------------------------------------------------------ 08-the-article

/**
 * The source text of top-level functions and classes of a library file, without their doc comments and `export`:
 * a solution cell copied from the code the tests run, never kept twice.
 */
function sourceOf(file: string, names: string[]): string {
  const text = fs.readFileSync(path.resolve(__dirname, '..', '..', file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
  return names
    .map((name) => {
      const decl = sf.statements.find((st) => (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === name);
      if (!decl) throw new Error(`make-exercises: ${file} has no top-level function or class ${name}`);
      return text.slice(decl.getStart(sf), decl.getEnd()).replace(/^export\s+/, '');
    })
    .join('\n\n');
}

const CH08: Cell[] = [
  intro('8', "the article's code", dedent(`
    The PyTorch VAE of the article this book grew from does not run as printed. Chapter 8 ports it to TF.js with its
    mistakes and fixes them one at a time; here you do the fixing yourself, on a port without the chapter's comments.
  `)),
  code(SETUP),
  md(dedent(`
    ## Exercise 1: debug the article's VAE (\`debug-article\`, 5 points)

    The answer cell below is the article's PyTorch VAE ported to TF.js with its mistakes, as chapter 8 of the book
    found them — but without the chapter's comments. A \`tf.layers.Layer\` plays the part of PyTorch's \`nn.Module\`:
    \`model.apply(images)\` runs the layer's \`call()\`, as calling a module runs its \`forward()\`. The article's
    training loop does this with each batch:

    \`\`\`ts
    const images = x.reshape([batch, 28, 28, 1]);              // images as a loader hands them over
    const [xHat, mean, logVar] = model.apply(images);            // the forward pass
    const cost = loss(x, xHat, mean, logVar);                    // x: [batch, 784], pixels in [0, 1]
    \`\`\`

    Find and fix every mistake until the model trains: run the cell after the answer, read the error, fix it, run
    again. Keep the names (\`ArticleVae\` with its \`encoder\` and \`decoder\`, \`articleLoss\`, \`articleVae\`) and the
    latent size of 20. The check (and the grader) builds \`articleVae(seed)\`, runs a batch of images through it and
    the loss, looks for each mistake's symptom, then trains the model for ${ARTICLE_TRAINING.epochs} epochs on
    ${ARTICLE_TRAINING.digits} digits (Adam ${ARTICLE_TRAINING.learningRate}, batches of ${ARTICLE_TRAINING.batchSize}) and asks
    for a test −ELBO under ${ARTICLE_TRAINING.bound} nats. There are five mistakes; the last one does not stop the code,
    but the check sees it.
  `)),
  answer(
    'debug-article',
    dedent(BUGGY_PORT),
    sourceOf('lib/coursework/check-article.ts', ['linear', 'ArticleVae', 'articleLoss', 'articleVae']),
  ),
  demo(dedent(`
    // One step of the article's training loop, on one batch: where does it stop?
    const { train: digits } = vae.loadData({ limit: 1000 });
    const xBatch = vae.toTensor(vae.subset(digits, 128)); // [128, 784]
    try {
      const { model, loss } = articleVae(0);
      const [xHat, mean, logVar] = model.apply(xBatch.reshape([128, 28, 28, 1])) as tf.Tensor2D[];
      console.log('loss:', loss(xBatch, xHat, mean, logVar).dataSync()[0]);
    } catch (e) {
      console.log(String(e));
    }
  `)),
  checkCell('debug-article', 'check.debugArticle(articleVae);'),
];

// ------------------------------------------------------------------ writing

const NOTEBOOKS: Record<ExerciseChapter, Cell[]> = {
  '02-autoencoder': CH02,
  '03-vae': CH03,
  '04-training': CH04,
  '05-generation': CH05,
  '06-beyond': CH06,
  '08-the-article': CH08,
};

/** Jupyter stores source as a list of lines, each but the last ending in a newline. */
function lines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l));
}

function extraImports(chapter: string, variant: 'student' | 'solution', cells: Cell[]): Cell[] {
  // 04-training's answer returns BetaSweepRow[]: import the type where the notebook imports check.
  if (chapter !== '04-training') return cells;
  return cells.map((c) => (c.kind === 'code' && c.code === SETUP ? { ...c, code: SETUP.replace("import { check, ", "import { check, BetaSweepRow, ") } : c));
}

export function buildNotebook(chapter: ExerciseChapter, variant: 'student' | 'solution'): string {
  const cells = extraImports(chapter, variant, NOTEBOOKS[chapter]);
  let n = 0;
  const out = cells.map((c) => {
    n += 1;
    const id = `${chapter}-${String(n).padStart(2, '0')}`;
    if (c.kind === 'md') return { cell_type: 'markdown', id, metadata: {}, source: lines(c.text) };
    if (c.kind === 'answer') {
      const spec = exerciseById(c.exercise);
      if (!spec || spec.chapter !== chapter) throw new Error(`make-exercises: answer '${c.exercise}' is not an exercise of ${chapter} in lib/coursework/exercises.ts`);
      return {
        cell_type: 'code',
        execution_count: null,
        id: `answer-${c.exercise}`,
        metadata: { exercise: { id: c.exercise, points: spec.points }, tags: ['answer'] },
        outputs: [],
        source: lines(variant === 'student' ? c.stub : c.solution),
      };
    }
    if (c.kind === 'check') {
      return { cell_type: 'code', execution_count: null, id: `check-${c.exercise}`, metadata: { tags: ['check'] }, outputs: [], source: lines(c.code) };
    }
    return { cell_type: 'code', execution_count: null, id, metadata: c.tags ? { tags: c.tags } : {}, outputs: [], source: lines(c.code) };
  });
  const ids = EXERCISES.filter((e) => e.chapter === chapter).map((e) => e.id);
  for (const id of ids) {
    if (!cells.some((c) => c.kind === 'answer' && c.exercise === id)) throw new Error(`make-exercises: ${chapter} has no answer cell for '${id}'`);
  }
  const nb = {
    cells: out,
    metadata: {
      coursework: { chapter, variant },
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true }, file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript', version: '5.0.4' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

export function notebookPath(root: string, chapter: string, variant: 'student' | 'solution'): string {
  return variant === 'student' ? path.join(root, 'exercises', `${chapter}.ipynb`) : path.join(root, 'exercises', 'solutions', `${chapter}.ipynb`);
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const checkOnly = process.argv.includes('--check');
  const stale: string[] = [];
  for (const chapter of Object.keys(NOTEBOOKS) as ExerciseChapter[]) {
    for (const variant of ['student', 'solution'] as const) {
      const file = notebookPath(root, chapter, variant);
      const text = buildNotebook(chapter, variant);
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      if (current === text) continue;
      if (checkOnly) stale.push(path.relative(root, file));
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
        console.log(`wrote ${path.relative(root, file)}`);
      }
    }
  }
  if (stale.length) {
    console.error(`make-exercises: out of date (run npx tsx scripts/codegen/exercises.ts): ${stale.join(', ')}`);
    process.exit(1);
  }
}

if (require.main === module) main();
