// The book's editions and the words of its interface: one table per language, and nothing else in the build or the
// page templates spells a UI word. An edition is a folder of chapters (English: chapters/, Chinese: chapters/zh/)
// rendered into the same book folder; every page sits at the book's root (layout.ts: all URLs are relative), so a
// Chinese page is `03-vae.zh.html` next to `03-vae.html` and shares its assets, notebooks and widget scripts.
// Adding a language adds an entry to EDITIONS and a table to UI (and book.js / the widgets read `<html lang>`).

export type Lang = 'en' | 'zh';

export interface Edition {
  lang: Lang;
  /** The `lang` attribute and hreflang of its pages. */
  htmlLang: string;
  /** Its chapters folder, relative to the English one ('' = the English folder itself). */
  dir: string;
  /** Inserted before `.html` in its page names: `03-vae${suffix}.html`. */
  suffix: string;
  /** The language's own name, for the switch in the header. */
  name: string;
}

export const EDITIONS: Record<Lang, Edition> = {
  en: { lang: 'en', htmlLang: 'en', dir: '', suffix: '', name: 'English' },
  zh: { lang: 'zh', htmlLang: 'zh-CN', dir: 'zh', suffix: '.zh', name: '中文' },
};

/** `03-vae.html` of the English edition as the page of edition `lang`. */
export function editionHref(href: string, lang: Lang): string {
  return href.replace(/\.html$/, `${EDITIONS[lang].suffix}.html`);
}

export interface UiStrings {
  skipLink: string;
  contents: string;
  contentsButton: string;
  searchPlaceholder: string;
  theme: string;
  previous: string;
  next: string;
  prevNextLabel: string;
  chapter: (n: number) => string;
  figure: (label: string) => string;
  sectionLink: string;
  equation: string;
  solution: string;
  note: string;
  warning: string;
  tip: string;
  referenceAnswer: (file: string) => string;
  notebookTitle: string;
  download: (file: string) => string;
  or: string;
  runYourself: (file: string) => string;
  /** The switch in the header: "Read this page in …" (the other language's name follows). */
  otherLanguage: string;
  /** A sidebar entry for a chapter that this edition has not translated (its link goes to the English page). */
  untranslated: string;
  /** The search box found nothing; book.js puts the query where {q} is. */
  noHits: string;
}

export const UI: Record<Lang, UiStrings> = {
  en: {
    skipLink: 'Skip to the text',
    contents: 'Contents',
    contentsButton: 'Contents',
    searchPlaceholder: 'Search the book',
    theme: 'Switch light/dark theme',
    previous: '← Previous',
    next: 'Next →',
    prevNextLabel: 'Previous and next',
    chapter: (n) => `Chapter ${n}`,
    figure: (label) => `Figure ${label}`,
    sectionLink: 'Link to this section',
    equation: 'Equation',
    solution: 'Solution',
    note: 'Note',
    warning: 'Warning',
    tip: 'Tip',
    referenceAnswer: (file) => `Reference answer from <code>${file}</code>`,
    notebookTitle: 'Notebook',
    download: (file) => `Download <code>${file}</code>`,
    or: 'or',
    runYourself: (file) =>
      `To run it yourself, <code>npm run lab</code> opens JupyterLab on <code>notebooks/</code> with the TypeScript (tslab) kernel; ` +
      `open <code>${file}</code> there and run the cells top to bottom.`,
    otherLanguage: 'Read this page in',
    untranslated: 'English only',
    noHits: 'No section mentions “{q}”.',
  },
  zh: {
    skipLink: '跳到正文',
    contents: '目录',
    contentsButton: '目录',
    searchPlaceholder: '搜索本书',
    theme: '切换浅色/深色主题',
    previous: '← 上一章',
    next: '下一章 →',
    prevNextLabel: '上一章与下一章',
    chapter: (n) => `第 ${n} 章`,
    figure: (label) => `图 ${label}`,
    sectionLink: '本节链接',
    equation: '公式',
    solution: '参考答案',
    note: '注',
    warning: '注意',
    tip: '提示',
    referenceAnswer: (file) => `参考答案出自 <code>${file}</code>`,
    notebookTitle: '笔记本',
    download: (file) => `下载 <code>${file}</code>`,
    or: '或',
    runYourself: (file) =>
      `自己运行：<code>npm run lab</code> 会在 <code>notebooks/</code> 上打开带 TypeScript（tslab）内核的 JupyterLab；` +
      `在其中打开 <code>${file}</code>，从上到下运行各单元。`,
    otherLanguage: '阅读本页的',
    untranslated: '尚未翻译，英文原文',
    noHits: '没有章节提到“{q}”。',
  },
};
