// End-to-end: the command line a new user runs (`npm run vae -- …`), on a few hundred digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readSummaries } from '../lib/io/tensorboard';

const ROOT = path.resolve(__dirname, '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-cli-'));

const TRACE = path.join(ROOT, 'test', 'fixtures', 'trace-backend.cjs');
let runs = 0;

/** Runs the CLI; `backends` lists the TF.js backend packages the process loaded (test/fixtures/trace-backend.cjs). */
function vae(...args: string[]): { status: number | null; stdout: string; stderr: string; backends: string[] } {
  const trace = path.join(out, `trace-${runs++}.txt`);
  const r = spawnSync(process.execPath, ['--require', TRACE, '--import', 'tsx', path.join(ROOT, 'cli/vae.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, VAE_QUIET: '1', TRACE_BACKEND_FILE: trace },
  });
  const backends = fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').trim().split('\n') : [];
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, backends };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  assert.ok(b.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('cli train → eval → sample on 300 digits, with --json and TensorBoard logs', () => {
  const run = path.join(out, 'run');
  const logdir = path.join(out, 'logs');
  const t = vae('train', '--limit', '300', '--epochs', '2', '--latent-dim', '8', '--out', run, '--logdir', logdir, '--json');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /backend: (wasm|cpu|tensorflow)/, 'the backend is reported');
  assert.ok(t.backends.length > 0, 'a run that trains loads a backend package (the trace of the test below can see it)');
  assert.match(t.stderr, /epoch 2: loss [\d.]+ .* s, \d+ samples\/s/, 'seconds per epoch are printed');
  const metrics = JSON.parse(t.stdout.trim());
  assert.equal(metrics.epochs.length, 2);
  assert.ok(metrics.epochs[1].loss < metrics.epochs[0].loss, 'training lowers the loss');
  assert.ok(metrics.epochs[1].testNegElbo < metrics.epochs[0].testNegElbo, 'and the test -ELBO, evaluated every epoch');
  assert.match(t.stderr, /epoch 2: .*, test -ELBO [\d.]+ /);
  assert.ok(metrics.test.negElbo > 0 && Number.isFinite(metrics.test.negElbo));
  assert.ok(Math.abs(metrics.test.negElbo - (metrics.test.recon + metrics.test.kl)) < 1e-3 * metrics.test.negElbo);
  for (const f of ['model/vae.json', 'model/encoder/model.json', 'model/decoder/model.json', 'samples.png', 'reconstructions.png']) {
    assert.ok(fs.existsSync(path.join(run, f)), `train wrote ${f}`);
  }
  const events = fs.readdirSync(logdir).filter((f) => f.includes('tfevents'));
  assert.equal(events.length, 1, 'one TensorBoard event file');
  const tb = readSummaries(path.join(logdir, events[0]));
  for (const tag of ['loss', 'train/elbo', 'test/elbo']) assert.ok(tb.scalars.some((e) => e.tag === tag), tag);
  assert.deepEqual(tb.images.map((i) => i.tag), ['samples', 'reconstructions', 'samples', 'reconstructions']);
  assert.deepEqual(tb.histograms.map((h) => h.tag), ['encoder/mean', 'encoder/logVar', 'encoder/mean', 'encoder/logVar']);

  const e = vae('eval', '--model', path.join(run, 'model'), '--limit', '300', '--k', '20', '--json');
  assert.equal(e.status, 0, e.stderr);
  const ev = JSON.parse(e.stdout.trim());
  // eval recomputes the test ELBO of the saved model on the same split: identical to what train printed.
  assert.ok(Math.abs(ev.test.negElbo - metrics.test.negElbo) < 1e-3, `${ev.test.negElbo} vs ${metrics.test.negElbo}`);
  assert.ok(ev.test.iwaeNll < ev.test.negElbo, 'the IWAE bound is tighter than the ELBO');
  assert.match(e.stderr, /IWAE NLL \(K=20\)/);

  const file = path.join(out, 'grid.png');
  const s = vae('sample', '--model', path.join(run, 'model'), '--count', '16', '--file', file);
  assert.equal(s.status, 0, s.stderr);
  const { width, height } = pngSize(file);
  assert.ok(width > 4 * 28 && height > 4 * 28, `a 4×4 grid of digits, got ${width}×${height}`);
});

test('cli: a mistake in the flags is ONE line on stderr, exit 2, before any backend loads', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--epoch', '3'], /^vae: unknown flag --epoch; did you mean --epochs\? \(see npm run vae -- --help\)$/],
    [['train', '--epochs', 'ten'], /^vae: --epochs must be an integer, got 'ten'$/],
    [['train', '--epochs'], /^vae: --epochs needs a value$/],
    [['train', '--beta', '-1'], /^vae: --beta needs a value \(a value starting with '-' is written --beta=-…\)$/],
    [['train', '--beta=-1'], /^vae: --beta must be ≥ 0, got '-1'$/],
    [['train', '--latent-dim', '0'], /^vae: --latent-dim must be a positive integer, got '0'$/],
    [['train', '--hidden', '400,x'], /^vae: --hidden must be an integer, got 'x'$/],
    [['train', '--lr', '0'], /^vae: --lr must be > 0, got '0'$/],
    [['train', '--kind', 'gan'], /^vae: --kind must be one of vae, ae, got 'gan'$/],
    [['train', '--likelihood', 'poisson'], /^vae: --likelihood must be one of bernoulli, bernoulli-binary, continuous-bernoulli, gaussian, got 'poisson'$/],
    [['train', '--likelihood', 'bernoulli-binary'], /^vae: --likelihood bernoulli-binary is a distribution of binary pixels: add --binarize sample \(or threshold\)$/],
    [['train', '--backend', 'bogus'], /^vae: --backend must be one of auto, tensorflow, wasm, cpu, got 'bogus'$/],
    [['train', '--json=yes'], /^vae: --json takes no value$/],
    [['train', '--count', '9'], /^vae: --count is not a flag of 'train' \(it is one of sample\)/],
    [['train', 'now'], /^vae: unexpected argument 'now' after 'train'/],
    [['trian'], /^vae: unknown command 'trian' \(expected train, eval or sample\); did you mean train\?/],
    [['eval', '--model', path.join(out, 'nowhere')], /^vae: no saved model at '.*nowhere'/],
    [['train', '--data', path.join(out, 'no-idx-here'), '--epochs', '1'], /^vae: --data: no folder '.*no-idx-here'/],
    [['sample', '--model', out, '--file', path.join(out, 'no', 'dir', 'x.png')], /^vae: --file: no folder/],
  ];
  for (const [args, pattern] of cases) {
    const t0 = Date.now();
    const r = vae(...args);
    const ms = Date.now() - t0;
    const what = `vae ${args.join(' ')}`;
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    // Nothing else on stderr: no TensorFlow start-up lines, no "backend: …" line before the error.
    assert.equal(r.stderr.split('\n').filter((l) => l.trim()).length, 1, `${what}: one line only, got\n${r.stderr}`);
    assert.match(r.stderr.trim(), pattern, what);
    assert.deepEqual(r.backends, [], `${what}: no backend package was loaded`);
    assert.equal(r.stdout, '');
    console.log(`# ${what}: ${ms} ms`);
  }
  const bad = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/vae.ts'), 'train'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, VAE_BACKEND: 'gpu' },
  });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim(), "vae: VAE_BACKEND must be one of auto, tensorflow, wasm, cpu, got 'gpu'");
  const help = vae('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: npm run vae -- <command> \[flags\]/);
  assert.deepEqual(help.backends, []);
});

test('cli: errors at run time are one clear line too (exit 2)', () => {
  const empty = path.join(out, 'no-idx-here');
  fs.mkdirSync(empty, { recursive: true });
  const r = vae('train', '--data', empty, '--epochs', '1');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^vae: .*no-idx-here/m);
});
