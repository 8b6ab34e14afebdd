/**
 * The grader's configuration and its results (grade.ts, issues 5 and 14): what
 * a run is allowed (time, memory, parallelism, sandbox), which slice of the
 * class it grades, and what it reports per submission and per exercise.
 */
import * as path from 'path';
import type { CheckResult } from '../../lib/coursework/runner';
import type { Profile } from '../../lib/training/profile';

export type SandboxChoice = 'auto' | 'bwrap' | 'none';

/** A slice of the class: submission i (in sorted order) belongs to shard i mod count. `index` is 0-based. */
export interface Shard {
  index: number;
  count: number;
}

export interface GradeConfig {
  /** Where the per-submission JSON, the executed notebooks, class.json and the CSV go. */
  outDir: string;
  /** The class CSV (default <outDir>/class.csv). */
  csv: string;
  /** Seconds per cell. */
  timeout: number;
  /** Seconds per run of one notebook (every pass has its own). */
  totalTimeout: number;
  /** Memory limit of the kernel's process tree, MB. */
  memoryMb: number;
  /** Outputs kept per cell, MB: a cell that prints in a loop cannot grow the grader's executor without bound. */
  maxOutputMb: number;
  /** Processes and threads one sandboxed kernel may have (RLIMIT_NPROC in its user namespace): a fork bomb stops there. */
  maxProcesses: number;
  /** Submissions graded at the same time (each has its own kernel). */
  jobs: number;
  /** Force the chapter instead of reading it from the notebook. */
  chapter?: string;
  /** VAE_PROFILE for the kernel: 'quick' keeps training cells short. */
  profile: Profile;
  /** Print progress lines (off in tests that read the JSON). */
  print: boolean;
  /** 'auto': bubblewrap when it works here, else unsandboxed (said once, at the top of the report). */
  sandbox: SandboxChoice;
  /**
   * The seed the probes are drawn from (never sent to a kernel). Absent: a new
   * one for every run. Slices of one class must share it (grade.ts requires it with --shard).
   */
  seed?: number;
  /** VAE_BACKEND of the kernels; absent: per chapter (KERNEL_BACKEND). */
  backend?: string;
  /**
   * Type-check the cells as JupyterLab does (a type error fails its cell). Off by default: the kernels compile
   * cells without types (scripts/grading/graded-kernel.js), which takes about a sixth of the CPU, and answers are
   * graded by what they do.
   */
  typeCheck: boolean;
  /** Grade only this slice of the submissions. */
  shard?: Shard;
}

export const DEFAULT_GRADE_CONFIG: GradeConfig = {
  outDir: path.join('out', 'grades'),
  csv: '',
  timeout: 120,
  totalTimeout: 1200,
  memoryMb: 2048,
  maxOutputMb: 8,
  maxProcesses: 256,
  jobs: 2,
  profile: 'quick',
  print: true,
  sandbox: 'auto',
  typeCheck: false,
};

/**
 * The kernels' backend per chapter. The graded cells of most chapters do small
 * tensor maths, for which plain JavaScript starts in a fraction of the time and
 * memory of TensorFlow's native library; chapter 4's β sweep trains three
 * models, and chapter 8's debugged VAE trains one: they get the fastest backend there is. Scores do not depend on it: the
 * grader compares with tolerances that every backend meets.
 */
export const KERNEL_BACKEND: Record<string, string> = { '04-training': 'auto', '08-the-article': 'auto' };
export const DEFAULT_KERNEL_BACKEND = 'cpu';

export interface ExerciseGrade {
  id: string;
  title: string;
  points: number;
  maxPoints: number;
  /** 'graded': the answers were judged; 'not-graded': they could not be (see notes). */
  status: 'graded' | 'not-graded';
  passed?: number;
  total?: number;
  /** What went wrong, one line each. */
  notes: string[];
  cases?: CheckResult['cases'];
  /** The written part (exercises with one): the answer's text for the teacher, the rubric, its points (null until scored). */
  written?: { text: string; rubric: string[]; maxPoints: number; points: null };
}

export interface SubmissionGrade {
  /** Short name (file name without .ipynb), unique within the class (all slices). */
  name: string;
  file: string;
  chapter: string | null;
  score: number;
  maxScore: number;
  exercises: ExerciseGrade[];
  /** Problems with the notebook as a whole or with cells outside the answers, one line each. */
  problems: string[];
  /** Kernel runs it took (reruns drop killed cells). */
  passes: number;
  seconds: number;
}

/** What one run (or one slice) of the grader wrote to <outDir>/class.json; `grade merge` joins these. */
export interface ClassResult {
  /** 'grade-class/1': the format of this file. */
  format: string;
  /** The slice this run graded (absent: the whole class). */
  shard?: Shard;
  /** How many submissions the whole class has (all slices). */
  classSize: number;
  /** A fingerprint of the run's seed: slices of one class must show the same one. */
  seedFingerprint: string;
  /** 'bwrap', or 'none' with the reason. */
  sandbox: { mode: 'bwrap' | 'none'; why?: string };
  grades: (SubmissionGrade & { order: number })[];
}

export const CLASS_FORMAT = 'grade-class/1';
