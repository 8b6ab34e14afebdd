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
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const vae_1 = require("../lib/model/vae");
const autoencoder_1 = require("../lib/model/autoencoder");
const save_1 = require("../lib/io/save");
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
});
function tmpDir() {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'vae-io-'));
}
const X = () => tf.randomUniform([4, 784], 0, 1, 'float32', 5);
/** Deterministic outputs of a model: logits through the code (and the posterior for a VAE). */
function outputs(model) {
    return tf.tidy(() => {
        const x = X();
        if (model.kind === 'ae')
            return Array.from(model.forward(x).logits.dataSync());
        const eps = tf.randomNormal([4, model.config.latentDim], 0, 1, 'float32', 6);
        const out = model.forward(x, eps);
        return [...out.mean.dataSync(), ...out.logVar.dataSync(), ...out.logits.dataSync()];
    });
}
for (const [name, make] of [
    ['dense VAE', () => (0, vae_1.createVAE)({ seed: 1 })],
    ['conv VAE', () => (0, vae_1.createVAE)({ architecture: 'conv', latentDim: 6, hiddenUnits: [32], seed: 2 })],
    ['autoencoder', () => (0, autoencoder_1.createAutoencoder)({ latentDim: 3, hiddenUnits: [16], seed: 3, likelihood: 'gaussian' })],
]) {
    (0, node_test_1.test)(`saveModel/loadModel: ${name} comes back with identical outputs and config`, async () => {
        const dir = path.join(tmpDir(), 'model');
        const model = make();
        await (0, save_1.saveModel)(model, dir);
        const loaded = await (0, save_1.loadModel)(dir);
        strict_1.default.equal(loaded.kind, model.kind);
        strict_1.default.deepEqual(loaded.config, model.config);
        strict_1.default.deepEqual(outputs(loaded), outputs(model));
        loaded.dispose();
        model.dispose();
    });
}
(0, node_test_1.test)('saved folders are standard TF.js layers models (model.json + weights.bin)', async () => {
    const dir = path.join(tmpDir(), 'model');
    const vae = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [8] });
    await (0, save_1.saveModel)(vae, dir);
    strict_1.default.deepEqual(fs.readdirSync(dir).sort(), ['decoder', 'encoder', 'vae.json']);
    for (const part of ['encoder', 'decoder']) {
        strict_1.default.deepEqual(fs.readdirSync(path.join(dir, part)).sort(), ['model.json', 'weights.bin']);
        const json = JSON.parse(fs.readFileSync(path.join(dir, part, 'model.json'), 'utf8'));
        strict_1.default.equal(json.format, 'layers-model');
        strict_1.default.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
        // Loadable by plain TF.js from the two files, without this library's loader.
        const bin = fs.readFileSync(path.join(dir, part, 'weights.bin'));
        const net = await tf.loadLayersModel(tf.io.fromMemory({
            modelTopology: json.modelTopology,
            weightSpecs: json.weightsManifest[0].weights,
            weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        }));
        const original = part === 'encoder' ? vae.encoder : vae.decoder;
        strict_1.default.deepEqual(net.getWeights().map((w) => Array.from(w.dataSync())), original.getWeights().map((w) => Array.from(w.dataSync())));
        net.dispose();
    }
    vae.dispose();
});
(0, node_test_1.test)('saveModel replaces an existing model atomically and leaves no temporary folders', async () => {
    const root = tmpDir();
    const dir = path.join(root, 'model');
    const a = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [8], seed: 1 });
    const b = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [8], seed: 2 });
    await (0, save_1.saveModel)(a, dir);
    await (0, save_1.saveModel)(b, dir);
    strict_1.default.deepEqual(fs.readdirSync(root), ['model']);
    const loaded = (await (0, save_1.loadModel)(dir));
    strict_1.default.deepEqual(outputs(loaded), outputs(b));
    [a, b, loaded].forEach((m) => m.dispose());
});
(0, node_test_1.test)('checkpoints: latest.json names the newest complete folder; older ones pruned; stray temp folders ignored', async () => {
    const root = tmpDir();
    const vae = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [8], seed: 1 });
    for (let e = 1; e <= 3; e++)
        await (0, save_1.saveCheckpoint)(vae, root, e, 2);
    strict_1.default.deepEqual(fs.readdirSync(root).sort(), ['epoch-0002', 'epoch-0003', 'latest.json']);
    strict_1.default.equal((0, save_1.latestCheckpoint)(root), path.join(root, 'epoch-0003'));
    // A crash during the next save leaves a half-written temporary folder behind.
    fs.mkdirSync(path.join(root, 'epoch-0004.tmp-123-456', 'encoder'), { recursive: true });
    const loaded = (await (0, save_1.loadModel)(root));
    strict_1.default.deepEqual(outputs(loaded), outputs(vae));
    [vae, loaded].forEach((m) => m.dispose());
});
(0, node_test_1.test)('loadModel: clear errors for a missing folder, a foreign folder and truncated weights', async () => {
    const root = tmpDir();
    await strict_1.default.rejects((0, save_1.loadModel)(path.join(root, 'nope')), /loadModel: no saved model in '.*nope' \(expected vae.json/);
    const dir = path.join(root, 'model');
    const vae = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [8] });
    await (0, save_1.saveModel)(vae, dir);
    const bin = path.join(dir, 'decoder', 'weights.bin');
    fs.writeFileSync(bin, fs.readFileSync(bin).subarray(0, 100));
    await strict_1.default.rejects((0, save_1.loadModel)(dir), /weights hold 100 bytes but model.json describes \d+ \(truncated or mismatched weights.bin\)/);
    fs.writeFileSync(path.join(dir, 'vae.json'), JSON.stringify({ format: 'something-else', version: 1 }));
    await strict_1.default.rejects((0, save_1.loadModel)(dir), /is not a saved model of this library/);
    vae.dispose();
});
(0, node_test_1.test)('saveBookModel: into $VAE_MODELS_DIR/<name> when the book build set it, nowhere otherwise; names are checked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'book-models-'));
    const saved = process.env.VAE_MODELS_DIR;
    const model = (0, vae_1.createVAE)({ latentDim: 2, hiddenUnits: [8], seed: 1 });
    try {
        delete process.env.VAE_MODELS_DIR;
        strict_1.default.equal(await (0, save_1.saveBookModel)(model, 'vae-2d'), undefined);
        strict_1.default.deepEqual(fs.readdirSync(dir), []);
        process.env.VAE_MODELS_DIR = dir;
        const out = await (0, save_1.saveBookModel)(model, 'vae-2d');
        strict_1.default.equal(out, path.join(dir, 'vae-2d'));
        strict_1.default.ok(fs.existsSync(path.join(dir, 'vae-2d', 'encoder', 'model.json')));
        await strict_1.default.rejects((0, save_1.saveBookModel)(model, '../escape'), /name must be lower-case letters/);
    }
    finally {
        if (saved === undefined)
            delete process.env.VAE_MODELS_DIR;
        else
            process.env.VAE_MODELS_DIR = saved;
        model.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
