// The recognizability score (lib/training/recognizability.ts): a classifier trained on digits scores real digits
// high and noise and blank images low; the score is a share in [0, 1]; training is deterministic and leak-free.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { loadData } from '../lib/data/load';
import type { Dataset } from '../lib/data/dataset';
import { Rng } from '../lib/model/random';
import {
  classProbabilities, classifierAccuracy, classifierLabels, labelAgreement, createDigitClassifier, recognizability, trainDigitClassifier, type DigitClassifier,
} from '../lib/training/recognizability';

let trainSet: Dataset;
let testSet: Dataset;
let classifier: DigitClassifier;

before(async () => {
  await initBackend();
  ({ train: trainSet, test: testSet } = loadData({ limit: 3000 }));
  classifier = await trainDigitClassifier(trainSet, { epochs: 8 });
});

function noise(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return new Float32Array(count * 784).map(() => rng.next());
}

/** Sparse bright speckles: 10 % of pixels on. Not the kind of outlier the classifier was trained against. */
function speckles(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return new Float32Array(count * 784).map(() => (rng.next() < 0.1 ? 1 : 0));
}

test('real test digits score high; uniform noise, speckles and blank images score low', () => {
  const accuracy = classifierAccuracy(classifier, testSet);
  assert.ok(accuracy > 0.9, `accuracy ${accuracy} on ${testSet.size} test digits`);
  const real = recognizability(classifier, testSet.images);
  assert.ok(real.score > 0.6, `real digits: ${real.score}`);
  assert.equal(real.count, testSet.size);
  assert.equal(real.recognized, Math.round(real.score * real.count));
  assert.equal(real.perClass.reduce((a, b) => a + b, 0), real.recognized);
  assert.ok(real.perClass.every((c) => c > 0), 'every digit is recognised somewhere');
  assert.ok(real.evenness > 0.95 && real.evenness <= 1, `real digits cover the ten classes evenly: ${real.evenness}`);
  for (const [what, images] of [['uniform noise', noise(300, 1)], ['speckles', speckles(300, 2)], ['blank', new Float32Array(100 * 784)]] as const) {
    const r = recognizability(classifier, images);
    assert.ok(r.score < 0.05, `${what}: ${r.score}`);
  }
});

test('without outlier exposure the same classifier calls far more noise a digit (the reason for it)', async () => {
  const plain = await trainDigitClassifier(trainSet, { epochs: 8, outliersPerBatch: 0 });
  try {
    const fooled = recognizability(plain, noise(300, 1)).score;
    // Trained on all 8,000 training digits for 20 epochs, the share was 0.94; a smaller, shorter run here.
    assert.ok(fooled > 0.1, `noise fools a classifier trained without outliers: ${fooled}`);
  } finally {
    plain.net.dispose();
  }
});

test('probabilities are distributions; the threshold decides; one digit everywhere shows in perClass', () => {
  const images = testSet.images.subarray(0, 50 * 784);
  const p = classProbabilities(classifier, images);
  assert.equal(p.length, 50 * 10);
  for (let i = 0; i < 50; i++) {
    const row = p.subarray(i * 10, (i + 1) * 10);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  }
  const strict = recognizability(classifier, images, { threshold: 0.999 });
  const loose = recognizability(classifier, images, { threshold: 0.5 });
  assert.ok(strict.score <= recognizability(classifier, images).score && recognizability(classifier, images).score <= loose.score);
  // Fifty copies of one well-recognised digit: all in one class.
  let idx = 0;
  const probsAll = classProbabilities(classifier, testSet.images);
  while (Math.max(...probsAll.subarray(idx * 10, idx * 10 + 10)) < 0.99) idx++;
  const copies = new Float32Array(50 * 784);
  for (let i = 0; i < 50; i++) copies.set(testSet.images.subarray(idx * 784, (idx + 1) * 784), i * 784);
  const same = recognizability(classifier, copies);
  assert.equal(same.score, 1);
  assert.equal(Math.max(...same.perClass), 50);
  assert.equal(same.evenness, 0, 'all one class: evenness 0');
  assert.equal(recognizability(classifier, new Float32Array(784)).evenness, 0, 'nothing recognised: evenness 0');
});

test('same seed, same classifier; bad input is a clear error; no tensors leak', async () => {
  const small = { ...trainSet, images: trainSet.images.subarray(0, 300 * 784), labels: trainSet.labels.subarray(0, 300), size: 300 };
  const before = tf.memory().numTensors;
  const a = await trainDigitClassifier(small, { epochs: 1, seed: 3 });
  const b = await trainDigitClassifier(small, { epochs: 1, seed: 3 });
  assert.deepEqual(classProbabilities(a, testSet.images.subarray(0, 5 * 784)), classProbabilities(b, testSet.images.subarray(0, 5 * 784)));
  recognizability(a, testSet.images.subarray(0, 20 * 784));
  a.net.dispose();
  b.net.dispose();
  assert.equal(tf.memory().numTensors, before, 'training and scoring leave no tensors behind');
  assert.throws(() => recognizability(classifier, new Float32Array(100)), /100 values are not a whole number of images of 784 pixels/);
  assert.throws(() => recognizability(classifier, testSet.images, { threshold: 0 }), /threshold must be in \(0, 1\]/);
  assert.throws(() => createDigitClassifier({ hiddenUnits: [0] }), /hiddenUnits\[0\] must be a positive integer/);
  await assert.rejects(trainDigitClassifier({ ...small, labels: new Uint8Array(300).fill(12) }), /label 12 of example 0 is not below classes = 10/);
});

test('classifierLabels and labelAgreement: the most probable digit per image, and the share matching given labels', () => {
  const labels = classifierLabels(classifier, testSet.images);
  assert.equal(labels.length, testSet.size);
  assert.equal(labelAgreement(classifier, testSet.images, testSet.labels), classifierAccuracy(classifier, testSet));
  assert.equal(labelAgreement(classifier, testSet.images, labels), 1, 'its own labels agree everywhere');
  const shifted = Array.from(labels, (l) => (l + 1) % 10);
  assert.equal(labelAgreement(classifier, testSet.images, shifted), 0);
  assert.throws(() => labelAgreement(classifier, testSet.images, [1, 2]), /images but 2 labels/);
});
