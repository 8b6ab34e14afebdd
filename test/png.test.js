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
const zlib = __importStar(require("node:zlib"));
const png_1 = require("../lib/figures/png");
/** Bitwise CRC-32, independent of the table version in lib/figures/png.ts. */
function slowCrc32(bytes) {
    let c = 0xffffffff;
    for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++)
            c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return (c ^ 0xffffffff) >>> 0;
}
/** A strict reader for the subset of PNG that encodePng writes; checks every CRC. */
function decodePng(png) {
    strict_1.default.deepEqual(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    let o = 8;
    const chunkTypes = [];
    const idat = [];
    let ihdr;
    while (o < png.length) {
        const len = view.getUint32(o);
        const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
        const data = png.subarray(o + 8, o + 8 + len);
        const crc = view.getUint32(o + 8 + len);
        strict_1.default.equal(crc, slowCrc32(png.subarray(o + 4, o + 8 + len)), `CRC of ${type}`);
        if (typeof zlib.crc32 === 'function')
            strict_1.default.equal(crc, zlib.crc32(png.subarray(o + 4, o + 8 + len)));
        chunkTypes.push(type);
        if (type === 'IHDR')
            ihdr = data;
        if (type === 'IDAT')
            idat.push(data);
        o += 12 + len;
    }
    strict_1.default.equal(o, png.length, 'no trailing bytes');
    strict_1.default.ok(ihdr && ihdr.length === 13, 'IHDR of 13 bytes');
    const h = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
    const width = h.getUint32(0);
    const height = h.getUint32(4);
    const raw = zlib.inflateSync(Buffer.concat(idat));
    strict_1.default.equal(raw.length, height * (width + 1));
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
        strict_1.default.equal(raw[y * (width + 1)], 0, `filter byte of row ${y}`);
        pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
    }
    return { width, height, bitDepth: ihdr[8], colourType: ihdr[9], interlace: ihdr[12], chunkTypes, pixels };
}
(0, node_test_1.test)('crc32 matches the check value of CRC-32/ISO-HDLC', () => {
    strict_1.default.equal((0, png_1.crc32)(new TextEncoder().encode('123456789')), 0xcbf43926);
    strict_1.default.equal((0, png_1.crc32)(new Uint8Array(0)), 0);
});
(0, node_test_1.test)('encodePng round trip: signature, IHDR, CRCs, pixels', () => {
    const width = 7;
    const height = 5;
    const pixels = Uint8Array.from({ length: width * height }, (_, i) => (i * 37) % 256);
    const d = decodePng((0, png_1.encodePng)(pixels, width, height));
    strict_1.default.equal(d.width, 7);
    strict_1.default.equal(d.height, 5);
    strict_1.default.equal(d.bitDepth, 8);
    strict_1.default.equal(d.colourType, 0);
    strict_1.default.equal(d.interlace, 0);
    strict_1.default.deepEqual(d.chunkTypes, ['IHDR', 'IDAT', 'IEND']);
    strict_1.default.deepEqual(d.pixels, pixels);
    strict_1.default.throws(() => (0, png_1.encodePng)(pixels, 6, 5), /6×5 needs 30 pixels, got 35/);
    strict_1.default.throws(() => (0, png_1.encodePng)(pixels, 0, 5), /width must be a positive integer/);
});
(0, node_test_1.test)('a flipped byte breaks a chunk CRC (the decoder in this test can fail)', () => {
    const png = (0, png_1.encodePng)(new Uint8Array(16).fill(9), 4, 4);
    png[20] ^= 0xff; // inside IHDR data
    strict_1.default.throws(() => decodePng(png), /CRC of IHDR/);
});
(0, node_test_1.test)('digitGridPng lays out scaled tiles with padding', () => {
    const h = 3;
    const w = 2;
    // Three 3×2 "images" with distinct values in [0, 1]; one out of range gets clamped.
    const images = new Float32Array(3 * h * w);
    for (let i = 0; i < images.length; i++)
        images[i] = i / (images.length - 1);
    images[5] = 1.7;
    const scale = 2;
    const pad = 1;
    const d = decodePng((0, png_1.digitGridPng)(images, { height: h, width: w, scale, pad, cols: 2, padValue: 0 }));
    // 2 columns, 2 rows: W = 2·(2·2) + 3·1, H = 2·(3·2) + 3·1.
    strict_1.default.equal(d.width, 11);
    strict_1.default.equal(d.height, 15);
    const at = (x, y) => d.pixels[y * d.width + x];
    const expectByte = (v) => Math.round(Math.min(1, v) * 255);
    for (let n = 0; n < 3; n++) {
        const x0 = pad + (n % 2) * (w * scale + pad);
        const y0 = pad + Math.floor(n / 2) * (h * scale + pad);
        for (let y = 0; y < h * scale; y++) {
            for (let x = 0; x < w * scale; x++) {
                const src = images[n * h * w + Math.floor(y / scale) * w + Math.floor(x / scale)];
                strict_1.default.equal(at(x0 + x, y0 + y), expectByte(src), `tile ${n} pixel (${x}, ${y})`);
            }
        }
    }
    strict_1.default.equal(at(0, 0), 0);
    strict_1.default.equal(at(5, 3), 0); // the gap between the two columns
    // The fourth slot is empty → pad value.
    strict_1.default.equal(at(pad + w * scale + pad + 1, 1 + h * scale + pad + 1), 0);
    // Defaults: 28×28, scale 2, pad 2, one tile.
    const one = decodePng((0, png_1.digitGridPng)(new Float32Array(784).fill(1)));
    strict_1.default.equal(one.width, 2 + 56 + 2);
    strict_1.default.equal(one.pixels[(2 + 10) * one.width + 2 + 10], 255);
    strict_1.default.equal(one.pixels[0], 128);
    strict_1.default.throws(() => (0, png_1.digitGridPng)(new Float32Array(100)), /not a whole number of 28×28 images/);
    strict_1.default.throws(() => (0, png_1.digitGridPng)(new Float32Array(784), { count: 2 }), /count must be an integer in \[1, 1\]/);
});
(0, node_test_1.test)('digitGridPng is deterministic', () => {
    const images = Float32Array.from({ length: 4 * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
    strict_1.default.deepEqual((0, png_1.digitGridPng)(images, { cols: 2 }), (0, png_1.digitGridPng)(images, { cols: 2 }));
});
