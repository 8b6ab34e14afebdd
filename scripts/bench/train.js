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
 * Training speed of the dense VAE (784-400-20, batch 128) through lib/training/train.ts:
 *
 *   npx tsx scripts/bench/train.ts [--backend auto|wasm|cpu|tensorflow] [--digits 4096] [--epochs 3] [--arch dense|conv]
 *
 * Prints samples/s per epoch (the first epoch includes warm-up: kernel
 * compilation, Adam slot creation) and the best epoch.
 */
const node_util_1 = require("node:util");
const os = __importStar(require("node:os"));
const lib_1 = require("../../lib");
async function main() {
    const { values } = (0, node_util_1.parseArgs)({
        options: {
            backend: { type: 'string' },
            digits: { type: 'string', default: '4096' },
            epochs: { type: 'string', default: '3' },
            arch: { type: 'string', default: 'dense' },
        },
    });
    const info = await (0, lib_1.initBackend)(values.backend ? { backend: values.backend } : undefined);
    const arch = values.arch === 'conv' ? 'conv' : 'dense';
    const { train: data } = (0, lib_1.loadData)({ limit: Number(values.digits) });
    const vae = (0, lib_1.createVAE)({ architecture: arch, seed: 0 });
    const r = await (0, lib_1.train)(vae, data, { epochs: Number(values.epochs), batchSize: 128, progress: false });
    const best = Math.max(...r.epochs.map((e) => e.samplesPerSecond));
    console.log(`backend: ${(0, lib_1.describeBackend)(info)}; ${arch} VAE, ${data.size} digits, batch 128; load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
    for (const e of r.epochs)
        console.log(`epoch ${e.epoch}: ${e.seconds.toFixed(2)} s, ${Math.round(e.samplesPerSecond)} samples/s`);
    console.log(`best epoch: ${Math.round(best)} samples/s`);
    vae.dispose();
}
main().catch((e) => {
    console.error(e.message);
    process.exit(1);
});
