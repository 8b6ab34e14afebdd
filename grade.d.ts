import { GradeConfig } from './scripts/grading/config';
export { DEFAULT_GRADE_CONFIG } from './scripts/grading/config';
export type { ExerciseGrade, GradeConfig, SubmissionGrade } from './scripts/grading/config';
export { buildGradedNotebook, detectChapter, readSubmission } from './scripts/grading/notebook';
export { gradeSubmission } from './scripts/grading/submission';
export { classCsv, formatTable, gradeClass } from './scripts/grading/report';
export declare function parseArgs(argv: string[]): {
    files: string[];
    cfg: GradeConfig;
};
