import { chromium } from 'playwright-core';
import { serve } from '../test/book-helpers';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
(async () => {
  const server = await serve('/work/wt/browser/test-output/book-quick');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 });
  for (const page of ['01-autoencoder.html', '03-vae.html', '04-training.html']) {
    const p = await ctx.newPage();
    p.on('console', (m) => console.log(page, m.type(), m.text()));
    await p.goto(`${server.origin}/${page}`);
    const n = await p.locator('.plotly-figure').count();
    await p.waitForFunction(() => Array.from(document.querySelectorAll('.plotly-figure')).every((d) => d.querySelector('.main-svg')));
    for (let i = 0; i < n; i++) {
      const f = p.locator('.plotly-figure').nth(i).locator('xpath=..');
      await f.scrollIntoViewIfNeeded();
      await p.waitForTimeout(200);
      await f.screenshot({ path: `/tmp/shots/fig-${page}-${i}.png` });
    }
    await p.close();
  }
  await browser.close();
  await server.close();
})();
