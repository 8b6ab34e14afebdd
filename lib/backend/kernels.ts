/**
 * Which kernel fixes each backend gets. `initBackend` calls `tuneKernels(name)`
 * every time it selects a backend, so the models never have to (chapter 1,
 * "Running the code"). Each fix is declared once, in its own file, with the
 * kernels or gradients it replaces and the measurement that justifies it
 * (`why`); lib/backend/kernel-fix.ts installs and restores them all.
 *
 * Switching backends restores every stock kernel and gradient the new one does
 * not need: the gradient registry is global, and the kernel registry outlives
 * a backend switch.
 */
import { kernelFixActive, setKernelFix, type BackendName, type KernelFix } from './kernel-fix';
import { convFilterGrad } from './conv-grad';
import { fusedAdam } from './fused-adam';
import { wasmMatMul } from './wasm/matmul';
import { wasmConvTranspose } from './wasm/conv-transpose';
import { wasmConvBackpropFilter } from './wasm/conv-backprop-filter';
import { wasmIdentity } from './wasm/identity';
import { tfStep } from './tensorflow/step';
import { tfLeanKernels } from './tensorflow/lean-kernels';
import { reduceGradFix } from './tensorflow/reduce-grad';

export type { BackendName } from './kernel-fix';

/** Every fix by name; its `backends` say where `tuneKernels` installs it. */
export const KERNEL_FIXES = {
  /** wasm BatchMatMul and _FusedMatMul copy a transposed operand before the product. */
  matMul: wasmMatMul,
  /** The Conv2D and Conv2DBackpropInput gradients compute the filter gradient as one dilated convolution (wasm, cpu). */
  convFilterGrad,
  /** wasm Conv2DBackpropInput runs as a zero-interleaved Conv2D. */
  convTranspose: wasmConvTranspose,
  /** wasm gets the Conv2DBackpropFilter kernel it lacks, as one dilated Conv2D (the fused convolution's gradient calls it). */
  convBackpropFilter: wasmConvBackpropFilter,
  /** wasm Identity shares its input's buffer instead of copying it. */
  identity: wasmIdentity,
  /** Adam's update as one kernel per variable (wasm, cpu and tensorflow). */
  fusedAdam,
  /** tensorflow Step (ReLU's gradient) runs as four native ops instead of five ops and four uploads. */
  step: tfStep,
  /** tensorflow Reshape, reductions, Transpose, Tile and ExpandDims keep their int32 operands; a same-dtype Cast is no op. */
  leanKernels: tfLeanKernels,
  /** The gradients of sum and mean broadcast dy instead of multiplying it by an array of ones made in JS (tensorflow). */
  reduceGrad: reduceGradFix,
} satisfies Record<string, KernelFix>;

export type KernelFixName = keyof typeof KERNEL_FIXES;

/** Which fixes are installed, by name. */
export type KernelTuning = Record<KernelFixName, boolean>;

const NAMES = Object.keys(KERNEL_FIXES) as KernelFixName[];

/**
 * Install what `backend` needs and restore the stock kernels and gradients for
 * everything else; 'none' restores all of them (the equivalence tests and
 * the benchmarks' `--stock` compare against it). Idempotent. Returns the state.
 */
export function tuneKernels(backend: BackendName | 'none'): KernelTuning {
  // Restore first, then install: no two fixes of different backends are ever in place together.
  const wanted = (name: KernelFixName) => backend !== 'none' && KERNEL_FIXES[name].backends.includes(backend);
  for (const name of NAMES) if (!wanted(name)) setKernelFix(KERNEL_FIXES[name], false);
  for (const name of NAMES) if (wanted(name)) setKernelFix(KERNEL_FIXES[name], true);
  return kernelTuning();
}

/** One fix on or off, whatever the backend (tests compare a fix against the stock kernels). */
export function tuneKernel(name: KernelFixName, enabled: boolean): void {
  setKernelFix(KERNEL_FIXES[name], enabled);
}

/** The fixes installed now. */
export function kernelTuning(): KernelTuning {
  return Object.fromEntries(NAMES.map((name) => [name, kernelFixActive(KERNEL_FIXES[name])])) as KernelTuning;
}
