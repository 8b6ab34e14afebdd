/**
 * Seeded initialisers for the encoder and decoder layers (chapter 2, "Encoder and decoder").
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random';

/**
 * The initialisation of PyTorch's nn.Linear / nn.Conv2d (kaiming-uniform with
 * a = √5), as in the pytorch/examples vae/main.py reference: weights and biases
 * uniform in ±1/√fanIn. Each layer gets its own seed from `rng`, so the same
 * model seed gives the same weights on every backend. Public, for layers
 * written by hand (chapter 8's port of the article's model).
 */
type Initializer = ReturnType<typeof tf.initializers.randomUniform>;

export function seededInit(rng: Rng, fanIn: number): { kernelInitializer: Initializer; biasInitializer: Initializer } {
  const limit = 1 / Math.sqrt(Math.max(1, fanIn));
  return {
    // varianceScaling(scale s, fanIn, uniform) draws from ±√(3s / fanIn); s = 1/3 gives ±1/√fanIn.
    kernelInitializer: tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: rng.seed() }),
    biasInitializer: tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: rng.seed() }),
  };
}

