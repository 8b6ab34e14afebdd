/**
 * The static server of the book: `npm run serve` and the browser tests. It sends the headers that make a page
 * cross-origin isolated (COOP same-origin, COEP require-corp, CORP same-origin), which JupyterLite's kernel
 * needs for wasm threads (SharedArrayBuffer), and the MIME types the book and the JupyterLite site use.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.ipynb': 'application/x-ipynb+json',
  '.webmanifest': 'application/manifest+json',
};

/** The headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: Record<string, string> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

export interface StaticServerConfig {
  /** Port; 0 = any free one. */
  port: number;
  /** Address to listen on. */
  host: string;
  /** Send the cross-origin isolation headers. */
  isolate: boolean;
}

export const DEFAULT_STATIC_SERVER: StaticServerConfig = { port: 0, host: '127.0.0.1', isolate: true };

/** Serves the files under `dir` (index.html for a folder, 404 for anything missing). */
export async function serveStatic(dir: string, opts: Partial<StaticServerConfig> = {}): Promise<{ origin: string; close: () => Promise<void> }> {
  const cfg = { ...DEFAULT_STATIC_SERVER, ...opts };
  const root = path.resolve(dir);
  if (!fs.existsSync(root)) throw new Error(`serve: ${dir} does not exist (build the book first: npm run book)`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...(cfg.isolate ? ISOLATION_HEADERS : {}) });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${cfg.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
