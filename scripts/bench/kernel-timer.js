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
exports.installKernelTimer = void 0;
/**
 * Where a training step's time goes, kernel by kernel: every kernel
 * registered for the backend is wrapped with a wall-clock timer. Kernels on
 * wasm, cpu and tfjs-node run synchronously, so the time inside the call is
 * the kernel's real time (tf.profile's kernelTimeMs is the same measurement,
 * but it also snapshots memory and shapes per kernel and counts a kernel
 * that calls others through the engine twice). A kernel that runs another
 * one through the engine is charged only its own time (self time); one that
 * calls another's function directly (the wasm matMul fix calls Transpose so)
 * is charged for both.
 *
 * Install after initBackend (it wraps whatever is registered then, the
 * library's kernel fixes included) and in a process of its own: it does not
 * restore the registry.
 */
const tf = __importStar(require("@tensorflow/tfjs"));
/** 'BatchMatMul 128×784ᵀ · 128×400': the kernel with its input shapes and transpose flags. */
function shapeKey(name, args) {
    const attrs = (args.attrs ?? {});
    const inputs = Object.entries(args.inputs);
    const shapes = inputs
        .filter(([, t]) => t !== undefined && t !== null)
        .map(([k, t]) => {
        const flag = (k === 'a' && attrs.transposeA) || (k === 'b' && attrs.transposeB) ? 'ᵀ' : '';
        return `${t.shape.join('×') || 'scalar'}${flag}`;
    });
    return `${name} ${shapes.join(' · ')}`;
}
/**
 * Wraps every kernel registered for `backend`. `byShape`: keep the totals per
 * kernel and input shapes ('Conv2D 128×14×14×32 · 3×3×32×64') instead of per kernel.
 */
function installKernelTimer(backend, byShape = false) {
    const totals = new Map();
    // Time spent in kernels called from inside the running one, per open call.
    const childMs = [];
    for (const cfg of tf.getKernelsForBackend(backend)) {
        const inner = cfg.kernelFunc;
        const name = cfg.kernelName;
        const timed = (args) => {
            const t0 = performance.now();
            childMs.push(0);
            try {
                return inner(args);
            }
            finally {
                const ms = performance.now() - t0;
                const nested = childMs.pop() ?? 0;
                if (childMs.length > 0)
                    childMs[childMs.length - 1] += ms;
                const key = byShape ? shapeKey(name, args) : name;
                const t = totals.get(key) ?? { ms: 0, calls: 0 };
                t.ms += ms - nested;
                t.calls += 1;
                totals.set(key, t);
            }
        };
        tf.unregisterKernel(name, backend);
        tf.registerKernel({ ...cfg, kernelFunc: timed });
    }
    return { totals: () => new Map([...totals].map(([k, v]) => [k, { ...v }])) };
}
exports.installKernelTimer = installKernelTimer;
