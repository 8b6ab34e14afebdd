import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../lib/backend/backend';
import { digitGridPng, encodePng } from '../lib/figures/png';
import { decodePng } from './figure-helpers';
import {
  createSummaryWriter,
  readEventFile,
  readSummaries,
  findEventFiles,
  crc32c,
  maskedCrc32c,
  tfRecord,
} from '../lib/io/tensorboard';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vae-tb-'));
}

test('crc32c matches the published check values', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  assert.equal(crc32c(enc('123456789')), 0xe3069283);
  // RFC 3720 (iSCSI) appendix B.4 test vectors.
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  // The mask: rotate right 15, add 0xa282ead8 (mod 2³²).
  const c = 0xe3069283;
  assert.equal(maskedCrc32c(enc('123456789')), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32);
});

test('scalars written by the builtin writer read back with steps, tags and wall times', async () => {
  await initBackend();
  const dir = tempDir();
  try {
    const t0 = Date.now() / 1000;
    const w = createSummaryWriter(dir);
    assert.match(path.basename(w.path), /^events\.out\.tfevents\.\d{10}\./);
    const written: { tag: string; value: number; step: number }[] = [];
    for (let step = 0; step < 300; step++) {
      written.push({ tag: 'loss', value: 200 / (step + 1), step });
      written.push({ tag: 'test/elbo', value: -100 - step / 7, step });
    }
    written.push({ tag: 'β ünïcode', value: 0.25, step: 2 ** 40 });
    for (const s of written) w.scalar(s.tag, s.value, s.step);
    w.close();
    w.close();
    assert.throws(() => w.scalar('loss', 1, 1), /closed/);
    const files = findEventFiles(dir);
    assert.deepEqual(files, [w.path]);
    const events = readEventFile(w.path);
    assert.equal(events.length, written.length);
    events.forEach((e, i) => {
      assert.equal(e.tag, written[i].tag);
      assert.equal(e.step, written[i].step);
      assert.equal(e.value, Math.fround(written[i].value)); // simple_value is a float32
      assert.ok(e.wallTime >= t0 - 1 && e.wallTime <= Date.now() / 1000 + 1);
    });
    // The first record is the file_version event, which carries no scalar.
    const bytes = fs.readFileSync(w.path);
    assert.ok(bytes.includes(Buffer.from('brain.Event:2')));
    assert.ok(bytes.indexOf(Buffer.from('brain.Event:2')) < bytes.indexOf(Buffer.from('loss')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('flush makes values visible before close; bad arguments are clear errors', () => {
  const dir = tempDir();
  try {
    const w = createSummaryWriter(dir, { implementation: 'builtin' });
    w.scalar('kl', 3.5, 1);
    assert.equal(readEventFile(w.path).length, 0);
    w.flush();
    assert.deepEqual(readEventFile(w.path).map((e) => [e.tag, e.step, e.value]), [['kl', 1, 3.5]]);
    assert.throws(() => w.scalar('', 1, 1), /tag must be a non-empty string/);
    assert.throws(() => w.scalar('kl', 1, -1), /step for 'kl' must be a non-negative integer/);
    assert.throws(() => w.scalar('kl', 1, 1.5), /non-negative integer/);
    w.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a flipped byte or a truncated file makes reading fail clearly', () => {
  const dir = tempDir();
  try {
    const w = createSummaryWriter(dir, { implementation: 'builtin' });
    for (let i = 0; i < 5; i++) w.scalar('loss', i, i);
    w.close();
    const good = fs.readFileSync(w.path);
    assert.equal(readEventFile(w.path).length, 5);
    // Flip every byte in turn: each must be caught (by a checksum, or by the length check).
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] ^= 0x01;
      fs.writeFileSync(w.path, bad);
      assert.throws(
        () => readEventFile(w.path),
        (e: Error) => e.message.includes(w.path) && /checksum mismatch|truncated/.test(e.message),
        `flipped byte ${i} not detected`,
      );
    }
    fs.writeFileSync(w.path, good.subarray(0, good.length - 3));
    assert.throws(() => readEventFile(w.path), /record 5 at byte \d+: truncated record/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('readEventFile also reads tensor-valued scalars (the layout tfjs-node writes)', () => {
  const dir = tempDir();
  try {
    // Event{step=7, summary{value{tag='loss', tensor{dtype=DT_FLOAT, float_val=[packed 1.5]}}}} by hand.
    const f32 = new Uint8Array(new Float32Array([1.5]).buffer);
    const tensor = [0x08, 0x01, 0x2a, 0x04, ...f32]; // dtype=1 (varint), float_val=5 (packed, 4 bytes)
    const value = [0x0a, 0x04, ...new TextEncoder().encode('loss'), 0x42, tensor.length, ...tensor]; // tag=1, tensor=8
    const summary = [0x0a, value.length, ...value];
    const event = Uint8Array.from([0x10, 0x07, 0x2a, summary.length, ...summary]);
    const file = path.join(dir, 'events.out.tfevents.0.test');
    fs.writeFileSync(file, tfRecord(event));
    assert.deepEqual(readEventFile(file), [{ step: 7, wallTime: 0, tag: 'loss', value: 1.5 }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('images and histograms read back with their steps, sizes, pixels and counts, between scalars', () => {
  const dir = tempDir();
  try {
    const w = createSummaryWriter(dir);
    const grid = digitGridPng(Float32Array.from({ length: 4 * 784 }, (_, i) => (i % 784) / 784), { cols: 2 });
    const rgb = encodePng(Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10), 3, 2, 3);
    const values = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    w.scalar('loss', 1, 5);
    w.image('samples', grid, 5);
    w.histogram('encoder/mean', values, 5);
    w.image('rgb', rgb, 9);
    w.histogram('flat', [2, 2, 2], 9, 4);
    w.scalar('loss', 0.5, 9);
    w.close();
    const { scalars, images, histograms } = readSummaries(w.path);
    assert.deepEqual(scalars.map((e) => [e.tag, e.step, e.value]), [['loss', 5, 1], ['loss', 9, 0.5]]);
    assert.deepEqual(readEventFile(w.path), scalars, 'readEventFile: the scalars');
    assert.deepEqual(images.map((e) => [e.tag, e.step, e.width, e.height, e.colorspace]), [['samples', 5, 2 + 2 * 58, 2 + 2 * 58, 1], ['rgb', 9, 3, 2, 3]]);
    assert.deepEqual(images[0].png, grid, 'the PNG bytes unchanged');
    assert.equal(decodePng(images[1].png).pixels[5], 50);
    const [h, flat] = histograms;
    assert.deepEqual([h.tag, h.step, flat.tag, flat.step], ['encoder/mean', 5, 'flat', 9]);
    assert.equal(h.count, 1000);
    assert.equal(h.buckets.length, 30);
    assert.equal(h.buckets.reduce((a, b) => a + b, 0), 1000, 'every value in a bucket');
    assert.equal(h.min, Math.min(...values));
    assert.equal(h.max, Math.max(...values));
    assert.equal(h.bucketLimits[29], h.max);
    assert.ok(Math.abs(h.sum - values.reduce((a, b) => a + b, 0)) < 1e-9);
    assert.ok(Math.abs(h.sumSquares - values.reduce((a, b) => a + b * b, 0)) < 1e-9);
    // Each bucket holds the values between its left edge (the previous limit, or min) and its limit.
    const edges = [h.min, ...h.bucketLimits];
    h.buckets.forEach((n, k) => {
      const inside = Array.from(values).filter((v) => v >= edges[k] && (k === 29 ? v <= edges[k + 1] : v < edges[k + 1])).length;
      assert.ok(Math.abs(n - inside) <= 1, `bucket ${k}: ${n} vs ${inside}`); // a value on an edge may fall either side
    });
    assert.deepEqual([flat.min, flat.max, flat.count, flat.buckets], [2, 2, 3, [0, 0, 0, 3]], 'equal values: all in the last bucket');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('images and histograms: bad input is a clear error', () => {
  const dir = tempDir();
  try {
    const w = createSummaryWriter(dir);
    assert.throws(() => w.image('x', new Uint8Array(40), 1), /'x' is not PNG bytes/);
    assert.throws(() => w.image('', digitGridPng(new Float32Array(784)), 1), /SummaryWriter.image: tag must be a non-empty string/);
    assert.throws(() => w.histogram('h', [1, NaN], 1), /'h' holds a non-finite value \(NaN\) at index 1/);
    assert.throws(() => w.histogram('h', [], 1), /'h' has no values/);
    assert.throws(() => w.histogram('h', [1], 1, 0), /bins for 'h' must be a positive integer/);
    assert.throws(() => w.histogram('h', [1], -1), /step for 'h' must be a non-negative integer/);
    w.close();
    assert.throws(() => w.image('x', digitGridPng(new Float32Array(784)), 1), /closed/);
    assert.deepEqual(readSummaries(w.path), { scalars: [], images: [], histograms: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
