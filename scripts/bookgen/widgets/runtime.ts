// The in-page runtime of the book's interactive figures (index.ts, the entry that esbuild bundles into
// assets/widgets.js with every widget's page.ts, the library and TF.js, calls main): finds each
// <figure class="widget">, loads the parts it names with <script> tags when it nears the viewport, starts it, and
// hides its still. Errors show in the figure and in the console.
import * as tf from '@tensorflow/tfjs';
import { PARTS_GLOBAL } from './parts';
import type { WidgetContext, WidgetModule } from './dom';
import { widgetStrings } from '../i18n';

/** Widget `name`'s page module: every folder's page.ts is in the bundle (esbuild expands the pattern at build time). */
function widgetModule(name: string): WidgetModule {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`unknown widget "${name}"`);
  try {
    return require(`./${name}/page.ts`) as WidgetModule;
  } catch {
    throw new Error(`unknown widget "${name}"`);
  }
}

/** A part as the page names it: the registry id its script fills, and the script's URL. */
interface PartRef {
  id: string;
  src: string;
}

/** What tests and the page benchmark read: each widget's state and the duration of each interaction, in ms. */
interface BookWidgets {
  state: Record<string, 'loading' | 'ready' | 'error'>;
  timings: Record<string, Record<string, number[]>>;
  errors: string[];
  /** TF.js tensors alive: flat while a reader plays with the widgets (the browser test checks it). */
  numTensors(): number;
}

type PartsRegistry = Record<string, unknown>;
const scope = self as unknown as Record<string, unknown>;

const loading = new Map<string, Promise<void>>();

/** Loads a part script once per page (two widgets may share a model). */
function loadScript(src: string): Promise<void> {
  let p = loading.get(src);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(s);
    });
    loading.set(src, p);
  }
  return p;
}

async function loadPart(ref: PartRef): Promise<unknown> {
  await loadScript(ref.src);
  const registry = (scope[PARTS_GLOBAL] ?? {}) as PartsRegistry;
  if (!(ref.id in registry)) throw new Error(`${ref.src} did not define part ${ref.id}`);
  return registry[ref.id];
}

async function start(fig: HTMLElement, book: BookWidgets, backend: Promise<void>): Promise<void> {
  const name = fig.dataset.widget ?? '';
  const id = fig.id;
  book.state[id] = 'loading';
  fig.dataset.state = 'loading';
  try {
    const mod = widgetModule(name);
    const refs = JSON.parse(fig.dataset.parts ?? '{}') as Record<string, PartRef>;
    const config = JSON.parse(fig.dataset.config ?? '{}') as Record<string, unknown>;
    const entries = await Promise.all(Object.entries(refs).map(async ([k, ref]) => [k, await loadPart(ref)] as const));
    const parts = new Map(entries);
    await backend;
    const live = fig.querySelector<HTMLElement>('.widget-live');
    if (!live) throw new Error('no .widget-live container');
    book.timings[id] = {};
    const ctx: WidgetContext = {
      root: fig,
      live,
      config,
      part: (k) => {
        if (!parts.has(k)) throw new Error(`widget ${name} asked for part "${k}", the page gives ${[...parts.keys()].join(', ') || 'none'}`);
        return parts.get(k);
      },
      timing: (label, ms) => {
        (book.timings[id][label] ??= []).push(ms);
      },
    };
    live.hidden = false;
    await mod.mount(ctx);
    fig.classList.add('widget-running');
    book.state[id] = 'ready';
    fig.dataset.state = 'ready';
  } catch (e) {
    const msg = `widget ${name} (${id}): ${e instanceof Error ? e.message : String(e)}`;
    book.state[id] = 'error';
    book.errors.push(msg);
    fig.dataset.state = 'error';
    fig.classList.remove('widget-running');
    const live = fig.querySelector<HTMLElement>('.widget-live');
    if (live) {
      live.replaceChildren(Object.assign(document.createElement('p'), { className: 'widget-error', textContent: widgetStrings().couldNotStart(msg) }));
    }
    console.error(msg);
  }
}

export function main(): void {
  const book: BookWidgets = { state: {}, timings: {}, errors: [], numTensors: () => tf.memory().numTensors };
  scope.VAE_BOOK_WIDGETS = book;
  const figures = Array.from(document.querySelectorAll<HTMLElement>('figure.widget[data-widget]'));
  if (!figures.length) return;
  // cpu is the only backend in the bundle (widgets/tf.ts); setBackend makes the choice explicit.
  const backend = tf.setBackend('cpu').then((ok) => {
    if (!ok) throw new Error('TF.js cpu backend did not start');
  });
  const go = (fig: HTMLElement) => void start(fig, book, backend);
  if (!('IntersectionObserver' in self)) {
    figures.forEach(go);
    return;
  }
  // A widget starts (and loads its model) when it comes within a screen or so of the viewport.
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      io.unobserve(e.target);
      go(e.target as HTMLElement);
    }
  }, { rootMargin: '800px 0px' });
  figures.forEach((f) => io.observe(f));
}

