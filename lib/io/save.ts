/**
 * Saving and loading models as folders in the standard TF.js layers format
 * (model.json + weights.bin per network), with plain Node `fs`: the save goes
 * through tf.io.withSaveHandler and the load through tf.io.fromMemory, so no
 * tfjs-node is needed (chapter 4, "Other practical matters").
 *
 *   dir/vae.json              { format, version, kind, config }
 *   dir/encoder/model.json    TF.js layers model (loadable with tf.loadLayersModel)
 *   dir/encoder/weights.bin
 *   dir/decoder/model.json, dir/decoder/weights.bin
 *
 * Writes are atomic: everything goes to a temporary sibling folder that is
 * renamed into place, so a crash leaves either the old model or the new one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { VAE } from '../model/vae';
import type { Autoencoder } from '../model/autoencoder';
import type { Model } from '../model/model';
import { checkBookModelName, checkManifest, modelFromArtifacts, networkFromArtifacts, ModelManifest, MODEL_FORMAT, MODEL_FORMAT_VERSION, NetworkArtifacts } from './artifacts';

const MANIFEST = 'vae.json';
const LATEST = 'latest.json';

/** The bytes of an ArrayBuffer or of the list of buffers tfjs may hand over. */
function weightBytes(data: tf.io.ModelArtifacts['weightData']): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]));
}

/** Writes one TF.js layers model as dir/model.json + dir/weights.bin (shared by saveModel and the model cache). */
export async function saveNetwork(net: tf.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await net.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = weightBytes(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      fs.writeFileSync(path.join(dir, 'weights.bin'), weights);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
}

/**
 * The artifacts of one network saved by `saveModel` (dir/model.json and the weight files it lists), read from
 * disk; lib/io/artifacts.ts turns them into a model, here and in the browser alike.
 */
export function readNetworkArtifacts(dir: string): NetworkArtifacts {
  const jsonPath = path.join(dir, 'model.json');
  if (!fs.existsSync(jsonPath)) throw new Error(`loadModel: missing ${jsonPath}`);
  let json: { modelTopology?: object; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`loadModel: ${jsonPath} is not valid JSON (${(e as Error).message})`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`loadModel: ${jsonPath} is not a TF.js layers model (no modelTopology / weightsManifest)`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const weightData = tf.io.concatenateArrayBuffers(buffers.map((b) => new Uint8Array(b).buffer)); // copies: a Buffer may be a view of a shared pool
  return { modelTopology: json.modelTopology, weightSpecs: specs, weightData };
}

/** Reads a layers model that saveNetwork wrote. */
export async function loadNetwork(dir: string): Promise<tf.LayersModel> {
  return networkFromArtifacts(readNetworkArtifacts(dir), dir);
}

/** The manifest (vae.json) of a model saved by `saveModel`, checked. */
export function readModelManifest(modelDir: string): ModelManifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(modelDir, MANIFEST), 'utf8'));
  } catch (e) {
    throw new Error(`loadModel: ${path.join(modelDir, MANIFEST)} is not valid JSON (${(e as Error).message})`);
  }
  return checkManifest(manifest, modelDir);
}

function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes a file atomically: temporary file in the same folder, then rename (which replaces the target in one step). */
function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Saves a VAE or autoencoder to `dir` (created; an existing model there is
 * replaced). The new folder is fully written before it takes the name `dir`.
 */
export async function saveModel(model: Model, dir: string): Promise<void> {
  const target = path.resolve(dir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  removeDir(tmp);
  try {
    fs.mkdirSync(tmp);
    const manifest: ModelManifest = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: model.kind, config: model.config };
    fs.writeFileSync(path.join(tmp, MANIFEST), JSON.stringify(manifest, null, 2));
    await saveNetwork(model.encoder, path.join(tmp, 'encoder'));
    await saveNetwork(model.decoder, path.join(tmp, 'decoder'));
    if (fs.existsSync(target)) {
      // rename() cannot replace a non-empty folder: move the old one aside first.
      const old = `${target}.old-${process.pid}-${Date.now()}`;
      fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      removeDir(old);
    } else {
      fs.renameSync(tmp, target);
    }
  } catch (e) {
    removeDir(tmp);
    throw e;
  }
}

/**
 * Loads a model saved by `saveModel`, or the latest checkpoint of a
 * checkpoint folder written by `train` (it holds latest.json).
 */
export async function loadModel(dir: string): Promise<VAE | Autoencoder> {
  let modelDir = path.resolve(dir);
  if (!fs.existsSync(path.join(modelDir, MANIFEST))) {
    const latest = latestCheckpoint(modelDir);
    if (latest === null) {
      throw new Error(`loadModel: no saved model in '${dir}' (expected ${MANIFEST}, or ${LATEST} of a checkpoint folder)`);
    }
    modelDir = latest;
  }
  const manifest = readModelManifest(modelDir);
  return modelFromArtifacts(
    manifest, readNetworkArtifacts(path.join(modelDir, 'encoder')), readNetworkArtifacts(path.join(modelDir, 'decoder')), modelDir,
  );
}

function checkpointName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`;
}

/**
 * Saves the checkpoint of `epoch` under checkpointDir/epoch-NNNN, then points
 * checkpointDir/latest.json at it (atomic rename), then deletes all but the
 * newest `keep` checkpoints. At every instant latest.json names a complete folder.
 */
export async function saveCheckpoint(model: Model, checkpointDir: string, epoch: number, keep = 2): Promise<string> {
  const root = path.resolve(checkpointDir);
  fs.mkdirSync(root, { recursive: true });
  const name = checkpointName(epoch);
  await saveModel(model, path.join(root, name));
  writeFileAtomic(path.join(root, LATEST), JSON.stringify({ epoch, dir: name }));
  const names = fs
    .readdirSync(root)
    .filter((n) => /^epoch-\d+$/.test(n))
    .sort();
  for (const n of names.slice(0, Math.max(0, names.length - Math.max(1, keep)))) removeDir(path.join(root, n));
  return path.join(root, name);
}

/** The folder of the newest complete checkpoint in checkpointDir, or null when there is none. */
export function latestCheckpoint(checkpointDir: string): string | null {
  const file = path.join(checkpointDir, LATEST);
  if (!fs.existsSync(file)) return null;
  const { dir } = JSON.parse(fs.readFileSync(file, 'utf8')) as { dir: string };
  const full = path.join(checkpointDir, dir);
  return fs.existsSync(path.join(full, MANIFEST)) ? full : null;
}

/**
 * Saves a model the book shows in its pages: into `$VAE_MODELS_DIR/<name>` when the book build set that
 * variable for the notebook's run (the build copies the folder into the book, tied to that very execution),
 * and nowhere otherwise, so a notebook run in JupyterLab writes nothing. Returns the folder, if any.
 */
export async function saveBookModel(model: Model, name: string): Promise<string | undefined> {
  checkBookModelName(name);
  const root = (process.env.VAE_MODELS_DIR ?? '').trim();
  if (root === '') return undefined;
  const dir = path.join(root, name);
  await saveModel(model, dir);
  return dir;
}
