"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// End-to-end: the command line a new user runs (`npm run vae -- …`), on a few hundred digits.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const node_child_process_1 = require("node:child_process");
const ROOT = path.resolve(__dirname, '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-cli-'));
function vae(...args) {
    const r = (0, node_child_process_1.spawnSync)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/vae.ts'), ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, VAE_QUIET: '1' },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function pngSize(file) {
    const b = fs.readFileSync(file);
    strict_1.default.ok(b.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is not a PNG`);
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
(0, node_test_1.test)('cli train → eval → sample on 300 digits, with --json and TensorBoard logs', () => {
    const run = path.join(out, 'run');
    const logdir = path.join(out, 'logs');
    const t = vae('train', '--limit', '300', '--epochs', '2', '--latent-dim', '8', '--out', run, '--logdir', logdir, '--json');
    strict_1.default.equal(t.status, 0, t.stderr);
    strict_1.default.match(t.stderr, /backend: (wasm|cpu|tensorflow)/, 'the backend is reported');
    strict_1.default.match(t.stderr, /epoch 2: loss [\d.]+ .* s, \d+ samples\/s/, 'seconds per epoch are printed');
    const metrics = JSON.parse(t.stdout.trim());
    strict_1.default.equal(metrics.epochs.length, 2);
    strict_1.default.ok(metrics.epochs[1].loss < metrics.epochs[0].loss, 'training lowers the loss');
    strict_1.default.ok(metrics.test.negElbo > 0 && Number.isFinite(metrics.test.negElbo));
    strict_1.default.ok(Math.abs(metrics.test.negElbo - (metrics.test.recon + metrics.test.kl)) < 1e-3 * metrics.test.negElbo);
    for (const f of ['model/vae.json', 'model/encoder/model.json', 'model/decoder/model.json', 'samples.png', 'reconstructions.png']) {
        strict_1.default.ok(fs.existsSync(path.join(run, f)), `train wrote ${f}`);
    }
    strict_1.default.ok(fs.readdirSync(logdir, { recursive: true }).some((f) => String(f).includes('tfevents')), 'TensorBoard event file written');
    const e = vae('eval', '--model', path.join(run, 'model'), '--limit', '300', '--k', '20', '--json');
    strict_1.default.equal(e.status, 0, e.stderr);
    const ev = JSON.parse(e.stdout.trim());
    // eval recomputes the test ELBO of the saved model on the same split: identical to what train printed.
    strict_1.default.ok(Math.abs(ev.test.negElbo - metrics.test.negElbo) < 1e-3, `${ev.test.negElbo} vs ${metrics.test.negElbo}`);
    strict_1.default.ok(ev.test.iwaeNll < ev.test.negElbo, 'the IWAE bound is tighter than the ELBO');
    strict_1.default.match(e.stderr, /IWAE NLL \(K=20\)/);
    const file = path.join(out, 'grid.png');
    const s = vae('sample', '--model', path.join(run, 'model'), '--count', '16', '--file', file);
    strict_1.default.equal(s.status, 0, s.stderr);
    const { width, height } = pngSize(file);
    strict_1.default.ok(width > 4 * 28 && height > 4 * 28, `a 4×4 grid of digits, got ${width}×${height}`);
});
(0, node_test_1.test)('cli: bad input gives a clear error and exit code 2', () => {
    const cases = [
        [['train', '--latent-dim', '0', '--limit', '100', '--epochs', '1', '--out', path.join(out, 'zero')], /latentDim must be a positive integer, got 0/],
        [['train', '--backend', 'bogus'], /unknown backend 'bogus'/],
        [['train', '--epochs', 'ten'], /--epochs must be an integer, got 'ten'/],
        [['frobnicate'], /unknown command 'frobnicate'/],
        [['eval', '--model', path.join(out, 'nowhere')], /no saved model at/],
        [['train', '--data', path.join(out, 'no-idx-here'), '--epochs', '1'], /no-idx-here/],
    ];
    for (const [args, pattern] of cases) {
        const r = vae(...args);
        strict_1.default.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        strict_1.default.match(r.stderr, pattern, args.join(' '));
    }
});
