import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { KEPT_INTERVALS, startDashboardServer } from '../../src/dashboard/dashboard-server.js';
import { finalFigures } from '../../src/dashboard/final-figures.js';
import type { LiveInterval } from '../../src/report/live-intervals.js';
import { syntheticReport } from '../helpers/synthetic-report.js';

const interval = (index: number): LiveInterval => ({
  index,
  endS: index + 1,
  durationMs: 1000,
  warmup: false,
  partial: false,
  sentPerSec: 10,
  receivedPerSec: 10,
  p50Ms: 1,
  p90Ms: 2,
  p99Ms: 3,
  errors: 0,
  activeStreams: 1,
  activeConnections: 1,
  workers: 1,
});

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

describe('startDashboardServer', () => {
  it(`keeps the last ${KEPT_INTERVALS} intervals for a page that opens late, then the final figures`, async () => {
    const server = await startDashboardServer('bounded', 0);
    try {
      for (let index = 0; index < KEPT_INTERVALS + 5; index++) server.addInterval(interval(index));
      const figures = finalFigures(syntheticReport([{ latenciesMs: [1, 2, 3] }]));
      server.finish(figures);
      const { status, type, text } = await eventsUntilFinal(server.url);
      expect(status).toBe(200);
      expect(type).toBe('text/event-stream');
      const intervals = [...text.matchAll(/event: interval\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!) as LiveInterval);
      expect(intervals).toHaveLength(KEPT_INTERVALS);
      expect(intervals[0]!.index).toBe(5);
      expect(intervals.at(-1)!.index).toBe(KEPT_INTERVALS + 4);
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
      // Every executable script carries the nonce; the chart list is a data block.
      const scripts = [...markup.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
      expect(scripts.length).toBe(3);
      for (const attributes of scripts) expect(attributes.includes(`nonce="${nonce}"`) || attributes.includes('type="application/json"')).toBe(true);
      expect(markup).not.toMatch(/(src|href)="https?:/);
    } finally {
      await server.close();
    }
  });
});
