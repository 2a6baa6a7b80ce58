import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { retainedLeakBytes } from '../../../src/target/order-service.js';
import { serveOrderService } from '../../../src/target/serve-order-service.js';
import { parseStatusName } from '../../../src/grpc/status-names.js';
import type { ServiceKnobs } from '../../../src/target/service-knobs.js';
import { startOrderServer, type OrderServerHandle } from '../../../src/target/start-order-server.js';
import {
  checkHealth,
  collectStream,
  listServicesByReflection,
  nextResponse,
  openOrderClient,
  orderRequest,
  runOrderStream,
  type OrderClient,
} from '../../helpers/order-client.js';

const servers: OrderServerHandle[] = [];
const clients: OrderClient[] = [];

async function start(knobs: Partial<ServiceKnobs> = {}): Promise<OrderServerHandle> {
  const handle = await startOrderServer({ port: 0, knobs });
  servers.push(handle);
  return handle;
}

function connect(address: string, options: grpc.ChannelOptions = {}): OrderClient {
  const client = openOrderClient(address, options);
  clients.push(client);
  return client;
}

const ids = (count: number, prefix = 'r'): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) server.forceShutdown();
});

describe('reference Order service', () => {
  it('answers every request on a bidi stream, served by the configured version', async () => {
    const server = await start({ version: 'v2' });
    expect(server.address).toBe(`127.0.0.1:${server.port}`);

    const { responses, status } = await runOrderStream(connect(server.address), ids(5));

    expect(status.code).toBe(grpc.status.OK);
    expect(responses.map((r) => r.request_id)).toEqual(ids(5));
    expect(responses.every((r) => r.served_by === 'v2' && r.status === 'CREATED')).toBe(true);
    expect(new Set(responses.map((r) => r.order_id)).size).toBe(5);
    expect(server.counters.snapshot()).toMatchObject({
      streamsOpened: 1,
      streamsCompleted: 1,
      streamsCancelled: 0,
      messagesReceived: 5,
      messagesSent: 5,
      errorsSent: 0,
      activeStreams: 0,
    });
  });

  it('counts distinct client connections', async () => {
    const server = await start();
    const outcomes = await Promise.all(
      [0, 1].map((i) =>
        runOrderStream(connect(server.address, { 'grpc.use_local_subchannel_pool': 1, 'grpc-bench.connection-id': i }), ids(2, `c${i}`)),
      ),
    );

    expect(outcomes.map((o) => o.status.code)).toEqual([grpc.status.OK, grpc.status.OK]);
    expect(server.counters.snapshot()).toMatchObject({ streamsOpened: 2, connectionsSeen: 2 });
  });

  it('injects the configured error status and ends the stream', async () => {
    const errorCode = parseStatusName('RESOURCE_EXHAUSTED');
    expect(errorCode).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const server = await start({ errorRatio: 1, errorCode: errorCode! });

    const { responses, status } = await runOrderStream(connect(server.address), ids(1));

    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status.details).toContain('RESOURCE_EXHAUSTED');
    expect(responses).toEqual([]);
    expect(server.counters.snapshot()).toMatchObject({
      errorsSent: 1,
      errorsByStatus: { RESOURCE_EXHAUSTED: 1 },
      streamsCompleted: 0,
      activeStreams: 0,
    });
  });

  it('starts failing when knobs change at runtime', async () => {
    const server = await start();
    const client = connect(server.address);
    expect((await runOrderStream(client, ids(1))).status.code).toBe(grpc.status.OK);

    server.setKnobs({ errorRatio: 1 });

    expect((await runOrderStream(client, ids(1))).status.code).toBe(grpc.status.UNAVAILABLE);
    expect(server.counters.snapshot().errorsByStatus).toEqual({ UNAVAILABLE: 1 });
  });

  it('rejects invalid knobs', async () => {
    const server = await start();
    expect(() => server.setKnobs({ errorRatio: 1.5 })).toThrow(RangeError);
    expect(() => server.setKnobs({ errorCode: 99 as grpc.status })).toThrow(RangeError);
    expect(server.knobs().errorRatio).toBe(0);
  });

  it('answers standard health checks with SERVING', async () => {
    const server = await start();
    await expect(checkHealth(server.address, '')).resolves.toBe('SERVING');
    await expect(checkHealth(server.address, 'pb.OrderService')).resolves.toBe('SERVING');
  });

  it('lists pb.OrderService through server reflection', async () => {
    const server = await start();
    await expect(listServicesByReflection(server.address)).resolves.toContain('pb.OrderService');
  });

  it('retains leakBytes per request, forever', async () => {
    const server = await start({ leakBytes: 1024 });
    const before = retainedLeakBytes();

    const { status } = await runOrderStream(connect(server.address), ids(100));

    expect(status.code).toBe(grpc.status.OK);
    expect(retainedLeakBytes() - before).toBeGreaterThanOrEqual(100 * 1024);
  });

  it('keeps request order despite latency jitter', async () => {
    const server = await start({ latencyMs: 5, jitterMs: 5 });

    const { responses, status } = await runOrderStream(connect(server.address), ids(30));

    expect(status.code).toBe(grpc.status.OK);
    expect(responses.map((r) => r.request_id)).toEqual(ids(30));
  });

  it('counts a stream cancelled by the client and drops its pending answers', async () => {
    const server = await start({ latencyMs: 60_000 });
    const call = connect(server.address).createOrderStream();
    const outcome = collectStream(call);
    call.write(orderRequest('never-answered'));
    await vi.waitFor(() => expect(server.counters.snapshot().messagesReceived).toBe(1));

    call.cancel();

    expect((await outcome).status.code).toBe(grpc.status.CANCELLED);
    await vi.waitFor(() => expect(server.counters.snapshot()).toMatchObject({ streamsCancelled: 1, activeStreams: 0 }));
    expect(server.counters.snapshot().messagesSent).toBe(0);
  });

  it('lets an in-flight stream finish during a graceful shutdown', async () => {
    const server = await start();
    const call = connect(server.address).createOrderStream();
    call.write(orderRequest('before'));
    await nextResponse(call);
    const outcome = collectStream(call);

    const stopped = server.shutdown(5000);
    call.write(orderRequest('during'));
    call.end();

    const { responses, status } = await outcome;
    await stopped;
    expect(status.code).toBe(grpc.status.OK);
    expect(responses.map((r) => r.request_id)).toEqual(['during']);
    expect(server.counters.snapshot()).toMatchObject({ streamsCompleted: 1, streamsCancelled: 0, activeStreams: 0 });
  });

  it('reports an occupied port as "cannot listen on 127.0.0.1:PORT"', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startOrderServer({ port })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('serveOrderService', () => {
  it('logs one ready line, then the stop line, and settles closed', async () => {
    const lines: string[] = [];
    const listenersBefore = process.listenerCount('SIGTERM');
    const { handle, closed } = await serveOrderService({
      host: '127.0.0.1',
      port: 0,
      knobs: { version: 'v3' },
      graceMs: 1000,
      log: (line) => lines.push(line),
    });
    servers.push(handle);
    expect(lines).toEqual([`order service v3 listening on 127.0.0.1:${handle.port}`]);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore + 1);

    await handle.shutdown();
    await closed;

    expect(lines[1]).toBe('order service stopping (grace 1000 ms)');
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  });
});
