// The model cache (lib/io/model-cache.ts) and the fingerprints it keys on (lib/io/fingerprint.ts): an entry is
// built once and loaded after; anything in its key changes the entry; a lock held by a living process makes
// the next one wait for the entry, a dead holder's lock is taken over; VAE_MODEL_CACHE=off turns it off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { initBackend } from '../lib/backend/backend';
import { loadData } from '../lib/data/load';
import { subset } from '../lib/data/dataset';
import { cachedModel, modelCacheDir, modelCacheKey } from '../lib/io/model-cache';
import { datasetFingerprint, libraryFingerprint } from '../lib/io/fingerprint';

let dir: string;
const saved = process.env.VAE_MODEL_CACHE;

before(async () => {
  await initBackend();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-cache-'));
  process.env.VAE_MODEL_CACHE = dir;
});

after(() => {
  if (saved === undefined) delete process.env.VAE_MODEL_CACHE;
  else process.env.VAE_MODEL_CACHE = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A "model" that is a number, with a build counter. */
function counter() {
  let builds = 0;
  return {
    get builds() {
      return builds;
    },
    fns: {
      build: async () => {
        builds++;
        return 42 + builds;
      },
      save: async (v: number, d: string) => fs.writeFileSync(path.join(d, 'value.json'), JSON.stringify(v)),
      load: async (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'value.json'), 'utf8')) as number,
    },
  };
}

test('built once, then loaded; other parts, another entry; no temporary folder or lock left behind', async () => {
  const c = counter();
  const first = await cachedModel('toy', { a: 1 }, c.fns);
  assert.deepEqual([first.value, first.cached], [43, false]);
  const second = await cachedModel('toy', { a: 1 }, c.fns);
  assert.deepEqual([second.value, second.cached, second.dir], [43, true, first.dir]);
  const other = await cachedModel('toy', { a: 2 }, c.fns);
  assert.deepEqual([other.value, other.cached], [44, false]);
  assert.equal(c.builds, 2);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => /tmp|lock/.test(f)), []);
  assert.ok(first.dir!.startsWith(path.join(dir, 'toy-')));
});

test('a failed build stores nothing and releases the lock', async () => {
  const failing = { ...counter().fns, build: async () => Promise.reject(new Error('training diverged')) };
  await assert.rejects(cachedModel('toy-fail', { a: 1 }, failing), /training diverged/);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('toy-fail')), []);
});

test('a lock held by a living process: the caller waits for the entry, then loads it', async () => {
  const c = counter();
  const key = modelCacheKey({ a: 'waited' });
  const entry = path.join(dir, `toy-wait-${key}`);
  // A child process that holds the lock for a moment, then writes the entry as cachedModel would.
  const child = spawn(process.execPath, ['-e', `
    const fs = require('fs');
    fs.writeFileSync(${JSON.stringify(`${entry}.lock`)}, JSON.stringify({ pid: process.pid, host: require('os').hostname() }));
    setTimeout(() => {
      fs.mkdirSync(${JSON.stringify(entry)});
      fs.writeFileSync(${JSON.stringify(path.join(entry, 'value.json'))}, '7');
      fs.writeFileSync(${JSON.stringify(path.join(entry, 'complete.json'))}, '{}');
      fs.rmSync(${JSON.stringify(`${entry}.lock`)});
    }, 1500);
  `], { stdio: 'ignore' });
  const closed = new Promise((resolve) => child.on('close', resolve));
  while (!fs.existsSync(`${entry}.lock`)) await new Promise((r) => setTimeout(r, 20));
  const r = await cachedModel('toy-wait', { a: 'waited' }, c.fns);
  await closed;
  assert.deepEqual([r.value, r.cached, c.builds], [7, true, 0], 'loaded what the other process made; built nothing');
});

test('a lock left by a dead process is taken over', async () => {
  const c = counter();
  const key = modelCacheKey({ a: 'dead' });
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => dead.on('close', r));
  fs.writeFileSync(path.join(dir, `toy-dead-${key}.lock`), JSON.stringify({ pid: dead.pid, host: os.hostname() }));
  const r = await cachedModel('toy-dead', { a: 'dead' }, c.fns);
  assert.deepEqual([r.value, r.cached], [43, false]);
});

test('VAE_MODEL_CACHE=off builds every time and stores nothing; bad names are errors', async () => {
  process.env.VAE_MODEL_CACHE = 'off';
  try {
    assert.equal(modelCacheDir(), undefined);
    const c = counter();
    await cachedModel('toy-off', {}, c.fns);
    const again = await cachedModel('toy-off', {}, c.fns);
    assert.deepEqual([again.cached, c.builds], [false, 2]);
  } finally {
    process.env.VAE_MODEL_CACHE = dir;
  }
  await assert.rejects(cachedModel('Bad Name', {}, counter().fns), /name must be lower-case letters and digits/);
});

test('fingerprints: the data\'s pixels and labels; the library\'s sources under a root', () => {
  const { test: t } = loadData({ limit: 40 });
  const a = subset(t, 5);
  assert.equal(datasetFingerprint(a), datasetFingerprint(subset(t, 5)));
  const b = subset(t, 5);
  b.images[3] += 0.001;
  assert.notEqual(datasetFingerprint(b), datasetFingerprint(a));
  const c = subset(t, 5);
  c.labels[0] = (c.labels[0] + 1) % 10;
  assert.notEqual(datasetFingerprint(c), datasetFingerprint(a));

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fingerprint-'));
  try {
    fs.mkdirSync(path.join(root, 'lib', 'model'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'model', 'vae.ts'), 'export const a = 1;\n');
    const before = libraryFingerprint(root);
    fs.writeFileSync(path.join(root, 'README.md'), 'prose does not count');
    assert.equal(libraryFingerprint(root), before);
    fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
    const withLock = libraryFingerprint(root);
    assert.notEqual(withLock, before, 'package-lock.json counts');
    fs.writeFileSync(path.join(root, 'lib', 'model', 'vae.ts'), 'export const a = 2;\n');
    assert.notEqual(libraryFingerprint(root), withLock, 'a library source counts');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
