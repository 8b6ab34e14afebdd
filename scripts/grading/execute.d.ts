import { GradeConfig } from './config';
export declare const ROOT: string;
export declare const PYTHON: string;
export declare const EXECUTOR: string;
export interface CellReport {
    index: number;
    label?: string;
    status: 'ok' | 'error' | 'timeout' | 'memory' | 'dead-kernel' | 'skipped';
    ename?: string;
    evalue?: string;
    seconds?: number;
}
export interface RunOutcome {
    /** Executor exit code (0 ok, 1 a cell failed, 2 set-up problem), or null when the grader had to kill it. */
    code: number | null;
    stderr: string;
    cells: CellReport[];
    executed?: {
        cells: {
            outputs?: {
                output_type: string;
                name?: string;
                text?: string | string[];
            }[];
        }[];
    };
}
/** Runs the executor in its own process group; kills the whole group if it outlives its own limits. */
export declare function runExecutor(input: string, output: string, reportPath: string, cfg: GradeConfig): Promise<RunOutcome>;
export declare function streamText(o: {
    text?: string | string[];
}): string;
export declare function firstLine(s: string): string;
