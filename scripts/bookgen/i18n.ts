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
  /** Ends a sentence that continues in the same paragraph (the notebook callout). */
  sentenceEnd: string;
  /** The link into the book's JupyterLite site beside a notebook or an exercise. */
  openInBrowser: string;
  /** Shown beside that link when the page was opened from a file (book.js unhides it); HTML. */
  liteFileNote: string;
  /** A notebook cell's caption after the notebook's name. */
  cell: (n: number) => string;
  /** The folded record under a cell or an interactive figure. */
  buildNotes: string;
  /** Introduces the showResults statements and results in that record. */
  checkedNumbers: string;
  /** Introduces the plumbing lines a cell printed. */
  buildLog: string;
  /** book.js names a code box and a cell output that scroll (they take the keyboard focus). */
  codeBox: string;
  outputBox: string;
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
    sentenceEnd: '. ',
    openInBrowser: 'Open in the browser',
    liteFileNote: ' (this page was opened from a file: the browser notebooks need http, <code>npm run serve</code> serves the book)',
    cell: (n) => `cell ${n}`,
    buildNotes: 'How this was built',
    checkedNumbers: 'The numbers this cell hands to the book’s checks (each claim of the chapter about them is tested against them when the book is built):',
    buildLog: 'Build log:',
    codeBox: 'Code',
    outputBox: 'Cell output',
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
    sentenceEnd: '。',
    openInBrowser: '在浏览器中打开',
    liteFileNote: '（本页是从文件打开的：浏览器中的笔记本需要 http，<code>npm run serve</code> 可在本地提供本书）',
    cell: (n) => `单元 ${n}`,
    buildNotes: '构建记录',
    checkedNumbers: '这个单元交给本书检查的数值（本章关于它们的每个论断，都在构建本书时以这些数值检验）：',
    buildLog: '构建日志：',
    codeBox: '代码',
    outputBox: '单元输出',
  },
};

/** The interactive figures' words (each widget's page.ts), in the same registry as the page's. */
export interface WidgetStrings {
  nats: string;
  couldNotStart: (msg: string) => string;
  activityChart: (n: number) => string;
  dimensionAxis: string;
  meanMu: string;
  betaSamplesCaption: string;
  betaReconsCaption: string;
  betaActivityCaption: (threshold: number) => string;
  encoderInput: string;
  betaSummary: (beta: string, recon: string, kl: string, active: number, latentDim: number) => string;
  betaSlider: string;
  betaSamples: (beta: string) => string;
  betaRecons: (beta: string) => string;
  drawPad: string;
  drawSeen: string;
  drawRecon: string;
  drawPlane: string;
  reconstruction: string;
  clear: string;
  aTestDigit: string;
  normChart: (d: number) => string;
  testDigit: (label: string | number) => string;
  pickStart: string;
  pickEnd: string;
  lerp: string;
  slerp: string;
  positionT: string;
  decodedAtT: string;
  step: (s: number, of: number) => string;
  densities: (mu: string, sigma: string) => string;
  latentPlane: (n: number, model: string) => string;
  decodedAtPointer: string;
  pointAtPlane: string;
  clearTrail: string;
  trail: string;
  trailDigit: (i: number, x: string, y: string) => string;
  klMuSlider: string;
  klSigmaSlider: string;
  // The stills (shown before a widget starts, without JavaScript and in print) and the notes on their models,
  // written at build time (widgets/*/build.ts, widgets/prepare.ts).
  klStill: (mu: string, sigma: string, formula: string, kl: string) => string;
  klSource: string;
  betaColumns: [samples: string, recons: string, active: string];
  betaTestAndRecons: (beta: string) => string;
  betaSource: (testDigits: string, threshold: number) => string;
  drawStillPlane: string;
  drawStillNote: string;
  drawStillAlt: string;
  drawSource: (storage: string, maxError: string, codes: string, samples: number) => string;
  interpolateStillNote: (from: number, to: number) => string;
  interpolateStillAlt: (from: number, to: number) => string;
  interpolateSource: (storage: string, maxError: string) => string;
  explorerStillPlane: (n: number, model: string) => string;
  explorerStillNote: string;
  explorerStillAlt: string;
  explorerSource: (storage: string, codes: string, meanError: string, maxError: string) => string;
  /** "Model: …" / "Models: …" before the list of the models a figure runs, and the sentence after it. */
  modelsNote: (count: number, list: string[], extra: string) => string;
  /** One entry of that list: the models' names, the notebook that saved them (a link), its profile and execution. */
  savedBy: (names: string, notebookLink: string, profile: string, execution: string) => string;
  /** How the page's weights are stored. */
  storage: (dtype: 'float32' | 'float16' | 'uint8' | 'uint16') => string;
}

export const WIDGET_UI: Record<Lang, WidgetStrings> = {
  en: {
    nats: ' nats',
    couldNotStart: (msg) => `This interactive figure could not start: ${msg}`,
    activityChart: (n) => `Activity of each of ${n} latent dimensions, most active first, log scale`,
    dimensionAxis: 'dimension, most active first',
    meanMu: 'mean μ',
    betaSamplesCaption: 'samples from the prior (the same draws for every β)',
    betaReconsCaption: 'test digits (top) and their reconstructions',
    betaActivityCaption: (threshold) => `activity Var_x(E[z_j]); the dashed line is ${threshold}`,
    encoderInput: 'encoder input',
    betaSummary: (beta, recon, kl, active, latentDim) => `β = ${beta}: reconstruction ${recon} nats, KL ${kl} nats, ${active} of ${latentDim} units active`,
    betaSlider: 'β of the model shown',
    betaSamples: (beta) => `Samples of the model trained with β = ${beta}`,
    betaRecons: (beta) => `Reconstructions by the model trained with β = ${beta}`,
    drawPad: 'Drawing pad: draw a digit with the mouse or a finger',
    drawSeen: 'What the encoder sees: the drawing centred like MNIST',
    drawRecon: 'Reconstruction: the decoded posterior mean',
    drawPlane: 'The latent plane: test digits as dots, the posterior of the drawing as ellipses',
    reconstruction: 'reconstruction',
    clear: 'Clear',
    aTestDigit: 'A test digit',
    normChart: (d) => `Norm of the code along the lerp and slerp paths, against the square root of ${d}`,
    testDigit: (label) => `Test digit ${label}`,
    pickStart: 'Pick the start',
    pickEnd: 'Pick the end',
    lerp: ' lerp (straight line)',
    slerp: ' slerp (great circle)',
    positionT: 'Position t along the path',
    decodedAtT: 'The digit decoded at t',
    step: (s, of) => `Step ${s} of ${of}`,
    densities: (mu, sigma) => `Densities of q = N(${mu}, ${sigma}²) and the prior N(0, 1)`,
    latentPlane: (n, model) => `Posterior means of ${n} test digits under ${model}; move the pointer to decode a point`,
    decodedAtPointer: 'The digit decoded at the pointer',
    pointAtPlane: 'Point at the plane',
    clearTrail: 'Clear the trail',
    trail: 'Trail',
    trailDigit: (i, x, y) => `Trail digit ${i} at z = (${x}, ${y})`,
    klMuSlider: 'mean μ of q',
    klSigmaSlider: 'standard deviation σ of q',
    klStill: (mu, sigma, formula, kl) => `For μ = ${mu}, σ = ${sigma}: KL(q ‖ p) = ${formula} = ${kl} nats`,
    klSource: 'The KL is computed in the page by the library’s <code>klDivergence</code>, the function the VAE’s loss calls.',
    betaColumns: ['samples', 'test digits and reconstructions', 'active units'],
    betaTestAndRecons: (beta) => `Test digits and their reconstructions by the model trained with β = ${beta}`,
    betaSource: (n, threshold) => `Samples, reconstructions, test terms (${n} test digits) and active units (threshold ${threshold}) were computed by the library from these models when the book was built.`,
    drawStillPlane: 'Ten test digits’ posteriors as 1σ ellipses among the codes of the test digits',
    drawStillNote: 'Ten test digits (top) and their reconstructions from the posterior mean (bottom):',
    drawStillAlt: 'Ten test digits and their reconstructions',
    drawSource: (storage, maxError, codes, samples) =>
      `Encoder and decoder run in this page with weights stored as ${storage} (decoded pixels within ${maxError} of the trained model's over ${codes} test codes). ` +
      `The reconstruction term averages ${samples} draws of z, the same draws for every drawing.`,
    interpolateStillNote: (a, b) => `From a test ${a} to a test ${b}: lerp (top row) and slerp (bottom row).`,
    interpolateStillAlt: (a, b) => `Decoded interpolation from a ${a} to a ${b}, lerp then slerp`,
    interpolateSource: (storage, maxError) =>
      `Its decoder runs in this page with weights stored as ${storage} (decoded pixels within ${maxError} of the trained model's for these digits); the codes are the trained encoder's posterior means.`,
    explorerStillPlane: (n, model) => `Posterior means of ${n} test digits under ${model}`,
    explorerStillNote: 'Decoded along the diagonal from (−2, −2) to (2, 2):',
    explorerStillAlt: 'Digits decoded along the diagonal of the latent plane',
    explorerSource: (storage, codes, meanError, maxError) =>
      `Its decoder runs in this page with weights stored as ${storage}: over the ${codes} codes shown, its pixels differ from the trained model's by ${meanError} on average and ${maxError} at most.`,
    modelsNote: (count, list, extra) => `Model${count > 1 ? 's' : ''}: ${list.join('; ')}.${extra ? ` ${extra}` : ''}`,
    savedBy: (names, link, profile, execution) => `${names}, saved by ${link} in the run whose outputs the book shows (profile ${profile}, execution ${execution})`,
    storage: (dtype) =>
      dtype === 'float32' ? 'full precision' : dtype === 'float16' ? 'half precision (float16)' : `${dtype === 'uint8' ? 8 : 16}-bit levels, one range per input unit of each layer`,
  },
  zh: {
    nats: ' 奈特',
    couldNotStart: (msg) => `这幅交互图无法启动：${msg}`,
    activityChart: (n) => `${n} 个隐维度各自的活跃度，最活跃的在前，对数刻度`,
    dimensionAxis: '维度，最活跃的在前',
    meanMu: '均值 μ',
    betaSamplesCaption: '先验样本（每个 β 用同一组抽样）',
    betaReconsCaption: '测试数字（上）及其重构',
    betaActivityCaption: (threshold) => `活跃度 Var_x(E[z_j])；虚线为 ${threshold}`,
    encoderInput: '编码器输入',
    betaSummary: (beta, recon, kl, active, latentDim) => `β = ${beta}：重构 ${recon} 奈特，KL ${kl} 奈特，${latentDim} 个单元中 ${active} 个活跃`,
    betaSlider: '所显示模型的 β',
    betaSamples: (beta) => `用 β = ${beta} 训练的模型的样本`,
    betaRecons: (beta) => `用 β = ${beta} 训练的模型的重构`,
    drawPad: '画板：用鼠标或手指画一个数字',
    drawSeen: '编码器看到的：像 MNIST 那样居中后的画',
    drawRecon: '重构：解码后的后验均值',
    drawPlane: '隐平面：测试数字为点，所画数字的后验为椭圆',
    reconstruction: '重构',
    clear: '清除',
    aTestDigit: '一个测试数字',
    normChart: (d) => `沿 lerp 和 slerp 路径的编码范数，与 ${d} 的平方根对照`,
    testDigit: (label) => `测试数字 ${label}`,
    pickStart: '选择起点',
    pickEnd: '选择终点',
    lerp: ' lerp（直线）',
    slerp: ' slerp（大圆）',
    positionT: '沿路径的位置 t',
    decodedAtT: '在 t 处解码出的数字',
    step: (s, of) => `第 ${s} 步，共 ${of} 步`,
    densities: (mu, sigma) => `q = N(${mu}, ${sigma}²) 与先验 N(0, 1) 的密度`,
    latentPlane: (n, model) => `${model} 下 ${n} 个测试数字的后验均值；移动指针以解码一个点`,
    decodedAtPointer: '在指针处解码出的数字',
    pointAtPlane: '指向平面',
    clearTrail: '清除轨迹',
    trail: '轨迹',
    trailDigit: (i, x, y) => `轨迹中第 ${i} 个数字，z = (${x}, ${y})`,
    klMuSlider: 'q 的均值 μ',
    klSigmaSlider: 'q 的标准差 σ',
    klStill: (mu, sigma, formula, kl) => `μ = ${mu}，σ = ${sigma} 时：KL(q ‖ p) = ${formula} = ${kl} 奈特`,
    klSource: 'KL 由库中的 <code>klDivergence</code> 在页面中计算，VAE 的损失调用的正是这个函数。',
    betaColumns: ['样本', '测试数字及其重构', '活跃单元'],
    betaTestAndRecons: (beta) => `测试数字及用 β = ${beta} 训练的模型对它们的重构`,
    betaSource: (n, threshold) => `样本、重构、测试集各项（${n} 个测试数字）和活跃单元（阈值 ${threshold}）都是构建本书时由库从这些模型计算出来的。`,
    drawStillPlane: '十个测试数字的后验（1σ 椭圆），画在测试数字的编码之间',
    drawStillNote: '十个测试数字（上）及其由后验均值得到的重构（下）：',
    drawStillAlt: '十个测试数字及其重构',
    drawSource: (storage, maxError, codes, samples) =>
      `编码器和解码器在本页中运行，权重以${storage}存储（在 ${codes} 个测试编码上，解码出的像素与训练好的模型相差不超过 ${maxError}）。` +
      `重构项是对 z 的 ${samples} 次抽样取平均，每次画图都用同样的抽样。`,
    interpolateStillNote: (a, b) => `从一个测试 ${a} 到一个测试 ${b}：lerp（上行）与 slerp（下行）。`,
    interpolateStillAlt: (a, b) => `从 ${a} 到 ${b} 解码出的插值，先 lerp 后 slerp`,
    interpolateSource: (storage, maxError) =>
      `它的解码器在本页中运行，权重以${storage}存储（对这些数字，解码出的像素与训练好的模型相差不超过 ${maxError}）；编码是训练好的编码器给出的后验均值。`,
    explorerStillPlane: (n, model) => `${model} 下 ${n} 个测试数字的后验均值`,
    explorerStillNote: '沿对角线从 (−2, −2) 到 (2, 2) 解码：',
    explorerStillAlt: '沿隐平面对角线解码出的数字',
    explorerSource: (storage, codes, meanError, maxError) =>
      `它的解码器在本页中运行，权重以${storage}存储：在所显示的 ${codes} 个编码上，它的像素与训练好的模型平均相差 ${meanError}，最多相差 ${maxError}。`,
    modelsNote: (_count, list, extra) => `模型：${list.join('；')}。${extra}`,
    savedBy: (names, link, profile, execution) => `${names}，由 ${link} 在本书所显示输出的那次运行中保存（配置 ${profile}，执行 ${execution}）`,
    storage: (dtype) =>
      dtype === 'float32' ? '全精度' : dtype === 'float16' ? '半精度（float16）' : ` ${dtype === 'uint8' ? 8 : 16} 位量化级（每层的每个输入单元一个取值范围）`,
  },
};

/** The widgets' words for the page they run in (its `<html lang>`); English outside a page (tests in Node). */
export function widgetStrings(): WidgetStrings {
  const lang = typeof document !== 'undefined' ? document.documentElement.lang : '';
  return WIDGET_UI[lang.startsWith('zh') ? 'zh' : 'en'];
}

/** The words of the measurement tables (scripts/bookgen/measurements.ts), in the same registry as the page's. */
export interface MeasurementStrings {
  /** The literature table's caption. */
  literatureCaption: string;
  /** Column headers. */
  model: string;
  architecture: string;
  training: string;
  negElbo: string;
  nll: string;
  k: string;
  source: string;
  /** This book's literature VAE, over `seeds` (its n and the seeds' numbers). */
  thisBook: (seeds: number[]) => string;
  /** The same model scored with a larger K. */
  sameLargerK: (seeds: number[]) => string;
  /** "100 epochs, Adam 10⁻³ → 10⁻⁵ (cosine), batch 128" (the rates already formatted; `to` absent: a constant rate). */
  schedule: (epochs: number, from: string, to: string | undefined, batch: number) => string;
  dense: (layers: string) => string;
  notRecorded: string;
  ourSource: (folder: string) => string;
  pytorch: string;
  pytorchTraining: string;
  pytorchSource: string;
  burdaVae: string;
  burdaIwae: string;
  burdaTraining: string;
  burdaSource: string;
  /** "mean ± sample standard deviation over the seeds; per seed: …" (the values already formatted). */
  perSeed: (k: number, values: [seed: number, nll: string][]) => string;
  /** The gap to Burda et al.'s VAE against the seeds' spread. */
  gap: (gap: string, k: number, theirK: number, sd: string, n: number, outside: boolean) => string;
  /** A record measured with older code (the book build warns too). */
  stale: (file: string, commit: string) => string;
}

export const MEASUREMENT_UI: Record<Lang, MeasurementStrings> = {
  en: {
    literatureCaption: 'Binarized MNIST, the 10,000 test digits: this book\'s literature VAE beside the literature (nats per digit)',
    model: 'model',
    architecture: 'architecture',
    training: 'training',
    negElbo: 'test −ELBO (nats)',
    nll: 'test NLL (nats)',
    k: 'K',
    source: 'source',
    thisBook: (seeds) => `this book, <code>literatureVae</code>, n = ${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')})`,
    sameLargerK: (seeds) => (seeds.length ? `the same, n = ${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')})` : 'the same'),
    schedule: (epochs, from, to, batch) => `${epochs} epochs, Adam ${to === undefined ? from : `${from} → ${to} (cosine)`}, batch ${batch}`,
    dense: (layers) => `${layers}, ReLU`,
    notRecorded: 'not recorded',
    ourSource: (folder) => `<code>npm run measure</code>, records in <code>${folder}</code>`,
    pytorch: 'pytorch/examples VAE',
    pytorchTraining: '50 epochs, Adam 10<sup>−3</sup>, batch 128',
    pytorchSource: 'measured with PyTorch 2.13 on this project\'s machine, the same binarized full MNIST, one seed',
    burdaVae: 'VAE, 1 stochastic layer',
    burdaIwae: 'IWAE (k = 50), 1 stochastic layer',
    burdaTraining: '3,280 passes over the data',
    burdaSource: 'Burda et al. (2016), Table 1',
    perSeed: (k, values) =>
      `This book's rows: mean ± sample standard deviation over the seeds. Test NLL per seed at K = ${k.toLocaleString('en')}: ` +
      `${values.map(([seed, v]) => `seed ${seed} ${v}`).join(', ')}.`,
    gap: (gap, k, theirK, sd, n, outside) =>
      `Burda et al.'s VAE is ${gap} nats below this book's mean (ours at K = ${k.toLocaleString('en')}, theirs at K = ${theirK.toLocaleString('en')}); ` +
      (n < 2 ? 'with one seed, the spread between seeds is not measured.' : `the standard deviation over ${n} seeds is ${sd} nats, so the gap is ${outside ? 'outside' : 'inside'} the seed spread.`),
    stale: (file, commit) => `<code>${file}</code> was measured with the code of commit ${commit}; the recipe changed since.`,
  },
  zh: {
    literatureCaption: '二值化 MNIST，10,000 个测试数字：本书的文献对照 VAE 与文献（奈特/数字）',
    model: '模型',
    architecture: '结构',
    training: '训练',
    negElbo: '测试 −ELBO（奈特）',
    nll: '测试 NLL（奈特）',
    k: 'K',
    source: '来源',
    thisBook: (seeds) => `本书的 <code>literatureVae</code>，n = ${seeds.length} 个种子（${seeds.join('、')}）`,
    sameLargerK: (seeds) => (seeds.length ? `同一模型，n = ${seeds.length} 个种子（${seeds.join('、')}）` : '同一模型'),
    schedule: (epochs, from, to, batch) => `${epochs} 轮，Adam ${to === undefined ? from : `${from} → ${to}（余弦）`}，批大小 ${batch}`,
    dense: (layers) => `${layers}，ReLU`,
    notRecorded: '未记录',
    ourSource: (folder) => `<code>npm run measure</code>，记录在 <code>${folder}</code>`,
    pytorch: 'pytorch/examples 的 VAE',
    pytorchTraining: '50 轮，Adam 10<sup>−3</sup>，批大小 128',
    pytorchSource: '在本项目的机器上用 PyTorch 2.13 测得，同一份二值化完整 MNIST，一个种子',
    burdaVae: 'VAE，1 个随机层',
    burdaIwae: 'IWAE（k = 50），1 个随机层',
    burdaTraining: '遍历数据 3,280 次',
    burdaSource: 'Burda 等（2016），表 1',
    perSeed: (k, values) =>
      `本书的行：各种子的均值 ± 样本标准差。K = ${k.toLocaleString('en')} 时每个种子的测试 NLL：${values.map(([seed, v]) => `种子 ${seed} 为 ${v}`).join('，')}。`,
    gap: (gap, k, theirK, sd, n, outside) =>
      `Burda 等人的 VAE 比本书的均值低 ${gap} 奈特（本书 K = ${k.toLocaleString('en')}，他们 K = ${theirK.toLocaleString('en')}）；` +
      (n < 2 ? '只有一个种子，种子间的波动没有测量。' : `${n} 个种子的标准差为 ${sd} 奈特，所以这一差距在种子波动${outside ? '之外' : '之内'}。`),
    stale: (file, commit) => `<code>${file}</code> 是用提交 ${commit} 的代码测得的；此后配方已改变。`,
  },
};
