// lib/figures/intervals.ts: numbers measured over seeds as mean ± sd, and the three comparisons the book's claims
// use (below / above beyond the noise, within the noise), checked on hand-computed cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatMeanSd, higherBeyondNoise, isMeanSd, lowerBeyondNoise, summarize, summarizeEach, summarizeRecords, withinNoise,
} from '../lib/figures/intervals';

test('summarize: mean and sample sd (n − 1), sd 0 for one value; bad input is a clear error', () => {
  const s = summarize([1, 2, 3, 6]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.sd - Math.sqrt(14 / 3)) < 1e-12);
  assert.equal(s.n, 4);
  assert.deepEqual(summarize([5]), { mean: 5, sd: 0, n: 1 });
  assert.throws(() => summarize([]), /at least one value/);
  assert.throws(() => summarize([1, NaN]), /value 1 is NaN, not a finite number/);
});

test('summarizeEach and summarizeRecords: index by index, key by key; mismatched runs are an error', () => {
  const each = summarizeEach([[1, 10], [3, 14]]);
  assert.deepEqual(each.map((m) => m.mean), [2, 12]);
  assert.ok(Math.abs(each[1].sd - Math.sqrt(8)) < 1e-12);
  assert.throws(() => summarizeEach([[1, 2], [3]]), /run 1 has 1 values, run 0 has 2/);
  const rec = summarizeRecords([{ a: 1, b: 4 }, { a: 3, b: 4 }]);
  assert.deepEqual(rec.b, { mean: 4, sd: 0, n: 2 });
  assert.equal(rec.a.mean, 2);
  assert.throws(() => summarizeRecords([{ a: 1 }, { b: 1 } as unknown as { a: number }]), /run 1 has keys \[b\], run 0 has \[a\]/);
});

test('below / above beyond the noise when the intervals mean ± sd are apart; within the noise when they overlap', () => {
  const a = { mean: 100, sd: 1, n: 3 };
  const b = { mean: 103, sd: 1, n: 3 };
  const c = { mean: 101.5, sd: 1, n: 3 };
  assert.equal(lowerBeyondNoise(a, b), true);
  assert.equal(higherBeyondNoise(b, a), true);
  assert.equal(lowerBeyondNoise(b, a), false);
  assert.equal(withinNoise(a, b), false);
  // 100 ± 1 and 101.5 ± 1 overlap on [100.5, 101]: the means differ, the seeds do not tell them apart.
  assert.equal(lowerBeyondNoise(a, c), false);
  assert.equal(withinNoise(a, c), true);
  assert.equal(withinNoise(c, a), true);
  // Plain numbers are exact values.
  assert.equal(higherBeyondNoise({ mean: 0.6, sd: 0.05, n: 3 }, 0.5), true);
  assert.equal(higherBeyondNoise({ mean: 0.6, sd: 0.15, n: 3 }, 0.5), false);
  assert.throws(() => withinNoise({ mean: 1 } as never, 2), /withinNoise: expected a number or \{ mean, sd, n \}/);
  assert.equal(isMeanSd({ mean: 1, sd: -1, n: 2 }), false);
});

test('formatMeanSd: "mean ± sd", the mean alone for one run', () => {
  assert.equal(formatMeanSd({ mean: 112.644, sd: 0.314, n: 3 }), '112.64 ± 0.31');
  assert.equal(formatMeanSd({ mean: 0.5, sd: 0, n: 1 }, 3), '0.500');
});
