/**
 * Writes the exercise notebooks from the exercise modules, so a student notebook and its solution never drift
 * apart: exercises/<chapter>.ipynb (answer cells hold a stub that throws) and exercises/solutions/<chapter>.ipynb
 * (the reference answers the book shows in its solution toggles). It also writes the registry's list of modules,
 * lib/coursework/exercises/index.ts, from the files of that folder.
 *
 *   npx tsx scripts/codegen/exercises.ts           # (re)write the index and the notebooks
 *   npx tsx scripts/codegen/exercises.ts --check   # exit 1 if a stored file differs (test/grade.test.ts)
 *
 * A chapter's notebook is its frame here (the introduction and the set-up) followed by its exercises in their
 * `order`, each as its module's `notebook` says (lib/coursework/exercise.ts): cells before, a heading, the
 * mathematics, the answer cell, the check, cells after. The solution cell's code is the source text of functions
 * of lib/ (the library's own, or the exercise module's), as d2l's `#@save` does: never a second copy.
 *
 * Answer cells carry metadata {"exercise": {"id", "points"}} and the tag "answer"; check cells carry the tag
 * "check", demonstrations "demo". Notebooks are stored without outputs, with fixed cell ids, so regenerating is
 * byte-stable.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import type { ExerciseModule, NotebookCell, SolutionSource } from '../../lib/coursework/exercise';
import { BETA_SWEEP } from '../../lib/coursework/exercises/beta-sweep';

const ROOT = path.resolve(__dirname, '..', '..');
const EXERCISE_DIR = path.join(ROOT, 'lib', 'coursework', 'exercises');

type Cell =
  | NotebookCell
  | { kind: 'answer'; exercise: string; stub: string; solution: string; points: number }
  | { kind: 'check'; code: string; exercise?: string };

/** Removes the common indentation of a template literal and its first/last blank lines. */
export function dedent(s: string): string {
  const lines = s.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

// ------------------------------------------------------------------ the registry's index

/** The exercise modules' files (every .ts of lib/coursework/exercises/ but the index), sorted. */
export function exerciseFiles(): string[] {
  return fs
    .readdirSync(EXERCISE_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.d.ts'))
    .sort();
}

/** lib/coursework/exercises/index.ts: one import per module file. */
export function buildIndex(): string {
  const files = exerciseFiles();
  const name = (f: string) => f.replace(/\.ts$/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return [
    '// Written by scripts/codegen/exercises.ts from the files of this folder (one module per exercise): do not edit.',
    ...files.map((f) => `import * as ${name(f)} from './${f.replace(/\.ts$/, '')}';`),
    '',
    `export const MODULES = [${files.map(name).join(', ')}] as const;`,
    '',
  ].join('\n');
}

/** The modules, loaded from the folder (not through the index, which this script writes), in book order. */
function loadModules(): ExerciseModule[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mods = exerciseFiles().map((f) => require(path.join(EXERCISE_DIR, f)) as ExerciseModule);
  return mods.sort((a, b) => a.exercise.chapter.localeCompare(b.exercise.chapter) || a.exercise.order - b.exercise.order);
}

// ------------------------------------------------------------------ solutions from the library's sources

/** Argument checks of the library (a clear error for a wrong shape): left out of a solution cell. */
export const GUARDS = new Set(['rank2', 'sameShape', 'checkSameLength']);

/**
 * The source text of `src.functions` in lib/<src.module>.ts, as a notebook cell: each function without its doc
 * comment, its `export` and its argument checks, joined by a blank line, with `src.inline`'s replacements.
 */
export function solutionCode(src: SolutionSource, root = ROOT): string {
  const parts = src.functions.map((entry) => {
    // `module#name` takes the function from another module (a helper the answer builds on).
    const [module, name] = entry.includes('#') ? (entry.split('#') as [string, string]) : [src.module, entry];
    const file = path.join(root, 'lib', `${module}.ts`);
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
    // A class is copied whole (a model the answer defines, as in the debugging exercise of chapter 8).
    const cls = sf.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name);
    if (cls) return text.slice(cls.getStart(sf), cls.getEnd()).replace(/^export\s+/, '');
    const fn = sf.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name && s.body !== undefined);
    if (!fn || !fn.body) throw new Error(`make-exercises: lib/${module}.ts has no top-level function or class ${name} (a solution names it)`);
    const start = fn.getStart(sf);
    const cuts: [number, number][] = [];
    for (const st of fn.body.statements) {
      if (ts.isExpressionStatement(st) && ts.isCallExpression(st.expression) && ts.isIdentifier(st.expression.expression) && GUARDS.has(st.expression.expression.text)) {
        // The statement with its line: from the end of the previous line to its own end.
        const from = text.lastIndexOf('\n', st.getStart(sf));
        cuts.push([from, st.getEnd()]);
      }
    }
    let out = '';
    let at = start;
    for (const [from, to] of cuts) {
      out += text.slice(at, from);
      at = to;
    }
    out += text.slice(at, fn.getEnd());
    return out.replace(/^export\s+/, '');
  });
  let code = parts.join('\n\n');
  for (const [from, to] of Object.entries(src.inline ?? {})) code = code.split(from).join(to);
  return code;
}

// ------------------------------------------------------------------ the chapters' frames

interface Frame {
  title: string;
  number: string;
  /** What the chapter's exercises are about (markdown). */
  about: string;
  /** Code cells after the set-up, before the first exercise (they run when grading). */
  setup?: string[];
  /** Extra names the set-up cell imports from the library (types an answer's signature uses). */
  imports?: string[];
}

const SETUP = (imports: string[] = []) =>
  dedent(`
  import * as tf from '@tensorflow/tfjs';
  import * as vae from './lib/index';
  import { check, ${imports.map((i) => `${i}, `).join('')}show, showDigits, showTable, pick } from './lib/index';

  const backend = await vae.initBackend();
  console.log(vae.describeBackend(backend));
`);

const pickData = JSON.stringify(BETA_SWEEP.data).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ').replace(/\{/g, '{ ').replace(/\}/g, ' }').replace(/\{  \}/g, '{}');

/** One frame per chapter that has exercises. */
export const FRAMES: Record<string, Frame> = {
  '02-autoencoder': {
    title: 'the autoencoder',
    number: '2',
    about: `
      The autoencoder of chapter 2 compresses each digit into a short code, but it is not a generative model: decoding
      random points gives mostly garbage, because nothing says where in code space the digits are. Here you fit the
      simplest possible distribution to the codes — a Gaussian — and decode samples from it (chapter 2, exercise 5).
    `,
  },
  '03-vae': {
    title: 'the variational autoencoder',
    number: '3',
    about: `
      Four pieces make a VAE's loss: the reparameterized sample, the Gaussian KL divergence in closed form, the
      Bernoulli log-likelihood of the decoder's logits, and the ELBO that combines them (chapter 3, exercises 6–9).
      All functions take tensors shaped \`[batch, dim]\`.
    `,
  },
  '04-training': {
    title: 'training in practice',
    number: '4',
    about: `
      The networks that training fits, built by hand as TF.js layers models, one step of their training and the
      loop around it (chapter 4, exercises 8 and 9); then two knobs of chapter 4: a KL warm-up schedule, and the weight β of the KL
      term, whose sweep shows posterior collapse as the number of active units falls (chapter 4, exercise 5).
    `,
    imports: ['BetaSweepRow'],
    setup: [
      dedent(`
        const { train, test } = vae.loadData(pick(${pickData}));
        const latentDim = ${BETA_SWEEP.latentDim};
        console.log(\`\${train.size} training and \${test.size} test digits, latentDim \${latentDim}\`);
      `),
    ],
  },
  '05-generation': {
    title: 'generation and the latent space',
    number: '5',
    about: `
      Paths between two codes show how smoothly the decoder moves between digits. A straight line cuts through the
      middle of the prior, where codes of high-dimensional Gaussians are rare; the spherical path keeps their typical
      norm (chapter 5, exercises 6 and 7).
    `,
  },
  '06-beyond': {
    title: 'beyond the basic VAE',
    number: '6',
    about: `
      The ELBO is a loose bound on $\\log p_\\theta(x)$. Averaging $K$ importance weights inside the logarithm gives the
      tighter importance-weighted bound of Burda et al. (2016), the standard way to report a VAE's test log-likelihood
      (chapter 6, exercise 6). Then a likelihood that is a density of grey pixels, the continuous Bernoulli, and the
      conditional VAE's forward pass (chapter 6, exercises 7 and 8).
    `,
  },
  '07-faq': {
    title: 'questions and a capstone',
    number: '7',
    about: `
      Two parts. First, a reading of chapter 7's own measurements: how large the latent space should be, answered by
      the held-out bound rather than by counting active units. Then the capstone: a VAE of your own design, trained
      on the binarized full MNIST, whose weights you hand in; the grader measures its test log-likelihood itself.
    `,
  },
  '08-the-article': {
    title: "the article's code",
    number: '8',
    about: `
      The PyTorch VAE of the article this book grew from does not run as printed. Chapter 8 ports it to TF.js with its
      mistakes and fixes them one at a time; here you do the fixing yourself, on a port without the chapter's comments.
    `,
  },
};

function intro(f: Frame): Cell {
  // The heading, the chapter's own words and the common text are dedented one by one: a multi-line `about`
  // interpolated into one template would leave the template's indentation on the heading (a code block in Markdown).
  const how = dedent(`
    **How this notebook works.** Cells marked *answer* (tag \`answer\`) are yours: replace the stub that throws
    \`TODO\` with your code, keeping the function's name and signature. Run the *check* cell below each answer: it
    calls your function on reference cases, compares the results with the library's implementation (within float32
    tolerances, shapes included, gradients where they matter) and prints what passed, what failed — expected against
    got — and a hint. Your teacher grades (\`npm run grade\`) with the same checks on inputs drawn afresh for every
    grading run, in a kernel of its own that runs the set-up and your answer cells but not the check cells or the
    demonstrations (tag \`demo\`). It runs them without the library's own implementations of this chapter's
    exercises, so an answer that calls one of those (\`vae.klDivergence\`, say) scores 0 there; the check warns you
    when it sees that. Keep one answer per answer cell; do not delete or duplicate answer cells.
  `);
  return { kind: 'md', text: [`# Exercises: ${f.title} (chapter ${f.number})`, dedent(f.about), how].join('\n\n') };
}

/** A chapter's cells: its frame, then each exercise's part. */
export function chapterCells(chapter: string, modules: ExerciseModule[] = loadModules()): Cell[] {
  const frame = FRAMES[chapter];
  if (!frame) throw new Error(`make-exercises: chapter '${chapter}' has exercises but no frame in scripts/codegen/exercises.ts`);
  const cells: Cell[] = [intro(frame), { kind: 'code', code: SETUP(frame.imports) }, ...(frame.setup ?? []).map((code): Cell => ({ kind: 'code', code }))];
  const text = (c: NotebookCell): NotebookCell => ('text' in c ? { ...c, text: dedent(c.text) } : { ...c, code: dedent(c.code) });
  modules
    .filter((m) => m.exercise.chapter === chapter)
    .forEach((m, i) => {
      const e = m.exercise;
      const nb = m.notebook;
      cells.push(...(nb.before ?? []).map(text));
      cells.push({ kind: 'md', text: `## Exercise ${i + 1}: ${e.title.charAt(0).toLowerCase()}${e.title.slice(1)} (\`${e.id}\`, ${e.points} point${e.points === 1 ? '' : 's'})\n\n${dedent(nb.text)}` });
      cells.push({ kind: 'answer', exercise: e.id, points: e.points, stub: dedent(nb.stub), solution: solutionCode(nb.solution) });
      if (nb.check) cells.push({ kind: 'check', exercise: e.id, code: nb.check });
      for (const c of nb.after ?? []) cells.push(c.kind === 'check' ? { kind: 'check', exercise: e.id, code: dedent(c.code) } : text(c));
    });
  return cells;
}

/** The chapters that have exercises, in book order. */
export function chapters(modules: ExerciseModule[] = loadModules()): string[] {
  return [...new Set(modules.map((m) => m.exercise.chapter))].sort();
}

// ------------------------------------------------------------------ writing

/** Jupyter stores source as a list of lines, each but the last ending in a newline. */
function lines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l));
}

export function buildNotebook(chapter: string, variant: 'student' | 'solution', modules: ExerciseModule[] = loadModules()): string {
  const cells = chapterCells(chapter, modules);
  let n = 0;
  const out = cells.map((c) => {
    n += 1;
    const id = `${chapter}-${String(n).padStart(2, '0')}`;
    if (c.kind === 'md') return { cell_type: 'markdown', id, metadata: {}, source: lines(c.text) };
    if (c.kind === 'answer') {
      return {
        cell_type: 'code',
        execution_count: null,
        id: `answer-${c.exercise}`,
        metadata: { exercise: { id: c.exercise, points: c.points }, tags: ['answer'] },
        outputs: [],
        source: lines(variant === 'student' ? c.stub : c.solution),
      };
    }
    if (c.kind === 'check') return { cell_type: 'code', execution_count: null, id: 'exercise' in c && c.exercise ? `check-${c.exercise}` : id, metadata: { tags: ['check'] }, outputs: [], source: lines(c.code) };
    return { cell_type: 'code', execution_count: null, id, metadata: c.kind === 'demo' ? { tags: ['demo'] } : {}, outputs: [], source: lines(c.code) };
  });
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

/** Every file this script writes, with its text. */
export function generatedFiles(): { file: string; text: string }[] {
  const modules = loadModules();
  const out = [{ file: path.join(EXERCISE_DIR, 'index.ts'), text: buildIndex() }];
  for (const chapter of chapters(modules)) {
    for (const variant of ['student', 'solution'] as const) out.push({ file: notebookPath(ROOT, chapter, variant), text: buildNotebook(chapter, variant, modules) });
  }
  return out;
}

function main(): void {
  const checkOnly = process.argv.includes('--check');
  const stale: string[] = [];
  for (const { file, text } of generatedFiles()) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    if (checkOnly) stale.push(path.relative(ROOT, file));
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
  }
  if (stale.length) {
    console.error(`make-exercises: out of date (run npx tsx scripts/codegen/exercises.ts): ${stale.join(', ')}`);
    process.exit(1);
  }
}

if (require.main === module) main();
