import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flagsToOverrides } from '../../src/cli/flags-to-overrides.js';
import { compileMessageTemplate, type MethodFacts, type TemplateContext } from '../../src/scenario/compile-message-template.js';
import { BUILT_IN_TAGS, GHZ_VARIABLES } from '../../src/scenario/template-tags.js';
import { translateGhzTemplate } from '../../src/scenario/translate-ghz-templates.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { parseByteSize } from '../../src/scenario/parse-byte-size.js';
import { parseDurationMs } from '../../src/scenario/parse-duration.js';
import { makeTempDir } from '../helpers/cli-process.js';
import { benchErrorOf } from '../helpers/bench-error-of.js';

let dir: string;
let removeDir: () => void;

beforeEach(() => {
  const temp = makeTempDir('grpc-bench-scenario-');
  dir = temp.dir;
  removeDir = temp.remove;
});

afterEach(() => removeDir());

function writeScenario(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}


const GOOD_SCENARIO = `
name: order-stream
target: 127.0.0.1:50051
insecure: true
proto: ../proto/order.proto
call: pb.OrderService/CreateOrderStream
metadata:
  x-user-group: internal-testers
data:
  request_id: "{{requestId}}"
  user_id: u_123
  items:
    - sku_id: s_001
      count: 1
load:
  streams: 50
  connections: 4
  workers: 2
  duration: 10s
stream:
  messages: 100
  interval: 5ms
  window: 2
  correlateBy: request_id
output:
  formats: [json]
  path: out/
`;

describe('loadScenario', () => {
  it('reads a good file: durations in ms, paths resolved from the file, frozen', () => {
    const file = writeScenario('good.yaml', GOOD_SCENARIO);

    const scenario = loadScenario({ file, cwd: dir });

    expect(scenario).toMatchObject({
      name: 'order-stream',
      target: '127.0.0.1:50051',
      insecure: true,
      proto: '../proto/order.proto',
      call: 'pb.OrderService/CreateOrderStream',
      metadata: { 'x-user-group': 'internal-testers' },
      data: { request_id: '{{requestId}}', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] },
      load: { streams: 50, connections: 4, workers: 2, durationMs: 10_000 },
      stream: { messages: 100, intervalMs: 5, window: 2, correlateBy: 'request_id' },
      output: { formats: ['json'], path: 'out/' },
      baseDir: dir,
      sourceFile: join(dir, 'good.yaml'),
    });
    expect(scenario.load.messages).toBeUndefined();
    expect(Object.isFrozen(scenario)).toBe(true);
  });

  it('reads a mapping of 30,000 keys (duplicate keys are looked for in one pass) and a UTF-8 byte-order mark', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `  k${i}: ${i}\n`).join('');
    const file = writeScenario('wide.yaml', `\ufeffdata:\n${keys}`);

    const scenario = loadScenario({ file, cwd: dir });

    expect(Object.keys(scenario.data)).toHaveLength(30_000);
    expect((scenario.data as Record<string, unknown>)['k29999']).toBe(29_999);
  });

  it('fills in defaults when nothing is given', () => {
    const scenario = loadScenario({ cwd: dir });

    expect(scenario).toMatchObject({
      name: 'grpc-bench',
      target: 'embedded',
      call: 'pb.OrderService/CreateOrderStream',
      insecure: false,
      importPaths: [],
      metadata: {},
      data: {},
      stream: { intervalMs: 0, window: 1 },
      output: { formats: ['console', 'json'] },
      baseDir: dir,
    });
    expect(planScenario(scenario).load).toMatchObject({ streams: 10, connections: 1, workers: Math.min(availableParallelism(), 1), durationMs: 10_000 });
    expect(scenario.proto).toBeUndefined();
    expect(scenario.load.messages).toBeUndefined();
    expect(scenario.stream.messages).toBeUndefined();
    expect(scenario.stream.correlateBy).toBeUndefined();
  });

  it('a message budget alone means no default duration; workers never exceed connections', () => {
    const scenario = loadScenario({ cwd: dir, overrides: { load: { messages: 500, streams: 8, connections: 3, workers: 16 } } });
    const { load } = planScenario(scenario);
    expect(load.durationMs).toBeUndefined();
    expect(load.messages).toBe(500);
    expect(load.workers).toBe(3);
  });

  it('a call count alone means no default duration, splits over the workers exactly, and caps them', () => {
    const scenario = loadScenario({ cwd: dir, overrides: { load: { calls: 7, streams: 20, connections: 10, workers: 16 } } });
    const plan = planScenario(scenario);
    expect(plan.load.durationMs).toBeUndefined();
    expect(plan.load.calls).toBe(7);
    expect(plan.load.workers).toBe(7);
    expect(plan.shares.map((s) => s.callBudget)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    const two = planScenario(loadScenario({ cwd: dir, overrides: { load: { calls: 2001, streams: 20, connections: 2, workers: 2 } } }));
    expect(two.shares.map((s) => s.callBudget)).toEqual([1001, 1000]);
  });

  it('takes data as a list of messages, and refuses an empty list or a list of non-objects by path', () => {
    const file = writeScenario('list.yaml', 'data:\n  - user_id: a\n  - user_id: b\n');
    expect(loadScenario({ file, cwd: dir }).data).toEqual([{ user_id: 'a' }, { user_id: 'b' }]);
    for (const [name, text] of [['empty-list.yaml', 'data: []\n'], ['numbers.yaml', 'data: [1, 2]\n'], ['calls-zero.yaml', 'load:\n  calls: 0\n']] as const) {
      const error = benchErrorOf(() => loadScenario({ file: writeScenario(name, text), cwd: dir }));
      expect(error.code).toBe('SCENARIO_INVALID');
      expect(error.message).toMatch(name === 'calls-zero.yaml' ? /load\.calls: [^;]*≥ 1/ : /data/);
    }
  });

  it('reports every problem at once, each with its path and the value given, on one line', () => {
    const file = writeScenario('bad.yaml', 'name: x\nload:\n  streams: 0\n  duration: 10 seconds\nfoo: 1\n');

    const error = benchErrorOf(() => loadScenario({ file, cwd: dir }));

    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.exitCode).toBe(3);
    expect(error.message).not.toContain('\n');
    expect(error.message.startsWith('bad.yaml: ')).toBe(true);
    expect(error.message).toMatch(/load\.streams: [^;]*got 0/);
    expect(error.message).toMatch(/load\.duration: [^;]*"10 seconds"/);
    expect(error.message).toMatch(/unknown key "foo"/);
  });

  it('rejects more connections than streams, naming both', () => {
    const file = writeScenario('conn.yaml', 'load:\n  streams: 2\n  connections: 3\n');

    const error = benchErrorOf(() => loadScenario({ file, cwd: dir }));

    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain('load.connections');
    expect(error.message).toContain('load.streams (2)');
    expect(error.message).toContain('got 3');
  });

  it('names "flags" as the origin when there is no file', () => {
    const error = benchErrorOf(() => loadScenario({ cwd: dir, overrides: { call: 'nope', load: { workers: 0 } } }));
    expect(error.message.startsWith('flags: ')).toBe(true);
    expect(error.message).toContain('call: ');
    expect(error.message).toContain('load.workers');
  });

  it('lets flags win over the file, key by key, and replace data as a whole', () => {
    const file = writeScenario('good.yaml', GOOD_SCENARIO);
    const overrides = flagsToOverrides({ c: 8, n: 400, window: 1, d: '{"user_id":"u_flag"}', name: 'from-flags' }, '127.0.0.1:6000');

    const scenario = loadScenario({ file, cwd: dir, overrides });

    expect(scenario.name).toBe('from-flags');
    expect(scenario.target).toBe('127.0.0.1:6000');
    expect(scenario.load).toMatchObject({ streams: 8, connections: 4, workers: 2, durationMs: 10_000, messages: 400 });
    expect(scenario.stream).toMatchObject({ messages: 100, intervalMs: 5, window: 1, correlateBy: 'request_id' });
    expect(scenario.data).toEqual({ user_id: 'u_flag' });
    // Flags left out keep the file's values.
    expect(scenario.insecure).toBe(true);
    expect(scenario.metadata).toEqual({ 'x-user-group': 'internal-testers' });
    expect(scenario.output).toMatchObject({ formats: ['json'], path: 'out/' });
  });

  it('gives the line and column of bad YAML', () => {
    const file = writeScenario('broken.yaml', 'name: x\nload:\n  streams: [1, 2\n');

    const error = benchErrorOf(() => loadScenario({ file, cwd: dir }));

    expect(error.code).toBe('SCENARIO_UNREADABLE');
    expect(error.message).toContain('broken.yaml');
    expect(error.message).toMatch(/line \d+, column \d+/);
    expect(error.message).not.toContain('\n');
  });

  it('reports a missing file as unreadable', () => {
    const error = benchErrorOf(() => loadScenario({ file: 'missing.yaml', cwd: dir }));
    expect(error.code).toBe('SCENARIO_UNREADABLE');
    expect(error.message).toContain('missing.yaml');
    expect(error.message).toContain('no such file');
  });

  it('rejects a file that is not a mapping', () => {
    const file = writeScenario('list.yaml', '- 1\n- 2\n');
    const error = benchErrorOf(() => loadScenario({ file, cwd: dir }));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain('got a list');
  });

  it('treats an empty file as all defaults', () => {
    const file = writeScenario('empty.yaml', '');
    expect(loadScenario({ file, cwd: dir }).target).toBe('embedded');
  });
});

describe('compileMessageTemplate', () => {
  const context: TemplateContext = { workerId: 1, streamId: 7, messageIndex: 3 };
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('renders every template, in nested objects and lists too', () => {
    const template = compileMessageTemplate({
      request_id: '{{requestId}}',
      user_id: 'u_{{ workerId }}_{{streamId}}',
      index: '{{messageIndex}}',
      id: '{{uuid}}',
      at: '{{timestamp}}',
      items: [{ sku_id: 's-{{streamId}}', count: 1 }, 'plain'],
      fixed: 42,
    });

    const before = Date.now();
    const message = template.build(context);

    expect(template.isStatic).toBe(false);
    expect(message).toMatchObject({
      request_id: '1-7-3',
      user_id: 'u_1_7',
      index: 3,
      items: [{ sku_id: 's-7', count: 1 }, 'plain'],
      fixed: 42,
    });
    expect(message['id']).toMatch(UUID);
    expect(message['at']).toBeGreaterThanOrEqual(before);
    expect(template.build(context)['id']).not.toBe(message['id']);
  });

  it('keeps data without templates static', () => {
    const data = { user_id: 'u_1', items: [{ sku_id: 's', count: 2 }] };
    const template = compileMessageTemplate(data);
    expect(template.isStatic).toBe(true);
    expect(template.build(context)).toEqual(data);
  });

  it('keeps {{randomInt LOW HIGH}} within its bounds, as a number', () => {
    const template = compileMessageTemplate({ n: '{{randomInt 1 3}}' });
    const seen = new Set<unknown>();
    for (let i = 0; i < 300; i++) seen.add(template.build(context)['n']);
    for (const value of seen) expect([1, 2, 3]).toContain(value);

    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.nat({ max: 1000 }), (low, span) => {
        const value = compileMessageTemplate({ n: `{{randomInt ${low} ${low + span}}}` }).build(context)['n'] as number;
        return Number.isInteger(value) && value >= low && value <= low + span;
      }),
    );
  });

  it.each([
    [{ user_id: '{{nope}}' }, 'data.user_id'],
    [{ items: [{ sku_id: 'x' }, { sku_id: 'a {{requestId' }] }, 'data.items[1].sku_id'],
    [{ user_id: 'closes }} only' }, 'data.user_id'],
    [{ user_id: '{{requestId}} then {{' }, 'data.user_id'],
    [{ n: '{{randomInt 3 1}}' }, 'data.n'],
    [{ n: '{{randomInt 1}}' }, 'data.n'],
    [{ n: '{{randomInt a b}}' }, 'data.n'],
  ])('rejects %j as TEMPLATE_INVALID naming %s', (data, path) => {
    const error = benchErrorOf(() => compileMessageTemplate(data as Record<string, unknown>));
    expect(error.code).toBe('TEMPLATE_INVALID');
    expect(error.exitCode).toBe(3);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('renders every built-in tag a flow accepts (the one list both check)', () => {
    const tag = (name: string): string => (name === 'randomInt' ? '{{randomInt 1 2}}' : name === 'randomString' ? '{{randomString 3}}' : `{{${name}}}`);
    for (const name of BUILT_IN_TAGS) expect(compileMessageTemplate({ v: tag(name) }).isStatic, name).toBe(false);
  });

  it("renders ghz's call variables as `grpc-bench ghz` renders them in --data, the method's facts included", () => {
    const method: MethodFacts = { inputName: 'pb.CreateOrderRequest', outputName: 'pb.CreateOrderResponse', clientStreaming: true, serverStreaming: true, call: 'pb.OrderService/CreateOrderStream' };
    for (const name of GHZ_VARIABLES) expect(compileMessageTemplate({ v: `{{.${name}}}` }, undefined, undefined, 'data', method).build(context)['v'], name).not.toBe('');
    const fixed = GHZ_VARIABLES.filter((name) => !['UUID', 'Timestamp', 'TimestampUnix', 'TimestampUnixMilli', 'TimestampUnixNano'].includes(name));
    const text = fixed.map((name) => `{{.${name}}}`).join('|');
    const ghzWay = compileMessageTemplate({ v: translateGhzTemplate(text, { call: method.call }, 'data') }, undefined, undefined, 'data', method).build(context);
    const rendered = compileMessageTemplate({ v: text }, undefined, undefined, 'data', method).build(context);
    expect(rendered).toEqual(ghzWay);
    expect(rendered['v']).toBe('7|w1|pb.OrderService.CreateOrderStream|CreateOrderStream|pb.OrderService|pb.CreateOrderRequest|pb.CreateOrderResponse|true|true');
    // Alone in a string, a variable keeps its tag's type, as {{streamId}} does.
    expect(compileMessageTemplate({ n: '{{ .RequestNumber }}', id: '{{.UUID}}' }).build(context)).toMatchObject({ n: 7, id: expect.stringMatching(UUID) });
    const unknown = benchErrorOf(() => compileMessageTemplate({ v: '{{.Nope}}' }));
    expect([unknown.code, unknown.message]).toEqual(['TEMPLATE_INVALID', expect.stringMatching(/^data\.v: unknown ghz variable "\{\{\.Nope\}\}"; expected one of \.RequestNumber, \.WorkerID/)]);
  });

  it('fills the correlateBy field with the request id, unless the data sets it', () => {
    const filled = compileMessageTemplate({ user_id: 'u' }, 'request_id');
    expect(filled.isStatic).toBe(false);
    expect(filled.build(context)).toEqual({ user_id: 'u', request_id: '1-7-3' });

    const own = compileMessageTemplate({ request_id: 'r-{{messageIndex}}-{{streamId}}' }, 'request_id');
    expect(own.build(context)).toEqual({ request_id: 'r-3-7' });
  });

  it('gives every message of a run a distinct request id', () => {
    const template = compileMessageTemplate({}, 'request_id');
    const ids = new Set<unknown>();
    for (let workerId = 0; workerId < 3; workerId++) {
      for (let streamId = 0; streamId < 12; streamId++) {
        for (let messageIndex = 0; messageIndex < 12; messageIndex++) ids.add(template.build({ workerId, streamId, messageIndex })['request_id']);
      }
    }
    expect(ids.size).toBe(3 * 12 * 12);
  });
});

describe('parseDurationMs', () => {
  it.each<[string, number]>([
    ['250ms', 250],
    ['10s', 10_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['0ms', 0],
    [' 3s ', 3000],
    ['0.25s', 250],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '10', 's', '10 s', '10 seconds', '-1s', '1e3ms', '1.s', '.5s', '10S', '5d'])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('parseByteSize', () => {
  it.each([
    ['4194304', 4_194_304],
    ['16MiB', 16 * 1024 * 1024],
    ['42 MB', 42_000_000],
    ['1.5kB', 1500],
    ['1.1KiB', 1126],
    ['1.5', 1.5],
    ['10XB', undefined],
    ['MiB', undefined],
    ['-1', undefined],
  ] as const)('%s → %s', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });
});
