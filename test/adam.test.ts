// The fused Adam update (lib/training/adam.ts, lib/backend/wasm/adam.wat): bit for bit the stock
// tf.AdamOptimizer's numbers on wasm (in the backend's memory) and cpu (on copies), including
// lengths that are not a multiple of 4; no tensors left behind; the assembled
// module in lib/backend/wasm/adam.ts matches its .wat source. On tfjs-node: test/tf-adam.test.ts.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { tuneKernels } from '../lib/backend/kernels';
import { adam } from '../lib/training/adam';
import { FUSED_ADAM } from '../lib/backend/fused-adam';
import { WASM_BASE64, WASM_SHARED_BASE64 } from '../lib/backend/wasm/adam';

before(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Final weights and Adam moments after `steps` steps on a small two-layer regression. */
function run(optimizer: tf.Optimizer, steps: number): Float32Array[] {
  const [w1, b1, w2] = tf.tidy(() => [
    tf.variable(tf.randomNormal([13, 7], 0, 1, 'float32', 1)), // 91 elements: a SIMD body and a scalar tail
    tf.variable(tf.zeros([7])),
    tf.variable(tf.randomNormal([7, 1], 0, 1, 'float32', 2)),
  ]);
  const x = tf.randomNormal([32, 13], 0, 1, 'float32', 3);
  const y = tf.randomNormal([32, 1], 0, 1, 'float32', 4);
  for (let s = 0; s < steps; s++) {
    optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), y))) as tf.Scalar, false, [w1, b1, w2]);
  }
  const out = [w1, b1, w2].map((v) => v.dataSync() as Float32Array);
  tf.dispose([w1, b1, w2, x, y]);
  optimizer.dispose();
  return out;
}

function sameBits(a: Float32Array[], b: Float32Array[]): boolean {
  return a.every((t, i) => Buffer.from(t.buffer, t.byteOffset, t.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)));
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`fused Adam on ${backend}: the stock optimizer's numbers, bit for bit, over 25 steps`, async () => {
    await initBackend({ backend });
    assert.ok(tf.getKernel(FUSED_ADAM, backend), 'initBackend installs the fused kernel');
    const stock = run(tf.train.adam(0.01), 25);
    const before = tf.memory().numTensors;
    const fused = run(adam({ learningRate: 0.01 }), 25);
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    assert.ok(sameBits(stock, fused), 'identical float32 bits');
    // And it moved: the comparison is not between two untouched copies.
    const init = tf.randomNormal([13, 7], 0, 1, 'float32', 1);
    assert.ok(Math.abs(fused[0][0] - init.dataSync()[0]) > 1e-3);
    init.dispose();
  });
}

test('without the kernel (tuneKernels none), adam() runs the stock update', async () => {
  await initBackend({ backend: 'wasm' });
  tuneKernels('none');
  try {
    assert.equal(tf.getKernel(FUSED_ADAM, 'wasm'), undefined);
    assert.ok(sameBits(run(tf.train.adam(0.01), 5), run(adam({ learningRate: 0.01 }), 5)));
  } finally {
    tuneKernels('wasm');
  }
});

test('adam() keeps the stock state: its weights load into tf.train.adam and training continues identically', async () => {
  await initBackend({ backend: 'wasm' });
  const v = tf.variable(tf.tensor1d([1, -2, 3, 0.5, 7]));
  const loss = () => tf.sum(tf.square(tf.sub(v, tf.tensor1d([0, 1, 2, 3, 4])))) as tf.Scalar;
  const a = adam({ learningRate: 0.1 });
  for (let s = 0; s < 3; s++) a.minimize(loss, false, [v]);
  const saved = await a.getWeights();
  assert.equal(saved.length, 3, 'iterations, m and v');
  const b = tf.train.adam(0.1);
  await b.setWeights(saved);
  const start = v.dataSync().slice();
  a.minimize(loss, false, [v]);
  const viaFused = v.dataSync().slice();
  v.assign(tf.tensor1d(start));
  b.minimize(loss, false, [v]);
  assert.deepEqual(Array.from(v.dataSync()), Array.from(viaFused));
  v.dispose();
  a.dispose();
  b.dispose();
});

test('lib/backend/wasm/adam.ts is the assembly of lib/backend/wasm/adam.wat (npx tsx scripts/codegen/wasm.ts --check)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/codegen/wasm.ts', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the shared-memory assembly (threaded wasm build) computes the same bits as the plain one', () => {
  const n = 11; // two SIMD rounds and a scalar tail of 3
  const run = (base64: string, memory: WebAssembly.Memory): Float32Array => {
    const f = new Float32Array(memory.buffer, 0, 7 * n);
    for (let i = 0; i < 4 * n; i++) f[i] = Math.sin(i + 1) * (i % 3 === 0 ? 10 : 0.1); // θ, g, m, v
    for (let i = 3 * n; i < 4 * n; i++) f[i] = Math.abs(f[i]); // v ≥ 0
    const adamStep = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), { env: { memory } }).exports.adam as (...a: number[]) => void;
    adamStep(0, 4 * n, 8 * n, 12 * n, 16 * n, 20 * n, 24 * n, n, 0.9, 0.1, 0.999, 0.001, 0.19, 0.002, 1e-7, -0.01);
    return f.slice(4 * n);
  };
  const plain = run(WASM_BASE64, new WebAssembly.Memory({ initial: 1 }));
  const shared = run(WASM_SHARED_BASE64, new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }));
  assert.ok(plain.some((x) => x !== 0));
  assert.deepEqual(Array.from(shared), Array.from(plain));
});
