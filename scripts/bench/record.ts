/**
 * Records of `npm run measure`: one committed JSON file per (recipe, seed, K) under measurements/, so that a chapter can
 * show a number that takes an hour to produce (the literature VAE: 100 epochs on 60,000 digits, then the IWAE bound on
 * 10,000) without the book build running it. A record holds the command's JSON output and what makes it trustworthy:
 * the exact command line, the git commit, the model-cache key of the recipe it trained (the same key the model cache
 * files the model under, lib/training/recipes-node.ts recipeCacheKey), the backend, the date, the test digits and K.
 * The book (scripts/bookgen/measurements.ts) checks each record's key against the recipe as the code now defines it: a
 * different key means the recipe or the code that trains it changed since the measurement.
 *
 *   npm run measure -- --json --part binarized --cached --seed 1 --record         measure, then write the record
 *   npm run measure -- --json --part binarized --cached --seed 1 --record \
 *       --from seed1.json --commit 3b42273 [--key KEY] [--date ISO]               the record of an output saved before
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { binarizedData, bookData, literatureVae, referenceVae, type Recipe } from '../../lib/training/recipes';
import { recipeCacheKey } from '../../lib/training/recipes-node';
import '../../lib/data/load'; // Node's data sources (bookData, binarizedData), as lib/index.ts registers them
import { withSeed } from '../../lib/training/seeds';
import type { Dataset } from '../../lib/data/dataset';

/** The folder of the records, from the repository root. */
export const MEASUREMENTS_DIR = 'measurements';

/** The parts of `npm run measure` (--part) and the recipe each trains. */
export type MeasuredPart = 'grey' | 'binarized';

/** The recipe and the digits of a part, at a seed (the grey part has seed 0 only). */
export function partRecipe(part: MeasuredPart, seed: number): { recipe: Recipe; data: () => { train: Dataset; test: Dataset } } {
  if (part === 'binarized') return { recipe: withSeed(literatureVae('full'), seed), data: memo(() => binarizedData('full')) };
  if (seed !== 0) throw new Error(`measure --part grey trains the reference VAE at seed 0 only, got seed ${seed}`);
  return { recipe: referenceVae('full'), data: memo(() => bookData('full')) };
}

function memo<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

/** What the measure command prints for one part (the fields a record relies on; the rest is kept as printed). */
export interface PartOutput {
  recipe: string;
  seed?: number;
  cached: boolean;
  test: { negElbo: number; recon: number; kl: number; iwaeNll: number; k: number; digits: number };
  [field: string]: unknown;
}

/** The whole JSON line the command prints with --json: the grey part's fields at the top, the binarized part apart. */
export interface MeasureOutput {
  backend: string;
  backendDetail: string;
  binarized?: PartOutput;
  totalSeconds: number;
  [field: string]: unknown;
}

/** One part of an output (the grey part is the top level, when it has its `test`), or undefined. */
export function partOf(output: MeasureOutput, part: MeasuredPart): PartOutput | undefined {
  const p = part === 'binarized' ? output.binarized : output.test !== undefined ? (output as unknown as PartOutput) : undefined;
  return p && typeof p === 'object' && p.test && typeof p.recipe === 'string' ? p : undefined;
}

export interface MeasurementRecord {
  /** The base recipe's name ('literature-vae'); the seed says which variant (withSeed). */
  recipe: string;
  seed: number;
  part: MeasuredPart;
  /** The command that printed `output`, without the flags that only write the record (--record, --from, …). */
  command: string;
  /** The commit whose code ran it, '+changes' when the working tree differed from it (scripts/bench/machine.ts). */
  commit: string;
  /** The recipe's model-cache key when it ran (with --cached, its model is the folder `cacheFolder` of the model cache). */
  cacheKey: string;
  cacheFolder: string;
  /** The TF.js backend it ran on (part of the key: the same seed gives the same numbers only on the same backend). */
  backend: string;
  /** When the command finished (ISO 8601). */
  date: string;
  /** The test digits the NLL was estimated on, and the importance samples per digit. */
  testDigits: number;
  k: number;
  /** How the record was made, when not by the command itself (a saved output converted with --from). */
  note?: string;
  /** The command's JSON output, as printed. */
  output: MeasureOutput;
}

/** measurements/<recipe>/seed<S>-k<K>.json, with -n<N> when the NLL covers only the first N test digits. */
export function recordFile(dir: string, recipe: string, seed: number, k: number, digits?: { scored: number; of: number }): string {
  const part = digits && digits.scored < digits.of ? `-n${digits.scored}` : '';
  return path.join(dir, recipe, `seed${seed}-k${k}${part}.json`);
}

/** The base name of a recipe made by withSeed ('literature-vae-seed1' → 'literature-vae'). */
function baseName(recipe: Recipe, seed: number): string {
  return seed === 0 ? recipe.name : recipe.name.replace(new RegExp(`-seed${seed}$`), '');
}

/** The short hash of `commit` (what --commit names), checked to be a commit of this repository. */
export function shortCommit(root: string, commit: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', `${commit}^{commit}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new Error(`--commit ${commit}: not a commit of this repository`);
  }
}

/** True when lib/ and package-lock.json (what a recipe's key can depend on) are the same at `commit` as in the working tree. */
export function libraryUnchangedSince(root: string, commit: string): boolean {
  try {
    execFileSync('git', ['diff', '--quiet', commit, '--', 'lib', 'package-lock.json'], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The JSON object a saved output holds: its last line that starts with '{' (npm prints a banner above it). */
export function readMeasureOutput(file: string): MeasureOutput {
  if (!fs.existsSync(file)) throw new Error(`--from ${file}: no such file`);
  const line = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trimStart().startsWith('{')).pop();
  if (!line) throw new Error(`--from ${file}: no JSON line (the output of npm run measure -- --json)`);
  let out: MeasureOutput;
  try {
    out = JSON.parse(line) as MeasureOutput;
  } catch (e) {
    throw new Error(`--from ${file}: its JSON line does not parse: ${(e as Error).message}`);
  }
  if (typeof out.backend !== 'string' || (!partOf(out, 'grey') && !partOf(out, 'binarized'))) throw new Error(`--from ${file}: not the output of npm run measure -- --json (no backend, no part)`);
  return out;
}

export interface RecordContext {
  root: string;
  /** The command line as printed in the record. */
  command: string;
  commit: string;
  date: string;
  /** The run's cache key, when known; else computed from the recipe with the code as it is now. */
  key?: string;
  note?: string;
}

/** The record of one measured part of `output`, checked against what it says it measured. */
export function makeRecord(output: MeasureOutput, part: MeasuredPart, seed: number, ctx: RecordContext): { file: string; record: MeasurementRecord } {
  const measured = partOf(output, part);
  if (!measured) throw new Error(`the output has no ${part} part (run with --part ${part} or all)`);
  if ((measured.seed ?? 0) !== seed) throw new Error(`the output's ${part} part is of seed ${measured.seed ?? 0}, not ${seed}`);
  const { recipe, data } = partRecipe(part, seed);
  if (!measured.recipe.startsWith(`${recipe.name}:`)) throw new Error(`the output's ${part} part trained '${measured.recipe.split(':')[0]}', not '${recipe.name}'`);
  const key = ctx.key ?? recipeCacheKey(recipe, data(), output.backend);
  if (!/^[0-9a-f]{24}$/.test(key)) throw new Error(`--key must be the 24 hex digits of a model-cache key, got '${key}'`);
  const name = baseName(recipe, seed);
  const record: MeasurementRecord = {
    recipe: name,
    seed,
    part,
    command: ctx.command,
    commit: ctx.commit,
    cacheKey: key,
    cacheFolder: `${recipe.name}-${key}`,
    backend: output.backend,
    date: ctx.date,
    testDigits: measured.test.digits,
    k: measured.test.k,
    ...(ctx.note ? { note: ctx.note } : {}),
    output,
  };
  const testSize = (measured.data as { test?: number } | undefined)?.test ?? measured.test.digits;
  const file = recordFile(path.join(ctx.root, MEASUREMENTS_DIR), name, seed, record.k, { scored: record.testDigits, of: testSize });
  return { file, record };
}

/** Writes a record (its folder made if needed), two-space JSON and a final newline, as committed. */
export function writeRecord(file: string, record: MeasurementRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** A record read back, its fields checked; errors name the file. */
export function readRecord(file: string, label = file): MeasurementRecord {
  if (!fs.existsSync(file)) throw new Error(`${label}: no such record`);
  let r: MeasurementRecord;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8')) as MeasurementRecord;
  } catch (e) {
    throw new Error(`${label}: not JSON: ${(e as Error).message}`);
  }
  const bad: string[] = [
    ...(['recipe', 'command', 'commit', 'cacheKey', 'backend', 'date'] as const).filter((f) => typeof r[f] !== 'string'),
    ...(['seed', 'testDigits', 'k'] as const).filter((f) => typeof r[f] !== 'number'),
  ];
  if (r.part !== 'grey' && r.part !== 'binarized') bad.push('part');
  const test = r.output && (r.part === 'grey' || r.part === 'binarized') ? partOf(r.output, r.part)?.test : undefined;
  if (!test || ![test.negElbo, test.iwaeNll].every((x) => typeof x === 'number' && Number.isFinite(x))) bad.push('output');
  if (bad.length) throw new Error(`${label}: not a measurement record (missing or malformed: ${bad.join(', ')})`);
  return r;
}

/** The key the record's recipe has now, on the record's backend, and whether it differs from the record's. */
export function recordStaleness(r: MeasurementRecord): { currentKey: string; stale: boolean } {
  const { recipe, data } = partRecipe(r.part, r.seed);
  const currentKey = recipeCacheKey(recipe, data(), r.backend);
  return { currentKey, stale: currentKey !== r.cacheKey };
}

/** The command that measures the record again and rewrites it. */
export function rerunCommand(r: MeasurementRecord): string {
  return `${r.command} --record`;
}
