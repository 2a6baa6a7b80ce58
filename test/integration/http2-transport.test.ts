import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from '../../src/scenario/scenario-schema.js';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport, TRANSPORT_KINDS } from '../../src/driver/create-transport.js';
import { loadBidiMethod } from '../../src/driver/load-method.js';
import type { BidiStream, Connection, StreamEvents } from '../../src/driver/transport.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';

const method = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function connect(kind: (typeof TRANSPORT_KINDS)[number], target: string): { connection: Connection; lost: Promise<void> } {
  let onLost!: () => void;
  const lost = new Promise<void>((resolve) => (onLost = resolve));
  const connection = createTransport(kind, { target, insecure: true, metadata: {}, maxReceiveMessageBytes: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, method, workerId: 0 }).connect(0, { onReady: () => {}, onLost });
  cleanups.push(() => connection.close());
  return { connection, lost };
}

interface Opened {
  stream: BidiStream;
  responses: number;
  /** Resolves at the first response, then again after each `nextResponse()` call. */
  nextResponse(): Promise<void>;
  drained: Promise<void>;
  ended: Promise<{ status: string; details: string }>;
  endCount: number;
}

function open(connection: Connection): Opened {
  let resolveEnded!: (value: { status: string; details: string }) => void;
  let resolveDrained!: () => void;
  let waiting: (() => void) | undefined;
  const opened = {
    responses: 0,
    endCount: 0,
    ended: new Promise<{ status: string; details: string }>((resolve) => (resolveEnded = resolve)),
    drained: new Promise<void>((resolve) => (resolveDrained = resolve)),
    nextResponse: () => new Promise<void>((resolve) => (waiting = resolve)),
  } as Opened;
  const events: StreamEvents = {
    onResponse() {
      opened.responses++;
      waiting?.();
      waiting = undefined;
    },
    onDrain() {
      resolveDrained();
    },
    onEnd(status, details) {
      opened.endCount++;
      resolveEnded({ status, details });
    },
  };
  opened.stream = connection.openStream(events);
  return opened;
}

async function orderServer(): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0 });
  cleanups.push(() => server.forceShutdown());
  return server;
}

/** A plain HTTP/2 server (not gRPC) that answers every request with `status` and `contentType`. */
async function plainHttp2Server(status: number, contentType: string): Promise<string> {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.respond({ ':status': status, 'content-type': contentType });
    stream.end('not a gRPC response');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.each(TRANSPORT_KINDS)('%s transport, directly', (kind) => {
  it('an unreachable target: whenReady rejects and a stream ends UNAVAILABLE', async () => {
    const server = await orderServer();
    const target = server.address;
    server.forceShutdown();
    const { connection } = connect(kind, target);

    await expect(connection.whenReady(500)).rejects.toThrow();
    const opened = open(connection);
    opened.stream.send({ request_id: 'r', user_id: 'u' });

    expect((await opened.ended).status).toBe('UNAVAILABLE');
    expect(opened.endCount).toBe(1);
  });

  it('cancel: the stream ends CANCELLED, once', async () => {
    const server = await orderServer();
    const { connection } = connect(kind, server.address);
    await connection.whenReady(5000);
    const opened = open(connection);
    const first = opened.nextResponse();
    opened.stream.send({ request_id: 'r', user_id: 'u' });
    await first;

    opened.stream.cancel();

    expect((await opened.ended).status).toBe('CANCELLED');
    opened.stream.cancel();
    expect(opened.endCount).toBe(1);
  });
});

describe('http2 transport specifics', () => {
  it('a request larger than the stream buffer: send() returns false, onDrain follows, the stream ends OK', async () => {
    const server = await orderServer();
    const { connection } = connect('http2', server.address);
    await connection.whenReady(5000);
    const opened = open(connection);

    const accepted = opened.stream.send({ request_id: 'big', user_id: 'u'.repeat(1 << 20) });

    expect(accepted).toBe(false);
    await opened.drained;
    const answered = opened.nextResponse();
    await answered;
    opened.stream.halfClose();
    expect(await opened.ended).toEqual({ status: 'OK', details: 'OK' });
    expect(server.counters.snapshot()).toMatchObject({ messagesReceived: 1, messagesSent: 1 });
  });

  it('the server going away mid-stream: UNAVAILABLE, and the connection is reported lost', async () => {
    const server = await orderServer();
    const { connection, lost } = connect('http2', server.address);
    await connection.whenReady(5000);
    const opened = open(connection);
    const first = opened.nextResponse();
    opened.stream.send({ request_id: 'r', user_id: 'u' });
    await first;

    server.forceShutdown();

    const ended = await opened.ended;
    expect(ended.status).toBe('UNAVAILABLE');
    expect(ended.details).toMatch(/^connection lost/);
    await lost;
  });

  it.each([
    [503, 'application/grpc', 'UNAVAILABLE'],
    [404, 'text/plain', 'UNIMPLEMENTED'],
    [500, 'text/html', 'UNKNOWN'],
    [200, 'text/html', 'UNKNOWN'],
  ])('HTTP %i (%s) without grpc-status → %s', async (httpStatus, contentType, expected) => {
    const target = await plainHttp2Server(httpStatus, contentType);
    const { connection } = connect('http2', target);
    await connection.whenReady(5000);
    const opened = open(connection);
    opened.stream.send({ request_id: 'r', user_id: 'u' });

    const ended = await opened.ended;

    expect(ended.status).toBe(expected);
    expect(opened.responses).toBe(0);
  });
});
