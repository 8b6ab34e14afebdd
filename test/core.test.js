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
// lib/core.ts, the part of the library a browser runs: it bundles for the browser platform, so nothing in it (or
// below it) imports fs, path, zlib or another module only Node has, and it exports what the book's pages need.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const path = __importStar(require("node:path"));
const esbuild_1 = require("esbuild");
const core = __importStar(require("../lib/core"));
const ROOT = path.resolve(__dirname, '..');
async function bundle(entry) {
    try {
        const r = await (0, esbuild_1.build)({
            entryPoints: [path.join(ROOT, entry)],
            bundle: true,
            platform: 'browser',
            format: 'esm',
            write: false,
            logLevel: 'silent',
        });
        return { ok: true, errors: [], bytes: r.outputFiles[0].contents.byteLength };
    }
    catch (e) {
        const errors = (e.errors ?? []).map((x) => x.text);
        return { ok: false, errors, bytes: 0 };
    }
}
(0, node_test_1.test)('lib/core.ts bundles for the browser: no Node-only import anywhere below it', async () => {
    const r = await bundle('lib/core.ts');
    strict_1.default.ok(r.ok, `esbuild failed:\n${r.errors.join('\n')}`);
    strict_1.default.ok(r.bytes > 100000, 'the bundle holds TF.js and the library');
});
(0, node_test_1.test)('the check can fail: lib/index.ts (files, the native backend) does not bundle for the browser', async () => {
    const r = await bundle('lib/index.ts');
    strict_1.default.equal(r.ok, false);
    strict_1.default.ok(r.errors.some((e) => /Could not resolve "(fs|path|os|zlib|child_process)"/.test(e)), r.errors.slice(0, 3).join('\n'));
});
(0, node_test_1.test)('core exports what a page needs to run a trained model', () => {
    for (const name of ['createVAE', 'reparameterize', 'klDivergence', 'elbo', 'lerp', 'slerp', 'decodeLatents', 'latentScatter', 'figureToSvg']) {
        strict_1.default.equal(typeof core[name], 'function', name);
    }
});
