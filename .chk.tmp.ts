import * as fs from 'fs';
import { initBackend, loadModel, bookData, evaluate, activeUnits, klPerUnit, summarize } from './lib/index';
(async () => {
  await initBackend();
  const { test } = bookData();
  const root = '/tmp/collapse/fullcache';
  const dirs = fs.readdirSync(root).filter((d) => !d.endsWith('.lock') && fs.existsSync(`${root}/${d}/model`));
  const groups: Record<string, string[]> = {};
  for (const d of dirs) {
    const name = d.replace(/-[0-9a-f]{24}$/, '').replace(/-seed\d+$/, '');
    if (!new RegExp(process.env.PAT ?? '^beta-vae').test(name)) continue;
    (groups[name] ??= []).push(d);
  }
  for (const [name, ds] of Object.entries(groups).sort()) {
    const rows = [];
    for (const d of ds) {
      const m = await loadModel(`${root}/${d}/model`);
      if (m.kind !== 'vae') continue;
      const t = evaluate(m, test);
      const kls = Array.from(klPerUnit(m, test));
      rows.push({ negElbo: -t.elbo, recon: t.recon, kl: t.kl, active: activeUnits(m, test).count, informative: kls.filter((k) => k > 0.1).length, maxKl: Math.max(...kls) });
      m.dispose();
    }
    const f = (k: string) => { const s = summarize(rows.map((r) => (r as Record<string, number>)[k])); return `${s.mean.toFixed(2)}±${s.sd.toFixed(2)}`; };
    console.log(`${name} n=${rows.length}: -elbo ${f('negElbo')} recon ${f('recon')} kl ${f('kl')} active ${f('active')} informative ${f('informative')} maxKl ${f('maxKl')}`);
  }
})();
