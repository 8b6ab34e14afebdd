// The book's scripts made at build time with esbuild: the widget bundle (the widgets, the browser-safe library
// lib/core.ts and TF.js on its cpu backend, minified), and plotly minified from plotly.js-dist, which ships only its
// unminified 10.8 MB plotly.js; the minified copy is cached under .cache/plotly/ by package and esbuild version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, transform, version as esbuildVersion } from 'esbuild';
import { BookError } from './markdown';

const WIDGETS_ENTRY = path.join(__dirname, 'widgets', 'index.ts');
const TF_SHIM = path.join(__dirname, 'widgets', 'tf.ts');

/** assets/widgets.js: one IIFE script (module scripts cannot load from file://), TF.js aliased to widgets/tf.ts. */
export async function bundleWidgets(root: string): Promise<Buffer> {
  try {
    const r = await build({
      entryPoints: [WIDGETS_ENTRY],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      alias: { '@tensorflow/tfjs': TF_SHIM },
      nodePaths: [path.join(root, 'node_modules')],
      legalComments: 'eof',
      write: false,
      logLevel: 'silent',
    });
    return Buffer.from(r.outputFiles[0].contents);
  } catch (e) {
    const errors = ((e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [])
      .map((x) => (x.location ? `${x.location.file}:${x.location.line}: ${x.text}` : x.text));
    throw new BookError(`bundling the interactive figures failed:\n${errors.join('\n') || String(e)}`);
  }
}

/** plotly.js-dist's plotly.js minified by esbuild, from the cache when this package and esbuild version made it before. */
export async function minifiedPlotly(root: string, cacheRoot = path.join(root, '.cache', 'plotly')): Promise<Buffer> {
  const pkgFile = require.resolve('plotly.js-dist/package.json', { paths: [root] });
  const { version } = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
  const cached = path.join(cacheRoot, `plotly.js-dist-${version}.esbuild-${esbuildVersion}.min.js`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached);
  const src = fs.readFileSync(path.join(path.dirname(pkgFile), 'plotly.js'), 'utf8');
  const out = await transform(src, { minify: true, legalComments: 'inline', target: 'es2018', loader: 'js' });
  fs.mkdirSync(cacheRoot, { recursive: true });
  const tmp = `${cached}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, out.code);
  fs.renameSync(tmp, cached);
  return Buffer.from(out.code);
}
