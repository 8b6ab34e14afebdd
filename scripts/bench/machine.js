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
exports.load1 = exports.machineInfo = void 0;
/**
 * The machine and the software a benchmark ran on, so that a saved result
 * says what it measured: CPU model and count, memory, load, Node and TF.js
 * package versions, and the git commit with whether the tree had changes.
 */
const os = __importStar(require("node:os"));
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const node_child_process_1 = require("node:child_process");
const PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
function packageVersion(pkg) {
    try {
        const file = require.resolve(`${pkg}/package.json`);
        return JSON.parse(fs.readFileSync(file, 'utf8')).version;
    }
    catch {
        // Not installed (or no package.json export): reported as absent.
        return undefined;
    }
}
function gitCommit(root) {
    try {
        const head = (0, node_child_process_1.execFileSync)('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
        const dirty = (0, node_child_process_1.execFileSync)('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !== '';
        return dirty ? `${head}+changes` : head;
    }
    catch {
        return 'unknown';
    }
}
function machineInfo() {
    const packages = {};
    for (const p of PACKAGES) {
        const v = packageVersion(p);
        if (v !== undefined)
            packages[p] = v;
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
exports.machineInfo = machineInfo;
/** The 1-minute load average: how busy the machine was besides this benchmark (≥ cores: every core was taken). */
function load1() {
    return os.loadavg()[0];
}
exports.load1 = load1;
