/**
 * Seeded randomness. Every random choice in the library (data splits, batch
 * order, binarization, the noise ε of the reparameterization trick, weight
 * initialisation) is drawn from an `Rng` so that the same seed on the same
 * backend gives the same numbers. `Math.random` is never used.
 */

/** mulberry32: a small, fast 32-bit generator; good enough for shuffling and seeding. */
export class Rng {
  private state: number;

  constructor(seed = 0) {
    // Mix the seed so that nearby seeds (0, 1, 2 …) start far apart.
    this.state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * A fresh seed in [1, 2³¹), for tfjs ops and initializers that take a numeric seed.
   * Never 0: tfjs treats a seed of 0 as "no seed" and falls back to Math.random.
   */
  seed(): number {
    return 1 + this.int(0x7ffffffe);
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** A permutation of 0 … n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/**
 * The seed to hand to a tfjs random op for a user-facing `seed` option. tfjs ignores a
 * seed of 0 (`seed ? seed : Math.random()` in tfjs-core), so the user's seed is mixed
 * through `Rng` first: seed 0 is as reproducible as any other.
 */
export function tfSeed(seed: number): number {
  return new Rng(seed).seed();
}
