/**
 * The machine and the software a benchmark ran on, so that a saved result
 * says what it measured: CPU model and count, memory, load, Node and TF.js
 * package versions, and the git commit with whether the tree had changes.
 */
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  /** Versions of the TF.js packages that resolve from here (absent: not installed). */
  packages: Record<string, string>;
  /** HEAD, with '+changes' when the working tree differs from it (other work in progress is measured too). */
  commit: string;
}

const PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

function packageVersion(pkg: string): string | undefined {
  try {
    const file = require.resolve(`${pkg}/package.json`);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    // Not installed (or no package.json export): reported as absent.
    return undefined;
  }
}

/** HEAD's short hash, with '+changes' when tracked files differ from it; 'unknown' outside a git checkout. */
export function gitCommit(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const packages: Record<string, string> = {};
  for (const p of PACKAGES) {
    const v = packageVersion(p);
    if (v !== undefined) packages[p] = v;
  }
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages,
    commit: gitCommit(path.resolve(__dirname, '..', '..')),
  };
}

/** The 1-minute load average: how busy the machine was besides this benchmark (≥ cores: every core was taken). */
export function load1(): number {
  return os.loadavg()[0];
}
