/**
 * The hand-written dense VAE training loop that issues 6 and 7 measured (784-400-20,
 * batch 128, Adam 1e-3, Bernoulli loss), built from raw tf ops on purpose so that it
 * depends on no model code of the library. scripts/bench/matmul-ab.ts times it (and
 * `npm run bench` quotes it as its calibration line); scripts/bench/wasm-threads.ts
 * times it with one and two wasm threads.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../lib/data/dataset';
export type ReferenceVars = Record<'w1' | 'b1' | 'wMean' | 'bMean' | 'wLogVar' | 'bLogVar' | 'w2' | 'b2' | 'w3' | 'b3', tf.Variable>;
/** Fresh weights from seed 0 (Glorot-uniform kernels, zero biases). */
export declare function referenceVars(): ReferenceVars;
/** The negative ELBO of one batch, nats per example, with noise seeded by `noiseSeed`. */
export declare function referenceLoss(vars: ReferenceVars, batch: Batch, noiseSeed: number): tf.Scalar;
/** CPU seconds used by this process so far. */
export declare function cpuSeconds(): number;
/** One product to time: tf.matMul(a, b, tA, tB) on seeded operands of the given shapes, read back. */
export declare function matMulCase(shapeA: [number, number], shapeB: [number, number], tA: boolean, tB: boolean): {
    run(): void;
    flops: number;
    dispose(): void;
};
