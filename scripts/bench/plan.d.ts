/**
 * What `npm run bench` runs and what each run reports: the tasks the parent
 * hands to a child process (one backend, one model, one task per process, so
 * peak memory and the kernel registry belong to that configuration alone),
 * the results the child sends back, and the default step counts.
 */
import type { BackendName } from '../../lib/backend/backend';
export declare const BACKENDS: readonly BackendName[];
export declare const MODELS: readonly ["dense", "conv"];
export type ModelName = (typeof MODELS)[number];
/** Steps of one timed configuration. */
export interface StepPlan {
    /** Steps trained before timing starts (kernel set-up, Adam's slots, JIT). At least 1. */
    warmup: number;
    /** Steps per timed run. */
    steps: number;
    /** Timed runs, back to back in the same training call; the table shows their median, min and max. */
    runs: number;
}
/**
 * Defaults, chosen so that one `npm run bench` takes minutes on the reference
 * machine: wasm trains the dense VAE at a few thousand samples/s, cpu at a few
 * hundred, and the conv VAE is ten times slower again. The cpu conv step takes
 * about 7 s there (43 s with the stock cpu filter gradient, `--stock`), so it
 * runs one step per timed run; `slow` marks a configuration that runs only
 * when asked for (none today).
 */
export declare function defaultPlan(backend: BackendName, model: ModelName): StepPlan & {
    slow: boolean;
};
/** Warm-up and profiled steps of `--profile`. */
export declare function defaultProfilePlan(backend: BackendName, model: ModelName): {
    warmup: number;
    steps: number;
    slow: boolean;
};
export declare const BATCH_SIZE = 128;
export declare const SEED = 0;
export type Task = {
    kind: 'train';
    backend: BackendName;
    model: ModelName;
    plan: StepPlan;
} | {
    kind: 'matmul';
    backend: BackendName;
    minSeconds: number;
} | {
    kind: 'profile';
    backend: BackendName;
    model: ModelName;
    warmup: number;
    steps: number;
    byShape: boolean;
};
/** The backend as initBackend reported it, and the kernel replacements it installed. */
export interface BackendReport {
    name: BackendName;
    /** The name in the tables: the backend, with ×N when it runs on N threads (wasm's threaded build, libtensorflow's intra-op pool). */
    label: string;
    description: string;
    kernelTuning: Record<string, boolean>;
}
/** Median, min and max of a few numbers. */
export interface Spread {
    median: number;
    min: number;
    max: number;
}
export interface TrainResult {
    kind: 'train';
    backend: BackendReport;
    model: ModelName;
    plan: StepPlan;
    batchSize: number;
    /** Per timed run: mean wall ms per step, samples/s, and the process's CPU time over wall time. */
    runs: {
        msPerStep: number;
        samplesPerSecond: number;
        cpuShare: number;
        samplesPerCpuSecond: number;
    }[];
    samplesPerSecond: Spread;
    msPerStep: Spread;
    /** Wall ms of every timed step, in order. */
    stepMs: number[];
    /** FLOPs per example of one training step (lib/model/flops.ts). */
    flopsPerSample: {
        forward: number;
        backward: number;
        total: number;
    };
    /** Training loss of the first and the last step (the model did learn: the second is lower). */
    loss: {
        first: number;
        last: number;
    };
    /** Peak resident set size of the child process (process.resourceUsage().maxRSS). */
    maxRssBytes: number;
    /** Largest tf.memory().numBytes seen between steps (weights, Adam's moments; a step's temporaries are freed by then). */
    tfBytesBetweenSteps: number;
    /** Tensors alive after training minus before (0: no leak). */
    leakedTensors: number;
    loadAverage: {
        start: number;
        end: number;
    };
    seconds: number;
}
export interface MatMulCase {
    label: string;
    /** Operand shapes as passed to tf.matMul, with the transpose flags. */
    a: [number, number];
    b: [number, number];
    transposeA: boolean;
    transposeB: boolean;
    flops: number;
    /** GFLOP/s with the kernels initBackend installed (median over repetitions, wall time). */
    tuned: number;
    /** The same per CPU-second of this process (other work on the machine does not lower it; threads raise it). */
    tunedPerCpuSecond: number;
    /** GFLOP/s with the stock kernels (tuneKernels('none')); absent when that leaves tf.matMul's kernels as they are. */
    stock?: number;
}
export interface MatMulResult {
    kind: 'matmul';
    backend: BackendReport;
    cases: MatMulCase[];
    maxRssBytes: number;
}
export interface KernelTime {
    name: string;
    /** Calls per step. */
    calls: number;
    /** Wall ms per step spent in this kernel itself (kernels it calls through the engine are counted apart). */
    ms: number;
}
export interface ProfileResult {
    kind: 'profile';
    backend: BackendReport;
    model: ModelName;
    warmup: number;
    steps: number;
    /** Mean wall ms of a profiled step (the timers are on). */
    stepMs: number;
    /** CPU time of the process over wall time in the profiled steps (under 1: it waited for a core). */
    cpuShare: number;
    /** Kernels are keyed by name and input shapes. */
    byShape: boolean;
    /** Sum of the kernels' own times per step; stepMs minus this is dispatch, the gradient tape and JavaScript. */
    kernelMs: number;
    kernels: KernelTime[];
}
/** A child that could not run its task: the backend is missing, or it failed. */
export interface Unavailable {
    kind: 'unavailable' | 'failed';
    backend: BackendName;
    reason: string;
}
export type Result = TrainResult | MatMulResult | ProfileResult | Unavailable;
/** The child prints its result on one stdout line that starts with this (tfjs may print banners of its own). */
export declare const RESULT_TAG = "BENCH_RESULT ";
