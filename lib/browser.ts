/**
 * The library as `./lib/index` in a browser (the JupyterLite kernel of lite/kernel/, `npm run bench:browser`):
 * everything of lib/core.ts, plus the browser's versions of what lib/index.ts does with files and Node, under
 * the same names, so that a notebook's cells run unchanged:
 * - initBackend / describeBackend: wasm (SIMD, threads when cross-origin isolated), WebGL, or cpu;
 * - loadData / loadDigits: the embedded digits, which the page registers (setEmbeddedDigits) before any cell runs;
 * - saveModel / loadModel: kept in the page's memory; saveBookModel: the book's pages are built elsewhere;
 * - bookClassifier: trained in the page (no model cache on disk);
 * - check, runExercise: the exercises' inline checks.
 */
import type { Dataset } from './data/dataset';
import type { Model } from './model/model';
import { embeddedData, embeddedDigits, type EmbeddedDataOptions } from './data/embedded';
import { checkBookModelName } from './io/artifacts';
import { DEFAULT_DIGIT_CLASSIFIER, trainDigitClassifier, type DigitClassifier, type DigitClassifierConfig } from './training/recognizability';

export * from './core';
export { initBackend, currentBackend, describeBackend, setWasmLocation, crossOriginIsolated, DEFAULT_BROWSER_BACKEND } from './backend/browser';
export type { BrowserBackendOptions } from './backend/browser';
export type { BackendInfo, } from './backend/info';
export type { BackendName } from './backend/kernel-fix';
export { saveModel, loadModel } from './io/save-memory';
export { check, runExercise, formatResult } from './coursework/check';
export type { CheckResult, CaseResult, CheckOptions, BetaSweepRow } from './coursework/check';
export { EXERCISES, EXERCISE_CHAPTERS, exercisesOf, exerciseById } from './coursework/exercises';
export type { ExerciseSpec, ExerciseChapter } from './coursework/exercises';

/** The options of Node's loadData that a page has: the embedded digits only. */
export interface LoadDataOptions extends EmbeddedDataOptions {
  source?: 'embedded' | string;
  dataset?: 'mnist' | 'fashion-mnist';
}

/** The embedded digits' split (lib/data/embedded.ts); IDX folders need files, which a page does not have. */
export function loadData(opts: LoadDataOptions = {}): { train: Dataset; test: Dataset } {
  if ((opts.source ?? 'embedded') !== 'embedded' || (opts.dataset ?? 'mnist') !== 'mnist') {
    throw new Error(`loadData: in the browser only the embedded MNIST digits are available (source '${opts.source ?? 'embedded'}', dataset '${opts.dataset ?? 'mnist'}' need Node and the IDX files)`);
  }
  return embeddedData(opts);
}

/** The 10,000 embedded digits. */
export function loadDigits(): Dataset {
  return embeddedDigits();
}

/** Nothing to save in a page: the book's figures load the models its build saved. Checks the name; returns undefined. */
export async function saveBookModel(_model: Model, name: string): Promise<string | undefined> {
  checkBookModelName(name);
  return undefined;
}

/** The digit classifier of chapter 5, trained here (a page has no model cache on disk). */
export async function bookClassifier(data: Dataset, config: Partial<DigitClassifierConfig> = {}): Promise<DigitClassifier> {
  return trainDigitClassifier(data, { ...DEFAULT_DIGIT_CLASSIFIER, ...config });
}
