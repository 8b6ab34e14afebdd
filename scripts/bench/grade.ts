/**
 * How long grading a class takes (issues 5 and 14): writes a class of 03-vae submissions — reference answers,
 * untouched stubs and typical mistakes, in a fixed mix — and grades them with `gradeClass`, as `npm run grade`
 * does (a kernel of its own per submission, sandboxed where bubblewrap works, `--jobs` at a time).
 *
 *   npx tsx scripts/bench/grade.ts [--count 50] [--jobs 2] [--sandbox auto|bwrap|none] [--keep DIR]
 *
 * Prints the wall time, seconds per submission, the score of every kind of submission (each kind must score
 * the same every time) and the machine's load average before and after (other work on the machine slows the
 * kernels down: compare runs on a quiet machine).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_GRADE_CONFIG, gradeClass } from '../../grade';
import type { SandboxChoice } from '../grading/config';
import { oneOf, parseFlags, positiveInt, type Command } from '../flags';

const COMMAND: Command = {
  name: 'bench-grade',
  usage: `usage: npx tsx scripts/bench/grade.ts [--count 50] [--jobs 2] [--sandbox auto|bwrap|none] [--keep DIR]
  --count N     submissions in the class (default 50)
  --jobs N      submissions graded at once (default ${DEFAULT_GRADE_CONFIG.jobs})
  --sandbox S   as npm run grade's (default auto)
  --keep DIR    write the class and the grader's output there and keep them`,
};

const ROOT = path.resolve(__dirname, '..', '..');

interface Nb {
  cells: { id: string; source: string[] | string }[];
}

/** The kinds of submission in the class, cycled: what a class hands in, roughly. */
const KINDS: { name: string; edit: (nb: Nb) => void; from: 'solution' | 'student' }[] = [
  { name: 'correct', from: 'solution', edit: () => undefined },
  { name: 'untouched', from: 'student', edit: () => undefined },
  {
    name: 'kl-missing-half',
    from: 'solution',
    edit: (nb) => setSource(nb, 'answer-kl', 'function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {\n  return tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(logVar, 1)), 1) as tf.Tensor1D;\n}'),
  },
  {
    name: 'no-gradient',
    from: 'solution',
    edit: (nb) =>
      setSource(nb, 'answer-reparameterize', 'function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {\n  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));\n  return tf.tensor2d(Array.from(z.dataSync()), mean.shape);\n}'),
  },
  {
    name: 'syntax-error',
    from: 'solution',
    edit: (nb) => setSource(nb, 'answer-bernoulli-ll', 'function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {\n  return tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), 1 as tf.Tensor1D;\n}'),
  },
  {
    name: 'library-call',
    from: 'solution',
    edit: (nb) => setSource(nb, 'answer-kl', 'function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {\n  return vae.klDivergence(mean, logVar);\n}'),
  },
];

function setSource(nb: Nb, id: string, source: string): void {
  const cell = nb.cells.find((c) => c.id === id);
  if (!cell) throw new Error(`bench-grade: no cell ${id}`);
  cell.source = source;
}

function options(): { count: number; jobs: number; sandbox: SandboxChoice; keep?: string } {
  const values = parseFlags(COMMAND, { count: { type: 'string' }, jobs: { type: 'string' }, sandbox: { type: 'string' }, keep: { type: 'string' } });
  return {
    count: positiveInt(COMMAND, 'count', values.count) ?? 50,
    jobs: positiveInt(COMMAND, 'jobs', values.jobs) ?? DEFAULT_GRADE_CONFIG.jobs,
    sandbox: oneOf<SandboxChoice>(COMMAND, 'sandbox', values.sandbox, ['auto', 'bwrap', 'none']) ?? 'auto',
    keep: values.keep,
  };
}

async function main(): Promise<void> {
  const { count, jobs, sandbox, keep } = options();
  const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'bench-grade-'));
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const kinds = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'exercises', ...(kind.from === 'solution' ? ['solutions'] : []), '03-vae.ipynb'), 'utf8')) as Nb;
    kind.edit(nb);
    const name = `student${String(i + 1).padStart(3, '0')}-03-vae`;
    fs.writeFileSync(path.join(dir, `${name}.ipynb`), JSON.stringify(nb));
    files.push(path.join(dir, `${name}.ipynb`));
    kinds.set(name, kind.name);
  }
  const loadBefore = os.loadavg()[0];
  const t0 = Date.now();
  const result = await gradeClass(files, { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'out'), jobs, sandbox, print: false });
  const seconds = (Date.now() - t0) / 1000;
  const loadAfter = os.loadavg()[0];
  const grades = result.grades;
  const byKind = new Map<string, number[]>();
  for (const g of grades) byKind.set(kinds.get(g.name) ?? '?', [...(byKind.get(kinds.get(g.name) ?? '?') ?? []), g.score]);
  console.log(`graded ${count} submissions of 03-vae, ${jobs} at a time, ${result.sandbox.mode === 'bwrap' ? 'sandboxed (bubblewrap)' : `UNSANDBOXED (${result.sandbox.why})`}, in ${seconds.toFixed(1)} s (${(seconds / count).toFixed(2)} s per submission)`);
  console.log(`per-submission time inside the grader: min ${Math.min(...grades.map((g) => g.seconds))} s, max ${Math.max(...grades.map((g) => g.seconds))} s`);
  for (const [kind, scores] of byKind) console.log(`  ${kind.padEnd(16)} scores ${[...new Set(scores)].join(', ')} of ${grades[0].maxScore} (${scores.length} submissions)`);
  // A submission scored unlike the others of its kind: show why (a slow or failed kernel start, a killed cell …).
  for (const g of grades) {
    const same = byKind.get(kinds.get(g.name) ?? '?') ?? [];
    const usual = same.filter((x) => x === g.score).length * 2 > same.length;
    if (!usual) console.log(`  odd one out: ${g.name} (${kinds.get(g.name)}) ${g.score} in ${g.seconds} s, ${g.passes} run(s): ${[...g.problems, ...g.exercises.flatMap((e) => e.notes.map((n) => `${e.id}: ${n}`))].join(' | ')}`);
  }
  console.log(`machine: ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
