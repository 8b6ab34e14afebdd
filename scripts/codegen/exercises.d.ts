import { ExerciseChapter } from '../../lib/coursework/exercises';
export declare function buildNotebook(chapter: ExerciseChapter, variant: 'student' | 'solution'): string;
export declare function notebookPath(root: string, chapter: string, variant: 'student' | 'solution'): string;
