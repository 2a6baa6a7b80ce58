/**
 * Benchmark target that costs little CPU per message: pb.OrderService/CreateOrderStream (and its
 * unary twin pb.OrderUnaryService/CreateOrder) served straight on node:http2, without a gRPC library. The reference service (grpc-js) spends about
 * 11 µs of CPU per message and, on a 2-core machine, saturates its core before a lean client
 * does — every client then measures the server. This one answers each request with its
 * request_id followed by fixed order_id, status and served_by fields, so clients that
 * correlate by request_id work unchanged.
 *
 * Prints one JSON line {"address", "pid"} on stdout once listening (like bench-server.ts),
 * then serves until stdin closes or SIGTERM/SIGINT arrives.
 *
 *   node dist/bench/lean-order-server.js
 */
import { constants, createServer, type ServerHttp2Stream } from 'node:http2';
import { readVarint } from '../src/driver/protobuf-wire-bytes.js';
import { onStopRequest } from './stop-signals.js';

/** The bidi method, and its unary twin (bench/order-unary.proto): each request is answered the same way. */
const METHOD_PATHS = new Set(['/pb.OrderService/CreateOrderStream', '/pb.OrderUnaryService/CreateOrder']);
/** CreateOrderResponse fields 2–4 (order_id, status, served_by), encoded once. */
const RESPONSE_TAIL = Buffer.concat([field(2, 'ord-lean'), field(3, 'CREATED'), field(4, 'v1')]);
const RESPONSE_HEADERS = { [constants.HTTP2_HEADER_STATUS]: 200, [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc' };

/** A length-delimited protobuf field holding a short string (< 128 bytes). */
function field(fieldNumber: number, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([(fieldNumber << 3) | 2, bytes.length]), bytes]);
}

/** The bytes of field 1 (request_id, tag and length included) in a CreateOrderRequest, or none. */
function requestIdField(message: Buffer): Buffer {
  let offset = 0;
  while (offset < message.length) {
    const fieldStart = offset;
    const tag = readVarint(message, offset);
    if (!tag) break;
    const wireType = tag[0] & 7;
    offset = tag[1];
    if (wireType === 0) {
      const value = readVarint(message, offset);
      if (!value) break;
      offset = value[1];
      continue;
    }
    if (wireType !== 2) break;
    const length = readVarint(message, offset);
    if (!length) break;
    offset = length[1] + length[0];
    if (tag[0] >>> 3 === 1) return message.subarray(fieldStart, offset);
  }
  return Buffer.alloc(0);
}

/** One gRPC response message: the 5-byte prefix, the echoed request_id, the fixed tail. */
function responseFrame(requestId: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(5 + requestId.length + RESPONSE_TAIL.length);
  frame[0] = 0;
  frame.writeUInt32BE(requestId.length + RESPONSE_TAIL.length, 1);
  requestId.copy(frame, 5);
  RESPONSE_TAIL.copy(frame, 5 + requestId.length);
  return frame;
}

function serveStream(stream: ServerHttp2Stream, path: string | undefined): void {
  if (path === undefined || !METHOD_PATHS.has(path)) {
    stream.respond({ ...RESPONSE_HEADERS, 'grpc-status': '12', 'grpc-message': `unknown method ${path}` }, { endStream: true });
    return;
  }
  stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  let pending: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    while (pending.length - offset >= 5) {
      const length = pending.readUInt32BE(offset + 1);
      if (pending.length - offset - 5 < length) break;
      stream.write(responseFrame(requestIdField(pending.subarray(offset + 5, offset + 5 + length))));
      offset += 5 + length;
    }
    pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
  });
  stream.on('end', () => stream.end());
  stream.on('error', () => {});
}

function main(): void {
  const server = createServer();
  server.on('stream', (stream, headers) => serveStream(stream, headers[constants.HTTP2_HEADER_PATH] as string | undefined));
  server.on('sessionError', () => {});
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ address: `127.0.0.1:${port}`, pid: process.pid })}\n`);
  });
  onStopRequest(() => {
    setTimeout(() => process.exit(0), 1000).unref();
    server.close(() => process.exit(0));
  });
}

main();
