/**
 * What one training step of a model costs in floating-point operations,
 * counted from the model's own layers, so that a backend's samples per second
 * can be set against its matMul speed (`npm run bench` prints both).
 *
 * Counted: the multiply-adds of Dense, Conv2D and Conv2DTranspose layers, two
 * FLOPs each (one multiply, one add), per example. Not counted: biases,
 * activations, the loss, reparameterization and Adam, which are elementwise
 * and small next to the products (well under 1 % for the dense VAE).
 *
 * Training = forward + backward. A layer's backward pass is two products of
 * the forward's size: the weight gradient (dW = xᵀ·dy) and the input gradient
 * (dx = dy·Wᵀ). The input gradient is skipped where the input does not depend
 * on any trainable weight (the encoder's first layer reads the data, and
 * TF.js's tape only differentiates towards the variables), so the dense VAE
 * 784-400-20 costs 3.28 MFLOP per example, not 3 × 1.30.
 *
 * Convolutions are counted as the mathematics needs them: every output
 * position of a Conv2D sees kh·kw·cin inputs (zero padding included); every
 * input position of a Conv2DTranspose scatters into kh·kw·cout outputs. An
 * implementation may do more: the transposed conv run as a convolution over a
 * zero-interleaved input (lib/backend/conv-grad.ts, on wasm) multiplies by zeros too.
 */
import type * as tf from '@tensorflow/tfjs';

/** The cost of one layer, FLOPs per example. */
export interface LayerFlops {
  /** Name of the layer in its model, e.g. 'enc_dense_0'. */
  name: string;
  /** Which model it belongs to ('encoder', 'decoder'). */
  model: string;
  /** tfjs-layers class name: 'Dense', 'Conv2D', 'Conv2DTranspose'. */
  className: string;
  /** The forward product. */
  forward: number;
  /** The weight gradient (same size as the forward). */
  weightGrad: number;
  /** The input gradient (same size, or 0 when the layer's input needs none). */
  inputGrad: number;
}

/** A training step's cost, FLOPs per example. */
export interface TrainingFlops {
  /** One entry per layer that multiplies (Dense, Conv2D, Conv2DTranspose), encoder first. */
  layers: LayerFlops[];
  /** Forward pass. */
  forward: number;
  /** Backward pass (weight and input gradients). */
  backward: number;
  /** forward + backward: one training step. */
  total: number;
}

/**
 * The input or output shape of the layer's first call, without the batch
 * dimension (a model's layers are called once when it is built); a layer
 * with several inputs or outputs is not one we count.
 */
function callShape(fn: string, layer: tf.layers.Layer, which: 'inputShapes' | 'outputShapes'): number[] {
  const node = layer.inboundNodes[0];
  if (!node) throw new Error(`${fn}: layer '${layer.name}' has never been called`);
  // A node keeps one shape per tensor: [[null, 784]] for one input.
  const shapes = node[which] as unknown;
  if (!Array.isArray(shapes) || shapes.length !== 1 || !Array.isArray(shapes[0])) {
    throw new Error(`${fn}: layer '${layer.name}' does not have exactly one input and one output`);
  }
  const rest = (shapes[0] as (number | null)[]).slice(1);
  if (rest.some((d) => d === null)) throw new Error(`${fn}: layer '${layer.name}' has an unknown dimension in [${rest.join(',')}]`);
  return rest as number[];
}

const product = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);

function pair(v: unknown): [number, number] {
  return Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)];
}

/** FLOPs of the forward product of one layer per example, or undefined for a layer without weights. */
function forwardFlops(layer: tf.layers.Layer): number | undefined {
  const cls = layer.getClassName();
  const fn = 'trainingFlops';
  if (cls === 'Dense') {
    const input = callShape(fn, layer, 'inputShapes');
    const units = Number(layer.getConfig().units);
    // Dense applies to the last axis; leading axes (other than the batch) repeat it.
    return 2 * product(input) * units;
  }
  if (cls === 'Conv2D' || cls === 'Conv2DTranspose') {
    const cfg = layer.getConfig();
    if (cfg.dataFormat !== undefined && cfg.dataFormat !== 'channelsLast') throw new Error(`${fn}: layer '${layer.name}' is not channelsLast`);
    const [kh, kw] = pair(cfg.kernelSize);
    const input = callShape(fn, layer, 'inputShapes'); // [h, w, cin]
    const output = callShape(fn, layer, 'outputShapes'); // [h', w', cout]
    const cin = input[2];
    const cout = output[2];
    // Conv2D: each output position gathers kh·kw·cin inputs; the transpose: each input position scatters to kh·kw·cout outputs.
    const positions = cls === 'Conv2D' ? output[0] * output[1] : input[0] * input[1];
    return 2 * positions * kh * kw * cin * cout;
  }
  if (layer.trainableWeights.length === 0) return undefined;
  throw new Error(`${fn}: no FLOP count for layer '${layer.name}' of class ${cls}`);
}

/**
 * Per-layer costs of one layers model, walking it in topological order.
 * `inputNeedsGrad`: whether the model's input depends on trainable weights
 * (true for a decoder fed by an encoder, false for a model fed by data).
 */
export function modelFlops(model: tf.LayersModel, inputNeedsGrad: boolean): LayerFlops[] {
  // Layers whose output depends on a trainable weight: their consumers need an input gradient.
  const downstream = new Set<tf.layers.Layer>();
  const out: LayerFlops[] = [];
  for (const layer of model.layers) {
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers);
    const needsInputGrad = inbound.length === 0 ? inputNeedsGrad : inbound.some((l) => downstream.has(l));
    if (needsInputGrad || layer.trainableWeights.length > 0) downstream.add(layer);
    const forward = forwardFlops(layer);
    if (forward === undefined) continue;
    out.push({
      name: layer.name,
      model: model.name,
      className: layer.getClassName(),
      forward,
      weightGrad: forward,
      inputGrad: needsInputGrad ? forward : 0,
    });
  }
  return out;
}

/**
 * FLOPs per example of one training step of a VAE or autoencoder: the encoder
 * on data (no input gradient at its first layer), then the decoder on the
 * code, which depends on the encoder's weights (its input gradient is needed).
 */
export function trainingFlops(model: { encoder: tf.LayersModel; decoder: tf.LayersModel }): TrainingFlops {
  const layers = [...modelFlops(model.encoder, false), ...modelFlops(model.decoder, true)];
  const forward = layers.reduce((s, l) => s + l.forward, 0);
  const backward = layers.reduce((s, l) => s + l.weightGrad + l.inputGrad, 0);
  return { layers, forward, backward, total: forward + backward };
}

/** FLOPs of one matrix product [m, k] · [k, n] (what the GFLOP/s of a matMul benchmark divide). */
export function matMulFlops(m: number, k: number, n: number): number {
  return 2 * m * k * n;
}
