import { GradeConfig, SubmissionGrade } from './config';
export declare function formatTable(grades: SubmissionGrade[]): string;
export declare function classCsv(grades: SubmissionGrade[]): string;
export declare function gradeClass(files: string[], cfg: GradeConfig): Promise<SubmissionGrade[]>;
