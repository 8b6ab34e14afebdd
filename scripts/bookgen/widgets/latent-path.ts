// Paths between two codes of the latent space (chapter 5, interpolation): the library's lerp and slerp, sampled as
// the interpolation widget and the stills of the latent plane draw them.
import { lerp, slerp } from '../../../lib/core';

export type Method = 'lerp' | 'slerp';

/** The code at t ∈ [0, 1] on the path from za to zb. */
export function codeAt(za: ArrayLike<number>, zb: ArrayLike<number>, t: number, method: Method): Float32Array {
  return method === 'lerp' ? lerp(za, zb, t) : slerp(za, zb, t);
}

/** `steps` codes from za to zb inclusive (steps × d, row-major). */
export function pathCodes(za: ArrayLike<number>, zb: ArrayLike<number>, steps: number, method: Method): Float32Array {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`pathCodes: steps must be an integer ≥ 2, got ${steps}`);
  const d = za.length;
  const out = new Float32Array(steps * d);
  for (let s = 0; s < steps; s++) out.set(codeAt(za, zb, s / (steps - 1), method), s * d);
  return out;
}

/** Row `i` of a count × d array of codes. */
export function codeOf(codes: Float32Array, d: number, i: number): Float32Array {
  if (i < 0 || (i + 1) * d > codes.length) throw new Error(`codeOf: no code ${i} among ${codes.length / d}`);
  return codes.slice(i * d, (i + 1) * d);
}
