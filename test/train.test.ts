import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { subset, type Dataset } from '../lib/data/dataset';
import { loadData } from '../lib/data/load';
import { createVAE } from '../lib/model/vae';
import { createAutoencoder } from '../lib/model/autoencoder';
import { train } from '../lib/training/train-node';
import { train as trainLoop, type EpochLog, type TrainConfig } from '../lib/training/train';
import { klWarmup } from '../lib/model/elbo';
import { loadModel, latestCheckpoint } from '../lib/io/save';
import { findEventFiles, readEventFile, readSummaries } from '../lib/io/tensorboard';
import { decodePng } from './figure-helpers';

let data: Dataset;
let test_: Dataset;

before(async () => {
  await initBackend();
  const split = loadData({ limit: 512 });
  data = split.train;
  test_ = split.test;
});

function tmpDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `vae-train-${name}-`));
}

/** Logits of a fixed batch, to compare models. */
function logitsOf(model: { decode(z: tf.Tensor2D): tf.Tensor2D; encode(x: tf.Tensor2D): { mean: tf.Tensor2D } }, ds: Dataset): Float32Array {
  return tf.tidy(() => model.decode(model.encode(tf.tensor2d(ds.images.subarray(0, 8 * 784), [8, 784])).mean)).dataSync() as Float32Array;
}

test('train: loss falls, logs per batch and epoch, async callbacks awaited in order', async () => {
  const vae = createVAE({ seed: 0 });
  const events: string[] = [];
  const result = await train(vae, data, {
    epochs: 2,
    batchSize: 128,
    seed: 0,
    onBatch: (log) => {
      events.push(`b${log.epoch}.${log.step}`);
    },
    onEpoch: async (log) => {
      await new Promise((r) => setTimeout(r, 5));
      events.push(`e${log.epoch}`);
    },
  });
  assert.equal(result.steps, 8);
  assert.equal(result.history.length, 8);
  assert.deepEqual(events, ['b1.1', 'b1.2', 'b1.3', 'b1.4', 'e1', 'b2.5', 'b2.6', 'b2.7', 'b2.8', 'e2']);
  const [e1, e2] = result.epochs;
  assert.ok(e2.loss < e1.loss, `epoch 2 loss ${e2.loss} should be below epoch 1 ${e1.loss}`);
  for (const e of result.epochs) {
    assert.ok(Math.abs(e.loss - (e.recon + e.kl)) < 1e-3 * e.loss, 'β = 1: loss = recon + kl');
    assert.ok(Math.abs(e.elbo + e.recon + e.kl) < 1e-3 * e.loss);
    assert.ok(e.seconds > 0 && e.samplesPerSecond > 0);
  }
  const h = result.history[0];
  assert.deepEqual(Object.keys(h).sort(), ['beta', 'epoch', 'kl', 'learningRate', 'loss', 'recon', 'seconds', 'step']);
  assert.ok(h.seconds > 0 && result.history.reduce((t, b) => t + b.seconds, 0) <= result.seconds + 1e-9, 'the steps add up to the epochs');
  vae.dispose();
});

test('train: same seed → same numbers; another seed → different numbers', async () => {
  const run = async (seed: number) => {
    const vae = createVAE({ latentDim: 8, hiddenUnits: [64], seed });
    const r = await train(vae, subset(data, 256), { epochs: 1, batchSize: 64, seed });
    vae.dispose();
    return r.history.map((h) => h.loss);
  };
  const a = await run(1);
  assert.deepEqual(await run(1), a);
  assert.notDeepEqual(await run(2), a);
});

test('train: β schedule reaches the loss; the autoencoder trains on reconstruction only', async () => {
  const vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 0 });
  const r = await train(vae, data, { epochs: 1, batchSize: 64, beta: klWarmup({ warmupSteps: 4, betaMax: 1 }) });
  assert.deepEqual(r.history.map((h) => h.beta), [0, 0.25, 0.5, 0.75, 1, 1, 1, 1]);
  r.history.forEach((h) => assert.ok(Math.abs(h.loss - (h.recon + h.beta * h.kl)) < 1e-3 * h.loss));
  vae.dispose();
  const ae = createAutoencoder({ latentDim: 4, hiddenUnits: [32], seed: 0 });
  const ra = await train(ae, data, { epochs: 2, batchSize: 64 });
  assert.ok(ra.epochs[1].recon < ra.epochs[0].recon);
  ra.history.forEach((h) => assert.equal(h.kl, 0));
  ae.dispose();
});

test('train: a learning-rate schedule sets every step\'s rate; free bits and the per-pixel mean reach the loss; active units per epoch', async () => {
  const vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 0 });
  const rates = (step: number) => 1e-3 / (1 + step);
  const r = await train(vae, data, { epochs: 1, batchSize: 64, learningRate: rates, freeBits: 5, testData: subset(test_, 64), activeUnits: true });
  assert.deepEqual(r.history.map((h) => h.learningRate), r.history.map((_, i) => rates(i)));
  // Free bits of 5 nats per dimension (4 dimensions) hold the KL part of the loss at 20 or more.
  r.history.forEach((h) => assert.ok(h.loss >= h.recon + 20 - 1e-3, `loss ${h.loss}, recon ${h.recon}`));
  const au = r.epochs[0].test?.activeUnits;
  assert.ok(typeof au === 'number' && au >= 0 && au <= 4, `active units ${au}`);
  const mean = await train(vae, data, { epochs: 1, batchSize: 64, pixelReduction: 'mean' });
  mean.history.forEach((h) => assert.ok(Math.abs(h.loss - (h.recon / 784 + h.kl)) < 1e-3 * h.loss));
  await assert.rejects(train(vae, data, { activeUnits: true }), /train: activeUnits needs testData/);
  await assert.rejects(train(vae, data, { learningRate: () => -1 }), /train: learningRate schedule gave -1 at step 0/);
  await assert.rejects(train(vae, data, { freeBits: -1 }), /train: freeBits must be a finite number ≥ 0, got -1/);
  vae.dispose();
});

test('train: tf.memory().numTensors identical after epoch 1 and after epoch 3 (with test data, checkpoints, TensorBoard)', async () => {
  const vae = createVAE({ latentDim: 8, hiddenUnits: [64], seed: 0 });
  const counts: number[] = [];
  const dir = tmpDir('leak');
  const before = tf.memory().numTensors;
  await train(vae, subset(data, 256), {
    epochs: 3,
    batchSize: 64,
    testData: subset(test_, 64),
    checkpointDir: path.join(dir, 'ckpt'),
    logDir: path.join(dir, 'logs'),
    onEpoch: () => {
      counts.push(tf.memory().numTensors);
    },
  });
  assert.equal(counts.length, 3);
  assert.equal(counts[2], counts[0], `numTensors after epochs: ${counts.join(', ')}`);
  assert.equal(tf.memory().numTensors, before, 'the optimizer state is freed at the end');
  vae.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('NaN guard: a learning rate of 1e9 stops with an error naming epoch and step', async () => {
  const vae = createVAE({ seed: 0 });
  const before = tf.memory().numTensors;
  await assert.rejects(train(vae, data, { epochs: 3, learningRate: 1e9 }), /^Error: train: loss became (NaN|Infinity|-Infinity) at epoch 1, step \d+/);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind by the failed run');
  vae.dispose();
});

test('NaN guard: NaN in the data is refused before training; a loss that is not finite stops at the first batch', async () => {
  const bad = subset(data, 64);
  const images = bad.images.slice();
  images[100] = NaN;
  const vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 0 });
  await assert.rejects(train(vae, { ...bad, images }, { epochs: 2, batchSize: 64 }), /train: data '.*' has value NaN at index 100, outside the support/);
  // A Gaussian decoder with σ² = e^-200, which is 0 in float32: every pixel's term is infinite or 0·∞.
  const overflow = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 0, likelihood: 'gaussian', outputLogVar: -200 });
  await assert.rejects(train(overflow, bad, { epochs: 2, batchSize: 64 }), /train: loss became (NaN|Infinity) at epoch 1, step 1 /);
  vae.dispose();
  overflow.dispose();
});

test('bad inputs: data of the wrong image size, epochs 0, negative learning rate', async () => {
  const vae = createVAE({ latentDim: 4, hiddenUnits: [32] });
  const small: Dataset = { images: new Float32Array(10 * 100), labels: new Uint8Array(10), size: 10, height: 10, width: 10, name: 'tiny' };
  await assert.rejects(train(vae, small), /train: data 'tiny' has 10×10 = 100 pixels per image but the model expects inputDim 784/);
  await assert.rejects(train(vae, data, { epochs: 0 }), /train: epochs must be a positive integer, got 0/);
  await assert.rejects(train(vae, data, { learningRate: -1 }), /learningRate must be a finite number > 0/);
  vae.dispose();
});

test('checkpoints: an error in epoch 2 leaves epoch 1 loadable with identical outputs', async () => {
  const dir = tmpDir('ckpt');
  const vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 0 });
  let atEpoch1: Float32Array | undefined;
  await assert.rejects(
    train(vae, data, {
      epochs: 3,
      batchSize: 64,
      checkpointDir: dir,
      onEpoch: (log: EpochLog) => {
        if (log.epoch === 1) atEpoch1 = logitsOf(vae, data);
      },
      onBatch: (log) => {
        if (log.epoch === 2 && log.step === 11) throw new Error('simulated crash');
      },
    }),
    /simulated crash/,
  );
  assert.equal(latestCheckpoint(dir), path.join(dir, 'epoch-0001'));
  const loaded = await loadModel(dir);
  assert.equal(loaded.kind, 'vae');
  if (loaded.kind !== 'vae') return;
  assert.deepEqual(logitsOf(loaded, data), atEpoch1);
  assert.notDeepEqual(logitsOf(vae, data), atEpoch1, 'the live model moved on in epoch 2');
  loaded.dispose();
  vae.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('checkpoints: a process killed (SIGKILL) mid-run leaves the latest checkpoint loadable', async () => {
  const dir = tmpDir('kill');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'train-forever.ts'), dir], {
    stdio: 'ignore',
    env: { ...process.env, VAE_QUIET: '1' },
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const deadline = Date.now() + 60000;
    // Wait until checkpoints are being replaced and pruned, then kill at an arbitrary moment.
    for (;;) {
      const latest = path.join(dir, 'latest.json');
      if (fs.existsSync(latest) && JSON.parse(fs.readFileSync(latest, 'utf8')).epoch >= 3) break;
      if (Date.now() > deadline) throw new Error('the child wrote no third checkpoint within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 37));
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const model = await loadModel(dir);
  assert.equal(model.kind, 'vae');
  const out = tf.tidy(() => model.forward(tf.tensor2d(data.images.subarray(0, 784), [1, 784])).logits.dataSync());
  assert.ok(Array.from(out).every(Number.isFinite));
  model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('TensorBoard: per step loss, recon, kl, elbo, beta; per epoch train and test terms, sample and reconstruction images, encoder histograms', async () => {
  const dir = tmpDir('tb');
  const vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 0 });
  const testSet = subset(test_, 32);
  const r = await train(vae, subset(data, 256), { epochs: 2, batchSize: 64, logDir: dir, testData: testSet });
  const files = findEventFiles(dir);
  assert.equal(files.length, 1);
  const { scalars, images, histograms } = readSummaries(files[0]);
  assert.deepEqual(readEventFile(files[0]), scalars);
  const steps = (tag: string): number[] => scalars.filter((e) => e.tag === tag).map((e) => e.step);
  const values = (tag: string): number[] => scalars.filter((e) => e.tag === tag).map((e) => e.value);
  for (const tag of ['loss', 'recon', 'kl', 'elbo', 'beta']) assert.deepEqual(steps(tag), [1, 2, 3, 4, 5, 6, 7, 8], tag);
  values('loss').forEach((v, i) => assert.ok(Math.abs(v - r.history[i].loss) < 1e-3));
  // Per epoch, at the global step that ends it (4 and 8): the epoch's train means and the test terms.
  for (const tag of ['epoch', 'train/loss', 'train/recon', 'train/kl', 'train/elbo', 'test/elbo', 'test/recon', 'test/kl']) {
    assert.deepEqual(steps(tag), [4, 8], tag);
  }
  assert.deepEqual(values('epoch'), [1, 2]);
  const close = (a: number[], b: number[]): void => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-3 * Math.abs(b[i]) + 1e-4, `${v} vs ${b[i]}`));
  close(values('train/elbo'), r.epochs.map((e) => e.elbo));
  close(values('train/kl'), r.epochs.map((e) => e.kl));
  close(values('test/elbo'), r.epochs.map((e) => e.test?.elbo ?? NaN));
  close(values('test/recon'), r.epochs.map((e) => e.test?.recon ?? NaN));
  // Images: 64 prior samples in 8 rows of 8; 8 test digits above their reconstructions. PNGs, 2× scale, 2 px gaps.
  assert.deepEqual(images.map((e) => [e.tag, e.step]), [['samples', 4], ['reconstructions', 4], ['samples', 8], ['reconstructions', 8]]);
  const tile = 2 * 28 + 2;
  for (const img of images) {
    const png = decodePng(img.png);
    assert.deepEqual([png.width, png.height, img.width, img.height, img.colorspace], img.tag === 'samples' ? [2 + 8 * tile, 2 + 8 * tile, png.width, png.height, 1] : [2 + 8 * tile, 2 + 2 * tile, png.width, png.height, 1]);
  }
  // The originals in the reconstructions image are the first test digits, pixel for pixel.
  const recon = decodePng(images[1].png);
  const first = Math.round(Math.min(1, Math.max(0, testSet.images[14 * 28 + 14])) * 255);
  assert.equal(recon.pixels[(2 + 2 * 14) * recon.width + 2 + 2 * 14], first);
  assert.notDeepEqual(images[0].png, images[2].png, 'the samples change as the model trains');
  // Histograms of the encoder's outputs over the 32 test digits × 4 latent dimensions.
  assert.deepEqual(histograms.map((h) => [h.tag, h.step, h.count]), [['encoder/mean', 4, 128], ['encoder/logVar', 4, 128], ['encoder/mean', 8, 128], ['encoder/logVar', 8, 128]]);
  vae.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('TensorBoard logging changes no training number; an autoencoder logs its code and reconstructions', async () => {
  const run = async (logDir?: string) => {
    const vae = createVAE({ latentDim: 4, hiddenUnits: [32], seed: 3 });
    const r = await train(vae, subset(data, 128), { epochs: 2, batchSize: 64, seed: 3, logDir, testData: subset(test_, 16) });
    vae.dispose();
    return [...r.history.map((h) => h.loss), ...r.epochs.map((e) => e.test?.elbo ?? NaN)];
  };
  const dir = tmpDir('tb-same');
  assert.deepEqual(await run(dir), await run(undefined));
  const ae = createAutoencoder({ latentDim: 3, hiddenUnits: [16], seed: 0 });
  const aeDir = path.join(dir, 'ae');
  await train(ae, subset(data, 64), { epochs: 1, batchSize: 64, logDir: aeDir });
  const s = readSummaries(findEventFiles(aeDir)[0]);
  assert.deepEqual(s.images.map((i) => i.tag), ['reconstructions'], 'no prior to sample from');
  assert.deepEqual(s.histograms.map((h) => [h.tag, h.count]), [['encoder/z', 64 * 3]], 'without test data: the training digits');
  assert.ok(!s.scalars.some((e) => e.tag.startsWith('test/')));
  ae.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the browser-safe loop: callbacks in order (epoch begin, batches, epoch, end, also after an error); file options refused', async () => {
  const small = subset(data, 256);
  const events: string[] = [];
  const result = await trainLoop(createVAE({ seed: 0 }), small, {
    epochs: 2,
    batchSize: 128,
    callbacks: [{
      onEpochBegin: (epoch, info) => void events.push(`begin${epoch}/${info.epochs}:${info.stepsPerEpoch}`),
      onBatch: (log) => void events.push(`b${log.step}`),
      onEpoch: (log) => void events.push(`e${log.epoch}`),
      onEnd: () => void events.push('end'),
    }],
    onBatch: (log) => void events.push(`user-b${log.step}`),
  });
  assert.equal(result.steps, 4);
  assert.deepEqual(events, ['begin1/2:2', 'b1', 'user-b1', 'b2', 'user-b2', 'e1', 'begin2/2:2', 'b3', 'user-b3', 'b4', 'user-b4', 'e2', 'end']);
  const ended: string[] = [];
  await assert.rejects(
    trainLoop(createVAE({ seed: 0 }), small, { epochs: 1, learningRate: 1e9, callbacks: [{ onEnd: () => void ended.push('end') }] }),
    /loss became/,
  );
  assert.deepEqual(ended, ['end']);
  for (const key of ['checkpointDir', 'logDir']) {
    await assert.rejects(trainLoop(createVAE({ seed: 0 }), small, { epochs: 1, [key]: tmpDir('refused') } as Partial<TrainConfig>), new RegExp(`${key} needs files`));
  }
});
