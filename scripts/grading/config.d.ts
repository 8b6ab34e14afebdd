import type { CheckResult } from '../../lib/coursework/runner';
import type { Profile } from '../../lib/training/profile';
export interface GradeConfig {
    /** Where the per-submission JSON and executed notebooks go. */
    outDir: string;
    /** The class CSV (default <outDir>/class.csv). */
    csv: string;
    /** Seconds per cell. */
    timeout: number;
    /** Seconds per run of one notebook (every pass has its own). */
    totalTimeout: number;
    /** Memory limit of the kernel's process tree, MB. */
    memoryMb: number;
    /** Submissions graded at the same time (each has its own kernel). */
    jobs: number;
    /** Force the chapter instead of reading it from the notebook. */
    chapter?: string;
    /** VAE_PROFILE for the kernel: 'quick' keeps training cells short. */
    profile: Profile;
    /** Print the table (off in tests that read the JSON). */
    print: boolean;
}
export declare const DEFAULT_GRADE_CONFIG: GradeConfig;
export interface ExerciseGrade {
    id: string;
    title: string;
    points: number;
    maxPoints: number;
    /** 'graded': the check ran; 'not-graded': it could not (see notes). */
    status: 'graded' | 'not-graded';
    passed?: number;
    total?: number;
    /** What went wrong, one line each. */
    notes: string[];
    cases?: CheckResult['cases'];
}
export interface SubmissionGrade {
    /** Short name (file name without .ipynb), unique within the run. */
    name: string;
    file: string;
    chapter: string | null;
    score: number;
    maxScore: number;
    exercises: ExerciseGrade[];
    /** Problems with the notebook as a whole or with cells outside the checks, one line each. */
    problems: string[];
    /** Kernel runs it took (reruns drop killed cells). */
    passes: number;
    seconds: number;
}
