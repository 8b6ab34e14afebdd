/**
 * One grading run (issue 14): what every submission of the run shares and no
 * kernel sees — the seed the probes are drawn from, the plans (probes and
 * judges) per chapter, the views of the project per chapter, the sandbox, and
 * the grader's own β-sweep models — and, per submission, a kernel of its own.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../lib/backend/backend';
import { planExercise } from '../../lib/coursework/check';
import { BETA_SWEEP, exercisesOf } from '../../lib/coursework/exercises';
import type { SweepRow } from '../../lib/coursework/protocol';
import type { Probe as SweepProbe } from '../../lib/coursework/exercises/beta-sweep';
import type { CheckPlan } from '../../lib/coursework/runner';
import { Rng } from '../../lib/model/random';
import { DEFAULT_KERNEL_BACKEND, GradeConfig, KERNEL_BACKEND } from './config';
import { KernelChoice, ROOT } from './execute';
import { referenceSweep } from './reference';
import { SandboxProbe, probeSandbox, reachableBySandbox, shareWithSandbox, writeKernelSpec } from './sandbox';
import { writeView } from './view';
import { MODEL_SCORE_SECONDS, scoreModelFolder } from './model-folder';
import type { Answer, Schema } from '../../lib/coursework/protocol';

/** A seed for one exercise, from the run's: its probes do not depend on which other exercises are asked. */
function exerciseSeed(seed: number, id: string): number {
  return crypto.createHash('sha256').update(`${seed}:${id}`).digest().readUInt32LE(0);
}

/** What identifies the run's seed in reports without revealing it. */
export function seedFingerprint(seed: number): string {
  return crypto.createHash('sha256').update(`grade-seed:${seed}`).digest('hex').slice(0, 12);
}

/** A kernel for one submission: its spec and the folders it may use. */
export interface SubmissionKernel {
  kernel: KernelChoice;
  /** Removes the submission's folders. */
  dispose(): void;
}

export class GradingRun {
  readonly fingerprint: string;
  private readonly plans = new Map<string, Map<string, CheckPlan>>();
  private readonly views = new Map<string, string>();
  private readonly references = new Map<string, Promise<SweepRow[]>>();
  private kernels = 0;
  private modules: string | undefined;

  private constructor(
    readonly cfg: GradeConfig,
    private readonly seed: number,
    readonly sandbox: SandboxProbe,
    private readonly dir: string,
  ) {
    this.fingerprint = seedFingerprint(seed);
  }

  /**
   * Starts a run: the grader's own tf backend, the sandbox decision, a private
   * folder. The grader judges small tensors, which plain JavaScript does at once;
   * it trains only for chapter 4's β sweep (`training`), and then takes the
   * fastest backend there is. VAE_BACKEND, when set, decides.
   */
  static async start(cfg: GradeConfig, opts: { training?: boolean } = {}): Promise<GradingRun> {
    // TensorFlow's native library logs its CPU features at start-up; a grader's report is not the place.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    await initBackend((process.env.VAE_BACKEND ?? '').trim() ? {} : { backend: opts.training ? 'auto' : 'cpu' });
    const seed = cfg.seed ?? crypto.randomInt(1, 2 ** 31);
    let sandbox: SandboxProbe;
    if (cfg.sandbox === 'none') sandbox = { mode: 'none', why: '--sandbox none' };
    else {
      sandbox = probeSandbox();
      if (cfg.sandbox === 'bwrap' && sandbox.mode !== 'bwrap') throw new Error(`--sandbox bwrap: ${sandbox.why}`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-run-'));
    // A root grader runs the sandboxed kernels as an unprivileged user (scripts/grading/sandbox.ts), who reads the views here.
    if (sandbox.mode === 'bwrap') shareWithSandbox(dir);
    return new GradingRun(cfg, seed, sandbox, dir);
  }

  /** The plans of a chapter's exercises: drawn once per run, the same for every submission. */
  plansOf(chapter: string): Map<string, CheckPlan> {
    let p = this.plans.get(chapter);
    if (!p) {
      p = new Map(exercisesOf(chapter).map((s) => [s.id, planExercise(s.id, new Rng(exerciseSeed(this.seed, s.id)), { epochs: BETA_SWEEP.epochs[this.cfg.profile] })]));
      this.plans.set(chapter, p);
    }
    return p;
  }

  /** The grader's own rows for a β-sweep probe (trained once per run and probe). */
  reference(probe: SweepProbe): Promise<SweepRow[]> {
    const key = JSON.stringify(probe);
    let r = this.references.get(key);
    if (!r) {
      r = referenceSweep(probe.betas, probe.epochs, this.cfg.profile);
      this.references.set(key, r);
    }
    return r;
  }

  /** node_modules as the kernels get it: the project's own, or a linked copy a root grader's sandbox user can reach. */
  private nodeModules(): string {
    const own = path.join(ROOT, 'node_modules');
    this.modules ??= this.sandbox.mode === 'bwrap' ? reachableBySandbox(own, this.dir) : own;
    return this.modules;
  }

  private view(chapter: string): string {
    let v = this.views.get(chapter);
    if (!v) {
      v = path.join(this.dir, 'views', chapter);
      writeView(ROOT, chapter, v);
      this.views.set(chapter, v);
    }
    return v;
  }

  /**
   * A kernel of its own for one submission: a scratch folder (the sandbox's
   * only writable one), and a kernel spec. Sandboxed, the chapter's view is
   * shared read-only; without a sandbox the submission gets a copy of it.
   */
  kernelFor(chapter: string): SubmissionKernel {
    const view = this.view(chapter);
    // Short folder names: the kernel's Unix sockets live in the scratch folder (at most 107 bytes a path).
    const sub = path.join(this.dir, `k${++this.kernels}`);
    const scratch = path.join(sub, 'tmp');
    const dataDir = path.join(sub, 'jupyter');
    fs.mkdirSync(scratch, { recursive: true });
    if (this.sandbox.mode === 'bwrap') shareWithSandbox(scratch, true);
    let cwd = view;
    if (this.sandbox.mode === 'none') {
      cwd = path.join(sub, 'vae');
      fs.cpSync(view, cwd, { recursive: true });
      fs.rmdirSync(path.join(cwd, 'node_modules'));
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(cwd, 'node_modules'), 'dir');
    }
    writeKernelSpec(dataDir, 'vae-graded', this.sandbox.mode, {
      view: cwd,
      nodeModules: this.nodeModules(),
      scratch,
      bwrap: this.sandbox.bwrap,
      wrapper: this.sandbox.wrapper,
      maxProcesses: this.cfg.maxProcesses,
    });
    const backend = this.cfg.backend ?? KERNEL_BACKEND[chapter] ?? DEFAULT_KERNEL_BACKEND;
    return {
      kernel: { name: 'vae-graded', dataDir, cwd, backend },
      dispose: () => fs.rmSync(sub, { recursive: true, force: true }),
    };
  }

  /**
   * The score of the model folder beside `notebook` (the capstone): in a process of its own, sandboxed like a
   * kernel, with the chapter's view, a scratch folder of its own, the kernel's memory and process limits and
   * MODEL_SCORE_SECONDS (or --timeout, when longer).
   */
  async scoreModel(notebook: string, chapter: string, schema: Schema): Promise<Answer> {
    const view = this.view(chapter);
    const scratch = path.join(this.dir, `m${++this.kernels}`);
    fs.mkdirSync(scratch, { recursive: true });
    try {
      return await scoreModelFolder(notebook, {
        view,
        nodeModules: this.nodeModules(),
        scratch,
        sandbox: this.sandbox,
        timeoutSeconds: Math.max(this.cfg.timeout, MODEL_SCORE_SECONDS),
        memoryMb: this.cfg.memoryMb,
        maxProcesses: this.cfg.maxProcesses,
        schema,
      });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  close(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
