import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startDashboardServer } from '../../src/dashboard/dashboard-server.js';
import { finalFigures } from '../../src/dashboard/final-figures.js';
import type { LiveChartsUpdate } from '../../src/dashboard/live-charts.js';
import { startLiveDashboard } from '../../src/dashboard/live-dashboard.js';
import { emptyCounters } from '../../src/types/worker-protocol.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';
import { syntheticReport } from '../helpers/synthetic-report.js';

/** The event stream's text up to and including the `final` event. */
function eventsUntilFinal(url: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = get(`${url}events`, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        if (/event: final\ndata: .*\n\n/.test(text)) {
          request.destroy();
          resolve({ status: response.statusCode!, type: String(response.headers['content-type']), text });
        }
      });
      response.once('end', () => reject(new Error(`stream ended before the final event: ${text.slice(-200)}`)));
    });
    request.once('error', reject);
  });
}

const updatesIn = (text: string): LiveChartsUpdate[] => [...text.matchAll(/event: interval\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!) as LiveChartsUpdate);

describe('startDashboardServer', () => {
  it('gives a page that opens late the latest charts (each update is the whole picture), then the final figures', async () => {
    const server = await startDashboardServer('late', 0);
    try {
      for (let intervals = 1; intervals <= 5; intervals++) server.update({ intervals, warmupIntervals: 0, charts: [] });
      const figures = finalFigures(syntheticReport([{ latenciesMs: [1, 2, 3] }]));
      server.finish(figures);
      const { status, type, text } = await eventsUntilFinal(server.url);
      expect(status).toBe(200);
      expect(type).toBe('text/event-stream');
      expect(updatesIn(text)).toEqual([{ intervals: 5, warmupIntervals: 0, charts: [] }]);
      expect(JSON.parse(/event: final\ndata: (.*)\n\n/.exec(text)![1]!)).toEqual(figures);
    } finally {
      await server.close();
    }
  });

  it('answers only GET / and GET /events', async () => {
    const server = await startDashboardServer('routes', 0);
    try {
      expect((await fetch(`${server.url}report.json`)).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
      expect(nonce).toBeDefined();
      const markup = await page.text();
      // uPlot, the report's chart script and the page's own: each carries the nonce.
      const scripts = [...markup.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
      expect(scripts.length).toBe(3);
      for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
      expect(markup).not.toMatch(/(src|href)="https?:/);
    } finally {
      await server.close();
    }
  });
});

describe('startLiveDashboard', () => {
  it('draws the newest measured intervals only, at most the kept number, and counts the warm-up ones', async () => {
    const dashboard = await startLiveDashboard('bounded', 0, 3);
    try {
      dashboard.loadStarted(1, 1000);
      dashboard.addSnapshot(intervalSnapshot({ workerId: 0, index: 0, durationMs: 1000, warmup: true }));
      for (let index = 0; index < 5; index++) dashboard.addSnapshot(intervalSnapshot({ workerId: 0, index, durationMs: 1000, warmup: false, counters: { ...emptyCounters(), messagesSent: 10, messagesReceived: 10 * (index + 1) } }));
      dashboard.finish(syntheticReport([{ latenciesMs: [1, 2, 3] }]));
      const latest = updatesIn((await eventsUntilFinal(dashboard.url)).text);
      expect(latest).toHaveLength(1);
      expect(latest[0]!.intervals).toBe(6);
      expect(latest[0]!.warmupIntervals).toBe(1);
      const throughput = latest[0]!.charts.find((c) => c.id === 'throughput')!;
      expect(throughput.series[0]!.x).toEqual([3, 4, 5]);
      expect(throughput.series[0]!.y).toEqual([30, 40, 50]);
    } finally {
      await dashboard.close();
    }
  });
});
