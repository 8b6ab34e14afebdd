// The caches follow the code that runs: the executed-notebook cache (scripts/bookgen/notebooks.ts cacheKey) and
// the model cache (lib/io/model-cache.ts) key on an esbuild bundle of the code a notebook's cells, or a recipe's
// training function, reach (lib/io/fingerprint.ts codeFingerprint). Checked on a copy of the repository's lib/
// and notebooks/: comment edits in every library file change no key; an edit of the ELBO changes the keys of the
// code that reaches it and no other; package versions and the backend still count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { cacheKey, cacheKeyDetails } from '../scripts/bookgen/notebooks';
import { codeFingerprint } from '../lib/io/fingerprint';
import { trainingCodeFingerprint } from '../lib/io/model-cache';
import { CLASSIFIER_CODE, RECIPE_CODE } from '../lib/training/recipes-node';

const ROOT = path.resolve(__dirname, '..');

/** A copy of what the keys read: lib/, notebooks/, package-lock.json, requirements.txt, tsconfig.json. */
function copyTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-keys-'));
  for (const d of ['lib', 'notebooks']) fs.cpSync(path.join(ROOT, d), path.join(root, d), { recursive: true });
  for (const f of ['package-lock.json', 'requirements.txt', 'tsconfig.json']) {
    if (fs.existsSync(path.join(ROOT, f))) fs.copyFileSync(path.join(ROOT, f), path.join(root, f));
  }
  return root;
}

function tsFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFilesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

/** A notebook with these code cells. */
function notebook(file: string, cells: string[]): string {
  const nb = { cells: cells.map((source) => ({ cell_type: 'code', source, metadata: {}, outputs: [] })), metadata: {}, nbformat: 4, nbformat_minor: 5 };
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}

/**
 * Every doc comment of a TypeScript source reworded: only real comments, found in the syntax tree, so a `/**` inside a
 * string or template literal (an exercise's notebook text is code held in a string) is code and stays as it is.
 */
function rewordDocComments(src: string): string {
  const file = ts.createSourceFile('x.ts', src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const starts = new Set<number>();
  const visit = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(src, node.getFullStart()) ?? []) if (src.startsWith('/**', r.pos)) starts.add(r.pos);
    node.forEachChild(visit);
  };
  visit(file);
  let out = src;
  for (const at of [...starts].sort((a, b) => b - a)) out = `${out.slice(0, at)}/** Reworded.${out.slice(at + 3)}`;
  return out;
}

/** Inserts `statement` at the start of the body of `export function NAME(` in `file`. */
function editFunction(file: string, name: string, statement: string): void {
  const src = fs.readFileSync(file, 'utf8');
  const at = src.indexOf(`export function ${name}(`);
  assert.ok(at >= 0, `${file} defines ${name}`);
  const body = src.indexOf('{\n', at);
  fs.writeFileSync(file, `${src.slice(0, body + 2)}  ${statement}\n${src.slice(body + 2)}`);
}

test('comments anywhere in lib/ change no notebook key and no model key; an edit of elbo changes exactly the keys whose code reaches it', () => {
  const root = copyTree();
  try {
    const nbDir = path.join(root, 'notebooks');
    const real = fs.readdirSync(nbDir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(nbDir, f));
    assert.ok(real.length > 0);
    // Two small notebooks of known reach: one calls elbo, one only loads and shows digits.
    const usesElbo = notebook(path.join(root, 'uses-elbo.ipynb'), [
      "import * as tf from '@tensorflow/tfjs';\nimport { elbo, createVAE, loadData } from './lib/index';",
      'const vae = createVAE({ latentDim: 2 });\nconst x = tf.zeros([1, 784]) as tf.Tensor2D;\nelbo(x, vae.forward(x));',
    ]);
    const noElbo = notebook(path.join(root, 'no-elbo.ipynb'), [
      "import { loadData, showDigits } from './lib/index';",
      'const { test: t } = loadData({ limit: 10 });\nawait showDigits(t.images.slice(0, 784 * 4), { columns: 4 });',
    ]);
    const files = [...real, usesElbo, noElbo];
    const keys = () => new Map(files.map((f) => [path.basename(f), cacheKey({ root, notebookFile: f, profile: 'quick' })]));
    const recipe = () => trainingCodeFingerprint(RECIPE_CODE, root);
    const classifier = () => trainingCodeFingerprint(CLASSIFIER_CODE, root);

    const k0 = keys();
    const r0 = recipe();
    const c0 = classifier();
    for (const f of files) assert.equal(cacheKeyDetails({ root, notebookFile: f, profile: 'quick' }).code.how, 'bundle', `${path.basename(f)} is bundled`);
    assert.match(r0, /^bundle:/);

    // Comments: a line comment at the top of every library file, and every doc comment reworded.
    for (const f of tsFilesUnder(path.join(root, 'lib'))) {
      const src = fs.readFileSync(f, 'utf8');
      fs.writeFileSync(f, `// An edited comment.\n${rewordDocComments(src)}/* and one at the end */\n`);
    }
    const k1 = keys();
    const changed = [...k1].filter(([n, k]) => k0.get(n) !== k).map(([n]) => n);
    assert.deepEqual(changed, [], 'a comment edit re-executes no notebook');
    assert.equal(recipe(), r0, 'nor retrains a recipe');
    assert.equal(classifier(), c0, 'nor the classifier');

    // A formula: the ELBO computes something else.
    editFunction(path.join(root, 'lib', 'model', 'elbo.ts'), 'elbo', "if (x.shape[0] === -1) throw new Error('an edit of the formula');");
    const k2 = keys();
    assert.notEqual(k2.get('uses-elbo.ipynb'), k1.get('uses-elbo.ipynb'), 'the notebook that calls elbo is re-executed');
    assert.equal(k2.get('no-elbo.ipynb'), k1.get('no-elbo.ipynb'), 'the notebook that does not reach elbo is not');
    assert.notEqual(recipe(), r0, 'the recipes, trained on the ELBO, are retrained');
    assert.equal(classifier(), c0, 'the digit classifier, which never reaches elbo, is not');
    const rerun = real.filter((f) => k2.get(path.basename(f)) !== k1.get(path.basename(f))).map((f) => path.basename(f));
    assert.ok(rerun.length > 0, 'some book notebook trains a VAE');
    process.stdout.write(`# an edit of elbo re-executes ${rerun.length} of ${real.length} notebooks: ${rerun.join(', ')}\n`);

    // What the bundle does not see still counts: package versions and the backend.
    fs.appendFileSync(path.join(root, 'package-lock.json'), '\n');
    assert.notEqual(cacheKey({ root, notebookFile: noElbo, profile: 'quick' }), k2.get('no-elbo.ipynb'), 'package-lock.json counts');
    const lockKey = cacheKey({ root, notebookFile: noElbo, profile: 'quick' });
    assert.notEqual(cacheKey({ root, notebookFile: noElbo, profile: 'full' }), lockKey, 'the profile counts');
    const saved = process.env.VAE_BACKEND;
    try {
      process.env.VAE_BACKEND = 'wasm';
      const wasm = cacheKey({ root, notebookFile: noElbo, profile: 'quick' });
      process.env.VAE_BACKEND = 'cpu';
      assert.notEqual(cacheKey({ root, notebookFile: noElbo, profile: 'quick' }), wasm, 'an execution on one backend is not reused for another');
    } finally {
      if (saved === undefined) delete process.env.VAE_BACKEND;
      else process.env.VAE_BACKEND = saved;
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('code that cannot be bundled falls back to every library source, and says why', () => {
  const fp = codeFingerprint({ root: ROOT, modules: ['const x = ;'] });
  assert.equal(fp.how, 'library');
  assert.match(fp.reason ?? '', /line 1/);
  // tslab's cells may start with a kernel magic line; it is not TypeScript and is left out.
  const magic = codeFingerprint({ root: ROOT, modules: ["%config foo\nimport { elbo } from './lib/index';\nelbo;"] });
  assert.equal(magic.how, 'bundle');
  // Top-level await, as tslab allows it.
  assert.equal(codeFingerprint({ root: ROOT, modules: ['await Promise.resolve(1);'] }).how, 'bundle');
});
