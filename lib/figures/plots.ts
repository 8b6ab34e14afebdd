/**
 * Plotly figure specs as plain JSON: the notebooks display them (lib/figures/display.ts,
 * MIME application/vnd.plotly.v1+json) and the book embeds the same objects for
 * plotly.js. Plain means: arrays of numbers / strings / null only (no typed
 * arrays, no NaN, no functions, no random ids), so `JSON.parse(JSON.stringify(fig))`
 * gives back an equal object and the same inputs always give the same figure.
 */
import { gridLayout } from './grid';

/** One plotly trace (scatter, heatmap, bar …); values must be JSON. */
export interface PlotlyTrace {
  type: string;
  [key: string]: unknown;
}

export interface Figure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
}

/** Options every chart accepts. */
export interface PlotOptions {
  /** Figure title. */
  title?: string;
  /** x-axis title. */
  xTitle?: string;
  /** y-axis title. */
  yTitle?: string;
  /** Pixel height (width follows the container when absent). */
  height?: number;
  /** Pixel width. */
  width?: number;
  /** Log-scale y axis. */
  logY?: boolean;
  /** Log-scale x axis (K, S: sample counts that grow by factors). */
  logX?: boolean;
}

/** d3's category10, the plotly default cycle; fixed so digit k has the same colour everywhere. */
export const DIGIT_COLOURS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

/** A JSON-safe number: non-finite values become null (plotly draws a gap). */
function num(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

function baseLayout(opts: PlotOptions, defaults: PlotOptions = {}): Record<string, unknown> {
  const o = { ...defaults, ...opts };
  const layout: Record<string, unknown> = {
    margin: { l: 60, r: 20, t: o.title ? 50 : 20, b: 50 },
    xaxis: { title: { text: o.xTitle ?? '' }, ...(o.logX ? { type: 'log' } : {}) },
    yaxis: { title: { text: o.yTitle ?? '' }, ...(o.logY ? { type: 'log' } : {}) },
  };
  if (o.title) layout.title = { text: o.title };
  if (o.height !== undefined) layout.height = o.height;
  if (o.width !== undefined) layout.width = o.width;
  return layout;
}

export interface Series {
  /** Legend name. */
  name: string;
  /** One value per x. */
  y: ArrayLike<number>;
  /**
   * Error bar half-widths, one per x (the sd over seeds): drawn as y ± error (plotly `error_y`). Absent: no bars.
   */
  error?: ArrayLike<number>;
  /** Draw markers at the points as well as the line (lineChart; default false). */
  markers?: boolean;
}

/** A series from values measured over seeds: y = the means, error = the sds (lib/figures/intervals.ts). */
export function seriesOfSummaries(name: string, values: readonly { mean: number; sd: number }[]): Series {
  return { name, y: values.map((v) => v.mean), error: values.map((v) => v.sd) };
}

/** The trace fields of a series' error bars (plotly error_y, symmetric, data-valued), or none. */
function errorBars(chart: string, s: Series, n: number): Record<string, unknown> {
  if (s.error === undefined) return {};
  if (s.error.length !== n) throw new Error(`${chart}: series '${s.name}' has ${s.error.length} error values for ${n} x values`);
  const array = Array.from(s.error, (e, i) => {
    if (!(e >= 0)) throw new Error(`${chart}: series '${s.name}' error ${i} is ${e}; an error bar is a half-width ≥ 0`);
    return num(e);
  });
  return { error_y: { type: 'data', array, visible: true, thickness: 1.5, width: 4 } };
}

/** Lines sharing one x axis (with error bars for series that carry them). */
export function lineChart(spec: { x: ArrayLike<number>; ys: Series[] }, opts: PlotOptions = {}): Figure {
  const x = Array.from(spec.x, (v) => num(v));
  const data: PlotlyTrace[] = spec.ys.map((s) => {
    if (s.y.length !== x.length) throw new Error(`lineChart: series '${s.name}' has ${s.y.length} values for ${x.length} x values`);
    return { type: 'scatter', mode: s.markers ? 'lines+markers' : 'lines', name: s.name, x, y: Array.from(s.y, (v) => num(v)), ...errorBars('lineChart', s, x.length) };
  });
  return { data, layout: baseLayout(opts) };
}

/** Grouped bars, e.g. KL per latent dimension or a metric per digit (with error bars for series that carry them). */
export function barChart(spec: { x: ArrayLike<number | string>; ys: Series[] }, opts: PlotOptions = {}): Figure {
  const x = Array.from(spec.x, (v) => (typeof v === 'number' ? num(v) : v));
  const data: PlotlyTrace[] = spec.ys.map((s) => {
    if (s.y.length !== x.length) throw new Error(`barChart: series '${s.name}' has ${s.y.length} values for ${x.length} x values`);
    return { type: 'bar', name: s.name, x, y: Array.from(s.y, (v) => num(v)), ...errorBars('barChart', s, x.length) };
  });
  return { data, layout: { ...baseLayout(opts), barmode: 'group' } };
}

export interface LossPoint {
  step: number;
  loss?: number;
  recon?: number;
  kl?: number;
  elbo?: number;
}

const LOSS_NAMES: Record<'loss' | 'recon' | 'kl' | 'elbo', string> = {
  loss: 'loss (recon + β·KL)',
  recon: 'reconstruction',
  kl: 'KL',
  elbo: 'ELBO',
};

/** One line per quantity present in the history (nats per example against step); chapter 4. */
export function lossCurve(history: LossPoint[], opts: PlotOptions = {}): Figure {
  const data: PlotlyTrace[] = [];
  for (const key of ['loss', 'recon', 'kl', 'elbo'] as const) {
    const pts = history.filter((h) => h[key] !== undefined);
    if (pts.length === 0) continue;
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: LOSS_NAMES[key],
      x: pts.map((h) => num(h.step)),
      y: pts.map((h) => num(h[key])),
    });
  }
  return { data, layout: baseLayout(opts, { title: 'Training loss', xTitle: 'step', yTitle: 'nats per example' }) };
}

export interface ElboPoint {
  epoch: number;
  elbo: number;
  test?: { elbo: number };
}

/** Train and (when logged) test ELBO per epoch, the shape of train.ts's EpochLog. */
export function elboCurve(history: ElboPoint[], opts: PlotOptions = {}): Figure {
  const data: PlotlyTrace[] = [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'train ELBO',
      x: history.map((h) => num(h.epoch)),
      y: history.map((h) => num(h.elbo)),
    },
  ];
  const withTest = history.filter((h) => h.test !== undefined);
  if (withTest.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: 'test ELBO',
      x: withTest.map((h) => num(h.epoch)),
      y: withTest.map((h) => num(h.test?.elbo)),
    });
  }
  return { data, layout: baseLayout(opts, { title: 'ELBO', xTitle: 'epoch', yTitle: 'nats per example' }) };
}

export interface KlPoint {
  step: number;
  kl?: number;
  beta?: number;
}

/** The KL term over training and, when logged, the β schedule on a second axis (chapter 5, warm-up). */
export function klCurve(history: KlPoint[], opts: PlotOptions = {}): Figure {
  const kl = history.filter((h) => h.kl !== undefined);
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'lines', name: 'KL', x: kl.map((h) => num(h.step)), y: kl.map((h) => num(h.kl)) },
  ];
  const layout = baseLayout(opts, { title: 'KL term', xTitle: 'step', yTitle: 'nats per example' });
  const beta = history.filter((h) => h.beta !== undefined);
  if (beta.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: 'β',
      x: beta.map((h) => num(h.step)),
      y: beta.map((h) => num(h.beta)),
      yaxis: 'y2',
      line: { dash: 'dot' },
    });
    layout.yaxis2 = { title: { text: 'β' }, overlaying: 'y', side: 'right', rangemode: 'tozero' };
    // Keep the legend clear of the second axis' ticks and title.
    layout.legend = { x: 1.12, xanchor: 'left' };
  }
  return { data, layout };
}

export interface LatentScatterOptions extends PlotOptions {
  /** Values per point when `points` is flat (default 2). */
  latentDim?: number;
  /** Which two latent coordinates to draw. */
  dims?: [number, number];
  /** Marker size in pixels. */
  markerSize?: number;
}

/**
 * Latent means coloured by digit: one trace per class 0–9 (and beyond if the
 * labels go higher), so the legend toggles digits (chapter 4, the latent space).
 */
export function latentScatter(
  points: Float32Array | number[][],
  labels: ArrayLike<number>,
  opts: LatentScatterOptions = {},
): Figure {
  const [dx, dy] = opts.dims ?? [0, 1];
  let rows: number;
  let get: (i: number, d: number) => number;
  if (points instanceof Float32Array) {
    const dim = opts.latentDim ?? 2;
    if (!Number.isInteger(dim) || dim < 1 || points.length % dim !== 0) {
      throw new Error(`latentScatter: ${points.length} values do not split into points of latentDim ${dim}`);
    }
    rows = points.length / dim;
    if (Math.max(dx, dy) >= dim) throw new Error(`latentScatter: dims [${dx}, ${dy}] out of range for latentDim ${dim}`);
    get = (i, d) => points[i * dim + d];
  } else {
    rows = points.length;
    get = (i, d) => {
      const v = points[i][d];
      if (v === undefined) throw new Error(`latentScatter: point ${i} has no coordinate ${d}`);
      return v;
    };
  }
  if (labels.length !== rows) throw new Error(`latentScatter: ${rows} points but ${labels.length} labels`);
  let classes = 10;
  for (let i = 0; i < labels.length; i++) classes = Math.max(classes, labels[i] + 1);
  const xs: (number | null)[][] = Array.from({ length: classes }, () => []);
  const ys: (number | null)[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < rows; i++) {
    xs[labels[i]].push(num(get(i, dx)));
    ys[labels[i]].push(num(get(i, dy)));
  }
  const data: PlotlyTrace[] = xs.map((x, k) => ({
    type: 'scatter',
    mode: 'markers',
    name: String(k),
    x,
    y: ys[k],
    marker: { size: opts.markerSize ?? 4, color: DIGIT_COLOURS[k % DIGIT_COLOURS.length], opacity: 0.7 },
  }));
  return {
    data,
    layout: baseLayout(opts, { title: 'Latent space', xTitle: `z[${dx}]`, yTitle: `z[${dy}]` }),
  };
}

export interface PosteriorView {
  /** The digit's label (its colour). */
  label: number;
  /** Draws from the true posterior p(z|x), [z0, z1] pairs, flat (e.g. samplePosteriorGrid). */
  samples: ArrayLike<number>;
  /** q(z|x)'s mean and standard deviations. */
  qMean: readonly [number, number];
  qSd: readonly [number, number];
}

/** Points of the ellipse mean ± k·sd (axis-aligned, as a diagonal Gaussian's contours are), closed. */
function ellipse(mean: readonly [number, number], sd: readonly [number, number], k: number, points = 73): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < points; i++) {
    const a = (2 * Math.PI * i) / (points - 1);
    x.push(mean[0] + k * sd[0] * Math.cos(a));
    y.push(mean[1] + k * sd[1] * Math.sin(a));
  }
  return { x, y };
}

/**
 * The true posterior of a few digits against q (chapter 3): a cloud of draws from p(z|x) per digit, in its
 * digit's colour, and q(z|x)'s 1σ (solid) and 2σ (dashed) ellipses over it.
 */
export function posteriorPlot(views: readonly PosteriorView[], opts: PlotOptions = {}): Figure {
  const data: PlotlyTrace[] = [];
  views.forEach((v, i) => {
    if (v.samples.length % 2 !== 0) throw new Error(`posteriorPlot: view ${i} has ${v.samples.length} values, not [z0, z1] pairs`);
    const colour = DIGIT_COLOURS[v.label % DIGIT_COLOURS.length];
    const xs: (number | null)[] = [];
    const ys: (number | null)[] = [];
    for (let k = 0; k < v.samples.length; k += 2) {
      xs.push(num(v.samples[k]));
      ys.push(num(v.samples[k + 1]));
    }
    data.push({ type: 'scatter', mode: 'markers', name: `p(z|x), a ${v.label}`, x: xs, y: ys, marker: { size: 3, color: colour, opacity: 0.35 } });
    for (const k of [1, 2]) {
      const e = ellipse(v.qMean, v.qSd, k);
      data.push({ type: 'scatter', mode: 'lines', name: `q(z|x), ${k}σ`, x: e.x, y: e.y, line: { color: colour, width: 2, dash: k === 1 ? 'solid' : 'dash' }, showlegend: i === 0 });
    }
  });
  return { data, layout: baseLayout(opts, { title: 'True posterior and q', xTitle: 'z[0]', yTitle: 'z[1]' }) };
}

export interface ImageGridOptions {
  /** Figure title. */
  title?: string;
  /** Images to draw; default all. */
  count?: number;
  /** Tiles per row; default ceil(√count). */
  cols?: number;
  /** Image height in pixels. */
  height?: number;
  /** Image width in pixels. */
  width?: number;
  /** Empty cells between tiles (drawn as background). */
  pad?: number;
  /** 'dark': ink (1) black on white, as in print; 'light': white on black, as MNIST is stored. */
  ink?: 'dark' | 'light';
  /** Figure height in pixels (`height` is the image height here). */
  figureHeight?: number;
  /** Figure width in pixels. */
  figureWidth?: number;
}

/**
 * A grid of grey images as one heatmap (values in [0, 1]); gaps are null so
 * they show the background. Used for samples, reconstructions and the 2-D
 * latent manifold (chapter 4).
 */
export function imageGrid(images: Float32Array, opts: ImageGridOptions = {}): Figure {
  const h = opts.height ?? 28;
  const w = opts.width ?? 28;
  const pad = opts.pad ?? 1;
  const p = h * w;
  const { count, cols, rows } = gridLayout('imageGrid', images.length, h, w, opts.count, opts.cols);
  const W = cols * w + (cols - 1) * pad;
  const H = rows * h + (rows - 1) * pad;
  const z: (number | null)[][] = Array.from({ length: H }, () => new Array<number | null>(W).fill(null));
  for (let n = 0; n < count; n++) {
    const x0 = (n % cols) * (w + pad);
    const y0 = Math.floor(n / cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) z[y0 + y][x0 + x] = num(images[n * p + y * w + x]);
    }
  }
  const dark = (opts.ink ?? 'dark') === 'dark';
  const trace: PlotlyTrace = {
    type: 'heatmap',
    z,
    zmin: 0,
    zmax: 1,
    colorscale: dark ? [[0, '#ffffff'], [1, '#000000']] : [[0, '#000000'], [1, '#ffffff']],
    showscale: false,
    hoverinfo: 'skip',
  };
  const axis = { visible: false, showgrid: false, zeroline: false };
  const layout: Record<string, unknown> = {
    margin: { l: 10, r: 10, t: opts.title ? 40 : 10, b: 10 },
    xaxis: { ...axis, constrain: 'domain' },
    // Row 0 of z at the top, and square pixels.
    yaxis: { ...axis, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' },
    plot_bgcolor: dark ? '#ffffff' : '#000000',
  };
  if (opts.title) layout.title = { text: opts.title };
  if (opts.figureHeight !== undefined) layout.height = opts.figureHeight;
  if (opts.figureWidth !== undefined) layout.width = opts.figureWidth;
  return { data: [trace], layout };
}
