// scripts/jupyter/jupyter_lab_config.py (loaded by `npm run lab`): its pre-save hook drops jupyterlab-plotly's PNG
// snapshot from plotly outputs only. The browser test checks the effect in JupyterLab (reopened notebook
// draws the interactive graph); this checks the hook itself on a notebook model, with the .venv's Python.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const CONFIG = path.join(ROOT, 'scripts', 'jupyter', 'jupyter_lab_config.py');
const skip = !fs.existsSync(PYTHON) && !process.env.CI ? 'no .venv: run `npm run setup`' : false;

const PLOTLY = 'application/vnd.plotly.v1+json';

/** Runs the config file as traitlets would, applies the configured hook to `model`, returns the result. */
function applyHook(model: object): { model: Record<string, unknown>; hookName: string } {
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
  const out = execFileSync(PYTHON, ['-c', script, CONFIG], { input: JSON.stringify(model) }).toString();
  return JSON.parse(out) as { model: Record<string, unknown>; hookName: string };
}

test('lab config: the pre-save hook drops the PNG snapshot of plotly outputs and keeps everything else', { skip }, () => {
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
            { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} }, // a digit grid
            stream,
          ],
        },
      ],
    },
  };
  const { model, hookName } = applyHook(notebook);
  assert.equal(hookName, 'strip_plotly_snapshots');
  const outputs = (model.content as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }).cells[1].outputs ?? [];
  assert.deepEqual(Object.keys(outputs[0].data ?? {}), [PLOTLY], 'snapshot removed, figure kept');
  assert.deepEqual(outputs[0].data?.[PLOTLY], fig, 'the figure JSON is unchanged');
  assert.deepEqual(Object.keys(outputs[1].data ?? {}), ['image/png'], 'a PNG that is not a plotly snapshot is kept');
  assert.deepEqual(outputs[2], stream);

  const file = { type: 'file', content: 'plain text', format: 'text' };
  assert.deepEqual(applyHook(file).model, file, 'other files are saved unchanged');
});
