"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.machineReference = void 0;
/**
 * What this machine's CPU can do on a matrix product outside TF.js: numpy's
 * float32 1024³ product (its BLAS, usually OpenBLAS) on one thread and on all
 * cores. Only a yardstick for the ratios in the table — it needs a python3
 * with numpy, and is reported as missing otherwise.
 */
const os = __importStar(require("node:os"));
const node_child_process_1 = require("node:child_process");
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
function machineReference() {
    const gflopsByThreads = {};
    let blas = '';
    for (const threads of [...new Set([1, os.cpus().length])]) {
        const t = String(threads);
        const r = (0, node_child_process_1.spawnSync)('python3', ['-c', SCRIPT], {
            encoding: 'utf8',
            env: { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t },
            timeout: 60000,
        });
        if (r.status !== 0)
            return `python3 with numpy did not run (${r.error?.message ?? (r.stderr ?? '').trim().split('\n').pop()})`;
        const o = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
        gflopsByThreads[t] = o.gflops;
        blas = o.blas;
    }
    return { blas, gflopsByThreads };
}
exports.machineReference = machineReference;
