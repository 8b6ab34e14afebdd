/**
 * The webgl backend's float precision, measured instead of assumed. TF.js 4.22's MathBackendWebGL.floatPrecision()
 * answers 16 whenever WEBGL_RENDER_FLOAT32_ENABLED is set (its underflow check runs only when float32 rendering is
 * off), so backend.epsilon() is float16's 1e-4 on a GPU that computes in float32, and every optimizer that takes
 * the backend's epsilon (tf.train.adam, the library's adam) adds 1e-4 instead of 1e-7 to √v̂: a weight whose
 * gradient is around 1e-5 then moves about 30 times less than on cpu, wasm or tensorflow, and the same seed trains
 * differently (test/webgl.browser.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** Precision of the active webgl backend: 32 when a float32 texture keeps 1e-8 (TF.js's own underflow check). */
export function measureWebglPrecision(): 16 | 32 {
  if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) return 16;
  return tf.tidy(() => tf.abs(tf.scalar(1e-8)).dataSync()[0]) > 0 ? 32 : 16;
}

/**
 * Makes the active webgl backend report the precision it computes in (its epsilon follows: 1e-7 for float32).
 * Returns that precision.
 */
export function fixWebglPrecision(): 16 | 32 {
  const backend = tf.backend() as unknown as { floatPrecision(): number };
  const precision = measureWebglPrecision();
  if (backend.floatPrecision() !== precision) {
    Object.defineProperty(backend, 'floatPrecision', { value: () => precision, configurable: true });
  }
  return precision;
}
