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
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// scripts/jupyter/jupyter_lab_config.py (loaded by `npm run lab`): its pre-save hook drops jupyterlab-plotly's PNG
// snapshot from plotly outputs only. The browser test checks the effect in JupyterLab (reopened notebook
// draws the interactive graph); this checks the hook itself on a notebook model, with the .venv's Python.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const ROOT = path.resolve(__dirname, '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const CONFIG = path.join(ROOT, 'scripts', 'jupyter', 'jupyter_lab_config.py');
const skip = !fs.existsSync(PYTHON) && !process.env.CI ? 'no .venv: run `npm run setup`' : false;
const PLOTLY = 'application/vnd.plotly.v1+json';
/** Runs the config file as traitlets would, applies the configured hook to `model`, returns the result. */
function applyHook(model) {
    const script = `
import json, sys
from traitlets.config import Config
cfg = Config()
ns = {"get_config": lambda: cfg}
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)
hook = cfg.FileContentsManager.pre_save_hook
model = json.loads(sys.stdin.read())
hook(model=model, path="x.ipynb", contents_manager=None)
print(json.dumps({"model": model, "hookName": hook.__name__}))
`;
    const out = (0, node_child_process_1.execFileSync)(PYTHON, ['-c', script, CONFIG], { input: JSON.stringify(model) }).toString();
    return JSON.parse(out);
}
(0, node_test_1.test)('lab config: the pre-save hook drops the PNG snapshot of plotly outputs and keeps everything else', { skip }, () => {
    const fig = { data: [{ x: [1, 2], y: [3, 4] }], layout: {} };
    const stream = { output_type: 'stream', name: 'stdout', text: 'epoch 1\n' };
    const notebook = {
        type: 'notebook',
        content: {
            cells: [
                { cell_type: 'markdown', source: 'x', metadata: {} },
                {
                    cell_type: 'code',
                    metadata: {},
                    outputs: [
                        { output_type: 'display_data', data: { [PLOTLY]: fig, 'image/png': 'iVBORw0KGgo=' }, metadata: {} },
                        { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} },
                        stream,
                    ],
                },
            ],
        },
    };
    const { model, hookName } = applyHook(notebook);
    strict_1.default.equal(hookName, 'strip_plotly_snapshots');
    const outputs = model.content.cells[1].outputs ?? [];
    strict_1.default.deepEqual(Object.keys(outputs[0].data ?? {}), [PLOTLY], 'snapshot removed, figure kept');
    strict_1.default.deepEqual(outputs[0].data?.[PLOTLY], fig, 'the figure JSON is unchanged');
    strict_1.default.deepEqual(Object.keys(outputs[1].data ?? {}), ['image/png'], 'a PNG that is not a plotly snapshot is kept');
    strict_1.default.deepEqual(outputs[2], stream);
    const file = { type: 'file', content: 'plain text', format: 'text' };
    strict_1.default.deepEqual(applyHook(file).model, file, 'other files are saved unchanged');
});
