import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dashboardCsp, dashboardPage } from './dashboard-page.js';
import type { FinalFigures } from './final-figures.js';
import type { LiveChartsUpdate } from './live-charts.js';

/** The live dashboard of one run, serving on 127.0.0.1 until closed. */
export interface DashboardServer {
  /** e.g. 'http://127.0.0.1:5665/'. */
  url: string;
  /** Sends the charts as they stand to every open page and keeps them (only the latest) for pages that open later. */
  update(update: LiveChartsUpdate): void;
  /** Sends the final figures; pages that open later get them too. */
  finish(final: FinalFigures): void;
  /** Ends every open event stream and stops listening. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const sseEvent = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Serves the dashboard page at / and its server-sent events at /events (an `interval` event with
 * the whole charts after each merged interval, a `final` event with the final figures and the
 * report's charts) on 127.0.0.1:`port` (0: a free port).
 * Rejects if the port cannot be bound.
 */
export async function startDashboardServer(runName: string, port: number): Promise<DashboardServer> {
  // Each event holds the whole picture, so a late page needs only the latest.
  let latest = '';
  let final: string | undefined;
  const streams = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/') {
      const nonce = randomBytes(16).toString('base64');
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': dashboardCsp(nonce),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      response.end(dashboardPage(runName, nonce));
    } else if (path === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      // A late page first gets the picture so far, then the live stream.
      response.write(latest + (final ?? ''));
      streams.add(response);
      response.once('close', () => streams.delete(response));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const broadcast = (text: string): void => {
    for (const stream of streams) stream.write(text);
  };
  return {
    url: `http://${HOST}:${(server.address() as AddressInfo).port}/`,
    update(update) {
      latest = sseEvent('interval', update);
      broadcast(latest);
    },
    finish(figures) {
      final = sseEvent('final', figures);
      broadcast(final);
    },
    close() {
      for (const stream of streams) stream.end();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
