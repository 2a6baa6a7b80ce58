import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { runScenario, type RunOptions } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';

const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));

/** Every run here is a few seconds of load; the rest is start-up and drain. */
const RUN_TIMEOUT_MS = 30_000;
/** After sending stops, in-flight requests may take this long before their streams are cancelled. */
const DRAIN_TIMEOUT_MS = 2000;

let server: OrderServerHandle;

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

beforeEach(async () => {
  server = await startOrderServer({ port: 0 });
});

afterEach(async () => {
  await server.shutdown(1000);
});

/** A run against this test's Order service, in the shape of a scenario file plus flags. */
async function run(overrides: DeepPartial<ScenarioInput>, options: RunOptions = {}): Promise<Report> {
  const scenario = loadScenario({ overrides: { target: server.address, insecure: true, ...overrides } });
  const outcome = await runScenario(scenario, { drainTimeoutMs: DRAIN_TIMEOUT_MS, ...options });
  expect(outcome.partialCode).toBeUndefined();
  expect(outcome.report.workerErrors).toEqual([]);
  return outcome.report;
}

/** Every request sent is answered, failed with its stream, or still in flight at the stop. */
function expectCountsReconcile(report: Report): void {
  const c = report.counts;
  expect(c.messagesSent).toBe(c.messagesReceived + c.messagesFailed + c.inFlightAtStop);
}

/** The figures that explain a timing assertion's failure, for its message. */
function figures(report: Report): string {
  const { counts, latencyMs: l, latencyUncorrectedMs: u, sendLagMs: lag } = report;
  return [
    `sent ${counts.messagesSent} (${report.throughput.sentPerSec}/s), received ${counts.messagesReceived}, deferred ${counts.sendsDeferred}`,
    `latency p50/p99/max ${l.p50}/${l.p99}/${l.max} ms, uncorrected ${u.p50}/${u.p99}/${u.max} ms, send lag p99/max ${lag.p99}/${lag.max} ms`,
    `per interval sent/deferred: ${report.intervals.map((i) => `${i.messagesSent}/${i.sendsDeferred}`).join(' ')}`,
    `generator: ${report.generator.evidence.join('; ')}`,
  ].join('\n');
}

/** Each counter is reported in exactly one interval, so the intervals add up to the totals. */
function expectIntervalsSumToTotals(report: Report): void {
  const sum = (key: 'messagesSent' | 'messagesReceived' | 'messagesFailed' | 'errors' | 'streamsOpened' | 'sendsDeferred'): number =>
    report.intervals.reduce((total, interval) => total + interval[key], 0);
  expect(report.intervals.length).toBeGreaterThan(0);
  expect(sum('messagesSent')).toBe(report.counts.messagesSent);
  expect(sum('messagesReceived')).toBe(report.counts.messagesReceived);
  expect(sum('messagesFailed')).toBe(report.counts.messagesFailed);
  expect(sum('errors')).toBe(report.counts.errors);
  expect(sum('streamsOpened')).toBe(report.counts.streamsOpened);
  expect(sum('sendsDeferred')).toBe(report.counts.sendsDeferred);
}

describe('open model', () => {
  it(
    'keeps 2,000 messages/s for 5 s across 2 workers (±2 %)',
    async () => {
      // A window far larger than the requests that can be in flight at 2,000/s: the pacer, not
      // the service's response time, decides when requests go out.
      const report = await run({ load: { rate: 2000, duration: '5s', streams: 20, connections: 2, workers: 2 }, stream: { window: 1000 } });

      expect(report.loadModel).toBe('open');
      expect(report.settings.workers).toBe(2);
      // The pacer's must-show: the achieved rate and the count match the schedule.
      const why = figures(report);
      expect(report.throughput.sentPerSec, why).toBeGreaterThanOrEqual(2000 * 0.98);
      expect(report.throughput.sentPerSec, why).toBeLessThanOrEqual(2000 * 1.02);
      expect(report.counts.messagesSent, why).toBeGreaterThanOrEqual(10_000 * 0.98);
      expect(report.counts.messagesSent, why).toBeLessThanOrEqual(10_000 * 1.02);
      expect(report.counts.errors).toBe(0);
      expectCountsReconcile(report);
      expectIntervalsSumToTotals(report);
      expect(server.counters.snapshot().messagesReceived).toBeGreaterThanOrEqual(report.counts.messagesReceived);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'corrects for coordinated omission: a 1 s server stall shows in latencyMs, not in latencyUncorrectedMs',
    async () => {
      let stalledAtSent: number | undefined;
      const report = await run(
        { load: { rate: 400, duration: '5s', streams: 10, connections: 1, workers: 1 }, stream: { window: 1 } },
        {
          // After the first interval: every answer due in the next second is held back.
          onProgress: (status) => {
            if (stalledAtSent !== undefined) return;
            stalledAtSent = status.messagesSent;
            server.stall(1000);
          },
        },
      );

      const why = figures(report);
      expect(stalledAtSent, why).toBeDefined();
      expect(report.loadModel).toBe('open');
      expect(report.counts.errors, why).toBe(0);
      expectCountsReconcile(report);
      // ~400 sends fell due while all 10 streams waited: they went out late, from a backlog.
      expect(report.counts.sendsDeferred, why).toBeGreaterThan(0);
      expect(report.sendLagMs.max, why).toBeGreaterThanOrEqual(500);
      // Corrected: latency counts from when each request was due, so the stall is in the tail.
      expect(report.latencyMs.p99, why).toBeGreaterThanOrEqual(500);
      expect(report.latencyMs.max, why).toBeGreaterThanOrEqual(900);
      // Uncorrected: only the ~10 requests in flight saw the stall (same stall: max ≈ 1 s) —
      // too few of ~2,000 to reach the p99.
      expect(report.latencyUncorrectedMs.max, why).toBeGreaterThanOrEqual(900);
      expect(report.latencyUncorrectedMs.p99, why).toBeLessThan(250);
      expect(report.latencyUncorrectedMs.count).toBe(report.latencyMs.count);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'follows hold stages: 1 s at 100/s then 1 s at 300/s sends about 400 messages',
    async () => {
      const report = await run({
        load: { streams: 10, connections: 1, workers: 1, stages: [{ duration: '1s', rate: 100 }, { duration: '1s', rate: 300 }] },
        stream: { window: 8 },
      });

      expect(report.loadModel).toBe('open');
      expect(report.counts.messagesSent, figures(report)).toBeGreaterThanOrEqual(400 * 0.97);
      expect(report.counts.messagesSent, figures(report)).toBeLessThanOrEqual(400 * 1.03);
      expect(report.counts.errors).toBe(0);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('closed model', () => {
  it(
    'reports the uncorrected latency equal to the latency',
    async () => {
      const report = await run({ load: { duration: '1s', streams: 4, connections: 1, workers: 1 } });

      expect(report.loadModel).toBe('closed');
      expect(report.counts.messagesReceived).toBeGreaterThan(0);
      expect(report.latencyUncorrectedMs).toEqual(report.latencyMs);
      expect(report.uncorrectedHistogram).toBe(report.histogram);
      expect(report.counts.sendsDeferred).toBe(0);
      expect(report.sendLagMs.count).toBe(0);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'sums intervals to the totals and opens exactly the configured connections',
    async () => {
      // Two 1 s intervals: enough for the sums and for one interval to see all 4 connections.
      const report = await run({ load: { duration: '2s', streams: 8, connections: 4, workers: 2 } });

      expect(report.counts.messagesReceived).toBeGreaterThan(0);
      expectIntervalsSumToTotals(report);
      expectCountsReconcile(report);
      expect(report.connections.opened).toBe(4);
      expect(server.counters.snapshot().connectionsSeen).toBe(4);
      expect(report.connections.peakActive).toBe(4);
      for (const interval of report.intervals) expect(interval.activeConnections).toBeLessThanOrEqual(4);
      expect(Math.max(...report.intervals.map((i) => i.activeConnections))).toBe(4);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('warm-up', () => {
  it(
    'excludes the first second from every statistic',
    async () => {
      const report = await run({ load: { warmup: '1s', duration: '2s', streams: 4, connections: 1, workers: 1 } });

      expect(report.warmupMs).toBe(1000);
      expect(report.counts.messagesReceived).toBeGreaterThan(0);
      expectCountsReconcile(report);
      expectIntervalsSumToTotals(report);
      expect(report.latencyMs.count).toBe(report.counts.messagesReceived);
      // The service answered the warm-up requests too; the report left them out.
      expect(server.counters.snapshot().messagesReceived).toBeGreaterThan(report.counts.messagesSent);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('per-message timeout', () => {
  it(
    'ends streams whose request goes unanswered as DEADLINE_EXCEEDED and re-opens them',
    async () => {
      server.setKnobs({ latencyMs: 60_000 });
      // 1 s is five 200 ms deadlines per stream.
      const report = await run({ load: { duration: '1s', streams: 2, connections: 1, workers: 1 }, stream: { timeout: '200ms' } });

      expect(report.counts.messagesReceived).toBe(0);
      expect(report.statusCodes['DEADLINE_EXCEEDED']).toBeGreaterThanOrEqual(2);
      expect(report.counts.streamsFailed).toBeGreaterThanOrEqual(2);
      expect(report.counts.streamsOpened).toBeGreaterThan(2);
      expect(report.counts.messagesFailed).toBeGreaterThanOrEqual(2);
      expectCountsReconcile(report);
      expect(Object.keys(report.errorDetails).some((key) => key.startsWith('DEADLINE_EXCEEDED:') && key.includes('stream.timeout'))).toBe(true);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('generator health', () => {
  it(
    'flags a generator that cannot build its messages in time as saturated',
    async () => {
      // Building one message takes milliseconds, so 2,000 a second is beyond any machine's one
      // worker; 16 streams keep room for sends, so the lag is the generator's, not the server's.
      const report = await run({
        data: { user_id: '{{randomString 300000}}' },
        load: { rate: 2000, duration: '2s', streams: 16, connections: 1, workers: 1 },
      });

      expect(report.generator.saturated, figures(report)).toBe(true);
      expect(report.generator.evidence.length).toBeGreaterThan(0);
      expect(report.generator.evidence.join('\n')).toMatch(/worker 0: /);
      // Far fewer than the 4,000 scheduled requests went out; the rest were due but never sent.
      expect(report.counts.sendsDeferred).toBeGreaterThan(0);
      expect(report.counts.messagesSent + report.counts.unsentAtStop).toBe(4000);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'does not flag a light run',
    async () => {
      // The service answers after 1 s, so the limits on the worker's event-loop delay and schedule lag
      // are 5 % of that P99, 50 ms rather than 10 ms: far above the 1–2 ms a light run shows, and above
      // what a busy machine's scheduling adds. A window of 32 leaves room for the ~50 requests in flight.
      server.setKnobs({ latencyMs: 1000 });
      const report = await run({ load: { rate: 50, duration: '2s', streams: 4, connections: 1, workers: 1 }, stream: { window: 32 } });

      expect(report.counts.messagesReceived).toBeGreaterThan(0);
      expect(report.latencyUncorrectedMs.p99, figures(report)).toBeGreaterThan(900);
      expect(report.generator.saturated, figures(report)).toBe(false);
    },
    RUN_TIMEOUT_MS,
  );
});
