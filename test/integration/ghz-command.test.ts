import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import type { ServiceKnobs } from '../../src/target/service-knobs.js';
import { makeTempDir, runCli } from '../helpers/cli-process.js';
import { CALLS_PROTO_PATH, startCallsServer, type CallsServerHandle } from '../helpers/calls-server.js';
import { runInProcess, type InProcessResult } from '../helpers/in-process-cli.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/test-certificates.js';

const CALL = 'pb.OrderService/CreateOrderStream';
const temp = makeTempDir('grpc-bench-ghz-');
const servers: OrderServerHandle[] = [];
const closers: Array<() => void> = [];
let certs: TestCertificates;

beforeAll(() => {
  certs = makeTestCertificates(temp.dir);
  // The seeds' layout: ./api/order.proto and ./cert/*, relative to where ghz runs.
  mkdirSync(join(temp.dir, 'api'));
  copyFileSync(ORDER_PROTO_PATH, join(temp.dir, 'api', 'order.proto'));
  mkdirSync(join(temp.dir, 'cert'));
  copyFileSync(certs.client.cert, join(temp.dir, 'cert', 'client.crt'));
  copyFileSync(certs.client.key, join(temp.dir, 'cert', 'client.key'));
  copyFileSync(certs.ca, join(temp.dir, 'cert', 'ca.crt'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.shutdown(0)));
  for (const close of closers.splice(0)) close();
});
afterAll(() => temp.remove());

/** The reference service, its streams in flight watched from the server's own counters. */
async function orderServer(options: { knobs?: Partial<ServiceKnobs>; tls?: { cert: string; key: string; clientCa?: string } } = {}): Promise<OrderServerHandle & { peakInFlight(): number }> {
  const server = await startOrderServer({ port: 0, ...options });
  servers.push(server);
  let peak = 0;
  const opened = server.counters.recordStreamOpened.bind(server.counters);
  server.counters.recordStreamOpened = (peer) => {
    opened(peer);
    peak = Math.max(peak, server.counters.snapshot().activeStreams);
  };
  return Object.assign(server, { peakInFlight: () => peak });
}

/** A plain grpc-js Order service that keeps each call's metadata and every request's user_id. */
async function recordingServer(): Promise<{ address: string; calls: Array<{ traceId: string; timestamp: string; userIds: string[] }> }> {
  const calls: Array<{ traceId: string; timestamp: string; userIds: string[] }> = [];
  const definition = grpc.loadPackageDefinition(loadSync(ORDER_PROTO_PATH, { keepCase: true }));
  const service = (definition['pb'] as Record<string, { service: grpc.ServiceDefinition }>)['OrderService']!.service;
  const server = new grpc.Server();
  server.addService(service, {
    CreateOrderStream: (call: grpc.ServerDuplexStream<{ request_id: string; user_id: string }, object>) => {
      const userIds: string[] = [];
      calls.push({ traceId: String(call.metadata.get('trace_id')[0]), timestamp: String(call.metadata.get('timestamp')[0]), userIds });
      call.on('data', (request) => {
        userIds.push(request.user_id);
        call.write({ request_id: request.request_id, status: 'OK' });
      });
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  closers.push(() => server.forceShutdown());
  return { address: `127.0.0.1:${port}`, calls };
}

/** `grpc-bench ghz ARGS` in-process: its exit code and output. */
const ghz = (args: string[], stdin = ''): Promise<InProcessResult> => runInProcess(['ghz', ...args], temp.dir, stdin);

/** The one error line of a failed command. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/**
 * ghz's JSON report, field by field, from its docs (output page, sample pretty.json) and its
 * report type: durations are integer nanoseconds, histogram marks seconds.
 */
const GHZ_JSON_SHAPE = {
  date: 'string', endReason: 'string', options: 'object', count: 'integer', total: 'integer', average: 'integer', fastest: 'integer',
  slowest: 'integer', rps: 'number', errorDistribution: 'object', statusCodeDistribution: 'object', latencyDistribution: 'array',
  histogram: 'array', details: 'array',
} as const;
const LATENCY_SHAPE = { percentage: 'integer', latency: 'integer' } as const;
const BUCKET_SHAPE = { mark: 'number', count: 'integer', frequency: 'number' } as const;
const DETAIL_SHAPE = { timestamp: 'string', latency: 'integer', error: 'string', status: 'string' } as const;

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return value === null ? 'null' : typeof value;
}

function expectShape(value: Record<string, unknown>, shape: Record<string, string>): void {
  for (const [key, type] of Object.entries(shape)) expect([key, type === 'number' && typeOf(value[key]) === 'integer' ? 'number' : typeOf(value[key])]).toEqual([key, type]);
}

describe('grpc-bench ghz: ghz command lines against the reference service', () => {
  it("ghz's custom-parameters example (-n 2000 -c 20): exactly 2,000 calls, at most 20 in flight, by the server's counters", async () => {
    const server = await orderServer();
    const result = await ghz(['--insecure', '--proto', ORDER_PROTO_PATH, '--call', CALL, '-d', '{"user_id":"Joe"}', '-n', '2000', '-c', '20', server.address]);

    expect(result.code).toBe(0);
    expect(server.counters.snapshot()).toMatchObject({ streamsOpened: 2000, streamsCompleted: 2000, messagesReceived: 2000 });
    expect(server.peakInFlight()).toBeLessThanOrEqual(20);
    expect(result.stdout).toMatch(/^Summary:\n {2}Count:\t2000\n {2}Total:\t[\d.]+ m?s\n/m);
    expect(result.stdout).toMatch(/^Status code distribution:\n {2}\[OK\] {3}2000 responses\n/m);
  }, 60_000);

  it("the simple example in ghz's one-dash spelling, ghz's defaults (-n 200 -c 50), -O json in ghz's shape and units", async () => {
    const server = await orderServer();
    const result = await ghz(['-insecure', '-proto', ORDER_PROTO_PATH, '-call', 'pb.OrderService.CreateOrderStream', '-d', '{"user_id":"Joe"}', '-O', 'json', server.address]);

    expect(result.code).toBe(0);
    expect(server.counters.snapshot().streamsOpened).toBe(200);
    expect(server.peakInFlight()).toBeLessThanOrEqual(50);
    const report = JSON.parse(result.stdout) as Record<string, unknown> & { latencyDistribution: Array<Record<string, unknown>>; histogram: Array<Record<string, unknown> & { count: number }>; details: Array<Record<string, unknown>> };
    expectShape(report, GHZ_JSON_SHAPE);
    for (const entry of report.latencyDistribution) expectShape(entry, LATENCY_SHAPE);
    for (const bucket of report.histogram) expectShape(bucket, BUCKET_SHAPE);
    for (const detail of report.details) expectShape(detail, DETAIL_SHAPE);
    expect(report).toMatchObject({ endReason: 'normal', count: 200, statusCodeDistribution: { OK: 200 }, errorDistribution: {} });
    expect(report.options).toMatchObject({ call: 'pb.OrderService.CreateOrderStream', total: 200, concurrency: 50, insecure: true, timeout: 20_000_000_000 });
    expect(report.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(report.latencyDistribution.map((d) => d.percentage)).toEqual([10, 25, 50, 75, 90, 95, 99]);
    expect(report.histogram).toHaveLength(11);
    expect(report.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(200);
    expect(report.details).toHaveLength(200);
    expect(report['grpcBench']).toMatchObject({ messagesSent: 200, messagesReceived: 200, details: { calls: 200, kept: 200 } });
  }, 60_000);

  it("the examples' metadata templates are rendered per call, a data array is one call's messages", async () => {
    const server = await recordingServer();
    const result = await ghz([
      '--insecure', '--proto', ORDER_PROTO_PATH, '--call', CALL, '-n', '30', '-c', '3',
      '-d', '[{"user_id":"Joe"},{"user_id":"Kate"},{"user_id":"Sara"}]',
      '-m', '{"trace_id":"{{.RequestNumber}}", "timestamp":"{{.TimestampUnix}}"}', server.address,
    ]);
    expect(result.code).toBe(0);
    expect(server.calls).toHaveLength(30);
    for (const call of server.calls) expect(call.userIds).toEqual(['Joe', 'Kate', 'Sara']);
    expect(new Set(server.calls.map((s) => s.traceId)).size).toBe(30);
    for (const { traceId, timestamp } of server.calls) {
      expect(traceId).toMatch(/^\d+$/);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(86_400);
    }
  }, 60_000);

  it("ghz's binary-data and protoset examples: -B length-delimited messages decoded with --protoset's descriptors", async () => {
    const server = await recordingServer();
    const root = protobuf.loadSync(ORDER_PROTO_PATH);
    const protoset = join(temp.dir, 'bundle.protoset');
    writeFileSync(protoset, descriptor.FileDescriptorSet.encode((root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3')).finish());
    const request = root.lookupType('pb.CreateOrderRequest');
    const writer = protobuf.Writer.create();
    // protobufjs names fields in lowerCamelCase unless told to keep their case.
    for (const userId of ['Alice', 'Bob']) request.encodeDelimited(request.create({ userId }), writer);
    writeFileSync(join(temp.dir, 'requests.bin'), writer.finish());

    const result = await ghz(['--insecure', '--protoset', './bundle.protoset', '--call', CALL, '-B', './requests.bin', '-n', '10', '-c', '2', server.address]);

    expect(result.code).toBe(0);
    expect(server.calls).toHaveLength(10);
    for (const call of server.calls) expect(call.userIds).toEqual(['Alice', 'Bob']);
  }, 60_000);

  it('the installed command (bin/grpc-bench.js): ghz -O json on stdout, a report of over 64 KiB whole', async () => {
    const server = await orderServer();
    const result = await runCli(['ghz', '--insecure', '--call', CALL, '-n', '1000', '-c', '20', '-O', 'json', server.address], { cwd: temp.dir });
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(65_536);
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 1000, grpcBench: { details: { calls: 1000, kept: 1000 } } });
  }, 60_000);

  it('a TOML config file with paths relative to it, flags over it, the report written by -o', async () => {
    const server = await orderServer();
    mkdirSync(join(temp.dir, 'conf', 'protos'), { recursive: true });
    copyFileSync(ORDER_PROTO_PATH, join(temp.dir, 'conf', 'protos', 'order.proto'));
    writeFileSync(join(temp.dir, 'conf', 'ghz.toml'), [
      'total = 120', 'concurrency = 30', 'proto = "protos/order.proto"', `call = "${CALL}"`, `host = "${server.address}"`,
      'insecure = true', 'format = "pretty"', '[data]', 'user_id = "u_{{.RequestNumber}}"',
    ].join('\n'));

    const result = await ghz(['--config', 'conf/ghz.toml', '-c', '4', '-o', 'out/report.json']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(server.counters.snapshot().streamsOpened).toBe(120);
    expect(server.peakInFlight()).toBeLessThanOrEqual(4);
    const report = JSON.parse(readFileSync(join(temp.dir, 'out', 'report.json'), 'utf8')) as { count: number; options: Record<string, unknown> };
    expect(report.count).toBe(120);
    expect(report.options).toMatchObject({ concurrency: 4, total: 120, proto: join(temp.dir, 'conf', 'protos', 'order.proto') });
  }, 60_000);
});

describe('grpc-bench ghz: unary, client-streaming and server-streaming calls (the examples page)', () => {
  let calls: CallsServerHandle;
  beforeAll(async () => {
    calls = await startCallsServer();
  });
  afterAll(() => calls.close());
  const base = (method: string): string[] => ['--insecure', '--proto', CALLS_PROTO_PATH, '--call', `calls.CallService.${method}`];

  it('unary, -n 300 -c 20: exactly 300 calls, at most 20 in flight, by the server\'s counts', async () => {
    calls.resetPeak();
    const before = calls.counts();
    const result = await ghz([...base('Unary'), '-d', '{"id":"Joe"}', '-n', '300', '-c', '20', '-O', 'json', calls.address]);

    expect(result.code).toBe(0);
    const after = calls.counts();
    expect((after.calls['Unary'] ?? 0) - (before.calls['Unary'] ?? 0)).toBe(300);
    expect(after.peakInFlight).toBeLessThanOrEqual(20);
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 300, endReason: 'normal', statusCodeDistribution: { OK: 300 } });
  }, 60_000);

  it("client streaming with the example's data array: every call sends the array, then closes and receives", async () => {
    const before = calls.counts();
    const result = await ghz([...base('Upload'), '-d', '[{"id":"Joe"},{"id":"Kate"},{"id":"Sara"}]', '-n', '40', '-c', '4', '-O', 'json', calls.address]);

    expect(result.code).toBe(0);
    const after = calls.counts();
    expect((after.calls['Upload'] ?? 0) - (before.calls['Upload'] ?? 0)).toBe(40);
    expect(after.requests - before.requests).toBe(120);
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 40 });
  }, 60_000);

  it('server streaming: one request per call, every reply received', async () => {
    const before = calls.counts();
    const result = await ghz([...base('Watch'), '-d', '{"id":"w","replies":5}', '-n', '30', '-c', '3', '-O', 'json', calls.address]);

    expect(result.code).toBe(0);
    const after = calls.counts();
    expect((after.calls['Watch'] ?? 0) - (before.calls['Watch'] ?? 0)).toBe(30);
    expect(after.replies - before.replies).toBe(150);
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 30, grpcBench: { messagesReceived: 150 } });
  }, 60_000);

  it('--rps is calls/s: a server-streaming call with --stream-call-count sends one request, a client-streaming call its whole list', async () => {
    const before = calls.counts();
    const watch = await ghz([...base('Watch'), '-d', '{"id":"w","replies":5}', '--stream-call-count', '3', '--rps', '40', '-n', '12', '-c', '2', '-O', 'bench-json', calls.address]);
    const upload = await ghz([...base('Upload'), '-d', '[{"id":"Joe"},{"id":"Kate"},{"id":"Sara"}]', '--rps', '40', '-n', '12', '-c', '2', '-O', 'bench-json', calls.address]);

    expect([watch.code, upload.code], watch.stderr + upload.stderr).toEqual([0, 0]);
    const planned = (result: InProcessResult): unknown => (JSON.parse(result.stdout) as { settings: { rateSchedule?: { initial: number } } }).settings.rateSchedule?.initial;
    // The scenario's rate is request messages/s: 40 calls/s of one request, of three.
    expect([planned(watch), planned(upload)]).toEqual([40, 120]);
    const after = calls.counts();
    expect([(after.calls['Watch'] ?? 0) - (before.calls['Watch'] ?? 0), (after.calls['Upload'] ?? 0) - (before.calls['Upload'] ?? 0)]).toEqual([12, 12]);
    expect(after.requests - before.requests).toBe(12 + 36);
  }, 60_000);
});

describe('grpc-bench ghz: --rps with --stream-call-duration and no --stream-call-count', () => {
  it('a bidi call sends its data list once, the duration only a bound: --rps calls/s become list × calls messages/s', async () => {
    const server = await orderServer();
    const list = '[{"request_id":"a"},{"request_id":"b"},{"request_id":"c"}]';
    const result = await ghz(['--insecure', '--call', CALL, '--proto', ORDER_PROTO_PATH, '-d', list, '--stream-call-duration', '10s', '--rps', '40', '-n', '12', '-c', '2', '-O', 'bench-json', server.address]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('--stream-call-duration');
    const report = JSON.parse(result.stdout) as { settings: { rateSchedule?: { initial: number } }; counts: { messagesSent: number } };
    expect(report.settings.rateSchedule?.initial).toBe(120);
    const counters = server.counters.snapshot();
    expect([counters.streamsOpened, counters.streamsCompleted, counters.messagesReceived]).toEqual([12, 12, 36]);
    expect(report.counts.messagesSent).toBe(36);
  }, 60_000);

  it('one data message: a call sends until the duration here, so the rate stays messages/s, with a warning saying so', async () => {
    const server = await orderServer();
    const result = await ghz(['--insecure', '--call', CALL, '--proto', ORDER_PROTO_PATH, '-d', '{"user_id":"u"}', '--stream-call-duration', '200ms', '--rps', '50', '-z', '1s', '-c', '2', '-O', 'bench-json', server.address]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('warning: --rps or --load-* with --stream-call-duration and one data message');
    const report = JSON.parse(result.stdout) as { settings: { rateSchedule?: { initial: number } } };
    expect(report.settings.rateSchedule?.initial).toBe(50);
    // Calls of 200 ms on two streams over 1 s carry more than one message each.
    const counters = server.counters.snapshot();
    expect(counters.messagesReceived).toBeGreaterThan(counters.streamsOpened);
  }, 60_000);
});

describe("grpc-bench ghz: the seeds' command (mutual TLS, 500 streams), shortened", () => {
  const seedsArgs = (port: number, streamFlag: string): string[] => [
    '--call', CALL, '--proto', './api/order.proto', '--cert', './cert/client.crt', '--key', './cert/client.key', '--cacert', './cert/ca.crt',
    '-d', '{"user_id":"u_123","items":[{"sku_id":"s_001","count":1}]}', '-n', '1000', '-c', '500', streamFlag, '100ms', `grpc://localhost:${port}`,
  ];

  it('as written (--stream-duration): one line naming --stream-call-duration, exit 2', async () => {
    const result = await ghz(['--insecure', ...seedsArgs(1, '--stream-duration')]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe('grpc-bench: --stream-duration: unknown flag of ghz; did you mean --stream-call-duration? (grpc-bench ghz --help lists them) [USAGE]');
  });

  it('with the flag spelt right and without --insecure: 1,000 calls over mutual TLS, at most 500 in flight', async () => {
    const server = await orderServer({ tls: { cert: certs.pem(certs.server.cert), key: certs.pem(certs.server.key), clientCa: certs.pem(certs.ca) } });
    const result = await ghz([...seedsArgs(server.port, '--stream-call-duration'), '-O', 'json']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { count: number; statusCodeDistribution: Record<string, number> };
    expect(report.count).toBe(1000);
    expect(report.statusCodeDistribution).toEqual({ OK: 1000 });
    expect(server.counters.snapshot().streamsOpened).toBe(1000);
    expect(server.peakInFlight()).toBeLessThanOrEqual(500);
  }, 60_000);

  it('with --insecure, as ghz: plaintext, the TLS files ignored with a warning', async () => {
    const server = await orderServer();
    const result = await ghz(['--insecure', ...seedsArgs(server.port, '--stream-call-duration').slice(0, -6), '-n', '50', '-c', '10', '--stream-call-duration', '50ms', `grpc://localhost:${server.port}`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: --insecure: plaintext; --cacert, --cert, --key ignored, as ghz ignores them');
    expect(server.counters.snapshot().streamsOpened).toBe(50);
  }, 60_000);
});

describe('grpc-bench ghz: exit codes and bad input', () => {
  it("every call failing: grpc-bench's exit 7, or ghz's 0 with --exit-zero-on-errors; ghz's error texts in the report", async () => {
    const server = await orderServer({ knobs: { errorRatio: 1, errorCode: 14 } });
    // Few calls: grpc-bench backs off re-opening after failed calls in a row (ghz does not).
    const args = ['--insecure', '--call', CALL, '--proto', ORDER_PROTO_PATH, '-n', '8', '-c', '4', '-O', 'json', server.address];
    const honest = await ghz(args);
    expect(honest.code).toBe(7);
    const asGhz = await ghz([...args, '--exit-zero-on-errors']);
    expect(asGhz.code).toBe(0);
    const report = JSON.parse(asGhz.stdout) as { count: number; statusCodeDistribution: Record<string, number>; errorDistribution: Record<string, number>; latencyDistribution: unknown; histogram: unknown };
    expect(report.statusCodeDistribution).toEqual({ Unavailable: 8 });
    // As ghz: no OK call, no latency figures, unless --count-errors.
    expect(report).toMatchObject({ count: 8, fastest: 0, slowest: 0, latencyDistribution: null, histogram: null });
    const counted = JSON.parse((await ghz([...args, '--exit-zero-on-errors', '--count-errors'])).stdout) as { histogram: Array<{ count: number }> };
    expect(counted.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(8);
    expect(Object.keys(report.errorDistribution).every((text) => text.startsWith('rpc error: code = Unavailable desc = '))).toBe(true);
    expect(Object.values(report.errorDistribution).reduce((a, b) => a + b, 0)).toBe(8);
  }, 60_000);

  it("--duration-stop: ghz's default close cancels the calls in flight when -z ends and leaves them out; wait lets them finish", async () => {
    // Every answer takes 1.5 s, so each of the 4 calls has a request in flight when -z ends at 0.5 s.
    const server = await orderServer({ knobs: { latencyMs: 1500 } });
    const args = ['--insecure', '--call', CALL, '--proto', ORDER_PROTO_PATH, '-z', '500ms', '-c', '4', '--stream-call-duration', '10s', '-O', 'json', '--exit-zero-on-errors', server.address];
    const closed = JSON.parse((await ghz(args)).stdout) as { count: number; endReason: string };
    expect(closed).toMatchObject({ count: 0, endReason: 'timeout' });
    const waited = JSON.parse((await ghz([...args, '--duration-stop', 'wait'])).stdout) as { count: number; statusCodeDistribution: Record<string, number> };
    expect(waited).toMatchObject({ count: 4, statusCodeDistribution: { OK: 4 } });
  }, 60_000);

  it('--skipTLS: a server whose certificate no CA given verifies is reached; without it, exit 5', async () => {
    const server = await orderServer({ tls: { cert: certs.pem(certs.server.cert), key: certs.pem(certs.server.key) } });
    const args = ['--call', CALL, '--proto', ORDER_PROTO_PATH, '-n', '20', '-c', '2', '-O', 'json', server.address];
    expect((await ghz(args)).code).toBe(5);
    const skipped = await ghz([...args, '--skipTLS']);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ count: 20, statusCodeDistribution: { OK: 20 }, options: { skipTLS: true } });
  }, 60_000);

  it.each(['grpc-js', 'http2'])('--lb-strategy round_robin over %s: a name resolving to loopback is reached, every call counted by the server', async (transport) => {
    const server = await orderServer();
    const port = server.address.split(':').pop();
    const debugLog = join(temp.dir, `lb-${transport}.jsonl`);
    const args = ['--insecure', '--call', CALL, '--proto', ORDER_PROTO_PATH, '-n', '40', '-c', '4', '--connections', '2', '-O', 'json', '--transport', transport, '--lb-strategy', 'round_robin', '--debug', debugLog, `localhost:${port}`];
    const result = await ghz(args);
    expect(result.code).toBe(0);
    // The debug log names each connection's address: the peer's on http2, the target on grpc-js.
    const opened = readFileSync(debugLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['event'] === 'connection-opened');
    expect(opened.map((line) => line['address'])).toEqual(transport === 'http2' ? [`127.0.0.1:${port}`, `127.0.0.1:${port}`] : [`localhost:${port}`, `localhost:${port}`]);
    expect(result.stderr).not.toMatch(/lb-strategy/);
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 40, statusCodeDistribution: { OK: 40 }, options: { 'lb-strategy': 'round_robin', debug: debugLog } });
    expect(server.counters.snapshot()).toMatchObject({ streamsOpened: 40, streamsCompleted: 40 });
  }, 60_000);

  it('--debug: a JSON-lines log of the run (start, connections, intervals, first errors per status, end), no secret metadata value in it', async () => {
    const server = await orderServer({ knobs: { errorRatio: 1, errorCode: grpc.status.PERMISSION_DENIED } });
    const secret = 'Bearer s3cret-debug-token';
    const args = ['--insecure', '--call', CALL, '--proto', ORDER_PROTO_PATH, '-n', '12', '-c', '3', '-O', 'json', '--exit-zero-on-errors', '-m', JSON.stringify({ authorization: secret }), '--debug', 'logs/run.jsonl', server.address];
    const result = await ghz(args);
    expect(result.code).toBe(0);
    const text = readFileSync(join(temp.dir, 'logs', 'run.jsonl'), 'utf8');
    expect(text).not.toContain('s3cret-debug-token');
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown> & { event: string });
    expect(lines[0]).toMatchObject({ event: 'run-start', settings: { metadata: { authorization: '[redacted]' } } });
    expect(lines.filter((line) => line.event === 'connections').reduce((sum, line) => sum + Number(line['opened']), 0)).toBe(1);
    expect(lines.some((line) => line.event === 'interval')).toBe(true);
    const errors = lines.filter((line) => line.event === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(3);
    expect(errors[0]).toMatchObject({ status: 'PERMISSION_DENIED' });
    expect(lines.at(-1)).toMatchObject({ event: 'run-end', statusCodes: { PERMISSION_DENIED: 12 } });
    expect(server.counters.snapshot().streamsOpened).toBe(12);
  }, 60_000);

  it('--debug to a path that cannot be written: one OUTPUT_UNWRITABLE line, exit 6, nothing sent', async () => {
    const server = await orderServer();
    writeFileSync(join(temp.dir, 'a-file'), '');
    const result = await ghz(['--insecure', '--call', CALL, '--proto', ORDER_PROTO_PATH, '-n', '10', '--debug', 'a-file/debug.jsonl', server.address]);
    expect(result.code).toBe(6);
    expect(oneLine(result.stderr)).toMatch(/^grpc-bench: debug log \(--debug, output\.debugLog\): cannot write .*a-file.* \[OUTPUT_UNWRITABLE\]$/);
    expect(server.counters.snapshot().streamsOpened).toBe(0);
  });

  it.each([
    [['--lb-strategy', 'least_request', '--call', CALL, '127.0.0.1:1'], /^grpc-bench: --lb-strategy: expected pick_first or round_robin, got "least_request" \[USAGE\]$/],
    [['--concurency', '5', '127.0.0.1:1'], /^grpc-bench: --concurency: unknown flag of ghz; did you mean --concurrency\?/],
    [['-O', 'yaml', '--call', CALL, '127.0.0.1:1'], /^grpc-bench: -O\/--format: unknown format "yaml"/],
    [['--call', CALL], /^grpc-bench: ghz: name the target host:port/],
    [['--config', 'missing.json'], /^grpc-bench: missing\.json: cannot read the config file: no such file \[SCENARIO_UNREADABLE\]$/],
  ])('%j: one line', async (args, line) => {
    const result = await ghz(args);
    expect(result.code).not.toBe(0);
    expect(oneLine(result.stderr)).toMatch(line);
  });
});
