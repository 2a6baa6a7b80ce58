import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { ReusableWorkerPool } from '../../src/pool/worker-pool.js';
import { probeOrder, workerCountCandidates } from '../../src/plan/choose-worker-count.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { Scenario, ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { mergeHistograms } from '../../src/stats/latency-histogram.js';
import type { ServiceKnobs } from '../../src/target/service-knobs.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { CHAT_PROTO_PATH, startChatServer, type ChatServerHandle } from '../helpers/chat-server.js';
import { makeTempDir, runCli, scrapeMetric, startServeChild, type ServeChild } from '../helpers/cli-process.js';

const servers: OrderServerHandle[] = [];
const chatServers: ChatServerHandle[] = [];
const children: ServeChild[] = [];
const tempDirs: Array<{ remove(): void }> = [];

async function start(knobs: Partial<ServiceKnobs> = {}): Promise<OrderServerHandle> {
  const handle = await startOrderServer({ port: 0, knobs });
  servers.push(handle);
  return handle;
}

/** A scenario against a plaintext target, from flags-shaped overrides only. */
function scenarioFor(target: string, overrides: DeepPartial<ScenarioInput> = {}): Scenario {
  return loadScenario({ overrides: { target, insecure: true, ...overrides } });
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** The report's own bookkeeping identities, whatever happened during the run. */
function expectCountsReconcile(report: Report): void {
  const c = report.counts;
  expect(c.messagesSent, 'sent = received + failed + in flight at stop').toBe(c.messagesReceived + c.messagesFailed + c.inFlightAtStop);
  expect(c.streamsOpened, 'opened = completed + failed + cancelled').toBe(c.streamsCompleted + c.streamsFailed + c.streamsCancelled);
  expect(sum(Object.values(report.statusCodes)), 'status codes count every stream that ended on its own').toBe(c.streamsCompleted + c.streamsFailed);
  expect(report.latencyMs.count, 'one latency per response').toBe(c.messagesReceived);
}

afterEach(async () => {
  for (const server of servers.splice(0)) server.forceShutdown();
  for (const server of chatServers.splice(0)) server.close();
  await Promise.all(children.splice(0).map((child) => child.stop()));
  for (const dir of tempDirs.splice(0)) dir.remove();
});

describe('runScenario against the reference Order service', () => {
  it('drives a `grpc-bench serve` child process through the CLI: 8 streams × 50 messages over 2 connections', async () => {
    const child = await startServeChild(['--metrics-port', '0']);
    children.push(child);
    expect(child.readyLine).toMatch(/^order service v1 listening on 127\.0\.0\.1:\d+/);
    expect(child.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const temp = makeTempDir();
    tempDirs.push(temp);
    const reportPath = join(temp.dir, 'r.json');

    const result = await runCli(
      ['run', child.address, '--insecure', '-c', '8', '--connections', '2', '--workers', '2', '--stream-call-count', '50', '-n', '400', '-O', 'json', '-o', reportPath],
      { cwd: temp.dir },
    );

    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    expect(report.partial).toBe(false);
    expect(report.counts).toMatchObject({ messagesSent: 400, messagesReceived: 400, messagesFailed: 0, streamsFailed: 0, errors: 0 });
    expect(report.connections.opened).toBe(2);
    expectCountsReconcile(report);
    // The server's own counts, from its Prometheus endpoint.
    const metrics = child.metricsUrl!;
    expect(await scrapeMetric(metrics, 'grpc_server_msg_received_total')).toBe(400);
    expect(await scrapeMetric(metrics, 'grpc_server_msg_sent_total')).toBe(400);
    // 8 streams × 50 messages is exactly the budget: one generation of streams, no more.
    expect.soft(report.counts.streamsCompleted, 'streams completed').toBe(8);
    expect.soft(report.statusCodes).toEqual({ OK: 8 });
    expect.soft(await scrapeMetric(metrics, 'grpc_server_started_total'), 'streams started on the server').toBe(8);
    expect.soft(await scrapeMetric(metrics, 'grpc_server_handled_total', 'grpc_code="OK"'), 'streams handled OK on the server').toBe(8);
  });

  it('the same run in-process: the server counted exactly what the report says', async () => {
    const server = await start();

    const { report, partialCode } = await runScenario(
      scenarioFor(server.address, { load: { streams: 8, connections: 2, workers: 2, messages: 400 }, stream: { messages: 50 } }),
    );

    expect(partialCode).toBeUndefined();
    expect(report.counts).toMatchObject({ messagesSent: 400, messagesReceived: 400, messagesFailed: 0, inFlightAtStop: 0, streamsFailed: 0, streamsCancelled: 0, errors: 0 });
    expect(report.connections.opened).toBe(2);
    const served = server.counters.snapshot();
    expect(served).toMatchObject({ messagesReceived: 400, messagesSent: 400, streamsCancelled: 0, errorsSent: 0, connectionsSeen: 2, activeStreams: 0 });
    expectCountsReconcile(report);
    // 8 streams × 50 messages is exactly the budget: one generation of streams, no more.
    expect.soft(report.counts.streamsOpened, 'streams opened').toBe(8);
    expect.soft(report.counts.streamsCompleted, 'streams completed').toBe(8);
    expect.soft(report.statusCodes).toEqual({ OK: 8 });
    expect.soft(served.streamsOpened, 'streams opened on the server').toBe(8);
    expect.soft(served.streamsCompleted, 'streams completed on the server').toBe(8);
  });

  it('runs kept on one worker pool (the rounds of a comparison) reuse its threads and each count exactly', async () => {
    const server = await start();
    const workerPool = new ReusableWorkerPool();
    try {
      const scenario = scenarioFor(server.address, { load: { streams: 4, connections: 2, workers: 2, messages: 200 }, stream: { messages: 50 } });
      const first = await runScenario(scenario, { workerPool });
      const pool = workerPool.acquire(2);
      const threadsAfterFirst = pool.threads.map((thread) => thread.threadId);
      const second = await runScenario(scenario, { workerPool });
      expect(workerPool.acquire(2), 'the same size gets the kept pool').toBe(pool);
      const threadsAfterSecond = pool.threads.map((thread) => thread.threadId);

      expect(threadsAfterFirst).toHaveLength(2);
      expect(threadsAfterSecond, 'the second run ran on the same threads').toEqual(threadsAfterFirst);
      for (const { report, partialCode } of [first, second]) {
        expect(partialCode).toBeUndefined();
        expect(report.counts).toMatchObject({ messagesSent: 200, messagesReceived: 200, messagesFailed: 0, streamsOpened: 4, streamsCompleted: 4, errors: 0 });
        expect(report.connections.opened, 'every run opens its own connections').toBe(2);
        expectCountsReconcile(report);
      }
      expect(server.counters.snapshot()).toMatchObject({ messagesReceived: 400, connectionsSeen: 4, activeStreams: 0 });
      expect(workerPool.acquire(1), 'another size gets a pool of its own').not.toBe(pool);
    } finally {
      await workerPool.destroy();
    }
  });

  it('workers: auto probes each count twice against the target, runs with the chosen one and keeps probes out of the counts', async () => {
    const server = await start();
    const scenario = scenarioFor(server.address, { load: { streams: 4, connections: 2, workers: 'auto', messages: 200 }, stream: { messages: 50 } });
    const cap = Math.min(availableParallelism(), 2);
    expect(planScenario(scenario).load).toMatchObject({ chooseWorkers: true, workers: cap });
    const probed: number[] = [];

    const { report, partialCode } = await runScenario(scenario, { onWorkerProbe: (probe) => probed.push(probe.workers) });

    expect(partialCode).toBeUndefined();
    const choice = report.settings.workerChoice!;
    expect(choice, 'the report says how the count was chosen').toBeDefined();
    expect(choice.probes.map((probe) => probe.workers)).toEqual(cap === 1 ? [] : probeOrder(workerCountCandidates(cap)));
    expect(probed, 'each probe was announced as it finished').toEqual(choice.probes.map((probe) => probe.workers));
    for (const probe of choice.probes) expect(probe.messagesPerSec, `probe with ${probe.workers} worker(s) measured load`).toBeGreaterThan(0);
    expect(report.settings.workers).toBe(choice.workers);
    expect(report.generator.workers, 'the run used the chosen count').toHaveLength(choice.workers);
    // The budget is the measured run's alone: probes are time-bound and not in the report.
    expect(report.counts).toMatchObject({ messagesSent: 200, messagesReceived: 200, streamsOpened: 4, streamsCompleted: 4, errors: 0 });
    expectCountsReconcile(report);
    const probeMessages = server.counters.snapshot().messagesReceived - 200;
    if (cap > 1) expect(probeMessages, 'the probes sent real load to the target').toBeGreaterThan(0);
    else expect(probeMessages).toBe(0);
  });

  it('v2 with an error ratio: failed streams are counted by status, like the server sent them', async () => {
    const server = await start({ version: 'v2', errorRatio: 0.2, errorCode: grpc.status.UNAVAILABLE });

    const { report, partialCode } = await runScenario(
      scenarioFor(server.address, {
        data: { request_id: '{{requestId}}', user_id: 'u_1' },
        load: { streams: 4, connections: 2, workers: 2, messages: 300 },
        stream: { messages: 20, correlateBy: 'request_id' },
      }),
    );

    expect(partialCode).toBeUndefined();
    expect(report.partial).toBe(false);
    const served = server.counters.snapshot();
    expect(report.statusCodes['UNAVAILABLE']).toBeGreaterThan(0);
    expect(report.statusCodes['UNAVAILABLE']).toBe(served.errorsByStatus['UNAVAILABLE']);
    expect(report.statusCodes['OK'] ?? 0).toBe(served.streamsCompleted);
    expect(report.counts.streamsFailed).toBe(served.errorsSent);
    expect(report.counts.messagesSent).toBe(300);
    expect(report.counts.messagesSent).toBe(served.messagesReceived);
    expect(report.counts.messagesReceived).toBe(served.messagesSent);
    expect(report.counts.messagesFailed).toBe(report.statusCodes['UNAVAILABLE']);
    expect(report.errorDetails['UNAVAILABLE: order service v2: injected UNAVAILABLE (errorRatio 0.2)']).toBe(report.statusCodes['UNAVAILABLE']);
    expectCountsReconcile(report);
  });

  it('intervals add up to the totals, histograms included', async () => {
    const server = await start({ errorRatio: 0.1 });

    const { report } = await runScenario(
      scenarioFor(server.address, {
        load: { streams: 4, connections: 2, workers: 2, messages: 200 },
        // At least 2 ms between sends: 50 messages per stream span several 50 ms intervals.
        stream: { messages: 50, interval: '2ms' },
      }),
      { snapshotIntervalMs: 50 },
    );

    const { intervals, counts } = report;
    expect(intervals.length).toBeGreaterThan(1);
    expect(counts.errors).toBeGreaterThan(0);
    expect(sum(intervals.map((i) => i.messagesReceived))).toBe(counts.messagesReceived);
    expect(sum(intervals.map((i) => i.messagesSent))).toBe(counts.messagesSent);
    expect(sum(intervals.map((i) => i.messagesFailed))).toBe(counts.messagesFailed);
    expect(sum(intervals.map((i) => i.errors))).toBe(counts.errors);
    expect(sum(intervals.map((i) => i.streamsOpened))).toBe(counts.streamsOpened);
    expect(sum(intervals.map((i) => i.streamsCompleted))).toBe(counts.streamsCompleted);
    expect(sum(intervals.map((i) => i.streamsFailed))).toBe(counts.streamsFailed);

    const merged = mergeHistograms(intervals.map((i) => i.histogram));
    const whole = mergeHistograms([report.histogram]);
    expect(merged.totalCount).toBe(report.latencyMs.count);
    expect(merged.totalCount).toBe(counts.messagesReceived);
    for (const p of [50, 90, 99, 99.9]) expect(merged.getValueAtPercentile(p)).toBe(whole.getValueAtPercentile(p));
    expectCountsReconcile(report);
  });

  it('an aborted duration run stops early and returns a partial report that still reconciles', { timeout: 30_000 }, async () => {
    const server = await start();
    const controller = new AbortController();
    let progressCalls = 0;
    const calledAtMs = performance.now();

    const { report, partialCode } = await runScenario(
      scenarioFor(server.address, { load: { streams: 4, connections: 2, workers: 2, duration: '30s' }, stream: { messages: 20 } }),
      {
        snapshotIntervalMs: 100,
        signal: controller.signal,
        onProgress: () => {
          progressCalls += 1;
          controller.abort();
        },
      },
    );

    expect(progressCalls).toBeGreaterThan(0);
    expect(partialCode).toBe('INTERRUPTED');
    expect(report.partial).toBe(true);
    expect(report.partialReason).toMatch(/interrupted/);
    // The load time lies within the call: a worker stopped while connecting once gave its thread's age instead.
    expect(report.durationMs).toBeLessThanOrEqual(performance.now() - calledAtMs);
    expectCountsReconcile(report);
  });

  it('a budget smaller than the stream count opens no stream without a message to send', async () => {
    const server = await start();

    const { report, partialCode } = await runScenario(scenarioFor(server.address, { load: { streams: 4, connections: 2, workers: 2, messages: 3 } }));

    expect(partialCode).toBeUndefined();
    expect(report.counts).toMatchObject({ messagesSent: 3, messagesReceived: 3, streamsFailed: 0 });
    expect(server.counters.snapshot().streamsOpened).toBe(report.counts.streamsOpened);
    expectCountsReconcile(report);
    expect(report.counts.streamsOpened, 'every stream opened carries at least one message').toBeLessThanOrEqual(report.counts.messagesSent);
  });

  it('defaults to the embedded service, whose counters agree with the report', async () => {
    let embedded: OrderServerHandle | undefined;
    const scenario = loadScenario({ overrides: { load: { streams: 4, connections: 2, workers: 2, messages: 200 } } });
    expect(scenario.target).toBe('embedded');

    const { report, partialCode } = await runScenario(scenario, { onEmbeddedServer: (server) => (embedded = server) });

    expect(partialCode).toBeUndefined();
    expect(embedded).toBeDefined();
    expect(report.target).toBe(`embedded (${embedded!.address})`);
    expect(report.counts).toMatchObject({ messagesSent: 200, messagesReceived: 200, streamsFailed: 0, errors: 0 });
    const served = embedded!.counters.snapshot();
    expect(served.messagesReceived).toBe(report.counts.messagesSent);
    expect(served.messagesSent).toBe(report.counts.messagesReceived);
    expect(served.streamsOpened).toBe(report.counts.streamsOpened);
    expect(served.streamsCompleted).toBe(report.counts.streamsCompleted);
    expect(served.connectionsSeen).toBe(report.connections.opened);
    expect(served.connectionsSeen).toBe(2);
    expect(served.activeStreams).toBe(0);
    expectCountsReconcile(report);
  });
});

describe('runScenario against any bidi method of any .proto', () => {
  it('drives chat.ChatService/Converse, correlating out-of-order replies by msg_id, with templated fields', async () => {
    const server = await startChatServer();
    chatServers.push(server);

    const { report, partialCode } = await runScenario(
      scenarioFor(server.address, {
        proto: CHAT_PROTO_PATH,
        call: 'chat.ChatService/Converse',
        data: { room: 'room-{{streamId}}', text: '{{requestId}} {{uuid}}', seq: '{{randomInt 1 100}}' },
        load: { streams: 4, connections: 2, workers: 2, messages: 160 },
        stream: { messages: 40, window: 4, correlateBy: 'msg_id' },
      }),
    );

    expect(partialCode).toBeUndefined();
    expect(report.call).toBe('chat.ChatService/Converse');
    expect(report.counts).toMatchObject({ messagesSent: 160, messagesReceived: 160, messagesFailed: 0, streamsFailed: 0, errors: 0 });
    expect(report.statusCodes).toEqual({ OK: report.counts.streamsCompleted });
    expectCountsReconcile(report);

    const stats = server.stats();
    expect(stats.repliesSwapped).toBeGreaterThan(0);
    expect(stats.streamsOpened).toBe(report.counts.streamsOpened);
    expect(stats.connectionsSeen).toBe(2);

    const received = server.received;
    expect(received).toHaveLength(160);
    // msg_id was not in the data: correlateBy filled it with {{requestId}} (worker-stream-message).
    expect(new Set(received.map((m) => m.msg_id)).size).toBe(160);
    expect(new Set(received.map((m) => m.text)).size).toBe(160);
    for (const message of received) {
      const match = /^(\d+)-(\d+)-(\d+)$/.exec(message.msg_id);
      expect(match, message.msg_id).not.toBeNull();
      expect(message.room).toBe(`room-${match![2]}`);
      expect(message.text).toMatch(new RegExp(`^${message.msg_id} [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
      const seq = Number(message.seq);
      expect(Number.isInteger(seq) && seq >= 1 && seq <= 100, `seq ${message.seq}`).toBe(true);
    }
  });
});
