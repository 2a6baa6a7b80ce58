import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { loadOrderPackageDefinition } from '../../src/target/load-order-package-definition.js';
import type { CreateOrderRequest, CreateOrderResponse } from '../../src/target/order-messages.js';

/**
 * How the server treats every stream:
 * - answer: one response per request (request_id echoed, served_by "helper"), the response
 *   headers carry x-version; OK after the client half-closes.
 * - trailers-only: ends the stream with NOT_FOUND "nope" on its first request, before any write.
 * - status-message: answers `answerFirst` requests, then ends with FAILED_PRECONDITION and
 *   STATUS_MESSAGE (unicode and "%", percent-encoded on the wire).
 * - reset-cancel / reset-calm: answers `answerFirst` requests, then resets the HTTP/2 stream
 *   with CANCEL / ENHANCE_YOUR_CALM.
 */
export type ConformanceMode = 'answer' | 'trailers-only' | 'status-message' | 'reset-cancel' | 'reset-calm';

export const STATUS_MESSAGE = 'stock 100% gone — Lager leer ✓ 5%';

export interface ConformanceServerOptions {
  mode: ConformanceMode;
  /** Requests answered before the status or reset (status-message, reset-*); default 2. */
  answerFirst?: number;
  /** answer: each response's order_id holds this many bytes (a large response); default a short id. */
  answerPaddingBytes?: number;
  /** Serve TLS with this key pair instead of plaintext; with `clientCa`, clients must present a certificate it signed. */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
}

export interface ConformanceServerHandle {
  address: string;
  /** Request metadata of every stream, in arrival order. */
  metadata: Array<Record<string, grpc.MetadataValue>>;
  stats(): { streamsOpened: number; messagesReceived: number; messagesSent: number; connectionsSeen: number };
  close(): void;
}

type Call = grpc.ServerDuplexStream<CreateOrderRequest, CreateOrderResponse>;

/**
 * grpc-js has no public call to reset a stream from the server; the HTTP/2 stream sits at the
 * end of the call's chain of layers. Walks `call` / `nextCall` links until it finds it.
 */
function http2StreamOf(call: Call): http2.ServerHttp2Stream {
  let layer: unknown = (call as unknown as { call: unknown }).call;
  for (let depth = 0; depth < 10 && layer !== null && typeof layer === 'object'; depth++) {
    const { stream, nextCall } = layer as { stream?: unknown; nextCall?: unknown };
    if (stream !== null && typeof stream === 'object' && 'rstCode' in stream && 'respond' in stream) return stream as http2.ServerHttp2Stream;
    layer = nextCall;
  }
  throw new Error('no HTTP/2 stream under this grpc-js call (its internals changed)');
}

export async function startConformanceServer(options: ConformanceServerOptions): Promise<ConformanceServerHandle> {
  const answerFirst = options.answerFirst ?? 2;
  const metadata: Array<Record<string, grpc.MetadataValue>> = [];
  const peers = new Set<string>();
  let streamsOpened = 0;
  let messagesReceived = 0;
  let messagesSent = 0;

  const createOrderStream = (call: Call): void => {
    streamsOpened += 1;
    peers.add(call.getPeer());
    metadata.push(call.metadata.getMap());
    let answered = 0;
    let over = false;
    call.on('error', () => {
      // A reset or cancelled stream: nothing more to do.
    });
    call.on('data', (request: CreateOrderRequest) => {
      messagesReceived += 1;
      if (over) return;
      const mode = options.mode;
      if (mode === 'trailers-only') {
        over = true;
        call.emit('error', { code: grpc.status.NOT_FOUND, details: 'nope' });
        return;
      }
      if (mode !== 'answer' && answered >= answerFirst) {
        over = true;
        if (mode === 'status-message') call.emit('error', { code: grpc.status.FAILED_PRECONDITION, details: STATUS_MESSAGE });
        else http2StreamOf(call).close(mode === 'reset-cancel' ? http2.constants.NGHTTP2_CANCEL : http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
        return;
      }
      if (answered === 0 && mode === 'answer') {
        const headers = new grpc.Metadata();
        headers.set('x-version', 'helper-1');
        call.sendMetadata(headers);
      }
      answered += 1;
      messagesSent += 1;
      const orderId = options.answerPaddingBytes === undefined ? `o-${messagesSent}` : 'o'.repeat(options.answerPaddingBytes);
      call.write({ request_id: request.request_id, order_id: orderId, status: 'CREATED', served_by: 'helper' });
    });
    call.on('end', () => {
      if (over) return;
      over = true;
      call.end();
    });
  };

  const pb = grpc.loadPackageDefinition(loadOrderPackageDefinition())['pb'] as Record<string, { service: grpc.ServiceDefinition }>;
  const server = new grpc.Server();
  server.addService(pb['OrderService']!.service, { CreateOrderStream: createOrderStream });
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(options.tls.clientCa ?? null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }], options.tls.clientCa !== undefined)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    address: `127.0.0.1:${port}`,
    metadata,
    stats: () => ({ streamsOpened, messagesReceived, messagesSent, connectionsSeen: peers.size }),
    close: () => server.forceShutdown(),
  };
}
