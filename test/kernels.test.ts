// The kernel fixes that initBackend installs through lib/backend/kernels.ts: explicit-transpose matMul
// kernels on wasm (lib/backend/wasm/matmul.ts), the conv filter gradient as one dilated convolution
// (lib/backend/conv-grad.ts) and the transposed conv as a Conv2D (lib/backend/wasm/conv-transpose.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { tuneKernels, tuneKernel, kernelTuning } from '../lib/backend/kernels';
import { conv2dFilterGrad } from '../lib/backend/conv-grad';
import { createVAE } from '../lib/model/vae';
import { elbo } from '../lib/model/elbo';

// These are tests of the wasm replacements: ask for wasm, whatever auto would pick (tfjs-node, when set up).
before(async () => {
  await initBackend({ backend: 'wasm' });
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function dataIds(): number {
  return (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
}

test('wasm matMul override: same products for every transpose pair, batched and fused; no backend memory left', (t) => {
  if (tf.getBackend() !== 'wasm') {
    t.skip('wasm only');
    return;
  }
  const a = tf.randomNormal([3, 5, 7], 0, 1, 'float32', 1) as tf.Tensor3D;
  const b = tf.randomNormal([3, 7, 4], 0, 1, 'float32', 2) as tf.Tensor3D;
  const bias = tf.randomNormal([4], 0, 1, 'float32', 3);
  const aT = tf.transpose(a, [0, 2, 1]) as tf.Tensor3D;
  const bT = tf.transpose(b, [0, 2, 1]) as tf.Tensor3D;
  const cases = (): Float32Array[] => [
    tf.matMul(a, b).dataSync() as Float32Array,
    tf.matMul(aT, b, true, false).dataSync() as Float32Array,
    tf.matMul(a, bT, false, true).dataSync() as Float32Array,
    tf.matMul(aT, bT, true, true).dataSync() as Float32Array,
    tf.fused.matMul({ a: aT, b: bT, transposeA: true, transposeB: true, bias, activation: 'relu' }).dataSync() as Float32Array,
  ];
  const wasActive = kernelTuning().matMul;
  tuneKernel('matMul', false);
  const stock = tf.tidy(cases);
  tuneKernel('matMul', true);
  assert.ok(kernelTuning().matMul);
  const ids = dataIds();
  const mine = tf.tidy(cases);
  assert.equal(dataIds(), ids, 'temporary transposes are freed');
  for (let i = 0; i < stock.length; i++) assert.ok(maxDiff(mine[i], stock[i]) < 1e-5, `case ${i}`);
  // The plain product equals the reference in all four layouts.
  for (let i = 1; i < 4; i++) assert.ok(maxDiff(mine[i], mine[0]) < 1e-5, `layout ${i}`);
  tuneKernel('matMul', wasActive);
  tf.dispose([a, b, bias, aT, bT]);
});

/** dW[i,j,c,o] = Σ x_pad[n, y·s+i, x·s+j, c] · dy[n, y, x, o], by loops (the definition). */
function naiveFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number, padTop: number, padLeft: number): number[] {
  const [n, h, w, c] = x.shape;
  const [, oh, ow, o] = dy.shape;
  const xv = x.dataSync();
  const dv = dy.dataSync();
  const out = new Array(k * k * c * o).fill(0);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      for (let ci = 0; ci < c; ci++)
        for (let oi = 0; oi < o; oi++) {
          let sum = 0;
          for (let b = 0; b < n; b++)
            for (let y = 0; y < oh; y++)
              for (let xx = 0; xx < ow; xx++) {
                const r = y * s + i - padTop;
                const q = xx * s + j - padLeft;
                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                sum += xv[((b * h + r) * w + q) * c + ci] * dv[((b * oh + y) * ow + xx) * o + oi];
              }
          out[((i * k + j) * c + ci) * o + oi] = sum;
        }
  return out;
}

test('conv2dFilterGrad: matches the definition for stride 2 "same" and stride 1 "valid"', () => {
  tf.tidy(() => {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    // stride 2, same: out 3×3, total padding max((3−1)·2 + 3 − 6, 0) = 1 → top 0, bottom 1.
    const dy1 = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
    const g1 = conv2dFilterGrad(x, dy1, [3, 3, 3, 4], 2, 'same');
    assert.deepEqual(g1.shape, [3, 3, 3, 4]);
    assert.ok(maxDiff(g1.dataSync(), naiveFilterGrad(x, dy1, 3, 2, 0, 0)) < 1e-4);
    const dy2 = tf.randomNormal([2, 4, 4, 4], 0, 1, 'float32', 6) as tf.Tensor4D;
    const g2 = conv2dFilterGrad(x, dy2, [3, 3, 3, 4], 1, 'valid');
    assert.ok(maxDiff(g2.dataSync(), naiveFilterGrad(x, dy2, 3, 1, 0, 0)) < 1e-4);
    const dy3 = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const g3 = conv2dFilterGrad(x, dy3, [3, 3, 3, 4], 1, 'same');
    assert.ok(maxDiff(g3.dataSync(), naiveFilterGrad(x, dy3, 3, 1, 1, 1)) < 1e-4);
  });
});

test('wasm Conv2DBackpropFilter kernel: the definition for strided, same, valid and odd shapes; the fused conv trains; no backend memory left', (t) => {
  if (tf.getBackend() !== 'wasm') {
    t.skip('wasm only');
    return;
  }
  assert.ok(kernelTuning().convBackpropFilter, 'initBackend installed it');
  const cases: { x: [number, number, number, number]; k: number; o: number; s: number; pad: 'same' | 'valid'; top: number; left: number }[] = [
    { x: [2, 6, 6, 3], k: 3, o: 4, s: 2, pad: 'same', top: 0, left: 0 },
    { x: [2, 6, 6, 3], k: 3, o: 4, s: 1, pad: 'valid', top: 0, left: 0 },
    { x: [2, 6, 6, 3], k: 3, o: 4, s: 1, pad: 'same', top: 1, left: 1 },
    { x: [1, 7, 5, 2], k: 3, o: 2, s: 2, pad: 'same', top: 1, left: 1 },
    { x: [2, 28, 28, 4], k: 1, o: 1, s: 1, pad: 'same', top: 0, left: 0 },
  ];
  for (const c of cases) {
    tf.tidy(() => {
      const x = tf.randomNormal(c.x, 0, 1, 'float32', 8) as tf.Tensor4D;
      const filterShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.o];
      const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.s, 1, c.pad);
      const dy = tf.randomNormal([c.x[0], info.outHeight, info.outWidth, c.o], 0, 1, 'float32', 9) as tf.Tensor4D;
      const ids = dataIds();
      const g = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor4D;
      assert.equal(dataIds(), ids + 1, `temporaries freed for ${JSON.stringify(c)}`);
      assert.deepEqual(g.shape, filterShape);
      assert.ok(maxDiff(g.dataSync(), naiveFilterGrad(x, dy, c.k, c.s, c.top, c.left)) < 1e-4, JSON.stringify(c));
    });
  }
  // A linear conv layer with a bias runs fused even under a gradient tape; its gradient calls the kernel directly.
  tf.tidy(() => {
    const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 10) as tf.Tensor4D;
    const w = tf.randomNormal([1, 1, 3, 2], 0, 1, 'float32', 11) as tf.Tensor4D;
    const b = tf.randomNormal([2], 0, 1, 'float32', 12);
    const dw = tf.grad((ww: tf.Tensor) => tf.sum(tf.fused.conv2d({ x, filter: ww as tf.Tensor4D, strides: 1, pad: 'same', bias: b })))(w);
    const plain = tf.grad((ww: tf.Tensor) => tf.sum(tf.add(tf.conv2d(x, ww as tf.Tensor4D, 1, 'same'), b)))(w);
    assert.ok(maxDiff(dw.dataSync(), plain.dataSync()) < 1e-4);
  });
});

test('conv VAE: gradients of every weight exist on this backend and match finite differences', () => {
  const vae = createVAE({ architecture: 'conv', latentDim: 4, hiddenUnits: [16], convFilters: [4, 8], seed: 0 });
  tf.tidy(() => {
    const x = tf.randomUniform([3, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
    const eps = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const vars = vae.trainableWeights();
    const loss = () => elbo(x, vae.forward(x, eps)).loss;
    const { grads } = tf.variableGrads(loss, vars);
    assert.equal(Object.keys(grads).length, vars.length);
    // Finite differences on a few entries of the first encoder conv kernel and the last decoder deconv kernel.
    for (const v of [vars[0], vars.find((w) => w.name.includes('dec_deconv_1') && w.shape.length === 4) as tf.Variable]) {
      const g = grads[v.name].dataSync();
      const orig = v.dataSync().slice();
      for (const idx of [0, 5, 17]) {
        const h = 1e-2;
        const at = (delta: number) => {
          const w = orig.slice();
          w[idx] += delta;
          v.assign(tf.tensor(w, v.shape));
          return loss().dataSync()[0];
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(orig, v.shape));
        assert.ok(Math.abs(numeric - g[idx]) < 0.05 * Math.max(1, Math.abs(g[idx])), `${v.name}[${idx}]: analytic ${g[idx]}, numeric ${numeric}`);
      }
    }
  });
  vae.dispose();
});

test('conv VAE on wasm: without the fixes the filter gradient is missing; initBackend installed them', (t) => {
  if (tf.getBackend() !== 'wasm') {
    t.skip('wasm only');
    return;
  }
  assert.deepEqual(kernelTuning(), { matMul: true, convFilterGrad: true, convTranspose: true, convBackpropFilter: true, identity: true, fusedAdam: true, step: false, leanKernels: false, reduceGrad: false });
  const vae = createVAE({ architecture: 'conv', latentDim: 2, hiddenUnits: [8], convFilters: [2, 2], seed: 1 });
  const step = (): number =>
    tf.tidy(() => {
      const x = tf.randomUniform([2, 784], 0, 1, 'float32', 3) as tf.Tensor2D;
      const eps = tf.randomNormal([2, 2], 0, 1, 'float32', 4) as tf.Tensor2D;
      const { grads } = tf.variableGrads(() => elbo(x, vae.forward(x, eps)).loss, vae.trainableWeights());
      return Object.keys(grads).length;
    });
  try {
    assert.deepEqual(tuneKernels('none'), { matMul: false, convFilterGrad: false, convTranspose: false, convBackpropFilter: false, identity: false, fusedAdam: false, step: false, leanKernels: false, reduceGrad: false });
    assert.throws(step, /Conv2DBackpropFilter/);
  } finally {
    tuneKernels('wasm');
  }
  assert.equal(step(), vae.trainableWeights().length);
  vae.dispose();
});

test('wasm transposed conv as a convolution: same results as the stock kernel, no backend memory left', (t) => {
  if (tf.getBackend() !== 'wasm') {
    t.skip('wasm only');
    return;
  }
  const configs: { x: [number, number, number, number]; k: number; c: number; s: number; pad: 'same' | 'valid'; out?: number }[] = [
    { x: [2, 7, 7, 8], k: 3, c: 5, s: 2, pad: 'same' }, // the decoder's 7 → 14
    { x: [2, 14, 14, 4], k: 3, c: 1, s: 2, pad: 'same' }, // 14 → 28, one channel
    { x: [1, 5, 6, 3], k: 3, c: 2, s: 1, pad: 'same' },
    { x: [1, 5, 5, 3], k: 3, c: 2, s: 2, pad: 'valid' },
    { x: [1, 4, 4, 2], k: 4, c: 3, s: 3, pad: 'same' },
    { x: [2, 4, 3, 3], k: 2, c: 2, s: 2, pad: 'same' }, // even kernel: every phase has one tap
    { x: [1, 3, 3, 2], k: 1, c: 2, s: 2, pad: 'same' }, // 1×1 stride 2: three of four phases are zero
    { x: [1, 4, 5, 2], k: 5, c: 3, s: 2, pad: 'valid' }, // uneven phases: 11 × 13 output
    { x: [2, 7, 7, 3], k: 3, c: 2, s: 2, pad: 'same', out: 13 }, // the input gradient of a 13 → 7 conv: odd output
  ];
  for (const cfg of configs) {
    const run = (): Float32Array =>
      tf.tidy(() => {
        const [n, h, w, d] = cfg.x;
        const dy = tf.randomNormal([n, h, w, d], 0, 1, 'float32', 11) as tf.Tensor4D;
        const filter = tf.randomNormal([cfg.k, cfg.k, cfg.c, d], 0, 1, 'float32', 12) as tf.Tensor4D;
        const outH = cfg.out ?? (cfg.pad === 'same' ? h * cfg.s : (h - 1) * cfg.s + cfg.k);
        const outW = cfg.out ?? (cfg.pad === 'same' ? w * cfg.s : (w - 1) * cfg.s + cfg.k);
        return tf.conv2dTranspose(dy, filter, [n, outH, outW, cfg.c], cfg.s, cfg.pad).dataSync() as Float32Array;
      });
    tuneKernel('convTranspose', false);
    const stock = run();
    tuneKernel('convTranspose', true);
    const ids = dataIds();
    const mine = run();
    assert.equal(dataIds(), ids, `temporaries freed for ${JSON.stringify(cfg)}`);
    assert.ok(maxDiff(mine, stock) < 1e-4, `${JSON.stringify(cfg)}: max difference ${maxDiff(mine, stock)}`);
  }
});

test('wasm Identity shares the buffer: a clone reads the same values, survives its source, and frees it last', (t) => {
  if (tf.getBackend() !== 'wasm') {
    t.skip('wasm only');
    return;
  }
  assert.ok(kernelTuning().identity, 'initBackend installed it');
  const ids = dataIds();
  const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
  const y = tf.clone(x); // runs the Identity kernel
  assert.equal(dataIds(), ids + 1, 'no second buffer');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6]);
  y.dispose();
  assert.equal(dataIds(), ids, 'the buffer is freed with the last tensor');
  // A gradient that passes through Identity (the tape's pass-through) is unchanged.
  const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.clone(a), a)))(tf.tensor1d([1, -2, 3])).dataSync());
  assert.deepEqual(Array.from(g), [2, -4, 6]);
});
