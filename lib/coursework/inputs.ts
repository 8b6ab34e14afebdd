/**
 * Seeded inputs for the checks of lib/coursework/check.ts and the shape hints they share:
 * the same cases every run (lib/model/random.ts), so a report can be reproduced.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';

export function randn(rng: Rng, shape: [number, number], scale = 1, shift = 0): tf.Tensor2D {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = shift + scale * rng.normal();
  return tf.tensor2d(v, shape);
}

export function uniform(rng: Rng, shape: [number, number], lo = 0, hi = 1): tf.Tensor2D {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.next();
  return tf.tensor2d(v, shape);
}

export function binary(rng: Rng, shape: [number, number]): tf.Tensor2D {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = rng.next() < 0.5 ? 1 : 0;
  return tf.tensor2d(v, shape);
}

export function values(t: tf.Tensor): { shape: number[]; values: number[] } {
  return { shape: [...t.shape], values: Array.from(t.dataSync()) };
}

export function scaled(v: number[], s: number): number[] {
  return v.map((x) => x * s);
}

/** Hints for the usual reduction mistakes of a per-example quantity [batch] over [batch, dim] inputs. */
export function perExampleShapeHint(batch: number, dim: number): (got: number[]) => string | undefined {
  return (got) => {
    if (got.length === 0) return `you returned one number; return one value per example (shape [${batch}]): reduce over the last axis only, e.g. tf.sum(t, 1)`;
    if (got.length === 2 && got[0] === batch && got[1] === dim) return 'you did not reduce: sum over the last axis, tf.sum(t, 1)';
    if (got.length === 2 && got[0] === batch && got[1] === 1) return 'drop the kept dimension: tf.sum(t, 1) without keepDims';
    if (got.length === 1 && got[0] === dim) return 'you reduced over the batch axis (0); reduce over axis 1 instead';
    return undefined;
  };
}

export function vectors(rng: Rng, dim: number, scale = 1): number[] {
  return Array.from({ length: dim }, () => scale * rng.normal());
}
