import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/driver/create-transport.js';
import { loadBidiMethod } from '../../src/driver/load-method.js';
import { ShareRun } from '../../src/driver/share-run.js';
import { constantSchedule, type Schedule } from '../../src/schedule/load-schedule.js';
import { compileMessageTemplate } from '../../src/scenario/compile-message-template.js';
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from '../../src/scenario/scenario-schema.js';
import type { WorkerResult } from '../../src/types/worker-protocol.js';
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
