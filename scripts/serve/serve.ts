/**
 * `npm run serve [-- --port 8000] [--dir book]`: serves the built book over http with the cross-origin
 * isolation headers, so its JupyterLite site (book/lite/) runs notebooks with wasm threads.
 */
import * as path from 'path';
import { serveStatic } from './static-server';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '8000'));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: --port must be an integer from 0 to 65535, got '${arg('port', '')}'`);
  process.exit(1);
}
const dir = path.resolve(arg('dir', 'book'));
serveStatic(dir, { port, host: arg('host', '127.0.0.1') }).then(
  (s) => console.log(`serving ${dir} at ${s.origin}/ (cross-origin isolated; JupyterLite at ${s.origin}/lite/); Ctrl-C stops`),
  (e: Error) => {
    console.error(`serve: ${e.message}`);
    process.exit(1);
  },
);
