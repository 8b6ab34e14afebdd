/**
 * How many images a grid shows and in how many columns and rows: the checks
 * and defaults shared by png.digitGridPng and plots.imageGrid (internal: not
 * re-exported from lib/index.ts).
 */

export interface GridLayout {
  /** Images drawn. */
  count: number;
  /** Tiles per row. */
  cols: number;
  /** Rows of tiles. */
  rows: number;
}

/**
 * `values` floats hold whole images of height × width; draw `count` of them
 * (default all) in `cols` columns (default ceil(√count)). Errors name `fn`.
 */
export function gridLayout(fn: string, values: number, height: number, width: number, count?: number, cols?: number): GridLayout {
  const p = height * width;
  if (values === 0 || values % p !== 0) {
    throw new Error(`${fn}: ${values} values are not a whole number of ${height}×${width} images`);
  }
  const available = values / p;
  const n = count ?? available;
  if (!Number.isInteger(n) || n < 1 || n > available) {
    throw new Error(`${fn}: count must be an integer in [1, ${available}], got ${n}`);
  }
  const c = cols ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(c) || c < 1) throw new Error(`${fn}: cols must be a positive integer, got ${c}`);
  return { count: n, cols: c, rows: Math.ceil(n / c) };
}
