/**
 * `npx tsx scripts/bench/cache-keys.ts`: how long the book's cache keys take (scripts/bookgen/notebooks.ts
 * cacheKeyDetails, lib/io/model-cache.ts trainingCodeFingerprint): each notebook's key cold (the first in this
 * process: an esbuild bundle of its cells) and again (remembered: the files the bundle read are re-read and
 * hashed), and the recipes' and the classifier's training-code fingerprints.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheKeyDetails } from '../bookgen/notebooks';
import { trainingCodeFingerprint } from '../../lib/io/model-cache';
import { CLASSIFIER_CODE, RECIPE_CODE } from '../../lib/training/recipes-node';

const root = path.resolve(__dirname, '..', '..');
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
console.log(`cache keys on ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
for (const f of fs.readdirSync(path.join(root, 'notebooks')).filter((x) => x.endsWith('.ipynb')).sort()) {
  const file = path.join(root, 'notebooks', f);
  let t = process.hrtime.bigint();
  const d = cacheKeyDetails({ root, notebookFile: file, profile: 'full' });
  const cold = ms(t);
  t = process.hrtime.bigint();
  cacheKeyDetails({ root, notebookFile: file, profile: 'full' });
  console.log(`${f.padEnd(28)} ${cold.toFixed(0).padStart(5)} ms cold, ${ms(t).toFixed(0).padStart(3)} ms again (${d.code.how}, ${d.code.inputs.length} files read)`);
}
for (const [name, code] of [['recipes', RECIPE_CODE], ['classifier', CLASSIFIER_CODE]] as const) {
  let t = process.hrtime.bigint();
  trainingCodeFingerprint(code, root);
  const cold = ms(t);
  t = process.hrtime.bigint();
  trainingCodeFingerprint(code, root);
  console.log(`${`model cache, ${name}`.padEnd(28)} ${cold.toFixed(0).padStart(5)} ms cold, ${ms(t).toFixed(0).padStart(3)} ms again`);
}
