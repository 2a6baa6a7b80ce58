import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normaliseGhzArgv } from '../../src/cli/ghz-argv.js';
import { readGhzConfigFile } from '../../src/cli/ghz-config-file.js';
import { ghzFormat } from '../../src/cli/ghz-formats.js';
import { ghzToOverrides, type GhzPlan } from '../../src/cli/ghz-to-overrides.js';
import { ghzRatesForKind } from '../../src/cli/ghz-rates-for-kind.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';
import type { GhzOptions } from '../../src/cli/ghz-flag-table.js';
import { BenchError } from '../../src/errors/bench-error.js';
import { goStatusName } from '../../src/reporters/ghz-report.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { translateGhzTemplate } from '../../src/scenario/translate-ghz-templates.js';
import { compileMetadataTemplate, compileRequestData } from '../../src/scenario/compile-message-template.js';
import { methodFacts } from '../../src/driver/bidi-method.js';
import { loadBidiMethod } from '../../src/driver/load-method.js';
import { CALLS_PROTO_PATH } from '../helpers/calls-server.js';
import { CallReservoir, mergeCallSamples } from '../../src/stats/call-reservoir.js';
import { makeTempDir } from '../helpers/cli-process.js';

const temp = makeTempDir('grpc-bench-ghz-unit-');
afterAll(() => temp.remove());

const input = { cwd: temp.dir, readStdin: (): Buffer => Buffer.from('{"name":"from stdin"}') };
const plan = (options: GhzOptions): GhzPlan => ghzToOverrides({ host: '127.0.0.1:50051', call: 'helloworld.Greeter.SayHello', ...options }, input);

function benchError(run: () => unknown): BenchError {
  try {
    run();
  } catch (error) {
    if (error instanceof BenchError) return error;
    throw error;
  }
  throw new Error('expected a BenchError, got none');
}

describe('ghz command lines', () => {
  it("rewrites ghz's one-dash long flags, and leaves short letters, attached values and negative numbers", () => {
    expect(normaliseGhzArgv(['-insecure', '-proto', './x.proto', '-call=a.B.C', '-n2000', '-c', '5', '--load-step', '-2', '-d', '-1', '--', '-keep'])).toEqual(
      ['--insecure', '--proto', './x.proto', '--call=a.B.C', '-n2000', '-c', '5', '--load-step', '-2', '-d', '-1', '--', '-keep'],
    );
  });

  it('--skipFirst N: the first N calls skipped (load.skipCalls)', () => {
    expect(plan({ skipFirst: 7 }).overrides.load).toMatchObject({ calls: 200, skipCalls: 7 });
    expect(plan({}).overrides.load).not.toHaveProperty('skipCalls');
  });

  it("applies ghz's defaults: 200 calls, 50 in flight, one connection, a 20 s deadline, no limit on received messages", () => {
    const { overrides, connectTimeoutMs, formats } = plan({});
    expect(overrides.load).toMatchObject({ calls: 200, streams: 50, connections: 1 });
    expect(overrides.stream).toMatchObject({ timeout: '20s' });
    expect(overrides.maxReceiveMessageSize).toBe(2 ** 31 - 1);
    expect(connectTimeoutMs).toBe(10_000);
    expect(formats).toEqual(['ghz-summary']);
  });

  it('-z ignores -n; -x bounds a counted run; --rps is calls/s, made messages/s once the method is known', () => {
    expect(plan({ duration: '3s', total: 10 }).overrides.load).toMatchObject({ duration: '3s' });
    expect(plan({ duration: '3s', total: 10 }).overrides.load).not.toHaveProperty('calls');
    expect(plan({ 'max-duration': '3s', total: 10 }).overrides.load).toMatchObject({ calls: 10, duration: '3s' });
    const listed = plan({ rps: 100, data: '[{"name":"a"},{"name":"b"}]' });
    expect([listed.overrides.load, listed.messagesPerCall]).toEqual([expect.objectContaining({ rate: 100 }), 2]);
    expect(plan({ rps: 100, 'stream-call-count': 5 }).messagesPerCall).toBe(5);
    expect(plan({ rps: 100, 'stream-call-count': 5, 'stream-call-duration': '1s' }).messagesPerCall).toBe(5);
    // ghz sends the data list once per call; --stream-call-duration only cuts a call short.
    const listedForDuration = plan({ rps: 100, 'stream-call-duration': '1s', data: '[{"name":"a"},{"name":"b"},{"name":"c"}]' });
    expect([listedForDuration.messagesPerCall, listedForDuration.warnings]).toEqual([3, []]);
    // One data message and a duration: a call here sends until the duration, so the rate stays messages/s, and says so.
    const open = plan({ rps: 100, 'stream-call-duration': '1s' });
    expect(open.messagesPerCall).toBeUndefined();
    expect(open.warnings).toEqual([expect.stringMatching(/^--rps or --load-\* with --stream-call-duration and one data message: .* request messages\/s, not calls\/s/)]);
    expect(plan({ 'stream-call-duration': '1s' }).warnings).toEqual([]);
  });

  it('--rps and --load-* as messages/s by the kind: × the messages of a client-streaming or bidi call; unary and server streaming send one per call', () => {
    const given = plan({ rps: 20, 'stream-call-count': 5, 'load-schedule': 'step', 'load-start': 20, 'load-step': 10, 'load-end': 40, 'load-step-duration': '1s', total: 100 });
    const scenario = loadScenario({ overrides: given.overrides });
    const rates = (s: Scenario): Array<number | undefined> => [s.load.rate, ...(s.load.stages ?? []).map((stage) => stage.rate)];
    expect(rates(scenario)).toEqual([20, 20, 30, 40]);
    for (const kind of ['bidi', 'clientStreaming'] as const) expect(rates(ghzRatesForKind(scenario, kind, given.messagesPerCall))).toEqual([100, 100, 150, 200]);
    for (const kind of ['unary', 'serverStreaming'] as const) expect(ghzRatesForKind(scenario, kind, given.messagesPerCall)).toBe(scenario);
    expect(ghzRatesForKind(scenario, 'bidi', undefined)).toBe(scenario);
  });

  it("maps ghz's falling line schedule (--load-step=-2) onto a ramp that ends at --load-end", () => {
    const { load } = plan({ 'load-schedule': 'line', 'load-start': 200, 'load-step': -2, 'load-end': 50, total: 10_000 }).overrides as { load: { rate: number; stages: Array<{ duration: string; rate: number; ramp: boolean }> } };
    expect(load.rate).toBe(200);
    expect(load.stages).toEqual([{ duration: '75000ms', rate: 50, ramp: true }]);
  });

  it('reads -d @ from standard input, and keeps --insecure plaintext with TLS files given (as ghz), with a warning', () => {
    expect(plan({ data: '@' }).overrides.data).toEqual({ name: 'from stdin' });
    const insecure = plan({ insecure: true, cert: 'c.pem', key: 'k.pem', cacert: 'ca.pem' });
    expect(insecure.overrides).not.toHaveProperty('tls');
    expect(insecure.warnings.join('\n')).toMatch(/--insecure: plaintext; --cacert, --cert, --key ignored/);
  });

  it('--lb-strategy: the scenario\'s loadBalancing, no warning; an unknown name is one USAGE line naming the accepted ones', () => {
    const given = plan({ 'lb-strategy': 'round_robin' });
    expect(given.overrides.loadBalancing).toBe('round_robin');
    expect(given.warnings).toEqual([]);
    expect(loadScenario({ overrides: given.overrides, cwd: temp.dir }).loadBalancing).toBe('round_robin');
    expect(loadScenario({ overrides: plan({}).overrides, cwd: temp.dir }).loadBalancing).toBe('pick_first');
    const error = benchError(() => plan({ 'lb-strategy': 'grpclb' }));
    expect([error.code, error.message]).toEqual(['USAGE', '--lb-strategy: expected pick_first or round_robin, got "grpclb"']);
  });

  it("adds the working directory and the proto's directory to the import paths, as ghz does", () => {
    const { overrides } = plan({ proto: 'protos/greeter.proto', 'import-paths': 'vendor' });
    expect(overrides.importPaths).toEqual([join(temp.dir, 'vendor'), temp.dir, join(temp.dir, 'protos')]);
  });

  it("translates ghz's -O names; grpc-bench's own formats keep theirs, bench- for a name ghz has too", () => {
    expect(['summary', 'json', 'pretty', 'influx-details', 'junit', 'bench-json'].map(ghzFormat)).toEqual(['ghz-summary', 'ghz-json', 'ghz-pretty', 'ghz-influx-details', 'junit', 'json']);
    expect(benchError(() => ghzFormat('jsn')).message).toMatch(/^-O\/--format: unknown format "jsn"; did you mean json\?/);
  });
});

describe("ghz's call-data templates", () => {
  const names = { call: 'helloworld.Greeter/SayHello' };
  it('become grpc-bench tags, the method names literal text', () => {
    expect(translateGhzTemplate('{{.RequestNumber}}-{{ .WorkerID }}-{{.UUID}}', names, 'd')).toBe('{{streamId}}-w{{workerId}}-{{uuid}}');
    expect(translateGhzTemplate('{{.TimestampUnix}} {{.TimestampUnixMilli}} {{.TimestampUnixNano}} {{.Timestamp}}', names, 'd')).toBe('{{timestampSeconds}} {{timestamp}} {{timestampNanos}} {{timestampIso}}');
    expect(translateGhzTemplate('{{.FullyQualifiedName}} {{.ServiceName}} {{.MethodName}}', names, 'd')).toBe('helloworld.Greeter.SayHello helloworld.Greeter SayHello');
  });

  it("keep ghz's function ranges: randomInt's max is exclusive, randomString ≤ 0 is 2 to 16 letters", () => {
    expect(translateGhzTemplate('{{newUUID}} {{randomString 8 }} {{randomString 0}} {{randomInt 1 10}}', names, 'd')).toBe('{{uuid}} {{randomString 8}} {{randomString 2 16}} {{randomInt 1 9}}');
  });

  it("fill the method's facts (.InputName, .OutputName, .IsClientStreaming, .IsServerStreaming) from the loaded method", () => {
    const text = '{{.InputName}}>{{.OutputName}} c={{.IsClientStreaming}} s={{.IsServerStreaming}}';
    const translated = translateGhzTemplate(text, names, 'metadata.x');
    expect(translated).toBe('{{inputName}}>{{outputName}} c={{isClientStreaming}} s={{isServerStreaming}}');
    const rendered = (method: string): string => {
      const facts = methodFacts(loadBidiMethod(CALLS_PROTO_PATH, [], `calls.CallService/${method}`));
      return compileMetadataTemplate({ x: translated }, facts)!({ workerId: 0, streamId: 0, messageIndex: 0 })['x']!;
    };
    expect(rendered('Watch')).toBe('calls.CallRequest>calls.CallReply c=false s=true');
    expect(rendered('Upload')).toBe('calls.CallRequest>calls.CallReply c=true s=false');
    expect(rendered('Chat')).toBe('calls.CallRequest>calls.CallReply c=true s=true');
    expect(rendered('Unary')).toBe('calls.CallRequest>calls.CallReply c=false s=false');
    // In data too, every message.
    const message = compileRequestData({ id: '{{outputName}}' }, undefined, true, methodFacts(loadBidiMethod(CALLS_PROTO_PATH, [], 'calls.CallService/Unary'))).build({ workerId: 0, streamId: 0, messageIndex: 0 });
    expect(message).toEqual({ id: 'calls.CallReply' });
  });

  it('refuse what cannot be translated, naming the field and the action', () => {
    expect(benchError(() => translateGhzTemplate('{{.Nonexistent}}', names, 'metadata.x')).message).toMatch(/^metadata\.x: "\{\{\.Nonexistent\}\}": grpc-bench ghz fills \.RequestNumber/);
    expect(benchError(() => translateGhzTemplate('{{ upper "a" }}', names, 'data.n')).code).toBe('TEMPLATE_INVALID');
    expect(benchError(() => translateGhzTemplate('{{newUUID}}', names, 'data.n', false)).message).toMatch(/template functions are disabled/);
  });
});

describe('ghz config files', () => {
  const flags: GhzOptions = {
    call: 'helloworld.Greeter.SayHello', total: 300, concurrency: 7, connections: 2, 'max-duration': '9s', insecure: true,
    data: '{"name":"Bob {{.TimestampUnix}}"}', metadata: '{"rn":"{{.RequestNumber}}"}', 'stream-interval': '5ms', format: 'pretty', host: '127.0.0.1:50051',
  };
  const files = {
    'ghz.json': JSON.stringify({ call: 'helloworld.Greeter.SayHello', total: 300, concurrency: 7, connections: 2, 'max-duration': '9s', insecure: true, data: { name: 'Bob {{.TimestampUnix}}' }, metadata: { rn: '{{.RequestNumber}}' }, 'stream-interval': '5ms', format: 'pretty', host: '127.0.0.1:50051' }),
    'ghz.toml': ['call = "helloworld.Greeter.SayHello"', 'total = 300', 'concurrency = 7', 'connections = 2', '"max-duration" = "9s"', 'insecure = true', '"stream-interval" = "5ms"', 'format = "pretty"', 'host = "127.0.0.1:50051"', '[data]', 'name = "Bob {{.TimestampUnix}}"', '[metadata]', 'rn = "{{.RequestNumber}}"'].join('\n'),
    'ghz.yaml': ['call: helloworld.Greeter.SayHello', 'total: 300', 'concurrency: 7', 'connections: 2', 'max-duration: 9s', 'insecure: true', 'stream-interval: 5ms', 'format: pretty', 'host: 127.0.0.1:50051', 'data:', '  name: "Bob {{.TimestampUnix}}"', 'metadata:', '  rn: "{{.RequestNumber}}"'].join('\n'),
  };
  const fromFlags = ghzToOverrides(flags, input);

  it.each(Object.keys(files))('%s gives the same scenario and report options as the same flags', (name) => {
    writeFileSync(join(temp.dir, name), files[name as keyof typeof files]);
    const fromFile = ghzToOverrides(readGhzConfigFile(name, temp.dir), input);
    expect(loadScenario({ overrides: fromFile.overrides, cwd: temp.dir })).toEqual(loadScenario({ overrides: fromFlags.overrides, cwd: temp.dir }));
    expect(fromFile.report).toEqual(fromFlags.report);
    expect(fromFile.formats).toEqual(['ghz-pretty']);
  });

  it('resolves its paths from its own directory, and names an unknown key with the nearest', () => {
    writeFileSync(join(temp.dir, 'paths.json'), JSON.stringify({ proto: 'protos/a.proto', 'import-paths': ['inc'] }));
    expect(readGhzConfigFile(join(temp.dir, 'paths.json'), '/')).toMatchObject({ proto: join(temp.dir, 'protos/a.proto'), 'import-paths': [join(temp.dir, 'inc')] });
    writeFileSync(join(temp.dir, 'typo.toml'), 'concurrancy = 5\n');
    const error = benchError(() => readGhzConfigFile('typo.toml', temp.dir));
    expect(error.message).toBe('typo.toml: concurrancy: not a ghz setting; did you mean concurrency?');
  });
});

describe('details: a bounded, uniform call sample', () => {
  const call = (i: number) => ({ endedAtEpochMs: i, durationUs: i, status: 'OK', error: '' });

  it('keeps at most its size whatever is offered, and merges workers in proportion to the calls each saw', () => {
    const big = new CallReservoir(100);
    for (let i = 0; i < 10_000; i++) big.offer(call(i));
    const small = new CallReservoir(100);
    for (let i = 0; i < 30; i++) small.offer(call(20_000 + i));
    expect(big.sample()).toMatchObject({ seen: 10_000 });
    expect(big.sample().kept).toHaveLength(100);
    const merged = mergeCallSamples([big.sample(), small.sample()], 100);
    expect(merged.seen).toBe(10_030);
    expect(merged.kept).toHaveLength(100);
    // 30 of 10,030 calls: 0.3 of 100 kept rounds to none from the small worker.
    expect(merged.kept.filter((c) => c.endedAtEpochMs >= 20_000)).toHaveLength(0);
    expect(merged.kept.map((c) => c.endedAtEpochMs)).toEqual([...merged.kept.map((c) => c.endedAtEpochMs)].sort((a, b) => a - b));
  });

  it("spells statuses as gRPC-Go (and so ghz) does", () => {
    expect(['OK', 'CANCELLED', 'DEADLINE_EXCEEDED', 'UNAVAILABLE'].map(goStatusName)).toEqual(['OK', 'Canceled', 'DeadlineExceeded', 'Unavailable']);
  });
});
