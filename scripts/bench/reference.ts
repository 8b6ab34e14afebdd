/**
 * What this machine's CPU can do on a matrix product outside TF.js: numpy's
 * float32 1024³ product (its BLAS, usually OpenBLAS) on one thread and on all
 * cores. Only a yardstick for the ratios in the table — it needs a python3
 * with numpy, and is reported as missing otherwise.
 */
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';

export interface MachineReference {
  /** numpy's BLAS, e.g. 'scipy-openblas 0.3.31'. */
  blas: string;
  /** GFLOP/s of the 1024³ float32 product, by thread count (median of 20). */
  gflopsByThreads: Record<string, number>;
}

const SCRIPT = `
import json, time, numpy as np
n = 1024
rng = np.random.default_rng(0)
a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)
a @ b
ts = []
for _ in range(20):
    t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
ts.sort()
try:
    blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
    name = f"{blas.get('name')} {blas.get('version')}"
except Exception:
    name = 'unknown BLAS'
print(json.dumps({'gflops': 2 * n**3 / ts[len(ts) // 2] / 1e9, 'blas': name}))
`;

export function machineReference(): MachineReference | string {
  const gflopsByThreads: Record<string, number> = {};
  let blas = '';
  for (const threads of [...new Set([1, os.cpus().length])]) {
    const t = String(threads);
    const r = spawnSync('python3', ['-c', SCRIPT], {
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t },
      timeout: 60_000,
    });
    if (r.status !== 0) return `python3 with numpy did not run (${r.error?.message ?? (r.stderr ?? '').trim().split('\n').pop()})`;
    const o = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { gflops: number; blas: string };
    gflopsByThreads[t] = o.gflops;
    blas = o.blas;
  }
  return { blas, gflopsByThreads };
}
