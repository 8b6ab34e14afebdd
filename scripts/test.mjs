#!/usr/bin/env node
// The one test command (README, .ci/run): every test/*.test.ts under Node's test runner, via tsx.
// Extra arguments are passed on, e.g. `npm test -- test/data.test.ts`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const targets = files.length
  ? files
  : readdirSync('test').filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${f}`);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...flags, ...targets],
  { stdio: 'inherit', env: { ...process.env, VAE_QUIET: '1' } },
);
process.exit(r.status ?? 1);
