import type { Spread } from './plan';

/** This process's CPU time so far (user + system, all threads), ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median, min and max of a sample (the median of an even count is the mean of the middle two). */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) throw new Error('spread: no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}
