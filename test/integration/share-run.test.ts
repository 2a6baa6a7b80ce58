import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/driver/create-transport.js';
import { loadBidiMethod } from '../../src/driver/load-method.js';
import { ShareRun } from '../../src/driver/share-run.js';
import { constantSchedule, type Schedule } from '../../src/schedule/load-schedule.js';
import { compileMessageTemplate } from '../../src/scenario/compile-message-template.js';
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from '../../src/scenario/scenario-schema.js';
import type { IntervalSnapshot, WorkerResult } from '../../src/types/worker-protocol.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';

/**
 * One worker's share, run in this thread against a real socket. The target accepts TCP and
 * never speaks HTTP/2, so the share is still connecting when it is told to stop.
 */
describe('ShareRun stopped while its connections are still connecting', () => {
  let blackhole: net.Server;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    blackhole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  });

  /** Starts a share against the silent target and stops it at once; resolves with its result and the snapshots it posted. */
  async function stopWhileConnecting(transportKind: 'grpc-js' | 'http2', rateSchedule?: Schedule): Promise<{ result: WorkerResult; snapshots: number }> {
    const target = `127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
    const method = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');
    const template = compileMessageTemplate({ user_id: 'u_1' });
    const transport = createTransport(transportKind, { target, insecure: true, metadata: {}, maxReceiveMessageBytes: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, method, workerId: 0, requestTemplate: template });
    let snapshots = 0;
    const run = new ShareRun({
      share: { workerId: 0, streams: 2, connections: 1, firstStreamId: 0, streamIdStride: 2, durationMs: 30_000, ...(rateSchedule ? { rateSchedule } : {}), workerCount: 1, warmupMs: 0 },
      stream: { intervalMs: 0, window: 1 },
      transport,
      buildMessage: template.build,
      snapshotIntervalMs: 100,
      drainTimeoutMs: 1000,
      // Longer than the test waits: the share must not wait for it.
      connectTimeoutMs: 60_000,
      onSnapshot: () => snapshots++,
    });

    const finished = run.run();
    run.stopSending(true);
    return { result: await finished, snapshots };
  }

  it.each(['grpc-js', 'http2'] as const)('%s: finishes at once with nothing measured and a load time of 0, not the thread’s age', async (transportKind) => {
    const { result, snapshots } = await stopWhileConnecting(transportKind);

    expect(result).toMatchObject({ elapsedMs: 0, sendingMs: 0, stoppedEarly: true, peakActiveStreams: 0 });
    expect(result.counters).toMatchObject({ messagesSent: 0, messagesReceived: 0, streamsOpened: 0 });
    expect(snapshots, 'one final snapshot, no interval timer left behind').toBe(1);
  });

  it('open model: nothing fell due, so nothing is unsent', async () => {
    const { result } = await stopWhileConnecting('http2', constantSchedule(1000, 30_000));

    expect(result).toMatchObject({ elapsedMs: 0, unsentAtStop: 0 });
    expect(result.counters).toMatchObject({ messagesSent: 0, sendsDeferred: 0 });
  });
});

/** One worker's share with a warm-up, run in this thread against the reference service. */
describe('ShareRun with a warm-up', () => {
  let server: OrderServerHandle;

  beforeAll(async () => {
    server = await startOrderServer({ port: 0 });
  });

  afterAll(async () => {
    server.forceShutdown();
  });

  it.each([
    ['a warm-up that is a whole number of intervals', 200],
    ['a warm-up that ends inside an interval', 150],
  ])('%s: measured intervals begin where the warm-up ended, one after another, and hold every measured message', async (_name, warmupMs) => {
    const method = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');
    const template = compileMessageTemplate({ user_id: 'u_1' });
    const transport = createTransport('http2', { target: server.address, insecure: true, metadata: {}, maxReceiveMessageBytes: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, method, workerId: 0, requestTemplate: template });
    const snapshots: IntervalSnapshot[] = [];
    const run = new ShareRun({
      share: { workerId: 0, streams: 2, connections: 1, firstStreamId: 0, streamIdStride: 2, durationMs: 450, workerCount: 1, warmupMs },
      stream: { intervalMs: 0, window: 1 },
      transport,
      buildMessage: template.build,
      snapshotIntervalMs: 100,
      drainTimeoutMs: 1000,
      connectTimeoutMs: 5000,
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });

    const result = await run.run();

    const warm = snapshots.filter((s) => s.warmup);
    const measured = snapshots.filter((s) => !s.warmup);
    expect(warm.length, 'the warm-up ends with an interval of its own').toBeGreaterThan(0);
    expect(measured.length).toBeGreaterThan(0);
    expect(warm.reduce((sum, s) => sum + s.counters.messagesReceived + s.counters.messagesSent, 0), 'warm-up intervals count no message').toBe(0);
    // Node's timers keep a millisecond clock: the warm-up's may fire up to 1 ms before its time, never sooner.
    expect(measured[0]!.endMs - measured[0]!.durationMs, 'no measured interval holds warm-up time').toBeGreaterThan(warmupMs - 1);
    let startMs = warm.at(-1)!.endMs;
    for (const s of measured) {
      expect(s.endMs - s.durationMs).toBeCloseTo(startMs, 6);
      startMs = s.endMs;
    }
    const sum = (key: 'messagesSent' | 'messagesReceived' | 'messagesFailed'): number => measured.reduce((total, s) => total + s.counters[key], 0);
    expect({ sent: sum('messagesSent'), received: sum('messagesReceived'), failed: sum('messagesFailed') }).toEqual({
      sent: result.counters.messagesSent,
      received: result.counters.messagesReceived,
      failed: result.counters.messagesFailed,
    });
    expect(result.counters.messagesSent).toBeGreaterThan(0);
  });
});
