import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { CHAT_PROTO_PATH, startChatServer, type ChatServerHandle } from '../helpers/chat-server.js';
import { makeTempDir } from '../helpers/cli-process.js';
import { STATUS_MESSAGE, startConformanceServer, type ConformanceMode, type ConformanceServerHandle } from '../helpers/conformance-server.js';
import { startGzipAnsweringProxy } from '../helpers/gzip-answering-proxy.js';
import { makeTestCerts, type TestCerts } from '../helpers/test-certs.js';

/**
 * The same scenarios through both transports, against real servers: every count, status and
 * piece of response content must come out the same. What each case saw is kept per transport
 * and compared at the end.
 */
const TRANSPORTS = ['grpc-js', 'http2'] as const;
type TransportName = (typeof TRANSPORTS)[number];

const seen: Record<TransportName, Record<string, unknown>> = { 'grpc-js': {}, http2: {} };

const orderServers: OrderServerHandle[] = [];
const helpers: Array<ConformanceServerHandle | ChatServerHandle> = [];
const temp = makeTempDir('grpc-bench-conformance-');
let certs: TestCerts;

beforeAll(() => {
  certs = makeTestCerts(temp.dir);
});

afterEach(() => {
  for (const server of orderServers.splice(0)) server.forceShutdown();
  for (const server of helpers.splice(0)) server.close();
});

afterAll(() => temp.remove());

async function orderServer(options: Parameters<typeof startOrderServer>[0] = {}): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, ...options });
  orderServers.push(server);
  return server;
}

async function helper(mode: ConformanceMode, tls?: { clientCa?: Buffer }, answerPaddingBytes?: number): Promise<ConformanceServerHandle> {
  const server = await startConformanceServer({
    mode,
    ...(tls ? { tls: { cert: certs.serverCert, key: certs.serverKey, ...tls } } : {}),
    ...(answerPaddingBytes === undefined ? {} : { answerPaddingBytes }),
  });
  helpers.push(server);
  return server;
}

async function run(transport: TransportName, target: string, overrides: DeepPartial<ScenarioInput>): Promise<Report> {
  const scenario = loadScenario({ overrides: { name: `conformance-${transport}`, target, insecure: true, transport, proto: ORDER_PROTO_PATH, ...overrides } });
  const { report, partialCode } = await runScenario(scenario);
  expect(partialCode).toBeUndefined();
  expect(report.settings.transport).toBe(transport);
  return report;
}

/** The report's own bookkeeping identities. */
function expectReconciled(report: Report): void {
  const c = report.counts;
  expect(c.messagesSent, 'sent = received + failed + in flight at stop').toBe(c.messagesReceived + c.messagesFailed + c.inFlightAtStop);
  expect(c.streamsOpened, 'opened = completed + failed + cancelled').toBe(c.streamsCompleted + c.streamsFailed + c.streamsCancelled);
}

/** Five bytes that are not UTF-8, as a "-bin" value (base64). */
const TRACE_BYTES = Buffer.from([0x00, 0x01, 0x7f, 0xfe, 0xff]);

describe.each(TRANSPORTS)('transport %s', (transport) => {
  const record = (name: string, value: unknown): void => {
    seen[transport][name] = value;
  };

  it('ping-pong: counts match the server exactly, one server-side connection per configured connection', async () => {
    const server = await orderServer();

    const report = await run(transport, server.address, { load: { streams: 8, connections: 4, workers: 2, messages: 400 }, stream: { messages: 50 } });

    const served = server.counters.snapshot();
    expect(report.counts).toMatchObject({ messagesSent: 400, messagesReceived: 400, messagesFailed: 0, streamsOpened: 8, streamsCompleted: 8, streamsFailed: 0, streamsCancelled: 0, errors: 0 });
    expect(report.statusCodes).toEqual({ OK: 8 });
    expect(report.connections.opened).toBe(4);
    expect(served).toMatchObject({ messagesReceived: 400, messagesSent: 400, streamsOpened: 8, streamsCompleted: 8, streamsCancelled: 0, errorsSent: 0, connectionsSeen: 4, activeStreams: 0 });
    expect(report.latencyMs.count).toBe(400);
    record('ping-pong', { counts: report.counts, statusCodes: report.statusCodes, served });
  });

  it('window 8, correlated by request_id: every response matches its request', async () => {
    const server = await orderServer();

    const report = await run(transport, server.address, {
      data: { user_id: 'u_1' },
      load: { streams: 4, connections: 2, workers: 1, messages: 800 },
      stream: { window: 8, messages: 200, correlateBy: 'request_id' },
    });

    expect(report.counts).toMatchObject({ messagesSent: 800, messagesReceived: 800, messagesFailed: 0, streamsCompleted: 4, errors: 0 });
    expect(report.errorDetails).toEqual({});
    expect(server.counters.snapshot()).toMatchObject({ messagesReceived: 800, messagesSent: 800, connectionsSeen: 2 });
    record('window-8', { counts: report.counts, statusCodes: report.statusCodes });
  });

  it('out-of-order answers (chat service) are matched by msg_id, none left unmatched', async () => {
    const chat = await startChatServer();
    helpers.push(chat);

    const report = await run(transport, chat.address, {
      proto: CHAT_PROTO_PATH,
      call: 'chat.ChatService/Converse',
      data: { msg_id: '{{requestId}}', room: 'r', text: 'hello', seq: '{{messageIndex}}' },
      load: { streams: 2, connections: 1, workers: 1, messages: 200 },
      stream: { window: 4, messages: 100, correlateBy: 'msg_id' },
    });

    expect(report.counts).toMatchObject({ messagesSent: 200, messagesReceived: 200, messagesFailed: 0, errors: 0 });
    expect(report.statusCodes).toEqual({ OK: 2 });
    expect(chat.stats().repliesSwapped).toBeGreaterThan(0);
    expect(chat.received.map((m) => m.text).every((text) => text === 'hello')).toBe(true);
    record('chat', { counts: report.counts, statusCodes: report.statusCodes });
  });

  it('split by served_by with routed metadata: per-version counts equal the server’s stable and canary counters', async () => {
    const server = await orderServer({ canary: { knobs: {}, header: { name: 'x-user-group', value: 'internal-testers' }, weight: 0 } });

    const report = await run(transport, server.address, {
      load: { streams: 8, connections: 2, workers: 2, messages: 800 },
      stream: { messages: 100 },
      split: { by: 'served_by', routed: { share: 0.25, metadata: { 'x-user-group': 'internal-testers' } } },
    });

    const stable = server.canary!.stableCounters.snapshot();
    const canary = server.canary!.counters.snapshot();
    const byVersion = Object.fromEntries(Object.entries(report.versions ?? {}).map(([label, v]) => [label, v.messagesReceived]));
    expect(byVersion).toEqual({ v1: stable.messagesSent, v2: canary.messagesSent });
    expect(byVersion).toEqual({ v1: 600, v2: 200 });
    record('split-field', byVersion);
  });

  it('split by a response header', async () => {
    const server = await helper('answer');

    const report = await run(transport, server.address, { load: { streams: 2, connections: 1, workers: 1, messages: 40 }, stream: { messages: 10 }, split: { by: 'header:x-version' } });

    const byVersion = Object.fromEntries(Object.entries(report.versions ?? {}).map(([label, v]) => [label, v.messagesReceived]));
    expect(byVersion).toEqual({ 'helper-1': 40 });
    record('split-header', byVersion);
  });

  it('metadata, a "-bin" key included, reaches the server on every stream', async () => {
    const server = await helper('answer');

    const report = await run(transport, server.address, {
      metadata: { 'x-tenant': 'acme', 'x-trace-bin': TRACE_BYTES.toString('base64') },
      load: { streams: 2, connections: 1, workers: 1, messages: 20 },
      stream: { messages: 5 },
    });

    expect(report.counts).toMatchObject({ messagesReceived: 20, streamsCompleted: 4 });
    expect(server.metadata).toHaveLength(4);
    for (const metadata of server.metadata) {
      expect(metadata['x-tenant']).toBe('acme');
      expect(Buffer.isBuffer(metadata['x-trace-bin'])).toBe(true);
      expect([...(metadata['x-trace-bin'] as Buffer)]).toEqual([...TRACE_BYTES]);
    }
    record('metadata', server.metadata.map((m) => ({ tenant: m['x-tenant'], trace: (m['x-trace-bin'] as Buffer).toString('hex') })));
  });

  it('a trailers-only error (status in the response headers, no message)', async () => {
    const server = await helper('trailers-only');

    const report = await run(transport, server.address, { load: { streams: 1, connections: 1, workers: 1, messages: 4 } });

    expect(report.statusCodes).toEqual({ NOT_FOUND: 4 });
    expect(report.errorDetails).toEqual({ 'NOT_FOUND: nope': 4 });
    expect(report.counts).toMatchObject({ messagesSent: 4, messagesReceived: 0, messagesFailed: 4, streamsFailed: 4 });
    expectReconciled(report);
    record('trailers-only', { statusCodes: report.statusCodes, errorDetails: report.errorDetails, counts: report.counts });
  });

  it('a status after some answers, its message percent-encoded with unicode and "%"', async () => {
    const server = await helper('status-message');

    const report = await run(transport, server.address, { load: { streams: 1, connections: 1, workers: 1, messages: 12 }, stream: { messages: 5 } });

    expect(report.statusCodes).toEqual({ FAILED_PRECONDITION: 4 });
    expect(report.errorDetails).toEqual({ [`FAILED_PRECONDITION: ${STATUS_MESSAGE}`]: 4 });
    expect(report.counts).toMatchObject({ messagesSent: 12, messagesReceived: 8, messagesFailed: 4 });
    expect(server.stats()).toMatchObject({ messagesReceived: 12, messagesSent: 8 });
    expectReconciled(report);
    record('status-message', { statusCodes: report.statusCodes, errorDetails: report.errorDetails, counts: report.counts });
  });

  it.each([
    ['reset-cancel', 'CANCELLED'],
    ['reset-calm', 'RESOURCE_EXHAUSTED'],
  ] as const)('the server resets the stream mid-way (%s) → %s', async (mode, status) => {
    const server = await helper(mode);

    const report = await run(transport, server.address, { load: { streams: 1, connections: 1, workers: 1, messages: 12 }, stream: { messages: 5 } });

    expect(report.statusCodes).toEqual({ [status]: 4 });
    expect(report.counts).toMatchObject({ messagesSent: 12, messagesReceived: 8, messagesFailed: 4, streamsCancelled: 0 });
    expectReconciled(report);
    // The details are each transport's own words for a reset; the status and counts are the contract.
    record(mode, { statusCodes: report.statusCodes, counts: report.counts });
  });

  it("a response over gRPC's 4 MiB receive limit ends its stream RESOURCE_EXHAUSTED; maxReceiveMessageSize raises the limit", async () => {
    const server = await helper('answer', undefined, 5 * 1024 * 1024);
    const load = { streams: 1, connections: 1, workers: 1, messages: 2 };

    const limited = await run(transport, server.address, { load, stream: { messages: 1 } });
    const raised = await run(transport, server.address, { load, stream: { messages: 1 }, maxReceiveMessageSize: '8MiB' });

    expect(limited.settings.maxReceiveMessageBytes).toBe(4 * 1024 * 1024);
    expect(limited.statusCodes).toEqual({ RESOURCE_EXHAUSTED: 2 });
    expect(Object.keys(limited.errorDetails)).toEqual([expect.stringMatching(/^RESOURCE_EXHAUSTED: Received message larger than max \(\d+ vs 4194304\)$/)]);
    expect(limited.counts).toMatchObject({ messagesSent: 2, messagesReceived: 0, messagesFailed: 2 });
    expect(raised.settings.maxReceiveMessageBytes).toBe(8 * 1024 * 1024);
    expect(raised.statusCodes).toEqual({ OK: 2 });
    expect(raised.counts).toMatchObject({ messagesSent: 2, messagesReceived: 2, errors: 0 });
    expectReconciled(limited);
    record('receive limit', { limited: { statusCodes: limited.statusCodes, errorDetails: limited.errorDetails, counts: limited.counts }, raised: raised.counts });
  });

  it('gzip-compressed responses: inflated and read (correlateBy), or only counted; one that inflates past the receive limit ends its stream RESOURCE_EXHAUSTED', async () => {
    // 200,000 bytes of one letter gzip to a few hundred: under the 64 KiB limit on the wire, over it inflated.
    const server = await helper('answer', undefined, 200_000);
    const proxy = await startGzipAnsweringProxy(server.address);
    try {
      const load = { streams: 1, connections: 1, workers: 1, messages: 2 };
      const outcomes: Record<string, unknown> = {};
      for (const correlateBy of [undefined, 'request_id']) {
        const stream = { messages: 1, ...(correlateBy ? { correlateBy } : {}) };
        const limited = await run(transport, proxy.address, { load, stream, maxReceiveMessageSize: '64KiB' });
        const raised = await run(transport, proxy.address, { load, stream, maxReceiveMessageSize: '1MiB' });
        expect(limited.statusCodes).toEqual({ RESOURCE_EXHAUSTED: 2 });
        expect(Object.keys(limited.errorDetails)).toEqual(['RESOURCE_EXHAUSTED: Received message that decompresses to a size larger than 65536']);
        expect(limited.counts).toMatchObject({ messagesSent: 2, messagesReceived: 0, messagesFailed: 2 });
        expect(raised.statusCodes).toEqual({ OK: 2 });
        expect(raised.counts).toMatchObject({ messagesSent: 2, messagesReceived: 2, errors: 0 });
        expectReconciled(limited);
        outcomes[correlateBy ?? 'counted'] = { limited: { statusCodes: limited.statusCodes, errorDetails: limited.errorDetails, counts: limited.counts }, raised: raised.counts };
      }
      expect(proxy.messagesCompressed()).toBe(8);
      record('gzip responses', outcomes);
    } finally {
      await proxy.close();
    }
  });

  it('a gzip-compressed response that does not inflate ends its stream INTERNAL, in grpc-js’s words', async () => {
    const server = await helper('answer');
    const proxy = await startGzipAnsweringProxy(server.address, { corrupt: true });
    try {
      const outcomes: Record<string, unknown> = {};
      for (const correlateBy of [undefined, 'request_id']) {
        const report = await run(transport, proxy.address, { load: { streams: 1, connections: 1, workers: 1, messages: 2 }, stream: { messages: 1, ...(correlateBy ? { correlateBy } : {}) } });
        expect(report.statusCodes).toEqual({ INTERNAL: 2 });
        expect(Object.keys(report.errorDetails)).toEqual(['INTERNAL: Failed to decompress gzip-encoded message']);
        expect(report.counts).toMatchObject({ messagesSent: 2, messagesReceived: 0, messagesFailed: 2 });
        expectReconciled(report);
        outcomes[correlateBy ?? 'counted'] = { statusCodes: report.statusCodes, errorDetails: report.errorDetails, counts: report.counts };
      }
      record('gzip response that does not inflate', outcomes);
    } finally {
      await proxy.close();
    }
  });

  it('an error ratio: failed streams counted by status, like the server sent them', async () => {
    const server = await orderServer({ knobs: { errorRatio: 0.03, errorCode: grpc.status.UNAVAILABLE } });

    const report = await run(transport, server.address, {
      data: { user_id: 'u_1' },
      load: { streams: 4, connections: 2, workers: 2, messages: 300 },
      stream: { messages: 20, correlateBy: 'request_id' },
    });

    const served = server.counters.snapshot();
    expect(report.statusCodes['UNAVAILABLE']).toBeGreaterThan(0);
    expect(report.statusCodes['UNAVAILABLE']).toBe(served.errorsByStatus['UNAVAILABLE']);
    expect(report.statusCodes['OK'] ?? 0).toBe(served.streamsCompleted);
    expect(report.counts.messagesReceived).toBe(served.messagesSent);
    expectReconciled(report);
    record('error-ratio', { statuses: Object.keys(report.statusCodes).sort(), details: Object.keys(report.errorDetails).sort() });
  });

  it.each([
    ['verified against the CA, by IP', {}],
    ['with a server name override', { serverName: 'grpc.test' }],
    ['mutual TLS', { client: true }],
  ] as const)('TLS %s', async (label, variant) => {
    const mutual = 'client' in variant;
    const server = await helper('answer', mutual ? { clientCa: certs.ca } : {});

    const report = await run(transport, server.address, {
      insecure: false,
      tls: {
        cacert: certs.caPath,
        ...('serverName' in variant ? { serverName: variant.serverName } : {}),
        ...(mutual ? { cert: certs.clientCertPath, key: certs.clientKeyPath } : {}),
      },
      load: { streams: 2, connections: 2, workers: 1, messages: 40 },
      stream: { messages: 10 },
    });

    expect(report.counts).toMatchObject({ messagesSent: 40, messagesReceived: 40, errors: 0 });
    expect(report.statusCodes).toEqual({ OK: 4 });
    expect(server.stats()).toMatchObject({ messagesReceived: 40, connectionsSeen: 2 });
    record(`tls ${label}`, { counts: report.counts, statusCodes: report.statusCodes });
  });
});

describe('grpc-js and http2', () => {
  it('saw the same in every case', () => {
    expect(Object.keys(seen.http2).sort()).toEqual(Object.keys(seen['grpc-js']).sort());
    expect(seen.http2).toEqual(seen['grpc-js']);
  });
});
