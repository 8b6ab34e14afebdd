// lib/core.ts, the part of the library a browser runs: it bundles for the browser platform, so nothing in it (or
// below it) imports fs, path, zlib or another module only Node has, and it exports what the book's pages need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { build } from 'esbuild';
import * as core from '../lib/core';

const ROOT = path.resolve(__dirname, '..');

async function bundle(entry: string): Promise<{ ok: boolean; errors: string[]; bytes: number }> {
  try {
    const r = await build({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    return { ok: true, errors: [], bytes: r.outputFiles[0].contents.byteLength };
  } catch (e) {
    const errors = ((e as { errors?: { text: string }[] }).errors ?? []).map((x) => x.text);
    return { ok: false, errors, bytes: 0 };
  }
}

test('lib/core.ts bundles for the browser: no Node-only import anywhere below it', async () => {
  const r = await bundle('lib/core.ts');
  assert.ok(r.ok, `esbuild failed:\n${r.errors.join('\n')}`);
  assert.ok(r.bytes > 100_000, 'the bundle holds TF.js and the library');
});

test('the check can fail: lib/index.ts (files, the native backend) does not bundle for the browser', async () => {
  const r = await bundle('lib/index.ts');
  assert.equal(r.ok, false);
  assert.ok(r.errors.some((e) => /Could not resolve "(fs|path|os|zlib|child_process)"/.test(e)), r.errors.slice(0, 3).join('\n'));
});

test('core exports what a page needs to run a trained model', () => {
  for (const name of ['createVAE', 'modelFromArtifacts', 'decoderFromArtifacts', 'reparameterize', 'klDivergence', 'elbo', 'lerp', 'slerp', 'decodeLatents', 'latentScatter', 'figureToSvg', 'train', 'trainStep', 'trainRecipe', 'embeddedData', 'setEmbeddedDigits', 'pick']) {
    assert.equal(typeof (core as Record<string, unknown>)[name], 'function', name);
  }
});
