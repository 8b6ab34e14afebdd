/**
 * Calling wasm kernels from inside a kernel: the kernels of lib/backend/wasm/ that are built from others
 * (a transposed convolution as a Conv2D, the filter gradient as a dilated Conv2D) run them on tensor infos, keep the
 * temporaries they make, and free them when done.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '../kernel-fix';

/** What a kernel receives and returns: a tensor's data id, shape and dtype. */
export interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface WasmLike {
  disposeData(dataId: object): void;
}

export interface KernelCalls {
  /** Runs the wasm kernel `name` on `inputs` with `attrs`; the caller owns the result. */
  run(name: string, inputs: Record<string, Info>, attrs: Record<string, unknown>): Info;
  /** Marks a result of `run` as temporary: `release` frees it. */
  keep(t: Info): Info;
  /** Frees a result `run` made (e.g. an output that failed its shape check). */
  free(t: Info): void;
  /** Frees every temporary. */
  release(): void;
}

/** The wasm kernels, callable from the kernel that received `args`, with its temporaries tracked. */
export function kernelCalls(args: Parameters<KernelFunc>[0], who: string): KernelCalls {
  const backend = args.backend as unknown as WasmLike;
  const temps: Info[] = [];
  return {
    run(name, inputs, attrs) {
      const k = tf.getKernel(name, 'wasm');
      if (!k) throw new Error(`${who}: the wasm backend has no ${name} kernel`);
      return k.kernelFunc({ inputs: inputs as never, backend: args.backend, attrs: attrs as never }) as unknown as Info;
    },
    keep(t) {
      temps.push(t);
      return t;
    },
    free(t) {
      backend.disposeData(t.dataId);
    },
    release() {
      for (const t of temps) backend.disposeData(t.dataId);
      temps.length = 0;
    },
  };
}
