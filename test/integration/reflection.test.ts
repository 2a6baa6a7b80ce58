import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { startChatServer } from '../helpers/chat-server.js';
import { linesOf, makeTempDir, runCli, startServeChild, type CliResult } from '../helpers/cli-process.js';

let temp: { dir: string; remove(): void };
const stops: Array<() => unknown> = [];

beforeAll(() => {
  temp = makeTempDir('grpc-bench-reflection-');
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

afterAll(() => temp.remove());

function oneErrorLine(result: CliResult, code: string): string {
  const lines = linesOf(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(`[${code}]`);
  return lines[0]!;
}

async function runNoProto(args: string[]): Promise<{ result: CliResult; report: () => Report }> {
  const path = join(temp.dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const result = await runCli(['run', '--insecure', '-n', '30', '-c', '3', '--connections', '1', '-O', 'json', '-o', path, ...args], { cwd: temp.dir });
  return { result, report: () => JSON.parse(readFileSync(path, 'utf8')) as Report };
}

/**
 * A service whose proto imports another file, with only the older v1alpha reflection
 * protocol: the client must fall back from v1 and collect the imported file too.
 */
async function startImportingService(): Promise<string> {
  const protoDir = join(temp.dir, 'protos');
  mkdirSync(join(protoDir, 'shared'), { recursive: true });
  writeFileSync(join(protoDir, 'shared', 'envelope.proto'), 'syntax = "proto3";\npackage shared;\nmessage Envelope {\n  string id = 1;\n  string body = 2;\n}\n');
  writeFileSync(
    join(protoDir, 'relay.proto'),
    'syntax = "proto3";\npackage relay;\nimport "shared/envelope.proto";\nservice Relay {\n  rpc Pass(stream shared.Envelope) returns (stream shared.Envelope);\n}\n',
  );
  const definition = loadSync('relay.proto', { includeDirs: [protoDir], keepCase: true });
  const relay = grpc.loadPackageDefinition(definition)['relay'] as Record<string, { service: grpc.ServiceDefinition }>;
  const server = new grpc.Server();
  server.addService(relay['Relay']!.service, {
    Pass: (call: grpc.ServerDuplexStream<{ id: string }, { id: string; body: string }>) => {
      call.on('data', (message) => call.write({ id: message.id, body: 'passed' }));
      call.on('end', () => call.end());
      call.on('error', () => {});
    },
  });
  const onlyV1alpha = {
    addService: (service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) => {
      if (Object.values(service).some((method) => method.path.includes('.v1alpha.'))) server.addService(service, implementation);
    },
  };
  new ReflectionService(definition).addToServer(onlyV1alpha);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  stops.push(() => server.forceShutdown());
  return `127.0.0.1:${port}`;
}

describe('finding the method by server reflection (no proto, a real target)', () => {
  it('runs against `grpc-bench serve` with no proto: every request answered, the report says where the method came from', async () => {
    const serve = await startServeChild();
    stops.push(() => serve.stop());

    const { result, report } = await runNoProto([serve.address]);

    expect(result.code, result.stderr).toBe(0);
    expect(report().counts).toMatchObject({ messagesSent: 30, messagesReceived: 30, messagesFailed: 0, errors: 0 });
    expect(report().statusCodes).toEqual({ OK: 3 });
    expect(report().settings.proto).toBe('server reflection');
  });

  it('follows imports and falls back to v1alpha reflection', async () => {
    const address = await startImportingService();

    const { result, report } = await runNoProto([address, '--call', 'relay.Relay/Pass', '--correlate-by', 'id', '-d', '{"body":"x"}']);

    expect(result.code, result.stderr).toBe(0);
    expect(report().counts).toMatchObject({ messagesSent: 30, messagesReceived: 30, errors: 0 });
  });

  it('exits 4 with one line when the target has no reflection service', async () => {
    const chat = await startChatServer();
    stops.push(() => chat.close());

    const { result } = await runNoProto([chat.address, '--call', 'chat.ChatService/Converse']);

    expect(result.code).toBe(4);
    expect(oneErrorLine(result, 'REFLECTION_FAILED')).toBe(
      `grpc-bench: target ${chat.address}: server reflection is not available (UNIMPLEMENTED); give the .proto with proto: or --proto [REFLECTION_FAILED]`,
    );
    expect(chat.stats().streamsOpened).toBe(0);
  });

  it('exits 4 listing the services reflection reports when the service is unknown', async () => {
    const serve = await startServeChild();
    stops.push(() => serve.stop());

    const { result } = await runNoProto([serve.address, '--call', 'pb.NoSuchService/Go']);

    expect(result.code).toBe(4);
    const line = oneErrorLine(result, 'METHOD_NOT_FOUND');
    expect(line).toContain(`service "pb.NoSuchService" is not served by target ${serve.address}`);
    expect(line).toContain('pb.OrderService');
  });
});
