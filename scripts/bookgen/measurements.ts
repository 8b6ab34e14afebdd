// Measurement tables: a chapter's table of numbers that take too long to produce inside the book build (the literature
// VAE: 100 epochs on 60,000 digits, then the IWAE bound on 10,000), read from the committed records of
// `npm run measure -- … --record` (scripts/bench/record.ts). A writer puts one line where the table goes:
//
//   {{measurements literature}}
//
// Each table of MEASUREMENT_TABLES names the records it needs. A missing record is a build error naming the file; a
// record whose model-cache key is not the key its recipe has now (the recipe, or the code that trains it, changed since
// it was measured) is shown with a note saying so, and the build warns with the command that measures it again. The
// records are files, so the quick profile checks and shows them exactly as the full one does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BookError, escapeHtml } from './markdown';
import { Lang, MEASUREMENT_UI, MeasurementStrings } from './i18n';
import { formatMeanSd, lowerBeyondNoise, summarize, type MeanSd } from '../../lib/figures/intervals';
import { DEFAULT_VAE_CONFIG } from '../../lib/model/vae';
import { recipeTraining } from '../../lib/training/recipes';
import {
  partOf, partRecipe, readRecord, recordFile, recordStaleness, rerunCommand, type MeasuredPart, type MeasurementRecord,
} from '../bench/record';

/** A record as a table uses it. */
export interface LoadedRecord {
  /** Repository-relative path, for messages and notes. */
  file: string;
  record: MeasurementRecord;
  /** The recipe's key now differs from the record's. */
  stale: boolean;
}

/** One table's records: the required ones (every seed at K) and the optional ones (the seeds that have them). */
export interface LoadedTable {
  name: string;
  required: LoadedRecord[];
  optional: LoadedRecord[];
  /** Build warnings (stale records), one per record. */
  warnings: string[];
}

/** Numbers from elsewhere, cited in the table's rows. */
interface CitedRow {
  label: (ui: MeasurementStrings) => string;
  architecture: string;
  training: (ui: MeasurementStrings) => string;
  negElbo?: number;
  nll: number;
  k: number;
  source: (ui: MeasurementStrings) => string;
}

export interface MeasurementTable {
  /** Its caption, in the words of an edition. */
  caption: (ui: MeasurementStrings) => string;
  /** The part of `npm run measure` whose records it reads. */
  part: MeasuredPart;
  seeds: readonly number[];
  /** Every seed must have a record at this K (on all test digits). */
  k: number;
  /** The seeds that have a record at this K get a row of their own; the others are "not recorded". */
  largerK?: number;
  /** The literature's rows, below this book's. */
  cited: CitedRow[];
  /** The cited row the gap sentence measures this book against. */
  gapTo?: number;
}

/** The tables `{{measurements NAME}}` can show. */
export const MEASUREMENT_TABLES: Readonly<Record<string, MeasurementTable>> = {
  // Chapter 6: the literature VAE on binarized MNIST beside pytorch/examples' model and Burda et al.'s Table 1.
  literature: {
    caption: (ui) => ui.literatureCaption,
    part: 'binarized',
    seeds: [0, 1, 2],
    k: 1000,
    largerK: 5000,
    cited: [
      {
        // Measured with pip torch 2.13: pytorch/examples vae/main.py's model on the same binarized full MNIST.
        label: (ui) => ui.pytorch, architecture: '784-400-20, ReLU', training: (ui) => ui.pytorchTraining,
        negElbo: 98.46, nll: 93.09, k: 1000, source: (ui) => ui.pytorchSource,
      },
      // Burda, Grosse & Salakhutdinov (2016), Table 1, MNIST, one stochastic layer; NLL by the IWAE bound, K = 5,000.
      { label: (ui) => ui.burdaVae, architecture: '784-200-200-50, tanh', training: (ui) => ui.burdaTraining, nll: 86.76, k: 5000, source: (ui) => ui.burdaSource },
      { label: (ui) => ui.burdaIwae, architecture: '784-200-200-50, tanh', training: (ui) => ui.burdaTraining, nll: 84.78, k: 5000, source: (ui) => ui.burdaSource },
    ],
    gapTo: 1,
  },
};

function rel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}

/**
 * The records of table `name` from `dir`, each checked against its recipe's current key. Errors (BookError) name the
 * chapter line and the file: an unknown table, a missing or malformed record, a record of another recipe or seed.
 */
export function loadTable(name: string, dir: string, root: string, where: string): LoadedTable {
  const table = MEASUREMENT_TABLES[name];
  if (!table) throw new BookError(`${where}: unknown measurement table "${name}" (known: ${Object.keys(MEASUREMENT_TABLES).join(', ')})`);
  const warnings: string[] = [];
  const load = (seed: number, k: number, required: boolean): LoadedRecord | undefined => {
    const recipe = partRecipe(table.part, seed).recipe;
    const base = seed === 0 ? recipe.name : recipe.name.replace(/-seed\d+$/, '');
    const file = recordFile(dir, base, seed, k);
    const label = rel(root, file);
    if (!fs.existsSync(file)) {
      if (!required) return undefined;
      throw new BookError(
        `${where}: measurement table "${name}" needs ${label}, which does not exist; make it with ` +
          `npm run measure -- --json --part ${table.part} --cached --seed ${seed}${k === 1000 ? '' : ` --k ${k}`} --record`,
      );
    }
    let record: MeasurementRecord;
    try {
      record = readRecord(file, label);
    } catch (e) {
      throw new BookError(`${where}: ${(e as Error).message}`);
    }
    if (record.recipe !== base || record.seed !== seed || record.part !== table.part || record.k !== k) {
      throw new BookError(`${where}: ${label} records ${record.recipe} (${record.part}), seed ${record.seed}, K = ${record.k}, not ${base}, seed ${seed}, K = ${k}`);
    }
    const { stale, currentKey } = recordStaleness(record);
    if (stale) {
      warnings.push(
        `${label}: measured with the code of commit ${record.commit} (model-cache key ${record.cacheKey}); the recipe ${recipe.name} ` +
          `changed since (its key is now ${currentKey}). Measure it again: ${rerunCommand(record)}`,
      );
    }
    return { file: label, record, stale };
  };
  const required = table.seeds.map((s) => load(s, table.k, true)!);
  const optional = table.largerK === undefined ? [] : table.seeds.map((s) => load(s, table.largerK!, false)).filter((r): r is LoadedRecord => !!r);
  return { name, required, optional, warnings };
}

/** 0.001 → "10<sup>−3</sup>"; other numbers as they are. */
function rate(x: number): string {
  const e = Math.log10(x);
  return Number.isInteger(Math.round(e * 1e9) / 1e9) ? `10<sup>${Math.round(e) < 0 ? '−' : ''}${Math.abs(Math.round(e))}</sup>` : String(x);
}

const testOf = (r: LoadedRecord) => partOf(r.record.output, r.record.part)!.test;
const nllOf = (r: LoadedRecord): number => testOf(r).iwaeNll;
const negElboOf = (r: LoadedRecord): number => testOf(r).negElbo;

/** The table as HTML in the words of edition `lang`: this book's rows from the records, the cited rows, the notes. */
export function renderTable(loaded: LoadedTable, lang: Lang): string {
  const table = MEASUREMENT_TABLES[loaded.name];
  const ui = MEASUREMENT_UI[lang];
  const recipe = partRecipe(table.part, 0).recipe;
  const model = { ...DEFAULT_VAE_CONFIG, ...recipe.model };
  const t = recipeTraining(recipe);
  const architecture = ui.dense([model.inputDim, ...model.hiddenUnits, model.latentDim].join('-'));
  const decays = t.finalLearningRate !== undefined && t.finalLearningRate < t.learningRate;
  const schedule = ui.schedule(t.epochs, rate(t.learningRate), decays ? rate(t.finalLearningRate!) : undefined, t.batchSize);
  const mark = (rs: LoadedRecord[]) => (rs.some((r) => r.stale) ? '<sup>*</sup>' : '');
  const seedsOf = (rs: LoadedRecord[]) => rs.map((r) => r.record.seed);
  const cell = (v: MeanSd) => formatMeanSd(v);
  const kText = (k: number) => k.toLocaleString('en');
  const folder = `${path.posix.dirname(loaded.required[0].file)}/`;
  const rows: string[][] = [];
  const nll = summarize(loaded.required.map(nllOf));
  rows.push([ui.thisBook(seedsOf(loaded.required)) + mark(loaded.required), architecture, schedule, cell(summarize(loaded.required.map(negElboOf))), `<strong>${cell(nll)}</strong>`, kText(table.k), ui.ourSource(folder)]);
  if (table.largerK !== undefined) {
    const o = loaded.optional;
    rows.push([
      ui.sameLargerK(seedsOf(o)) + mark(o), '', '',
      o.length ? cell(summarize(o.map(negElboOf))) : '—',
      o.length ? `<strong>${cell(summarize(o.map(nllOf)))}</strong>` : ui.notRecorded,
      kText(table.largerK), o.length ? ui.ourSource(folder) : '',
    ]);
  }
  for (const c of table.cited) {
    rows.push([c.label(ui), c.architecture, c.training(ui), c.negElbo === undefined ? '—' : c.negElbo.toFixed(2), c.nll.toFixed(2), kText(c.k), c.source(ui)]);
  }
  const head = [ui.model, ui.architecture, ui.training, ui.negElbo, ui.nll, ui.k, ui.source];
  const html = [
    `<div class="measurements" id="measurements-${escapeHtml(loaded.name)}">`,
    // Focusable: on a narrow screen the table scrolls sideways, and a keyboard must be able to scroll it.
    `<table tabindex="0">\n<caption>${escapeHtml(table.caption(ui))}</caption>`,
    `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${rows.map((r) => `<tr>${r.map((x, i) => `<td${i >= 3 && i <= 5 ? ' class="num"' : ''}>${x}</td>`).join('')}</tr>`).join('\n')}\n</tbody>`,
    '</table>',
  ];
  const perSeed = loaded.required.map((r): [number, string] => [r.record.seed, nllOf(r).toFixed(2)]);
  const notes = [ui.perSeed(table.k, perSeed)];
  if (table.gapTo !== undefined) {
    const cited = table.cited[table.gapTo];
    notes.push(ui.gap((nll.mean - cited.nll).toFixed(2), table.k, cited.k, nll.sd.toFixed(2), nll.n, lowerBeyondNoise(cited.nll, nll)));
  }
  for (const r of [...loaded.required, ...loaded.optional].filter((x) => x.stale)) notes.push(`<sup>*</sup> ${ui.stale(r.file, escapeHtml(r.record.commit))}`);
  html.push(...notes.map((n) => `<p class="measurements-note">${n}</p>`), '</div>');
  return `${html.join('\n')}\n`;
}
