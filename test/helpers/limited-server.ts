import http2 from 'node:http2';
import type { MethodDefinition } from '@grpc/proto-loader';
import { listenOnLoopback } from './listen-on-loopback.js';
import { loadOrderPackageDefinition } from '../../src/target/load-order-package-definition.js';
import type { CreateOrderRequest, CreateOrderResponse } from '../../src/target/order-messages.js';
import { frameMessage } from './rude-server.js';

/**
 * A node:http2 gRPC server for pb.OrderService/CreateOrderStream that echoes every request
 * and holds the client to limits:
 * - `maxConcurrentStreams`: advertised as SETTINGS_MAX_CONCURRENT_STREAMS (nghttp2 then
 *   refuses streams beyond it with RST_STREAM REFUSED_STREAM);
 * - `refuseOver`: advertises nothing, but refuses (RST_STREAM REFUSED_STREAM) every stream
 *   that would be open beyond this many at once on a connection;
 * - `maxHeaderListSize`: advertised as SETTINGS_MAX_HEADER_LIST_SIZE;
 * - `rejectEchoing`: ends every stream UNAUTHENTICATED with that request header's value in
 *   grpc-message, as a careless server might.
 * It counts what it saw: the most streams open at once on one connection is the server-side truth.
 */
export interface LimitedServerOptions {
  maxConcurrentStreams?: number;
  /** Advertised as SETTINGS_MAX_HEADER_LIST_SIZE, bytes. */
  maxHeaderListSize?: number;
  refuseOver?: number;
  rejectEchoing?: string;
}

export interface LimitedServerStats {
  streams: number;
  refused: number;
  rejected: number;
  requestsRead: number;
  /** The most streams open at once on any one connection. */
  peakOpenPerConnection: number;
}

export interface LimitedServer {
  address: string;
  stats(): LimitedServerStats;
  close(): Promise<void>;
}

const METHOD_PATH = '/pb.OrderService/CreateOrderStream';

export async function startLimitedServer(options: LimitedServerOptions): Promise<LimitedServer> {
  const service = loadOrderPackageDefinition()['pb.OrderService'] as unknown as Record<string, MethodDefinition<CreateOrderRequest, CreateOrderResponse>>;
  const method = service['CreateOrderStream']!;
  const stats: LimitedServerStats = { streams: 0, refused: 0, rejected: 0, requestsRead: 0, peakOpenPerConnection: 0 };
  const settings: http2.Settings = {
    ...(options.maxConcurrentStreams === undefined ? {} : { maxConcurrentStreams: options.maxConcurrentStreams }),
    ...(options.maxHeaderListSize === undefined ? {} : { maxHeaderListSize: options.maxHeaderListSize }),
  };
  const server = http2.createServer({ settings });
  const sessions = new Set<http2.ServerHttp2Session>();
  const openOn = new Map<http2.Http2Session, number>();
  server.on('session', (session) => {
    sessions.add(session);
    openOn.set(session, 0);
    session.on('error', () => {});
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const session = stream.session!;
    const open = openOn.get(session)! + 1;
    if (options.refuseOver !== undefined && open > options.refuseOver) {
      stats.refused++;
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    openOn.set(session, open);
    stream.once('close', () => openOn.set(session, openOn.get(session)! - 1));
    stats.streams++;
    stats.peakOpenPerConnection = Math.max(stats.peakOpenPerConnection, open);
    if (headers[':path'] !== METHOD_PATH) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
      return;
    }
    if (options.rejectEchoing !== undefined) {
      stats.rejected++;
      const echoed = String(headers[options.rejectEchoing] ?? '(none)');
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': encodeURIComponent(`bad credentials: ${echoed}`) }, { endStream: true });
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    let buffered: Buffer = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      while (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt32BE(1)) {
        const bytes = buffered.subarray(5, 5 + buffered.readUInt32BE(1));
        buffered = buffered.subarray(5 + bytes.length);
        stats.requestsRead++;
        const request = method.requestDeserialize(bytes);
        const response: CreateOrderResponse = { request_id: request.request_id, order_id: `limited-${stats.requestsRead}`, status: 'CREATED', served_by: 'limited' };
        stream.write(frameMessage(method.responseSerialize(response)));
      }
    });
    stream.on('end', () => {
      if (!stream.destroyed) stream.end();
    });
  });
  const port = await listenOnLoopback(server);
  return {
    address: `127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
