import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/cli-process.js';
import { GREETER_PROTO_PATH, startGreeterServer, type GreeterServerHandle } from '../helpers/greeter-server.js';
import { runInProcess } from '../helpers/in-process-cli.js';

const temp = makeTempDir('grpc-bench-ghz-docs-');
let server: GreeterServerHandle | undefined;

beforeAll(() => {
  // The files the examples name, relative to where ghz runs.
  copyFileSync(GREETER_PROTO_PATH, join(temp.dir, 'greeter.proto'));
  mkdirSync(join(temp.dir, 'protos'));
  copyFileSync(GREETER_PROTO_PATH, join(temp.dir, 'protos', 'greeter.proto'));
  const root = protobuf.loadSync(GREETER_PROTO_PATH);
  writeFileSync(join(temp.dir, 'bundle.protoset'), descriptor.FileDescriptorSet.encode((root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3')).finish());
});
afterEach(() => server?.close());
afterAll(() => temp.remove());

/**
 * A command line of ghz's usage and examples pages, as printed there, against a fresh greeter:
 * only `0.0.0.0:50051` becomes the greeter's address. Returns the exit code, the report (-O json
 * appended) and what the greeter saw.
 */
async function example(line: string[]): Promise<{ code: number; stderr: string; report: Record<string, unknown>; counts: ReturnType<GreeterServerHandle['counts']> }> {
  server = await startGreeterServer();
  const args = line.map((arg) => (arg === '0.0.0.0:50051' ? server!.address : arg));
  const { code, stdout, stderr } = await runInProcess(['ghz', ...args, '-O', 'json'], temp.dir);
  return { code, stderr, report: code === 0 ? (JSON.parse(stdout) as Record<string, unknown>) : {}, counts: server.counts() };
}

const SAY_HELLO = ['--call', 'helloworld.Greeter.SayHello'];

describe("ghz's documented command lines, unchanged, against a greeter", () => {
  it('a simple insecure unary call: ghz\'s defaults, 200 calls, at most 50 in flight', async () => {
    const { code, report, counts } = await example(['--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', '{"name":"Joe"}', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.calls).toEqual({ SayHello: 200 });
    expect(new Set(counts.names)).toEqual(new Set(['Joe']));
    expect(counts.peakInFlight).toBeLessThanOrEqual(50);
    expect(report).toMatchObject({ count: 200, statusCodeDistribution: { OK: 200 } });
  });

  it('server reflection (no --proto), with --reflect-metadata sent on the reflection calls only', async () => {
    const { code, counts } = await example(['--insecure', ...SAY_HELLO, '-d', '{"name":"Joe"}', '--reflect-metadata', '{"x-reflect":"yes"}', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.calls).toEqual({ SayHello: 200 });
    expect(counts.reflectionMetadata.length).toBeGreaterThan(0);
    for (const metadata of counts.reflectionMetadata) expect(metadata).toMatchObject({ 'x-reflect': 'yes' });
    for (const metadata of counts.metadata) expect(metadata).not.toHaveProperty('x-reflect');
  });

  it('metadata using template variables: a request number per call and the time in seconds', async () => {
    const { code, counts } = await example([
      '--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', '{"name":"Joe"}', '-m', '{"trace_id":"{{.RequestNumber}}", "timestamp":"{{.TimestampUnix}}"}', '0.0.0.0:50051',
    ]);
    expect(code).toBe(0);
    expect(new Set(counts.metadata.map((m) => m['trace_id'])).size).toBe(200);
    for (const m of counts.metadata) expect(Math.abs(Number(m['timestamp']) - Date.now() / 1000)).toBeLessThan(86_400);
  });

  it('variable data for unary calls: the array round-robin', async () => {
    const { code, counts } = await example(['--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', '[{"name":"Joe"},{"name":"Bob"}]', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.names.filter((n) => n === 'Joe')).toHaveLength(100);
    expect(counts.names.filter((n) => n === 'Bob')).toHaveLength(100);
  });

  // The docs' next examples leave out --insecure: they expect a server whose certificate the system trusts.
  it('custom parameters, -n 2000 -c 20 --connections=10: 2,000 calls, at most 20 in flight, 10 connections', async () => {
    const { code, report, counts } = await example(['--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', '{"name":"Joe"}', '-n', '2000', '-c', '20', '--connections=10', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.calls).toEqual({ SayHello: 2000 });
    expect(counts.peakInFlight).toBeLessThanOrEqual(20);
    expect(counts.connectionsSeen).toBe(10);
    expect(report).toMatchObject({ count: 2000 });
  }, 60_000);

  it("client streaming: each call sends the array's messages, then closes", async () => {
    const { code, counts } = await example(['--insecure', '--proto', './greeter.proto', '--call', 'helloworld.Greeter.SayHelloCS', '-d', '[{"name":"Joe"},{"name":"Kate"},{"name":"Sara"}]', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.calls).toEqual({ SayHelloCS: 200 });
    expect(counts.names).toHaveLength(600);
  });

  it('server streaming: every reply of every call received', async () => {
    const { code, report, counts } = await example(['--insecure', '--proto', './greeter.proto', '--call', 'helloworld.Greeter.SayHellos', '-d', '{"name":"Joe"}', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.calls).toEqual({ SayHellos: 200 });
    expect(report).toMatchObject({ count: 200, grpcBench: { messagesReceived: 600 } });
  });

  it('a protoset', async () => {
    const { code, counts } = await example(['--insecure', '--protoset', './bundle.protoset', ...SAY_HELLO, '-d', '{"name":"Bob"}', '-n', '1000', '-c', '10', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.calls).toEqual({ SayHello: 1000 });
    expect(counts.peakInFlight).toBeLessThanOrEqual(10);
  });

  it('debug logging: -c 5 -n 50 with templated metadata; --debug writes its JSON-lines log, the directory made as -o does', async () => {
    const { code, stderr, counts } = await example([
      '--insecure', '--proto', './protos/greeter.proto', ...SAY_HELLO, '-d', '{"name":"Joe"}', '-c', '5', '-n', '50',
      '-m', '{"request-id":"{{.RequestNumber}}", "timestamp":"{{.TimestampUnix}}"}', '--debug', './logs/debug.json', '0.0.0.0:50051',
    ]);
    expect(code).toBe(0);
    expect(stderr).not.toContain('warning');
    const events = readFileSync(join(temp.dir, 'logs', 'debug.json'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event);
    expect([events[0], events.at(-1)]).toEqual(['run-start', 'run-end']);
    expect(counts.calls).toEqual({ SayHello: 50 });
    expect(new Set(counts.metadata.map((m) => m['request-id'])).size).toBe(50);
  });

  it("the options page's falling line schedule (--load-step=-2) runs until -n calls", async () => {
    const { code, counts } = await example(['--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', '{"name":"Joe"}', '-n', '60', '-c', '10', '--load-schedule=line', '--load-start=200', '--load-step=-2', '--load-end=50', '0.0.0.0:50051']);
    expect(code).toBe(0);
    expect(counts.calls).toEqual({ SayHello: 60 });
  });

  it('--authority sets :authority on both transports; --keepalive pings without breaking the run', async () => {
    for (const transport of ['grpc-js', 'http2']) {
      const { code, counts } = await example(['--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', '{"name":"Joe"}', '-n', '20', '-c', '2', '--authority', 'greeter.example', '--keepalive', '1s', '--transport', transport, '0.0.0.0:50051']);
      server?.close();
      expect([transport, code]).toEqual([transport, 0]);
      expect(new Set(counts.authorities)).toEqual(new Set(['greeter.example']));
    }
  });

  it('--max-send-message-size: a larger request fails its call RESOURCE_EXHAUSTED on both transports, before it is sent', async () => {
    for (const transport of ['grpc-js', 'http2']) {
      const { report, counts } = await example(['--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', `{"name":"${'x'.repeat(100)}"}`, '-n', '6', '-c', '2', '--max-send-message-size', '50', '--exit-zero-on-errors', '--transport', transport, '0.0.0.0:50051']);
      server?.close();
      expect([transport, report['statusCodeDistribution']]).toEqual([transport, { ResourceExhausted: 6 }]);
      expect(counts.names).toEqual([]);
    }
  });

  it('-e/--enable-compression: requests go gzipped (grpc-encoding: gzip, the compressed flag set) on both transports', async () => {
    // A bare HTTP/2 server, to see the wire: it answers every SayHello with an empty reply.
    const seen: Array<{ encoding: string | undefined; flag: number; name: string }> = [];
    const wire = http2.createServer();
    wire.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        const payload = body[0] === 1 ? gunzipSync(body.subarray(5)) : body.subarray(5);
        seen.push({ encoding: headers['grpc-encoding'] as string | undefined, flag: body[0]!, name: payload.subarray(2).toString() });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.alloc(5));
      });
    });
    await new Promise<void>((resolve) => wire.listen(0, '127.0.0.1', resolve));
    try {
      for (const transport of ['grpc-js', 'http2']) {
        const address = `127.0.0.1:${(wire.address() as AddressInfo).port}`;
        const result = await runInProcess(['ghz', '--insecure', '--proto', './greeter.proto', ...SAY_HELLO, '-d', '{"name":"Joe"}', '-n', '4', '-c', '1', '-e', '--transport', transport, '-O', 'json', address], temp.dir);
        expect([transport, result.code]).toEqual([transport, 0]);
      }
    } finally {
      wire.close();
    }
    expect(seen).toHaveLength(8);
    for (const request of seen) expect(request).toEqual({ encoding: 'gzip', flag: 1, name: 'Joe' });
  });
});
