// The TF.js the book's pages bundle in place of the @tensorflow/tfjs package (esbuild alias, bundle.ts): the same
// core and layers APIs the library imports, on the plain-JavaScript cpu backend only. No WebGL or WebAssembly
// backend: they would add ~330 kB, and wasm must fetch its binary, which a page opened from file:// may not do.
// The book's networks are small (a 2 → 400 → 784 decode is ~0.3 M multiply-adds), well within one frame on cpu.
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
