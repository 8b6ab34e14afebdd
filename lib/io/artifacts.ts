/**
 * Models from their TF.js artifacts in memory (topology, weight specs, weight bytes), with no file access: the
 * half of loading that also runs in a browser. lib/io/save.ts reads the artifacts from a model folder and calls
 * these; the book's pages get them from a script file and call the same functions (chapter 5's live figures).
 * Weight specs may carry TF.js quantization (uint8, uint16, float16): tf.io decodes it while loading.
 */
import * as tf from '@tensorflow/tfjs';
import { VAE, VAEConfig, DEFAULT_VAE_CONFIG, checkVAEConfig } from '../model/vae';
import { Autoencoder } from '../model/autoencoder';
import { checkBatch } from '../model/checks';
import type { LatentDecoder } from '../model/model';

export const MODEL_FORMAT = 'vae-book-model';
export const MODEL_FORMAT_VERSION = 1;

/** dir/vae.json of a saved model: which model, with which config. */
export interface ModelManifest {
  format: string;
  version: number;
  kind: 'vae' | 'ae';
  config: VAEConfig;
}

/** One network (encoder or decoder) as TF.js hands it to a save handler, weights in one buffer. */
export interface NetworkArtifacts {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Bytes per stored value of a weight, after quantization if any. */
function bytesPerValue(spec: tf.io.WeightsManifestEntry): number {
  const q = spec.quantization?.dtype;
  if (q === 'uint8') return 1;
  if (q === 'uint16' || q === 'float16') return 2;
  if (q !== undefined) throw new Error(`weight ${spec.name}: unknown quantization dtype '${String(q)}'`);
  return 4;
}

/** The byte length that `specs` describe (each value 4 bytes, or its quantized size). */
export function weightBytesOf(specs: tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1) * bytesPerValue(s), 0);
}

/** Checks a manifest (format, version, config) and fills the config's defaults; `where` names the source in errors. */
export function checkManifest(manifest: unknown, where: string): ModelManifest {
  const m = manifest as Partial<ModelManifest> | null;
  if (!m || m.format !== MODEL_FORMAT) throw new Error(`loadModel: ${where} is not a saved model of this library (format '${String(m?.format)}')`);
  if (m.version !== MODEL_FORMAT_VERSION) throw new Error(`loadModel: ${where} has format version ${String(m.version)}, this library reads ${MODEL_FORMAT_VERSION}`);
  if (m.kind !== 'vae' && m.kind !== 'ae') throw new Error(`loadModel: unknown model kind '${String(m.kind)}' in ${where}`);
  const config: VAEConfig = { ...DEFAULT_VAE_CONFIG, ...m.config };
  checkVAEConfig('loadModel', config);
  return { format: m.format, version: m.version, kind: m.kind, config };
}

/** A TF.js layers model from its artifacts; a clear error when the weight bytes do not match the specs. */
export async function networkFromArtifacts(artifacts: NetworkArtifacts, where: string): Promise<tf.LayersModel> {
  const expected = weightBytesOf(artifacts.weightSpecs);
  if (expected !== artifacts.weightData.byteLength) {
    throw new Error(`loadModel: ${where} weights hold ${artifacts.weightData.byteLength} bytes but model.json describes ${expected} (truncated or mismatched weights.bin)`);
  }
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData }));
}

/** The VAE or autoencoder of a manifest and its two networks' artifacts. */
export async function modelFromArtifacts(
  manifest: ModelManifest, encoder: NetworkArtifacts, decoder: NetworkArtifacts, where = 'model',
): Promise<VAE | Autoencoder> {
  const m = checkManifest(manifest, where);
  const enc = await networkFromArtifacts(encoder, `${where}/encoder`);
  const dec = await networkFromArtifacts(decoder, `${where}/decoder`);
  return m.kind === 'vae' ? new VAE(m.config, enc, dec) : new Autoencoder(m.config, enc, dec);
}

/**
 * The decoder p(x|z) of a saved model alone (chapter 5: generating is decoding), for places that only decode,
 * such as a page that explores the latent space: half the weights of the whole model.
 */
export async function decoderFromArtifacts(manifest: ModelManifest, decoder: NetworkArtifacts, where = 'model'): Promise<LatentDecoder> {
  const { config } = checkManifest(manifest, where);
  const net = await networkFromArtifacts(decoder, `${where}/decoder`);
  return {
    config,
    decode(z: tf.Tensor2D): tf.Tensor2D {
      checkBatch('decode', 'z', z, config.latentDim);
      return net.apply(z) as tf.Tensor2D;
    },
    dispose: () => net.dispose(),
  };
}

/** Checks the name of a model the book's pages load (saveBookModel): lower-case letters and digits joined by '-' or '.'. */
export function checkBookModelName(name: string): void {
  if (!/^[a-z0-9]+([.-][a-z0-9]+)*$/.test(name)) throw new Error(`saveBookModel: name must be lower-case letters and digits joined by '-' or '.', got '${name}'`);
}
