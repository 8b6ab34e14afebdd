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
const zlib = __importStar(require("node:zlib"));
const idx_1 = require("../lib/data/idx");
const load_1 = require("../lib/data/load");
/** n fake 28×28 images whose pixels encode (image, position), and labels i mod 10. */
function fake(n) {
    const pixels = new Uint8Array(n * 784);
    for (let i = 0; i < pixels.length; i++)
        pixels[i] = (i * 7 + Math.floor(i / 784) * 13) % 256;
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    return { pixels, labels };
}
function tempDir() {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'vae-idx-'));
}
/** A folder in MNIST layout: train 12 images, t10k 5, optionally gzipped. */
function writeFolder(gzip) {
    const dir = tempDir();
    const train = fake(12);
    const held = fake(5);
    const ext = gzip ? '.gz' : '';
    fs.writeFileSync(path.join(dir, `train-images-idx3-ubyte${ext}`), (0, idx_1.writeIdx)(train.pixels, [12, 28, 28], { gzip }));
    fs.writeFileSync(path.join(dir, `train-labels-idx1-ubyte${ext}`), (0, idx_1.writeIdx)(train.labels, [12], { gzip }));
    fs.writeFileSync(path.join(dir, `t10k-images-idx3-ubyte${ext}`), (0, idx_1.writeIdx)(held.pixels, [5, 28, 28], { gzip }));
    fs.writeFileSync(path.join(dir, `t10k-labels-idx1-ubyte${ext}`), (0, idx_1.writeIdx)(held.labels, [5], { gzip }));
    return { dir, train, test: held };
}
(0, node_test_1.test)('writeIdx produces the documented header', () => {
    const bytes = (0, idx_1.writeIdx)(Uint8Array.from([1, 2, 3]), [3]);
    strict_1.default.deepEqual(Array.from(bytes), [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
    const img = (0, idx_1.writeIdx)(new Uint8Array(2 * 2 * 3), [2, 2, 3]);
    strict_1.default.deepEqual(Array.from(img.subarray(0, 16)), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    const r = (0, idx_1.readIdx)(img);
    strict_1.default.deepEqual(r.dims, [2, 2, 3]);
    strict_1.default.throws(() => (0, idx_1.writeIdx)(new Uint8Array(5), [2, 3]), /need 6 values, got 5/);
});
for (const gzip of [false, true]) {
    (0, node_test_1.test)(`loadIdxFolder and loadData read ${gzip ? 'gzipped' : 'plain'} IDX files back`, () => {
        const { dir, train, test: held } = writeFolder(gzip);
        try {
            const ds = (0, idx_1.loadIdxFolder)(dir, 'train');
            strict_1.default.equal(ds.size, 12);
            strict_1.default.equal(ds.height, 28);
            strict_1.default.equal(ds.width, 28);
            strict_1.default.deepEqual(ds.labels, train.labels);
            for (let i = 0; i < train.pixels.length; i++)
                strict_1.default.equal(ds.images[i], Math.fround(train.pixels[i] / 255));
            const both = (0, load_1.loadData)({ source: dir, dataset: 'fashion-mnist' });
            strict_1.default.equal(both.train.size, 12);
            strict_1.default.equal(both.test.size, 5);
            strict_1.default.equal(both.test.name, 'fashion-mnist/test');
            strict_1.default.deepEqual(both.test.labels, held.labels);
            const limited = (0, load_1.loadData)({ source: dir, limit: 8 });
            strict_1.default.equal(limited.train.size, 8);
            strict_1.default.equal(limited.test.size, 2);
        }
        finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
}
(0, node_test_1.test)('a truncated file is a clear error naming the file', () => {
    const { dir } = writeFolder(false);
    try {
        const f = path.join(dir, 'train-images-idx3-ubyte');
        const full = fs.readFileSync(f);
        fs.writeFileSync(f, full.subarray(0, full.length - 100));
        strict_1.default.throws(() => (0, idx_1.loadIdxFolder)(dir, 'train'), (e) => e.message.includes(f) && /truncated/.test(e.message) && /need 9408 data bytes, found 9308/.test(e.message));
        fs.writeFileSync(f, full.subarray(0, 10));
        strict_1.default.throws(() => (0, idx_1.loadIdxFolder)(dir, 'train'), (e) => e.message.includes(f) && /header alone needs 16/.test(e.message));
        // A truncated gzip stream.
        const gz = zlib.gzipSync(full);
        fs.writeFileSync(f, gz.subarray(0, gz.length - 20));
        strict_1.default.throws(() => (0, idx_1.loadIdxFolder)(dir, 'train'), (e) => e.message.includes(f) && /gzipped but cannot be decompressed/.test(e.message));
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
(0, node_test_1.test)('a wrong magic number is a clear error naming the file', () => {
    const { dir } = writeFolder(false);
    try {
        const f = path.join(dir, 't10k-labels-idx1-ubyte');
        const bytes = fs.readFileSync(f);
        bytes[0] = 0x12;
        fs.writeFileSync(f, bytes);
        strict_1.default.throws(() => (0, idx_1.loadIdxFolder)(dir, 'test'), (e) => e.message.includes(f) && /magic number 0x12000801/.test(e.message));
        // Images where labels belong: dims say 0x00000803.
        fs.copyFileSync(path.join(dir, 't10k-images-idx3-ubyte'), f);
        strict_1.default.throws(() => (0, idx_1.loadIdxFolder)(dir, 'test'), (e) => e.message.includes(f) && /expected magic 0x00000801/.test(e.message));
        // A float IDX (type 0x0D) is not supported.
        const floatFile = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
        strict_1.default.throws(() => (0, idx_1.readIdx)(floatFile, 'x.idx'), /x\.idx has IDX data type 0x0d/);
        // Extra bytes after the data.
        strict_1.default.throws(() => (0, idx_1.readIdx)(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 7, 7]), 'y'), /y has 1 bytes beyond/);
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
(0, node_test_1.test)('a label/image count mismatch is a clear error naming both files', () => {
    const { dir } = writeFolder(false);
    try {
        const f = path.join(dir, 'train-labels-idx1-ubyte');
        fs.writeFileSync(f, (0, idx_1.writeIdx)(new Uint8Array(11), [11]));
        strict_1.default.throws(() => (0, idx_1.loadIdxFolder)(dir, 'train'), (e) => e.message.includes(f) && e.message.includes('train-images-idx3-ubyte') && /11 labels but .* 12 images/.test(e.message));
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
(0, node_test_1.test)('a missing file or folder is a clear error naming it', () => {
    const { dir } = writeFolder(true);
    try {
        fs.rmSync(path.join(dir, 't10k-images-idx3-ubyte.gz'));
        strict_1.default.throws(() => (0, load_1.loadData)({ source: dir }), (e) => e.message.includes(path.join(dir, 't10k-images-idx3-ubyte')) && /missing file/.test(e.message));
        strict_1.default.throws(() => (0, idx_1.loadIdxFolder)(path.join(dir, 'nope'), 'train'), /nope is not a folder/);
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
