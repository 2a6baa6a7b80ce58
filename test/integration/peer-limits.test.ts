import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFUSED_STREAM_DETAILS } from '../../src/driver/refused-stream.js';
import type { Report } from '../../src/report/report.js';
import { renderConsoleSummary } from '../../src/reporters/console-reporter.js';
import { renderMarkdown } from '../../src/reporters/markdown-reporter.js';
import { runScenario, type RunOutcome } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startLimitedServer, type LimitedServer, type LimitedServerOptions } from '../helpers/limited-server.js';

/**
 * A server's SETTINGS_MAX_CONCURRENT_STREAMS (or its refusals) caps how many streams run at
 * once. Both transports learn the limit before load, open no more than it per connection,
 * keep the other slots waiting (neither active nor failed), and the report and the console
 * summary say so with figures; refusals are counted as refused on both.
 */

const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));
const RUN_TIMEOUT_MS = 30_000;
const TRANSPORTS = ['grpc-js', 'http2'] as const;

const servers: LimitedServer[] = [];

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function limitedServer(options: LimitedServerOptions): Promise<LimitedServer> {
  const server = await startLimitedServer(options);
  servers.push(server);
  return server;
}

function run(target: string, overrides: DeepPartial<ScenarioInput>): Promise<RunOutcome> {
  const scenario = loadScenario({ overrides: { target, insecure: true, proto: ORDER_PROTO_PATH, ...overrides } });
  return runScenario(scenario, { drainTimeoutMs: 1000 });
}

function expectCountsReconcile(report: Report): void {
  const c = report.counts;
  expect(c.messagesSent, `sent = received + failed + in flight at stop: ${JSON.stringify(c)}`).toBe(c.messagesReceived + c.messagesFailed + c.inFlightAtStop);
  expect(c.streamsOpened, `opened = completed + failed + cancelled: ${JSON.stringify(c)}`).toBe(c.streamsCompleted + c.streamsFailed + c.streamsCancelled);
}

describe.each(TRANSPORTS)('transport %s', (transport) => {
  it(
    '100 streams on one connection to a server advertising SETTINGS_MAX_CONCURRENT_STREAMS 10: 10 run, 90 wait, the cap is stated',
    async () => {
      const server = await limitedServer({ maxConcurrentStreams: 10 });

      const { report } = await run(server.address, { transport, load: { streams: 100, connections: 1, workers: 1, messages: 2000 } });

      const stats = server.stats();
      expect(stats.peakOpenPerConnection, 'the server never saw more than its limit').toBeLessThanOrEqual(10);
      expect(stats.refused).toBe(0);
      expect(report.streams.peakActive).toBeLessThanOrEqual(10);
      for (const interval of report.intervals) expect(interval.activeStreams).toBeLessThanOrEqual(10);
      expect(report.peerLimits).toEqual({
        maxConcurrentStreams: 10,
        capped: { by: 'SETTINGS_MAX_CONCURRENT_STREAMS', streamsAsked: 100, connections: 1, streamsAccepted: 10, streamsHeldBack: 90, peakStreamsPerConnection: 10, streamsRefused: 0 },
      });
      // Waiting slots are not failures: every request was answered.
      expect(report.statusCodes, JSON.stringify(report.errorDetails)).toEqual({ OK: report.counts.streamsOpened });
      expect(report.counts.messagesReceived).toBe(2000);
      expect(stats.requestsRead).toBe(2000);
      expectCountsReconcile(report);
      expect(renderConsoleSummary(report)).toContain(
        "capped by the server's SETTINGS_MAX_CONCURRENT_STREAMS 10: asked 100 streams over 1 connection, 10 ran (at most 10 at once per connection); 90 waited the whole run, neither active nor failed",
      );
      expect(renderMarkdown(report)).toContain("**Concurrency held back:** capped by the server's SETTINGS\\_MAX\\_CONCURRENT\\_STREAMS 10: asked 100 streams");
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'the limit holds per connection: 40 streams over 2 connections with a limit of 10 run 20',
    async () => {
      const server = await limitedServer({ maxConcurrentStreams: 10 });

      const { report } = await run(server.address, { transport, load: { streams: 40, connections: 2, workers: 2, messages: 400 } });

      expect(server.stats().peakOpenPerConnection).toBeLessThanOrEqual(10);
      expect(report.streams.peakActive).toBeLessThanOrEqual(20);
      expect(report.peerLimits?.capped).toMatchObject({ streamsAsked: 40, connections: 2, streamsAccepted: 20, streamsHeldBack: 20, peakStreamsPerConnection: 10 });
      expect(report.counts.messagesReceived).toBe(400);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'a server that refuses streams over 10 without advertising a limit: the refusals are counted as refused, the same on both transports',
    async () => {
      const server = await limitedServer({ refuseOver: 10 });

      const { report } = await run(server.address, { transport, load: { streams: 12, connections: 1, workers: 1, duration: '1s' } });

      const stats = server.stats();
      expect(stats.peakOpenPerConnection).toBeLessThanOrEqual(10);
      expect(stats.refused).toBeGreaterThan(0);
      const capped = report.peerLimits?.capped;
      expect(capped, JSON.stringify(report.peerLimits)).toMatchObject({ by: 'REFUSED_STREAM', streamsAsked: 12, streamsHeldBack: 0 });
      expect(capped!.streamsRefused).toBeGreaterThan(0);
      // grpc-js retries a refused stream once by itself: the server refuses at least as many as were counted.
      expect(capped!.streamsRefused).toBeLessThanOrEqual(stats.refused);
      expect(report.errorDetails[`UNAVAILABLE: ${REFUSED_STREAM_DETAILS}`]).toBe(capped!.streamsRefused);
      expect(Object.keys(report.statusCodes).sort(), JSON.stringify(report.errorDetails)).toEqual(['OK', 'UNAVAILABLE']);
      expect(report.statusCodes['UNAVAILABLE']).toBe(capped!.streamsRefused);
      expect(renderConsoleSummary(report)).toContain(`the server refused ${capped!.streamsRefused} streams (RST_STREAM REFUSED_STREAM), counted as failed (UNAVAILABLE)`);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "metadata over the server's SETTINGS_MAX_HEADER_LIST_SIZE (below the 8 KiB default) is refused before load, naming the limit",
    async () => {
      const server = await limitedServer({ maxHeaderListSize: 2000 });

      const outcome = run(server.address, { transport, metadata: { 'x-big': 'a'.repeat(3000) }, load: { streams: 1, messages: 1 } });

      await expect(outcome).rejects.toMatchObject({ code: 'SCENARIO_INVALID' });
      await expect(outcome).rejects.toThrow(/^metadata: the request headers come to 3,[0-9]{3} bytes .*expected at most 2,000 bytes, the target's SETTINGS_MAX_HEADER_LIST_SIZE$/);
      expect(server.stats().streams, 'no stream was opened').toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "a 100 KB value within the server's advertised SETTINGS_MAX_HEADER_LIST_SIZE is sent and answered",
    async () => {
      const server = await limitedServer({ maxHeaderListSize: 200_000 });

      const { report } = await run(server.address, { transport, metadata: { 'x-big': 'a'.repeat(100_000) }, load: { streams: 2, messages: 20 } });

      expect(report.peerLimits).toEqual({ maxHeaderListSizeBytes: 200_000 });
      expect(report.statusCodes, JSON.stringify(report.errorDetails)).toEqual({ OK: report.counts.streamsOpened });
      expect(report.counts.messagesReceived).toBe(20);
      expect(server.stats().requestsRead).toBe(20);
    },
    RUN_TIMEOUT_MS,
  );
});
