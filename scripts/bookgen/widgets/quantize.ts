// Smaller weights for the book's pages. A Dense kernel [in, out] is stored as uint8 / uint16 levels with one affine
// range per row (per input unit: value = q·scale[r] + min[r]), which parts.ts expands before the library loads it:
// with one range for the whole kernel (TF.js's own quantization) the full-profile 2-D VAE's decoded pixels drifted
// past the build's limit, with one per row they stay well within it (docs/widgets.md). Other tensors use the formats
// TF.js decodes itself (weight specs with `quantization`: uint8 / uint16 per tensor, or float16). A page runs exactly
// the weights in its part files, and the Node tests load the same ones.
import * as tf from '@tensorflow/tfjs';
import type { NetworkArtifacts } from '../../../lib/core';
import type { StoredWeightSpec } from './parts';

export type WeightDtype = 'float32' | 'float16' | 'uint16' | 'uint8';

export interface QuantizeConfig {
  /** Storage of the large tensors. */
  dtype: WeightDtype;
  /** Tensors with fewer values (biases) stay float32: they weigh little and every unit reads them. */
  minValues: number;
}

export const DEFAULT_QUANTIZE: QuantizeConfig = { dtype: 'uint8', minValues: 1024 };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of `v`, rounded to nearest even (overflow → ±Infinity, NaN kept). */
export function float16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal half: shift the mantissa (with its hidden bit) into place, rounding to nearest even.
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && (h & 1))) h++;
    return sign | h;
  }
  const rest = mant & 0x1fff;
  let h = (e << 10) | (mant >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++; // a carry may bump the exponent: still correct
  if ((h & 0x7fff) >= 0x7c00) return sign | 0x7c00;
  return sign | h;
}

/** The affine levels of `values[from, to)`: the range's min and step, and each value's level. */
function affine(values: Float32Array, from: number, to: number, levels: number, out: Uint8Array | Uint16Array): { min: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  // Stored as float32, as the page reads them back: the levels are computed with the values the page will use.
  min = Math.fround(min);
  const scale = Math.fround(max > min ? (max - min) / levels : 1);
  for (let i = from; i < to; i++) out[i] = Math.min(levels, Math.max(0, Math.round((values[i] - min) / scale)));
  return { min, scale };
}

/**
 * One float32 tensor stored as `dtype`: its bytes and its spec. uint8 / uint16 take one range per row of a 2-D
 * tensor (the spec's `rows`, expanded by parts.ts) and one per tensor otherwise (TF.js's `quantization`).
 */
export function quantizeTensor(
  values: Float32Array, spec: tf.io.WeightsManifestEntry, dtype: WeightDtype,
): { spec: StoredWeightSpec; bytes: Uint8Array } {
  if (spec.dtype !== 'float32') throw new Error(`quantizeTensor: weight ${spec.name} is ${spec.dtype}, only float32 is quantized`);
  const { quantization: _old, ...plain } = spec;
  if (dtype === 'float32') return { spec: plain, bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  if (dtype === 'float16') {
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = float16Bits(values[i]);
    return { spec: { ...plain, quantization: { dtype: 'float16' } }, bytes: new Uint8Array(out.buffer) };
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`quantizeTensor: weight ${spec.name} holds ${values[i]} at index ${i}`);
  }
  const levels = dtype === 'uint8' ? 255 : 65535;
  const out = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  const bytes = new Uint8Array(out.buffer);
  if (spec.shape.length === 2) {
    const [rows, cols] = spec.shape;
    const min: number[] = [];
    const scale: number[] = [];
    for (let r = 0; r < rows; r++) {
      const a = affine(values, r * cols, (r + 1) * cols, levels, out);
      min.push(a.min);
      scale.push(a.scale);
    }
    return { spec: { ...plain, rows: { dtype, min, scale } }, bytes };
  }
  const { min, scale } = affine(values, 0, values.length, levels, out);
  return { spec: { ...plain, quantization: { dtype, scale, min } }, bytes };
}

/** A network's artifacts with its large float32 tensors stored as `cfg.dtype` (the rest unchanged). */
export function quantizeArtifacts(a: NetworkArtifacts, cfg: QuantizeConfig = DEFAULT_QUANTIZE): Omit<NetworkArtifacts, 'weightSpecs'> & { weightSpecs: StoredWeightSpec[] } {
  const specs: StoredWeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const spec of a.weightSpecs) {
    if (spec.quantization || (spec as StoredWeightSpec).rows) throw new Error(`quantizeArtifacts: weight ${spec.name} is already quantized`);
    const n = spec.shape.reduce((p, d) => p * d, 1);
    const bytes = n * 4;
    if (offset + bytes > a.weightData.byteLength) throw new Error(`quantizeArtifacts: weight ${spec.name} runs past the end of the weight data`);
    const values = new Float32Array(a.weightData.slice(offset, offset + bytes));
    offset += bytes;
    const q = quantizeTensor(values, spec, n >= cfg.minValues ? cfg.dtype : 'float32');
    specs.push(q.spec);
    chunks.push(q.bytes);
  }
  if (offset !== a.weightData.byteLength) throw new Error(`quantizeArtifacts: ${a.weightData.byteLength - offset} bytes of weight data are described by no spec`);
  const data = tf.io.concatenateArrayBuffers(chunks.map((c) => new Uint8Array(c).buffer));
  return { modelTopology: a.modelTopology, weightSpecs: specs, weightData: data };
}
