/**
 * The embedded digits packed for the web (the JupyterLite kernel fetches them once): the `mnist` package's
 * pixels take 256 distinct values (k/255 rounded to three decimals), so each pixel is one byte indexing a
 * palette of those float32 values, and unpacking gives back exactly the numbers Node reads. Layout, little-endian:
 * uint32 count n, uint32 palette size p (≤ 256), p float32 values, n label bytes, n·784 pixel bytes. The caller
 * compresses it (gzip).
 */
import type { Dataset } from './dataset';

const PIXELS = 28 * 28;

/** The bytes of `digits` (the mnist package's 10,000, lib/data/load.ts), before compression. */
export function packDigits(digits: Dataset): Uint8Array {
  if (digits.height * digits.width !== PIXELS) throw new Error(`packDigits: expected 28×28 digits, got ${digits.height}×${digits.width}`);
  const n = digits.size;
  const palette = Array.from(new Set(digits.images.subarray(0, n * PIXELS))).sort((a, b) => a - b);
  if (palette.length > 256) throw new Error(`packDigits: the pixels take ${palette.length} distinct values; one byte indexes at most 256`);
  const index = new Map(palette.map((v, i) => [v, i]));
  const head = 8 + 4 * palette.length;
  const out = new Uint8Array(head + n + n * PIXELS);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  view.setUint32(4, palette.length, true);
  palette.forEach((v, i) => view.setFloat32(8 + 4 * i, v, true));
  out.set(digits.labels.subarray(0, n), head);
  for (let i = 0; i < n * PIXELS; i++) out[head + n + i] = index.get(digits.images[i]) as number;
  return out;
}

/** The digits from packDigits' bytes (decompressed). */
export function unpackDigits(bytes: Uint8Array): Dataset {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new Error('unpackDigits: too few bytes for the header');
  const n = view.getUint32(0, true);
  const p = view.getUint32(4, true);
  const head = 8 + 4 * p;
  if (p > 256 || bytes.length !== head + n + n * PIXELS) throw new Error(`unpackDigits: ${bytes.length} bytes do not hold ${n} digits with a palette of ${p}`);
  const palette = new Float32Array(p);
  for (let i = 0; i < p; i++) palette[i] = view.getFloat32(8 + 4 * i, true);
  const labels = bytes.slice(head, head + n);
  const images = new Float32Array(n * PIXELS);
  for (let i = 0; i < n * PIXELS; i++) images[i] = palette[bytes[head + n + i]];
  return { images, labels, size: n, height: 28, width: 28, name: 'mnist-embedded' };
}
