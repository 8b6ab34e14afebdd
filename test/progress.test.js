"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const progress_1 = require("../lib/training/progress");
function fakeStream(isTTY, columns) {
    const out = [];
    return { isTTY, columns, out, write: (s) => out.push(s) };
}
/** Run `fn` with VAE_QUIET set to `value` (the test runner sets it to 1). */
function withQuiet(value, fn) {
    const prev = process.env.VAE_QUIET;
    if (value === undefined)
        delete process.env.VAE_QUIET;
    else
        process.env.VAE_QUIET = value;
    try {
        fn();
    }
    finally {
        if (prev === undefined)
            delete process.env.VAE_QUIET;
        else
            process.env.VAE_QUIET = prev;
    }
}
(0, node_test_1.test)('TTY: redraws one line with \\r, shows the count and info, ends with the summary and a newline', () => {
    withQuiet(undefined, () => {
        const s = fakeStream(true);
        const bar = (0, progress_1.createProgressBar)({ total: 4, label: 'epoch 1/2', stream: s, minIntervalMs: 0 });
        bar.tick(1, 'loss 200.0');
        bar.tick(1, 'loss 150.0');
        bar.tick(2, 'loss 120.5');
        bar.done('epoch 1/2: loss 120.5');
        strict_1.default.equal(s.out.length, 4);
        for (const chunk of s.out)
            strict_1.default.ok(chunk.startsWith('\r'), JSON.stringify(chunk));
        strict_1.default.match(s.out[0], /epoch 1\/2 \[#{6}\.{18}\] 1\/4 .*loss 200\.0/);
        strict_1.default.match(s.out[2], /\[#{24}\] 4\/4 .*loss 120\.5/);
        strict_1.default.ok(s.out[3].endsWith('epoch 1/2: loss 120.5\n'));
        strict_1.default.ok(!s.out.slice(0, 3).some((c) => c.includes('\n')));
    });
});
(0, node_test_1.test)('TTY: redraws are throttled but the last step always draws; lines fit the terminal', () => {
    withQuiet(undefined, () => {
        const s = fakeStream(true, 30);
        const bar = (0, progress_1.createProgressBar)({ total: 100, label: 'epoch', stream: s, minIntervalMs: 60000 });
        for (let i = 0; i < 100; i++)
            bar.tick(1, 'a long piece of information that would wrap');
        strict_1.default.equal(s.out.length, 2); // the first step and the last
        strict_1.default.match(s.out[1], /100\/100/);
        for (const c of s.out)
            strict_1.default.ok(c.replace('\r\x1b[2K', '').length <= 29);
    });
});
(0, node_test_1.test)('not a TTY: nothing per step, one line per epoch', () => {
    withQuiet(undefined, () => {
        const s = fakeStream(false);
        const bar = (0, progress_1.createProgressBar)({ total: 3, label: 'epoch 2/5', stream: s });
        bar.tick(1, 'x');
        bar.tick(1, 'y');
        bar.tick(1, 'z');
        strict_1.default.equal(s.out.length, 0);
        bar.done();
        strict_1.default.equal(s.out.length, 1);
        strict_1.default.match(s.out[0], /^epoch 2\/5: 3\/3 in \d+\.\ds\n$/);
        bar.done('again');
        strict_1.default.equal(s.out.length, 1, 'done is idempotent');
        strict_1.default.throws(() => bar.tick(), /tick after done/);
    });
});
(0, node_test_1.test)('VAE_QUIET=1 silences it', () => {
    withQuiet('1', () => {
        for (const tty of [true, false]) {
            const s = fakeStream(tty);
            const bar = (0, progress_1.createProgressBar)({ total: 2, label: 'q', stream: s, minIntervalMs: 0 });
            bar.tick(1, 'a');
            bar.tick(1, 'b');
            bar.done('summary');
            strict_1.default.deepEqual(s.out, []);
        }
    });
});
