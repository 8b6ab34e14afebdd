import { chromium } from '/work/wt/browser/node_modules/playwright-core';
import { serve } from '../test/book-helpers';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
(async () => {
  const dir = '/work/wt/browser/test-output/book-quick';
  const server = await serve(dir);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const width = Number(process.env.W ?? 1280);
  const scheme = (process.env.SCHEME ?? 'light') as 'light' | 'dark';
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, hasTouch: width < 500 });
  for (const page of ['03-vae.html', '04-training.html', '05-generation.html']) {
    const p = await ctx.newPage();
    p.on('console', (m) => console.log(page, m.type(), m.text()));
    p.on('pageerror', (e) => console.log(page, 'pageerror', e.message));
    await p.goto(`${server.origin}/${page}`);
    const ids = await p.$$eval('figure.widget', (fs) => fs.map((f) => f.id));
    for (const id of ids) {
      await p.locator(`#${id}`).scrollIntoViewIfNeeded();
      await p.waitForFunction((i) => { const s = document.getElementById(i)!.dataset.state; return s === 'ready' || s === 'error'; }, id, { timeout: 20000 });
      await p.waitForTimeout(300);
      console.log(id, await p.locator(`#${id}`).getAttribute('data-state'));
      await p.locator(`#${id}`).screenshot({ path: `/tmp/shots/${id}-${scheme}-${width}.png` });
    }
    await p.close();
  }
  await browser.close();
  await server.close();
})();
