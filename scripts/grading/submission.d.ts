import { GradeConfig, SubmissionGrade } from './config';
export declare function gradeSubmission(file: string, name: string, cfg: GradeConfig): Promise<SubmissionGrade>;
