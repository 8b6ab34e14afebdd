// Claims (scripts/bookgen/claims.ts): a chapter's {{claim NOTEBOOK "…": PREDICATE}} lines checked against the
// results an executed notebook showed. The fixture book's fx-demo notebook shows { sumOfSquares: 30, squares:
// [1, 4, 9, 16] }; chapters written here claim things about them, true and false.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBook } from '../scripts/bookgen/build';
import { evaluateClaim, mentionedValues, notebookResults } from '../scripts/bookgen/claims';
import { readNotebook } from '../scripts/bookgen/notebooks';
import { FIXTURE, fixtureOptions, seedCache, snapshot, tmpDir } from './book-helpers';

function chapters(text: string): string {
  const dir = tmpDir('claims-chapters');
  fs.writeFileSync(path.join(dir, 'index.md'), '# Claims\n');
  fs.writeFileSync(path.join(dir, '01-results.md'), text);
  return dir;
}

const TRUE_CLAIMS =
  '# Results\n\nThe squares add up to 30, and they grow.\n' +
  '{{claim fx-demo "the squares add up to 30": sumOfSquares === 30}}\n' +
  '{{claim fx-demo "the squares grow": increasing(squares) && last(squares) === 16}}\n';
const FALSE_CLAIM = '# Results\n\nThe squares add up to less than 20.\n{{claim fx-demo "the squares add up to less than 20": sumOfSquares < 20}}\n';

test('a notebook\'s results are the union of its JSON outputs', () => {
  const nb = readNotebook(path.join(FIXTURE, 'executed', 'fx-demo.ipynb'));
  assert.deepEqual(notebookResults(nb, 'fx-demo'), { sumOfSquares: 30, squares: [1, 4, 9, 16] });
  const twice = { ...nb, cells: [...nb.cells, { ...nb.cells[nb.cells.length - 1], outputs: [{ output_type: 'display_data' as const, data: { 'application/json': { sumOfSquares: 31 } } }] }] };
  assert.throws(() => notebookResults(twice, 'fx-demo'), /result "sumOfSquares" is shown twice with different values/);
});

test('a predicate sees the results and the helpers; the message names the values it used', () => {
  const results = { negElbo: 108.1749, iwaeNll: 103.2, active: [20, 18, 9] };
  const claim = { where: 'ch.md:3', notebook: 'nb', text: 'IWAE below the ELBO', predicate: 'iwaeNll < negElbo && nonIncreasing(active)' };
  assert.equal(evaluateClaim(claim, results, 'nb').holds, true);
  assert.equal(evaluateClaim({ ...claim, predicate: 'last(active) > first(active)' }, results, 'nb').holds, false);
  assert.equal(mentionedValues('iwaeNll < negElbo', results), 'iwaeNll = 103.2, negElbo = 108.2');
  assert.throws(() => evaluateClaim({ ...claim, predicate: 'negElbow < 110' }, results, 'nb'), /ch\.md:3: claim "IWAE below the ELBO": nb shows no result "negElbow" \(its results: negElbo, iwaeNll, active\)/);
  assert.throws(() => evaluateClaim({ ...claim, predicate: 'negElbo' }, results, 'nb'), /gave 108\.2, not true or false/);
  assert.throws(() => evaluateClaim({ ...claim, predicate: 'negElbo <' }, results, 'nb'), /the predicate does not parse/);
});

test('full profile: claims that hold build the book and render nothing; a false claim fails it, naming claim, notebook and numbers', async () => {
  const cache = tmpDir('claims-cache');
  seedCache(cache, 'fx-demo', undefined, 'full');
  const out = path.join(tmpDir('claims-out'), 'book');
  const logs: string[] = [];
  const ok = await buildBook(fixtureOptions(out, cache, { chaptersDir: chapters(TRUE_CLAIMS), profile: 'full', log: (m) => logs.push(m) }));
  assert.deepEqual(ok.claims, { checked: 2, skipped: 0, wouldFail: 0 });
  assert.ok(logs.some((l) => /claims: all 2 hold/.test(l)), logs.join('\n'));
  const html = fs.readFileSync(path.join(out, '01-results.html'), 'utf8');
  assert.ok(!/claim|sumOfSquares/.test(html.replace(/<script[\s\S]*?<\/script>/g, '')), 'a claim line shows nothing on the page');

  const before = snapshot(out);
  await assert.rejects(
    buildBook(fixtureOptions(out, cache, { chaptersDir: chapters(FALSE_CLAIM), profile: 'full' })),
    /01-results\.md:4: claim "the squares add up to less than 20" does not hold in notebooks\/fx-demo\.ipynb \(full profile\): `sumOfSquares < 20` is false with sumOfSquares = 30/,
  );
  const after = snapshot(out);
  for (const [name, bytes] of before) assert.ok(bytes.equals(after.get(name)!), `${name} changed: a failed build must leave the book alone`);
});

test('quick profile: a false claim is evaluated but not held to, and the log says so; an unknown name still fails', async () => {
  const cache = tmpDir('claims-cache');
  seedCache(cache, 'fx-demo');
  const logs: string[] = [];
  const r = await buildBook(fixtureOptions(path.join(tmpDir('claims-out'), 'book'), cache, { chaptersDir: chapters(FALSE_CLAIM), log: (m) => logs.push(m) }));
  assert.deepEqual(r.claims, { checked: 0, skipped: 1, wouldFail: 1 });
  assert.ok(logs.some((l) => /claims: 1 not held to in the quick profile .* 1 would fail\. The full profile \(npm run book\) enforces them/.test(l)), logs.join('\n'));
  await assert.rejects(
    buildBook(fixtureOptions(path.join(tmpDir('claims-out'), 'book'), cache, { chaptersDir: chapters('# R\n\n{{claim fx-demo "typo": sumOfSqares === 30}}\n') })),
    /01-results\.md:3: claim "typo": notebooks\/fx-demo\.ipynb shows no result "sumOfSqares"/,
  );
});

test('malformed claims and claims on unknown notebooks name the chapter line', async () => {
  const cache = tmpDir('claims-cache');
  seedCache(cache, 'fx-demo');
  const cases: [string, RegExp][] = [
    ['# R\n\n{{claim fx-demo sumOfSquares === 30}}\n', /01-results\.md:3: malformed claim/],
    ['# R\n\n{{claim nope "x": a === 1}}\n', /01-results\.md:3: unknown notebook "nope"/],
    ['# R\n\n{{claim fx-demo "x": a ===}}\n', /01-results\.md:3: claim "x": the predicate does not parse/],
  ];
  for (const [text, expected] of cases) {
    await assert.rejects(buildBook(fixtureOptions(path.join(tmpDir('claims-out'), 'book'), cache, { chaptersDir: chapters(text) })), expected, text);
  }
});

test('claims compare measurements over seeds: below / above beyond the noise, withinNoise when the intervals overlap', () => {
  const results = { conv: { mean: 110, sd: 0.5, n: 3 }, dense: { mean: 112, sd: 0.5, n: 3 }, wide: { mean: 111, sd: 1, n: 3 } };
  const claim = { where: 'ch.md:9', notebook: 'nb', text: 'conv beats dense', predicate: 'below(conv, dense) && above(dense, conv)' };
  assert.equal(evaluateClaim(claim, results, 'nb').holds, true);
  // A sentence saying conv beats "wide" fails: 110 ± 0.5 and 111 ± 1 overlap.
  assert.equal(evaluateClaim({ ...claim, predicate: 'below(conv, wide)' }, results, 'nb').holds, false);
  assert.equal(evaluateClaim({ ...claim, predicate: 'withinNoise(conv, wide) && !withinNoise(conv, dense)' }, results, 'nb').holds, true);
  assert.match(evaluateClaim({ ...claim, predicate: 'below(conv, wide)' }, results, 'nb').values, /conv = \{"mean":110,"sd":0\.5,"n":3\}, wide = /);
});
