// Processes of a graded submission (scripts/grading/sandbox.ts): a fork bomb stops at the kernel's limit on
// processes, which holds whether the grader runs as root (the kernel then runs as an unprivileged user) or not, and
// the machine stays responsive while it goes off; background processes started detached, in sessions of their own,
// do not outlive the grading (the kernel's PID namespace dies with it). The fixtures are
// test/fixtures/processes/*.ipynb; each one's metadata.processes says what it does, what it must score and the
// marker its processes carry on their command line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INSIDE_ROOT, blockedForSandbox, bwrapArgs, probeSandbox, reachableBySandbox } from '../scripts/grading/sandbox';
import { DEFAULT_GRADE_CONFIG, gradeClass } from '../grade';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'processes');
const ready = fs.existsSync(path.join(ROOT, '.venv', 'bin', 'python')) && fs.existsSync(path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
const skip = !ready && !process.env.CI ? '.venv or its tslab kernel is missing: run `npm run setup` (required when CI is set)' : false;
// A fork bomb is never run without the sandbox.
const skipSandbox = skip || (probeSandbox().mode !== 'bwrap' && !process.env.CI ? `no sandbox here: ${probeSandbox().why} (.ci/run installs bubblewrap; required when CI is set)` : false);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-processes-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Fixture {
  attack: string;
  expect: Record<string, number>;
  marker: string;
}

const files = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.ipynb'))
  .sort()
  .map((f) => path.join(FIXTURES, f));
const fixtureOf = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { metadata: { processes: Fixture } }).metadata.processes;

/** The processes on this machine whose command line holds `marker`. */
function withMarker(marker: string): number[] {
  const out: number[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

test('a fork bomb stops at the kernel\'s process limit and scores 0, the machine stays responsive, and nothing a submission started outlives its grading', {
  skip: skipSandbox,
  timeout: 900_000,
}, async () => {
  assert.deepEqual(files.map((f) => path.basename(f)), ['detached-03-vae.ipynb', 'fork-bomb-03-vae.ipynb']);
  // Low, but above what the kernel itself uses (RLIMIT_NPROC counts its threads: node, libuv, V8 and tslab take a few dozen).
  const maxProcesses = 96;
  const markers = files.map((f) => fixtureOf(f).marker);
  // While the class is graded: how many of the fixtures' processes exist, and how long starting a process takes out here.
  let most = 0;
  let slowest = 0;
  const watch = setInterval(() => {
    most = Math.max(most, withMarker(markers[1]).length);
    const t0 = Date.now();
    const r = spawnSync('true');
    if (r.status === 0) slowest = Math.max(slowest, Date.now() - t0);
  }, 250);
  let result;
  try {
    result = await gradeClass(files, { ...DEFAULT_GRADE_CONFIG, outDir: path.join(dir, 'out'), print: false, sandbox: 'bwrap', maxProcesses, timeout: 120 });
  } finally {
    clearInterval(watch);
  }
  for (const g of result.grades) {
    const f = fixtureOf(g.file);
    const report = `${g.name}: ${JSON.stringify(g.exercises.map((e) => [e.id, e.points, e.notes]))} ${g.problems.join(' | ')}`;
    for (const e of g.exercises) assert.equal(e.points, f.expect[e.id] ?? 0, `${f.attack} — ${report}`);
    assert.ok(!g.problems.some((p) => /grader error|not executed/.test(p)), report);
  }
  console.log(`fork bomb: at most ${most} of its processes at once (limit ${maxProcesses}); starting a process outside took at most ${slowest} ms`);
  // The bomb went off (it printed after its processes ran) and never had more processes than the limit.
  const executed = fs.readFileSync(path.join(dir, 'out', 'fork-bomb-03-vae.executed.ipynb'), 'utf8');
  assert.match(executed, /the bomb went off/);
  assert.ok(most > 5, `the bomb started ${most} processes: it did not go off`);
  assert.ok(most <= maxProcesses, `${most} processes of the bomb at once, above the limit of ${maxProcesses}`);
  assert.ok(slowest < 3000, `starting a process outside took ${slowest} ms while the bomb went off`);
  // Nothing survives: neither the bomb nor the processes started detached.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (const m of markers) assert.deepEqual(withMarker(m), [], `processes marked ${m} outlived the grading`);
});

test('a project in a folder the sandbox user cannot enter: its node_modules reaches the kernel as a hard-linked copy', { skip: skipSandbox }, () => {
  // As /root or a 0700 temporary folder would: the project lies under a folder only its owner may enter.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-blocked-'));
  after(() => fs.rmSync(base, { recursive: true, force: true }));
  fs.chmodSync(base, 0o755);
  const blocked = path.join(base, 'private');
  const modules = path.join(blocked, 'project', 'node_modules');
  fs.mkdirSync(path.join(modules, 'pkg'), { recursive: true });
  fs.writeFileSync(path.join(modules, 'pkg', 'index.js'), 'module.exports = 42;\n');
  fs.symlinkSync('../pkg/index.js', path.join(modules, 'pkg', 'link.js'));
  fs.chmodSync(blocked, 0o700);
  const asRoot = process.getuid?.() === 0;
  assert.equal(blockedForSandbox(modules), blocked);
  const runDir = path.join(base, 'run');
  fs.mkdirSync(runDir);
  const reached = reachableBySandbox(modules, runDir);
  if (!asRoot) {
    // A grader that is not root runs bwrap as itself, which enters its own folders.
    assert.equal(reached, modules);
    return;
  }
  assert.equal(path.dirname(reached), runDir);
  assert.equal(fs.statSync(path.join(reached, 'pkg', 'index.js')).ino, fs.statSync(path.join(modules, 'pkg', 'index.js')).ino, 'files are linked, not copied');
  assert.equal(fs.readlinkSync(path.join(reached, 'pkg', 'link.js')), '../pkg/index.js');
  assert.equal(reachableBySandbox(modules, runDir), reached, 'made once per run');
  // The sandboxed process reads it; the project's own folder would stop bwrap.
  const sandbox = probeSandbox();
  const read = (nodeModules: string) =>
    spawnSync(sandbox.wrapper![0]!, [...sandbox.wrapper!.slice(1), sandbox.bwrap!, ...bwrapArgs(runDir, nodeModules, runDir), process.execPath, '-p', `require('${INSIDE_ROOT}/node_modules/pkg/link.js')`], { encoding: 'utf8' });
  const ok = read(reached);
  assert.equal(ok.stdout.trim(), '42', ok.stderr);
  const refused = read(modules);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /Permission denied/);
});
