// The book's JupyterLite site (book/lite/): JupyterLab's notebook app in the browser with the book's TypeScript
// kernel (lite/kernel/, built by lite/build.ts), holding the notebooks and the exercises (not their solutions),
// and the "Open in the browser" link every chapter page shows beside a notebook or an exercise.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { BookError, escapeHtml } from './markdown';
import { UI } from './i18n';
import type { UiStrings } from './i18n';
import { buildKernelExtension } from '../../lite/build';
import { libraryFingerprint } from '../../lib/io/fingerprint';
import type { Profile } from './notebooks';

/** The site's folder in the book. */
export const LITE_DIR = 'lite';

/** The JupyterLite apps the site keeps: the notebook view the links open, and its file browser. */
export const LITE_APPS = ['notebooks', 'tree'] as const;

/**
 * The link that opens `notebook` (a path in the site: 'notebooks/03-kl-term.ipynb', 'exercises/03-vae.ipynb') in
 * the JupyterLite site, from a page at the book's root, and the note book.js shows beside it when the page is
 * opened from file:// (JupyterLite needs http).
 */
export function openInBrowserHtml(notebook: string, ui: UiStrings = UI.en): string {
  const href = `${LITE_DIR}/notebooks/index.html?path=${encodeURIComponent(notebook)}`;
  return `<a class="open-lite" href="${escapeHtml(href)}">${ui.openInBrowser}</a><span class="lite-file-note" hidden>${ui.liteFileNote}</span>`;
}

export interface LiteOptions {
  root: string;
  /** The project's venv Python; its bin/ holds `jupyter` with jupyterlite-core (requirements.txt). */
  python: string;
  notebooksDir: string;
  exercisesDir: string;
  /** Where the site is written (inside the book's build folder). */
  outDir: string;
  /** Kernel build and staging (under .cache/). */
  cacheDir: string;
  /** The run profile the kernel's notebooks use (VAE_PROFILE in the worker). */
  profile: Profile;
  log: (msg: string) => void;
}

/**
 * Why the site cannot be built here (jupyterlite-core missing from the venv), or null. The book is then built
 * without it and says so: a venv made before requirements.txt listed jupyterlite-core still builds the book.
 */
export function liteUnavailable(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import jupyterlite_core'], { encoding: 'utf8' });
  return r.status === 0 ? null : `jupyterlite-core is not installed in ${path.dirname(path.dirname(python))} (npm run setup, or pip install -r requirements.txt)`;
}

/** A hash of what the kernel extension is built from: the library, the kernel's sources and the lock file. */
function kernelFingerprint(root: string): string {
  const h = createHash('sha256').update(libraryFingerprint(root));
  const dir = path.join(root, 'lite');
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).sort()) {
    h.update(f).update(fs.readFileSync(path.join(dir, f)));
  }
  return h.digest('hex').slice(0, 16);
}

/** The notebooks of `dir` that a reader opens (no scratch files, no solutions). */
function notebooksIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !/^[_.]/.test(f)).sort() : [];
}

/**
 * Builds the site into opts.outDir: the kernel extension (rebuilt when its sources changed), then
 * `jupyter lite build` with the notebooks and exercises as contents. Returns the site's size.
 */
export async function buildLiteSite(opts: LiteOptions): Promise<{ bytes: number; files: number }> {
  const jupyter = path.join(path.dirname(opts.python), 'jupyter');
  if (!fs.existsSync(jupyter)) throw new BookError(`the JupyterLite site needs ${jupyter} with jupyterlite-core (npm run setup installs requirements.txt)`);
  const extensions = path.join(opts.cacheDir, 'extensions');
  const stamp = path.join(extensions, 'fingerprint.txt');
  const fingerprint = kernelFingerprint(opts.root);
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== fingerprint) {
    opts.log('building the TypeScript kernel for JupyterLite (lite/build.ts) …');
    await buildKernelExtension(extensions);
    fs.writeFileSync(stamp, fingerprint);
  }
  // The lite dir: its jupyter-lite.json and the contents, staged so that solutions and scratch files stay out.
  const liteDir = path.join(opts.cacheDir, 'site-src');
  fs.rmSync(liteDir, { recursive: true, force: true });
  for (const [name, dir] of [['notebooks', opts.notebooksDir], ['exercises', opts.exercisesDir]] as const) {
    fs.mkdirSync(path.join(liteDir, 'files', name), { recursive: true });
    for (const f of notebooksIn(dir)) fs.copyFileSync(path.join(dir, f), path.join(liteDir, 'files', name, f));
  }
  const config = {
    'jupyter-lite-schema-version': 0,
    'jupyter-config-data': {
      appName: 'VAE book',
      // window.jupyterapp: what the browser tests drive (test/lite.browser.test.ts).
      exposeAppInBrowser: true,
      vaeBookProfile: opts.profile,
    },
  };
  fs.writeFileSync(path.join(liteDir, 'jupyter-lite.json'), JSON.stringify(config, null, 2));
  // A site built before from the same kernel, contents and configuration is copied, not rebuilt (the book's
  // tests build the quick book in several processes).
  const key = createHash('sha256').update(fingerprint).update(JSON.stringify(config));
  for (const [name, dir] of [['notebooks', opts.notebooksDir], ['exercises', opts.exercisesDir]] as const) {
    for (const f of notebooksIn(dir)) key.update(`${name}/${f}`).update(fs.readFileSync(path.join(dir, f)));
  }
  const built = path.join(opts.cacheDir, `site-${key.digest('hex').slice(0, 16)}`);
  if (!fs.existsSync(path.join(built, 'index.html'))) {
    fs.rmSync(built, { recursive: true, force: true });
    runLiteBuild(jupyter, liteDir, built, extensions, opts.log);
    for (const old of fs.readdirSync(opts.cacheDir).filter((d) => d.startsWith('site-') && d !== path.basename(built) && d !== 'site-src')) {
      fs.rmSync(path.join(opts.cacheDir, old), { recursive: true, force: true });
    }
  }
  fs.cpSync(built, opts.outDir, { recursive: true });
  let bytes = 0;
  let files = 0;
  for (const f of fs.readdirSync(opts.outDir, { recursive: true }).map(String)) {
    const s = fs.statSync(path.join(opts.outDir, f));
    if (s.isFile()) {
      bytes += s.size;
      files += 1;
    }
  }
  return { bytes, files };
}

/** `jupyter lite build` of the staged lite dir into `outDir`, into a temporary folder renamed when complete. */
function runLiteBuild(jupyter: string, liteDir: string, outDir: string, extensions: string, log: (msg: string) => void): void {
  const tmp = `${outDir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const args = [
    'lite', 'build', '--lite-dir', liteDir, '--output-dir', tmp, '--contents', path.join(liteDir, 'files'),
    ...LITE_APPS.flatMap((a) => ['--apps', a]), '--no-unused-shared-packages', '--no-sourcemaps',
    `--FederatedExtensionAddon.extra_labextensions_path=${extensions}`,
  ];
  log('building the JupyterLite site (jupyter lite build) …');
  const r = spawnSync(jupyter, args, { cwd: liteDir, encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new BookError(`jupyter lite build failed (exit ${r.status}):\n${(r.stderr || r.stdout || String(r.error)).split('\n').slice(-20).join('\n')}`);
  }
  fs.rmSync(path.join(tmp, '.jupyterlite.doit.db'), { force: true });
  fs.renameSync(tmp, outDir);
}
