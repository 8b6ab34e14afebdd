import type { BackendName } from '../../lib/backend/backend';
import type { MatMulCase } from './plan';
type CaseSpec = Pick<MatMulCase, 'label' | 'a' | 'b' | 'transposeA' | 'transposeB'>;
export declare const MATMUL_CASES: readonly CaseSpec[];
/** The label of the case whose speed the table calls the backend's matMul peak. */
export declare const PEAK_CASE: string;
/**
 * GFLOP/s of every case: the median of repeated products (at least 3, for at
 * least `minSeconds` per case and arm) after one untimed one. Where
 * tuneKernels('none') swaps the kernels tf.matMul runs, the stock and the
 * installed kernels alternate product by product, so that other work on the
 * machine slows both alike.
 */
export declare function measureMatMul(backend: BackendName, minSeconds: number): MatMulCase[];
export {};
