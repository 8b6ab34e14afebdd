// End-to-end: the command line a new user runs (`npm run vae -- …`), on a few hundred digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-cli-'));

function vae(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/vae.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, VAE_QUIET: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
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
  assert.match(t.stderr, /epoch 2: loss [\d.]+ .* s, \d+ samples\/s/, 'seconds per epoch are printed');
  const metrics = JSON.parse(t.stdout.trim());
  assert.equal(metrics.epochs.length, 2);
  assert.ok(metrics.epochs[1].loss < metrics.epochs[0].loss, 'training lowers the loss');
  assert.ok(metrics.test.negElbo > 0 && Number.isFinite(metrics.test.negElbo));
  assert.ok(Math.abs(metrics.test.negElbo - (metrics.test.recon + metrics.test.kl)) < 1e-3 * metrics.test.negElbo);
  for (const f of ['model/vae.json', 'model/encoder/model.json', 'model/decoder/model.json', 'samples.png', 'reconstructions.png']) {
    assert.ok(fs.existsSync(path.join(run, f)), `train wrote ${f}`);
  }
  assert.ok(fs.readdirSync(logdir, { recursive: true }).some((f) => String(f).includes('tfevents')), 'TensorBoard event file written');

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

test('cli: bad input gives a clear error and exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--latent-dim', '0', '--limit', '100', '--epochs', '1', '--out', path.join(out, 'zero')], /latentDim must be a positive integer, got 0/],
    [['train', '--backend', 'bogus'], /unknown backend 'bogus'/],
    [['train', '--epochs', 'ten'], /--epochs must be an integer, got 'ten'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['eval', '--model', path.join(out, 'nowhere')], /no saved model at/],
    [['train', '--data', path.join(out, 'no-idx-here'), '--epochs', '1'], /no-idx-here/],
  ];
  for (const [args, pattern] of cases) {
    const r = vae(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
  }
});
