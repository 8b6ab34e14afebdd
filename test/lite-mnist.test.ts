// lite/kernel/mnist-full.ts, the browser kernel's 'mnist-full' data source, run here in Node on a tiny MNIST-layout
// site (4×4 digits) with a fetch that reads from memory: it reads what lite/build.ts writes (gzipped files and a
// manifest), gives the same data as Node's loader, and a missing, truncated, corrupt or mislisted file is an
// error naming it. The real files through a real browser: test/lite.browser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'fflate';
import { writeIdx } from '../lib/data/idx';
import { loadMnistFolder } from '../lib/data/mnist';
import { mnistFileList, mnistFilesSpec, type MnistFilesSpec } from '../lib/data/mnist-parse';
import { gzName, loadSiteMnist, MNIST_MANIFEST, type MnistSiteManifest } from '../lite/kernel/mnist-full';

const DIR = 'https://book.example/static/mnist-full/';

/** 6 training and 3 test digits of 4×4 pixels (labels i mod 10), as IDX bytes by file name. */
function files(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [prefix, n] of [['train', 6], ['t10k', 3]] as const) {
    out.set(`${prefix}-images-idx3-ubyte`, writeIdx(Uint8Array.from({ length: n * 16 }, (_, i) => (i * 37) % 256), [n, 4, 4]));
    out.set(`${prefix}-labels-idx1-ubyte`, writeIdx(Uint8Array.from({ length: n }, (_, i) => i % 10), [n]));
  }
  return out;
}

/** A spec with MD5s, as MNIST_FILES has them. */
function specOf(idx: Map<string, Uint8Array>): MnistFilesSpec {
  const spec = mnistFilesSpec(6, 3, 4, 4);
  for (const f of mnistFileList(spec)) f.md5 = createHash('md5').update(idx.get(f.file) as Uint8Array).digest('hex');
  return spec;
}

/** The site's folder as lite/build.ts writes it: url → bytes. */
function site(idx: Map<string, Uint8Array>, spec: MnistFilesSpec): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const manifest: MnistSiteManifest = { source: 'fixture', files: [] };
  for (const f of mnistFileList(spec)) {
    const bytes = idx.get(f.file) as Uint8Array;
    const gz = gzipSync(bytes);
    out.set(`${DIR}${gzName(f.file)}`, gz);
    manifest.files.push({ file: f.file, bytes: bytes.length, gzBytes: gz.length, md5: f.md5 as string });
  }
  out.set(`${DIR}${MNIST_MANIFEST}`, new TextEncoder().encode(JSON.stringify(manifest)));
  return out;
}

const fetchFrom = (urls: Map<string, Uint8Array>) => (url: string): Uint8Array => {
  const b = urls.get(url);
  if (!b) throw new Error(`cannot fetch ${url}: HTTP 404 Not Found`);
  return b;
};

test("the kernel's full MNIST: the site's gzipped files give what Node's loader reads from the same files", () => {
  const idx = files();
  const spec = specOf(idx);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-lite-mnist-'));
  try {
    for (const [f, b] of idx) fs.writeFileSync(path.join(dir, f), b);
    const node = loadMnistFolder(dir, spec);
    const urls = site(idx, spec);
    const page = loadSiteMnist(DIR, fetchFrom(urls), spec);
    assert.deepEqual(page, node);
    assert.equal(page.train.name, 'mnist-full/train');
    // A server that sends the .gz files with Content-Encoding: gzip: the browser hands over the IDX bytes.
    const decoded = new Map(urls);
    for (const f of mnistFileList(spec)) decoded.set(`${DIR}${gzName(f.file)}`, idx.get(f.file) as Uint8Array);
    assert.deepEqual(loadSiteMnist(DIR, fetchFrom(decoded), spec), node);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the kernel's full MNIST: a missing, truncated, corrupt or mislisted file is an error naming it", () => {
  const idx = files();
  const spec = specOf(idx);
  const images = `${DIR}train-images-idx3-ubyte.gz`;
  const manifestUrl = `${DIR}${MNIST_MANIFEST}`;
  const broken = (edit: (urls: Map<string, Uint8Array>) => void) => {
    const urls = site(idx, spec);
    edit(urls);
    return () => loadSiteMnist(DIR, fetchFrom(urls), spec);
  };
  const named = (url: string, pattern: RegExp) => (e: Error) => e.message.includes(url) && pattern.test(e.message);
  // An HTTP error (here the fetch's own message) stops the load.
  assert.throws(broken((u) => u.delete(images)), named(images, /HTTP 404/));
  // Truncated in transit: shorter than the manifest says.
  assert.throws(broken((u) => u.set(images, (u.get(images) as Uint8Array).subarray(0, 40))), named(images, /has 40 bytes, the manifest says \d+ \(truncated/));
  // Same size, corrupt inside: the inflater or the IDX checks name the file.
  assert.throws(
    broken((u) => {
      const b = Uint8Array.from(u.get(images) as Uint8Array);
      for (let i = 12; i < b.length - 8; i++) b[i] ^= 0xa5;
      u.set(images, b);
    }),
    named(images, /cannot be decompressed|bytes, expected|magic number|dims/),
  );
  // Unpacked by the server (no gzip magic) but with a wrong magic number: checkIdx names it.
  assert.throws(
    broken((u) => {
      const b = Uint8Array.from(idx.get('t10k-labels-idx1-ubyte') as Uint8Array);
      b[1] = 0x77;
      u.set(`${DIR}t10k-labels-idx1-ubyte.gz`, b);
    }),
    named(`${DIR}t10k-labels-idx1-ubyte.gz`, /magic number 0x00770801/),
  );
  // The manifest lists another file than the library expects, or none, or is not JSON.
  const manifest = (edit: (m: MnistSiteManifest) => void) => broken((u) => {
    const m = JSON.parse(new TextDecoder().decode(u.get(manifestUrl))) as MnistSiteManifest;
    edit(m);
    u.set(manifestUrl, new TextEncoder().encode(JSON.stringify(m)));
  });
  assert.throws(manifest((m) => (m.files[1].md5 = '0'.repeat(32))), named(manifestUrl, /train-labels-idx1-ubyte has MD5 0{32}, the library expects [0-9a-f]{32}/));
  assert.throws(manifest((m) => m.files.pop()), named(manifestUrl, /lists no t10k-labels-idx1-ubyte/));
  assert.throws(broken((u) => u.set(manifestUrl, new TextEncoder().encode('<html>'))), named(manifestUrl, /is not JSON/));
  // A label outside 0–9 (a valid file otherwise): named by the shared split check.
  const bad = new Map(idx);
  bad.set('t10k-labels-idx1-ubyte', writeIdx(Uint8Array.from([0, 12, 1]), [3]));
  const badSpec = specOf(bad);
  assert.throws(() => loadSiteMnist(DIR, fetchFrom(site(bad, badSpec)), badSpec), named(`${DIR}t10k-labels-idx1-ubyte.gz`, /label 12 at index 1/));
});
