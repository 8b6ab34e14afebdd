// The files a page's widgets load: each "part" (one network of a saved model, or the data a widget needs) is a
// small script that stores a JSON payload in a global registry. A <script> tag loads from file:// where fetch and
// XHR of local files are refused, and a page loads only the parts of the widgets it shows. The build writes the
// files (partScript); the page (widgets/index.ts) and the Node tests read the same payloads back.
import type * as tf from '@tensorflow/tfjs';
import type { ModelManifest, NetworkArtifacts } from '../../../lib/core';

/** The global that part scripts fill: id → payload. */
export const PARTS_GLOBAL = 'VAE_BOOK_PARTS';

/** Where a model came from: the executed notebook whose outputs the page shows, pinned by its cache key. */
export interface ModelSource {
  notebook: string;
  profile: string;
  cacheKey: string;
}

/** One network of a saved model, weights as base64 (possibly quantized: `weightSpecs[i].quantization`). */
export interface NetworkPart {
  kind: 'network';
  model: string;
  network: 'encoder' | 'decoder';
  source: ModelSource;
  manifest: ModelManifest;
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
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
  const bytes = base64ToBytes(part.weightData);
  return { modelTopology: part.modelTopology, weightSpecs: part.weightSpecs, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
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
