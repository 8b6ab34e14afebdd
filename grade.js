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
exports.parseArgs = exports.gradeClass = exports.formatTable = exports.classCsv = exports.gradeSubmission = exports.readSubmission = exports.detectChapter = exports.buildGradedNotebook = exports.DEFAULT_GRADE_CONFIG = void 0;
/**
 * The coursework grader (issue 5): `npm run grade -- submission.ipynb [more …]`.
 *
 * For each submission it builds a graded copy — the student's cells, outputs
 * stripped, then one check cell per exercise of the chapter that runs
 * lib/coursework/check.ts's `runExercise` on the name the answer defines and prints one
 * JSON line behind a marker that is new for every grading run — and executes
 * it with scripts/jupyter/execute_notebook.py (the project's one executor: real tslab
 * kernel, its own process, per-cell time limit, memory limit, restarts). The
 * submission's code runs only in that kernel; this process reads JSON.
 *
 * A cell that is killed (time or memory limit, dead kernel) takes the kernel's
 * state with it, so the grader runs the notebook again without the killed
 * cells (up to MAX_PASSES times): the exercises that do not depend on them
 * still get their score, and the report says what was skipped and why.
 *
 * The parts: scripts/grading/notebook.ts (reading, the graded copy),
 * execute.ts (the executor), submission.ts (one submission), report.ts (a
 * class, table, CSV), config.ts (options and result types).
 *
 * Output: a table on the terminal, <out>/<name>.json per submission (with the
 * executed copy <out>/<name>.executed.ipynb) and a class CSV.
 */
const fs = __importStar(require("fs"));
const path = __importStar(require("path"));
const exercises_1 = require("./lib/coursework/exercises");
const profile_1 = require("./lib/training/profile");
const config_1 = require("./scripts/grading/config");
const execute_1 = require("./scripts/grading/execute");
const report_1 = require("./scripts/grading/report");
var config_2 = require("./scripts/grading/config");
Object.defineProperty(exports, "DEFAULT_GRADE_CONFIG", { enumerable: true, get: function () { return config_2.DEFAULT_GRADE_CONFIG; } });
var notebook_1 = require("./scripts/grading/notebook");
Object.defineProperty(exports, "buildGradedNotebook", { enumerable: true, get: function () { return notebook_1.buildGradedNotebook; } });
Object.defineProperty(exports, "detectChapter", { enumerable: true, get: function () { return notebook_1.detectChapter; } });
Object.defineProperty(exports, "readSubmission", { enumerable: true, get: function () { return notebook_1.readSubmission; } });
var submission_1 = require("./scripts/grading/submission");
Object.defineProperty(exports, "gradeSubmission", { enumerable: true, get: function () { return submission_1.gradeSubmission; } });
var report_2 = require("./scripts/grading/report");
Object.defineProperty(exports, "classCsv", { enumerable: true, get: function () { return report_2.classCsv; } });
Object.defineProperty(exports, "formatTable", { enumerable: true, get: function () { return report_2.formatTable; } });
Object.defineProperty(exports, "gradeClass", { enumerable: true, get: function () { return report_2.gradeClass; } });
const USAGE = `usage: npm run grade -- submission.ipynb [more …] [--out DIR] [--csv FILE] [--timeout S] [--memory-mb N]
       [--total-timeout S] [--jobs N] [--chapter 03-vae] [--profile quick|full]
  --out DIR          per-submission JSON and executed notebooks (default out/grades)
  --csv FILE         the class CSV (default <out>/class.csv)
  --timeout S        seconds per cell (default 120)
  --total-timeout S  seconds per run of one notebook (default 1200)
  --memory-mb N      memory limit of a submission's kernel (default 2048)
  --jobs N           submissions graded at once (default 2)
  --chapter C        the chapter of every submission (default: read from each notebook)
  --profile P        VAE_PROFILE for the kernel (default quick)`;
function parseArgs(argv) {
    const cfg = { ...config_1.DEFAULT_GRADE_CONFIG };
    const files = [];
    const num = (flag, v, min) => {
        const x = Number(v);
        if (v === undefined || !Number.isFinite(x) || x < min)
            throw new Error(`${flag} needs a number ≥ ${min}, got ${v === undefined ? 'nothing' : `'${v}'`}`);
        return x;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const v = argv[i + 1];
        switch (a) {
            case '--out':
                if (!v)
                    throw new Error('--out needs a directory');
                cfg.outDir = v;
                i++;
                break;
            case '--csv':
                if (!v)
                    throw new Error('--csv needs a file name');
                cfg.csv = v;
                i++;
                break;
            case '--timeout':
                cfg.timeout = num(a, v, 1);
                i++;
                break;
            case '--total-timeout':
                cfg.totalTimeout = num(a, v, 1);
                i++;
                break;
            case '--memory-mb':
                cfg.memoryMb = num(a, v, 64);
                i++;
                break;
            case '--jobs':
                cfg.jobs = Math.floor(num(a, v, 1));
                i++;
                break;
            case '--chapter':
                if (!v || !exercises_1.EXERCISE_CHAPTERS.includes(v))
                    throw new Error(`--chapter must be one of ${exercises_1.EXERCISE_CHAPTERS.join(', ')}, got '${v ?? ''}'`);
                cfg.chapter = v;
                i++;
                break;
            case '--profile':
                cfg.profile = (0, profile_1.parseProfile)(v, '--profile');
                i++;
                break;
            case '-h':
            case '--help':
                throw new Error('help');
            default:
                if (a.startsWith('-'))
                    throw new Error(`unknown option ${a}`);
                files.push(a);
        }
    }
    if (files.length === 0)
        throw new Error('no submissions given');
    return { files, cfg };
}
exports.parseArgs = parseArgs;
async function main() {
    let parsed;
    try {
        parsed = parseArgs(process.argv.slice(2));
    }
    catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        console.error(msg === 'help' ? USAGE : `grade: ${msg}\n${USAGE}`);
        process.exit(msg === 'help' ? 0 : 2);
    }
    if (!fs.existsSync(execute_1.PYTHON) || !fs.existsSync(execute_1.EXECUTOR)) {
        console.error(`grade: ${fs.existsSync(execute_1.PYTHON) ? execute_1.EXECUTOR : execute_1.PYTHON} is missing; run \`npm run setup\``);
        process.exit(2);
    }
    const { files, cfg } = parsed;
    const t0 = Date.now();
    const grades = await (0, report_1.gradeClass)(files, cfg);
    console.log((0, report_1.formatTable)(grades));
    console.log(`\n${grades.length} submission(s) graded in ${((Date.now() - t0) / 1000).toFixed(1)} s; JSON in ${cfg.outDir}, CSV ${cfg.csv || path.join(cfg.outDir, 'class.csv')}`);
}
if (require.main === module) {
    main().catch((e) => {
        console.error(`grade: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        process.exit(1);
    });
}
