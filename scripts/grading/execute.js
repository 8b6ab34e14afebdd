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
exports.firstLine = exports.streamText = exports.runExecutor = exports.EXECUTOR = exports.PYTHON = exports.ROOT = void 0;
/**
 * Running one graded copy through scripts/jupyter/execute_notebook.py — the project's
 * one notebook executor (real tslab kernel, per-cell and total time limits,
 * memory limit, restarts) — in its own process group, with a last-resort kill.
 */
const child_process_1 = require("child_process");
const fs = __importStar(require("fs"));
const path = __importStar(require("path"));
exports.ROOT = path.resolve(__dirname, '..', '..');
exports.PYTHON = path.join(exports.ROOT, '.venv', 'bin', 'python');
exports.EXECUTOR = path.join(exports.ROOT, 'scripts', 'jupyter', 'execute_notebook.py');
/** Runs the executor in its own process group; kills the whole group if it outlives its own limits. */
function runExecutor(input, output, reportPath, cfg) {
    const args = [
        exports.EXECUTOR,
        input,
        '--out',
        output,
        '--report',
        reportPath,
        '--cwd',
        exports.ROOT,
        '--timeout',
        String(cfg.timeout),
        '--total-timeout',
        String(cfg.totalTimeout),
        '--memory-mb',
        String(cfg.memoryMb),
        '--allow-errors',
        // A kernel that has not started in a minute will not (two kernels started at once can race for
        // their ports); the grader retries once instead of waiting the executor's default two minutes.
        '--startup-timeout',
        '60',
        '--env',
        `VAE_PROFILE=${cfg.profile}`,
        '--env',
        'VAE_QUIET=1',
    ];
    return new Promise((resolve) => {
        const child = (0, child_process_1.spawn)(exports.PYTHON, args, { cwd: exports.ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => {
            if (stderr.length < 200000)
                stderr += d.toString();
        });
        // The executor ends itself (per-cell and total limits, its own watchdog); this is the last resort.
        const deadline = setTimeout(() => {
            try {
                process.kill(-child.pid, 'SIGKILL');
            }
            catch {
                /* already gone */
            }
        }, (cfg.totalTimeout + 120) * 1000);
        const finish = (code) => {
            clearTimeout(deadline);
            let cells = [];
            let executed;
            try {
                cells = JSON.parse(fs.readFileSync(reportPath, 'utf8')).cells ?? [];
            }
            catch {
                /* no report: handled by the caller from the exit code and stderr */
            }
            try {
                executed = JSON.parse(fs.readFileSync(output, 'utf8'));
            }
            catch {
                /* idem */
            }
            resolve({ code, stderr, cells, executed });
        };
        child.on('error', (e) => {
            stderr += `\ngrader: could not start ${exports.PYTHON}: ${e.message}`;
            finish(2);
        });
        child.on('close', (code) => finish(code));
    });
}
exports.runExecutor = runExecutor;
function streamText(o) {
    return Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
}
exports.streamText = streamText;
function firstLine(s) {
    return s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
exports.firstLine = firstLine;
