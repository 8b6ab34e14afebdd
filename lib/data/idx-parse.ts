/**
 * The IDX file format of LeCun's MNIST distribution (also Fashion-MNIST's), parsed from bytes with no Node
 * import, so that the browser's kernel (lite/kernel/) checks the files as Node does: a 4-byte magic number
 * [0, 0, type, ndims], ndims big-endian uint32 sizes, then the values. Labels are 0x00000801 (ubyte, 1-D),
 * images 0x00000803 (ubyte, 3-D: count × rows × cols). Reading files and gunzipping is lib/data/idx.ts.
 */

export interface IdxArray {
  /** Sizes from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values, one unsigned byte each, row-major. */
  data: Uint8Array;
}

/** IDX type byte for unsigned bytes, the only type MNIST uses. */
export const IDX_UBYTE = 0x08;

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Parses uncompressed IDX bytes: magic number, ubyte type, and a length that is exactly what the header's dims
 * need. `name` (usually the file) is put into every error message.
 */
export function parseIdx(buf: Uint8Array, name = '<bytes>'): IdxArray {
  if (buf.length < 4) {
    throw new Error(`readIdx: ${name} is truncated: ${buf.length} bytes, too short for the 4-byte IDX magic number`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0);
  const type = buf[2];
  const ndims = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || ndims === 0) {
    throw new Error(`readIdx: ${name} has magic number ${hex(magic)}, not an IDX file (expected 0x000008NN)`);
  }
  if (type !== IDX_UBYTE) {
    throw new Error(`readIdx: ${name} has IDX data type 0x${type.toString(16).padStart(2, '0')}; only unsigned bytes (0x08) are supported`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) {
    throw new Error(`readIdx: ${name} is truncated: ${buf.length} bytes, the header alone needs ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = buf.length - headerBytes;
  if (found < expected) {
    throw new Error(
      `readIdx: ${name} is truncated: dims [${dims.join(', ')}] need ${expected} data bytes, found ${found}`,
    );
  }
  if (found > expected) {
    throw new Error(`readIdx: ${name} has ${found - expected} bytes beyond the ${expected} its dims [${dims.join(', ')}] describe`);
  }
  return { dims, data: buf.slice(headerBytes) };
}

/** Bytes of an uncompressed ubyte IDX file with these dims: 4 (magic) + 4 per dim + the values. */
export function idxByteLength(dims: number[]): number {
  return 4 + 4 * dims.length + dims.reduce((a, b) => a * b, 1);
}
