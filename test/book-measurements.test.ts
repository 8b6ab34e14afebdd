// Measurement tables (scripts/bookgen/measurements.ts): {{measurements literature}} shows chapter 6's table from the
// records of `npm run measure -- … --record` in a mini-book, in the quick profile (the records are files, checked as in
// the full one). Records written here with made-up numbers: the current ones render as mean ± sd over the seeds with the
// gap sentence; a record whose model-cache key is not the recipe's current key is shown with a note and warned about
// with the command to re-run; a missing record fails the build naming the file; a translation must show the table too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBook } from '../scripts/bookgen/build';
import { makeRecord, writeRecord } from '../scripts/bench/record';
import { fixtureOptions, tmpDir, visibleText } from './book-helpers';
import { measureOutput } from './record-helpers';

const CHAPTER = '# Results\n\nThe literature, beside this book.\n\n{{measurements literature}}\n\nAfter the table.\n';

function chapters(text = CHAPTER, zh?: string): string {
  const dir = tmpDir('measurements-chapters');
  fs.writeFileSync(path.join(dir, 'index.md'), '# Measurements\n');
  fs.writeFileSync(path.join(dir, '01-results.md'), text);
  if (zh !== undefined) {
    fs.mkdirSync(path.join(dir, 'zh'));
    fs.writeFileSync(path.join(dir, 'zh', 'index.md'), '# 测量\n');
    fs.writeFileSync(path.join(dir, 'zh', '01-results.md'), zh);
  }
  return dir;
}


/** A records folder: seeds 0–2 at K = 1,000 (NLL 88.0, 88.2, 88.4) and seed 1 at K = 5,000, keyed with the code as it is. */
function records(): { dir: string; file: (seed: number, k: number) => string } {
  const root = tmpDir('measurements-records');
  const files = new Map<string, string>();
  for (const [seed, nll, k] of [[0, 88.0, 1000], [1, 88.2, 1000], [2, 88.4, 1000], [1, 88.05, 5000]]) {
    const { file, record } = makeRecord(measureOutput(seed, nll, k), 'binarized', seed, {
      root, command: `npm run measure -- --json --part binarized --cached --seed ${seed}${k === 1000 ? '' : ` --k ${k}`}`, commit: 'abc1234', date: '2026-12-07T17:00:00.000Z',
    });
    writeRecord(file, record);
    files.set(`${seed}/${k}`, file);
  }
  return { dir: path.join(root, 'measurements'), file: (seed, k) => files.get(`${seed}/${k}`)! };
}

test('current records: the table shows mean ± sd over the seeds with n, the K = 5,000 seeds, the cited rows and the gap; no warning', async () => {
  const rec = records();
  const out = path.join(tmpDir('measurements-out'), 'book');
  const logs: string[] = [];
  const r = await buildBook(fixtureOptions(out, tmpDir('measurements-cache'), { chaptersDir: chapters(), measurementsDir: rec.dir, log: (m) => logs.push(m) }));
  assert.deepEqual(r.measurements, { records: 4, stale: [] });
  assert.ok(!logs.some((l) => /warning/.test(l)), logs.join('\n'));
  const html = fs.readFileSync(path.join(out, '01-results.html'), 'utf8');
  const text = visibleText(html);
  assert.match(html, /<div class="measurements" id="measurements-literature">\n<table tabindex="0">\n<caption>Binarized MNIST/);
  assert.match(text, /this book, literatureVae, n = 3 seeds \(0, 1, 2\)\s*784-500-500-50, ReLU\s*100 epochs, Adam 10−3 → 10−5 \(cosine\), batch 128\s*92\.20 ± 0\.20\s*88\.20 ± 0\.20\s*1,000/);
  assert.match(text, /the same, n = 1 seed \(1\)\s*92\.05\s*88\.05\s*5,000/);
  assert.match(text, /pytorch\/examples VAE\s*784-400-20, ReLU\s*50 epochs, Adam 10−3, batch 128\s*98\.46\s*93\.09\s*1,000\s*measured with PyTorch 2\.13/);
  assert.match(text, /VAE, 1 stochastic layer\s*784-200-200-50, tanh\s*3,280 passes over the data\s*—\s*86\.76\s*5,000\s*Burda et al\. \(2016\), Table 1/);
  assert.match(text, /IWAE \(k = 50\), 1 stochastic layer[^]*84\.78/);
  assert.match(text, /Test NLL per seed at K = 1,000: seed 0 88\.00, seed 1 88\.20, seed 2 88\.40\./);
  assert.match(text, /Burda et al\.'s VAE is 1\.44 nats below this book's mean \(ours at K = 1,000, theirs at K = 5,000\); the standard deviation over 3 seeds is 0\.20 nats, so the gap is outside the seed spread\./);
  assert.ok(!/changed since/.test(text));
  assert.ok(text.indexOf('The literature, beside this book.') < text.indexOf('this book, literatureVae') && text.indexOf('84.78') < text.indexOf('After the table.'));
});

test('a record measured with other code is shown with a note and a warning naming the command; a missing one fails the build, naming the file', async () => {
  const rec = records();
  const file = rec.file(0, 1000);
  const record = JSON.parse(fs.readFileSync(file, 'utf8')) as { cacheKey: string; commit: string };
  fs.writeFileSync(file, JSON.stringify({ ...record, cacheKey: '0'.repeat(24), commit: 'e49a1ec' }));
  const out = path.join(tmpDir('measurements-out'), 'book');
  const logs: string[] = [];
  const r = await buildBook(fixtureOptions(out, tmpDir('measurements-cache'), { chaptersDir: chapters(), measurementsDir: rec.dir, log: (m) => logs.push(m) }));
  const label = path.relative(path.resolve(__dirname, '..'), file).split(path.sep).join('/');
  assert.deepEqual(r.measurements.stale, [label]);
  const warning = logs.find((l) => /^warning: .*seed0-k1000\.json: measured with the code of commit e49a1ec/.test(l));
  assert.ok(warning, logs.join('\n'));
  assert.match(warning!, /the recipe literature-vae changed since \(its key is now [0-9a-f]{24}\)\. Measure it again: npm run measure -- --json --part binarized --cached --seed 0 --record$/);
  const text = visibleText(fs.readFileSync(path.join(out, '01-results.html'), 'utf8'));
  assert.match(text, /this book, literatureVae, n = 3 seeds \(0, 1, 2\)\*/);
  assert.match(text, /\* \S*seed0-k1000\.json was measured with the code of commit e49a1ec; the recipe changed since\./);

  fs.rmSync(rec.file(2, 1000));
  await assert.rejects(
    buildBook(fixtureOptions(path.join(tmpDir('measurements-out'), 'book'), tmpDir('measurements-cache'), { chaptersDir: chapters(), measurementsDir: rec.dir })),
    /01-results\.md:5: measurement table "literature" needs \S*literature-vae\/seed2-k1000\.json, which does not exist; make it with npm run measure -- --json --part binarized --cached --seed 2 --record/,
  );
});

test('unknown tables and a translation without the table are build errors; a translation renders it in its own words', async () => {
  const rec = records();
  const opts = (dir: string) => fixtureOptions(path.join(tmpDir('measurements-out'), 'book'), tmpDir('measurements-cache'), { chaptersDir: dir, measurementsDir: rec.dir });
  await assert.rejects(buildBook(opts(chapters('# R\n\n{{measurements nope}}\n'))), /01-results\.md:3: unknown measurement table "nope" \(known: literature\)/);
  await assert.rejects(buildBook(opts(chapters(CHAPTER, '# 结果\n\n没有表。\n'))), /zh\/01-results\.md: does not show what its source \S*01-results\.md shows: missing measurement table literature/);
  const dir = chapters(CHAPTER, '# 结果\n\n文献与本书。\n\n{{measurements literature}}\n');
  const o = opts(dir);
  await buildBook(o);
  const zh = visibleText(fs.readFileSync(path.join(o.outDir, '01-results.zh.html'), 'utf8'));
  assert.match(zh, /本书的 literatureVae，n = 3 个种子（0、1、2）[^]*88\.20 ± 0\.20/);
  assert.match(zh, /100 轮，Adam 10−3 → 10−5（余弦），批大小 128/);
  assert.match(zh, /Burda 等人的 VAE 比本书的均值低 1\.44 奈特/);
});
