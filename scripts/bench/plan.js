"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RESULT_TAG = exports.SEED = exports.BATCH_SIZE = exports.defaultProfilePlan = exports.defaultPlan = exports.MODELS = exports.BACKENDS = void 0;
exports.BACKENDS = ['tensorflow', 'wasm', 'cpu'];
exports.MODELS = ['dense', 'conv'];
/**
 * Defaults, chosen so that one `npm run bench` takes minutes on the reference
 * machine: wasm trains the dense VAE at a few thousand samples/s, cpu at a few
 * hundred, and the conv VAE is ten times slower again. The cpu conv step takes
 * about 7 s there (43 s with the stock cpu filter gradient, `--stock`), so it
 * runs one step per timed run; `slow` marks a configuration that runs only
 * when asked for (none today).
 */
function defaultPlan(backend, model) {
    if (model === 'dense') {
        if (backend === 'cpu')
            return { warmup: 3, steps: 10, runs: 3, slow: false };
        // tfjs-node takes about 40 steps to settle: steps 11–40 of a run ran 5–25 % slower than the later ones
        // (10-step means 18.4, 16.5, 15.3 ms, then 13.0–15.1 up to step 300), wasm is settled after 10.
        return { warmup: backend === 'tensorflow' ? 50 : 10, steps: 50, runs: 3, slow: false };
    }
    if (backend === 'cpu')
        return { warmup: 1, steps: 1, runs: 3, slow: false };
    return backend === 'tensorflow' ? { warmup: 5, steps: 20, runs: 3, slow: false } : { warmup: 3, steps: 10, runs: 3, slow: false };
}
exports.defaultPlan = defaultPlan;
/** Warm-up and profiled steps of `--profile`. */
function defaultProfilePlan(backend, model) {
    if (backend === 'cpu')
        return model === 'dense' ? { warmup: 2, steps: 3, slow: false } : { warmup: 1, steps: 1, slow: false };
    return { warmup: 3, steps: 5, slow: false };
}
exports.defaultProfilePlan = defaultProfilePlan;
exports.BATCH_SIZE = 128;
exports.SEED = 0;
/** The child prints its result on one stdout line that starts with this (tfjs may print banners of its own). */
exports.RESULT_TAG = 'BENCH_RESULT ';
