import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  /** Where the exposition is served, e.g. 'http://127.0.0.1:9464/metrics'. */
  url: string;
  /** Stops listening and drops open connections, keep-alive ones included. */
  close(): Promise<void>;
}

const METRICS_PATH = '/metrics';

function formatHostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function respond(registry: Registry, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://metrics.invalid').pathname;
  if (request.method !== 'GET' || path !== METRICS_PATH) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  try {
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType }).end(body);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${(error as Error).message}\n`);
  }
}

/**
 * Serves `registry` in the Prometheus text format at GET /metrics over plain HTTP on
 * host:port (port 0 picks a free one); every other request gets 404. Resolves once
 * listening; rejects with "cannot serve metrics on HOST:PORT: reason" if the bind fails.
 */
export function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    void respond(registry, request, response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot serve metrics on ${formatHostPort(host, port)}: ${error.message}`, { cause: error })));
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${formatHostPort(host, bound)}${METRICS_PATH}`,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}
