/**
 * Adam on tfjs-node as TensorFlow's own fused kernel, ResourceApplyAdam
 * (chapter 4, "Training in practice"; lib/training/adam.ts has the update itself).
 *
 * On tfjs-node every kernel is a call into libtensorflow, and the fused update
 * of lib/training/adam.ts can only run there on copies: θ and g read out of TensorFlow,
 * updated in JS memory, θ written back. TensorFlow has the whole update as one
 * native kernel, but only on resource variables, which TF.js does not have. So
 * each optimised TF.js variable gets three resource variables (θ, m, v) made
 * through tfjs-node's binding; a step runs ResourceApplyAdam on them and reads
 * θ' back as an ordinary tensor (ReadVariableOp shares the buffer, and
 * TensorFlow copies on the next write while a reader holds it, so a tensor
 * handed out never changes). The moments stay in TensorFlow until the
 * optimizer's state is read (`syncMoments`). The resources are re-assigned from
 * the TF.js tensors only when those are not the ones they were last in step
 * with: after `variable.assign`, `optimizer.setWeights` or a checkpoint load.
 *
 * TensorFlow's kernel computes the same update in a different arrangement,
 *
 *   α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)      θ' = θ − α·m'/(√v' + ε̂)
 *
 * with ε̂ = ε·√(1−β₂ᵗ), which is algebraically Kingma & Ba's step with ε added to
 * √v̂ as TF.js adds it; the float32 rounding differs, so on tfjs-node the fused
 * update agrees with the stock optimizer to rounding, not bit for bit
 * (test/tf-adam.test.ts). Same seed, same backend still gives the same numbers.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Binding, NodeKernelBackend, OpAttr } from './binding';

/** Float32 constants of one update (the attrs lib/training/adam.ts passes its kernel). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLearningRate: number;
}

/**
 * TensorFlow's name for an anonymous resource (ResourceHandle::ANONYMOUS_NAME):
 * the variable is owned by its handle and freed with it, instead of living in the
 * context's resource manager under a shared name until destroyed by name.
 */
const ANONYMOUS = 'cd2c89b7-88b7-44c8-ad83-06c2a9158347';

/** The resources that mirror one TF.js variable and its Adam moments. */
interface Slot {
  ids: [number, number, number];
  /** The dataIds of the TF.js θ, m and v the resources were last in step with. */
  held: [object | undefined, object | undefined, object | undefined];
  backend: NodeKernelBackend;
  /** The optimizer's v variable (m is the slot's key). */
  v: tf.Variable;
  /** The resource moments have been updated since they were last copied to m and v. */
  ahead: boolean;
}

/** FinalizationRegistry (ES2021), typed locally: tslab compiles lib/ with the ES2020 library. */
const Finalizer = (
  globalThis as unknown as {
    FinalizationRegistry: new <T>(cleanup: (held: T) => void) => { register(target: object, held: T, token: object): void; unregister(token: object): void };
  }
).FinalizationRegistry;

/**
 * Keyed on the optimizer's first-moment variable, which the engine passes to the
 * kernel as `m`: one slot per optimizer and weight, so two optimizers of the same
 * weights keep apart.
 */
const slots = new WeakMap<object, Slot>();
/** Frees a slot's resources when its m variable is garbage-collected. */
const release = new Finalizer<{ binding: Binding; ids: number[] }>(({ binding, ids }) => ids.forEach((id) => binding.deleteTensor(id)));

function varHandle(b: Binding, shape: number[]): number {
  const attrs: OpAttr[] = [
    { name: 'dtype', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'shape', type: b.TF_ATTR_SHAPE, value: shape },
    { name: 'shared_name', type: b.TF_ATTR_STRING, value: ANONYMOUS },
  ];
  return b.executeOp('VarHandleOp', attrs, [], 1)[0].id;
}

/**
 * The scalars of the current update, made once per step and shared by its
 * variables: FusedAdam passes one constants object to all of them.
 */
let scalars: { of: AdamConstants; ids: number[]; binding: Binding } | undefined;
function scalarIds(b: Binding, c: AdamConstants): number[] {
  if (scalars?.of === c) return scalars.ids;
  if (scalars) scalars.ids.forEach((id) => scalars!.binding.deleteTensor(id));
  const beta1Power = 1 - c.oneMinusAccBeta1;
  const beta2Power = 1 - c.oneMinusAccBeta2;
  const epsilonHat = c.epsilon * Math.sqrt(c.oneMinusAccBeta2);
  // ResourceApplyAdam's inputs 4–9: β₁ᵗ, β₂ᵗ, lr, β₁, β₂, ε.
  const values = [beta1Power, beta2Power, -c.negLearningRate, c.beta1, c.beta2, epsilonHat];
  scalars = { of: c, ids: values.map((x) => b.createTensor([], b.TF_FLOAT, Float32Array.of(x))), binding: b };
  return scalars.ids;
}

/**
 * One Adam step of `theta` (a TF.js Variable) on tfjs-node: returns θ' as a new
 * tensor for the caller to assign, as with the other backends' kernel. The
 * moments stay in their resources, ahead of the optimizer's m and v variables,
 * until `syncMoments` copies them out: reading them back every step would cost
 * two more ops and, while the read-back tensors live, a copy of each moment
 * before TensorFlow may update it in place.
 */
export function resourceApplyAdam(backend: NodeKernelBackend, inputs: { theta: tf.Tensor; gradient: tf.Tensor; m: tf.Variable; v: tf.Variable }, c: AdamConstants): tf.Tensor {
  const b = backend.binding;
  const { theta, gradient, m, v } = inputs;
  let slot = slots.get(m);
  if (!slot) {
    const ids: [number, number, number] = [varHandle(b, theta.shape), varHandle(b, theta.shape), varHandle(b, theta.shape)];
    slot = { ids, held: [undefined, undefined, undefined], backend, v, ahead: false };
    slots.set(m, slot);
    release.register(m, { binding: b, ids }, slot);
  }
  // A TF.js tensor that is not the one the resource last held was set from outside (assign, setWeights): it wins.
  [theta, m, v].forEach((t, i) => {
    if (slot!.held[i] !== t.dataId) {
      b.executeOp('AssignVariableOp', [dtypeAttr(b)], [slot!.ids[i], ...backend.getInputTensorIds([t])], 0);
      slot!.held[i] = t.dataId;
    }
  });
  slot.v = v;
  const attrs: OpAttr[] = [
    { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'use_locking', type: b.TF_ATTR_BOOL, value: false },
    { name: 'use_nesterov', type: b.TF_ATTR_BOOL, value: false },
  ];
  b.executeOp('ResourceApplyAdam', attrs, [...slot.ids, ...scalarIds(b, c), ...backend.getInputTensorIds([gradient])], 0);
  slot.ahead = true;
  const thetaNew = read(slot, 0);
  slot.held[0] = thetaNew.dataId;
  return thetaNew;
}

function dtypeAttr(b: Binding): OpAttr {
  return { name: 'dtype', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
}

function read(slot: Slot, i: number): tf.Tensor {
  const b = slot.backend.binding;
  return slot.backend.createOutputTensor(b.executeOp('ReadVariableOp', [dtypeAttr(b)], [slot.ids[i]], 1)[0]);
}

/**
 * Copy the Adam moments kept for the optimizer's `m` and `v` variables out of
 * TensorFlow into them, if the resources are ahead: before anything reads the
 * optimizer's state (getWeights, the stock update when the kernel is removed).
 * A variable set or replaced from outside since (setWeights) keeps its value,
 * and the resource takes it at the next step.
 */
export function syncMoments(m: tf.Variable, v: tf.Variable): void {
  const slot = slots.get(m);
  if (!slot?.ahead) return;
  [m, v].forEach((variable, k) => {
    if ((k === 1 && variable !== slot.v) || slot.held[k + 1] !== variable.dataId) return;
    const value = read(slot, k + 1);
    variable.assign(value);
    slot.held[k + 1] = value.dataId;
    value.dispose();
  });
  slot.ahead = false;
}

/** Free the resources kept for the optimizer's `m` variable now (the optimizer is disposed), not at garbage collection. */
export function releaseResources(m: tf.Variable): void {
  const slot = slots.get(m);
  if (!slot) return;
  slots.delete(m);
  release.unregister(slot);
  slot.ids.forEach((id) => slot.backend.binding.deleteTensor(id));
}
