/**
 * Argument checks shared by the model factories, training and evaluation:
 * each throws an error that names the function, the argument and what it got.
 */
import * as tf from '@tensorflow/tfjs';

export function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

export function checkUnits(fn: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw new Error(`${fn}: ${name} must be an array of positive integers, got ${String(v)}`);
  return v.map((u, i) => checkPositiveInt(fn, `${name}[${i}]`, u));
}

export function checkSeed(fn: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error(`${fn}: seed must be an integer, got ${String(seed)}`);
  return seed;
}

/** Checks that a tensor is a batch of rows of `dim` values: [batch, dim]. */
export function checkBatch(fn: string, name: string, t: tf.Tensor, dim: number): void {
  if (t.rank !== 2 || t.shape[1] !== dim) {
    throw new Error(`${fn}: ${name} must have shape [batch, ${dim}], got [${t.shape.join(',')}]`);
  }
}
