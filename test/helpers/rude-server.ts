import http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { MethodDefinition } from '@grpc/proto-loader';
import { listenOnLoopback } from './listen-on-loopback.js';
import { loadOrderPackageDefinition } from '../../src/target/load-order-package-definition.js';
import type { CreateOrderRequest, CreateOrderResponse } from '../../src/target/order-messages.js';

/**
 * How the server treats pb.OrderService/CreateOrderStream:
 * - `echo`: answers every request, ends the stream OK after the client half-closes;
 * - `rst`: answers the first `answerFirst` requests of each stream, then resets the stream
 *   (RST_STREAM INTERNAL_ERROR) on the next one;
 * - `destroy`: the same, but destroys the whole TCP connection instead;
 * - `pause`: sends response headers, then never reads the request stream: HTTP/2 flow
 *   control stops the client's writes once the stream window is full.
 */
export type RudeMode = 'echo' | 'rst' | 'destroy' | 'pause';

export interface RudeServerOptions {
  mode: RudeMode;
  /** `rst`/`destroy`: requests answered on each stream before it misbehaves. Default 5. */
  answerFirst?: number;
  /** Called for every request read, with the server-wide count so far. */
  onRequest?: (count: number) => void;
  /** Called for every stream opened, with the server-wide count so far. */
  onStream?: (count: number) => void;
}

export interface RudeServerStats {
  sessions: number;
  streams: number;
  requestsRead: number;
  responsesSent: number;
  streamsEndedOk: number;
  streamsReset: number;
  socketsDestroyed: number;
}

export interface RudeServer {
  address: string;
  port: number;
  stats(): RudeServerStats;
  /** From now on every request is read (the client may keep sending) and none is answered. */
  stopAnswering(): void;
  close(): Promise<void>;
}

const METHOD_PATH = '/pb.OrderService/CreateOrderStream';

function orderMethod(): MethodDefinition<CreateOrderRequest, CreateOrderResponse> {
  const service = loadOrderPackageDefinition()['pb.OrderService'] as unknown as Record<string, MethodDefinition<CreateOrderRequest, CreateOrderResponse>>;
  return service['CreateOrderStream']!;
}

/** One gRPC length-prefixed message: flag 0 (uncompressed), 4-byte big-endian length, bytes. */
export function frameMessage(bytes: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(0, 0);
  header.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([header, bytes]);
}

/** Splits a byte stream into gRPC messages, whatever the chunk boundaries. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const messages: Buffer[] = [];
    while (this.buffered.length >= 5) {
      const length = this.buffered.readUInt32BE(1);
      if (this.buffered.length < 5 + length) break;
      messages.push(this.buffered.subarray(5, 5 + length));
      this.buffered = this.buffered.subarray(5 + length);
    }
    return messages;
  }
}

/**
 * A hand-written gRPC server on node:http2 at 127.0.0.1:0 that speaks just enough of the
 * protocol for pb.OrderService/CreateOrderStream, and misbehaves on purpose (see RudeMode).
 */
export async function startRudeServer(options: RudeServerOptions): Promise<RudeServer> {
  const method = orderMethod();
  const answerFirst = options.answerFirst ?? 5;
  let answering = true;
  const stats: RudeServerStats = { sessions: 0, streams: 0, requestsRead: 0, responsesSent: 0, streamsEndedOk: 0, streamsReset: 0, socketsDestroyed: 0 };
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  // A session's own `socket` is a proxy that refuses destroy(): keep the raw sockets by peer port.
  const sockets = new Map<number, Socket>();
  server.on('connection', (socket: Socket) => {
    const port = socket.remotePort!;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });

  server.on('session', (session) => {
    stats.sessions++;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {
      // A destroyed socket; nothing to do.
    });
  });

  server.on('stream', (stream, headers) => {
    stream.on('error', () => {
      // Reset by either side; counted where it is caused.
    });
    if (headers[':path'] !== METHOD_PATH) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unimplemented' }, { endStream: true });
      return;
    }
    stats.streams++;
    options.onStream?.(stats.streams);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    if (options.mode === 'pause') {
      stream.pause();
      return;
    }
    const reader = new FrameReader();
    let answered = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      for (const bytes of reader.push(chunk)) {
        if (over) return;
        stats.requestsRead++;
        options.onRequest?.(stats.requestsRead);
        if (options.mode !== 'echo' && answered >= answerFirst) {
          over = true;
          if (options.mode === 'rst') {
            stats.streamsReset++;
            stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
          } else {
            stats.socketsDestroyed++;
            const port = stream.session?.socket.remotePort;
            if (port !== undefined) sockets.get(port)?.destroy();
          }
          return;
        }
        if (!answering) continue;
        const request = method.requestDeserialize(bytes);
        const response: CreateOrderResponse = { request_id: request.request_id, order_id: `rude-${stats.responsesSent}`, status: 'CREATED', served_by: 'rude' };
        stream.write(frameMessage(method.responseSerialize(response)));
        answered++;
        stats.responsesSent++;
      }
    });
    stream.on('end', () => {
      if (over || stream.destroyed) return;
      stats.streamsEndedOk++;
      stream.end();
    });
  });

  const port = await listenOnLoopback(server);
  return {
    address: `127.0.0.1:${port}`,
    port,
    stats: () => ({ ...stats }),
    stopAnswering: () => {
      answering = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
