import type { MatMulResult, ProfileResult, TrainResult } from './plan';
/** The backend's best matMul speed: the large square product with its own kernels. */
export declare function peakGflops(m: MatMulResult | undefined): number | undefined;
/** The legend of trainTable's columns, printed above it. */
export declare const TRAIN_LEGEND: string[];
export declare function trainTable(rows: readonly TrainResult[], matmul: ReadonlyMap<string, MatMulResult>, machineGflops: number | undefined): string;
export declare function matMulTable(results: readonly MatMulResult[]): string;
export declare function profileTable(p: ProfileResult, top: number): string;
