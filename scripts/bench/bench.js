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
/**
 * `npm run bench`: training speed of the dense VAE (784-400-20, batch 128)
 * and the convolutional VAE on every backend that loads, set against each
 * backend's raw matMul speed and the models' FLOPs per example (lib/model/flops.ts),
 * so that the distance to what the machine can do is visible. A command, not
 * a test: it reports what it measured, on whatever else the machine is doing
 * (the load average before and after is printed, and CPU/wall per run).
 *
 *   npm run bench [-- --backend wasm,cpu] [--model dense|conv] [--warmup N] [--steps N] [--runs N]
 *                    [--slow] [--json FILE] [--matmul-seconds S]
 *   npm run bench -- --profile [--backend wasm] [--model conv] [--warmup N] [--steps N] [--top N] [--by-shape]
 *   npm run bench -- --backend wasm --wasm-threads 2    # wasm only on 2 threads (default: 1 and all cores)
 *   npm run bench -- --backend tensorflow --tf-threads 1 # libtensorflow on 1 intra-op thread only (default: all cores and 1)
 *   npm run bench -- --stock                            # every kernel fix of lib/backend/kernels.ts removed: what they buy
 *
 * Each (backend, model) trains in a child process of its own through
 * lib/training/train.ts (the loop the notebooks run), so peak memory and the kernel
 * registry belong to that configuration. Backends that do not load are listed
 * with initBackend's reason. --profile prints, per backend and model, the
 * kernels that take a training step's time. Results also go to
 * bench-results/bench-<time>.json (or --json FILE).
 */
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const node_util_1 = require("node:util");
const node_child_process_1 = require("node:child_process");
const plan_1 = require("./plan");
const machine_1 = require("./machine");
const report_1 = require("./report");
const reference_1 = require("./reference");
const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'child.ts');
function list(flag, value, all) {
    if (value === undefined || value === 'all')
        return [...all];
    const names = value.split(',').map((s) => s.trim());
    for (const n of names)
        if (!all.includes(n))
            throw new Error(`bench: --${flag} must be one of ${all.join(', ')} (comma-separated) or all, got '${n}'`);
    return names;
}
function count(flag, value) {
    if (value === undefined)
        return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
        throw new Error(`bench: --${flag} must be a positive integer, got '${value}'`);
    return n;
}
/**
 * Runs one task in a fresh Node process and returns its tagged result line. `threads` is the wasm thread
 * count, or libtensorflow's intra-op thread count (undefined: TensorFlow's default, one per core).
 */
function runChild(task, threads) {
    const threadEnv = task.backend === 'wasm' ? { VAE_WASM_THREADS: String(threads ?? 1) } : task.backend === 'tensorflow' && threads !== undefined ? { VAE_TF_THREADS: String(threads) } : {};
    const r = (0, node_child_process_1.spawnSync)(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(task)], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
        env: { ...process.env, VAE_QUIET: '1', VAE_BACKEND: task.backend, VAE_TF_THREADS: undefined, ...threadEnv },
    });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(plan_1.RESULT_TAG));
    if (line)
        return JSON.parse(line.slice(plan_1.RESULT_TAG.length));
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    return { kind: 'failed', backend: task.backend, reason: `child process gave no result (${why}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}` };
}
/**
 * The hand-written training loop the issues measured (raw tf ops, tf.train.adam;
 * scripts/bench/matmul-ab.ts --reference) and what they quoted for it when they
 * were filed: with the wasm matMul fix about 5,100 samples/s (issue 6); without
 * any fix about 11,600 on tfjs-node and 1,500 on wasm (issue 7). Its figures
 * today say how fast this machine runs compared with then.
 */
const CALIBRATIONS = [
    { backend: 'wasm', stock: false, then: 'about 5,100 samples/s in issue 6 (with the matMul fix)' },
    { backend: 'wasm', stock: true, then: 'about 1,500 samples/s in issue 7 (stock wasm)' },
    { backend: 'tensorflow', stock: true, then: 'about 11,600 samples/s in issue 7 (stock tfjs-node)' },
];
function issueLoop(c) {
    // As the issues ran it: TensorFlow's default threads, one wasm thread.
    const env = { ...process.env, VAE_TF_THREADS: undefined, VAE_WASM_THREADS: undefined };
    const args = ['--import', 'tsx', path.join(__dirname, 'matmul-ab.ts'), '--reference', '--backend', c.backend, ...(c.stock ? ['--stock'] : [])];
    const who = `${c.backend}${c.stock ? ' (stock kernels)' : ''}`;
    const r = (0, node_child_process_1.spawnSync)(process.execPath, args, { encoding: 'utf8', timeout: 300000, env });
    if (r.status !== 0)
        return `${who}: the issues' hand-written loop did not run (${(r.stderr ?? '').trim().split('\n').pop()})`;
    const o = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    return `${who}: ${Math.round(o.samplesPerSecond)} samples/s now (${Math.round(o.samplesPerCpuSecond)} per CPU-second); ${c.then}`;
}
function say(msg) {
    process.stderr.write(`${msg}\n`);
}
async function main() {
    const { values } = (0, node_util_1.parseArgs)({
        options: {
            backend: { type: 'string' },
            model: { type: 'string' },
            warmup: { type: 'string' },
            steps: { type: 'string' },
            runs: { type: 'string' },
            slow: { type: 'boolean', default: false },
            json: { type: 'string' },
            profile: { type: 'boolean', default: false },
            'by-shape': { type: 'boolean', default: false },
            top: { type: 'string', default: '12' },
            'matmul-seconds': { type: 'string', default: '1' },
            'wasm-threads': { type: 'string' },
            'tf-threads': { type: 'string' },
            stock: { type: 'boolean', default: false },
        },
    });
    if (values.stock)
        process.env.VAE_BENCH_STOCK = '1';
    const backends = list('backend', values.backend, plan_1.BACKENDS);
    // wasm runs on one thread and, where there are more cores, on the threaded build with all of them
    // (two rows, wasm and wasm×N); --wasm-threads N runs only N. initBackend validates the count.
    const cores = os.cpus().length;
    const wasmThreads = values['wasm-threads'] !== undefined ? [Number(values['wasm-threads'])] : cores > 1 && !values.profile ? [1, cores] : [1];
    // tensorflow runs with TensorFlow's default (one intra-op thread per core, the row tensorflow×N) and, where
    // there are more cores, on one (the row tensorflow): on few cores handing small ops to another thread can
    // cost more than it saves. --tf-threads N runs only N.
    const tfThreads = values['tf-threads'] !== undefined ? [Number(values['tf-threads'])] : cores > 1 && !values.profile ? [undefined, 1] : [undefined];
    const configs = backends.flatMap((backend) => backend === 'wasm' ? wasmThreads.map((threads) => ({ backend, threads })) : backend === 'tensorflow' ? tfThreads.map((threads) => ({ backend, threads })) : [{ backend, threads: 1 }]);
    const models = list('model', values.model, plan_1.MODELS);
    const warmup = count('warmup', values.warmup);
    const steps = count('steps', values.steps);
    const runs = count('runs', values.runs);
    const top = count('top', values.top) ?? 12;
    const matmulSeconds = Number(values['matmul-seconds']);
    if (!(matmulSeconds > 0))
        throw new Error(`bench: --matmul-seconds must be a number > 0, got '${values['matmul-seconds']}'`);
    // A configuration marked slow in plan.ts runs when asked for by --slow or by naming both its backend and its model.
    const explicit = values.backend !== undefined && values.model !== undefined;
    const machine = (0, machine_1.machineInfo)();
    const loadBefore = (0, machine_1.load1)();
    const started = new Date();
    const unavailable = [];
    const skipped = [];
    const matmul = new Map();
    const trained = [];
    const profiles = [];
    for (const { backend, threads } of configs) {
        const shownThreads = threads ?? (backend === 'tensorflow' ? cores : 1);
        const who = shownThreads > 1 ? `${backend}×${shownThreads}` : backend;
        if (!values.profile) {
            say(`${who}: matMul speed…`);
            const m = runChild({ kind: 'matmul', backend, minSeconds: matmulSeconds }, threads);
            if (m.kind !== 'matmul') {
                unavailable.push(m);
                say(`${who}: ${m.kind}`);
                continue;
            }
            matmul.set(m.backend.label, m);
        }
        for (const model of models) {
            if (values.profile) {
                const d = (0, plan_1.defaultProfilePlan)(backend, model);
                if (d.slow && !values.slow && !explicit) {
                    skipped.push({ backend, model, reason: 'slow on this backend; --slow or naming its --backend and --model runs it' });
                    continue;
                }
                const task = { kind: 'profile', backend, model, warmup: warmup ?? d.warmup, steps: steps ?? d.steps, byShape: values['by-shape'] ?? false };
                say(`${who} ${model}: profiling ${task.steps} steps after ${task.warmup} warm-up…`);
                const p = runChild(task, threads);
                if (p.kind === 'profile')
                    profiles.push(p);
                else {
                    unavailable.push(p);
                    if (p.kind === 'unavailable')
                        break;
                }
                continue;
            }
            const d = (0, plan_1.defaultPlan)(backend, model);
            if (d.slow && !values.slow && !explicit) {
                skipped.push({ backend, model, reason: 'slow on this backend; --slow or naming its --backend and --model runs it' });
                continue;
            }
            const plan = { warmup: warmup ?? d.warmup, steps: steps ?? d.steps, runs: runs ?? d.runs };
            say(`${who} ${model}: ${plan.warmup} warm-up + ${plan.runs}×${plan.steps} timed steps…`);
            const r = runChild({ kind: 'train', backend, model, plan }, threads);
            if (r.kind === 'train') {
                trained.push(r);
                say(`  ${Math.round(r.samplesPerSecond.median)} samples/s (${r.seconds.toFixed(0)} s)`);
            }
            else
                unavailable.push(r);
        }
    }
    // After the children, so that its threads do not compete with them.
    const reference = values.profile ? undefined : (0, reference_1.machineReference)();
    // Calibration: the issues' hand-written loop, so that the table can be read against the figures they quoted.
    const calibration = values.profile ? [] : CALIBRATIONS.filter((c) => trained.some((r) => r.backend.name === c.backend && r.model === 'dense')).map(issueLoop);
    const loadAfter = (0, machine_1.load1)();
    const finished = new Date();
    // The report: machine first, then what ran, then what did not.
    const out = [];
    out.push(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.platform}`);
    out.push(`software: Node ${machine.node}; ${Object.entries(machine.packages).map(([k, v]) => `${k} ${v}`).join(', ')}; commit ${machine.commit}`);
    out.push(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${machine.cores} cores` +
        (Math.max(loadBefore, loadAfter) > 0.5 ? ' — other work was running; times are what this process got (CPU/wall below 100 % means it waited)' : ''));
    out.push(`started ${started.toISOString()}, ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s`);
    const seen = new Set();
    for (const r of [...matmul.values(), ...trained, ...profiles]) {
        if (seen.has(r.backend.label))
            continue;
        seen.add(r.backend.label);
        const fixes = Object.entries(r.backend.kernelTuning).filter(([, on]) => on).map(([k]) => k);
        out.push(`backend ${r.backend.description}; kernel fixes: ${fixes.length ? fixes.join(', ') : 'none'}`);
    }
    if (calibration.length > 0) {
        out.push("calibration: the issues' hand-written dense VAE loop (scripts/bench/matmul-ab.ts --reference; raw tf ops, tf.train.adam), then and now:");
        for (const c of calibration)
            out.push(`  ${c}`);
    }
    if (typeof reference === 'string')
        out.push(`machine reference: none — ${reference}`);
    else if (reference) {
        const speeds = Object.entries(reference.gflopsByThreads).map(([t, g]) => `${g.toFixed(1)} GFLOP/s on ${t} thread${t === '1' ? '' : 's'}`);
        out.push(`machine reference: numpy float32 1024³ product (${reference.blas}): ${speeds.join(', ')}`);
    }
    out.push('');
    if (values.profile) {
        out.push('per-kernel wall time of a training step (lib/training/train.ts), self time: a kernel run by another through the engine counts apart;');
        out.push('one called directly counts in its caller (BatchMatMul on wasm includes the transposes of the matMul fix)');
        out.push('');
        for (const p of profiles) {
            out.push(`${p.backend.label}, ${p.model} VAE, batch 128: ${p.stepMs.toFixed(1)} ms per step (mean of ${p.steps} after ${p.warmup} warm-up, kernel timers on, CPU/wall ${Math.round(100 * p.cpuShare)} %); ` +
                `kernels ${p.kernelMs.toFixed(1)} ms (${((100 * p.kernelMs) / p.stepMs).toFixed(1)} %), ${p.kernels.length} ${p.byShape ? "kernel × shape entries" : "kernels"}, ${Math.round(p.kernels.reduce((s, k) => s + k.calls, 0))} calls`);
            out.push((0, report_1.profileTable)(p, top));
            out.push('');
        }
    }
    else {
        if (trained.length > 0) {
            const machineGflops = typeof reference === 'object' ? Math.max(...Object.values(reference.gflopsByThreads)) : undefined;
            out.push(...report_1.TRAIN_LEGEND);
            out.push((0, report_1.trainTable)(trained, matmul, machineGflops));
            // What the table cannot show: a run that leaked tensors or did not learn measured something else than training.
            for (const r of trained) {
                if (r.leakedTensors !== 0)
                    out.push(`note: ${r.backend.label} ${r.model} left ${r.leakedTensors} more tensors alive than before training`);
                if (!(r.loss.last < r.loss.first))
                    out.push(`note: ${r.backend.label} ${r.model}: loss went from ${r.loss.first.toFixed(2)} to ${r.loss.last.toFixed(2)}; it did not learn`);
            }
            out.push('');
        }
        if (matmul.size > 0) {
            out.push('matMul speed (median wall time of repeated products, including the read-back):');
            out.push((0, report_1.matMulTable)([...matmul.values()]));
            out.push('');
        }
    }
    for (const u of unavailable)
        out.push(`${u.backend}: ${u.kind === 'unavailable' ? 'not available' : 'FAILED'} — ${u.reason}`);
    for (const s of skipped)
        out.push(`${s.backend} ${s.model}: skipped — ${s.reason}`);
    console.log(out.join('\n').trimEnd());
    const file = values.json ?? path.join(ROOT, 'bench-results', `${values.profile ? 'profile' : 'bench'}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const json = { command: values.profile ? 'profile' : 'bench', started: started.toISOString(), finished: finished.toISOString(), machine, loadAverage: { before: loadBefore, after: loadAfter }, machineReference: reference, calibration, matmul: [...matmul.values()], train: trained, profiles, unavailable, skipped };
    fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
    console.log(`\nwritten: ${path.relative(process.cwd(), path.resolve(file))}`);
}
main().catch((e) => {
    console.error(e.message);
    process.exit(1);
});
