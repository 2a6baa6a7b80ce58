/**
 * The lean baseline: the minimal bidi ping-pong loop a user would write on node:http2 alone.
 * One thread, C HTTP/2 sessions (one `http2.connect` each), S streams spread round-robin
 * over them. The CreateOrderRequest is encoded once and framed once (1 flag byte + 4-byte
 * big-endian length + payload); every stream writes that same Buffer, and writes it again
 * when a response arrives. Responses are only counted: the 5-byte prefixes are parsed to
 * find message boundaries, the payloads are skipped, nothing is decoded.
 * After D seconds the streams half-close; once every stream has closed (or a bounded drain
 * has passed) it prints one JSON line in the shape of raw-grpc-js-loop and exits.
 *
 *   node dist/bench/raw-http2-loop.js --target 127.0.0.1:PORT --connections C --streams S --seconds D
 *
 * Like grpc-bench, load starts once every session is connected, and the elapsed time runs
 * from the first write to the close of the last stream.
 */
import * as protoLoader from '@grpc/proto-loader';
import * as hdr from 'hdr-histogram-js';
import * as http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rawLoopResult } from './raw-loop-result.js';

const DRAIN_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 5000;
const PREFIX_BYTES = 5;
const METHOD_PATH = '/pb.OrderService/CreateOrderStream';

function positive(name: string, text: string | undefined, fallback: number): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got ${text}`);
  return value;
}

/** One gRPC message on the wire: flag byte 0 (not compressed), big-endian length, payload. */
function frame(payload: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(PREFIX_BYTES + payload.length);
  framed[0] = 0;
  framed.writeUInt32BE(payload.length, 1);
  framed.set(payload, PREFIX_BYTES);
  return framed;
}

function connect(target: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${target}`, { settings: { enablePush: false } });
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`${target}: not connected within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    session.once('connect', () => {
      clearTimeout(timer);
      resolve(session);
    });
    session.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      connections: { type: 'string' },
      streams: { type: 'string' },
      seconds: { type: 'string' },
      proto: { type: 'string' },
    },
  });
  if (values.target === undefined) throw new Error('--target host:port is required');
  const target = values.target;
  const connectionCount = Math.floor(positive('connections', values.connections, 1));
  const streamCount = Math.floor(positive('streams', values.streams, 1));
  const durationMs = positive('seconds', values.seconds, 5) * 1000;
  const protoPath = values.proto ?? fileURLToPath(new URL('../../proto/order.proto', import.meta.url));

  const packageDefinition = protoLoader.loadSync(protoPath, { keepCase: true });
  const method = (packageDefinition['pb.OrderService'] as protoLoader.ServiceDefinition)['CreateOrderStream']!;
  const serialize = method.requestSerialize as (value: unknown) => Uint8Array;
  const request = frame(serialize({ request_id: 'r-0', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] }));

  const sessions = await Promise.all(Array.from({ length: connectionCount }, () => connect(target)));
  // A session error after connecting ends its streams, which count as errors below.
  for (const session of sessions) session.on('error', () => {});

  const headers: http2.OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': METHOD_PATH,
    'content-type': 'application/grpc',
    te: 'trailers',
  };
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  let messages = 0;
  let errors = 0;
  let sending = true;
  let open = streamCount;
  const streams: http2.ClientHttp2Stream[] = [];

  const startCpu = process.cpuUsage();
  const startMs = performance.now();
  let endMs = startMs;

  const allClosed = new Promise<void>((resolve) => {
    for (let s = 0; s < streamCount; s++) {
      const stream = sessions[s % connectionCount]!.request(headers, { endStream: false });
      streams.push(stream);
      let sentAt = 0;
      let grpcStatus: string | undefined;
      // Framing state across chunks: prefix bytes seen so far, then payload bytes still to skip.
      const prefix = Buffer.alloc(PREFIX_BYTES);
      let prefixFilled = 0;
      let payloadLeft = 0;
      const write = (): void => {
        sentAt = performance.now();
        stream.write(request);
      };
      const onMessage = (): void => {
        messages++;
        histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
        if (sending) write();
      };
      stream.on('response', (responseHeaders) => {
        if (responseHeaders[':status'] !== 200) grpcStatus = `http ${responseHeaders[':status']}`;
        // Trailers-only response: the status comes in the headers.
        const status = responseHeaders['grpc-status'];
        if (status !== undefined) grpcStatus = String(status);
      });
      stream.on('data', (chunk: Buffer) => {
        let at = 0;
        const length = chunk.length;
        while (at < length) {
          if (payloadLeft > 0) {
            const skip = Math.min(payloadLeft, length - at);
            payloadLeft -= skip;
            at += skip;
            if (payloadLeft === 0) onMessage();
            continue;
          }
          let messageLength: number;
          if (prefixFilled === 0 && length - at >= PREFIX_BYTES) {
            messageLength = chunk.readUInt32BE(at + 1);
            at += PREFIX_BYTES;
          } else {
            const take = Math.min(PREFIX_BYTES - prefixFilled, length - at);
            chunk.copy(prefix, prefixFilled, at, at + take);
            prefixFilled += take;
            at += take;
            if (prefixFilled < PREFIX_BYTES) break;
            prefixFilled = 0;
            messageLength = prefix.readUInt32BE(1);
          }
          if (messageLength === 0) onMessage();
          else payloadLeft = messageLength;
        }
      });
      stream.on('trailers', (trailers) => {
        const status = trailers['grpc-status'];
        if (status !== undefined) grpcStatus = String(status);
      });
      stream.on('error', () => {
        grpcStatus ??= 'stream error';
      });
      stream.on('close', () => {
        if (grpcStatus !== '0') errors++;
        if (--open === 0) {
          endMs = performance.now();
          resolve();
        }
      });
      write();
    }
  });

  await new Promise<void>((resolve) => setTimeout(resolve, durationMs));
  sending = false;
  for (const stream of streams) stream.end();
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    allClosed.then(() => true),
    new Promise<boolean>((resolve) => (drainTimer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS))),
  ]);
  clearTimeout(drainTimer);
  const failedStreams = errors + (drained ? 0 : open);
  if (!drained) {
    endMs = performance.now();
    for (const stream of streams) if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
  }
  // Streams that closed with a status other than OK, plus those still open after the drain.
  const result = rawLoopResult(messages, endMs - startMs, startCpu, histogram, failedStreams);
  for (const session of sessions) session.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`raw-http2-loop: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
