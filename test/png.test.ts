import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { encodePng, digitGridPng, crc32 } from '../lib/figures/png';
import { decodePng, slowCrc32 } from './figure-helpers';

test('crc32 matches the check value of CRC-32/ISO-HDLC', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('encodePng round trip: signature, IHDR, CRCs, pixels', () => {
  const width = 7;
  const height = 5;
  const pixels = Uint8Array.from({ length: width * height }, (_, i) => (i * 37) % 256);
  const d = decodePng(encodePng(pixels, width, height));
  assert.equal(d.width, 7);
  assert.equal(d.height, 5);
  assert.equal(d.bitDepth, 8);
  assert.equal(d.colourType, 0);
  assert.equal(d.interlace, 0);
  assert.deepEqual(d.chunkTypes, ['IHDR', 'IDAT', 'IEND']);
  assert.deepEqual(d.pixels, pixels);
  assert.throws(() => encodePng(pixels, 6, 5), /6×5 needs 30 pixels, got 35/);
  assert.throws(() => encodePng(pixels, 0, 5), /width must be a positive integer/);
  if (typeof zlib.crc32 === 'function') {
    const png = encodePng(pixels, width, height);
    assert.equal(new DataView(png.buffer, png.byteOffset).getUint32(8 + 8 + 13), zlib.crc32(png.subarray(12, 12 + 4 + 13)), 'IHDR CRC as node computes it');
  }
  assert.equal(slowCrc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('encodePng RGB: colour type 2, three values per pixel, round trip', () => {
  const width = 3;
  const height = 2;
  const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 53) % 256);
  const d = decodePng(encodePng(pixels, width, height, 3));
  assert.equal(d.colourType, 2);
  assert.equal(d.channels, 3);
  assert.deepEqual(d.pixels, pixels);
  assert.throws(() => encodePng(pixels, 3, 3, 3), /3×3 needs 27 values \(RGB\), got 18/);
  assert.throws(() => encodePng(pixels, 3, 2, 2 as never), /channels must be 1 \(grey\) or 3 \(RGB\), got 2/);
});

test('a flipped byte breaks a chunk CRC (the decoder in this test can fail)', () => {
  const png = encodePng(new Uint8Array(16).fill(9), 4, 4);
  png[20] ^= 0xff; // inside IHDR data
  assert.throws(() => decodePng(png), /CRC of IHDR/);
});

test('digitGridPng lays out scaled tiles with padding', () => {
  const h = 3;
  const w = 2;
  // Three 3×2 "images" with distinct values in [0, 1]; one out of range gets clamped.
  const images = new Float32Array(3 * h * w);
  for (let i = 0; i < images.length; i++) images[i] = i / (images.length - 1);
  images[5] = 1.7;
  const scale = 2;
  const pad = 1;
  const d = decodePng(digitGridPng(images, { height: h, width: w, scale, pad, cols: 2, padValue: 0 }));
  // 2 columns, 2 rows: W = 2·(2·2) + 3·1, H = 2·(3·2) + 3·1.
  assert.equal(d.width, 11);
  assert.equal(d.height, 15);
  const at = (x: number, y: number): number => d.pixels[y * d.width + x];
  const expectByte = (v: number): number => Math.round(Math.min(1, v) * 255);
  for (let n = 0; n < 3; n++) {
    const x0 = pad + (n % 2) * (w * scale + pad);
    const y0 = pad + Math.floor(n / 2) * (h * scale + pad);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const src = images[n * h * w + Math.floor(y / scale) * w + Math.floor(x / scale)];
        assert.equal(at(x0 + x, y0 + y), expectByte(src), `tile ${n} pixel (${x}, ${y})`);
      }
    }
  }
  assert.equal(at(0, 0), 0);
  assert.equal(at(5, 3), 0); // the gap between the two columns
  // The fourth slot is empty → pad value.
  assert.equal(at(pad + w * scale + pad + 1, 1 + h * scale + pad + 1), 0);
  // Defaults: 28×28, scale 2, pad 2, one tile.
  const one = decodePng(digitGridPng(new Float32Array(784).fill(1)));
  assert.equal(one.width, 2 + 56 + 2);
  assert.equal(one.pixels[(2 + 10) * one.width + 2 + 10], 255);
  assert.equal(one.pixels[0], 128);
  assert.throws(() => digitGridPng(new Float32Array(100)), /not a whole number of 28×28 images/);
  assert.throws(() => digitGridPng(new Float32Array(784), { count: 2 }), /count must be an integer in \[1, 1\]/);
});

test('digitGridPng is deterministic', () => {
  const images = Float32Array.from({ length: 4 * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
  assert.deepEqual(digitGridPng(images, { cols: 2 }), digitGridPng(images, { cols: 2 }));
});
