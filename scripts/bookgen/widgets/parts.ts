// The files a page's widgets load: each "part" (one network of a saved model, or the data a widget needs) is a
// small script that stores a JSON payload in a global registry. A <script> tag loads from file:// where fetch and
// XHR of local files are refused, and a page loads only the parts of the widgets it shows. The build writes the
// files (partScript); the page (widgets/index.ts) and the Node tests read the same payloads back.
import type * as tf from '@tensorflow/tfjs';
import type { ModelManifest, NetworkArtifacts } from '../../../lib/core';
import type { Bounds } from './plane';

/** The global that part scripts fill: id → payload. */
export const PARTS_GLOBAL = 'VAE_BOOK_PARTS';

/** Where a model came from: the executed notebook whose outputs the page shows, pinned by its cache key. */
export interface ModelSource {
  notebook: string;
  profile: string;
  cacheKey: string;
}

/** Levels of a 2-D tensor with one affine range per row: value = q·scale[r] + min[r] (quantize.ts). */
export interface RowQuantization {
  dtype: 'uint8' | 'uint16';
  min: number[];
  scale: number[];
}

/** A weight as a part stores it: a TF.js spec (possibly `quantization`, which TF.js decodes), or per-row `rows`. */
export type StoredWeightSpec = tf.io.WeightsManifestEntry & { rows?: RowQuantization };

/** One network of a saved model, weights as base64 (possibly quantized: `weightSpecs[i].quantization` or `.rows`). */
export interface NetworkPart {
  kind: 'network';
  model: string;
  network: 'encoder' | 'decoder';
  source: ModelSource;
  manifest: ModelManifest;
  modelTopology: object;
  weightSpecs: StoredWeightSpec[];
  weightData: string;
}

/** The part script for `payload`: one line of JavaScript around the JSON, so Node can read it back exactly. */
export function partScript(id: string, payload: unknown): string {
  // "</" inside a script would end it early in an inline context; escaping "<" keeps the JSON equal.
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  return `(self.${PARTS_GLOBAL}=self.${PARTS_GLOBAL}||{})[${JSON.stringify(id)}]=${json};\n`;
}

/** The id and payload of a part script written by partScript. */
export function parsePartScript(text: string): { id: string; payload: unknown } {
  const head = `(self.${PARTS_GLOBAL}=self.${PARTS_GLOBAL}||{})[`;
  if (!text.startsWith(head)) throw new Error('parsePartScript: not a part script of the book');
  const rest = text.slice(head.length);
  const close = rest.indexOf(']=');
  if (close < 0) throw new Error('parsePartScript: malformed part script');
  const id = JSON.parse(rest.slice(0, close)) as string;
  const json = rest.slice(close + 2).replace(/;\s*$/, '');
  return { id, payload: JSON.parse(json) };
}

/** Base64 → bytes, with the atob that browsers and Node (≥ 16) both have. */
export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Bytes → base64 (the build writes with it; chunks keep String.fromCharCode's argument list short). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Float32 values as base64 of their little-endian bytes (the byte order of every platform TF.js runs on). */
export function float32ToBase64(values: Float32Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function base64ToFloat32(b64: string): Float32Array {
  const bytes = base64ToBytes(b64);
  if (bytes.byteLength % 4 !== 0) throw new Error(`base64ToFloat32: ${bytes.byteLength} bytes are not whole float32 values`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** The TF.js artifacts of a network part, ready for the library's modelFromArtifacts / decoderFromArtifacts. */
export function networkArtifacts(part: NetworkPart): NetworkArtifacts {
  return expandRows(part.modelTopology, part.weightSpecs, base64ToBytes(part.weightData));
}

/** Bytes per value of a spec TF.js decodes itself. */
function bytesPerValue(spec: tf.io.WeightsManifestEntry): number {
  const q = spec.quantization?.dtype;
  return q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : spec.dtype === 'bool' ? 1 : 4;
}

/**
 * Artifacts TF.js can load: each per-row quantized tensor expanded to float32 (the same arithmetic here and in the
 * page), every other weight passed on as stored. Names the weight when the bytes do not match the specs.
 */
export function expandRows(modelTopology: object, specs: StoredWeightSpec[], data: Uint8Array): NetworkArtifacts {
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((p, d) => p * d, 1);
    const { rows, ...plain } = spec;
    const size = n * (rows ? (rows.dtype === 'uint8' ? 1 : 2) : bytesPerValue(spec));
    if (offset + size > data.byteLength) throw new Error(`weight ${spec.name}: the weight data ends before it does`);
    const bytes = data.slice(offset, offset + size);
    offset += size;
    if (!rows) {
      outSpecs.push(plain);
      chunks.push(bytes);
      continue;
    }
    const cols = spec.shape[1];
    if (spec.shape.length !== 2 || rows.min.length !== spec.shape[0] || rows.scale.length !== spec.shape[0]) {
      throw new Error(`weight ${spec.name}: per-row levels need a 2-D shape and one range per row`);
    }
    const levels = rows.dtype === 'uint8' ? bytes : new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const r = Math.floor(i / cols);
      values[i] = levels[i] * rows.scale[r] + rows.min[r];
    }
    outSpecs.push(plain);
    chunks.push(new Uint8Array(values.buffer));
  }
  if (offset !== data.byteLength) throw new Error(`${data.byteLength - offset} bytes of weight data are described by no weight`);
  const total = chunks.reduce((t, c) => t + c.byteLength, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    weightData.set(c, at);
    at += c.byteLength;
  }
  return { modelTopology, weightSpecs: outSpecs, weightData: weightData.buffer };
}

/** Checks that a payload is a network part of the expected model and network; names what is wrong. */
export function checkNetworkPart(payload: unknown, model: string, network: 'encoder' | 'decoder'): NetworkPart {
  const p = payload as Partial<NetworkPart> | null;
  if (!p || p.kind !== 'network') throw new Error(`part for ${model}/${network} is not a network part`);
  if (p.model !== model || p.network !== network) throw new Error(`part holds ${String(p.model)}/${String(p.network)}, expected ${model}/${network}`);
  if (typeof p.weightData !== 'string' || !Array.isArray(p.weightSpecs) || !p.modelTopology || !p.manifest) {
    throw new Error(`part ${model}/${network} lacks its topology, weight specs or weights`);
  }
  return p as NetworkPart;
}

// The parts that carry test digits rather than a network, shared by the widgets that show them.

/** The codes part: test digits' posterior means (count × 2, float32 base64) and labels. */
export interface CodesPart {
  kind: 'codes';
  model: string;
  points: string;
  labels: number[];
  bounds: Bounds;
}

/** The side of a digit image, in pixels. */
export const SIDE = 28;

/** Test digits shipped with a widget: pixels (count × 784 bytes, base64), labels, and their codes under the model. */
export interface DigitsPart {
  kind: 'digits';
  model: string;
  pixels: string;
  labels: number[];
  /** Posterior means, count × latentDim float32 (base64). */
  codes: string;
  latentDim: number;
}

/** The pixels of test digit i of a digits part, in [0, 1]. */
export function digitPixels(part: DigitsPart, i: number): Float32Array {
  const bytes = base64ToBytes(part.pixels);
  const out = new Float32Array(SIDE * SIDE);
  for (let k = 0; k < out.length; k++) out[k] = bytes[i * out.length + k] / 255;
  return out;
}

