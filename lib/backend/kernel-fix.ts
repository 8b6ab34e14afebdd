/**
 * The one mechanism behind every kernel fix: a fix is declared as data (which
 * backends it is for, which kernels or gradients it replaces, and why), and
 * `setKernelFix` installs or restores it. lib/backend/kernels.ts lists the fixes and
 * chooses them per backend; docs/speed.md has the measurements.
 *
 * TF.js keeps kernels in a registry keyed by (kernel name, backend) that
 * outlives a backend switch, and gradients in one global registry, so a fix
 * saves what it replaced and puts exactly that back.
 */
import * as tf from '@tensorflow/tfjs';

/** The backends the library selects: Node's tensorflow, wasm and cpu; in a browser also webgl. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl';

type KernelConfig = tf.KernelConfig;
export type KernelFunc = KernelConfig['kernelFunc'];
export type GradConfig = tf.GradConfig;

/** One kernel of one backend, replaced or added. */
export interface KernelReplacement {
  kernelName: string;
  backendName: BackendName;
  /**
   * The new kernel, given the stock one (which it may call for cases it hands
   * back). Not installed when the backend has no such kernel, e.g. tfjs-node's
   * kernels before tfjs-node has loaded.
   */
  replace?: (stock: KernelFunc) => KernelFunc;
  /** A kernel the backend does not have at all (the fused Adam update). */
  add?: KernelFunc;
}

/** One entry of the global gradient registry, replaced. */
export interface GradientReplacement {
  kernelName: string;
  /** The new gradient, given the stock one. */
  replace: (stock: GradConfig) => GradConfig;
}

export interface KernelFix {
  /** The backends `tuneKernels` installs it on. */
  backends: readonly BackendName[];
  /** What it does and the measurement that justifies it (with the command behind it). */
  why: string;
  kernels?: readonly KernelReplacement[];
  gradients?: readonly GradientReplacement[];
}

interface Installed {
  kernels: { kernelName: string; backendName: string; stock: KernelConfig | undefined }[];
  gradients: GradConfig[];
}

const installed = new Map<KernelFix, Installed>();

/**
 * Install (true) or restore (false) one fix. Idempotent. A fix none of whose
 * kernels exist yet (its backend not loaded) stays uninstalled.
 */
export function setKernelFix(fix: KernelFix, enabled: boolean): void {
  if (enabled === installed.has(fix)) return;
  if (!enabled) {
    const record = installed.get(fix)!;
    for (const { kernelName, backendName, stock } of record.kernels) {
      tf.unregisterKernel(kernelName, backendName);
      if (stock) tf.registerKernel(stock);
    }
    for (const stock of record.gradients) tf.registerGradient(stock);
    installed.delete(fix);
    return;
  }
  const record: Installed = { kernels: [], gradients: [] };
  for (const k of fix.kernels ?? []) {
    const stock = tf.getKernel(k.kernelName, k.backendName);
    const kernelFunc = k.add ?? (stock && k.replace ? k.replace(stock.kernelFunc) : undefined);
    if (!kernelFunc) continue;
    if (stock) tf.unregisterKernel(k.kernelName, k.backendName);
    // Keep the stock config's setupFunc / disposeFunc: wasm kernels bind their C functions there.
    tf.registerKernel({ ...stock, kernelName: k.kernelName, backendName: k.backendName, kernelFunc });
    record.kernels.push({ kernelName: k.kernelName, backendName: k.backendName, stock });
  }
  for (const g of fix.gradients ?? []) {
    const stock = tf.getGradient(g.kernelName);
    if (!stock) throw new Error(`setKernelFix: TF.js registered no gradient for ${g.kernelName}`);
    tf.registerGradient(g.replace(stock));
    record.gradients.push(stock);
  }
  if (record.kernels.length + record.gradients.length > 0) installed.set(fix, record);
}

/** Whether the fix is installed now. */
export function kernelFixActive(fix: KernelFix): boolean {
  return installed.has(fix);
}
