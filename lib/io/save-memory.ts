/**
 * saveModel / loadModel where there are no files (a page, the JupyterLite kernel): the same artifacts as the
 * folders of lib/io/save.ts (manifest, encoder and decoder in the TF.js layers format), kept in memory under
 * the folder name for as long as the page lives, so that a notebook's save-and-reload cell runs unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../model/model';
import type { VAE } from '../model/vae';
import type { Autoencoder } from '../model/autoencoder';
import { modelFromArtifacts, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelManifest, type NetworkArtifacts } from './artifacts';

interface Stored {
  manifest: ModelManifest;
  encoder: NetworkArtifacts;
  decoder: NetworkArtifacts;
}

const store = new Map<string, Stored>();

/** 'runs/x/' and './runs/x' name the same folder. */
function key(dir: string): string {
  return dir.replace(/^\.\//, '').replace(/\/+$/, '');
}

async function artifactsOf(net: tf.LayersModel): Promise<NetworkArtifacts> {
  let out: NetworkArtifacts | undefined;
  await net.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(Array.isArray(a.weightData) ? a.weightData : [a.weightData]);
      out = { modelTopology: a.modelTopology as object, weightSpecs: a.weightSpecs ?? [], weightData: data };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
    }),
  );
  if (!out) throw new Error('saveModel: TF.js handed over no artifacts');
  return out;
}

/** Keeps a copy of the model under `dir` (replacing one kept there before). */
export async function saveModel(model: Model, dir: string): Promise<void> {
  const manifest: ModelManifest = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: model.kind, config: model.config };
  store.set(key(dir), { manifest, encoder: await artifactsOf(model.encoder), decoder: await artifactsOf(model.decoder) });
}

/** A new model from the copy kept under `dir`. */
export async function loadModel(dir: string): Promise<VAE | Autoencoder> {
  const s = store.get(key(dir));
  if (!s) throw new Error(`loadModel: no model was saved under '${dir}' in this page (saved here: ${[...store.keys()].join(', ') || 'none'})`);
  return modelFromArtifacts(s.manifest, s.encoder, s.decoder, dir);
}
