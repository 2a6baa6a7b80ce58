import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { runScenario, type RunOptions, type RunOutcome } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { closedPort, collectExit, linesOf, makeTempDir, runCli, spawnCli } from '../helpers/cli-process.js';
import { startRudeServer, type RudeServer } from '../helpers/rude-server.js';

const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));

/** Each run here is a few seconds of load; the rest is start-up, drain and the child processes. */
const RUN_TIMEOUT_MS = 30_000;

const orderServers: OrderServerHandle[] = [];
const rudeServers: RudeServer[] = [];
const tempDirs: Array<{ remove(): void }> = [];

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

// After all tests, not each: the pairs of cases below run concurrently, and one case's end must not stop the other's servers.
afterAll(async () => {
  for (const server of orderServers.splice(0)) server.forceShutdown();
  await Promise.all(rudeServers.splice(0).map((server) => server.close()));
  for (const dir of tempDirs.splice(0)) dir.remove();
});

async function orderServer(options: Parameters<typeof startOrderServer>[0] = {}): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, ...options });
  orderServers.push(server);
  return server;
}

async function rudeServer(options: Parameters<typeof startRudeServer>[0]): Promise<RudeServer> {
  const server = await startRudeServer(options);
  rudeServers.push(server);
  return server;
}

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-faults-');
  tempDirs.push(temp);
  return temp.dir;
}

function run(target: string, overrides: DeepPartial<ScenarioInput>, options: RunOptions = {}): Promise<RunOutcome> {
  const scenario = loadScenario({ overrides: { target, insecure: true, proto: ORDER_PROTO_PATH, ...overrides } });
  return runScenario(scenario, { drainTimeoutMs: 1000, ...options });
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** The report's bookkeeping identities hold whatever went wrong during the run. */
function expectCountsReconcile(report: Pick<Report, 'counts' | 'statusCodes'>): void {
  const c = report.counts;
  expect(c.messagesSent, `sent = received + failed + in flight at stop: ${JSON.stringify(c)}`).toBe(c.messagesReceived + c.messagesFailed + c.inFlightAtStop);
  expect(c.streamsOpened, `opened = completed + failed + cancelled: ${JSON.stringify(c)}`).toBe(c.streamsCompleted + c.streamsFailed + c.streamsCancelled);
  expect(sum(Object.values(report.statusCodes)), 'status codes count every stream that ended on its own').toBe(c.streamsCompleted + c.streamsFailed);
}

/** Non-OK stream outcomes of the report. */
function failureStatuses(report: Report): string[] {
  return Object.keys(report.statusCodes).filter((name) => name !== 'OK');
}

function readReport(path: string): Report {
  expect(existsSync(path), `${path} was written`).toBe(true);
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

describe('target down at start', () => {
  it('exits 5 with exactly one stderr line and no stack frame', async () => {
    const port = await closedPort();
    const cwd = tempDir();

    const result = await runCli(['run', `127.0.0.1:${port}`, '--insecure', '-n', '10', '-O', 'json', '-o', 'r.json'], { cwd });

    expect(result.code, result.stderr).toBe(5);
    const lines = linesOf(result.stderr);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^grpc-bench: .*127\.0\.0\.1:\d+.*\[TARGET_UNREACHABLE\]$/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(cwd, 'r.json')), 'no report without a run').toBe(false);
  });
});

describe('target killed mid-run and restarted on the same port', () => {
  it(
    'counts the failures by status, re-opens streams against the new server and reconciles',
    async () => {
      const first = await orderServer();
      let second: OrderServerHandle | undefined;
      let restart: Promise<void> | undefined;

      const { report, partialCode } = await run(
        first.address,
        { load: { duration: '4s', streams: 8, connections: 2, workers: 2 }, stream: { messages: 50 } },
        {
          onProgress: () => {
            if (restart) return;
            restart = (async () => {
              first.forceShutdown();
              // The same port at once: listening sockets use SO_REUSEADDR, so TIME_WAIT does not block it.
              second = await orderServer({ port: first.port });
            })();
            // Awaited after the run; a failed bind must not surface as an unhandled rejection meanwhile.
            restart.catch(() => {});
          },
        },
      );
      await restart;

      expect(partialCode).toBeUndefined();
      expect(report.partial).toBe(false);
      expect(second, 'the second server started').toBeDefined();
      expect(second!.port).toBe(first.port);
      const before = first.counters.snapshot();
      const after = second!.counters.snapshot();
      expect(before.messagesReceived).toBeGreaterThan(0);
      expect(after.streamsOpened, 'streams re-opened against the new server').toBeGreaterThan(0);
      expect(after.messagesReceived, 'requests reached the new server').toBeGreaterThan(0);
      expect(after.messagesSent, 'the new server answered').toBeGreaterThan(0);
      // Streams open at the kill end CANCELLED (the server resets them); re-opens before the new server listens fail UNAVAILABLE.
      expect(failureStatuses(report).length, JSON.stringify(report.statusCodes)).toBeGreaterThan(0);
      for (const name of failureStatuses(report)) expect(['CANCELLED', 'UNAVAILABLE', 'INTERNAL'], JSON.stringify(report.errorDetails)).toContain(name);
      expect(report.counts.streamsFailed).toBeGreaterThan(0);
      expect(report.counts.errors).toBeGreaterThanOrEqual(report.counts.streamsFailed);
      expect(report.statusCodes['OK']).toBeGreaterThan(0);
      // Every response counted came from one of the two servers (one in flight at the kill may be lost);
      // every request either server read was sent.
      expect(report.counts.messagesReceived).toBeLessThanOrEqual(before.messagesSent + after.messagesSent);
      expect(report.counts.messagesSent).toBeGreaterThanOrEqual(before.messagesReceived + after.messagesReceived);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );
});

// Concurrent pairs: each case has its own server (and CLI process), and their assertions are counts, not times.
describe.concurrent('abrupt stream resets and connection drops (node:http2 server)', () => {
  for (const mode of ['rst', 'destroy'] as const) {
    it(
      `${mode === 'rst' ? 'RST_STREAM INTERNAL_ERROR' : 'socket destroyed'} after 5 answers per stream: failures by status, the run goes on, reconciles`,
      async () => {
        const server = await rudeServer({ mode, answerFirst: 5 });

        const { report, partialCode } = await run(server.address, {
          // One stream per connection: a dropped connection takes down exactly the stream that caused it.
          load: { duration: '1500ms', streams: 4, connections: 4, workers: 1 },
        });

        expect(partialCode).toBeUndefined();
        const stats = server.stats();
        const expected = mode === 'rst' ? 'INTERNAL' : 'UNAVAILABLE';
        expect(failureStatuses(report), JSON.stringify(report.errorDetails)).toEqual([expected]);
        expect(report.statusCodes[expected]).toBe(mode === 'rst' ? stats.streamsReset : stats.socketsDestroyed);
        // The run kept going: many stream generations, each answered 5 times before it failed.
        expect(report.counts.streamsFailed).toBeGreaterThan(4);
        // Only streams half-closed at the end of the run, before their sixth request, end OK.
        expect(report.statusCodes['OK'] ?? 0).toBeLessThanOrEqual(4);
        // Ping-pong (window 1): every request reached the server; the one that triggered the fault failed with its stream.
        expect(report.counts.streamsOpened).toBe(stats.streams);
        expect(report.counts.messagesSent).toBe(stats.requestsRead);
        expect(report.counts.messagesReceived).toBe(stats.responsesSent);
        expect(report.counts.messagesFailed).toBe(report.counts.streamsFailed);
        expectCountsReconcile(report);
      },
      RUN_TIMEOUT_MS,
    );
  }
});

describe.concurrent('a server that never answers', () => {
  it(
    'stream.timeout 300ms: unanswered requests end their streams as DEADLINE_EXCEEDED, re-opened, reconciled',
    async () => {
      const server = await orderServer({ knobs: { latencyMs: 600_000 } });

      const { report, partialCode } = await run(server.address, {
        load: { duration: '1500ms', streams: 2, connections: 1, workers: 1 },
        stream: { timeout: '300ms' },
      });

      expect(partialCode).toBeUndefined();
      expect(report.counts.messagesReceived).toBe(0);
      expect(failureStatuses(report)).toEqual(['DEADLINE_EXCEEDED']);
      expect(report.statusCodes['DEADLINE_EXCEEDED']).toBeGreaterThanOrEqual(2);
      expect(report.counts.streamsOpened, 'streams were re-opened after their deadline').toBeGreaterThan(2);
      expect(report.counts.messagesFailed).toBeGreaterThanOrEqual(2);
      expect(Object.keys(report.errorDetails).every((key) => key.startsWith('DEADLINE_EXCEEDED: ') && key.includes('stream.timeout'))).toBe(true);
      expect(server.counters.snapshot().messagesSent).toBe(0);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'without stream.timeout: the drain timeout cancels the streams; what they carried is in flight at stop',
    async () => {
      const server = await orderServer({ knobs: { latencyMs: 600_000 } });

      const { report, partialCode } = await run(
        server.address,
        { load: { duration: '1s', streams: 3, connections: 1, workers: 1 }, stream: { window: 4 } },
        { drainTimeoutMs: 500 },
      );

      expect(partialCode).toBeUndefined();
      expect(report.counts).toMatchObject({ streamsOpened: 3, streamsCancelled: 3, streamsCompleted: 0, streamsFailed: 0, messagesReceived: 0, messagesFailed: 0 });
      expect(report.counts.inFlightAtStop).toBe(12);
      expect(report.statusCodes).toEqual({});
      const served = server.counters.snapshot();
      expect(served.messagesReceived).toBe(12);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('a server that stops reading (HTTP/2 flow control)', () => {
  it(
    'writes back up; the run stops sending, cancels at the drain timeout and stays within bounded memory',
    async () => {
      const server = await rudeServer({ mode: 'pause' });
      const streams = 2;
      const window = 1000;

      const { report, partialCode } = await run(
        server.address,
        {
          data: { request_id: '{{requestId}}', user_id: '{{randomString 65536}}' },
          load: { duration: '2s', streams, connections: 1, workers: 1 },
          stream: { window },
        },
        { drainTimeoutMs: 500 },
      );

      expect(partialCode).toBeUndefined();
      const c = report.counts;
      expect(c.messagesReceived).toBe(0);
      expect(c.streamsOpened).toBe(streams);
      expect(c.streamsCancelled).toBe(streams);
      expect(c.inFlightAtStop).toBe(c.messagesSent);
      // Flow control, not the window, limited the sends: the call's write buffer fills (16 messages) and the driver waits for 'drain'.
      expect(c.messagesSent).toBeGreaterThan(0);
      expect(c.messagesSent).toBeLessThan((streams * window) / 10);
      expect(report.memory.clientHeap.samples).toBeGreaterThan(0);
      expect(report.memory.clientHeap.peakBytes).toBeLessThan(512 * 1024 * 1024);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );
});

describe.concurrent('a worker that crashes', () => {
  it(
    'the heavy-template recipe (workerHeapMb 16, {{randomString 2000000}}): exit 8, the partial report names the workers and reconciles',
    async () => {
      const cwd = tempDir();
      writeFileSync(
        join(cwd, 'crash.yaml'),
        [
          'name: crash',
          'load: { streams: 4, connections: 2, workers: 2, duration: 10s, workerHeapMb: 16 }',
          'stream: { window: 50 }',
          'data: { user_id: "{{randomString 2000000}}" }',
        ].join('\n'),
      );

      const result = await runCli(['run', 'crash.yaml', '-O', 'json', '-o', 'r.json'], { cwd });

      expect(result.code, result.stderr).toBe(8);
      expect(result.stderr).toContain('[WORKER_CRASHED]');
      expect(result.stderr).not.toMatch(/^\s+at /m);
      const report = readReport(join(cwd, 'r.json'));
      expect(report.partial).toBe(true);
      expect(report.partialReason).toMatch(/^worker [01] crashed: .*memory/);
      expect(report.workerErrors.length).toBeGreaterThan(0);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'a worker that runs out of heap mid-run (writes backing up at a server that stops reading): exit 8, streams it had open count as cancelled',
    async () => {
      const server = await rudeServer({ mode: 'pause' });
      const cwd = tempDir();
      // Paced sends pile up behind HTTP/2 flow control, unserialised, until the 32 MiB heap is full.
      writeFileSync(
        join(cwd, 'crash.yaml'),
        [
          'name: crash-mid-run',
          'load: { streams: 4, connections: 2, workers: 2, duration: 10s, workerHeapMb: 32 }',
          'stream: { window: 50, interval: 100ms }',
          'data: { user_id: "{{randomString 70000}}" }',
        ].join('\n'),
      );

      const result = await runCli(['run', 'crash.yaml', server.address, '--insecure', '--proto', ORDER_PROTO_PATH, '-O', 'json', '-o', 'r.json'], { cwd });

      expect(result.code, result.stderr).toBe(8);
      const report = readReport(join(cwd, 'r.json'));
      expect(report.partial).toBe(true);
      expect(report.partialReason).toMatch(/^worker [01] crashed: .*memory/);
      expect(report.counts.streamsOpened, 'what the workers reported before the crash').toBeGreaterThan(0);
      expect(report.counts.messagesReceived).toBe(0);
      expect(report.counts.inFlightAtStop).toBe(report.counts.messagesSent);
      expectCountsReconcile(report);
    },
    RUN_TIMEOUT_MS,
  );
});

describe.concurrent('Ctrl-C and SIGTERM through the CLI', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(
      `${signal} mid-run: exit 130, the partial report is written and reconciles`,
      async () => {
        const cwd = tempDir();
        let onRequest: (count: number) => void = () => {};
        const server = await rudeServer({ mode: 'echo', onRequest: (count) => onRequest(count) });
        const spawnedAtMs = Date.now();
        const child = spawnCli(
          ['run', server.address, '--insecure', '--proto', ORDER_PROTO_PATH, '-z', '30s', '-c', '4', '--connections', '2', '--workers', '2', '-O', 'json', '-o', 'r.json'],
          { cwd, timeoutMs: 25_000 },
        );
        const exit = collectExit(child);
        // Server-side trigger: the load is flowing once the server has read this many requests.
        onRequest = (count) => {
          if (count !== 2000) return;
          child.kill(signal);
        };

        const result = await exit;

        expect(result.code, result.stderr).toBe(130);
        expect(result.stderr).toContain(`${signal}: stopping`);
        expect(result.stderr).toContain('[INTERRUPTED]');
        expect(result.stderr).not.toMatch(/^\s+at /m);
        const report = readReport(join(cwd, 'r.json'));
        expect(report.partial).toBe(true);
        expect(report.partialReason).toBe('interrupted before the planned end');
        // The load time the report gives lies within the child's own life, not at the planned 30 s.
        expect(report.durationMs).toBeLessThanOrEqual(Date.now() - spawnedAtMs);
        const stats = server.stats();
        expect(report.counts.messagesSent).toBeGreaterThanOrEqual(2000);
        // The in-flight requests drained: the server answered every request it read, the streams ended OK.
        expect(report.counts.messagesSent).toBe(stats.requestsRead);
        expect(report.counts.messagesReceived).toBe(stats.responsesSent);
        expect(report.counts).toMatchObject({ inFlightAtStop: 0, messagesFailed: 0, streamsCancelled: 0, streamsFailed: 0 });
        expect(report.statusCodes).toEqual({ OK: stats.streamsEndedOk });
        expectCountsReconcile(report);
      },
      RUN_TIMEOUT_MS,
    );
  }
});
