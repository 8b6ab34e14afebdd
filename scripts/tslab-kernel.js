#!/usr/bin/env node
// The project's Jupyter kernel: tslab, started with the project root as its working directory.
//
// Why: tslab compiles every cell with TypeScript `rootDir` = the kernel's working directory (tslab
// converter.js), and Jupyter starts a kernel in the notebook's folder. A notebook in notebooks/ importing
// '../lib' then fails with "File '…/lib/vae.ts' is not under 'rootDir' '…/notebooks'". Starting from the
// project root, every notebook (notebooks/, exercises/, exercises/solutions/) imports the library the same
// way: `import { createVAE } from './lib';` and relative file paths in cells are relative to the root.
// Kernels started outside the project keep their folder.
'use strict';
const path = require('path');

const root = path.resolve(__dirname, '..');
const rel = path.relative(root, process.cwd());
if (!rel.startsWith('..') && !path.isAbsolute(rel)) process.chdir(root);

require(require.resolve('tslab/dist/main.js', { paths: [root] })).main();
