/**
 * Inputs of the checks as plain data (lib/coursework/protocol.ts's Matrix), drawn
 * from an Rng: a fixed seed for the inline checks (the same cases every run,
 * so a report can be reproduced), a seed the kernel never sees when grading.
 * Values are rounded to float32, so the student's kernel and the grader build
 * the very same tensors from them. Also the shape hints the checks share.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';
import { Matrix, matrix } from './protocol';
import type { BoundProbe } from './answering';

export function randn(rng: Rng, shape: number[], scale = 1, shift = 0): Matrix {
  const n = shape.reduce((a, b) => a * b, 1);
  return matrix(shape, Array.from({ length: n }, () => shift + scale * rng.normal()));
}

export function uniform(rng: Rng, shape: number[], lo = 0, hi = 1): Matrix {
  const n = shape.reduce((a, b) => a * b, 1);
  return matrix(shape, Array.from({ length: n }, () => lo + (hi - lo) * rng.next()));
}

export function binary(rng: Rng, shape: number[]): Matrix {
  const n = shape.reduce((a, b) => a * b, 1);
  return matrix(shape, Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)));
}

export function zeros(shape: number[]): Matrix {
  return matrix(shape, new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0));
}

/** A tensor of the data (inside a check's tf scope). */
export function tensorOf(m: Matrix): tf.Tensor {
  return tf.tensor(m.values, m.shape, 'float32');
}

export function tensor2d(m: Matrix): tf.Tensor2D {
  return tensorOf(m) as tf.Tensor2D;
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

/** A tensor's values as a plain array (for a judge's alternatives). */
export function valuesOf(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** A probe of the chapter 6 bounds (lib/coursework/answering.ts's BoundProbe), drawn from `rng`. */
export function boundProbe(rng: Rng, batch: number, latentDim: number, dim: number, k: number, wScale: number): BoundProbe {
  return {
    w: randn(rng, [latentDim, dim], wScale),
    bias: randn(rng, [1, dim], 0.5),
    x: binary(rng, [batch, dim]),
    mean: randn(rng, [batch, latentDim], 0.7),
    logVar: randn(rng, [batch, latentDim], 0.4, -0.5),
    eps: randn(rng, [k, batch, latentDim]),
  };
}

/** The probe with its one-sample noise repeated `times` times: k identical samples. */
export function tiledProbe(p: BoundProbe, times: number): BoundProbe {
  return { ...p, eps: matrix([times, ...p.eps.shape.slice(1)], Array.from({ length: times }, () => p.eps.values).flat()) };
}
