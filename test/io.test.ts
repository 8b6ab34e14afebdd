import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { createVAE, VAE } from '../lib/model/vae';
import { createAutoencoder } from '../lib/model/autoencoder';
import { type Model } from '../lib/model/model';
import { saveModel, loadModel, saveCheckpoint, latestCheckpoint, saveBookModel } from '../lib/io/save';

before(async () => {
  await initBackend();
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vae-io-'));
}

const X = () => tf.randomUniform([4, 784], 0, 1, 'float32', 5) as tf.Tensor2D;

/** Deterministic outputs of a model: logits through the code (and the posterior for a VAE). */
function outputs(model: Model): number[] {
  return tf.tidy(() => {
    const x = X();
    if (model.kind === 'ae') return Array.from(model.forward(x).logits.dataSync());
    const eps = tf.randomNormal([4, model.config.latentDim], 0, 1, 'float32', 6) as tf.Tensor2D;
    const out = model.forward(x, eps);
    return [...out.mean.dataSync(), ...out.logVar.dataSync(), ...out.logits.dataSync()];
  });
}

for (const [name, make] of [
  ['dense VAE', () => createVAE({ seed: 1 })],
  ['conv VAE', () => createVAE({ architecture: 'conv', latentDim: 6, hiddenUnits: [32], seed: 2 })],
  ['autoencoder', () => createAutoencoder({ latentDim: 3, hiddenUnits: [16], seed: 3, likelihood: 'gaussian' })],
] as const) {
  test(`saveModel/loadModel: ${name} comes back with identical outputs and config`, async () => {
    const dir = path.join(tmpDir(), 'model');
    const model: Model = make();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    assert.equal(loaded.kind, model.kind);
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(outputs(loaded), outputs(model));
    loaded.dispose();
    model.dispose();
  });
}

test('saved folders are standard TF.js layers models (model.json + weights.bin)', async () => {
  const dir = path.join(tmpDir(), 'model');
  const vae = createVAE({ latentDim: 2, hiddenUnits: [8] });
  await saveModel(vae, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['decoder', 'encoder', 'vae.json']);
  for (const part of ['encoder', 'decoder']) {
    assert.deepEqual(fs.readdirSync(path.join(dir, part)).sort(), ['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(dir, part, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
    // Loadable by plain TF.js from the two files, without this library's loader.
    const bin = fs.readFileSync(path.join(dir, part, 'weights.bin'));
    const net = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const original = part === 'encoder' ? vae.encoder : vae.decoder;
    assert.deepEqual(
      net.getWeights().map((w) => Array.from(w.dataSync())),
      original.getWeights().map((w) => Array.from(w.dataSync())),
    );
    net.dispose();
  }
  vae.dispose();
});

test('saveModel replaces an existing model atomically and leaves no temporary folders', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'model');
  const a = createVAE({ latentDim: 2, hiddenUnits: [8], seed: 1 });
  const b = createVAE({ latentDim: 2, hiddenUnits: [8], seed: 2 });
  await saveModel(a, dir);
  await saveModel(b, dir);
  assert.deepEqual(fs.readdirSync(root), ['model']);
  const loaded = (await loadModel(dir)) as VAE;
  assert.deepEqual(outputs(loaded), outputs(b));
  [a, b, loaded].forEach((m) => m.dispose());
});

test('checkpoints: latest.json names the newest complete folder; older ones pruned; stray temp folders ignored', async () => {
  const root = tmpDir();
  const vae = createVAE({ latentDim: 2, hiddenUnits: [8], seed: 1 });
  for (let e = 1; e <= 3; e++) await saveCheckpoint(vae, root, e, 2);
  assert.deepEqual(fs.readdirSync(root).sort(), ['epoch-0002', 'epoch-0003', 'latest.json']);
  assert.equal(latestCheckpoint(root), path.join(root, 'epoch-0003'));
  // A crash during the next save leaves a half-written temporary folder behind.
  fs.mkdirSync(path.join(root, 'epoch-0004.tmp-123-456', 'encoder'), { recursive: true });
  const loaded = (await loadModel(root)) as VAE;
  assert.deepEqual(outputs(loaded), outputs(vae));
  [vae, loaded].forEach((m) => m.dispose());
});

test('loadModel: clear errors for a missing folder, a foreign folder and truncated weights', async () => {
  const root = tmpDir();
  await assert.rejects(loadModel(path.join(root, 'nope')), /loadModel: no saved model in '.*nope' \(expected vae.json/);
  const dir = path.join(root, 'model');
  const vae = createVAE({ latentDim: 2, hiddenUnits: [8] });
  await saveModel(vae, dir);
  const bin = path.join(dir, 'decoder', 'weights.bin');
  fs.writeFileSync(bin, fs.readFileSync(bin).subarray(0, 100));
  await assert.rejects(loadModel(dir), /weights hold 100 bytes but model.json describes \d+ \(truncated or mismatched weights.bin\)/);
  fs.writeFileSync(path.join(dir, 'vae.json'), JSON.stringify({ format: 'something-else', version: 1 }));
  await assert.rejects(loadModel(dir), /is not a saved model of this library/);
  vae.dispose();
});

test('saveBookModel: into $VAE_MODELS_DIR/<name> when the book build set it, nowhere otherwise; names are checked', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'book-models-'));
  const saved = process.env.VAE_MODELS_DIR;
  const model = createVAE({ latentDim: 2, hiddenUnits: [8], seed: 1 });
  try {
    delete process.env.VAE_MODELS_DIR;
    assert.equal(await saveBookModel(model, 'vae-2d'), undefined);
    assert.deepEqual(fs.readdirSync(dir), []);
    process.env.VAE_MODELS_DIR = dir;
    const out = await saveBookModel(model, 'vae-2d');
    assert.equal(out, path.join(dir, 'vae-2d'));
    assert.ok(fs.existsSync(path.join(dir, 'vae-2d', 'encoder', 'model.json')));
    await assert.rejects(saveBookModel(model, '../escape'), /name must be lower-case letters/);
  } finally {
    if (saved === undefined) delete process.env.VAE_MODELS_DIR;
    else process.env.VAE_MODELS_DIR = saved;
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
