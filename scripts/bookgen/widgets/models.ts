// Node, build time: the models the notebooks saved for the book (saveBookModel → VAE_MODELS_DIR, beside each
// executed notebook in the cache), found by name among the executions this build uses, and packed into part
// payloads with quantized weights. A model is only ever taken from the execution whose outputs the pages show.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readModelManifest, readNetworkArtifacts } from '../../../lib/index';
import type { NetworkArtifacts } from '../../../lib/index';
import { modelsDirOf } from '../notebooks';
import { BookError } from '../markdown';
import { bytesToBase64, ModelSource, NetworkPart } from './parts';
import { DEFAULT_QUANTIZE, quantizeArtifacts, QuantizeConfig } from './quantize';

/** A model saved by an executed notebook of this build. */
export interface BookModel {
  name: string;
  dir: string;
  source: ModelSource;
}

/** The (notebook, profile, cache key) of a cached execution `<name>.<profile>.<key>.ipynb`. */
export function sourceOf(notebook: string, executedFile: string): ModelSource {
  const m = /\.([a-z]+)\.([0-9a-f]{32})\.ipynb$/.exec(path.basename(executedFile));
  if (!m) throw new BookError(`${executedFile}: not a cached execution (<name>.<profile>.<key>.ipynb)`);
  return { notebook, profile: m[1], cacheKey: m[2] };
}

/** Every model saved by the executions of this build (notebook name → executed file), by model name. */
export function bookModels(executedFiles: Record<string, string>): Map<string, BookModel[]> {
  const out = new Map<string, BookModel[]>();
  for (const [notebook, file] of Object.entries(executedFiles).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const dir = modelsDirOf(file);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!fs.existsSync(path.join(dir, name, 'vae.json'))) continue;
      const list = out.get(name) ?? [];
      list.push({ name, dir: path.join(dir, name), source: sourceOf(notebook, file) });
      out.set(name, list);
    }
  }
  return out;
}

/** Models matching `pattern`: an exact name, or a prefix followed by `*` (`beta-*`). At least one, each saved once. */
export function findModels(models: Map<string, BookModel[]>, pattern: string, where: string): BookModel[] {
  const match = pattern.endsWith('*') ? (n: string) => n.startsWith(pattern.slice(0, -1)) : (n: string) => n === pattern;
  const found = [...models.keys()].filter(match).sort();
  if (found.length === 0) {
    const saved = [...models.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, l]) => `${n} (${l.map((m) => m.source.notebook).join(', ')})`);
    throw new BookError(
      `${where}: no executed notebook of this build saved a model "${pattern}" with saveBookModel ` +
        `(saved: ${saved.join(', ') || 'none'}; a notebook's models are used only when a chapter shows its cells)`,
    );
  }
  return found.map((n) => {
    const list = models.get(n)!;
    if (list.length > 1) throw new BookError(`${where}: model "${n}" was saved by ${list.map((m) => m.source.notebook).join(' and ')}: which one the page shows would be a guess`);
    return list[0];
  });
}

/** The artifacts of one network of a saved model, full precision. */
export function networkOf(model: BookModel, network: 'encoder' | 'decoder'): NetworkArtifacts {
  return readNetworkArtifacts(path.join(model.dir, network));
}

/** A network part: the model's network with quantized weights, and where the model came from. */
export function packNetwork(model: BookModel, network: 'encoder' | 'decoder', q: QuantizeConfig = DEFAULT_QUANTIZE): NetworkPart {
  const manifest = readModelManifest(model.dir);
  const a = quantizeArtifacts(networkOf(model, network), q);
  return {
    kind: 'network',
    model: model.name,
    network,
    source: model.source,
    manifest,
    modelTopology: a.modelTopology,
    weightSpecs: a.weightSpecs,
    weightData: bytesToBase64(new Uint8Array(a.weightData)),
  };
}
