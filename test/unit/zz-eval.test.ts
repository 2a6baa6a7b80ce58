import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
const load = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
it('eval', () => {
  for (const dir of (process.env.DIRS ?? 'first,full,paced').split(',')) {
    const d = `/tmp/corpus/${dir}`;
    if (!existsSync(d)) continue;
    const files = readdirSync(d);
    const show = (x: string, y: string) => {
      const c = compareReports(load(`${d}/${x}`), load(`${d}/${y}`), { maxRegression: {} });
      const m = (k: string) => { const q = c.metrics.find((z) => z.metric === k)!; return `${k}:${q.verdict[0]} r=${q.test?.ratio.estimate.toFixed(2)} [${q.test?.ratio.low.toFixed(2)},${q.test?.ratio.high.toFixed(2)}] p=${q.pValue?.toFixed(4)} rho=${(q.test?.mannWhitney ?? q.test?.signedRank)?.serialCorrelation.toFixed(2)}`; };
      console.log(`EVAL ${dir} ${x} vs ${y}: ${c.verdict.toUpperCase()} | ${m('p50')} | ${m('p99')} | ${m('messagesPerSec')} | n=${c.baseline.intervalsUsed}/${c.candidate.intervalsUsed} ${c.design} ${c.pairedIntervals}`);
    };
    for (let i = 0; files.includes(`v1-${i}.json`); i++) show(`v1-${i}.json`, `v2-${i}.json`);
    for (let i = 0; files.includes(`b${i}.json`); i++) show(`a${i}.json`, `b${i}.json`);
  }
});
