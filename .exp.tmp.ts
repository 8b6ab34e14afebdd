import * as tf from '@tensorflow/tfjs';
import { initBackend, loadModel, latentMeans, decodeLatents, loadData } from './lib/index';
import { readNetworkArtifacts } from './lib/io/save';
import { decoderFromArtifacts, readModelManifest } from './lib/index';
import * as path from 'path';
(async () => {
  await initBackend({ backend: 'cpu' } as any);
  const dir = process.argv[2];
  const model = await loadModel(dir);
  const test = loadData().test;
  const codes = latentMeans(model as any, test).points;
  const ref = decodeLatents(model as any, codes);
  const art = readNetworkArtifacts(path.join(dir, 'decoder'));
  for (const mode of ['global', 'column', 'row']) {
    let off = 0; const chunks: Float32Array[] = [];
    for (const s of art.weightSpecs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      const v = new Float32Array(art.weightData.slice(off, off + 4 * n)); off += 4 * n;
      if (n >= 1024) {
        const [rows, cols] = s.shape;
        const groups = mode === 'global' ? [[...Array(n).keys()]] : mode === 'column' ? Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => r * cols + c)) : Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => r * cols + c));
        for (const g of groups) {
          let lo = Infinity, hi = -Infinity; for (const i of g) { lo = Math.min(lo, v[i]); hi = Math.max(hi, v[i]); }
          const sc = hi > lo ? (hi - lo) / 255 : 1;
          for (const i of g) v[i] = Math.round((v[i] - lo) / sc) * sc + lo;
        }
      }
      chunks.push(v);
    }
    const all = new Float32Array(chunks.reduce((a, c) => a + c.length, 0)); let o = 0; for (const c of chunks) { all.set(c, o); o += c.length; }
    const dec = await decoderFromArtifacts(readModelManifest(dir), { ...art, weightData: all.buffer });
    const out = decodeLatents(dec, codes);
    let mx = 0, sum = 0; for (let i = 0; i < out.length; i++) { const d = Math.abs(out[i] - ref[i]); mx = Math.max(mx, d); sum += d; }
    console.log(mode, 'max', mx.toFixed(4), 'mean', (sum / out.length).toExponential(2));
  }
})();
