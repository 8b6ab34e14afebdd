import type { Spread } from './plan';
/** This process's CPU time so far (user + system, all threads), ms. */
export declare function cpuMs(): number;
/** Median, min and max of a sample (the median of an even count is the mean of the middle two). */
export declare function spread(xs: readonly number[]): Spread;
