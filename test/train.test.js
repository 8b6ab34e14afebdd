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
const node_child_process_1 = require("node:child_process");
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const dataset_1 = require("../lib/data/dataset");
const load_1 = require("../lib/data/load");
const vae_1 = require("../lib/model/vae");
const autoencoder_1 = require("../lib/model/autoencoder");
const train_1 = require("../lib/training/train");
const elbo_1 = require("../lib/model/elbo");
const save_1 = require("../lib/io/save");
const tensorboard_1 = require("../lib/io/tensorboard");
let data;
let test_;
(0, node_test_1.before)(async () => {
    await (0, backend_1.initBackend)();
    const split = (0, load_1.loadData)({ limit: 512 });
    data = split.train;
    test_ = split.test;
});
function tmpDir(name) {
    return fs.mkdtempSync(path.join(os.tmpdir(), `vae-train-${name}-`));
}
/** Logits of a fixed batch, to compare models. */
function logitsOf(model, ds) {
    return tf.tidy(() => model.decode(model.encode(tf.tensor2d(ds.images.subarray(0, 8 * 784), [8, 784])).mean)).dataSync();
}
(0, node_test_1.test)('train: loss falls, logs per batch and epoch, async callbacks awaited in order', async () => {
    const vae = (0, vae_1.createVAE)({ seed: 0 });
    const events = [];
    const result = await (0, train_1.train)(vae, data, {
        epochs: 2,
        batchSize: 128,
        seed: 0,
        onBatch: (log) => {
            events.push(`b${log.epoch}.${log.step}`);
        },
        onEpoch: async (log) => {
            await new Promise((r) => setTimeout(r, 5));
            events.push(`e${log.epoch}`);
        },
    });
    strict_1.default.equal(result.steps, 8);
    strict_1.default.equal(result.history.length, 8);
    strict_1.default.deepEqual(events, ['b1.1', 'b1.2', 'b1.3', 'b1.4', 'e1', 'b2.5', 'b2.6', 'b2.7', 'b2.8', 'e2']);
    const [e1, e2] = result.epochs;
    strict_1.default.ok(e2.loss < e1.loss, `epoch 2 loss ${e2.loss} should be below epoch 1 ${e1.loss}`);
    for (const e of result.epochs) {
        strict_1.default.ok(Math.abs(e.loss - (e.recon + e.kl)) < 1e-3 * e.loss, 'β = 1: loss = recon + kl');
        strict_1.default.ok(Math.abs(e.elbo + e.recon + e.kl) < 1e-3 * e.loss);
        strict_1.default.ok(e.seconds > 0 && e.samplesPerSecond > 0);
    }
    const h = result.history[0];
    strict_1.default.deepEqual(Object.keys(h).sort(), ['beta', 'epoch', 'kl', 'loss', 'recon', 'seconds', 'step']);
    strict_1.default.ok(h.seconds > 0 && result.history.reduce((t, b) => t + b.seconds, 0) <= result.seconds + 1e-9, 'the steps add up to the epochs');
    vae.dispose();
});
(0, node_test_1.test)('train: same seed → same numbers; another seed → different numbers', async () => {
    const run = async (seed) => {
        const vae = (0, vae_1.createVAE)({ latentDim: 8, hiddenUnits: [64], seed });
        const r = await (0, train_1.train)(vae, (0, dataset_1.subset)(data, 256), { epochs: 1, batchSize: 64, seed });
        vae.dispose();
        return r.history.map((h) => h.loss);
    };
    const a = await run(1);
    strict_1.default.deepEqual(await run(1), a);
    strict_1.default.notDeepEqual(await run(2), a);
});
(0, node_test_1.test)('train: β schedule reaches the loss; the autoencoder trains on reconstruction only', async () => {
    const vae = (0, vae_1.createVAE)({ latentDim: 4, hiddenUnits: [32], seed: 0 });
    const r = await (0, train_1.train)(vae, data, { epochs: 1, batchSize: 64, beta: (0, elbo_1.klWarmup)({ warmupSteps: 4, betaMax: 1 }) });
    strict_1.default.deepEqual(r.history.map((h) => h.beta), [0, 0.25, 0.5, 0.75, 1, 1, 1, 1]);
    r.history.forEach((h) => strict_1.default.ok(Math.abs(h.loss - (h.recon + h.beta * h.kl)) < 1e-3 * h.loss));
    vae.dispose();
    const ae = (0, autoencoder_1.createAutoencoder)({ latentDim: 4, hiddenUnits: [32], seed: 0 });
    const ra = await (0, train_1.train)(ae, data, { epochs: 2, batchSize: 64 });
    strict_1.default.ok(ra.epochs[1].recon < ra.epochs[0].recon);
    ra.history.forEach((h) => strict_1.default.equal(h.kl, 0));
    ae.dispose();
});
(0, node_test_1.test)('train: tf.memory().numTensors identical after epoch 1 and after epoch 3 (with test data, checkpoints, TensorBoard)', async () => {
    const vae = (0, vae_1.createVAE)({ latentDim: 8, hiddenUnits: [64], seed: 0 });
    const counts = [];
    const dir = tmpDir('leak');
    const before = tf.memory().numTensors;
    await (0, train_1.train)(vae, (0, dataset_1.subset)(data, 256), {
        epochs: 3,
        batchSize: 64,
        testData: (0, dataset_1.subset)(test_, 64),
        checkpointDir: path.join(dir, 'ckpt'),
        logDir: path.join(dir, 'logs'),
        onEpoch: () => {
            counts.push(tf.memory().numTensors);
        },
    });
    strict_1.default.equal(counts.length, 3);
    strict_1.default.equal(counts[2], counts[0], `numTensors after epochs: ${counts.join(', ')}`);
    strict_1.default.equal(tf.memory().numTensors, before, 'the optimizer state is freed at the end');
    vae.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
});
(0, node_test_1.test)('NaN guard: a learning rate of 1e9 stops with an error naming epoch and step', async () => {
    const vae = (0, vae_1.createVAE)({ seed: 0 });
    const before = tf.memory().numTensors;
    await strict_1.default.rejects((0, train_1.train)(vae, data, { epochs: 3, learningRate: 1e9 }), /^Error: train: loss became (NaN|Infinity|-Infinity) at epoch 1, step \d+/);
    strict_1.default.equal(tf.memory().numTensors, before, 'no tensors left behind by the failed run');
    vae.dispose();
});
(0, node_test_1.test)('NaN guard: NaN in the data stops at the first batch', async () => {
    const bad = (0, dataset_1.subset)(data, 64);
    const images = bad.images.slice();
    images[100] = NaN;
    const vae = (0, vae_1.createVAE)({ latentDim: 4, hiddenUnits: [32], seed: 0 });
    await strict_1.default.rejects((0, train_1.train)(vae, { ...bad, images }, { epochs: 2, batchSize: 64 }), /train: loss became NaN at epoch 1, step 1 /);
    vae.dispose();
});
(0, node_test_1.test)('bad inputs: data of the wrong image size, epochs 0, negative learning rate', async () => {
    const vae = (0, vae_1.createVAE)({ latentDim: 4, hiddenUnits: [32] });
    const small = { images: new Float32Array(10 * 100), labels: new Uint8Array(10), size: 10, height: 10, width: 10, name: 'tiny' };
    await strict_1.default.rejects((0, train_1.train)(vae, small), /train: data 'tiny' has 10×10 = 100 pixels per image but the model expects inputDim 784/);
    await strict_1.default.rejects((0, train_1.train)(vae, data, { epochs: 0 }), /train: epochs must be a positive integer, got 0/);
    await strict_1.default.rejects((0, train_1.train)(vae, data, { learningRate: -1 }), /learningRate must be a finite number > 0/);
    vae.dispose();
});
(0, node_test_1.test)('checkpoints: an error in epoch 2 leaves epoch 1 loadable with identical outputs', async () => {
    const dir = tmpDir('ckpt');
    const vae = (0, vae_1.createVAE)({ latentDim: 4, hiddenUnits: [32], seed: 0 });
    let atEpoch1;
    await strict_1.default.rejects((0, train_1.train)(vae, data, {
        epochs: 3,
        batchSize: 64,
        checkpointDir: dir,
        onEpoch: (log) => {
            if (log.epoch === 1)
                atEpoch1 = logitsOf(vae, data);
        },
        onBatch: (log) => {
            if (log.epoch === 2 && log.step === 11)
                throw new Error('simulated crash');
        },
    }), /simulated crash/);
    strict_1.default.equal((0, save_1.latestCheckpoint)(dir), path.join(dir, 'epoch-0001'));
    const loaded = await (0, save_1.loadModel)(dir);
    strict_1.default.equal(loaded.kind, 'vae');
    if (loaded.kind !== 'vae')
        return;
    strict_1.default.deepEqual(logitsOf(loaded, data), atEpoch1);
    strict_1.default.notDeepEqual(logitsOf(vae, data), atEpoch1, 'the live model moved on in epoch 2');
    loaded.dispose();
    vae.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
});
(0, node_test_1.test)('checkpoints: a process killed (SIGKILL) mid-run leaves the latest checkpoint loadable', async () => {
    const dir = tmpDir('kill');
    const child = (0, node_child_process_1.spawn)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'train-forever.ts'), dir], {
        stdio: 'ignore',
        env: { ...process.env, VAE_QUIET: '1' },
    });
    const exited = new Promise((resolve) => child.on('exit', () => resolve()));
    try {
        const deadline = Date.now() + 60000;
        // Wait until checkpoints are being replaced and pruned, then kill at an arbitrary moment.
        for (;;) {
            const latest = path.join(dir, 'latest.json');
            if (fs.existsSync(latest) && JSON.parse(fs.readFileSync(latest, 'utf8')).epoch >= 3)
                break;
            if (Date.now() > deadline)
                throw new Error('the child wrote no third checkpoint within 60 s');
            await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 37));
    }
    finally {
        child.kill('SIGKILL');
        await exited;
    }
    const model = await (0, save_1.loadModel)(dir);
    strict_1.default.equal(model.kind, 'vae');
    const out = tf.tidy(() => model.forward(tf.tensor2d(data.images.subarray(0, 784), [1, 784])).logits.dataSync());
    strict_1.default.ok(Array.from(out).every(Number.isFinite));
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
});
(0, node_test_1.test)('TensorBoard: logDir receives loss, recon, kl, elbo per step with valid records', async () => {
    const dir = tmpDir('tb');
    const vae = (0, vae_1.createVAE)({ latentDim: 4, hiddenUnits: [32], seed: 0 });
    const r = await (0, train_1.train)(vae, (0, dataset_1.subset)(data, 256), { epochs: 1, batchSize: 64, logDir: dir, testData: (0, dataset_1.subset)(test_, 32) });
    const files = (0, tensorboard_1.findEventFiles)(dir);
    strict_1.default.equal(files.length, 1);
    const events = (0, tensorboard_1.readEventFile)(files[0]);
    for (const tag of ['loss', 'recon', 'kl', 'elbo']) {
        const got = events.filter((e) => e.tag === tag);
        strict_1.default.deepEqual(got.map((e) => e.step), [1, 2, 3, 4], tag);
    }
    const loss = events.filter((e) => e.tag === 'loss').map((e) => e.value);
    loss.forEach((v, i) => strict_1.default.ok(Math.abs(v - r.history[i].loss) < 1e-3));
    strict_1.default.equal(events.filter((e) => e.tag === 'test/elbo').length, 1);
    vae.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
});
