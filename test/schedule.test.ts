// Learning-rate schedules (lib/training/schedule.ts) and train() following one step by step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineDecay } from '../lib/training/schedule';

test('cosineDecay: initial at 0, halfway at the middle, final at the end and after', () => {
  const lr = cosineDecay({ initial: 1e-3, final: 1e-5, steps: 100 });
  assert.equal(lr(0), 1e-3);
  assert.ok(Math.abs(lr(50) - (1e-3 + 1e-5) / 2) < 1e-12);
  assert.ok(Math.abs(lr(100) - 1e-5) < 1e-15);
  assert.ok(Math.abs(lr(1000) - 1e-5) < 1e-15);
  for (let t = 1; t <= 100; t++) assert.ok(lr(t) <= lr(t - 1), `non-increasing at step ${t}`);
  assert.ok(lr(10) - lr(11) < lr(50) - lr(51), 'flat at the start, steepest in the middle');
});

test('cosineDecay: bad configurations are clear errors', () => {
  assert.throws(() => cosineDecay({ initial: 0, final: 1e-5, steps: 10 }), /cosineDecay: initial must be a finite number > 0, got 0/);
  assert.throws(() => cosineDecay({ initial: 1e-3, final: 1e-2, steps: 10 }), /final must be a finite number in \(0, initial\]/);
  assert.throws(() => cosineDecay({ initial: 1e-3, final: 1e-5, steps: 0 }), /steps must be a positive integer, got 0/);
});
