import { chromium } from 'playwright-core';
import { serve } from '../test/book-helpers';
import { ARGS, CHROMIUM } from '../test/browser-helpers';
(async () => {
  const server = await serve('/work/wt/browser/test-output/book-quick');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  for (const name of ['02-autoencoder.html', '03-vae.html', '02-autoencoder.html']) {
    const ctx = await browser.newContext();
    await ctx.addInitScript(`(() => { window.__t = {}; const iv = setInterval(() => { if (window.Plotly && !window.__t.plotly) window.__t.plotly = performance.now(); if (document.querySelector('.plotly-figure .main-svg') && !window.__t.svg) { window.__t.svg = performance.now(); clearInterval(iv);} }, 5); document.addEventListener('DOMContentLoaded', () => window.__t.dcl = performance.now()); })();`);
    const p = await ctx.newPage();
    await p.goto(`${server.origin}/${name}`, { waitUntil: 'load' });
    await p.waitForTimeout(2000);
    console.log(name, await p.evaluate(() => JSON.stringify({ t: (window as any).__t, res: performance.getEntriesByType('resource').map((e: any) => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd)]), nav: (performance.getEntriesByType('navigation')[0] as any).responseEnd })));
    await ctx.close();
  }
  await browser.close(); await server.close();
})();
