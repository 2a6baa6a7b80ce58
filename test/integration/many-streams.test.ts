import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { scrapeMetric, startServeChild, type ServeChild } from '../helpers/cli-process.js';

const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));

const STREAMS = 10_000;
const MESSAGES_PER_STREAM = 3;
const MESSAGES = STREAMS * MESSAGES_PER_STREAM;

let child: ServeChild | undefined;

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

afterAll(async () => {
  await child?.stop();
});

describe('10,000 concurrent bidi streams', () => {
  it(
    'against `grpc-bench serve` over 20 connections and 2 workers: every stream completes OK and the report states memory per stream',
    async () => {
      child = await startServeChild(['--metrics-port', '0']);
      const scenario = loadScenario({
        overrides: {
          name: 'many-streams',
          target: child.address,
          insecure: true,
          proto: ORDER_PROTO_PATH,
          load: { streams: STREAMS, connections: 20, workers: 2, messages: MESSAGES, duration: '50s' },
          stream: { messages: MESSAGES_PER_STREAM },
        },
      });

      const { report, partialCode } = await runScenario(scenario, { connectTimeoutMs: 10_000 });

      const perStream = report.memory.perStreamBytes;
      console.log(
        [
          `${STREAMS} streams × ${MESSAGES_PER_STREAM} messages, 20 connections, 2 workers:`,
          `  duration ${(report.durationMs / 1000).toFixed(2)} s, ${report.throughput.messagesPerSec} msg/s, P50 ${report.latencyMs.p50} ms, P99 ${report.latencyMs.p99} ms`,
          `  peak active streams ${report.streams.peakActive}, memory per stream ${perStream === undefined ? 'n/a' : `${(perStream / 1024).toFixed(1)} KiB`}`,
          `  client RSS start ${(report.memory.client.startBytes / 2 ** 20).toFixed(0)} MiB, peak ${(report.memory.client.peakBytes / 2 ** 20).toFixed(0)} MiB; worker heaps peak ${(report.memory.clientHeap.peakBytes / 2 ** 20).toFixed(0)} MiB`,
        ].join('\n'),
      );
      expect(partialCode).toBeUndefined();
      expect(report.partial).toBe(false);
      expect(report.counts).toMatchObject({
        streamsOpened: STREAMS,
        streamsCompleted: STREAMS,
        streamsFailed: 0,
        streamsCancelled: 0,
        messagesSent: MESSAGES,
        messagesReceived: MESSAGES,
        messagesFailed: 0,
        inFlightAtStop: 0,
        errors: 0,
      });
      expect(report.statusCodes).toEqual({ OK: STREAMS });
      expect(report.connections.opened).toBe(20);
      expect(report.streams.peakActive, 'the streams were open at the same time').toBe(STREAMS);
      expect(perStream).toBeGreaterThan(0);
      expect(perStream).toBe(Math.round((report.memory.client.peakBytes - report.memory.client.startBytes) / report.streams.peakActive));
      // The server saw the same.
      expect(await scrapeMetric(child.metricsUrl!, 'grpc_server_handled_total', 'grpc_code="OK"')).toBe(STREAMS);
      expect(await scrapeMetric(child.metricsUrl!, 'grpc_server_msg_received_total')).toBe(MESSAGES);
    },
    90_000,
  );
});
