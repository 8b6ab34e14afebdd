import { chromium } from 'playwright-core';
import { serveStatic } from '../scripts/serve/static-server';
import { CHROMIUM, ARGS } from '../test/browser-helpers';
(async () => {
  const s = await serveStatic('.cache/lite/site');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage();
  page.on('worker', (w) => { console.log('worker', w.url()); w.on('close', () => console.log('worker closed')); });
  page.on('console', (m) => { if (!/Skipping|Menu entry/.test(m.text())) console.log('console', m.type(), m.text().slice(0, 300)); });
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  await page.goto(`${s.origin}/notebooks/index.html?path=00-data.ipynb`);
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    const st = await page.evaluate(() => { const k = (window as any).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel; return k ? k.status + ' ' + k.connectionStatus : 'none'; });
    console.log(i, st);
    if (st.startsWith('idle')) break;
  }
  const info = await page.evaluate(async () => { const k = (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel; const i = await k.info; return JSON.stringify(i).slice(0, 500); });
  console.log(info);
  await browser.close(); await s.close();
})();
