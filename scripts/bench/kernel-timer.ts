/**
 * Where a training step's time goes, kernel by kernel: every kernel
 * registered for the backend is wrapped with a wall-clock timer. Kernels on
 * wasm, cpu and tfjs-node run synchronously, so the time inside the call is
 * the kernel's real time (tf.profile's kernelTimeMs is the same measurement,
 * but it also snapshots memory and shapes per kernel and counts a kernel
 * that calls others through the engine twice). A kernel that runs another
 * one through the engine is charged only its own time (self time); one that
 * calls another's function directly (the wasm matMul fix calls Transpose so)
 * is charged for both.
 *
 * Install after initBackend (it wraps whatever is registered then, the
 * library's kernel fixes included) and in a process of its own: it does not
 * restore the registry.
 */
import * as tf from '@tensorflow/tfjs';

type KernelConfig = Parameters<typeof tf.registerKernel>[0];

export interface KernelTimer {
  /** Accumulated self time (ms) and calls per kernel name since install. */
  totals(): Map<string, { ms: number; calls: number }>;
}

/** 'BatchMatMul 128×784ᵀ · 128×400': the kernel with its input shapes and transpose flags. */
function shapeKey(name: string, args: Parameters<KernelConfig['kernelFunc']>[0]): string {
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const inputs = Object.entries(args.inputs as unknown as Record<string, { shape: number[] } | undefined>);
  const shapes = inputs
    .filter(([, t]) => t !== undefined && t !== null)
    .map(([k, t]) => {
      const flag = (k === 'a' && attrs.transposeA) || (k === 'b' && attrs.transposeB) ? 'ᵀ' : '';
      return `${t!.shape.join('×') || 'scalar'}${flag}`;
    });
  return `${name} ${shapes.join(' · ')}`;
}

/**
 * Wraps every kernel registered for `backend`. `byShape`: keep the totals per
 * kernel and input shapes ('Conv2D 128×14×14×32 · 3×3×32×64') instead of per kernel.
 */
export function installKernelTimer(backend: string, byShape = false): KernelTimer {
  const totals = new Map<string, { ms: number; calls: number }>();
  // Time spent in kernels called from inside the running one, per open call.
  const childMs: number[] = [];
  for (const cfg of tf.getKernelsForBackend(backend)) {
    const inner = cfg.kernelFunc;
    const name = cfg.kernelName;
    const timed: KernelConfig['kernelFunc'] = (args) => {
      const t0 = performance.now();
      childMs.push(0);
      try {
        return inner(args);
      } finally {
        const ms = performance.now() - t0;
        const nested = childMs.pop() ?? 0;
        if (childMs.length > 0) childMs[childMs.length - 1] += ms;
        const key = byShape ? shapeKey(name, args) : name;
        const t = totals.get(key) ?? { ms: 0, calls: 0 };
        t.ms += ms - nested;
        t.calls += 1;
        totals.set(key, t);
      }
    };
    tf.unregisterKernel(name, backend);
    tf.registerKernel({ ...cfg, kernelFunc: timed });
  }
  return { totals: () => new Map([...totals].map(([k, v]) => [k, { ...v }])) };
}
