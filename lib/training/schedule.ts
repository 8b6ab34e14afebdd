/**
 * Learning-rate schedules for `train` (chapter 4, "Training the VAE"): the step size as a function of the
 * global step. A constant rate keeps Adam's updates as large at the end of training as at the start; letting
 * the rate fall towards the end lets the weights settle instead of rattling around the optimum.
 */

/** The learning rate as a function of the global training step (0-based). */
export type LearningRateSchedule = (step: number) => number;

export interface CosineDecayConfig {
  /** Rate at step 0. */
  initial: number;
  /** Rate at `steps` and after. */
  final: number;
  /** Steps over which the rate falls along half a cosine (Loshchilov & Hutter 2017, without restarts). */
  steps: number;
}

/**
 * Cosine decay: lr(t) = final + (initial − final) · ½ (1 + cos(π · min(1, t / steps))). Flat at the start,
 * steepest in the middle, flat again at the end.
 */
export function cosineDecay(cfg: CosineDecayConfig): LearningRateSchedule {
  const { initial, final, steps } = cfg;
  if (!(initial > 0 && Number.isFinite(initial))) throw new Error(`cosineDecay: initial must be a finite number > 0, got ${initial}`);
  if (!(final > 0 && Number.isFinite(final) && final <= initial)) {
    throw new Error(`cosineDecay: final must be a finite number in (0, initial], got ${final}`);
  }
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`cosineDecay: steps must be a positive integer, got ${steps}`);
  return (step: number) => final + (initial - final) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, step) / steps)));
}
