/**
 * Adam (Kingma & Ba 2015, Algorithm 1), the optimizer lib/training/train.ts uses
 * (chapter 4, "Training the VAE"). `FusedAdam` is tf.AdamOptimizer whose
 * per-variable update runs as one kernel, `VaeFusedAdam`, where the backend has
 * it (lib/backend/fused-adam.ts, installed by initBackend): the same update in
 * one pass over the weights instead of about fifteen element-wise kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_ADAM, type AdamAttrs } from '../backend/fused-adam';
import { syncMoments, releaseResources } from '../backend/tensorflow/adam';

/** The stock optimizer's private state, which the fused path reads and updates in the same way. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/**
 * tf.AdamOptimizer whose update runs the fused kernel when the active backend
 * has it. State, checkpoints (getWeights / setWeights) and serialisation are the
 * stock optimizer's, so the two are interchangeable mid-training.
 */
export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getKernel(FUSED_ADAM, tf.getBackend()) === undefined) {
      for (const { m, v } of this.moments()) syncMoments(m, v);
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const named: { name: string; tensor: tf.Tensor | undefined }[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    tf.tidy(() => {
      // As the stock optimizer: 1 − β^t from the float32 accumulators, the scalars rounded to float32.
      const [accBeta1, accBeta2] = [state.accBeta1.dataSync()[0], state.accBeta2.dataSync()[0]];
      const attrs: AdamAttrs = {
        beta1: this.beta1,
        oneMinusBeta1: 1 - this.beta1,
        beta2: this.beta2,
        oneMinusBeta2: 1 - this.beta2,
        oneMinusAccBeta1: Math.fround(1 - accBeta1),
        oneMinusAccBeta2: Math.fround(1 - accBeta2),
        epsilon: this.epsilon,
        negLearningRate: -this.learningRate,
      };
      named.forEach(({ name, tensor: gradient }, i) => {
        const theta = tf.engine().registeredVariables[name];
        if (!theta) throw new Error(`FusedAdam: no variable named '${name}'`);
        const slot = (suffix: string) => ({ originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(theta).variable(false)) });
        state.accumulatedFirstMoment[i] ??= slot('m');
        state.accumulatedSecondMoment[i] ??= slot('v');
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        const [thetaNew, mNew, vNew] = tf.engine().runKernel(FUSED_ADAM, { theta, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        // tfjs-node's kernel keeps m' and v' in TensorFlow (lib/backend/tensorflow/adam.ts) and returns θ' alone.
        if (mNew) m.assign(mNew);
        if (vNew) v.assign(vNew);
        theta.assign(thetaNew);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** Sets the step size of the next updates (a learning-rate schedule, lib/training/schedule.ts). */
  setLearningRate(learningRate: number): void {
    if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new Error(`FusedAdam: learningRate must be a finite number > 0, got ${learningRate}`);
    this.learningRate = learningRate;
  }

  /** The stock optimizer's state (iterations, m and v per variable), with the moments tfjs-node keeps copied out first. */
  override async getWeights(): ReturnType<tf.AdamOptimizer['getWeights']> {
    for (const { m, v } of this.moments()) syncMoments(m, v);
    return super.getWeights();
  }

  override dispose(): void {
    for (const { m } of this.moments()) releaseResources(m);
    super.dispose();
  }

  /** The m and v variables of each weight this optimizer has updated. */
  private moments(): { m: tf.Variable; v: tf.Variable }[] {
    const state = this as unknown as AdamState;
    return state.accumulatedFirstMoment.flatMap((first, i) => {
      const second = state.accumulatedSecondMoment[i];
      return first && second ? [{ m: first.variable, v: second.variable }] : [];
    });
  }
}

/** Options of `adam`; the defaults are Kingma & Ba's and tf.train.adam's. */
export interface AdamOptions {
  /** Step size (default 1e-3). */
  learningRate?: number;
  /** Decay of the first-moment average (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average (default 0.999). */
  beta2?: number;
  /** Added to √v̂ (default: the backend's epsilon, 1e-7 in float32). */
  epsilon?: number;
}

/** Adam with the fused update where the backend has it; the optimizer lib/training/train.ts uses. */
export function adam(opts: AdamOptions = {}): FusedAdam {
  const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon } = opts;
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}
