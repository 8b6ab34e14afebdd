/**
 * Minimal PNG writer: the digit grids of the notebooks, the CLI and TensorBoard,
 * and the large heat maps inside the SVG fallbacks of figures (lib/figures/svgchart.ts).
 * Only what the PNG spec (RFC 2083 / W3C PNG 2nd ed.) needs for 8-bit grey or RGB:
 * signature, IHDR, one zlib-compressed IDAT (filter type 0 on every row), IEND,
 * each chunk closed by a CRC-32 over its type and data.
 */
import { zlibSync } from 'fflate';
import { gridLayout } from './grid';

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as PNG chunks use. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * PNG bytes of an 8-bit image, row-major: one channel (grey, 0 = black, 255 = white; the default) or
 * three (RGB, interleaved).
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 = 1): Uint8Array {
  for (const [k, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff) throw new Error(`encodePng: ${k} must be a positive integer, got ${v}`);
  }
  if (channels !== 1 && channels !== 3) throw new Error(`encodePng: channels must be 1 (grey) or 3 (RGB), got ${String(channels)}`);
  const rowBytes = width * channels;
  if (pixels.length !== rowBytes * height) {
    const what = channels === 1 ? 'pixels' : 'values (RGB)';
    throw new Error(`encodePng: ${width}×${height} needs ${rowBytes * height} ${what}, got ${pixels.length}`);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type 0: greyscale, 2: truecolour
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  // Every scanline starts with its filter type byte (0 = None).
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  const idat = zlibSync(raw, { level: 9 }); // fflate: the same zlib stream format in Node and in a browser
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface DigitGridOptions {
  /** Images to draw; default all of them. */
  count?: number;
  /** Tiles per row; default ceil(√count). */
  cols?: number;
  /** Image height in pixels. */
  height?: number;
  /** Image width in pixels. */
  width?: number;
  /** Each source pixel becomes scale × scale output pixels. */
  scale?: number;
  /** Gap between tiles and around the grid, in output pixels. */
  pad?: number;
  /** Grey level of the gaps, in [0, 1]. */
  padValue?: number;
}

export const DEFAULT_DIGIT_GRID: Required<Omit<DigitGridOptions, 'count' | 'cols'>> = {
  height: 28,
  width: 28,
  scale: 2,
  pad: 2,
  padValue: 0.5,
};

/**
 * PNG of a grid of images stored back to back in `images` (values in [0, 1],
 * clamped; 1 = white ink as in MNIST), e.g. samples from the prior (chapter 4).
 */
export function digitGridPng(images: Float32Array, opts: DigitGridOptions = {}): Uint8Array {
  const { height, width, scale, pad, padValue } = { ...DEFAULT_DIGIT_GRID, ...opts };
  for (const [k, v] of [['height', height], ['width', width], ['scale', scale]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`digitGridPng: ${k} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(pad) || pad < 0) throw new Error(`digitGridPng: pad must be an integer ≥ 0, got ${pad}`);
  const p = height * width;
  const { count, cols, rows } = gridLayout('digitGridPng', images.length, height, width, opts.count, opts.cols);
  const tileW = width * scale;
  const tileH = height * scale;
  const W = cols * tileW + (cols + 1) * pad;
  const H = rows * tileH + (rows + 1) * pad;
  const toByte = (x: number): number => Math.round(Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0)) * 255);
  const out = new Uint8Array(W * H).fill(toByte(padValue));
  for (let n = 0; n < count; n++) {
    const x0 = pad + (n % cols) * (tileW + pad);
    const y0 = pad + Math.floor(n / cols) * (tileH + pad);
    for (let y = 0; y < tileH; y++) {
      const srcRow = n * p + Math.floor(y / scale) * width;
      const dst = (y0 + y) * W + x0;
      for (let x = 0; x < tileW; x++) out[dst + x] = toByte(images[srcRow + Math.floor(x / scale)]);
    }
  }
  return encodePng(out, W, H);
}
