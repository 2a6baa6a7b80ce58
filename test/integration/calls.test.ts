import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { CALLS_PROTO_PATH, startCallsServer, type CallsServerCounts, type CallsServerHandle } from '../helpers/calls-server.js';

/**
 * Every kind of call on both transports against a server that counts what it sees: a count of
 * calls (`load.calls`) makes exactly that many, never more in flight than `load.streams`, and the
 * report's calls, messages and statuses match the server's own counts. What each case saw is
 * kept per transport and compared at the end: both transports must agree.
 */
const TRANSPORTS = ['grpc-js', 'http2'] as const;
type TransportName = (typeof TRANSPORTS)[number];
const seen: Record<TransportName, Record<string, unknown>> = { 'grpc-js': {}, http2: {} };

const CALLS = 2000;
const STREAMS = 20;

let server: CallsServerHandle;
beforeAll(async () => {
  server = await startCallsServer();
});
afterAll(() => server.close());

/** Runs against a fresh count: returns the report and what the server saw during this run alone. */
async function run(transport: TransportName, overrides: DeepPartial<ScenarioInput>, drainTimeoutMs?: number): Promise<{ report: Report; served: CallsServerCounts }> {
  server.resetPeak();
  const before = server.counts();
  const scenario = loadScenario({
    overrides: { name: `calls-${transport}`, target: server.address, insecure: true, transport, proto: CALLS_PROTO_PATH, ...overrides, load: { streams: STREAMS, connections: 2, workers: 2, calls: CALLS, ...overrides.load } },
  });
  const { report, partialCode } = await runScenario(scenario, { snapshotIntervalMs: 250, ...(drainTimeoutMs === undefined ? {} : { drainTimeoutMs }) });
  expect(partialCode).toBeUndefined();
  const after = server.counts();
  const served: CallsServerCounts = {
    ...after,
    calls: Object.fromEntries(Object.entries(after.calls).map(([method, n]) => [method, n - (before.calls[method] ?? 0)])),
    okCalls: after.okCalls - before.okCalls,
    failedCalls: after.failedCalls - before.failedCalls,
    cancelledCalls: after.cancelledCalls - before.cancelledCalls,
    requests: after.requests - before.requests,
    replies: after.replies - before.replies,
  };
  return { report, served };
}

/** Calls, statuses and the report's own identities. */
function expectCalls(report: Report, served: CallsServerCounts, method: string): void {
  const c = report.counts;
  expect(served.calls[method]).toBe(CALLS);
  // The client's own figures first, so that a server peak over the limit says which side saw what.
  expect(report.streams.peakActive).toBeLessThanOrEqual(STREAMS);
  expect(served.peakInFlight, `server peak; client: ${JSON.stringify({ statusCodes: report.statusCodes, connections: report.connections.opened })}`).toBeLessThanOrEqual(STREAMS);
  expect(report.calls?.count).toBe(CALLS);
  expect(report.calls?.latencyMs.count).toBe(CALLS);
  expect(c.streamsOpened).toBe(CALLS);
  expect(c.streamsOpened).toBe(c.streamsCompleted + c.streamsFailed + c.streamsCancelled);
  expect(c.messagesSent).toBe(served.requests);
  expect(c.messagesReceived).toBe(served.replies);
  expect(report.calls!.latencyMs.min).toBeGreaterThan(0);
}

describe.each(TRANSPORTS)('transport %s', (transport) => {
  const record = (name: string, value: unknown): void => {
    seen[transport][name] = value;
  };

  it('unary: exactly load.calls calls, one request and one response each, list data round-robin with statuses counted per call', async () => {
    // One connection carries all 2,000: a client that resets streams the server already closed
    // would be sent away (GOAWAY) after 1,000 of them and reconnect.
    const { report, served } = await run(transport, {
      call: 'calls.CallService/Unary',
      data: [{ id: 'a' }, { id: 'b' }, { id: 'c', fail_code: 9 }, { id: 'd' }],
      load: { connections: 1, workers: 1 },
    });
    expectCalls(report, served, 'Unary');
    expect(report.connections.opened).toBe(1);
    expect(report.calls?.kind).toBe('unary');
    expect(report.counts.messagesSent).toBe(CALLS);
    // Calls 0…1999 pick data[n mod 4]: a quarter fail.
    expect(report.statusCodes).toEqual({ OK: 1500, FAILED_PRECONDITION: 500 });
    expect(served.failedCalls).toBe(500);
    expect(report.counts.messagesReceived).toBe(1500);
    expect(report.counts.messagesFailed).toBe(500);
    expect(report.latencyMs.count).toBe(1500);
    record('unary', { statusCodes: report.statusCodes, counts: report.counts, errorDetails: report.errorDetails });
  });

  it('client streaming: each call sends the data list in order, one response answers it, latency from its first request', async () => {
    const { report, served } = await run(transport, { call: 'calls.CallService/Upload', data: [{ id: 'x' }, { id: 'y' }, { id: 'z' }] });
    expectCalls(report, served, 'Upload');
    expect(report.calls?.kind).toBe('clientStreaming');
    expect(report.counts.messagesSent).toBe(3 * CALLS);
    expect(report.counts.messagesReceived).toBe(CALLS);
    expect(report.counts.messagesFailed).toBe(0);
    expect(report.counts.errors).toBe(0);
    expect(report.statusCodes).toEqual({ OK: CALLS });
    expect(report.latencyMs.count).toBe(CALLS);
    record('clientStreaming', { statusCodes: report.statusCodes, counts: report.counts });
  });

  it('server streaming: one request per call, every message counted, the first from the request and the rest as gaps', async () => {
    const { report, served } = await run(transport, { call: 'calls.CallService/Watch', data: { id: 'w', replies: 5 } });
    expectCalls(report, served, 'Watch');
    expect(report.calls?.kind).toBe('serverStreaming');
    expect(report.counts.messagesSent).toBe(CALLS);
    expect(report.counts.messagesReceived).toBe(5 * CALLS);
    expect(report.counts.errors).toBe(0);
    expect(report.latencyMs.count).toBe(5 * CALLS);
    expect(report.streamStats.timeToFirstResponseMs.count).toBe(CALLS);
    expect(report.streamStats.messagesPerStream).toMatchObject({ min: 5, max: 5 });
    record('serverStreaming', { statusCodes: report.statusCodes, counts: report.counts });
  });

  it('server streaming with stream.messages (ghz --stream-call-count): the client ends each call after that many responses, and it counts OK', async () => {
    const { report, served } = await run(transport, { call: 'calls.CallService/Watch', data: { id: 'n', replies: 1000, delay_ms: 2 }, stream: { messages: 3 }, load: { calls: 40, streams: 4 } });
    expect(served.calls['Watch']).toBe(40);
    expect(served.cancelledCalls).toBe(40);
    // Not the server's peak: it sees a cancelled call end only when it handles the RST_STREAM, which can come after
    // it has started the next call sent behind it on the same connection.
    expect(report.streams.peakActive).toBeLessThanOrEqual(4);
    expect(report.statusCodes).toEqual({ OK: 40 });
    expect(report.calls?.count).toBe(40);
    expect(report.counts).toMatchObject({ streamsOpened: 40, streamsCompleted: 40, streamsFailed: 0, streamsCancelled: 0, callsEndedByClient: 40, messagesSent: 40, messagesReceived: 120, messagesFailed: 0, errors: 0 });
    expect(report.streamStats.messagesPerStream).toMatchObject({ min: 3, max: 3 });
    expect(served.replies).toBeGreaterThanOrEqual(120);
    record('serverStreamingCount', { statusCodes: report.statusCodes, counts: report.counts });
  });

  it('server streaming with stream.duration (ghz --stream-call-duration): the client ends each call when it is over, and it counts OK', async () => {
    const { report, served } = await run(transport, { call: 'calls.CallService/Watch', data: { id: 'd', replies: 100000, delay_ms: 5 }, stream: { duration: '100ms' }, load: { calls: 8, streams: 4 } });
    expect(served.calls['Watch']).toBe(8);
    expect(served.cancelledCalls).toBe(8);
    expect(report.statusCodes).toEqual({ OK: 8 });
    expect(report.counts).toMatchObject({ streamsOpened: 8, streamsCompleted: 8, streamsFailed: 0, callsEndedByClient: 8, messagesSent: 8 });
    // A call whose duration ran out before its first reply (a busy machine) still counts OK; its request counts unanswered.
    const unanswered = 8 - report.streamStats.timeToFirstResponseMs.count;
    expect(report.counts.messagesFailed).toBe(unanswered);
    expect(report.counts.errors).toBe(unanswered);
    expect(report.counts.messagesReceived).toBeGreaterThan(0);
    expect(report.counts.messagesReceived).toBeLessThanOrEqual(served.replies);
    record('serverStreamingDuration', { statusCodes: report.statusCodes, ended: report.counts.callsEndedByClient });
  });

  it('load.skipCalls (ghz --skipFirst): each worker leaves its part of the first calls out of every figure, counted apart', async () => {
    // Two workers of 100 calls each skip their first 15; each takes data[callIndex mod 4], so 25 of its calls fail, 4 of them skipped.
    const { report, served } = await run(transport, {
      call: 'calls.CallService/Unary',
      data: [{ id: 'a' }, { id: 'b' }, { id: 'c', fail_code: 9 }, { id: 'd' }],
      load: { calls: 200, skipCalls: 30, streams: 4 },
    });
    expect(served.calls['Unary']).toBe(200);
    expect(served.failedCalls).toBe(50);
    expect(report.counts.callsSkipped).toBe(30);
    expect(report.calls?.count).toBe(170);
    expect(report.calls?.latencyMs.count).toBe(170);
    expect(report.statusCodes).toEqual({ OK: 128, FAILED_PRECONDITION: 42 });
    expect(report.counts).toMatchObject({ streamsOpened: 170, streamsCompleted: 128, streamsFailed: 42, messagesSent: 170, messagesReceived: 128, messagesFailed: 42 });
    expect(report.counts.messagesSent + 30).toBe(served.requests);
    expect(report.counts.messagesReceived + 22).toBe(served.replies);
    expect(report.latencyMs.count).toBe(128);
    record('skipCalls', { statusCodes: report.statusCodes, counts: report.counts });
  });

  it('bidi: with a count of calls, each stream sends the data list and ends', async () => {
    const { report, served } = await run(transport, { call: 'calls.CallService/Chat', data: [{ id: 'p' }, { id: 'q' }] });
    expectCalls(report, served, 'Chat');
    expect(report.calls?.kind).toBe('bidi');
    expect(report.counts.messagesSent).toBe(2 * CALLS);
    expect(report.counts.messagesReceived).toBe(2 * CALLS);
    expect(report.statusCodes).toEqual({ OK: CALLS });
    record('bidi', { statusCodes: report.statusCodes, counts: report.counts });
  });

  it('server streaming split by a response field: every message labelled, per label as many as the server sent', async () => {
    const { report, served } = await run(transport, {
      call: 'calls.CallService/Watch',
      data: [{ id: 'left', replies: 2 }, { id: 'right', replies: 4 }],
      split: { by: 'id' },
      load: { calls: 200 },
    });
    expect(served.calls['Watch']).toBe(200);
    expect(report.counts.messagesReceived).toBe(600);
    expect(Object.fromEntries(Object.entries(report.versions ?? {}).map(([label, v]) => [label, v.messagesReceived]))).toEqual({ left: 200, right: 400 });
    record('split', Object.keys(report.versions ?? {}));
  });

  it('unary calls past stream.timeout end DEADLINE_EXCEEDED; calls still out at the drain timeout are cancelled', async () => {
    const late = await run(transport, { call: 'calls.CallService/Unary', data: { id: 't', delay_ms: 400 }, stream: { timeout: '50ms' }, load: { calls: 6, streams: 3, connections: 1, workers: 1 } });
    expect(late.report.statusCodes).toEqual({ DEADLINE_EXCEEDED: 6 });
    expect(late.report.counts).toMatchObject({ streamsOpened: 6, streamsFailed: 6, messagesSent: 6, messagesFailed: 6, messagesReceived: 0 });
    const stuck = await run(
      transport,
      { call: 'calls.CallService/Unary', data: { id: 's', delay_ms: 5000 }, load: { calls: undefined, duration: '300ms', streams: 3, connections: 1, workers: 1 } },
      200,
    );
    expect(stuck.report.counts).toMatchObject({ streamsOpened: 3, streamsCancelled: 3, inFlightAtStop: 3, messagesSent: 3 });
    expect(stuck.report.calls?.count).toBe(0);
    record('deadlines', { late: [late.report.statusCodes, late.report.errorDetails], stuck: stuck.report.counts });
  });

  it('open model: unary calls due faster than the target answers count from when they were due', async () => {
    // Two slots of calls that take 20 ms each: about 100 calls/s, against 300 due per second.
    const { report, served } = await run(transport, { call: 'calls.CallService/Unary', data: { id: 'r', delay_ms: 20 }, load: { calls: 150, rate: 300, streams: 2, connections: 1, workers: 1 } });
    expect(served.calls['Unary']).toBe(150);
    expect(served.peakInFlight).toBeLessThanOrEqual(2);
    expect(report.loadModel).toBe('open');
    expect(report.calls?.count).toBe(150);
    expect(report.statusCodes).toEqual({ OK: 150 });
    // The backlog grows by about 2 calls every 10 ms: the last calls were due about a second before they went out.
    expect(report.latencyUncorrectedMs.p50).toBeLessThan(200);
    expect(report.calls!.latencyMs.p99).toBeGreaterThan(500);
    expect(report.latencyMs.p99).toBeGreaterThan(500);
    record('open', { statusCodes: report.statusCodes, sent: report.counts.messagesSent });
  });
});

describe('both transports', () => {
  it('saw the same counts, statuses and errors in every case', () => {
    const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, v) => (['connectionsOpened', 'connectionsClosed'].includes(key) ? undefined : v)));
    expect(Object.keys(seen.http2).sort()).toEqual(Object.keys(seen['grpc-js']).sort());
    expect(strip(seen.http2)).toEqual(strip(seen['grpc-js']));
  });
});
