import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readIdx, writeIdx, loadIdxFolder } from '../lib/data/idx';
import { loadData } from '../lib/data/load';

/** n fake 28×28 images whose pixels encode (image, position), and labels i mod 10. */
function fake(n: number): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + Math.floor(i / 784) * 13) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { pixels, labels };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vae-idx-'));
}

/** A folder in MNIST layout: train 12 images, t10k 5, optionally gzipped. */
function writeFolder(gzip: boolean): { dir: string; train: ReturnType<typeof fake>; test: ReturnType<typeof fake> } {
  const dir = tempDir();
  const train = fake(12);
  const held = fake(5);
  const ext = gzip ? '.gz' : '';
  fs.writeFileSync(path.join(dir, `train-images-idx3-ubyte${ext}`), writeIdx(train.pixels, [12, 28, 28], { gzip }));
  fs.writeFileSync(path.join(dir, `train-labels-idx1-ubyte${ext}`), writeIdx(train.labels, [12], { gzip }));
  fs.writeFileSync(path.join(dir, `t10k-images-idx3-ubyte${ext}`), writeIdx(held.pixels, [5, 28, 28], { gzip }));
  fs.writeFileSync(path.join(dir, `t10k-labels-idx1-ubyte${ext}`), writeIdx(held.labels, [5], { gzip }));
  return { dir, train, test: held };
}

test('writeIdx produces the documented header', () => {
  const bytes = writeIdx(Uint8Array.from([1, 2, 3]), [3]);
  assert.deepEqual(Array.from(bytes), [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
  const img = writeIdx(new Uint8Array(2 * 2 * 3), [2, 2, 3]);
  assert.deepEqual(Array.from(img.subarray(0, 16)), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
  const r = readIdx(img);
  assert.deepEqual(r.dims, [2, 2, 3]);
  assert.throws(() => writeIdx(new Uint8Array(5), [2, 3]), /need 6 values, got 5/);
});

for (const gzip of [false, true]) {
  test(`loadIdxFolder and loadData read ${gzip ? 'gzipped' : 'plain'} IDX files back`, () => {
    const { dir, train, test: held } = writeFolder(gzip);
    try {
      const ds = loadIdxFolder(dir, 'train');
      assert.equal(ds.size, 12);
      assert.equal(ds.height, 28);
      assert.equal(ds.width, 28);
      assert.deepEqual(ds.labels, train.labels);
      for (let i = 0; i < train.pixels.length; i++) assert.equal(ds.images[i], Math.fround(train.pixels[i] / 255));
      const both = loadData({ source: dir, dataset: 'fashion-mnist' });
      assert.equal(both.train.size, 12);
      assert.equal(both.test.size, 5);
      assert.equal(both.test.name, 'fashion-mnist/test');
      assert.deepEqual(both.test.labels, held.labels);
      const limited = loadData({ source: dir, limit: 8 });
      assert.equal(limited.train.size, 8);
      assert.equal(limited.test.size, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a truncated file is a clear error naming the file', () => {
  const { dir } = writeFolder(false);
  try {
    const f = path.join(dir, 'train-images-idx3-ubyte');
    const full = fs.readFileSync(f);
    fs.writeFileSync(f, full.subarray(0, full.length - 100));
    assert.throws(
      () => loadIdxFolder(dir, 'train'),
      (e: Error) => e.message.includes(f) && /truncated/.test(e.message) && /need 9408 data bytes, found 9308/.test(e.message),
    );
    fs.writeFileSync(f, full.subarray(0, 10));
    assert.throws(() => loadIdxFolder(dir, 'train'), (e: Error) => e.message.includes(f) && /header alone needs 16/.test(e.message));
    // A truncated gzip stream.
    const gz = zlib.gzipSync(full);
    fs.writeFileSync(f, gz.subarray(0, gz.length - 20));
    assert.throws(() => loadIdxFolder(dir, 'train'), (e: Error) => e.message.includes(f) && /gzipped but cannot be decompressed/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a wrong magic number is a clear error naming the file', () => {
  const { dir } = writeFolder(false);
  try {
    const f = path.join(dir, 't10k-labels-idx1-ubyte');
    const bytes = fs.readFileSync(f);
    bytes[0] = 0x12;
    fs.writeFileSync(f, bytes);
    assert.throws(() => loadIdxFolder(dir, 'test'), (e: Error) => e.message.includes(f) && /magic number 0x12000801/.test(e.message));
    // Images where labels belong: dims say 0x00000803.
    fs.copyFileSync(path.join(dir, 't10k-images-idx3-ubyte'), f);
    assert.throws(() => loadIdxFolder(dir, 'test'), (e: Error) => e.message.includes(f) && /expected magic 0x00000801/.test(e.message));
    // A float IDX (type 0x0D) is not supported.
    const floatFile = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert.throws(() => readIdx(floatFile, 'x.idx'), /x\.idx has IDX data type 0x0d/);
    // Extra bytes after the data.
    assert.throws(() => readIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 7, 7]), 'y'), /y has 1 bytes beyond/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a label/image count mismatch is a clear error naming both files', () => {
  const { dir } = writeFolder(false);
  try {
    const f = path.join(dir, 'train-labels-idx1-ubyte');
    fs.writeFileSync(f, writeIdx(new Uint8Array(11), [11]));
    assert.throws(
      () => loadIdxFolder(dir, 'train'),
      (e: Error) => e.message.includes(f) && e.message.includes('train-images-idx3-ubyte') && /11 labels but .* 12 images/.test(e.message),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing file or folder is a clear error naming it', () => {
  const { dir } = writeFolder(true);
  try {
    fs.rmSync(path.join(dir, 't10k-images-idx3-ubyte.gz'));
    assert.throws(
      () => loadData({ source: dir }),
      (e: Error) => e.message.includes(path.join(dir, 't10k-images-idx3-ubyte')) && /missing file/.test(e.message),
    );
    assert.throws(() => loadIdxFolder(path.join(dir, 'nope'), 'train'), /nope is not a folder/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
