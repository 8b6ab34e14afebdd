import { ExerciseSpec } from '../../lib/coursework/exercises';
export interface RawCell {
    cell_type: string;
    source: string;
    metadata: Record<string, unknown>;
}
/** The cells of a submission, or the reason it is not a notebook. */
export declare function readSubmission(text: string): {
    cells: RawCell[];
    metadata: Record<string, unknown>;
} | {
    error: string;
};
/** The exercise id an answer cell declares, if any. */
export declare function answerId(cell: RawCell): string | undefined;
/** The chapter: --chapter, the notebook's coursework metadata, the answer ids, or the file name. */
export declare function detectChapter(file: string, cells: RawCell[] | undefined, metadata: Record<string, unknown> | undefined, forced?: string): string | null;
export interface GradedNotebook {
    json: string;
    /** 1-based index of each exercise's check cell in the graded notebook. */
    checkCells: Map<string, number>;
    /** Number of the student's cells (they keep their numbers 1…n). */
    studentCells: number;
}
/**
 * The student's cells (outputs dropped; cells in `dropped` replaced by a
 * comment so numbering stays), then one check cell per exercise.
 */
export declare function buildGradedNotebook(cells: RawCell[], specs: ExerciseSpec[], marker: string, dropped: Map<number, string>, skipChecks: Set<string>): GradedNotebook;
