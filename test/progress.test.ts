import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressBar, type ProgressStream } from '../lib/training/progress';

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return { isTTY, columns, out, write: (s: string) => out.push(s) };
}

/** Run `fn` with VAE_QUIET set to `value` (the test runner sets it to 1). */
function withQuiet(value: string | undefined, fn: () => void): void {
  const prev = process.env.VAE_QUIET;
  if (value === undefined) delete process.env.VAE_QUIET;
  else process.env.VAE_QUIET = value;
  try {
    fn();
  } finally {
    if (prev === undefined) delete process.env.VAE_QUIET;
    else process.env.VAE_QUIET = prev;
  }
}

test('TTY: redraws one line with \\r, shows the count and info, ends with the summary and a newline', () => {
  withQuiet(undefined, () => {
    const s = fakeStream(true);
    const bar = createProgressBar({ total: 4, label: 'epoch 1/2', stream: s, minIntervalMs: 0 });
    bar.tick(1, 'loss 200.0');
    bar.tick(1, 'loss 150.0');
    bar.tick(2, 'loss 120.5');
    bar.done('epoch 1/2: loss 120.5');
    assert.equal(s.out.length, 4);
    for (const chunk of s.out) assert.ok(chunk.startsWith('\r'), JSON.stringify(chunk));
    assert.match(s.out[0], /epoch 1\/2 \[#{6}\.{18}\] 1\/4 .*loss 200\.0/);
    assert.match(s.out[2], /\[#{24}\] 4\/4 .*loss 120\.5/);
    assert.ok(s.out[3].endsWith('epoch 1/2: loss 120.5\n'));
    assert.ok(!s.out.slice(0, 3).some((c) => c.includes('\n')));
  });
});

test('TTY: redraws are throttled but the last step always draws; lines fit the terminal', () => {
  withQuiet(undefined, () => {
    const s = fakeStream(true, 30);
    const bar = createProgressBar({ total: 100, label: 'epoch', stream: s, minIntervalMs: 60_000 });
    for (let i = 0; i < 100; i++) bar.tick(1, 'a long piece of information that would wrap');
    assert.equal(s.out.length, 2); // the first step and the last
    assert.match(s.out[1], /100\/100/);
    for (const c of s.out) assert.ok(c.replace('\r\x1b[2K', '').length <= 29);
  });
});

test('not a TTY: nothing per step, one line per epoch', () => {
  withQuiet(undefined, () => {
    const s = fakeStream(false);
    const bar = createProgressBar({ total: 3, label: 'epoch 2/5', stream: s });
    bar.tick(1, 'x');
    bar.tick(1, 'y');
    bar.tick(1, 'z');
    assert.equal(s.out.length, 0);
    bar.done();
    assert.equal(s.out.length, 1);
    assert.match(s.out[0], /^epoch 2\/5: 3\/3 in \d+\.\ds\n$/);
    bar.done('again');
    assert.equal(s.out.length, 1, 'done is idempotent');
    assert.throws(() => bar.tick(), /tick after done/);
  });
});

test('VAE_QUIET=1 silences it', () => {
  withQuiet('1', () => {
    for (const tty of [true, false]) {
      const s = fakeStream(tty);
      const bar = createProgressBar({ total: 2, label: 'q', stream: s, minIntervalMs: 0 });
      bar.tick(1, 'a');
      bar.tick(1, 'b');
      bar.done('summary');
      assert.deepEqual(s.out, []);
    }
  });
});
