// The Chinese edition on the mini-book fixture (chapters/zh/: index.md and 01-basics.md translated, 02-model not):
// pages, lang, the language switch and hreflang alternates, untranslated chapters, figure labels, the structure parity
// check (an error naming what differs), stale translations (a warning), and the CJK bigram search index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBook } from '../scripts/bookgen/build';
import { gitBlobId } from '../scripts/bookgen/translations';
import { UI, WIDGET_UI } from '../scripts/bookgen/i18n';
import { openInBrowserHtml } from '../scripts/bookgen/lite';
import { createMarkdown, Heading } from '../scripts/bookgen/markdown';
import { queryTerms, SearchIndex, searchEntries } from '../scripts/bookgen/search';
import { checkLinks, FIXTURE, fixtureOptions, ROOT, seedCache, tmpDir } from './book-helpers';

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

function has(html: string, re: RegExp, what?: string): void {
  assert.ok(re.test(html), `${what ?? 'page'} should match ${re}`);
}

/**
 * The fixture copied whole (chapters, notebooks, solutions), so that a test can edit a chapter; inside the repository
 * (test-output/), since a chapter's links may not point outside it.
 */
function fixtureCopy(): { dir: string; cache: string } {
  fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'test-output', 'editions-fixture-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo', path.join(dir, 'notebooks'));
  return { dir, cache };
}

const optionsFor = (dir: string, out: string, cache: string, log: (m: string) => void = () => undefined) =>
  fixtureOptions(out, cache, {
    chaptersDir: path.join(dir, 'chapters'), notebooksDir: path.join(dir, 'notebooks'), solutionsDir: path.join(dir, 'solutions'), log,
  });

function loadIndex(js: string): SearchIndex {
  const m = /^window\.BOOK_SEARCH_INDEX = (.*);$/m.exec(js);
  assert.ok(m, 'search index script');
  return JSON.parse(m[1]) as SearchIndex;
}

test('Chinese edition: its pages, lang, the switch both ways, hreflang, untranslated chapters, figures, search', async () => {
  const out = path.join(tmpDir('out'), 'book');
  const cache = tmpDir('cache');
  seedCache(cache, 'fx-demo');
  const logs: string[] = [];
  const r = await buildBook(fixtureOptions(out, cache, { log: (m) => logs.push(m) }));
  assert.deepEqual(r.pages.sort(), ['01-basics.html', '01-basics.zh.html', '02-model.html', 'index.html', 'index.zh.html']);
  assert.deepEqual(r.translations, [{ lang: 'zh', translated: ['01-basics'], untranslated: ['02-model'], stale: [] }]);
  assert.ok(logs.some((l) => /1 of 2 chapters translated; not yet: 02-model/.test(l)), 'the build names the untranslated chapters');
  assert.deepEqual(checkLinks(out).problems, []);

  const en = read(out, '01-basics.html');
  const zh = read(out, '01-basics.zh.html');
  has(en, /<html lang="en">/);
  has(zh, /<html lang="zh-CN">/);
  has(en, /<a class="lang-switch" href="01-basics\.zh\.html" hreflang="zh-CN" lang="zh-CN"[^>]*>中文<\/a>/);
  has(zh, /<a class="lang-switch" href="01-basics\.html" hreflang="en" lang="en"[^>]*>English<\/a>/);
  for (const page of [en, zh]) {
    has(page, /<link rel="alternate" hreflang="en" href="01-basics\.html">\n<link rel="alternate" hreflang="zh-CN" href="01-basics\.zh\.html">/);
  }
  // An untranslated chapter has no Chinese page: the English page has no switch, the Chinese sidebar and contents mark it.
  const model = read(out, '02-model.html');
  assert.ok(!/lang-switch|hreflang="zh-CN"/.test(model), '02-model.html links to no translation');
  has(zh, /<a href="02-model\.html" hreflang="en" lang="en"><span class="chapter-number">2<\/span> <span>The model[^<]*<span class="untranslated">\(尚未翻译，英文原文\)<\/span>/);
  has(read(out, 'index.zh.html'), /class="toc-chapter" href="02-model\.html" hreflang="en" lang="en">.*尚未翻译/);
  has(read(out, 'index.zh.html'), /class="toc-chapter" href="01-basics\.zh\.html"><span class="chapter-number">1<\/span> 隐变量基础/);

  // The Chinese page's words come from its table; the anchors stay the English ones ({#id}), so links land.
  has(zh, /<p class="chapter-eyebrow">第 1 章<\/p>/);
  has(zh, /<a class="book-title" href="index\.zh\.html">隐变量小书<\/a>/);
  has(zh, /<h2 id="the-prior">先验<a class="anchor" href="#the-prior" aria-label="本节链接">/);
  has(zh, /placeholder="搜索本书"/);
  has(zh, /<span class="figure-label">图 1\.1\.<\/span> 模型/);
  has(zh, /<a class="figure-ref" href="#fig-prior-sketch">图 1\.1<\/a>/);
  // A figure of an untranslated chapter: the English page, labelled in Chinese.
  has(zh, /<a class="figure-ref" href="02-model\.html#fig-squares">图 2\.1<\/a>/);
  has(zh, /<a href="02-model\.html#the-decoder">模型一章<\/a>/);
  has(zh, /<p class="callout-title">注<\/p>/);
  has(zh, /<summary>参考答案<\/summary>/);

  // One search index per edition; the Chinese one finds Chinese words by their bigrams.
  const zhIndex = loadIndex(read(out, 'assets/search-index.zh.js'));
  const enIndex = loadIndex(read(out, 'assets/search-index.js'));
  assert.ok(enIndex.pages.every((p) => !p[0].includes('.zh.')), 'the English index holds English pages only');
  assert.ok(zhIndex.pages.every((p) => p[0].endsWith('.zh.html')), 'the Chinese index holds Chinese pages only');
  const pagesFound = (q: string) => [...new Set(searchEntries(zhIndex, q).map((i) => zhIndex.pages[zhIndex.entries[i][0]][0]))];
  assert.deepEqual(pagesFound('重参数化'), ['01-basics.zh.html']);
  assert.deepEqual(pagesFound('证据下界'), ['index.zh.html', '01-basics.zh.html'].filter((p) => read(out, p).includes('证据下界')));
  assert.ok(pagesFound('证据下界').includes('index.zh.html'));
  assert.deepEqual(pagesFound('重参数化 zebrafinch'), [], 'every term must occur in the same section');
  assert.deepEqual(pagesFound('下界 elbo'), ['index.zh.html'], 'a Latin word and a CJK word together');
  assert.deepEqual(pagesFound('参化'), [], 'a bigram that occurs nowhere finds nothing');
  has(read(out, 'assets/search-index.zh.js'), /window\.BOOK_UI = \{"noHits":"没有章节提到“\{q\}”。","codeBox":"代码","outputBox":"单元输出"\}/);
});

test('every chapter translated: the build says so; cells, build notes and the notebook callout speak Chinese', async () => {
  const { dir, cache } = fixtureCopy();
  const en = fs.readFileSync(path.join(dir, 'chapters', '02-model.md'));
  // A translation of 02-model: the same directives, Chinese prose, stamped with the English text's blob id.
  fs.writeFileSync(path.join(dir, 'chapters', 'zh', '02-model.md'), `---\ntranslated-from: ${gitBlobId(en)}\n---\n` +
    en.toString('utf8')
      .replace('# The model and its zebrafinch figure', '# 模型及其斑胸草雀图 {#the-model-and-its-zebrafinch-figure}')
      .replace('## The decoder', '## 解码器 {#the-decoder}').replace('## Exercises', '## 练习 {#exercises}')
      .replace(/^(?![{#`]|const|\d\.|Back)([A-Z].*)$/gm, '一段译文。'));
  fs.writeFileSync(path.join(dir, 'chapters', 'zh', 'notebook-figures.json'), JSON.stringify({
    'fig-squares': { caption: '平方数。', alt: '一条折线。' }, 'fig-tiny-digits': { caption: '一幅小图。', alt: '灰色像素。' },
  }));
  const logs: string[] = [];
  const out = path.join(tmpDir('out'), 'book');
  const r = await buildBook(optionsFor(dir, out, cache, (m) => logs.push(m)));
  assert.deepEqual(r.translations, [{ lang: 'zh', translated: ['01-basics', '02-model'], untranslated: [], stale: [] }]);
  assert.ok(logs.includes('中文 (zh): 2 of 2 chapters translated, all of them'), logs.join(' | '));
  const zh = read(out, '02-model.zh.html');
  has(zh, /<div class="cell-caption"><a href="notebooks\/fx-demo\.ipynb">fx-demo\.ipynb<\/a> · 单元 6<\/div>/);
  has(zh, /<details class="build-notes"><summary>构建记录<\/summary>\n<div class="details-body">\n<p>这个单元交给本书检查的数值/);
  has(zh, /下载 <code>fx-demo\.ipynb<\/code><\/a>。自己运行：/);
  has(read(out, '02-model.html'), /Download <code>fx-demo\.ipynb<\/code><\/a>\. To run it yourself/);
  // No word of the English interface left on a Chinese page: every plain UI string of UI.en, as an element's text.
  for (const page of ['index.zh.html', '01-basics.zh.html', '02-model.zh.html']) {
    const html = read(out, page);
    for (const [key, word] of Object.entries(UI.en)) {
      if (typeof word === 'string' && word.length > 3) assert.ok(!html.includes(`>${word}<`), `${page}: UI.en.${key} ("${word}")`);
    }
  }
});

test('the link into the browser notebooks and its file:// note come from the page’s table', () => {
  const zh = openInBrowserHtml('exercises/03-vae.ipynb', UI.zh);
  assert.equal(zh, `<a class="open-lite" href="lite/notebooks/index.html?path=exercises%2F03-vae.ipynb">在浏览器中打开</a><span class="lite-file-note" hidden>${UI.zh.liteFileNote}</span>`);
  assert.match(openInBrowserHtml('exercises/03-vae.ipynb'), />Open in the browser<\/a><span class="lite-file-note" hidden> \(this page was opened from a file/);
  // Each table has the same keys (a key missing from one language would print "undefined" on its pages).
  assert.deepEqual(Object.keys(UI.zh).sort(), Object.keys(UI.en).sort());
  assert.deepEqual(Object.keys(WIDGET_UI.zh).sort(), Object.keys(WIDGET_UI.en).sort());
});

test('CJK query terms: a run of Han characters becomes its bigrams, Latin words stay words', () => {
  assert.deepEqual(queryTerms('重参数化'), ['重参', '参数', '数化']);
  assert.deepEqual(queryTerms('KL 散度'), ['kl', '散度']);
  assert.deepEqual(queryTerms('β-VAE的后验'), ['的后', '后验', 'β-vae']);
  assert.deepEqual(queryTerms('图'), ['图']);
});

test('structure parity: a translation that drops a figure or adds a notebook cell fails the build, naming both', async () => {
  const { dir, cache } = fixtureCopy();
  const zhFile = path.join(dir, 'chapters', 'zh', '01-basics.md');
  const text = fs.readFileSync(zhFile, 'utf8');
  const out = path.join(tmpDir('out'), 'book');
  // Drop a figure block and add a cell the English chapter does not show.
  const broken = text.replace(/::: figure fig-tiny-image[\s\S]*?:::\n/, '').replace('## 小结', '{{notebook fx-demo#plot}}\n\n## 小结');
  fs.writeFileSync(zhFile, broken);
  await assert.rejects(
    buildBook(optionsFor(dir, out, cache)),
    (e: Error) =>
      /chapters\/zh\/01-basics\.md: does not show what its source \S*chapters\/01-basics\.md shows/.test(e.message) &&
      /missing figure fig-tiny-image/.test(e.message) &&
      /extra notebook cell fx-demo#plot \(not in the English text\)/.test(e.message),
  );
  assert.equal(fs.existsSync(out), false, 'nothing is published');
  // A file with no English counterpart.
  fs.writeFileSync(zhFile, text);
  fs.writeFileSync(path.join(dir, 'chapters', 'zh', '03-extra.md'), '# 多余\n');
  await assert.rejects(buildBook(optionsFor(dir, out, cache)), /chapters\/zh: 03-extra\.md: no English chapter of that name/);
});

test('a translation older than its English source is listed as a warning with the blob ids to diff; the build succeeds', async () => {
  const { dir, cache } = fixtureCopy();
  const enFile = path.join(dir, 'chapters', '01-basics.md');
  const before = gitBlobId(fs.readFileSync(enFile));
  fs.appendFileSync(enFile, '\nA sentence added to the English text.\n');
  const after = gitBlobId(fs.readFileSync(enFile));
  const logs: string[] = [];
  const out = path.join(tmpDir('out'), 'book');
  const r = await buildBook(optionsFor(dir, out, cache, (m) => logs.push(m)));
  assert.equal(r.translations[0].stale.length, 1);
  assert.ok(r.translations[0].stale[0].endsWith('chapters/zh/01-basics.md'), r.translations[0].stale[0]);
  const warning = logs.find((l) => l.startsWith('warning:') && l.includes('zh/01-basics.md'));
  assert.ok(warning, `a warning names the translation (log: ${logs.join(' | ')})`);
  assert.ok(warning.includes(`git diff ${before.slice(0, 12)} ${after.slice(0, 12)}`), warning);
  assert.ok(!logs.some((l) => l.startsWith('warning:') && l.includes('zh/index.md') && l.includes('changed since')), 'an unchanged source gives no warning');
  assert.ok(logs.some((l) => /^warning: \S*chapters\/zh\/index\.md: no heading with the English anchor \{#fixture-book-on-latent-variables\}$/.test(l)),
    'a heading without its English anchor is listed');
  assert.ok(fs.existsSync(path.join(out, '01-basics.zh.html')), 'a stale translation is still built');
});

test('Chinese punctuation after inline math stays with it (no line begins with ，), the text keeps every character', () => {
  const md = createMarkdown();
  const env = { file: 'x.md', headings: [] as Heading[], sections: [], directive: () => '', link: (h: string) => h, figures: { label: () => '', ref: () => ({ href: '', label: '' }), media: () => '' } };
  const html = md.render('先有编码 $z$，再得到图像 $x$。然后 $y$ 与 $w$ 相同', env);
  assert.match(html, /^<p>先有编码 <span class="math-punct"><span class="katex">[\s\S]*?<\/span>，<\/span>再得到图像 <span class="math-punct"><span class="katex">[\s\S]*?<\/span>。<\/span>然后 <span class="katex">/);
  assert.equal(html.replace(/<[^>]+>/g, '').replace(/[^，。\u4e00-\u9fff]/g, ''), '先有编码，再得到图像。然后与相同', 'each character once');
  assert.ok(!md.render('the code $z$, then $x$.', env).includes('math-punct'), 'ASCII punctuation is left as it is');
});

test('a heading keeps an explicit English anchor {#id}, Greek letters included; without one its id is its own slug', () => {
  const md = createMarkdown();
  const env = {
    file: 'x.md', headings: [] as Heading[], sections: [], directive: () => '', link: (h: string) => h,
    figures: { label: () => '', ref: () => ({ href: '', label: '' }), media: () => '' },
  };
  md.parse('# 训练实践 {#training-in-practice}\n\n## 权重 β {#the-weight-β}\n\n## 小结\n', env);
  assert.deepEqual(env.headings.map((h) => [h.id, h.text]), [['training-in-practice', '训练实践'], ['the-weight-β', '权重 β'], ['小结', '小结']]);
});
