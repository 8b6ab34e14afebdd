/**
 * Per-backend kernel fixes, installed in one place: `initBackend` calls
 * `tuneKernels(name)` every time it selects a backend, so the models never
 * have to (chapter 1, "Running the code").
 *
 * What the wasm backend (@tensorflow/tfjs-backend-wasm 4.22) needs:
 * - matMul with a transposed operand (every gradient of a Dense layer) runs a
 *   strided loop several times slower than a plain product; lib/wasm-matmul.ts
 *   copies the operand first (scripts/bench-matmul.ts measures the gain);
 * - it has no Conv2DBackpropFilter kernel, so conv weights have no gradient;
 *   lib/conv-grad.ts supplies one as a single dilated convolution;
 * - its Conv2DBackpropInput (transposed conv) is a direct loop; lib/conv-grad.ts
 *   runs it as a zero-interleaved Conv2D instead;
 * - its Identity kernel copies; lib/wasm-identity.ts shares the buffer as cpu does.
 * On every backend Adam's update runs as one fused kernel instead of about
 * fifteen (lib/adam.ts), bit for bit the same numbers on wasm and cpu; on
 * tfjs-node, where each dispatched kernel costs tens of microseconds, it is
 * TensorFlow's ResourceApplyAdam (lib/tf-adam.ts), and Step, ReLU's gradient,
 * runs as four native ops instead of five ops and four uploads (lib/tf-step.ts);
 * Reshape and the reductions, about fifty calls a step, keep their shape and
 * axis operands instead of making a tensor for them each time, and a Cast to
 * the same dtype is no op (lib/tf-lean-kernels.ts).
 * The cpu backend gets the filter gradient too: its Conv2DBackpropFilter is a
 * slow direct loop. The gradient registry is global and the kernel registry
 * outlives a backend switch, so switching backends restores every stock kernel
 * and gradient the new one does not need.
 */
import type { BackendName } from './backend';
import { setWasmMatMulOverride, wasmMatMulOverrideActive } from './wasm-matmul';
import { setConvGradOverride, convGradOverrideActive, setWasmConvTransposeOverride, wasmConvTransposeOverrideActive } from './conv-grad';
import { setWasmIdentityOverride, wasmIdentityOverrideActive } from './wasm-identity';
import { setFusedAdamKernel, fusedAdamKernelActive } from './adam';
import { setTfStepKernel, tfStepKernelActive } from './tf-step';
import { setTfLeanKernels, tfLeanKernelsActive } from './tf-lean-kernels';
import { setReduceGradOverride, reduceGradOverrideActive } from './reduce-grad';

/** Which replacements are installed. */
export interface KernelTuning {
  /** wasm BatchMatMul and _FusedMatMul copy a transposed operand before the product. */
  matMul: boolean;
  /** Conv2D and Conv2DBackpropInput gradients compute the filter gradient as one dilated convolution. */
  convFilterGrad: boolean;
  /** wasm Conv2DBackpropInput runs as a zero-interleaved Conv2D. */
  convTranspose: boolean;
  /** wasm Identity shares its input's buffer instead of copying it. */
  identity: boolean;
  /** The fused Adam update kernel is registered (wasm, cpu and tensorflow). */
  fusedAdam: boolean;
  /** tensorflow Step (ReLU's gradient) runs as four native ops instead of five ops and four uploads. */
  step: boolean;
  /** tensorflow Reshape, reductions, Transpose, Tile and ExpandDims keep their int32 operands; a same-dtype Cast is no op. */
  leanKernels: boolean;
  /** The gradients of sum and mean broadcast dy instead of multiplying it by an array of ones made in JS (tensorflow). */
  reduceGrad: boolean;
}

/**
 * Install what `backend` needs and restore the stock kernels and gradients for
 * everything else; 'none' restores all of them (the equivalence tests and
 * scripts/bench-matmul.ts compare against it). Idempotent. Returns the state.
 */
export function tuneKernels(backend: BackendName | 'none'): KernelTuning {
  const wasm = backend === 'wasm';
  setWasmMatMulOverride(wasm);
  setWasmConvTransposeOverride(wasm);
  setWasmIdentityOverride(wasm);
  setFusedAdamKernel(backend !== 'none');
  setTfStepKernel(backend === 'tensorflow');
  setTfLeanKernels(backend === 'tensorflow');
  setReduceGradOverride(backend === 'tensorflow');
  // wasm has no filter-gradient kernel; cpu's is a direct loop (a cpu conv VAE step: 43 s with it,
  // 6.3 s with the replacement, npm run bench -- --stock); tfjs-node's is native.
  setConvGradOverride(wasm || backend === 'cpu');
  return kernelTuning();
}

/** The replacements installed now. */
export function kernelTuning(): KernelTuning {
  return {
    matMul: wasmMatMulOverrideActive(),
    convFilterGrad: convGradOverrideActive(),
    convTranspose: wasmConvTransposeOverrideActive(),
    identity: wasmIdentityOverrideActive(),
    fusedAdam: fusedAdamKernelActive(),
    step: tfStepKernelActive(),
    leanKernels: tfLeanKernelsActive(),
    reduceGrad: reduceGradOverrideActive(),
  };
}
