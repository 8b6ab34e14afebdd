// The book's behaviour, plain JS, no network: theme toggle, sidebar drawer, plotly figures (their JSON sits in
// <script type="application/json"> next to each figure; plotly.js loads when the reader first reaches for one), the search box over window.BOOK_SEARCH_INDEX
// (built at build time), and opening solutions for printing.
(function () {
  'use strict';
  var root = document.documentElement;
  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  function theme() {
    var t = root.getAttribute('data-theme');
    if (t === 'dark' || t === 'light') return t;
    return darkQuery && darkQuery.matches ? 'dark' : 'light';
  }

  // ---- theme ----
  var themeButton = document.querySelector('.theme-toggle');
  if (themeButton) {
    themeButton.addEventListener('click', function () {
      var next = theme() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      try { localStorage.setItem('vae-book-theme', next); } catch (e) { /* storage may be disabled */ }
      restyleFigures();
    });
  }
  if (darkQuery && darkQuery.addEventListener) darkQuery.addEventListener('change', restyleFigures);

  // ---- sidebar drawer (narrow screens) ----
  var toggle = document.querySelector('.sidebar-toggle');
  if (toggle) {
    toggle.addEventListener('click', function () {
      var open = document.body.classList.toggle('sidebar-open');
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }

  // ---- section highlighting in the sidebar ----
  var sectionLinks = Array.prototype.slice.call(document.querySelectorAll('.toc-sections a[href^="#"]'));
  if (sectionLinks.length && 'IntersectionObserver' in window) {
    var byId = {};
    sectionLinks.forEach(function (a) { byId[decodeURIComponent(a.getAttribute('href').slice(1))] = a; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        sectionLinks.forEach(function (a) { a.classList.remove('active'); });
        var link = byId[e.target.id];
        if (link) link.classList.add('active');
      });
    }, { rootMargin: '0px 0px -70% 0px' });
    Object.keys(byId).forEach(function (id) {
      var h = document.getElementById(id);
      if (h) observer.observe(h);
    });
  }

  // ---- plotly figures ----
  function cssVar(name) { return getComputedStyle(root).getPropertyValue(name).trim(); }

  function themeLayout(layout) {
    var fg = cssVar('--fg');
    var grid = cssVar('--border');
    var out = {
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: Object.assign({}, layout.font || {}, { color: fg }),
      legend: Object.assign({}, layout.legend || {}, { bgcolor: 'rgba(0,0,0,0)' }),
    };
    var axes = Object.keys(layout).filter(function (k) { return /^[xy]axis\d*$/.test(k); });
    if (axes.indexOf('xaxis') < 0) axes.push('xaxis');
    if (axes.indexOf('yaxis') < 0) axes.push('yaxis');
    axes.forEach(function (k) {
      out[k] = Object.assign({}, layout[k] || {}, { gridcolor: grid, zerolinecolor: grid, linecolor: grid });
    });
    return out;
  }

  // Narrow figures (a phone is ~360 px of column): legend below the plot, no toolbar, fewer x ticks, and the title
  // as an HTML line above the plot, where it wraps like text (plotly's titles never wrap).
  var NARROW = 560;
  function narrow(div) { return div.clientWidth > 0 && div.clientWidth < NARROW; }

  function titleText(t) { return typeof t === 'string' ? t : t && typeof t.text === 'string' ? t.text : ''; }
  function plainText(html) { return html.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, ''); }

  /** log10 of the largest over the smallest positive value the traces on axis `k` ('xaxis', 'yaxis2', ...) draw. */
  function logSpan(data, k) {
    var letter = k.charAt(0), id = letter + k.slice(5), lo = Infinity, hi = -Infinity;
    (data || []).forEach(function (t) {
      if ((t[letter + 'axis'] || letter) !== id) return;
      Array.prototype.forEach.call(t[letter] || [], function (v) {
        if (typeof v === 'number' && v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      });
    });
    return hi > lo ? Math.log10(hi / lo) : 0;
  }

  function narrowLayout(layout, width, data) {
    var out = {
      margin: Object.assign({}, layout.margin || {}, { l: 52, r: 12, t: 12 }),
      legend: Object.assign({}, layout.legend || {}, { orientation: 'h', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom' }),
      title: { text: '' },
    };
    Object.keys(layout).filter(function (k) { return /^[xy]axis\d*$/.test(k); }).forEach(function (k) {
      var axis = layout[k] || {}, upd = { automargin: true };
      if (k.charAt(0) === 'x') upd.nticks = Math.max(3, Math.floor(width / 80));
      // Over one to three decades plotly labels every digit (2, 3, ... 9), which crowd near each power of ten on a
      // short phone plot; 1, 2, 5 per decade stays legible. Wider spans get one label per decade anyway.
      if (axis.type === 'log' && axis.dtick === undefined) {
        var span = logSpan(data, k);
        if (span >= 1 && span <= 3) upd.dtick = 'D2';
      }
      out[k] = Object.assign({}, axis, upd);
    });
    return out;
  }

  /** The HTML title shown above a narrow figure (and hidden when it is wide). */
  function htmlTitle(div, spec) {
    var text = plainText(titleText((spec.layout || {}).title));
    var el = div.previousElementSibling;
    if (!el || !el.classList.contains('plotly-title')) {
      if (!text) return;
      el = document.createElement('p');
      el.className = 'plotly-title';
      el.textContent = text;
      div.parentNode.insertBefore(el, div);
    }
    el.hidden = !narrow(div);
  }

  function figureLayout(spec, div) {
    var layout = Object.assign({}, spec.layout || {});
    delete layout.width; // fit the text column; the height the figure asked for is kept
    layout.autosize = true;
    if (narrow(div)) Object.assign(layout, narrowLayout(layout, div.clientWidth, spec.data));
    Object.assign(layout, themeLayout(layout));
    return layout;
  }

  function figureConfig(div) {
    return {
      responsive: true,
      displaylogo: false,
      displayModeBar: narrow(div) ? false : 'hover',
      modeBarButtonsToRemove: ['sendDataToCloud', 'select2d', 'lasso2d'],
    };
  }

  // plotly.js (4.7 MB, most of a second of main-thread work on a desktop, several on a phone) loads on the reader's
  // first interaction with a figure: pointer over it, a touch, or keyboard focus. Until then each figure shows its
  // still, drawn at build time (plot-still.ts), which already shows all of the figure's data.
  var PLOTLY_SRC = 'assets/plotly.js';
  var plotlyLoading = null;
  function loadPlotly() {
    if (window.Plotly) return Promise.resolve();
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = PLOTLY_SRC;
        s.async = true;
        s.onload = function () { window.Plotly ? resolve() : reject(new Error(PLOTLY_SRC + ' defined no Plotly')); };
        s.onerror = function () { plotlyLoading = null; reject(new Error('could not load ' + PLOTLY_SRC)); };
        document.head.appendChild(s);
      });
    }
    return plotlyLoading;
  }

  var figures = [];
  function drawFigure(div) {
    if (div.getAttribute('data-plot') === 'drawn') return;
    var holder = document.getElementById(div.getAttribute('data-figure'));
    if (!holder) return;
    var spec = JSON.parse(holder.textContent);
    // The still drawn at build time gives way to the interactive plot.
    var still = div.previousElementSibling;
    if (still && still.classList.contains('plotly-still')) still.parentNode.removeChild(still);
    div.setAttribute('data-plot', 'drawn');
    figures.push({ div: div, spec: spec, narrow: narrow(div) });
    htmlTitle(div, spec);
    window.Plotly.newPlot(div, spec.data, figureLayout(spec, div), figureConfig(div));
  }

  function wakeFigure(media) {
    var div = media.querySelector('.plotly-figure');
    if (!div || div.hasAttribute('data-plot')) return;
    div.setAttribute('data-plot', 'loading');
    media.classList.add('plot-loading');
    loadPlotly().then(function () {
      media.classList.remove('plot-loading');
      drawFigure(div);
    }, function (e) {
      media.classList.remove('plot-loading');
      div.removeAttribute('data-plot');
      console.error('book: ' + e.message + ', the figure stays a still');
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('.figure-media'), function (media) {
    if (!media.querySelector('.plotly-figure')) return;
    // Focusable, so that a keyboard reader can wake the plot (and reach its controls) too.
    if (!media.hasAttribute('tabindex')) media.setAttribute('tabindex', '0');
    var wake = function () { wakeFigure(media); };
    ['pointerenter', 'pointerdown', 'focusin'].forEach(function (type) { media.addEventListener(type, wake); });
    media.addEventListener('touchstart', wake, { passive: true });
  });

  // Crossing the narrow breakpoint (a rotated phone, a resized window) redraws with the other layout.
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      figures.forEach(function (f) {
        if (narrow(f.div) === f.narrow || !window.Plotly) return;
        f.narrow = narrow(f.div);
        htmlTitle(f.div, f.spec);
        window.Plotly.react(f.div, f.spec.data, figureLayout(f.spec, f.div), figureConfig(f.div));
      });
    }, 150);
  });

  function restyleFigures() {
    if (!window.Plotly) return;
    figures.forEach(function (f) {
      if (f.div.layout) window.Plotly.relayout(f.div, themeLayout(f.div.layout));
    });
  }

  // ---- interactive figures: their bundle (TF.js and the widgets, 0.65 MB) loads when one comes within a screen or
  // so of the viewport, not with the page; each figure shows its still until its widget runs.
  var widgetFigures = Array.prototype.slice.call(document.querySelectorAll('figure.widget[data-bundle]'));
  if (widgetFigures.length) {
    var widgetsAsked = false;
    var loadWidgets = function () {
      if (widgetsAsked) return;
      widgetsAsked = true;
      var s = document.createElement('script');
      s.src = widgetFigures[0].getAttribute('data-bundle');
      s.onerror = function () { console.error('book: could not load ' + s.src + ', the interactive figures stay stills'); };
      document.body.appendChild(s);
    };
    if ('IntersectionObserver' in window) {
      var near = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        near.disconnect();
        loadWidgets();
      }, { rootMargin: '800px 0px' });
      widgetFigures.forEach(function (f) { near.observe(f); });
    } else {
      loadWidgets();
    }
  }

  // ---- boxes that scroll (code, cell outputs, tables): a keyboard must reach them to scroll them ----
  // Display equations carry their tabindex in the markup (markdown.ts); these boxes scroll only at some widths, so
  // each takes focus (and a name, for code) while its content is wider or taller than the box.
  var scrollBoxes = Array.prototype.slice.call(document.querySelectorAll('.content pre, .content table'));
  function markScrollBoxes() {
    scrollBoxes.forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      var ours = el.hasAttribute('data-scroll-focus');
      if (scrolls && !el.hasAttribute('tabindex')) {
        el.setAttribute('tabindex', '0');
        el.setAttribute('data-scroll-focus', '');
        if (el.tagName === 'PRE') {
          el.setAttribute('role', 'group');
          if (window.BOOK_UI) el.setAttribute('aria-label', el.classList.contains('output') ? window.BOOK_UI.outputBox : window.BOOK_UI.codeBox);
        }
      } else if (!scrolls && ours) {
        ['tabindex', 'data-scroll-focus', 'role', 'aria-label'].forEach(function (a) { el.removeAttribute(a); });
      }
    });
  }
  markScrollBoxes();
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(markScrollBoxes);
  var scrollTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(markScrollBoxes, 200);
  });

  // ---- search ----
  var input = document.getElementById('search-input');
  var box = document.getElementById('search-results');
  var index = window.BOOK_SEARCH_INDEX;
  var prepared = null;

  function prepare() {
    if (prepared || !index) return prepared;
    prepared = index.entries.map(function (e, i) {
      return { order: i, page: index.pages[e[0]], id: e[1], title: e[2], text: e[3], hay: (e[2] + ' ' + e[3]).toLowerCase(), ttl: e[2].toLowerCase() };
    });
    return prepared;
  }

  function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function count(hay, term) {
    var n = 0, at = hay.indexOf(term);
    while (at >= 0 && n < 20) { n++; at = hay.indexOf(term, at + term.length); }
    return n;
  }

  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) at = lower.indexOf(terms[i]);
    var start = Math.max(0, at - 60);
    var piece = (start > 0 ? '…' : '') + text.slice(start, start + 180) + (start + 180 < text.length ? '…' : '');
    var html = escapeHtml(piece);
    terms.forEach(function (t) {
      var re = new RegExp('(' + t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ')', 'gi');
      html = html.replace(re, '<mark>$1</mark>');
    });
    return html;
  }

  // A query's terms: words split at spaces and punctuation, each run of CJK characters replaced by its character
  // bigrams (Chinese has no spaces; scripts/bookgen/search.ts builds the bigram lists and states the same rule).
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/g;
  var CJK_ONLY = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+$/;
  function queryTerms(q) {
    var out = [];
    q.toLowerCase().split(/[\s,.;:!?()"'，。；：！？（）、“”]+/).forEach(function (word) {
      if (!word) return;
      (word.match(CJK) || []).forEach(function (run) {
        var ch = Array.from(run);
        if (ch.length === 1) out.push(ch[0]);
        for (var i = 0; i + 1 < ch.length; i++) out.push(ch[i] + ch[i + 1]);
      });
      word.replace(CJK, ' ').split(' ').forEach(function (w) { if (w) out.push(w); });
    });
    return out;
  }

  function search(q) {
    var terms = queryTerms(q);
    if (!terms.length) return [];
    var all = prepare() || [];
    // The bigram lists narrow the sections to those holding every CJK term; the count below ranks them.
    var pool = all;
    terms.forEach(function (t) {
      if (!CJK_ONLY.test(t) || !index.cjk) return;
      var has = {};
      (index.cjk[t] || []).forEach(function (i) { has[i] = true; });
      pool = pool.filter(function (e) { return has[e.order]; });
    });
    var hits = [];
    pool.forEach(function (e) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var c = count(e.hay, terms[i]);
        if (!c) return;
        score += Math.min(c, 8) + (e.ttl.indexOf(terms[i]) >= 0 ? 12 : 0);
      }
      hits.push({ e: e, score: score, terms: terms });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.e.order - b.e.order; });
    return hits.slice(0, 12);
  }

  function show(q) {
    if (!box) return;
    if (q.trim().length < 2) { box.hidden = true; box.innerHTML = ''; return; }
    var hits = search(q);
    if (!hits.length) {
      var none = window.BOOK_UI ? window.BOOK_UI.noHits : '';
      box.innerHTML = '<div class="search-empty">' + escapeHtml(none).replace('{q}', escapeHtml(q.trim())) + '</div>';
    } else {
      box.innerHTML = hits.map(function (h) {
        var href = h.e.page[0] + (h.e.id ? '#' + encodeURIComponent(h.e.id) : '');
        var where = escapeHtml(h.e.page[1]) + (h.e.title && h.e.title !== h.e.page[1].replace(/^\d+ /, '') ? ' › ' + escapeHtml(h.e.title) : '');
        return '<a class="search-hit" href="' + href + '"><span class="hit-title">' + where + '</span><span class="hit-snippet">' + snippet(h.e.text || h.e.title, h.terms) + '</span></a>';
      }).join('');
    }
    box.hidden = false;
  }

  if (input && box) {
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(input.value); }, 60);
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape') { input.value = ''; show(''); input.blur(); }
      if (ev.key === 'Enter') { var first = box.querySelector('a'); if (first) first.click(); }
      if (ev.key === 'ArrowDown') { var a = box.querySelector('a'); if (a) { a.focus(); ev.preventDefault(); } }
    });
    box.addEventListener('keydown', function (ev) {
      var links = Array.prototype.slice.call(box.querySelectorAll('a'));
      var i = links.indexOf(document.activeElement);
      if (ev.key === 'ArrowDown' && i < links.length - 1) { links[i + 1].focus(); ev.preventDefault(); }
      if (ev.key === 'ArrowUp') { (i > 0 ? links[i - 1] : input).focus(); ev.preventDefault(); }
      if (ev.key === 'Escape') { show(''); input.focus(); }
    });
    document.addEventListener('click', function (ev) {
      if (!ev.target.closest || !ev.target.closest('.search')) box.hidden = true;
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.key === '/' && document.activeElement !== input && !/^(INPUT|TEXTAREA)$/.test(document.activeElement.tagName)) {
        ev.preventDefault();
        input.focus();
      }
    });
  }

  // ---- print: open every solution so the printed page has them ----
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.filter.call(document.querySelectorAll('details:not([open])'), function (d) { d.open = true; return true; });
  });
  window.addEventListener('afterprint', function () { opened.forEach(function (d) { d.open = false; }); opened = []; });

})();

// "Open in the browser" links lead into the book's JupyterLite site, which needs http: opened from a file, the page
// says so beside each link (scripts/bookgen/lite.ts writes the hidden note).
(function () {
  'use strict';
  if (location.protocol !== 'file:') return;
  var notes = document.querySelectorAll('.lite-file-note');
  for (var i = 0; i < notes.length; i++) notes[i].hidden = false;
})();
