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
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const backend_1 = require("../lib/backend/backend");
const tensorboard_1 = require("../lib/io/tensorboard");
function tempDir() {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'vae-tb-'));
}
(0, node_test_1.test)('crc32c matches the published check values', () => {
    const enc = (s) => new TextEncoder().encode(s);
    strict_1.default.equal((0, tensorboard_1.crc32c)(enc('123456789')), 0xe3069283);
    // RFC 3720 (iSCSI) appendix B.4 test vectors.
    strict_1.default.equal((0, tensorboard_1.crc32c)(new Uint8Array(32)), 0x8a9136aa);
    strict_1.default.equal((0, tensorboard_1.crc32c)(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    strict_1.default.equal((0, tensorboard_1.crc32c)(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
    strict_1.default.equal((0, tensorboard_1.crc32c)(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
    // The mask: rotate right 15, add 0xa282ead8 (mod 2³²).
    const c = 0xe3069283;
    strict_1.default.equal((0, tensorboard_1.maskedCrc32c)(enc('123456789')), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32);
});
(0, node_test_1.test)('scalars written by the builtin writer read back with steps, tags and wall times', async () => {
    await (0, backend_1.initBackend)();
    const dir = tempDir();
    try {
        const t0 = Date.now() / 1000;
        const w = (0, tensorboard_1.createSummaryWriter)(dir);
        strict_1.default.match(path.basename(w.path), /^events\.out\.tfevents\.\d{10}\./);
        const written = [];
        for (let step = 0; step < 300; step++) {
            written.push({ tag: 'loss', value: 200 / (step + 1), step });
            written.push({ tag: 'test/elbo', value: -100 - step / 7, step });
        }
        written.push({ tag: 'β ünïcode', value: 0.25, step: 2 ** 40 });
        for (const s of written)
            w.scalar(s.tag, s.value, s.step);
        w.close();
        w.close();
        strict_1.default.throws(() => w.scalar('loss', 1, 1), /closed/);
        const files = (0, tensorboard_1.findEventFiles)(dir);
        strict_1.default.deepEqual(files, [w.path]);
        const events = (0, tensorboard_1.readEventFile)(w.path);
        strict_1.default.equal(events.length, written.length);
        events.forEach((e, i) => {
            strict_1.default.equal(e.tag, written[i].tag);
            strict_1.default.equal(e.step, written[i].step);
            strict_1.default.equal(e.value, Math.fround(written[i].value)); // simple_value is a float32
            strict_1.default.ok(e.wallTime >= t0 - 1 && e.wallTime <= Date.now() / 1000 + 1);
        });
        // The first record is the file_version event, which carries no scalar.
        const bytes = fs.readFileSync(w.path);
        strict_1.default.ok(bytes.includes(Buffer.from('brain.Event:2')));
        strict_1.default.ok(bytes.indexOf(Buffer.from('brain.Event:2')) < bytes.indexOf(Buffer.from('loss')));
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
(0, node_test_1.test)('flush makes values visible before close; bad arguments are clear errors', () => {
    const dir = tempDir();
    try {
        const w = (0, tensorboard_1.createSummaryWriter)(dir, { implementation: 'builtin' });
        w.scalar('kl', 3.5, 1);
        strict_1.default.equal((0, tensorboard_1.readEventFile)(w.path).length, 0);
        w.flush();
        strict_1.default.deepEqual((0, tensorboard_1.readEventFile)(w.path).map((e) => [e.tag, e.step, e.value]), [['kl', 1, 3.5]]);
        strict_1.default.throws(() => w.scalar('', 1, 1), /tag must be a non-empty string/);
        strict_1.default.throws(() => w.scalar('kl', 1, -1), /step for 'kl' must be a non-negative integer/);
        strict_1.default.throws(() => w.scalar('kl', 1, 1.5), /non-negative integer/);
        w.close();
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
(0, node_test_1.test)('a flipped byte or a truncated file makes reading fail clearly', () => {
    const dir = tempDir();
    try {
        const w = (0, tensorboard_1.createSummaryWriter)(dir, { implementation: 'builtin' });
        for (let i = 0; i < 5; i++)
            w.scalar('loss', i, i);
        w.close();
        const good = fs.readFileSync(w.path);
        strict_1.default.equal((0, tensorboard_1.readEventFile)(w.path).length, 5);
        // Flip every byte in turn: each must be caught (by a checksum, or by the length check).
        for (let i = 0; i < good.length; i++) {
            const bad = Buffer.from(good);
            bad[i] ^= 0x01;
            fs.writeFileSync(w.path, bad);
            strict_1.default.throws(() => (0, tensorboard_1.readEventFile)(w.path), (e) => e.message.includes(w.path) && /checksum mismatch|truncated/.test(e.message), `flipped byte ${i} not detected`);
        }
        fs.writeFileSync(w.path, good.subarray(0, good.length - 3));
        strict_1.default.throws(() => (0, tensorboard_1.readEventFile)(w.path), /record 5 at byte \d+: truncated record/);
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
(0, node_test_1.test)('readEventFile also reads tensor-valued scalars (the layout tfjs-node writes)', () => {
    const dir = tempDir();
    try {
        // Event{step=7, summary{value{tag='loss', tensor{dtype=DT_FLOAT, float_val=[packed 1.5]}}}} by hand.
        const f32 = new Uint8Array(new Float32Array([1.5]).buffer);
        const tensor = [0x08, 0x01, 0x2a, 0x04, ...f32]; // dtype=1 (varint), float_val=5 (packed, 4 bytes)
        const value = [0x0a, 0x04, ...new TextEncoder().encode('loss'), 0x42, tensor.length, ...tensor]; // tag=1, tensor=8
        const summary = [0x0a, value.length, ...value];
        const event = Uint8Array.from([0x10, 0x07, 0x2a, summary.length, ...summary]);
        const file = path.join(dir, 'events.out.tfevents.0.test');
        fs.writeFileSync(file, (0, tensorboard_1.tfRecord)(event));
        strict_1.default.deepEqual((0, tensorboard_1.readEventFile)(file), [{ step: 7, wallTime: 0, tag: 'loss', value: 1.5 }]);
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
