import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchError } from '../../src/errors/bench-error.js';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { checkScenario } from '../../src/run/check-scenario.js';
import { loadScenario, type LoadScenarioOptions } from '../../src/scenario/load-scenario.js';
import { scenarioJsonSchema } from '../../src/scenario/scenario-json-schema.js';
import { makeTempDir } from '../helpers/cli-process.js';

/**
 * Random scenario documents, built from the real schema's keys with values of every JSON type
 * (plausible ones more often than junk, so that deep checks are reached), must either load as
 * a frozen Scenario or fail with a BenchError whose code is catalogued and whose message is one
 * line without a stack frame — as a YAML file and as flag overrides alike.
 */

const SEED = 20_240_611;
const RUNS = 500;

interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: unknown;
  required?: string[];
}

const EDGE_NUMBERS = [0, -0, -1, 1, 2, 10, 1.5, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 65535, 65536];

const HUGE = 'x'.repeat(50_000);

const EDGE_STRINGS = [
  '', ' ', 'NaN', 'Infinity', '-Infinity', '1e308', '1e999', '-1', '0', '0x10', 'null', 'true', 'yes', '~',
  '10s', '0ms', '250ms', '1.5m', '1h', '500us', '-1s', '10 seconds', '1e3s', '.5s',
  '{{requestId}}', '{{streamId}}', '{{uuid}}', '{{randomInt 1 5}}', '{{randomInt 5 1}}', '{{randomString 8}}', '{{randomString 99999999999}}', '{{nope}}', '{{', '}}', 'a {{requestId', '{{ }}',
  'pb.OrderService/CreateOrderStream', 'pb.OrderService.CreateOrderStream', 'pb.OrderService/Nope', 'no-slash', 'embedded', '127.0.0.1:1',
  'console', 'json', 'csv', 'yaml', 'request_id', 'served_by', 'header:x-version', 'header:', 'user_id',
  '<50ms', '>1900', '<0.1%', '<=1s', '==0', 'fast', '<', '<50MB/min', 'p99=10%', 'p99=ten', '1/3', '0/0', '3/2',
  'http://127.0.0.1:9464/metrics', 'not a url', '../proto/order.proto', '/nonexistent.proto',
  '\n', 'line one\nline two', '\u0000', '\u202e', '💥', '__proto__', HUGE, `{{requestId}}${HUGE}`, `${HUGE}{{`, `{{${HUGE}}}`, `line\n{{nope}}`,
];

const JUNK_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'Load', 'streams', 'stream', 'lod', '💥', 'a.b', '0', HUGE.slice(0, 300)];

const DATA_FIELDS = ['request_id', 'user_id', 'items', 'sku_id', 'count', 'nope'];
const METRICS = ['p50', 'p99', 'p999', 'max', 'errorRate', 'messagesPerSec', 'targetMemoryGrowth', 'nope'];

const edgeNumber = fc.constantFrom(...EDGE_NUMBERS);
const edgeString = fc.constantFrom(...EDGE_STRINGS);
const anyKey = fc.oneof(fc.constantFrom(...JUNK_KEYS), fc.string({ maxLength: 8 }));

/** Any JSON-like value: every type, edge numbers and strings, nested objects and arrays. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    edgeNumber,
    fc.integer(),
    fc.double(),
    edgeString,
    fc.string({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyKey, tie('value'), { maxKeys: 4 }).map((entries) => Object.fromEntries(Object.entries(entries))),
  ),
})).value;

/** Values a user would plausibly write for a key (mostly valid), by key name. */
const PLAUSIBLE_STRINGS: Record<string, string[]> = {
  name: ['order-stream', 'x', 'a.b_c-1'],
  target: ['embedded', '127.0.0.1:50051'],
  call: ['pb.OrderService/CreateOrderStream', 'pb.OrderService.CreateOrderStream'],
  duration: ['10s', '250ms', '1.5m', '500us'],
  interval: ['0ms', '10ms'],
  warmup: ['0s', '1s'],
  timeout: ['1s'],
  abortAfter: ['5s'],
  correlateBy: ['request_id'],
  by: ['served_by', 'header:x-version'],
  metricsUrl: ['http://127.0.0.1:9464/metrics'],
  segment: ['1/2', '2/2'],
  maxRegression: ['p99=10%', 'p99=10%,messagesPerSec=5%'],
  baseline: ['embedded'],
  candidate: ['embedded'],
};

/** Mostly plausible values with 1 in 7 junk (noisy), or plausible only (tidy). */
function pick<T>(plausible: fc.Arbitrary<T>, noisy: boolean): fc.Arbitrary<unknown> {
  return noisy ? fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: anyValue }) : plausible;
}

function stringsFor(key: string, node: JsonSchemaNode & { enum?: string[] }, noisy: boolean): fc.Arbitrary<string> {
  const plausible = node.enum ?? PLAUSIBLE_STRINGS[key];
  if (!plausible) return edgeString;
  return noisy ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...plausible) }, { weight: 1, arbitrary: edgeString }) : fc.constantFrom(...plausible);
}

/** Values for one schema node, from its key name and JSON Schema type. */
function valueFor(key: string, node: JsonSchemaNode, noisy: boolean): fc.Arbitrary<unknown> {
  if (key === 'data') {
    const field = noisy ? fc.oneof(fc.constantFrom(...DATA_FIELDS), anyKey) : fc.constantFrom('request_id', 'user_id');
    return pick(fc.dictionary(field, noisy ? anyValue : fc.oneof(edgeString, fc.constantFrom('u_1', '{{requestId}}')), { maxKeys: 3 }), noisy);
  }
  if (key === 'thresholds') {
    const condition = fc.oneof(
      fc.constantFrom('<50ms', '<1s', '<0.1%', '>10'),
      edgeString,
      fc.record({ condition: fc.constantFrom('<50ms', 'fast'), abortOnFail: pick(fc.boolean(), noisy), abortAfter: stringsFor('abortAfter', {}, noisy) }, { requiredKeys: ['condition'] }),
    );
    return pick(fc.dictionary(noisy ? fc.oneof(fc.constantFrom(...METRICS), anyKey) : fc.constantFrom('p99', 'p50', 'errorRate'), pick(condition, noisy), { maxKeys: 3 }), noisy);
  }
  if (key === 'metadata') return pick(fc.dictionary(fc.constantFrom('x-user-group', 'authorization', 'trace-bin', 'a'), fc.constantFrom('internal-testers', 'Bearer x', 'AAEC', 'not base64!'), { maxKeys: 2 }), noisy);
  if (node.properties) return pick(objectFor(node, noisy), noisy);
  switch (node.type) {
    case 'integer':
    case 'number':
      if (!noisy) return key === 'share' ? fc.double({ min: 0, max: 1, noNaN: true }) : key === 'connections' ? fc.constant(1) : fc.integer({ min: 1, max: 64 });
      return pick(fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: edgeNumber }), noisy);
    case 'string':
      return pick(stringsFor(key, node, noisy), noisy);
    case 'boolean':
      return pick(fc.boolean(), noisy);
    case 'array':
      return pick(
        fc.array(key === 'formats' ? fc.constantFrom('console', 'json', 'csv', 'yaml') : node.items ? valueFor(key, node.items, noisy) : anyValue, { minLength: 1, maxLength: 3 }),
        noisy,
      );
    case 'object':
      return pick(fc.dictionary(anyKey, fc.oneof(edgeString, anyValue), { maxKeys: 3 }), noisy);
    default:
      return anyValue;
  }
}

/** An object with a random subset of the node's real keys and, when noisy, now and then junk keys. */
function objectFor(node: JsonSchemaNode, noisy: boolean): fc.Arbitrary<Record<string, unknown>> {
  if (!noisy) {
    // Tidy: the required keys and up to three others, so that whole documents often pass.
    const properties = Object.entries(node.properties ?? {});
    const required = properties.filter(([key]) => node.required?.includes(key));
    const optional = properties.filter(([key]) => !node.required?.includes(key));
    return fc
      .subarray(optional, { maxLength: Math.min(3, optional.length) })
      .chain((chosen) => fc.record(Object.fromEntries([...required, ...chosen].map(([key, child]) => [key, valueFor(key, child, false)]))));
  }
  const known = fc.record(Object.fromEntries(Object.entries(node.properties ?? {}).map(([key, child]) => [key, valueFor(key, child, noisy)])), { requiredKeys: [] });
  const junk = noisy
    ? fc.oneof({ weight: 5, arbitrary: fc.constant([] as Array<[string, unknown]>) }, { weight: 1, arbitrary: fc.array(fc.tuple(anyKey, anyValue), { maxLength: 2 }) })
    : fc.constant([] as Array<[string, unknown]>);
  // Object.fromEntries makes "__proto__" an own key, as YAML and JSON.parse do.
  return fc.tuple(known, junk).map(([entries, extra]) => Object.fromEntries([...Object.entries(entries), ...extra]));
}

const SCHEMA = scenarioJsonSchema() as JsonSchemaNode;

/** Noisy documents (junk keys and values of every type) and tidy ones (plausible values of the real keys only). */
const scenarioDocument = fc.oneof({ weight: 2, arbitrary: objectFor(SCHEMA, true) }, { weight: 1, arbitrary: objectFor(SCHEMA, false) });

/** Text that is YAML-ish at best: anchors, aliases, tags, flow and block syntax in random order. */
const yamlishText = fc
  .array(
    fc.oneof(
      fc.constantFrom('load:', 'stream:', 'data:', '  streams: ', 'call: ', '&a ', '*a', '- ', '[', ']', '{', '}', ': ', '\n', '\n  ', '"', "'", '!!binary ', '!!str ', '!!int ', '!foo ', '<<: *a', '? ', '---', '...', '%YAML 1.2\n', '\t', '10', '.nan', '.inf', '~', '|', '>', '#', ','),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

let dir: string;
let removeDir: () => void;

beforeAll(() => {
  const temp = makeTempDir('grpc-bench-fuzz-');
  dir = temp.dir;
  removeDir = temp.remove;
});

afterAll(() => removeDir());

const CODES = Object.keys(ERROR_CATALOGUE);

function expectCleanError(error: unknown, boundedProblems = true): void {
  if (!(error instanceof BenchError)) throw new Error(`expected a BenchError, got ${String((error as Error)?.stack ?? error)}`);
  expect(CODES).toContain(error.code);
  expect(error.message).not.toContain('\n');
  expect(error.message).not.toMatch(/^\s*at |\bat .*:\d+:\d+\)?$|^(Type|Range|Reference|Syntax)?Error:/);
  expect(error.message.length).toBeGreaterThan(0);
  // Every problem is reported at once, so the line grows with their number, but each stays short
  // (given values are cut short; paths of files that do not exist are shown whole).
  if (boundedProblems) for (const problem of error.message.split('; ')) expect(problem.length, problem.slice(0, 300)).toBeLessThan(1000);
}

/** loadScenario either returns a frozen Scenario (whose connection-free checks then pass or fail cleanly) or throws a clean BenchError. */
function expectCleanOutcome(options: LoadScenarioOptions): 'loaded' | 'rejected' {
  let scenario;
  try {
    scenario = loadScenario(options);
  } catch (error) {
    expectCleanError(error);
    return 'rejected';
  }
  expect(Object.isFrozen(scenario)).toBe(true);
  try {
    checkScenario(scenario);
  } catch (error) {
    expectCleanError(error, false);
  }
  return 'loaded';
}

describe('scenario fuzz', () => {
  it(`random documents from the schema's keys, as YAML files: a frozen Scenario or one clean BenchError line (${RUNS} runs)`, () => {
    const outcomes = { loaded: 0, rejected: 0 };
    let n = 0;
    fc.assert(
      fc.property(scenarioDocument, (document) => {
        const file = `s${n++}.yaml`;
        writeFileSync(join(dir, file), stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 }));
        outcomes[expectCleanOutcome({ file, cwd: dir })]++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator must reach past the schema often enough to exercise the later checks.
    expect(outcomes.loaded).toBeGreaterThan(RUNS / 10);
    expect(outcomes.rejected).toBeGreaterThan(RUNS / 2);
  });

  it(`the same documents as JS objects (flag overrides) (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioDocument, (document) => {
        expectCleanOutcome({ overrides: document as never, cwd: dir });
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  it(`any JS value as the overrides of a YAML file (${RUNS} runs)`, () => {
    writeFileSync(join(dir, 'base.yaml'), 'name: base\nload:\n  streams: 4\n');
    fc.assert(
      fc.property(anyValue, (value) => {
        const overrides = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : { load: value };
        expectCleanOutcome({ file: 'base.yaml', overrides: overrides as never, cwd: dir });
      }),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });

  it(`YAML-ish text, anchors, aliases and tags included (${RUNS} runs)`, () => {
    let n = 0;
    fc.assert(
      fc.property(yamlishText, (text) => {
        const file = `t${n++}.yaml`;
        writeFileSync(join(dir, file), text);
        expectCleanOutcome({ file, cwd: dir });
      }),
      { numRuns: RUNS, seed: SEED + 3 },
    );
  });
});
