/**
 * A model folder a student submits (the capstone of chapter 7's notebook), read as untrusted data and scored by
 * the test NLL of the importance-weighted bound (chapter 6). Nothing of the folder runs: its config is checked
 * field by field and bounded, the grader builds the model from it with `createVAE` (its own topology: the
 * folder's model.json topology is never read), and the weight files are read as raw float32 numbers whose count,
 * shapes and finiteness are checked against the model it built. Every problem is a SubmittedModelError naming the
 * file and what is wrong.
 *
 * The folder is the one `saveModel` writes (lib/io/save.ts): vae.json, encoder/{model.json, weights.bin},
 * decoder/{model.json, weights.bin}. The grader runs `scoreSubmittedModel` in a sandboxed process of its own
 * (scripts/grading/model-folder.ts); the notebook's inline check runs it in the student's kernel with a smaller K.
 * Synchronous from end to end (no tf.io), so a check cell can call it.
 */
import * as tf from '@tensorflow/tfjs';
import { createVAE, DEFAULT_VAE_CONFIG, type VAE, type VAEConfig } from '../model/vae';
import { checkManifest, MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../io/artifacts';
import { binarize, subset, type Dataset } from '../data/dataset';
// The full MNIST through the data-source registry (Node's lib/data/load.ts registers it), not lib/data/mnist.ts:
// this module is in the browser's bundle too (the capstone's exercise module imports it), where the IDX reader is not.
import { dataSource } from '../data/sources';
import { iwaeNll } from '../training/evaluate';
import type { Answer } from './protocol';

// Node's fs and path, required when a folder is read, not imported: this module is also in the browser kernel's
// bundle (the capstone's exercise module imports it), where a top-level import of fs would stop the kernel.
/* eslint-disable @typescript-eslint/no-var-requires */
const nodeFs = (): typeof import('fs') => require('fs') as typeof import('fs');
const nodePath = (): typeof import('path') => require('path') as typeof import('path');
/* eslint-enable @typescript-eslint/no-var-requires */

/** A problem with a submitted folder, said so that the student can fix it. */
export class SubmittedModelError extends Error {}

/**
 * What a submitted folder may hold. The bounds keep one submission within the grader's memory and time limits: the
 * largest dense model they allow (6.6 million weights) scored in 36 s, the largest conv model (11.5 million weights)
 * in 126 s, on a busy machine (`capstone-bands.ts --largest`, docs/testing.md). The book's models are far inside them
 * (literatureVae: 784-500-500-50, 1.4 million weights, 5.4 MB).
 */
export const MODEL_FOLDER_LIMITS = {
  /** Bytes of all files together. */
  maxBytes: 64 * 1024 * 1024,
  /** Files and folders in it. */
  maxEntries: 16,
  /** Bytes of a JSON file (vae.json, model.json). */
  maxJsonBytes: 1024 * 1024,
  maxLatentDim: 256,
  maxHiddenLayers: 3,
  maxHiddenUnits: 1024,
  maxConvLayers: 2,
  maxConvFilters: 64,
} as const;

/**
 * How the grader scores a model: the IWAE bound with `k` importance samples on the first `digits` digits of the
 * full MNIST's test set, binarized once with seed 0 (binarizedData's test set), importance noise from `seed`. The
 * literature's model (784-500-500-50) scored in 4 to 30 s so on tfjs-node on a busy machine (scripts/bench/
 * capstone-bands.ts, docs/testing.md), inside the grader's 120 s limit; the capstone's bands are set with these
 * very settings, so the measure and the bands agree.
 */
export const CAPSTONE_EVAL = { k: 100, digits: 2000, seed: 1 } as const;

/** The files of a saved model (lib/io/save.ts), relative to its folder. */
export const MODEL_FILES = ['vae.json', 'encoder/model.json', 'encoder/weights.bin', 'decoder/model.json', 'decoder/weights.bin'] as const;

/** Checks the folder's tree without following links: only folders and regular files, few, and not too many bytes. */
export function checkModelFolder(dir: string): { bytes: number; files: number } {
  const L = MODEL_FOLDER_LIMITS;
  let st: import('fs').Stats;
  try {
    st = nodeFs().lstatSync(dir);
  } catch {
    throw new SubmittedModelError(`no model folder: '${nodePath().basename(dir)}' does not exist (save the model with saveModel into it)`);
  }
  if (st.isSymbolicLink()) throw new SubmittedModelError(`'${nodePath().basename(dir)}' is a symbolic link, not a folder`);
  if (!st.isDirectory()) throw new SubmittedModelError(`'${nodePath().basename(dir)}' is not a folder`);
  let bytes = 0;
  let entries = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const e of nodeFs().readdirSync(d, { withFileTypes: true })) {
      const rel = nodePath().relative(dir, nodePath().join(d, e.name));
      if (++entries > L.maxEntries) throw new SubmittedModelError(`the model folder holds more than ${L.maxEntries} files and folders (a saved model has ${MODEL_FILES.length} files)`);
      if (e.isDirectory()) walk(nodePath().join(d, e.name));
      else if (e.isFile()) {
        bytes += nodeFs().lstatSync(nodePath().join(d, e.name)).size;
        files += 1;
        if (bytes > L.maxBytes) throw new SubmittedModelError(`the model folder holds more than ${L.maxBytes / 2 ** 20} MB (at ${rel}); the capstone's models are smaller`);
      } else throw new SubmittedModelError(`${rel} is neither a file nor a folder (a link?): a saved model holds plain files only`);
    }
  };
  walk(dir);
  for (const f of MODEL_FILES) {
    if (!nodeFs().existsSync(nodePath().join(dir, f))) throw new SubmittedModelError(`the model folder has no ${f} (is it a folder written by saveModel?)`);
  }
  return { bytes, files };
}

function readJson(file: string, rel: string): unknown {
  const size = nodeFs().lstatSync(file).size;
  if (size > MODEL_FOLDER_LIMITS.maxJsonBytes) throw new SubmittedModelError(`${rel} holds ${size} bytes, more than the ${MODEL_FOLDER_LIMITS.maxJsonBytes} a saved model's JSON needs`);
  try {
    return JSON.parse(nodeFs().readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SubmittedModelError(`${rel} is not valid JSON (${(e as Error).message})`);
  }
}

const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

function intList(name: string, v: unknown, maxLength: number, max: number, minLength = 1): number[] {
  if (!Array.isArray(v) || v.length < minLength || v.length > maxLength || !v.every((u) => isInt(u, 1, max))) {
    throw new SubmittedModelError(`vae.json: config.${name} must be a list of ${minLength} to ${maxLength} whole numbers from 1 to ${max}, got ${JSON.stringify(v)?.slice(0, 80)}`);
  }
  return v as number[];
}

/** The config of vae.json, checked as the capstone allows it: a dense or conv VAE of binary MNIST pixels. */
export function checkCapstoneConfig(manifest: unknown): VAEConfig {
  const L = MODEL_FOLDER_LIMITS;
  const m = manifest as { format?: unknown; version?: unknown; kind?: unknown; config?: unknown } | null;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new SubmittedModelError('vae.json is not a JSON object');
  if (m.format !== MODEL_FORMAT || m.version !== MODEL_FORMAT_VERSION) throw new SubmittedModelError(`vae.json: not a model saved by this library's saveModel (format '${String(m.format)}', version ${String(m.version)})`);
  if (m.kind !== 'vae') throw new SubmittedModelError(`vae.json: the model is a '${String(m.kind)}', the capstone asks for a VAE (createVAE)`);
  const c = m.config as Record<string, unknown> | null;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new SubmittedModelError('vae.json: config is not an object');
  const known = Object.keys(DEFAULT_VAE_CONFIG);
  const unknown = Object.keys(c).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new SubmittedModelError(`vae.json: config has field(s) the capstone does not allow: ${unknown.slice(0, 3).join(', ')} (a dense or conv VAE of createVAE, no autoregressive decoder)`);
  if (c.likelihood !== 'bernoulli-binary') throw new SubmittedModelError(`vae.json: config.likelihood is '${String(c.likelihood)}', the capstone asks for 'bernoulli-binary' (binarized MNIST)`);
  if (c.architecture !== 'dense' && c.architecture !== 'conv') throw new SubmittedModelError(`vae.json: config.architecture must be 'dense' or 'conv', got '${String(c.architecture)}'`);
  for (const [k, v] of [['inputDim', 784], ['height', 28], ['width', 28]] as const) {
    if (c[k] !== undefined && c[k] !== v) throw new SubmittedModelError(`vae.json: config.${k} must be ${v} (MNIST's 28 × 28 digits), got ${JSON.stringify(c[k])}`);
  }
  if (!isInt(c.latentDim, 1, L.maxLatentDim)) throw new SubmittedModelError(`vae.json: config.latentDim must be a whole number from 1 to ${L.maxLatentDim}, got ${JSON.stringify(c.latentDim)}`);
  const hiddenUnits = intList('hiddenUnits', c.hiddenUnits ?? DEFAULT_VAE_CONFIG.hiddenUnits, L.maxHiddenLayers, L.maxHiddenUnits, c.architecture === 'conv' ? 0 : 1);
  const convFilters = intList('convFilters', c.convFilters ?? DEFAULT_VAE_CONFIG.convFilters, L.maxConvLayers, L.maxConvFilters);
  const config: VAEConfig = { ...DEFAULT_VAE_CONFIG, latentDim: c.latentDim, hiddenUnits, convFilters, architecture: c.architecture, likelihood: 'bernoulli-binary' };
  try {
    return checkManifest({ format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, kind: 'vae', config }, 'vae.json').config;
  } catch (e) {
    throw new SubmittedModelError(`vae.json: ${(e as Error).message}`);
  }
}

/** The weights of one network, as float32 arrays in the order of `expected` (the shapes of the model the grader built). */
function readWeights(dir: string, net: 'encoder' | 'decoder', expected: number[][]): Float32Array[] {
  const rel = `${net}/model.json`;
  const json = readJson(nodePath().join(dir, net, 'model.json'), rel) as { weightsManifest?: unknown } | null;
  const groups = json?.weightsManifest;
  if (!Array.isArray(groups) || groups.length !== 1) throw new SubmittedModelError(`${rel}: weightsManifest must list one group of weights, as saveModel writes it`);
  const g = groups[0] as { paths?: unknown; weights?: unknown };
  if (!Array.isArray(g.paths) || g.paths.length !== 1 || g.paths[0] !== 'weights.bin') throw new SubmittedModelError(`${rel}: the weights must be in ${net}/weights.bin, as saveModel writes them`);
  const specs = g.weights;
  if (!Array.isArray(specs)) throw new SubmittedModelError(`${rel}: weightsManifest[0].weights is not a list`);
  if (specs.length !== expected.length) throw new SubmittedModelError(`${rel}: ${specs.length} weight tensors, the ${net} of this config has ${expected.length}`);
  const shapes = specs.map((s: unknown, i) => {
    const spec = (s ?? {}) as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown };
    const name = typeof spec.name === 'string' ? spec.name.slice(0, 80) : `#${i}`;
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) throw new SubmittedModelError(`${rel}: weight ${name} is not plain float32 (dtype ${JSON.stringify(spec.dtype)}${spec.quantization ? ', quantized' : ''})`);
    const shape = spec.shape;
    if (!Array.isArray(shape) || shape.length !== expected[i].length || !shape.every((d, j) => d === expected[i][j])) {
      throw new SubmittedModelError(`${rel}: weight ${name} has shape ${JSON.stringify(shape)?.slice(0, 60)}, the ${net} of this config needs [${expected[i].join(', ')}] there (does vae.json describe the model that was saved?)`);
    }
    return shape as number[];
  });
  const file = nodePath().join(dir, net, 'weights.bin');
  const size = nodeFs().lstatSync(file).size;
  const counts = shapes.map((s) => s.reduce((a, d) => a * d, 1));
  const total = counts.reduce((a, n) => a + n, 0);
  if (size !== total * 4) throw new SubmittedModelError(`${net}/weights.bin holds ${size} bytes, the ${total} float32 weights of ${rel} need ${total * 4} (truncated or from another model?)`);
  const bytes = nodeFs().readFileSync(file);
  const all = new Float32Array(total);
  new Uint8Array(all.buffer).set(bytes);
  let bad = -1;
  for (let i = 0; i < all.length && bad < 0; i++) if (!Number.isFinite(all[i])) bad = i;
  if (bad >= 0) {
    let offset = 0;
    const which = counts.findIndex((n) => (offset += n) > bad);
    const name = (specs[which] as { name?: unknown }).name;
    throw new SubmittedModelError(`${net}/weights.bin: weight ${typeof name === 'string' ? name.slice(0, 80) : `#${which}`} holds ${all[bad]} (a NaN or infinite weight: the training diverged)`);
  }
  let offset = 0;
  return counts.map((n) => all.subarray(offset, (offset += n)));
}

/**
 * The VAE in a submitted folder: the folder checked, the config checked, the model built by the grader from the
 * config, the checked weights set into it. Throws a SubmittedModelError naming the problem.
 */
export function readSubmittedModel(dir: string): VAE {
  checkModelFolder(dir);
  const config = checkCapstoneConfig(readJson(nodePath().join(dir, 'vae.json'), 'vae.json'));
  const model = createVAE(config);
  try {
    for (const net of ['encoder', 'decoder'] as const) {
      const layers = model[net];
      const values = readWeights(dir, net, layers.weights.map((w) => w.shape as number[]));
      const tensors = values.map((v, i) => tf.tensor(v, layers.weights[i].shape as number[]));
      layers.setWeights(tensors);
      tf.dispose(tensors);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

export interface ModelScore {
  /** −log p(x) by the IWAE bound, nats per digit, on CAPSTONE_EVAL's digits (or the options'). */
  nll: number;
  k: number;
  digits: number;
  /** The model's weights, counted by the grader. */
  parameters: number;
  architecture: string;
  latentDim: number;
}

/** The first `digits` digits of the full MNIST test set, binarized once with seed 0 (as binarizedData's test set). */
export function capstoneTestDigits(digits: number): Dataset {
  return subset(binarize(dataSource('mnist-full').test, { mode: 'sample', seed: 0 }), digits);
}

/** Reads a submitted folder (readSubmittedModel) and measures its test NLL by the IWAE bound. */
export function scoreSubmittedModel(dir: string, opts: { k?: number; digits?: number; data?: Dataset } = {}): ModelScore {
  const k = opts.k ?? CAPSTONE_EVAL.k;
  const model = readSubmittedModel(dir); // first: a bad folder is refused before the data are read
  try {
    const data = opts.data ?? capstoneTestDigits(opts.digits ?? CAPSTONE_EVAL.digits);
    const nll = iwaeNll(model, data, { k, seed: CAPSTONE_EVAL.seed });
    if (!Number.isFinite(nll)) throw new SubmittedModelError(`the model's test NLL is ${nll}: its weights are finite, but the bound is not`);
    const parameters = [...model.encoder.weights, ...model.decoder.weights].reduce((n, w) => n + w.shape.reduce((a: number, d) => a * (d ?? 1), 1), 0);
    return { nll, k, digits: data.size, parameters, architecture: model.config.architecture, latentDim: model.config.latentDim };
  } finally {
    model.dispose();
  }
}

/**
 * The score of a submitted folder as an answer the capstone's judge reads: the score, or what is wrong with the
 * folder (a SubmittedModelError's message, and how to fix it).
 */
export function scoreFolderAnswer(dir: string, opts: { k?: number; digits?: number; data?: Dataset } = {}): Answer<ModelScore> {
  try {
    return { value: scoreSubmittedModel(dir, opts) };
  } catch (e) {
    if (e instanceof SubmittedModelError) return { wrong: { got: e.message, hint: 'save the trained VAE with vae.saveModel(model, folder) and submit that folder, unchanged, beside the notebook' } };
    return { failed: { message: `the grader could not score the model: ${(e as Error).message}` } };
  }
}
