export interface MachineReference {
    /** numpy's BLAS, e.g. 'scipy-openblas 0.3.31'. */
    blas: string;
    /** GFLOP/s of the 1024³ float32 product, by thread count (median of 20). */
    gflopsByThreads: Record<string, number>;
}
export declare function machineReference(): MachineReference | string;
