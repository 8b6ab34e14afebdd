"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * How long grading a class takes (issue 5): writes a class of small 03-vae submissions — reference answers,
 * untouched stubs and typical mistakes, in a fixed mix — and grades them with `gradeClass`, as
 * `npm run grade` does (one tslab kernel per submission, 2 at a time by default).
 *
 *   npx tsx scripts/bench/grade.ts [--count 20] [--jobs 2]
 *
 * Prints the wall time, seconds per submission, the score of every kind of submission and the machine's load
 * average before and after (other work on the machine slows the kernels down).
 */
const fs = __importStar(require("fs"));
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const grade_1 = require("../../grade");
const ROOT = path.resolve(__dirname, '..', '..');
/** The kinds of submission in the class, cycled: what a class hands in, roughly. */
const KINDS = [
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
        edit: (nb) => setSource(nb, 'answer-reparameterize', 'function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {\n  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));\n  return tf.tensor2d(Array.from(z.dataSync()), mean.shape);\n}'),
    },
    {
        name: 'syntax-error',
        from: 'solution',
        edit: (nb) => setSource(nb, 'answer-bernoulli-ll', 'function bernoulliLogLikelihood(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {\n  return tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), 1 as tf.Tensor1D;\n}'),
    },
];
function setSource(nb, id, source) {
    const cell = nb.cells.find((c) => c.id === id);
    if (!cell)
        throw new Error(`bench-grade: no cell ${id}`);
    cell.source = source;
}
async function main() {
    const args = process.argv.slice(2);
    const opt = (flag, dflt) => {
        const i = args.indexOf(flag);
        const v = i >= 0 ? Number(args[i + 1]) : dflt;
        if (!Number.isInteger(v) || v < 1)
            throw new Error(`bench-grade: ${flag} needs a positive integer`);
        return v;
    };
    const count = opt('--count', 20);
    const jobs = opt('--jobs', grade_1.DEFAULT_GRADE_CONFIG.jobs);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-grade-'));
    const files = [];
    const kinds = [];
    for (let i = 0; i < count; i++) {
        const kind = KINDS[i % KINDS.length];
        const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'exercises', ...(kind.from === 'solution' ? ['solutions'] : []), '03-vae.ipynb'), 'utf8'));
        kind.edit(nb);
        const file = path.join(dir, `student${String(i + 1).padStart(2, '0')}-03-vae.ipynb`);
        fs.writeFileSync(file, JSON.stringify(nb));
        files.push(file);
        kinds.push(kind.name);
    }
    const loadBefore = os.loadavg()[0];
    const t0 = Date.now();
    const grades = await (0, grade_1.gradeClass)(files, { ...grade_1.DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'out'), jobs, print: false });
    const seconds = (Date.now() - t0) / 1000;
    const loadAfter = os.loadavg()[0];
    const byKind = new Map();
    grades.forEach((g, i) => byKind.set(kinds[i], [...(byKind.get(kinds[i]) ?? []), g.score]));
    console.log(`graded ${count} submissions of 03-vae with ${jobs} at a time in ${seconds.toFixed(1)} s (${(seconds / count).toFixed(1)} s per submission)`);
    console.log(`per-submission time inside the grader: min ${Math.min(...grades.map((g) => g.seconds))} s, max ${Math.max(...grades.map((g) => g.seconds))} s`);
    for (const [kind, scores] of byKind)
        console.log(`  ${kind.padEnd(16)} scores ${scores.join(', ')} of ${grades[0].maxScore}`);
    // A submission scored unlike the others of its kind: show why (a slow or failed kernel start, a killed cell …).
    grades.forEach((g, i) => {
        const same = byKind.get(kinds[i]) ?? [];
        const usual = same.filter((x) => x === g.score).length * 2 > same.length;
        if (!usual)
            console.log(`  odd one out: ${g.name} (${kinds[i]}) ${g.score} in ${g.seconds} s, ${g.passes} run(s): ${[...g.problems, ...g.exercises.flatMap((e) => e.notes.map((n) => `${e.id}: ${n}`))].join(' | ')}`);
    });
    console.log(`machine: ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
    fs.rmSync(dir, { recursive: true, force: true });
}
main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
});
