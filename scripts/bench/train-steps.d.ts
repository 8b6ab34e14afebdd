import type { VAE } from '../../lib/model/vae';
/** One step boundary: after the step's onBatch. */
export interface StepMark {
    /** performance.now() at the boundary. */
    ms: number;
    /** This process's CPU time (user + system) at the boundary, ms. */
    cpuMs: number;
    /** The step's training loss. */
    loss: number;
    /** tf.memory().numBytes at the boundary. */
    tfBytes: number;
}
/**
 * Trains `model` for at least `total` steps of BATCH_SIZE examples and
 * returns one mark per step. train() runs whole epochs, so the data is cut
 * to an exact number of full batches (no short last batch to skew a step)
 * and the epochs are as many as `total` needs; at most epochs − 1 extra steps
 * run at the end, and they are not returned.
 */
export declare function trainSteps(model: VAE, total: number, onMark?: (step: number) => void): Promise<StepMark[]>;
