import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startRepeatingServer, type RepeatingServer } from '../helpers/repeating-server.js';

const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));

/** Each run is 2 s of load; the rest is start-up and a drain of at most DRAIN_TIMEOUT_MS. */
const RUN_TIMEOUT_MS = 30_000;
const DRAIN_TIMEOUT_MS = 2000;
const UNMATCHED = 'UNMATCHED_RESPONSE: a response matched no request in flight';

const servers: RepeatingServer[] = [];

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function run(target: string, overrides: DeepPartial<ScenarioInput>): Promise<Report> {
  const scenario = loadScenario({ overrides: { target, insecure: true, proto: ORDER_PROTO_PATH, ...overrides } });
  const outcome = await runScenario(scenario, { drainTimeoutMs: DRAIN_TIMEOUT_MS });
  expect(outcome.partialCode).toBeUndefined();
  expect(outcome.report.workerErrors).toEqual([]);
  return outcome.report;
}

describe('a server that answers three times per request', () => {
  it.each([
    ['grpc-js', 'closed', {}],
    ['http2', 'closed', {}],
    ['grpc-js', 'open', { rate: 400 }],
    ['http2', 'open', { rate: 400 }],
  ] as const)(
    '%s, %s model: the run ends, the extra answers are unmatched, counts reconcile',
    async (transport, model, load) => {
      const server = await startRepeatingServer(3);
      servers.push(server);
      const report = await run(server.address, {
        transport,
        load: { duration: '2s', streams: 4, connections: 1, workers: 1, ...load },
        // By key: an extra answer names a request already answered (in order, it would pass for the next one's).
        stream: { window: 8, correlateBy: 'request_id' },
      });

      const c = report.counts;
      const unmatched = report.errorDetails[UNMATCHED] ?? 0;
      const why = JSON.stringify({ counts: c, errorDetails: report.errorDetails, server: server.stats() });
      expect(c.messagesReceived, why).toBeGreaterThan(0);
      expect(c.messagesSent, why).toBe(c.messagesReceived + c.messagesFailed + c.inFlightAtStop);
      expect(c.streamsOpened, why).toBe(c.streamsCompleted + c.streamsFailed + c.streamsCancelled);
      // Every request was answered; the drain did not run out (nothing was left in flight).
      expect(c.messagesFailed, why).toBe(0);
      expect(c.inFlightAtStop, why).toBe(0);
      expect(server.stats().requestsRead, why).toBe(c.messagesSent);
      // Each matched answer came with two extras, counted unmatched. A stream that has sent its
      // last request and had every one answered is cancelled at its next extra, so at most one
      // extra per stream goes uncounted (the rest were never read).
      expect(unmatched, why).toBeLessThanOrEqual(2 * c.messagesReceived);
      expect(unmatched, why).toBeGreaterThanOrEqual(2 * c.messagesReceived - c.streamsOpened);
      expect(c.errors, why).toBe(unmatched);
      expect(c.streamsFailed, why).toBe(0);
      // Closed model: every answer frees the window for the next request, so the extras pile up
      // in the server's write queue; it would end the stream only after writing them all. The
      // client cancelled first, at the first extra once nothing was in flight.
      if (model === 'closed') expect(c.streamsCancelled, why).toBe(c.streamsOpened);
    },
    RUN_TIMEOUT_MS,
  );
});
