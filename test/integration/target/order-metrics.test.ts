import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, type PrometheusSample } from '../../../src/monitor/parse-prometheus-text.js';
import { serveOrderService } from '../../../src/target/serve-order-service.js';
import { startOrderServer, type OrderServerHandle } from '../../../src/target/start-order-server.js';
import { openOrderClient, runOrderStream, type OrderClient } from '../../helpers/order-client.js';

const servers: OrderServerHandle[] = [];
const clients: OrderClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) server.forceShutdown();
});

async function startWithMetrics(): Promise<OrderServerHandle & { metricsUrl: string }> {
  const server = await startOrderServer({ port: 0, metricsPort: 0 });
  servers.push(server);
  expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  return server as OrderServerHandle & { metricsUrl: string };
}

function connect(address: string): OrderClient {
  const client = openOrderClient(address);
  clients.push(client);
  return client;
}

const ids = (count: number, prefix: string): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

const ORDER_METHOD = { grpc_service: 'pb.OrderService', grpc_method: 'CreateOrderStream' };

/** The value of the one sample of `name` whose labels are exactly `labels`. */
function valueOf(metrics: Map<string, PrometheusSample[]>, name: string, labels: Record<string, string>): number | undefined {
  const sameLabels = (sample: PrometheusSample) =>
    Object.keys(sample.labels).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => sample.labels[k] === v);
  const matches = (metrics.get(name) ?? []).filter(sameLabels);
  expect(matches.length).toBeLessThanOrEqual(1);
  return matches[0]?.value;
}

async function scrape(url: string): Promise<{ contentType: string | null; metrics: Map<string, PrometheusSample[]> }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), metrics: parsePrometheusText(await response.text()) };
}

describe('Order service Prometheus metrics', () => {
  it('exports grpc_server_* counters equal to the server counters, plus process memory', async () => {
    const server = await startWithMetrics();
    const client = connect(server.address);

    const okOutcomes = await Promise.all([runOrderStream(client, ids(3, 'a')), runOrderStream(client, ids(5, 'b')), runOrderStream(client, ids(1, 'c'))]);
    expect(okOutcomes.map((o) => o.status.code)).toEqual([grpc.status.OK, grpc.status.OK, grpc.status.OK]);
    server.setKnobs({ errorRatio: 1, errorCode: grpc.status.RESOURCE_EXHAUSTED });
    const failed = await runOrderStream(client, ids(1, 'd'));
    expect(failed.status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    const { contentType, metrics } = await scrape(server.metricsUrl);
    const counters = server.counters.snapshot();

    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(counters).toMatchObject({ streamsOpened: 4, streamsCompleted: 3, errorsSent: 1, messagesReceived: 10, messagesSent: 9 });
    expect(valueOf(metrics, 'grpc_server_started_total', ORDER_METHOD)).toBe(counters.streamsOpened);
    expect(valueOf(metrics, 'grpc_server_handled_total', { ...ORDER_METHOD, grpc_code: 'OK' })).toBe(counters.streamsCompleted);
    expect(valueOf(metrics, 'grpc_server_handled_total', { ...ORDER_METHOD, grpc_code: 'RESOURCE_EXHAUSTED' })).toBe(
      counters.errorsByStatus['RESOURCE_EXHAUSTED'],
    );
    expect(valueOf(metrics, 'grpc_server_msg_received_total', ORDER_METHOD)).toBe(counters.messagesReceived);
    expect(valueOf(metrics, 'grpc_server_msg_sent_total', ORDER_METHOD)).toBe(counters.messagesSent);
    expect(valueOf(metrics, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(valueOf(metrics, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
  });

  it('exports the per-method counters at zero before any stream', async () => {
    const server = await startWithMetrics();

    const { metrics } = await scrape(server.metricsUrl);

    expect(valueOf(metrics, 'grpc_server_started_total', ORDER_METHOD)).toBe(0);
    expect(valueOf(metrics, 'grpc_server_msg_received_total', ORDER_METHOD)).toBe(0);
    expect(metrics.get('grpc_server_handled_total')).toBeUndefined();
  });

  it('answers 404 for anything but GET /metrics', async () => {
    const server = await startWithMetrics();
    const origin = new URL(server.metricsUrl).origin;

    expect((await fetch(`${origin}/`)).status).toBe(404);
    expect((await fetch(`${origin}/metrics/extra`)).status).toBe(404);
    expect((await fetch(server.metricsUrl, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(`${server.metricsUrl}?name[]=x`)).status).toBe(200);
  });

  it('closes the metrics endpoint on shutdown', async () => {
    const server = await startWithMetrics();
    await scrape(server.metricsUrl);

    await server.shutdown(1000);

    await expect(fetch(server.metricsUrl)).rejects.toThrow();
  });

  it('reports an occupied metrics port and releases the gRPC port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startOrderServer({ port: 0, metricsPort: port })).rejects.toThrow(
        `cannot serve metrics on 127.0.0.1:${port}: listen EADDRINUSE`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('serves no metrics unless asked to', async () => {
    const server = await startOrderServer({ port: 0 });
    servers.push(server);

    expect(server.metricsUrl).toBeUndefined();
  });

  it('names the metrics URL in the ready line of serveOrderService', async () => {
    const lines: string[] = [];
    const { handle, closed } = await serveOrderService({
      host: '127.0.0.1',
      port: 0,
      metricsPort: 0,
      knobs: {},
      graceMs: 1000,
      log: (line) => lines.push(line),
    });
    servers.push(handle);

    expect(handle.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(lines).toEqual([`order service v1 listening on 127.0.0.1:${handle.port} (metrics ${handle.metricsUrl})`]);
    await scrape(handle.metricsUrl!);
    await handle.shutdown();
    await closed;
    await expect(fetch(handle.metricsUrl!)).rejects.toThrow();
  });
});
