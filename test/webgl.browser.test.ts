// The WebGL backend of the library's browser build (lib/backend/browser.ts), in a Web Worker as the JupyterLite
// kernel runs it, in headless Chromium with software WebGL (SwiftShader, test/browser-helpers.ts WEBGL_ARGS): `auto`
// on a site without the .wasm files falls back to WebGL; a dense and a conv VAE train a few steps on webgl and on
// cpu from the same seed and digits, with the same losses and held-out bounds to float32 rounding and a flat tensor
// count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { bundleScript, writePackedDigits } from '../lite/build';
import { serveStatic } from '../scripts/serve/static-server';
import { CHROMIUM, WEBGL_ARGS, skipReason } from './browser-helpers';
import type { WebglReport, WebglRequest } from './fixtures/webgl-worker';

const skip = skipReason();
// Three steps of the dense VAE at the book's batch size; two of the conv VAE on small batches (a conv step on cpu
// and on software WebGL takes seconds at batch 128). Two steps are enough to see an update differ.
const REQUEST: WebglRequest = {
  runs: [
    { architecture: 'dense', digits: 384, batchSize: 128 },
    { architecture: 'conv', digits: 32, batchSize: 16 },
  ],
};

/**
 * Relative difference allowed between the two backends' losses at every step. Both compute in float32 from the same
 * weights, noise and batches, but sum in other orders and with other exp/log: on 7 December 2026 webgl (SwiftShader)
 * and cpu differed by at most one float32 ulp (1.1e-7 relative), and in Node, 4 dense steps of tensorflow and wasm
 * differed from cpu by at most 1.2e-6. 1e-5 leaves room for other versions of SwiftShader and still fails Adam's
 * float16 epsilon on webgl (lib/backend/webgl/float-precision.ts), which moved the dense losses by 6e-5 at the second
 * step and by 3e-4 at the fourth.
 */
const TOLERANCE = 1e-5;

let browser: Browser | undefined;
let server: { origin: string; close: () => Promise<void> } | undefined;
let dir: string | undefined;
let report: WebglReport;

before(async () => {
  if (skip) return;
  // The site: the worker and the digits, and deliberately no .wasm files.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webgl-test-'));
  await bundleScript(path.join(__dirname, 'fixtures', 'webgl-worker.ts'), path.join(dir, 'worker.js'));
  writePackedDigits(dir, 6);
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>webgl</title>');
  server = await serveStatic(dir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGL_ARGS });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.origin}/index.html`);
  const reply = await page.evaluate(
    (req: WebglRequest) =>
      new Promise<{ report?: WebglReport; error?: string }>((resolve) => {
        const w = new Worker('worker.js');
        w.onmessage = (e) => resolve(e.data as { report?: WebglReport; error?: string });
        w.onerror = (e) => resolve({ error: `worker error: ${e.message}` });
        w.postMessage(req);
      }),
    REQUEST,
  );
  if (reply.error !== undefined || !reply.report) throw new Error(`the worker failed: ${reply.error ?? 'no report'}; page errors: ${errors.join('; ') || 'none'}`);
  report = reply.report;
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The report when WebGL ran; otherwise fails on CI and skips elsewhere, naming the cause. */
function ran(t: { skip(msg: string): void }): Extract<WebglReport, { available: true }> | undefined {
  if (skip) {
    t.skip(skip);
    return undefined;
  }
  if (report.available) return report;
  const cause = `headless Chromium (${CHROMIUM} ${WEBGL_ARGS.join(' ')}) gives no WebGL 2 in a Web Worker, not even SwiftShader's: ${report.reason}`;
  if (process.env.CI) assert.fail(`${cause} (CI is set, so this test may not be skipped)`);
  t.skip(cause);
  return undefined;
}

test('auto falls back to WebGL when the .wasm files cannot be fetched, and says why', (t) => {
  const r = ran(t);
  if (!r) return;
  assert.match(r.auto, /^webgl \(@tensorflow\/tfjs-backend-webgl; WebGL 2/);
  assert.match(r.auto, /wasm/, 'the description names why wasm was passed over');
});

test('initBackend({ backend: "webgl" }) runs WebGL 2 in float32, and says so; its epsilon is float32\'s', (t) => {
  const r = ran(t);
  if (!r) return;
  assert.match(r.webgl, /^webgl \(@tensorflow\/tfjs-backend-webgl; WebGL 2, float32/);
  assert.equal(r.flags.version, 2);
  assert.equal(r.flags.float32Enabled, true, 'WEBGL_RENDER_FLOAT32_ENABLED: with float16 textures the losses below could not agree to float32 rounding');
  // TF.js's own floatPrecision() says 16 here (lib/backend/webgl/float-precision.ts), which made Adam's ε 1e-4.
  assert.equal(r.epsilon, 1e-7);
  assert.match(r.cpu, /^cpu /);
});

for (const { architecture, digits, batchSize } of REQUEST.runs) {
  test(`${architecture} VAE: webgl and cpu give the same losses and test bounds to float32 rounding, and webgl holds no more tensors step after step`, (t) => {
    const r = ran(t);
    if (!r) return;
    const run = r.runs.find((x) => x.architecture === architecture);
    assert.ok(run, `no run of the ${architecture} VAE`);
    const steps = digits / batchSize;
    assert.equal(run.webgl.losses.length, steps);
    assert.equal(run.cpu.losses.length, steps);
    for (let s = 0; s < steps; s++) {
      const [g, c] = [run.webgl.losses[s], run.cpu.losses[s]];
      assert.ok(Number.isFinite(g) && g > 0, `webgl step ${s + 1}: loss ${g}`);
      assert.ok(Math.abs(g - c) <= TOLERANCE * c, `step ${s + 1}: webgl ${g}, cpu ${c}: relative difference ${(Math.abs(g - c) / c).toExponential(2)} > ${TOLERANCE}`);
    }
    // The losses move: a run whose updates were lost on one backend would not match the other's later steps.
    assert.ok(Math.abs(run.cpu.losses[steps - 1] - run.cpu.losses[0]) > 100 * TOLERANCE * run.cpu.losses[0], `the loss hardly moved: ${run.cpu.losses.join(', ')}`);
    // Held out: the ELBO and the IWAE bound (log-sum-exp over K samples: kernels the training step does not run).
    for (const k of ['elbo', 'iwae'] as const) {
      const [g, c] = [run.webgl.evaluation[k], run.cpu.evaluation[k]];
      assert.ok(Math.abs(g - c) <= TOLERANCE * Math.abs(c), `test ${k}: webgl ${g}, cpu ${c}`);
    }
    assert.deepEqual(run.webgl.numTensors, run.webgl.numTensors.map(() => run.webgl.numTensors[0]), `tensors after each step on webgl: ${run.webgl.numTensors.join(', ')}`);
  });
}
