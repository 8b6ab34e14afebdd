/**
 * How long grading a class takes (issues 5, 14 and 22): writes a class of 03-vae submissions — reference
 * answers, partly correct ones, untouched stubs, typical mistakes and hostile ones (test/fixtures/tamper/), in a
 * fixed mix — and grades them with `gradeClass`, as `npm run grade` does (a kernel of its own per submission,
 * sandboxed where bubblewrap works, `--jobs` at a time).
 *
 *   npm run bench:grade -- [--count 200] [--jobs 2] [--sandbox auto|bwrap|none] [--type-check] [--keep DIR]
 *
 * Prints the wall time, seconds per submission and per submission per core, the score of every kind of
 * submission (each kind must score the same every time), the grader's peak memory (its own process and its
 * executor workers, not the kernels) in each quarter of the run — flat over the class, or it grows with it —, the
 * CPU seconds per submission of the grader and everything it started (the figure to compare on a busy machine),
 * and the machine's load average before and after (other work slows the kernels down: compare on a quiet machine).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_GRADE_CONFIG, gradeClass } from '../../grade';
import type { SandboxChoice } from '../grading/config';
import { oneOf, parseFlags, positiveInt, type Command } from '../flags';

const COMMAND: Command = {
  name: 'bench-grade',
  usage: `usage: npm run bench:grade -- [--count 200] [--jobs 2] [--sandbox auto|bwrap|none] [--type-check] [--keep DIR]
  --count N     submissions in the class (default 200)
  --jobs N      submissions graded at once (default ${DEFAULT_GRADE_CONFIG.jobs})
  --sandbox S   as npm run grade's (default auto)
  --type-check  as npm run grade's: kernels type-check the cells (default: they compile them without types)
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

// Partly correct: the first two answers right, the other two the untouched stubs.
KINDS.push({
  name: 'partly-correct',
  from: 'solution',
  edit: (nb) => {
    const student = JSON.parse(fs.readFileSync(path.join(ROOT, 'exercises', '03-vae.ipynb'), 'utf8')) as Nb;
    for (const id of ['answer-bernoulli-ll', 'answer-elbo']) setSource(nb, id, student.cells.find((c) => c.id === id)?.source as string);
  },
});
// Hostile: the tamper fixtures that run quickly (each scores 0 on what it does not solve).
for (const f of ['fake-result-03-vae', 'forge-with-marker-03-vae', 'patch-tf-math-03-vae', 'replace-checker-03-vae', 'early-exit-03-vae']) {
  const file = path.join(ROOT, 'test', 'fixtures', 'tamper', `${f}.ipynb`);
  KINDS.push({ name: `hostile:${f.replace(/-03-vae$/, '')}`, from: 'solution', edit: (nb) => Object.assign(nb, JSON.parse(fs.readFileSync(file, 'utf8')) as Nb) });
}

/** Resident memory of the grader: this process and its direct children (the executor workers), in MB. */
function graderRss(): number {
  const rss = (pid: string) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  };
  let total = rss(String(process.pid));
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const ppid = /PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      if (ppid === String(process.pid)) total += rss(p);
    } catch {
      /* gone */
    }
  }
  return total;
}

/**
 * CPU seconds of every process the grader started, however deep (executor workers, relays, bwrap, kernels): each
 * one's user + system time as last seen in /proc. Sandboxed kernels are not waited for by anything this process
 * could ask (their PID namespace), so they are sampled; what a process spent after its last sample is missed, so
 * the total is a lower bound.
 */
class DescendantsCpu {
  private readonly seconds = new Map<string, number>();
  private readonly tick = 100; // USER_HZ on Linux

  sample(): void {
    const parent = new Map<string, string>();
    const cpu = new Map<string, number>();
    for (const p of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parent.set(p, f[1]);
        cpu.set(p, (Number(f[11]) + Number(f[12])) / this.tick);
      } catch {
        /* gone */
      }
    }
    const me = String(process.pid);
    const mine = (p: string): boolean => {
      for (let q = parent.get(p), i = 0; q !== undefined && i < 64; q = parent.get(q), i++) if (q === me) return true;
      return false;
    };
    for (const [p, s] of cpu) if (this.seconds.has(p) || mine(p)) this.seconds.set(p, Math.max(s, this.seconds.get(p) ?? 0));
  }

  total(): number {
    return [...this.seconds.values()].reduce((a, b) => a + b, 0);
  }
}

function setSource(nb: Nb, id: string, source: string): void {
  const cell = nb.cells.find((c) => c.id === id);
  if (!cell) throw new Error(`bench-grade: no cell ${id}`);
  cell.source = source;
}

function options(): { count: number; jobs: number; sandbox: SandboxChoice; typeCheck: boolean; keep?: string } {
  const values = parseFlags(COMMAND, { count: { type: 'string' }, jobs: { type: 'string' }, sandbox: { type: 'string' }, 'type-check': { type: 'boolean' }, keep: { type: 'string' } });
  return {
    typeCheck: values['type-check'] === true,
    count: positiveInt(COMMAND, 'count', values.count) ?? 200,
    jobs: positiveInt(COMMAND, 'jobs', values.jobs) ?? DEFAULT_GRADE_CONFIG.jobs,
    sandbox: oneOf<SandboxChoice>(COMMAND, 'sandbox', values.sandbox, ['auto', 'bwrap', 'none']) ?? 'auto',
    keep: values.keep,
  };
}

async function main(): Promise<void> {
  const { count, jobs, sandbox, typeCheck, keep } = options();
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
  const samples: { t: number; mb: number }[] = [];
  const sampler = setInterval(() => samples.push({ t: Date.now() - t0, mb: graderRss() }), 1000);
  const children = new DescendantsCpu();
  const cpu0 = process.cpuUsage();
  const cpuSampler = setInterval(() => children.sample(), 100);
  let result;
  try {
    result = await gradeClass(files, { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'out'), jobs, sandbox, typeCheck, print: false });
  } finally {
    clearInterval(sampler);
    clearInterval(cpuSampler);
  }
  const seconds = (Date.now() - t0) / 1000;
  const loadAfter = os.loadavg()[0];
  const own = process.cpuUsage(cpu0);
  const ownSeconds = (own.user + own.system) / 1e6;
  const grades = result.grades;
  const byKind = new Map<string, number[]>();
  for (const g of grades) byKind.set(kinds.get(g.name) ?? '?', [...(byKind.get(kinds.get(g.name) ?? '?') ?? []), g.score]);
  console.log(`graded ${count} submissions of 03-vae, ${jobs} at a time, ${result.sandbox.mode === 'bwrap' ? 'sandboxed (bubblewrap)' : `UNSANDBOXED (${result.sandbox.why})`}, ${typeCheck ? 'cells type-checked' : 'cells compiled without types'}, in ${seconds.toFixed(1)} s (${(seconds / count).toFixed(2)} s per submission)`);
  console.log(`${((seconds * jobs) / count).toFixed(2)} s per submission per core (${jobs} kernels at a time; the goal is ≤ 2.5)`);
  console.log(`per-submission time inside the grader: min ${Math.min(...grades.map((g) => g.seconds))} s, max ${Math.max(...grades.map((g) => g.seconds))} s`);
  const quarters = [0, 1, 2, 3].map((q) => samples.filter((x) => x.t >= (q * seconds * 1000) / 4 && x.t < ((q + 1) * seconds * 1000) / 4).reduce((m, x) => Math.max(m, x.mb), 0));
  console.log(`grader's peak memory (its process and executor workers): ${Math.max(...samples.map((x) => x.mb), 0).toFixed(0)} MB; per quarter of the run: ${quarters.map((m) => m.toFixed(0)).join(', ')} MB`);
  for (const [kind, scores] of byKind) console.log(`  ${kind.padEnd(16)} scores ${[...new Set(scores)].join(', ')} of ${grades[0].maxScore} (${scores.length} submissions)`);
  // A submission scored unlike the others of its kind: show why (a slow or failed kernel start, a killed cell …).
  for (const g of grades) {
    const same = byKind.get(kinds.get(g.name) ?? '?') ?? [];
    const usual = same.filter((x) => x === g.score).length * 2 > same.length;
    if (!usual) console.log(`  odd one out: ${g.name} (${kinds.get(g.name)}) ${g.score} in ${g.seconds} s, ${g.passes} run(s): ${[...g.problems, ...g.exercises.flatMap((e) => e.notes.map((n) => `${e.id}: ${n}`))].join(' | ')}`);
  }
  console.log(
    `CPU: ${((ownSeconds + children.total()) / count).toFixed(2)} s per submission (the grader's process ${ownSeconds.toFixed(1)} s, with sampling /proc every 0.1 s; ` +
      `the processes it started, kernels included, at least ${children.total().toFixed(1)} s)`,
  );
  console.log(`machine: ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
