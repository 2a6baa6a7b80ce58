/**
 * The baseline: the minimal bidi ping-pong loop a user would write with @grpc/grpc-js alone.
 * One thread, C distinct HTTP/2 connections, S streams spread round-robin over them; each
 * stream writes one CreateOrderRequest and writes the next when the response arrives.
 * After D seconds the streams half-close; once every stream has ended (or a bounded drain
 * has passed) it prints one JSON line with what it measured and exits.
 *
 *   node dist/bench/raw-grpc-js-loop.js --target 127.0.0.1:PORT --connections C --streams S --seconds D
 *
 * Like grpc-bench, load starts once every connection is ready, and the elapsed time runs
 * from the first write to the end of the last stream.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as hdr from 'hdr-histogram-js';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { rawLoopResult } from './raw-loop-result.js';

const DRAIN_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 5000;

export type { RawLoopResult } from './raw-loop-result.js';

type Request = { request_id: string; user_id: string; items: Array<{ sku_id: string; count: number }> };
type Call = grpc.ClientDuplexStream<Request, unknown>;

function positive(name: string, text: string | undefined, fallback: number): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got ${text}`);
  return value;
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

  const clients: grpc.Client[] = [];
  for (let i = 0; i < connectionCount; i++) {
    // A distinct option per client gives each its own subchannel, hence its own HTTP/2 connection.
    clients.push(
      new grpc.Client(target, grpc.credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
        'raw-loop.connection': i,
      }),
    );
  }
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve, reject) =>
          client.waitForReady(Date.now() + CONNECT_TIMEOUT_MS, (error) => (error ? reject(error) : resolve())),
        ),
    ),
  );

  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  let messages = 0;
  let errors = 0;
  let sending = true;
  let open = streamCount;
  const calls: Call[] = [];

  const startCpu = process.cpuUsage();
  const startMs = performance.now();
  let endMs = startMs;

  const allEnded = new Promise<void>((resolve) => {
    const streamDone = (): void => {
      if (--open === 0) {
        endMs = performance.now();
        resolve();
      }
    };

    for (let s = 0; s < streamCount; s++) {
      const call = clients[s % connectionCount]!.makeBidiStreamRequest(
        method.path,
        method.requestSerialize as (value: Request) => Buffer,
        method.responseDeserialize as (bytes: Buffer) => unknown,
      ) as Call;
      calls.push(call);
      let n = 0;
      let sentAt = 0;
      let gotStatus = false;
      let gotEnd = false;
      const write = (): void => {
        sentAt = performance.now();
        call.write({ request_id: `${s}-${n++}`, user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] });
      };
      const finishOnce = (): void => {
        if (gotStatus && gotEnd) streamDone();
      };
      call.on('data', () => {
        messages++;
        histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
        if (sending) write();
      });
      call.on('error', () => {
        errors++;
      });
      call.on('status', (status: grpc.StatusObject) => {
        if (gotStatus) return;
        gotStatus = true;
        // A failed stream is over at its status; an OK one once its reads have ended too.
        if (status.code !== grpc.status.OK) gotEnd = true;
        finishOnce();
      });
      call.on('end', () => {
        if (gotEnd) return;
        gotEnd = true;
        finishOnce();
      });
      write();
    }
  });

  await new Promise<void>((resolve) => setTimeout(resolve, durationMs));
  sending = false;
  for (const call of calls) call.end();
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    allEnded.then(() => true),
    new Promise<boolean>((resolve) => (drainTimer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS))),
  ]);
  clearTimeout(drainTimer);
  if (!drained) {
    endMs = performance.now();
    for (const call of calls) call.cancel();
  }
  const result = rawLoopResult(messages, endMs - startMs, startCpu, histogram, errors + (drained ? 0 : open));
  for (const client of clients) client.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`raw-grpc-js-loop: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
