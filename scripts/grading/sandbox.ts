/**
 * Where a graded kernel runs (issue 14): in a bubblewrap sandbox when `bwrap`
 * works here, else as a plain process in a folder of its own, and the Jupyter
 * kernel spec that starts it (the executor, scripts/jupyter/execute_notebook.py,
 * finds it through JUPYTER_DATA_DIR).
 *
 * Sandboxed, the kernel sees: /usr (programs and libraries), the dynamic loader's
 * configuration from /etc, the view of the project (scripts/grading/view.ts) at
 * /vae, read-only, with node_modules read-only inside it, a /tmp of its own (a
 * 256 MB tmpfs, also its HOME), and /run/vae, the one folder shared with the
 * outside, for the Unix sockets scripts/grading/sandbox-kernel.js relays to. No
 * network (a network namespace of its own), no other process (a PID namespace),
 * no capabilities, no further user namespaces, a new session (no terminal to
 * inject into); the executor's time and memory limits still apply, and the
 * sandbox dies with it.
 * Not visible: the project itself (exercises/solutions, notebooks, .git, .cache),
 * the grader's output folder, the other submissions, the rest of /etc and $HOME.
 *
 * Processes are bounded per kernel: the kernel starts under RLIMIT_NPROC (`prlimit`
 * inside the sandbox, after bwrap made the user namespace). The kernel counts that
 * limit per user namespace and user, so it bounds this kernel's processes and
 * threads only, not the grader's nor the other kernels'. It does not bind user 0, so
 * a grader running as root starts bwrap as an unprivileged user of its own
 * (SANDBOX_UID, through `setpriv`), and the folders the kernel reads or writes are
 * made readable or writable by it. When the kernel dies, so does its PID namespace
 * with every process in it, detached or not. That user must also reach node_modules:
 * a project under a folder it cannot enter (/root, a 0700 temporary folder) gets a
 * hard-linked copy of node_modules in the run's folder (`reachableBySandbox`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type SandboxMode = 'bwrap' | 'none';

/** Where the view of the project is inside the sandbox. */
export const INSIDE_ROOT = '/vae';
/** Where the kernel's Unix sockets and connection file are inside the sandbox (a folder the relay outside sees too). */
export const INSIDE_SCRATCH = '/run/vae';
/** The size of the sandbox's /tmp (a tmpfs; HOME too). */
export const TMP_BYTES = 256 * 1024 * 1024;
/** Environment variables the sandboxed kernel keeps (everything else is cleared). */
export const KERNEL_ENV = ['VAE_PROFILE', 'VAE_QUIET', 'VAE_BACKEND', 'TF_CPP_MIN_LOG_LEVEL', 'VAE_NOTEBOOK_DIR'];

const LAUNCHER = path.join(__dirname, 'sandbox-kernel.js');

/**
 * The user a root grader runs the sandboxed kernels as (RLIMIT_NPROC does not bind user 0): `nobody`. Its count
 * is kept per user namespace, so the kernels do not share one budget with each other or with nobody's other
 * processes.
 */
export const SANDBOX_UID = 65534;

/** Processes and threads one kernel may have (a tslab kernel uses about 15; tfjs-node adds a thread per core). */
export const DEFAULT_MAX_PROCESSES = 256;

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** /bin, /lib, /lib64, /sbin: a symlink into /usr on merged-/usr systems (bound as such), else a folder bound read-only. */
function systemBinds(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const d of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(d);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(d), d);
    else if (st.isDirectory()) args.push('--ro-bind', d, d);
  }
  for (const f of ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime']) {
    if (fs.existsSync(f)) args.push('--ro-bind', f, f);
  }
  // Node itself, when it is not under /usr (nvm, a tarball in /opt).
  const nodeDir = path.dirname(fs.realpathSync(process.execPath));
  if (!nodeDir.startsWith('/usr/')) args.push('--ro-bind', path.dirname(nodeDir), path.dirname(nodeDir));
  return args;
}

/** The bwrap options for one kernel: the view at /vae, node_modules inside it, `scratch` (the sockets) at /run/vae, a small /tmp. */
export function bwrapArgs(view: string, nodeModules: string, scratch: string): string[] {
  return [
    '--unshare-all',
    // --unshare-all only tries a user namespace; --disable-userns needs one for sure.
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    ...systemBinds(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--ro-bind',
    view,
    INSIDE_ROOT,
    '--ro-bind',
    nodeModules,
    `${INSIDE_ROOT}/node_modules`,
    '--size',
    String(TMP_BYTES),
    '--tmpfs',
    '/tmp',
    '--bind',
    scratch,
    INSIDE_SCRATCH,
    '--chdir',
    INSIDE_ROOT,
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/local/bin:/usr/bin:/bin',
    '--setenv',
    'HOME',
    '/tmp',
    '--setenv',
    'LANG',
    'C.UTF-8',
  ];
}

/** Whether the grader runs as root, whose kernels run as SANDBOX_UID (RLIMIT_NPROC does not bind user 0). */
function graderIsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * What runs bwrap: nothing more for a grader that is not root; for root, `setpriv` as SANDBOX_UID without
 * capabilities or supplementary groups. Undefined when root has no setpriv (util-linux).
 */
export function unprivileged(): string[] | undefined {
  if (!graderIsRoot()) return [];
  const setpriv = findOnPath('setpriv');
  if (!setpriv) return undefined;
  return [setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', '--inh-caps=-all'];
}

/** Inside the sandbox, before the kernel: its limit on processes and threads. */
export function processLimit(max: number): string[] {
  return ['/usr/bin/prlimit', `--nproc=${max}:${max}`];
}

/** Lets SANDBOX_UID reach `dir` (read and search) when the grader is root; `write` also makes it its owner. */
export function shareWithSandbox(dir: string, write = false): void {
  if (!graderIsRoot()) return;
  if (write) fs.chownSync(dir, SANDBOX_UID, SANDBOX_UID);
  else fs.chmodSync(dir, 0o755);
}

/** The first folder from `/` down to `dir` that SANDBOX_UID may not enter (search permission), or undefined. */
export function blockedForSandbox(dir: string): string | undefined {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const d = path.sep + parts.slice(0, i).join(path.sep);
    const st = fs.statSync(d);
    const search = st.uid === SANDBOX_UID ? st.mode & 0o100 : st.gid === SANDBOX_UID ? st.mode & 0o010 : st.mode & 0o001;
    if (!search) return d;
  }
  return undefined;
}

/** A hard-linked copy of the tree `from` at `to` (folders made, files linked, links copied as links). */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { mode: 0o755 });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) linkTree(a, b);
    else if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(a), b);
    else fs.linkSync(a, b);
  }
}

/**
 * `dir` itself when a root grader's sandbox user can reach it (and always for another grader); otherwise a
 * hard-linked copy of it inside `runDir` (a folder it can reach), made once per run: bwrap binds its sources
 * as that user, and a folder above the project it may not enter would stop every kernel. Throws, naming the
 * folder and the way out, when no copy can be linked (another file system).
 */
export function reachableBySandbox(dir: string, runDir: string): string {
  if (!graderIsRoot()) return dir;
  const blocked = blockedForSandbox(dir);
  if (!blocked) return dir;
  const copy = path.join(runDir, path.basename(dir));
  try {
    if (!fs.existsSync(copy)) linkTree(dir, copy);
  } catch (e) {
    fs.rmSync(copy, { recursive: true, force: true });
    throw new Error(
      `the sandbox user (uid ${SANDBOX_UID}) cannot enter ${blocked}, above ${dir}, and a hard-linked copy in ${runDir} failed ` +
        `(${(e as Error).message}); let it through (chmod o+x ${blocked}), move the project, or grade as a normal user`,
    );
  }
  return copy;
}

export interface SandboxProbe {
  mode: SandboxMode;
  bwrap?: string;
  /** The command prefix that starts bwrap (setpriv for a root grader). */
  wrapper?: string[];
  why?: string;
}

let probed: SandboxProbe | undefined;

/**
 * Whether bubblewrap can sandbox a kernel here: `bwrap` on the PATH, and a
 * trial run with the kernel's options (user and network namespaces can be
 * switched off, e.g. in some containers). Asked once per process.
 */
export function probeSandbox(): SandboxProbe {
  if (probed) return probed;
  const bwrap = findOnPath('bwrap');
  if (!bwrap) {
    probed = { mode: 'none', why: 'bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)' };
    return probed;
  }
  const wrapper = unprivileged();
  if (!wrapper) {
    probed = { mode: 'none', why: 'the grader runs as root and setpriv (util-linux) is missing: it is needed to run the kernels as an unprivileged user, whose processes a limit can bound' };
    return probed;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-probe-'));
  fs.mkdirSync(path.join(tmp, 'node_modules'));
  shareWithSandbox(tmp);
  const first = (r: ReturnType<typeof spawnSync>) => (String(r.stderr ?? '') || r.error?.message || `exit code ${r.status}`).trim().split('\n')[0];
  try {
    const run = (inside: string[]) => spawnSync(wrapper[0] ?? bwrap, [...wrapper.slice(1), ...(wrapper.length ? [bwrap] : []), ...bwrapArgs(tmp, tmp, tmp), ...inside], { encoding: 'utf8', timeout: 30_000 });
    const r = run([...processLimit(64), process.execPath, '-e', 'process.exit(require("os").networkInterfaces().eth0 ? 3 : 0)']);
    if (r.status !== 0) probed = { mode: 'none', why: `bwrap is installed but cannot make the sandbox here: ${first(r)}` };
    else {
      // 40 processes under a limit of 16: the shell must fail to fork (else the limit does not hold here).
      const bomb = run([...processLimit(16), '/bin/sh', '-c', 'i=0; while [ $i -lt 40 ]; do sleep 1 & i=$((i+1)); done; wait']);
      if (bomb.status === 0) probed = { mode: 'none', why: 'bwrap works, but a limit on the number of processes does not hold in it here (RLIMIT_NPROC)' };
      else probed = { mode: 'bwrap', bwrap, wrapper };
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return probed;
}

/**
 * Writes a kernel spec named `name` into `dataDir`/kernels: the sandboxed
 * launcher (sandbox-kernel.js with its configuration next to the spec) or, without
 * a sandbox, tslab started from the view. Returns the spec's folder.
 */
export function writeKernelSpec(
  dataDir: string,
  name: string,
  mode: SandboxMode,
  opts: { view: string; nodeModules: string; scratch: string; bwrap?: string; wrapper?: string[]; maxProcesses?: number; typeCheck?: boolean },
): string {
  const dir = path.join(dataDir, 'kernels', name);
  // The kernel's start script in the view: tslab as JupyterLab runs it, or compiling cells without types (the default).
  const start = opts.typeCheck ? ['scripts', 'jupyter', 'tslab-kernel.js'] : ['scripts', 'grading', 'graded-kernel.js'];
  fs.mkdirSync(dir, { recursive: true });
  let argv: string[];
  if (mode === 'bwrap') {
    const config = {
      wrapper: opts.wrapper ?? [],
      bwrap: opts.bwrap ?? 'bwrap',
      args: bwrapArgs(opts.view, opts.nodeModules, opts.scratch),
      scratch: opts.scratch,
      scratchInside: INSIDE_SCRATCH,
      command: [...processLimit(opts.maxProcesses ?? DEFAULT_MAX_PROCESSES), process.execPath, path.posix.join(INSIDE_ROOT, ...start), 'kernel'],
      env: KERNEL_ENV,
    };
    const configFile = path.join(dir, 'sandbox.json');
    fs.writeFileSync(configFile, JSON.stringify(config, null, 1));
    argv = [process.execPath, LAUNCHER, '{connection_file}', configFile];
  } else {
    argv = [process.execPath, path.join(opts.view, ...start), 'kernel', '--config-path', '{connection_file}'];
  }
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify({ argv, display_name: `TypeScript (graded, ${mode === 'bwrap' ? 'sandboxed' : 'unsandboxed'})`, language: 'typescript' }, null, 1));
  return dir;
}
