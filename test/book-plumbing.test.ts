// What the book keeps folded (scripts/bookgen/plumbing.ts): showResults statements leave a cell's shown source
// wherever they are, whole, and the rest of the code stays as written; plumbing lines are recognised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNotesHtml, emptyNotes, hideResultsCalls, isPlumbingLine } from '../scripts/bookgen/plumbing';

test('showResults statements leave the shown source, whole, at the top level, in blocks and loops', () => {
  const src = [
    "import { lineChart, showResults, show } from './lib/index';",
    'const a = f(1);',
    'showResults({',
    "  label: 'a ) tricky ( string',",
    '  values: [a, g(2)],',
    '});',
    'for (const k of ks) {',
    '  train(k);',
    '  await showResults({ k }); // one per run',
    '}',
    '',
    '',
    'show(a); showResults({ b: 2 });',
    'console.log(a);',
  ].join('\n');
  const { shown, hidden } = hideResultsCalls(src);
  assert.equal(shown, [
    "import { lineChart, show } from './lib/index';",
    'const a = f(1);',
    'for (const k of ks) {',
    '  train(k);',
    '}',
    '',
    'show(a);',
    'console.log(a);',
  ].join('\n'));
  assert.deepEqual(hidden, [
    "showResults({\n  label: 'a ) tricky ( string',\n  values: [a, g(2)],\n});",
    'await showResults({ k });',
    'showResults({ b: 2 });',
  ]);
});

test('the import of showResults goes wherever it is in the list; other code and unparsable cells stay as they are', () => {
  assert.equal(hideResultsCalls("import {\n  a, b, showResults\n} from 'x';\nshowResults({ a });").shown, "import {\n  a, b\n} from 'x';");
  assert.equal(hideResultsCalls("import { showResults, a } from 'x';\nshowResults({ a });").shown, "import { a } from 'x';");
  const plain = 'const showResultsLater = 1;\nconsole.log(showResultsLater);';
  assert.deepEqual(hideResultsCalls(plain), { shown: plain, hidden: [] });
  const notCall = 'const r = showResults;\nr({ a: 1 });';
  assert.deepEqual(hideResultsCalls(notCall), { shown: notCall, hidden: [] }, 'only statements that call it');
  const broken = 'showResults({ a: 1 ;';
  assert.deepEqual(hideResultsCalls(broken), { shown: broken, hidden: [] });
});

test('plumbing lines and the folded record', () => {
  assert.ok(isPlumbingLine('model cache: another process is training reference-vae; waiting for it'));
  assert.ok(!isPlumbingLine('the model cache keeps trained models'));
  assert.equal(buildNotesHtml(emptyNotes()), '', 'nothing to fold, no element');
  const html = buildNotesHtml({ statements: ['showResults({ x })'], results: [{ x: 1 / 3, n: 3 }], log: ['model cache: waiting <here>'] });
  assert.match(html, /^<details class="build-notes"><summary>How this was built<\/summary>/);
  assert.match(html, /&quot;x&quot;: 0\.333333,\n {2}&quot;n&quot;: 3/, 'results rounded to 6 significant digits, one per line');
  assert.match(html, /model cache: waiting &lt;here&gt;/, 'log lines escaped');
  assert.doesNotMatch(html, /<details[^>]*\sopen/, 'folded');
});
