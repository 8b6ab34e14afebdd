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
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * The command line: `npm run vae -- train|eval|sample [flags]`.
 *
 * A thin layer over lib/: every number it prints comes from the same functions the
 * notebooks and the book call. Human-readable progress goes to stderr; with `--json`
 * stdout carries exactly one JSON object, so scripts can parse it.
 */
const node_util_1 = require("node:util");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const lib_1 = require("../lib");
const USAGE = `usage: npm run vae -- <command> [flags]

commands
  train    train a VAE (or --kind ae) and save it, with sample and reconstruction images
  eval     test ELBO (reconstruction + KL) and the importance-weighted NLL of a saved model
  sample   decode samples from the prior of a saved VAE into a PNG grid

flags (defaults in brackets)
  --kind vae|ae          model to train [vae]
  --arch dense|conv      encoder/decoder architecture [dense]
  --latent-dim N         size of z [20]
  --hidden N[,N]         hidden units of the dense layers [400]
  --epochs N             training epochs [10]
  --batch-size N         mini-batch size [128]
  --lr X                 Adam learning rate [1e-3]
  --beta X               weight of the KL term [1]
  --warmup N             KL warm-up: β grows linearly from 0 over N steps [0 = off]
  --binarize M           none|threshold|sample [none]
  --seed N               seed for split, batches, initialisation and noise [0]
  --backend B            auto|tensorflow|wasm|cpu [auto, or $VAE_BACKEND]
  --data D               embedded | a folder with MNIST/Fashion-MNIST IDX files [embedded]
  --limit N              use only the first N training digits (N/4 test digits)
  --out DIR              output folder for train [runs/vae]
  --model DIR            saved model for eval/sample [runs/vae/model]
  --logdir DIR           write TensorBoard event files during training
  --k N                  importance samples for the IWAE bound [100]
  --count N              digits in the sample grid [64]
  --file F               PNG written by sample [<model>/../samples.png]
  --json                 print one JSON object with the metrics on stdout
`;
function fail(message) {
    process.stderr.write(`vae: ${message}\n`);
    process.exit(2);
}
function num(v, name, fallback, integer = false) {
    if (v === undefined)
        return fallback;
    const x = Number(v);
    if (!Number.isFinite(x) || (integer && !Number.isInteger(x)))
        fail(`--${name} must be a${integer ? 'n integer' : ' number'}, got '${v}'`);
    return x;
}
function say(line) {
    process.stderr.write(line + '\n');
}
async function main(argv) {
    const { values, positionals } = (0, node_util_1.parseArgs)({
        args: argv,
        allowPositionals: true,
        options: {
            kind: { type: 'string' },
            arch: { type: 'string' },
            'latent-dim': { type: 'string' },
            hidden: { type: 'string' },
            epochs: { type: 'string' },
            'batch-size': { type: 'string' },
            lr: { type: 'string' },
            beta: { type: 'string' },
            warmup: { type: 'string' },
            binarize: { type: 'string' },
            seed: { type: 'string' },
            backend: { type: 'string' },
            data: { type: 'string' },
            limit: { type: 'string' },
            out: { type: 'string' },
            model: { type: 'string' },
            logdir: { type: 'string' },
            k: { type: 'string' },
            count: { type: 'string' },
            file: { type: 'string' },
            json: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
        },
    });
    const command = positionals[0];
    if (values.help || !command) {
        process.stdout.write(USAGE);
        return;
    }
    if (!['train', 'eval', 'sample'].includes(command))
        fail(`unknown command '${command}'\n\n${USAGE}`);
    const backend = await (0, lib_1.initBackend)({ backend: (values.backend ?? process.env.VAE_BACKEND ?? 'auto') });
    say(`backend: ${(0, lib_1.describeBackend)(backend)}`);
    const seed = num(values.seed, 'seed', 0, true);
    const limit = values.limit === undefined ? undefined : num(values.limit, 'limit', 0, true);
    const data = () => (0, lib_1.loadData)({ source: values.data ?? 'embedded', seed, limit });
    if (command === 'train') {
        const kind = values.kind ?? 'vae';
        if (kind !== 'vae' && kind !== 'ae')
            fail(`--kind must be vae or ae, got '${kind}'`);
        const arch = values.arch ?? 'dense';
        if (arch !== 'dense' && arch !== 'conv')
            fail(`--arch must be dense or conv, got '${arch}'`);
        const binarize = values.binarize ?? 'none';
        if (binarize !== 'none' && binarize !== 'threshold' && binarize !== 'sample')
            fail(`--binarize must be none, threshold or sample, got '${binarize}'`);
        const hiddenUnits = (values.hidden ?? '400').split(',').map((h) => num(h, 'hidden', 400, true));
        const latentDim = num(values['latent-dim'], 'latent-dim', 20, true);
        const epochs = num(values.epochs, 'epochs', 10, true);
        const batchSize = num(values['batch-size'], 'batch-size', 128, true);
        const learningRate = num(values.lr, 'lr', 1e-3);
        const betaMax = num(values.beta, 'beta', 1);
        const warmup = num(values.warmup, 'warmup', 0, true);
        const out = values.out ?? 'runs/vae';
        const { train: trainSet, test: testSet } = data();
        say(`data: ${trainSet.name}, ${trainSet.size} train / ${testSet.size} test digits`);
        const model = kind === 'vae'
            ? (0, lib_1.createVAE)({ latentDim, hiddenUnits, architecture: arch, seed })
            : (0, lib_1.createAutoencoder)({ latentDim, hiddenUnits, architecture: arch, seed });
        fs.mkdirSync(out, { recursive: true });
        const history = await (0, lib_1.train)(model, trainSet, {
            epochs,
            batchSize,
            learningRate,
            seed,
            binarize,
            beta: warmup > 0 ? (0, lib_1.klWarmup)({ warmupSteps: warmup, betaMax }) : betaMax,
            checkpointDir: path.join(out, 'checkpoint'),
            logDir: values.logdir,
            onEpoch: (log) => {
                say(`epoch ${log.epoch}: loss ${log.loss.toFixed(2)} (recon ${log.recon.toFixed(2)}, KL ${log.kl.toFixed(2)}) ` +
                    `${log.seconds.toFixed(1)} s, ${Math.round(log.samplesPerSecond)} samples/s`);
            },
        });
        const modelDir = path.join(out, 'model');
        await (0, lib_1.saveModel)(model, modelDir);
        const shown = (0, lib_1.subset)(testSet, 16);
        fs.writeFileSync(path.join(out, 'reconstructions.png'), (0, lib_1.digitGridPng)((0, lib_1.reconstructionPairs)(model, shown), { cols: shown.size }));
        let metrics;
        if (model.kind === 'vae') {
            fs.writeFileSync(path.join(out, 'samples.png'), (0, lib_1.digitGridPng)((0, lib_1.samplePrior)(model, 64, { seed }), { cols: 8 }));
            const test = (0, lib_1.evaluate)(model, testSet, { seed });
            say(`test: -ELBO ${(-test.elbo).toFixed(2)} nats per digit (recon ${test.recon.toFixed(2)}, KL ${test.kl.toFixed(2)})`);
            metrics = { test: { negElbo: -test.elbo, recon: test.recon, kl: test.kl } };
        }
        else {
            const err = (0, lib_1.reconstructionError)(model, testSet);
            say(`test: reconstruction BCE ${err.bce.toFixed(2)} nats per digit, MSE ${err.mse.toFixed(4)} per pixel`);
            metrics = { test: err };
        }
        say(`saved: ${modelDir}, ${path.join(out, 'reconstructions.png')}${model.kind === 'vae' ? ', ' + path.join(out, 'samples.png') : ''}`);
        emit(values.json, {
            command,
            backend: backend.name,
            kind,
            latentDim,
            epochs: history.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, recon: e.recon, kl: e.kl, seconds: e.seconds, samplesPerSecond: e.samplesPerSecond })),
            ...metrics,
            model: modelDir,
        });
        return;
    }
    const modelDir = values.model ?? 'runs/vae/model';
    if (!fs.existsSync(modelDir))
        fail(`no saved model at '${modelDir}' (train one with: npm run vae -- train, or pass --model DIR)`);
    const model = await (0, lib_1.loadModel)(modelDir);
    if (command === 'eval') {
        const { test: testSet } = data();
        if (model.kind !== 'vae') {
            const err = (0, lib_1.reconstructionError)(model, testSet);
            say(`test (${testSet.size} digits): reconstruction BCE ${err.bce.toFixed(2)} nats, MSE ${err.mse.toFixed(4)}`);
            emit(values.json, { command, backend: backend.name, kind: 'ae', test: err });
            return;
        }
        const k = num(values.k, 'k', 100, true);
        const test = (0, lib_1.evaluate)(model, testSet, { seed });
        const nll = (0, lib_1.iwaeNll)(model, testSet, { k, seed });
        say(`test (${testSet.size} digits): -ELBO ${(-test.elbo).toFixed(2)} nats (recon ${test.recon.toFixed(2)}, KL ${test.kl.toFixed(2)})`);
        say(`IWAE NLL (K=${k}): ${nll.toFixed(2)} nats`);
        emit(values.json, { command, backend: backend.name, kind: 'vae', test: { negElbo: -test.elbo, recon: test.recon, kl: test.kl, iwaeNll: nll, k } });
        return;
    }
    // sample
    if (model.kind !== 'vae')
        fail('sample needs a VAE: an autoencoder has no prior to sample from (chapter 2)');
    const count = num(values.count, 'count', 64, true);
    const file = values.file ?? path.join(path.dirname(path.resolve(modelDir)), 'samples.png');
    fs.writeFileSync(file, (0, lib_1.digitGridPng)((0, lib_1.samplePrior)(model, count, { seed }), { cols: Math.ceil(Math.sqrt(count)) }));
    say(`wrote ${count} samples to ${file}`);
    emit(values.json, { command, backend: backend.name, file, count });
}
function emit(json, obj) {
    if (json)
        process.stdout.write(JSON.stringify(obj) + '\n');
}
main(process.argv.slice(2)).catch((err) => {
    fail(err instanceof Error ? err.message : String(err));
});
