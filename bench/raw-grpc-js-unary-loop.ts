/**
 * The unary baseline: the minimal loop a user would write with @grpc/grpc-js alone. One thread,
 * C distinct HTTP/2 connections, S concurrent callers spread round-robin over them; each caller
 * makes one pb.OrderUnaryService/CreateOrder call, then the next when it returns, for D seconds.
 * Prints one JSON line (RawLoopResult: `messages` are the calls that returned OK) and exits.
 *
 *   node dist/bench/raw-grpc-js-unary-loop.js --target 127.0.0.1:PORT --connections C --streams S --seconds D
 *
 * As the bidi loop: calls start once every connection is ready; the elapsed time runs from the
 * first call to the return of the last.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as hdr from 'hdr-histogram-js';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { rawLoopResult } from './raw-loop-result.js';

const CONNECT_TIMEOUT_MS = 5000;

type Request = { request_id: string; user_id: string; items: Array<{ sku_id: string; count: number }> };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { target: { type: 'string' }, connections: { type: 'string' }, streams: { type: 'string' }, seconds: { type: 'string' } } });
  if (values.target === undefined) throw new Error('--target host:port is required');
  const connectionCount = Math.max(1, Math.floor(Number(values.connections ?? 1)));
  const callerCount = Math.max(1, Math.floor(Number(values.streams ?? 1)));
  const durationMs = Number(values.seconds ?? 5) * 1000;
  if (!(durationMs > 0)) throw new Error(`--seconds: expected a positive number, got ${values.seconds}`);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const packageDefinition = protoLoader.loadSync(`${root}bench/order-unary.proto`, { keepCase: true, includeDirs: [`${root}proto`] });
  const method = (packageDefinition['pb.OrderUnaryService'] as protoLoader.ServiceDefinition)['CreateOrder']!;
  const serialize = method.requestSerialize as (value: Request) => Buffer;
  const deserialize = method.responseDeserialize as (bytes: Buffer) => unknown;

  const clients = Array.from(
    { length: connectionCount },
    // A distinct option per client gives each its own subchannel, hence its own HTTP/2 connection.
    (_, i) => new grpc.Client(values.target!, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'raw-loop.connection': i }),
  );
  await Promise.all(clients.map((client) => new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + CONNECT_TIMEOUT_MS, (error) => (error ? reject(error) : resolve())))));

  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  let calls = 0;
  let errors = 0;
  const startCpu = process.cpuUsage();
  const startMs = performance.now();
  const stopAtMs = startMs + durationMs;
  let endMs = startMs;

  const caller = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const client = clients[index % connectionCount]!;
      let n = 0;
      const next = (): void => {
        if (performance.now() >= stopAtMs) {
          endMs = Math.max(endMs, performance.now());
          resolve();
          return;
        }
        const sentAt = performance.now();
        const request: Request = { request_id: `${index}-${n++}`, user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] };
        client.makeUnaryRequest(method.path, serialize, deserialize, request, (error) => {
          if (error) errors++;
          else {
            calls++;
            histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
          }
          next();
        });
      };
      next();
    });
  await Promise.all(Array.from({ length: callerCount }, (_, i) => caller(i)));
  const result = rawLoopResult(calls, endMs - startMs, startCpu, histogram, errors);
  for (const client of clients) client.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`raw-grpc-js-unary-loop: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
