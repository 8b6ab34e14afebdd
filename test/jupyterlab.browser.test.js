"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// JupyterLab from the project's .venv (`npm run lab`), 04-training run in headless Chromium: the plotly
// renderer draws the figures, the live training curve is ONE output that changes while training, and the
// saved notebook (trusted) shows its interactive plotly graphs again when reopened. Screenshot: test-output/jupyterlab-04-training.png.
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const net = __importStar(require("node:net"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const playwright_core_1 = require("playwright-core");
const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAB = path.join(ROOT, '.venv', 'bin', 'jupyter-lab');
const KERNEL = path.join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
const OUT_DIR = path.join(ROOT, 'test-output');
// A copy inside the project (the kernel starts in the project root only for folders inside it), so the
// test never writes outputs into notebooks/.
const LAB_DIR = path.join(OUT_DIR, 'lab');
const NOTEBOOK = '04-training.ipynb';
const missing = [LAB, KERNEL, CHROMIUM].filter((p) => !fs.existsSync(p));
const skip = missing.length > 0 && !process.env.CI
    ? `missing ${missing.join(', ')}: run \`npm run setup\` and install chromium (required when CI is set)`
    : false;
function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.listen(0, '127.0.0.1', () => {
            const port = srv.address().port;
            srv.close(() => resolve(port));
        });
        srv.on('error', reject);
    });
}
async function waitForServer(url, proc, log, ms) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
        if (proc.exitCode !== null)
            throw new Error(`jupyter lab exited with ${proc.exitCode}:\n${log()}`);
        try {
            const r = await fetch(url);
            if (r.ok)
                return;
        }
        catch {
            // not listening yet
        }
        await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`jupyter lab did not answer ${url} within ${ms / 1000} s:\n${log()}`);
}
async function plotState(page, cellIndex) {
    return page.evaluate((i) => {
        const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
        if (!cell)
            return null;
        const prefix = 'data:image/svg+xml,';
        const live = Array.from(cell.querySelectorAll('.jp-OutputArea-output img')).filter((img) => (img.getAttribute('src') ?? '').startsWith(prefix));
        const liveSvg = live.length ? decodeURIComponent((live[0].getAttribute('src') ?? '').slice(prefix.length)) : '';
        const graphs = Array.from(cell.querySelectorAll('.jp-OutputArea .js-plotly-plot'));
        const plots = graphs.length;
        // A figure shown as a PNG (jupyterlab-plotly's saved snapshot, see below), when visible.
        const pngs = Array.from(cell.querySelectorAll('.jp-OutputArea-output img[src^="data:image/png"]')).filter((img) => img.getBoundingClientRect().height > 0).length;
        return {
            figures: live.length + plots + pngs,
            livePoints: Number(/data-points="(\d+)"/.exec(liveSvg)?.[1] ?? -1),
            plots,
            svgs: cell.querySelectorAll('.jp-OutputArea svg.main-svg').length,
            traces: cell.querySelectorAll('.jp-OutputArea .scatterlayer .trace path.js-line').length,
            points: graphs[0]?.data?.[0]?.x?.length ?? 0, // plotly keeps the figure's data on its graph div
        };
    }, cellIndex);
}
(0, node_test_1.test)('JupyterLab runs 04-training: plotly figures drawn, live curve updated in place, plots back after save + reopen', { skip, timeout: 420000 }, async () => {
    fs.rmSync(LAB_DIR, { recursive: true, force: true });
    fs.mkdirSync(LAB_DIR, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'notebooks', NOTEBOOK), path.join(LAB_DIR, NOTEBOOK));
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-state-'));
    // User settings for this run only: render every cell (JupyterLab 4 otherwise only keeps the cells in
    // view in the DOM) and no news prompt over the screenshot.
    const settings = (ext, plugin, value) => {
        fs.mkdirSync(path.join(state, ext), { recursive: true });
        fs.writeFileSync(path.join(state, ext, `${plugin}.jupyterlab-settings`), JSON.stringify(value));
    };
    settings('@jupyterlab/notebook-extension', 'tracker', { windowingMode: 'none' });
    settings('@jupyterlab/apputils-extension', 'notification', { fetchNews: 'false' });
    const stored = JSON.parse(fs.readFileSync(path.join(LAB_DIR, NOTEBOOK), 'utf8'));
    const trainCell = stored.cells.findIndex((c) => c.metadata.tags?.includes('train-vae'));
    strict_1.default.ok(trainCell > 0, 'the notebook has a cell tagged train-vae');
    const port = await freePort();
    const token = `t${Date.now().toString(36)}`;
    let log = '';
    const lab = (0, node_child_process_1.spawn)('bash', [path.join(ROOT, 'scripts', 'jupyter', 'lab.sh'), '--no-browser', `--port=${port}`, '--ServerApp.ip=127.0.0.1',
        `--IdentityProvider.token=${token}`, `--LabApp.workspaces_dir=${state}`, `--LabApp.user_settings_dir=${state}`], { cwd: ROOT, env: { ...process.env, VAE_PROFILE: 'quick', VAE_LAB_DIR: LAB_DIR }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    lab.stdout?.on('data', (d) => (log += d.toString()));
    lab.stderr?.on('data', (d) => (log += d.toString()));
    let browser;
    let page;
    let passed = false;
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
    try {
        const base = `http://127.0.0.1:${port}`;
        await waitForServer(`${base}/api/status?token=${token}`, lab, () => log, 60000);
        browser = await playwright_core_1.chromium.launchPersistentContext(profileDir, {
            executablePath: CHROMIUM,
            headless: true,
            viewport: { width: 1400, height: 1000 },
            args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'],
        });
        page = browser.pages()[0] ?? (await browser.newPage());
        const pageErrors = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        await page.goto(`${base}/lab/tree/${NOTEBOOK}?token=${token}`);
        await page.waitForSelector('.jp-Notebook .jp-CodeCell', { timeout: 90000 });
        // The kernel is tslab (the notebook's kernelspec), started and idle before we run anything.
        await page
            .waitForFunction(() => /TypeScript/.test(document.querySelector('.jp-Toolbar-kernelName')?.textContent ?? ''), undefined, { timeout: 90000 })
            .catch(() => undefined);
        const kernelName = await page.textContent('.jp-Toolbar-kernelName');
        strict_1.default.match(kernelName ?? '', /TypeScript/, `kernel shown in the toolbar: ${kernelName}`);
        await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 90000 }).catch(() => undefined);
        // Run → Run All Cells (the menu a user clicks).
        await page.click('.lm-MenuBar-itemLabel:text-is("Run")');
        await page.click('.lm-Menu-itemLabel:text-is("Run All Cells")');
        // Watch the live curve while training runs: one figure output at all times, redrawn with more points,
        // and finally the plotly figure with one point per step.
        const livePointsSeen = new Set();
        let maxFigures = 0;
        let liveShot = false;
        fs.mkdirSync(OUT_DIR, { recursive: true });
        let lastState = null;
        const expectedSteps = Math.ceil(1000 / 128) * 2; // quick profile: 1,000 digits, batch 128, 2 epochs
        const watchDeadline = Date.now() + 240000;
        while (Date.now() < watchDeadline) {
            const s = await plotState(page, trainCell);
            if (s) {
                lastState = s;
                maxFigures = Math.max(maxFigures, s.figures);
                if (s.livePoints >= 0)
                    livePointsSeen.add(s.livePoints);
                if (s.livePoints >= 4 && !liveShot) {
                    liveShot = true;
                    await page.evaluate((i) => document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.scrollIntoView(), trainCell);
                    await page.screenshot({ path: path.join(OUT_DIR, 'jupyterlab-04-training-live.png') });
                }
                if (s.plots === 1 && s.points === expectedSteps)
                    break;
            }
            const finished = await page.evaluate(() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).some((o) => (o.textContent ?? '').includes('reloaded model differs')));
            if (finished && lastState?.plots === 1)
                break;
            await page.waitForTimeout(80);
        }
        strict_1.default.equal(lastState?.points, expectedSteps, `the final plotly curve has one point per step (${expectedSteps}); last state ${JSON.stringify(lastState)}`);
        console.log(`# live drawing redrawn with ${[...livePointsSeen].join(', ')} points; final plotly curve ${lastState?.points} points`);
        strict_1.default.equal(maxFigures, 1, 'the live curve cell never shows more than one figure');
        strict_1.default.ok(livePointsSeen.size >= 2, `the live figure was redrawn in place while training (point counts seen: ${[...livePointsSeen].join(', ')})`);
        // Wait for the whole notebook (the last code cell prints "saved to …").
        await page.waitForFunction(() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).some((o) => (o.textContent ?? '').includes('reloaded model differs')), undefined, { timeout: 240000 });
        const after = await plotState(page, trainCell);
        strict_1.default.ok(after, 'the train-vae cell is on the page');
        strict_1.default.equal(after.plots, 1, 'exactly one plot in the live curve cell after the run');
        strict_1.default.equal(after.figures, 1, 'and no live drawing left next to it');
        strict_1.default.ok(after.svgs >= 1, 'plotly drew an SVG (.main-svg)');
        strict_1.default.ok(after.traces >= 3, `data traces drawn inside the SVG (found ${after.traces})`);
        const errorsShown = await page.$$eval('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', (els) => els.map((e) => e.textContent ?? '').filter((t) => /Error/.test(t)));
        strict_1.default.deepEqual(errorsShown, [], 'no error output in the notebook');
        // Screenshot with the live curve in view.
        fs.mkdirSync(OUT_DIR, { recursive: true });
        await page.evaluate((i) => document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.scrollIntoView(), trainCell);
        await page.waitForTimeout(500);
        await page.screenshot({ path: path.join(OUT_DIR, 'jupyterlab-04-training.png') });
        // Save, check the file on disk, reopen from disk, and the plots render again (trusted notebook).
        await page.keyboard.press('Control+s');
        await page.waitForFunction(() => !document.querySelector('.jp-mod-dirty'), undefined, { timeout: 30000 }).catch(() => undefined);
        await page.waitForTimeout(1000);
        const saved = JSON.parse(fs.readFileSync(path.join(LAB_DIR, NOTEBOOK), 'utf8'));
        const savedTrain = saved.cells.find((c) => c.metadata.tags?.includes('train-vae'));
        const savedPlots = (savedTrain?.outputs ?? []).filter((o) => o.data?.['application/vnd.plotly.v1+json']);
        strict_1.default.equal(savedPlots.length, 1, 'the saved notebook holds one plotly output in the train-vae cell');
        const savedFig = savedPlots[0].data?.['application/vnd.plotly.v1+json'];
        strict_1.default.equal(savedFig.data[0].x.length, expectedSteps, 'the saved figure holds the final curve');
        // jupyterlab-plotly adds a PNG snapshot to every figure it draws and, on reopening, shows that snapshot
        // instead of the graph (until the pointer enters it). scripts/jupyter/jupyter_lab_config.py drops the snapshot
        // on save, so the reopened notebook draws the interactive graph.
        strict_1.default.equal(savedPlots[0].data?.['image/png'], undefined, 'no PNG snapshot saved next to the plotly figure');
        // The notebook JupyterLab saved is trusted: the server signed it with the key in the project's .venv
        // (the same check JupyterLab runs when opening it). Nothing marks it trusted by hand.
        const trusted = (0, node_child_process_1.execFileSync)(path.join(ROOT, '.venv', 'bin', 'python'), ['-c', 'import sys, nbformat; from nbformat.sign import NotebookNotary; print(NotebookNotary().check_signature(nbformat.read(sys.argv[1], 4)))',
            path.join(LAB_DIR, NOTEBOOK)], { env: { ...process.env, JUPYTER_DATA_DIR: path.join(ROOT, '.venv', 'share', 'jupyter') } }).toString().trim();
        strict_1.default.equal(trusted, 'True', 'the saved notebook is trusted (signed by the project\'s Jupyter server)');
        await page.goto(`${base}/lab/tree/${NOTEBOOK}?token=${token}&reset`);
        await page.waitForSelector('.jp-Notebook .jp-CodeCell', { timeout: 90000 });
        await page.evaluate((i) => document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.scrollIntoView(), trainCell);
        // Reopened: the interactive plotly graph (SVG with the traces, and plotly's modebar), no pointer needed.
        await page.waitForFunction((i) => {
            const out = document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.querySelector('.jp-OutputArea');
            return !!out && out.querySelectorAll('svg.main-svg .scatterlayer .trace').length >= 3 && !!out.querySelector('.modebar');
        }, trainCell, { timeout: 60000 });
        const reopened = await plotState(page, trainCell);
        strict_1.default.equal(reopened?.plots, 1, 'after reopening: one interactive plotly graph in the live curve cell');
        strict_1.default.equal(reopened?.figures, 1, 'after reopening: no other figure (no PNG snapshot, no live drawing)');
        strict_1.default.ok((reopened?.traces ?? 0) >= 3, `after reopening: the traces drawn inside the SVG (found ${reopened?.traces})`);
        strict_1.default.equal(reopened?.points, expectedSteps, 'after reopening: the saved (final) curve');
        const modebar = await page.evaluate((i) => document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.querySelectorAll('.jp-OutputArea .modebar .modebar-btn').length ?? 0, trainCell);
        strict_1.default.ok(modebar > 0, 'after reopening: plotly\'s modebar (zoom, pan, download) is there');
        console.log(`# reopened (trusted): interactive plotly graph, ${reopened?.traces} traces, ${reopened?.points} points, ${modebar} modebar buttons`);
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(OUT_DIR, 'jupyterlab-04-training-reopened.png') });
        strict_1.default.deepEqual(pageErrors, [], `page errors: ${pageErrors.join('; ')}`);
        passed = true;
    }
    finally {
        if (!passed && page) {
            fs.mkdirSync(OUT_DIR, { recursive: true });
            await page.screenshot({ path: path.join(OUT_DIR, 'jupyterlab-04-training-failure.png') }).catch(() => undefined);
        }
        await browser?.close();
        if (lab.pid) {
            try {
                process.kill(-lab.pid, 'SIGTERM'); // the server and the kernels it started (own process group)
            }
            catch {
                // already gone
            }
        }
        await new Promise((r) => setTimeout(r, 500));
        if (lab.pid && lab.exitCode === null) {
            try {
                process.kill(-lab.pid, 'SIGKILL');
            }
            catch {
                // already gone
            }
        }
        fs.rmSync(profileDir, { recursive: true, force: true });
        fs.rmSync(state, { recursive: true, force: true });
    }
});
