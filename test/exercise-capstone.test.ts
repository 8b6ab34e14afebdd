// The capstone (lib/coursework/exercises/capstone.ts): a submitted model folder scored by the grader itself, in a
// process of its own (sandboxed where bubblewrap works), never by a number the notebook prints. A small model
// trained in the test for seconds (784-128-16, 1 epoch on 20,000 digits) is graded end to end and scores the band its NLL falls in; corrupt, wrongly shaped, NaN, linked, oversized and
// missing folders score 0 with a note naming the problem.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { check } from '../lib/coursework/check';
import { saveModel } from '../lib/io/save';
import { iwaeNll } from '../lib/training/evaluate';
import { exerciseById } from '../lib/coursework/exercises';
import { exerciseModule } from '../lib/coursework/registry';
import { CAPSTONE_EVAL, capstoneTestDigits, scoreSubmittedModel } from '../lib/coursework/submitted-model';
import { NLL_BANDS } from '../lib/coursework/exercises/capstone';
import { judgeModelFolder, modelFolderOf } from '../scripts/grading/model-folder';
import { GradingRun } from '../scripts/grading/run';
import { probeSandbox } from '../scripts/grading/sandbox';
import { notebookPath } from '../scripts/codegen/exercises';
import { smallTrainedModel } from '../scripts/bench/capstone-bands';
import { DEFAULT_GRADE_CONFIG, GradeConfig, gradeClass } from '../grade';

const ROOT = path.resolve(__dirname, '..');
const ready = fs.existsSync(path.join(ROOT, '.venv', 'bin', 'python')) && fs.existsSync(path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
const sandbox = probeSandbox().mode === 'bwrap' ? 'bwrap' : 'none';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstone-test-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let good = '';
let expectedNll = 0;

before(async () => {
  await initBackend();
  const model = await smallTrainedModel(); // seconds of training (its NLL: docs/testing.md)
  good = path.join(dir, 'good-07-faq.model');
  await saveModel(model, good);
  expectedNll = iwaeNll(model, capstoneTestDigits(CAPSTONE_EVAL.digits), { k: CAPSTONE_EVAL.k, seed: CAPSTONE_EVAL.seed });
  model.dispose();
});

/** The points the bands give an NLL: a quarter for each band it is under, none unless it is under the first. */
function bandPoints(nll: number): number {
  const spec = exerciseById('capstone');
  assert.ok(spec);
  if (!(nll < NLL_BANDS[0])) return 0;
  return (spec.points * NLL_BANDS.filter((b) => nll < b).length) / NLL_BANDS.length;
}

/** A copy of the good folder beside `<name>.ipynb`, changed by `edit`. */
function variant(name: string, edit?: (folder: string) => void): string {
  const nb = path.join(dir, 'cases', `${name}.ipynb`);
  fs.mkdirSync(path.dirname(nb), { recursive: true });
  fs.writeFileSync(nb, '{}');
  if (edit) {
    const folder = modelFolderOf(nb);
    fs.cpSync(good, folder, { recursive: true });
    edit(folder);
  }
  return nb;
}

test('the grader reads the folder as data, builds the model from its config and scores it as iwaeNll does; the small model is in the first band', () => {
  const tensors = tf.memory().numTensors;
  const s = scoreSubmittedModel(good);
  assert.equal(tf.memory().numTensors, tensors, 'the model the grader built is disposed');
  assert.ok(Math.abs(s.nll - expectedNll) < 1e-6, `${s.nll} vs ${expectedNll}`);
  assert.equal(s.k, CAPSTONE_EVAL.k);
  assert.equal(s.digits, CAPSTONE_EVAL.digits);
  // Seconds of training: better than independent pixels (the first band), far from a trained VAE.
  assert.ok(s.nll > NLL_BANDS[1] && s.nll < NLL_BANDS[0], `NLL ${s.nll}`);
  // The check cell: the same reading with a smaller K, in the student's kernel.
  const r = check.capstone(good, { quiet: true });
  assert.ok(r.cases[0].passed && r.cases[0].core, JSON.stringify(r.cases[0]));
  const missing = check.capstone(path.join(dir, 'nowhere.model'), { quiet: true });
  assert.equal(missing.cases.length, 1);
  assert.match(missing.cases[0].got ?? '', /no model folder: 'nowhere\.model' does not exist/);
  assert.equal(tf.memory().numTensors, tensors);
});

test('bad folders score 0 with a note naming the problem; the scoring runs in a process of its own', { skip, timeout: 300_000 }, async () => {
  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'out-cases'), print: false, sandbox, timeout: 120 };
  const run = await GradingRun.start(cfg);
  const spec = exerciseById('capstone');
  const module = exerciseModule('capstone');
  assert.ok(spec && module);
  const plan = run.plansOf('07-faq').get('capstone');
  assert.ok(plan);
  const f32 = (values: number[]) => Buffer.from(new Float32Array(values).buffer);
  const cases: [string, ((folder: string) => void) | undefined, RegExp][] = [
    ['missing', undefined, /no model folder: 'missing\.model' does not exist/],
    ['corrupt', (f) => fs.truncateSync(path.join(f, 'decoder', 'weights.bin'), 1000), /decoder\/weights\.bin holds 1000 bytes, the \d+ float32 weights of decoder\/model\.json need \d+/],
    ['not-json', (f) => fs.writeFileSync(path.join(f, 'vae.json'), '{"format": '), /vae\.json is not valid JSON/],
    ['wrong-shape', (f) => {
      const m = JSON.parse(fs.readFileSync(path.join(f, 'vae.json'), 'utf8'));
      m.config.latentDim = 8;
      fs.writeFileSync(path.join(f, 'vae.json'), JSON.stringify(m));
    }, /encoder\/model\.json: weight enc_mean\/kernel has shape \[128,16\], the encoder of this config needs \[128, 8\] there/],
    ['nan', (f) => {
      const file = path.join(f, 'encoder', 'weights.bin');
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, f32([NaN]), 0, 4, 40);
      fs.closeSync(fd);
    }, /encoder\/weights\.bin: weight \S+ holds NaN \(a NaN or infinite weight/],
    ['linked', (f) => {
      fs.rmSync(path.join(f, 'decoder', 'weights.bin'));
      fs.symlinkSync('/etc/passwd', path.join(f, 'decoder', 'weights.bin'));
    }, /decoder\/weights\.bin is neither a file nor a folder \(a link\?\)/],
    ['oversized', (f) => {
      fs.writeFileSync(path.join(f, 'padding.bin'), '');
      fs.truncateSync(path.join(f, 'padding.bin'), 200 * 2 ** 20); // sparse: 200 MB by its size, none on disk
    }, /the model folder holds more than 64 MB \(at padding\.bin\)/],
    ['gaussian', (f) => {
      const m = JSON.parse(fs.readFileSync(path.join(f, 'vae.json'), 'utf8'));
      m.config.likelihood = 'gaussian';
      fs.writeFileSync(path.join(f, 'vae.json'), JSON.stringify(m));
    }, /config\.likelihood is 'gaussian', the capstone asks for 'bernoulli-binary'/],
  ];
  try {
    for (const [name, edit, note] of cases) {
      const nb = variant(name, edit);
      const answer = await run.scoreModel(nb, '07-faq', module.schema({} as never));
      const g = judgeModelFolder(spec, plan, answer, []);
      assert.equal(g.points, 0, `${name}: ${g.notes.join(' | ')}`);
      assert.match(g.notes.join(' | '), note, name);
    }
    // The good folder, through the same path: the grader's process gives the number computed here.
    const nb = variant('fine', () => undefined);
    const answer = await run.scoreModel(nb, '07-faq', module.schema({} as never));
    assert.ok('value' in answer, JSON.stringify(answer));
    const nll = (answer.value as { nll: number }).nll;
    assert.ok(Math.abs(nll - expectedNll) < 0.05, `the scoring process's NLL ${nll}, this process's ${expectedNll}`);
    assert.equal(judgeModelFolder(spec, plan, answer, []).points, bandPoints(nll));
  } finally {
    run.close();
  }
});

test('npm run grade: the capstone scored from the folder beside the notebook, whatever the notebook prints or does', { skip, timeout: 600_000 }, async () => {
  const nb = JSON.parse(fs.readFileSync(notebookPath(ROOT, '07-faq', 'solution'), 'utf8')) as { cells: Record<string, unknown>[] };
  // A student's cell that claims a great score and tampers with everything it can reach in its kernel.
  nb.cells.splice(2, 0, {
    cell_type: 'code', id: 'claims', metadata: {}, outputs: [], execution_count: null,
    source: ["console.log('capstone test NLL: 79.0 nats');\n", "(vae as unknown as Record<string, unknown>).iwaeNll = () => 79;\n", "try { require('fs').writeFileSync('/run/vae/model-nll.json', '79'); } catch {}\n"],
  });
  const file = path.join(dir, 'class', 'good-07-faq.ipynb');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(nb));
  fs.cpSync(good, modelFolderOf(file), { recursive: true });
  const cfg: GradeConfig = { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'out-class'), print: false, sandbox, timeout: 120 };
  const { grades } = await gradeClass([file], cfg);
  const g = grades[0];
  assert.equal(g.chapter, '07-faq');
  const capstone = g.exercises.find((e) => e.id === 'capstone');
  assert.ok(capstone, JSON.stringify(g));
  const line = capstone.notes.find((n) => n.startsWith("the grader's test NLL"));
  assert.ok(line, capstone.notes.join(' | '));
  const nll = Number(/NLL: ([\d.]+) nats/.exec(line)?.[1]);
  assert.ok(Math.abs(nll - expectedNll) < 0.05, `graded ${nll}, computed here ${expectedNll}`);
  assert.equal(capstone.points, bandPoints(expectedNll));
  // The reading question ran in the kernel as usual, its text exported for the teacher.
  const reading = g.exercises.find((e) => e.id === 'latent-reading');
  assert.equal(reading?.points, reading?.maxPoints, JSON.stringify(reading));
  assert.match(reading?.written?.text ?? '', /held-out/);
  assert.ok(fs.readFileSync(path.join(cfg.outDir, 'class.csv'), 'utf8').includes('latent-reading'));
});
