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

let probed: { mode: SandboxMode; bwrap?: string; why?: string } | undefined;

/**
 * Whether bubblewrap can sandbox a kernel here: `bwrap` on the PATH, and a
 * trial run with the kernel's options (user and network namespaces can be
 * switched off, e.g. in some containers). Asked once per process.
 */
export function probeSandbox(): { mode: SandboxMode; bwrap?: string; why?: string } {
  if (probed) return probed;
  const bwrap = findOnPath('bwrap');
  if (!bwrap) {
    probed = { mode: 'none', why: 'bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)' };
    return probed;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-probe-'));
  fs.mkdirSync(path.join(tmp, 'node_modules'));
  try {
    const r = spawnSync(bwrap, [...bwrapArgs(tmp, tmp, tmp), process.execPath, '-e', 'process.exit(require("os").networkInterfaces().eth0 ? 3 : 0)'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) probed = { mode: 'bwrap', bwrap };
    else probed = { mode: 'none', why: `bwrap is installed but cannot make the sandbox here: ${(r.stderr || r.error?.message || `exit code ${r.status}`).trim().split('\n')[0]}` };
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
export function writeKernelSpec(dataDir: string, name: string, mode: SandboxMode, opts: { view: string; nodeModules: string; scratch: string; bwrap?: string }): string {
  const dir = path.join(dataDir, 'kernels', name);
  fs.mkdirSync(dir, { recursive: true });
  let argv: string[];
  if (mode === 'bwrap') {
    const config = {
      bwrap: opts.bwrap ?? 'bwrap',
      args: bwrapArgs(opts.view, opts.nodeModules, opts.scratch),
      scratch: opts.scratch,
      scratchInside: INSIDE_SCRATCH,
      command: [process.execPath, `${INSIDE_ROOT}/scripts/jupyter/tslab-kernel.js`, 'kernel'],
      env: KERNEL_ENV,
    };
    const configFile = path.join(dir, 'sandbox.json');
    fs.writeFileSync(configFile, JSON.stringify(config, null, 1));
    argv = [process.execPath, LAUNCHER, '{connection_file}', configFile];
  } else {
    argv = [process.execPath, path.join(opts.view, 'scripts', 'jupyter', 'tslab-kernel.js'), 'kernel', '--config-path', '{connection_file}'];
  }
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify({ argv, display_name: `TypeScript (graded, ${mode === 'bwrap' ? 'sandboxed' : 'unsandboxed'})`, language: 'typescript' }, null, 1));
  return dir;
}
