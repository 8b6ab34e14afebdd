/**
 * JupyterLab from the project's .venv (scripts/jupyter/lab.sh, as `npm run lab` starts it) on a free local
 * port with a one-off token and settings of its own, for a program that drives it in a browser
 * (test/jupyterlab.browser.test.ts, scripts/docs/screenshots.ts). `stop()` ends the server and the kernels it
 * started.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** What a running server needs to be driven and stopped. */
export interface LabServer {
  /** http://127.0.0.1:<port> */
  base: string;
  token: string;
  /** The URL of a notebook (relative to the served folder), token included. */
  url(notebook: string): string;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface LabConfig {
  /** The folder JupyterLab serves; inside the project, so that the tslab kernel starts in the project root. */
  dir: string;
  /** Extra environment for the server and its kernels, e.g. { VAE_PROFILE: 'quick' }. */
  env?: Record<string, string>;
  /** Seconds to wait for the server to answer. */
  startSeconds?: number;
}

/** The .venv's JupyterLab and the tslab kernel spec that `npm run setup` installs; those that are missing. */
export function missingLab(): string[] {
  const lab = path.join(ROOT, '.venv', 'bin', 'jupyter-lab');
  const kernel = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
  return [lab, kernel].filter((p) => !fs.existsSync(p));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts JupyterLab on `config.dir`. Its user settings, for this run only, render every cell (JupyterLab 4
 * otherwise keeps only the cells in view in the DOM) and show no news prompt.
 */
export async function startLab(config: LabConfig): Promise<LabServer> {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-state-'));
  const settings = (ext: string, plugin: string, value: object): void => {
    fs.mkdirSync(path.join(state, ext), { recursive: true });
    fs.writeFileSync(path.join(state, ext, `${plugin}.jupyterlab-settings`), JSON.stringify(value));
  };
  settings('@jupyterlab/notebook-extension', 'tracker', { windowingMode: 'none' });
  settings('@jupyterlab/apputils-extension', 'notification', { fetchNews: 'false' });
  const port = await freePort();
  const token = `t${Date.now().toString(36)}`;
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const lab = spawn(
    'bash',
    [path.join(ROOT, 'scripts', 'jupyter', 'lab.sh'), '--no-browser', `--port=${port}`, '--ServerApp.ip=127.0.0.1',
      `--IdentityProvider.token=${token}`, `--LabApp.workspaces_dir=${state}`, `--LabApp.user_settings_dir=${state}`],
    { cwd: ROOT, env: { ...process.env, ...config.env, VAE_LAB_DIR: config.dir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  lab.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  lab.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const signal = (sig: NodeJS.Signals): void => {
    try {
      if (lab.pid) process.kill(-lab.pid, sig); // the server and the kernels it started (own process group)
    } catch {
      // already gone
    }
  };
  const stop = async (): Promise<void> => {
    signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (lab.exitCode === null) signal('SIGKILL');
    fs.rmSync(state, { recursive: true, force: true });
  };
  const server: LabServer = { base, token, url: (nb) => `${base}/lab/tree/${nb}?token=${token}`, log: () => output, stop };
  const deadline = Date.now() + (config.startSeconds ?? 60) * 1000;
  while (Date.now() < deadline) {
    if (lab.exitCode !== null) {
      await stop();
      throw new Error(`jupyter lab exited with ${lab.exitCode}:\n${output}`);
    }
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`jupyter lab did not answer ${base} within ${config.startSeconds ?? 60} s:\n${output}`);
}
