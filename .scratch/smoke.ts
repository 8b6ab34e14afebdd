import { chromium } from 'playwright-core';
import { serveStatic } from '../scripts/serve/static-server';
import { CHROMIUM, ARGS } from '../test/browser-helpers';
(async () => {
  const nb = process.argv[2] ?? '00-data.ipynb';
  const s = await serveStatic('.cache/lite/site');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage();
  page.on('console', (m) => { if (!/Skipping|Menu entry/.test(m.text())) console.log('console', m.type(), m.text().slice(0, 300)); });
  page.on('crash', () => console.log('PAGE CRASHED'));
  page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  await page.goto(`${s.origin}/notebooks/index.html?path=${nb}`);
  const poll = async (fn: () => Promise<boolean>, ms: number) => { const end = Date.now() + ms; let n = 0; while (Date.now() < end) { if (await fn()) return; await new Promise((r) => setTimeout(r, 1000)); if (++n % 10 === 0) console.log('poll', n, await page.evaluate(() => { const w = (window as any).jupyterapp?.shell?.currentWidget; const k = w?.sessionContext?.session?.kernel; const m = w?.content?.model; let ex = 0, tot = 0; if (m) for (let i = 0; i < m.cells.length; i++) { const c = m.cells.get(i); if (c.type === 'code') { tot++; if (c.executionCount != null) ex++; } } return `${k?.status} ${ex}/${tot}`; })); } throw new Error('timeout'); };
  await poll(() => page.evaluate(() => (window as any).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'), 120000);
  const t0 = Date.now();
  await page.evaluate(() => (window as any).jupyterapp.commands.execute('notebook:run-all-cells'));
  await new Promise((r) => setTimeout(r, 3000));
  await poll(() => page.evaluate(() => {
    const m = (window as any).jupyterapp.shell.currentWidget.content.model;
    const k = (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const cells = m.cells; let done = true;
    let err = false; for (let i = 0; i < cells.length; i++) { const c = cells.get(i); if (c.type === 'code' && (c.executionCount == null)) done = false; if (c.type === 'code' && c.outputs.toJSON().some((o: any) => o.output_type === 'error')) err = true; }
    if (err && k.status === 'idle') return true;
    return done && k.status === 'idle';
  }), 900000);
  console.log('ran in', (Date.now() - t0) / 1000, 's');
  const out = await page.evaluate(() => {
    const m = (window as any).jupyterapp.shell.currentWidget.content.model;
    const res: string[] = [];
    for (let i = 0; i < m.cells.length; i++) { const c = m.cells.get(i); if (c.type !== 'code') continue;
      const o = c.outputs.toJSON(); res.push(`[${i}] ` + o.map((x: any) => x.output_type + (x.output_type === 'stream' ? ':' + x.text.slice(0, 200) : x.output_type === 'error' ? ':' + x.ename + ':' + x.evalue + ' ' + JSON.stringify(x.traceback) : ':' + Object.keys(x.data || {}).join(','))).join(' | ')); }
    return res;
  });
  console.log(out.join('\n'));
  await page.screenshot({ path: '.scratch/shot.png', fullPage: false });
  await browser.close(); await s.close();
})();
