// showResults (lib/figures/results.ts): named numbers for the book's claims; outside a notebook, one JSON line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showResults } from '../lib/figures/results';

function captured(fn: () => void): string[] {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  try {
    fn();
  } finally {
    console.log = original;
  }
  return lines;
}

test('showResults prints the results as JSON outside a notebook; typed arrays become arrays', () => {
  const lines = captured(() => showResults({ negElbo: 108.5, active: new Float32Array([20, 18.5]), runs: ['a', 'b'], nested: { k: 100 } }));
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0].replace(/^results: /, '')), { negElbo: 108.5, active: [20, 18.5], runs: ['a', 'b'], nested: { k: 100 } });
});

test('showResults: names must be identifiers and numbers finite (a claim could not use them otherwise)', () => {
  assert.throws(() => showResults({ 'test −ELBO': 1 }), /result name "test −ELBO" is not an identifier/);
  assert.throws(() => showResults({ x: NaN }), /result "x" is NaN, not a finite number/);
  assert.throws(() => showResults({ xs: [1, Infinity] }), /result "xs" is Infinity/);
  assert.throws(() => showResults({ o: { inner: -Infinity } }), /result "o.inner" is -Infinity/);
  assert.throws(() => showResults([1, 2] as never), /expected an object of named results/);
});
