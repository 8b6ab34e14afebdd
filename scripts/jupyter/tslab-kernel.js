#!/usr/bin/env node
// The project's Jupyter kernel: tslab, started with the project root as its working directory.
//
// Why: tslab compiles every cell with TypeScript `rootDir` = the kernel's working directory (tslab
// converter.js), and Jupyter starts a kernel in the notebook's folder. A notebook in notebooks/ importing
// '../lib' then fails with "File '…/lib/model/vae.ts' is not under 'rootDir' '…/notebooks'". Started from the
// project root, every notebook run with this kernel (notebooks/, exercises/, a submission anywhere on
// disk) imports the library the same way, `import { createVAE } from './lib/index';`, and relative file
// paths in cells are relative to the root. The notebook's own folder stays available as
// process.env.VAE_NOTEBOOK_DIR.
'use strict';
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
if (!process.env.VAE_NOTEBOOK_DIR) process.env.VAE_NOTEBOOK_DIR = process.cwd();
process.chdir(root);
require(require.resolve('tslab/dist/main.js', { paths: [root] })).main();
