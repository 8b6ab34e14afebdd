export interface KernelTimer {
    /** Accumulated self time (ms) and calls per kernel name since install. */
    totals(): Map<string, {
        ms: number;
        calls: number;
    }>;
}
/**
 * Wraps every kernel registered for `backend`. `byShape`: keep the totals per
 * kernel and input shapes ('Conv2D 128×14×14×32 · 3×3×32×64') instead of per kernel.
 */
export declare function installKernelTimer(backend: string, byShape?: boolean): KernelTimer;
