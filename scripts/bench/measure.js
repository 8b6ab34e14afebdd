"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * The measured bar of issue 2: the dense VAE (784-400-20, Bernoulli decoder)
 * trained 10 epochs on the embedded 8,000-digit split (Adam 1e-3, batch 128,
 * seed 0), then test −ELBO and IWAE (K = 100) NLL on the 2,000 held-out digits.
 *
 *   npx tsx scripts/bench/measure.ts [--epochs 10] [--seed 0] [--k 100] [--backend auto] [--json]
 *
 * Prints the backend, seconds per epoch and the test figures; with --json one
 * JSON object on stdout.
 */
const node_util_1 = require("node:util");
const lib_1 = require("../../lib");
async function main() {
    const { values } = (0, node_util_1.parseArgs)({
        options: {
            epochs: { type: 'string', default: '10' },
            seed: { type: 'string', default: '0' },
            k: { type: 'string', default: '100' },
            backend: { type: 'string' },
            json: { type: 'boolean', default: false },
        },
    });
    const epochs = Number(values.epochs);
    const seed = Number(values.seed);
    const k = Number(values.k);
    const backend = await (0, lib_1.initBackend)(values.backend ? { backend: values.backend } : undefined);
    const log = (s) => process.stderr.write(s + '\n');
    log(`backend: ${(0, lib_1.describeBackend)(backend)}`);
    const { train: trainSet, test: testSet } = (0, lib_1.loadData)({ seed });
    log(`data: ${trainSet.size} train / ${testSet.size} test digits`);
    const vae = (0, lib_1.createVAE)({ seed });
    const result = await (0, lib_1.train)(vae, trainSet, {
        epochs,
        batchSize: 128,
        learningRate: 1e-3,
        seed,
        onEpoch: (e) => log(`epoch ${e.epoch}: loss ${e.loss.toFixed(2)} (recon ${e.recon.toFixed(2)}, KL ${e.kl.toFixed(2)}), ${e.seconds.toFixed(2)} s, ${Math.round(e.samplesPerSecond)} samples/s`),
    });
    const t0 = performance.now();
    const test = (0, lib_1.evaluate)(vae, testSet, { seed });
    const nll = (0, lib_1.iwaeNll)(vae, testSet, { k, seed });
    const evalSeconds = (performance.now() - t0) / 1000;
    const secondsPerEpoch = result.seconds / epochs;
    log(`test -ELBO ${(-test.elbo).toFixed(2)} nats/digit (recon ${test.recon.toFixed(2)}, KL ${test.kl.toFixed(2)})`);
    log(`test IWAE NLL (K=${k}) ${nll.toFixed(2)} nats/digit`);
    log(`${secondsPerEpoch.toFixed(2)} s per epoch, ${Math.round(result.samplesPerSecond)} samples/s; evaluation ${evalSeconds.toFixed(1)} s`);
    if (values.json) {
        process.stdout.write(JSON.stringify({
            backend: backend.name,
            backendDetail: (0, lib_1.describeBackend)(backend),
            epochs,
            seed,
            negElbo: -test.elbo,
            recon: test.recon,
            kl: test.kl,
            iwaeNll: nll,
            k,
            secondsPerEpoch,
            samplesPerSecond: result.samplesPerSecond,
            epochLog: result.epochs,
        }) + '\n');
    }
    vae.dispose();
}
main().catch((e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
});
