import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/error-catalogue.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { linesOf, makeTempDir, runCli, type CliResult } from '../helpers/cli-process.js';
import { runInProcess } from '../helpers/in-process-cli.js';
import { syntheticReport } from '../helpers/synthetic-report.js';

/**
 * Every bad input ends the real CLI with its documented exit code and exactly one stderr line
 * that names the file, the field and the bad value, and carries no stack trace. `validate`
 * makes every check `run` makes before load, so most cases use it (no load, no connection).
 * The table runs in this process (the CLI's `main`, whose code the process exits with, and
 * nothing else written to the process's stdout or stderr); the cases for each exit code, and
 * `run` beside `validate`, start the real process.
 */

const NOT_BIDI_PROTO = fileURLToPath(new URL('../fixtures/not-bidi.proto', import.meta.url));
const TYPED_PROTOS = ['typed.proto', 'typed-legacy.proto'];
/** A scenario on test/fixtures/typed.proto whose data is `data` (YAML lines under `data:`). */
const typed = (data: string): string => `proto: typed.proto\ncall: typed.TypedService/Exchange\ndata:\n${data}`;

/** The first two steps of the reservation flow (docs/flows.md), YAML lines under `steps:`. */
const ORDER_STEPS = [
  '    - send: order',
  '      message: { user_id: "u_{{streamId}}", items: [{ sku_id: s_001, count: 1 }] }',
  '    - await: reserved',
  '      until: { status: RESERVED }',
  '      within: 500ms',
  '      capture: { reservation: reservation_id }',
  '      checks: { reserved: { reservation_id: { present: true } } }',
  '',
].join('\n');
/** A scenario whose stream runs a flow of `steps` (YAML lines under `steps:`). */
const flow = (steps: string): string => `stream:\n  correlateBy: request_id\n  flow:\n    steps:\n${steps.replace(/^ {4}/gm, '      ')}`;

/** Scenario files (and what they refer to), written once into the working directory. */
/** A report of a run without split: (no versions) and one of a split run whose only version is v1. */
const plainReport = syntheticReport([{ latenciesMs: [1, 2, 3] }]);
const splitReport = { ...plainReport, versions: { v1: { messagesReceived: 3, share: 1, latencyMs: plainReport.latencyMs, intervals: plainReport.intervals, histogram: plainReport.histogram } } };

const FILES: Record<string, string | Buffer> = {
  'ok.yaml': 'name: ok\n',
  'plain-report.json': JSON.stringify(plainReport),
  'split-report.json': JSON.stringify(splitReport),
  'empty.yaml': '',
  'unknown-key.yaml': 'lod:\n  streams: 4\n',
  'unknown-nested-key.yaml': 'load:\n  stream: 4\n',
  'streams-text.yaml': 'load:\n  streams: "ten"\n',
  'workers-text.yaml': 'load:\n  workers: "all"\n',
  'insecure-text.yaml': 'insecure: "yes"\n',
  'streams-zero.yaml': 'load:\n  streams: 0\n',
  'messages-negative.yaml': 'load:\n  messages: -1\n',
  'connections-over-streams.yaml': 'load:\n  streams: 2\n  connections: 4\n',
  'bad-duration.yaml': 'load:\n  duration: 10 seconds\n',
  'missing-proto.yaml': 'proto: nope.proto\ncall: x.S/M\n',
  'broken.proto': 'syntax = "proto3";\npackage broken;\nmessage A {\n  string a = 1\n',
  'broken-proto.yaml': 'proto: broken.proto\ncall: broken.S/M\n',
  'unknown-service.yaml': 'call: pb.NoSuchService/CreateOrderStream\n',
  'unknown-method.yaml': 'call: pb.OrderService/NoSuchMethod\n',
  'unary.yaml': 'proto: not-bidi.proto\ncall: shapes.ShapeService/Measure\n',
  'server-streaming.yaml': 'proto: not-bidi.proto\ncall: shapes.ShapeService/Watch\n',
  'client-streaming.yaml': 'proto: not-bidi.proto\ncall: shapes.ShapeService/Upload\n',
  'unknown-template.yaml': 'data:\n  user_id: "{{nope}}"\n',
  'unbalanced-template.yaml': 'data:\n  user_id: "u_{{requestId"\n',
  'data-field.yaml': 'data:\n  user_id: u_1\n  colour: blue\n',
  'correlate-by.yaml': 'stream:\n  correlateBy: user_id\n',
  'tls-missing.yaml': 'target: 127.0.0.1:1\ntls:\n  cacert: missing-ca.pem\n',
  'not-pem.pem': 'this is not a certificate\n',
  'tls-not-pem.yaml': 'target: 127.0.0.1:1\ntls:\n  cacert: not-pem.pem\n',
  'bad-yaml.yaml': 'name: x\nload:\n  streams: [1\n',
  'top-level-list.yaml': '- name: x\n- load: {}\n',
  'alias-cycle.yaml': 'data: &d\n  user_id: *d\n',
  'bad-threshold.yaml': 'thresholds:\n  p99: fast\n',
  'duplicate-key.yaml': 'load:\n  streams: 2\n  streams: 3\n',
  'utf16.yaml': Buffer.from('\ufeffname: x\n', 'utf16le'),
  'latin1.yaml': Buffer.concat([Buffer.from('name: x\ndata:\n  user_id: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
  // 100,000 keys: yaml's own duplicate check would take minutes, parsing alone seconds.
  'many-keys.yaml': `data:\n${Array.from({ length: 100_000 }, (_, i) => `  k${i}: ${i}\n`).join('')}`,
  'wide-data.yaml': `data:\n${Array.from({ length: 30_000 }, (_, i) => `  k${i}: ${i}\n`).join('')}`,
  'data-int64.yaml': typed('  big: "99999999999999999999"\n'),
  'data-enum.yaml': typed('  colour: BLUE\n'),
  'data-map-value.yaml': typed('  counts:\n    a: notanint\n'),
  'data-object-for-string.yaml': typed('  item:\n    sku_id:\n      a: 1\n'),
  'data-oneof.yaml': typed('  text: a\n  picked:\n    count: 1\n'),
  'data-nested-field.yaml': 'data:\n  items:\n    - sku_id: s\n      colour: blue\n',
  'data-required.yaml': typed('  legacy:\n    level: 1\n'),
  'data-timestamp.yaml': typed('  at: "2024-13-01T00:00:00Z"\n'),
  'data-base64.yaml': typed('  blob: "%%%"\n'),
  'data-template-bool.yaml': typed('  flag: "{{streamId}}"\n'),
  'data-several.yaml': typed('  small: 1.5\n  flag: "yes"\n  ttl: 5\n'),
  'metadata-newline.yaml': 'metadata:\n  x-trace: "a\\nb"\n',
  'metadata-secret-non-ascii.yaml': 'metadata:\n  authorization: "Bearer séèkrit-TOKEN"\n',
  'metadata-reserved.yaml': 'metadata:\n  grpc-timeout: 1S\n',
  'routed-bad-key.yaml': 'split:\n  by: served_by\n  routed:\n    share: 0.5\n    metadata:\n      "X Y": "1"\n',
  'metadata-big.yaml': `metadata:\n  x-big: ${'a'.repeat(100_000)}\n`,
  'flow-ok.yaml': flow(ORDER_STEPS),
  'flow-unknown-step-field.yaml': flow(ORDER_STEPS.replace('within: 500ms', 'wthin: 500ms')),
  'flow-no-step-kind.yaml': flow(`${ORDER_STEPS}    - sned: confirm\n`),
  'flow-capture-missing-field.yaml': flow(ORDER_STEPS.replace('reservation: reservation_id', 'reservation: reservation_number')),
  'flow-await-missing-field.yaml': flow(ORDER_STEPS.replace('until: { status: RESERVED }', 'until: { state: RESERVED }')),
  'flow-until-nested-message.yaml': flow(ORDER_STEPS.replace('until: { status: RESERVED }', 'until: { status: RESERVED, stock: RESERVED }')),
  'flow-variable-before-capture.yaml': flow(ORDER_STEPS.replace('user_id: "u_{{streamId}}"', 'user_id: "{{reservation}}"')),
  'flow-send-field.yaml': flow(`${ORDER_STEPS}    - send: confirm\n      message: { kind: CONFIRM, reservation: "{{reservation}}" }\n`),
  'flow-stream-timeout.yaml': flow(ORDER_STEPS).replace('stream:\n', 'stream:\n  timeout: 2s\n'),
  'flow-threshold-unknown-step.yaml': `${flow(ORDER_STEPS)}thresholds:\n  step.confirm.p99: "<20ms"\n`,
  'flow-threshold-statistic.yaml': `${flow(ORDER_STEPS)}thresholds:\n  checks.reserved.ratio: ">99%"\n`,
  'metadata-big-secret.yaml': `metadata:\n  authorization: "Bearer ${'k'.repeat(100_000)}"\n`,
};

interface Case {
  name: string;
  args: string[];
  code: ErrorCode;
  exit: number;
  /** The file, the field path and the bad value, as the line must show them. */
  names: string[];
  /** Parts of a secret value that must appear nowhere in the output. */
  hidden?: string[];
}

const CASES: Case[] = [
  { name: 'unknown key', args: ['validate', 'unknown-key.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['unknown-key.yaml', 'unknown key "lod"'] },
  { name: 'unknown nested key', args: ['validate', 'unknown-nested-key.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['unknown-nested-key.yaml', 'load: unknown key "stream"'] },
  { name: 'streams: "ten"', args: ['validate', 'streams-text.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['streams-text.yaml', 'load.streams', '"ten"'] },
  { name: 'insecure: "yes"', args: ['validate', 'insecure-text.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['insecure-text.yaml', 'insecure', '"yes"'] },
  { name: 'load.streams 0', args: ['validate', 'streams-zero.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['streams-zero.yaml', 'load.streams: must be ≥ 1, got 0'] },
  { name: 'load.messages -1', args: ['validate', 'messages-negative.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['messages-negative.yaml', 'load.messages', 'got -1'] },
  { name: 'connections > streams', args: ['validate', 'connections-over-streams.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['connections-over-streams.yaml', 'load.connections', 'got 4'] },
  { name: 'duration "10 seconds"', args: ['validate', 'bad-duration.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['bad-duration.yaml', 'load.duration', '"10 seconds"'] },
  { name: 'missing proto file', args: ['validate', 'missing-proto.yaml'], code: 'PROTO_INVALID', exit: 4, names: ['missing-proto.yaml', 'proto', 'nope.proto', 'no such file'] },
  { name: 'unparsable proto', args: ['validate', 'broken-proto.yaml'], code: 'PROTO_INVALID', exit: 4, names: ['broken-proto.yaml', 'proto', 'broken.proto', 'cannot parse'] },
  { name: 'unknown service', args: ['validate', 'unknown-service.yaml'], code: 'METHOD_NOT_FOUND', exit: 4, names: ['unknown-service.yaml', 'call', '"pb.NoSuchService"'] },
  { name: 'unknown method', args: ['validate', 'unknown-method.yaml'], code: 'METHOD_NOT_FOUND', exit: 4, names: ['unknown-method.yaml', 'call', '"NoSuchMethod"', 'CreateOrderStream'] },
  { name: 'unknown template {{nope}}', args: ['validate', 'unknown-template.yaml'], code: 'TEMPLATE_INVALID', exit: 3, names: ['unknown-template.yaml', 'data.user_id', '{{nope}}'] },
  { name: 'unbalanced {{', args: ['validate', 'unbalanced-template.yaml'], code: 'TEMPLATE_INVALID', exit: 3, names: ['unbalanced-template.yaml', 'data.user_id', 'u_{{requestId'] },
  { name: 'data field not in the message', args: ['validate', 'data-field.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-field.yaml', 'data', '"colour"'] },
  { name: 'int64 out of range', args: ['validate', 'data-int64.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-int64.yaml', 'data.big: "99999999999999999999" is out of range for int64'] },
  { name: 'unknown enum name', args: ['validate', 'data-enum.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-enum.yaml', 'data.colour: "BLUE" is not a value of enum typed.Colour', 'RED, GREEN'] },
  { name: 'map value that is not an int', args: ['validate', 'data-map-value.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-map-value.yaml', 'data.counts.a: "notanint"', 'int32 expected'] },
  { name: 'an object where a string belongs', args: ['validate', 'data-object-for-string.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-object-for-string.yaml', 'data.item.sku_id: {"a":1} is not a string'] },
  { name: 'both members of a oneof', args: ['validate', 'data-oneof.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-oneof.yaml', '"text" and "picked" are both members of oneof choice'] },
  { name: 'unknown nested field', args: ['validate', 'data-nested-field.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-nested-field.yaml', 'data.items[0]: unknown field "colour"', 'pb.Item has sku_id, count'] },
  { name: 'proto2 required fields missing', args: ['validate', 'data-required.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-required.yaml', 'data.legacy.id: required field of legacy.Legacy is missing', 'data.legacy.part'] },
  { name: 'Timestamp not RFC 3339', args: ['validate', 'data-timestamp.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-timestamp.yaml', 'data.at: "2024-13-01T00:00:00Z" is not a valid date and time'] },
  { name: 'invalid base64 in bytes', args: ['validate', 'data-base64.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-base64.yaml', 'data.blob: "%%%" is not valid base64'] },
  { name: 'a template in a bool field', args: ['validate', 'data-template-bool.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data-template-bool.yaml', 'data.flag: "{{streamId}}": a template cannot fill a bool field', 'templates fill string fields'] },
  { name: 'several data problems in one line', args: ['validate', 'data-several.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['data.small: 1.5 is not a whole number', 'data.flag: "yes" is not a boolean', 'data.ttl: 5 is not a string; Duration expected'] },
  { name: '-d with an int32 that is text', args: ['validate', 'ok.yaml', '-d', '{"items":[{"count":"x"}]}'], code: 'MESSAGE_INVALID', exit: 4, names: ['ok.yaml', 'data.items[0].count: "x" is not a decimal whole number; int32 expected'] },
  { name: 'correlateBy not in both messages', args: ['validate', 'correlate-by.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['correlate-by.yaml', 'stream.correlateBy', '"user_id"'] },
  { name: 'unreadable TLS file', args: ['validate', 'tls-missing.yaml'], code: 'TLS_FILE_UNREADABLE', exit: 3, names: ['tls-missing.yaml', 'tls.cacert', 'missing-ca.pem'] },
  { name: 'TLS file that is not PEM', args: ['validate', 'tls-not-pem.yaml'], code: 'TLS_FILE_UNREADABLE', exit: 3, names: ['tls-not-pem.yaml', 'tls.cacert', 'not-pem.pem'] },
  { name: 'unwritable output path', args: ['validate', 'ok.yaml', '-O', 'json', '-o', '/proc/x/r.json'], code: 'OUTPUT_UNWRITABLE', exit: 6, names: ['output', '/proc/x'] },
  { name: 'bad YAML syntax', args: ['validate', 'bad-yaml.yaml'], code: 'SCENARIO_UNREADABLE', exit: 3, names: ['bad-yaml.yaml', 'not valid YAML at line 4, column 1'] },
  { name: 'a list at the top level', args: ['validate', 'top-level-list.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['top-level-list.yaml', 'top level', 'a list'] },
  { name: 'an alias that contains itself', args: ['validate', 'alias-cycle.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['alias-cycle.yaml', 'data.user_id', 'alias'] },
  { name: 'a key twice in one mapping', args: ['validate', 'duplicate-key.yaml'], code: 'SCENARIO_UNREADABLE', exit: 3, names: ['duplicate-key.yaml', 'line 3, column 3', '"streams"', 'twice'] },
  { name: 'a UTF-16 file', args: ['validate', 'utf16.yaml'], code: 'SCENARIO_UNREADABLE', exit: 3, names: ['utf16.yaml', 'UTF-16 is not supported', 'UTF-8'] },
  { name: 'a file that is not UTF-8', args: ['validate', 'latin1.yaml'], code: 'SCENARIO_UNREADABLE', exit: 3, names: ['latin1.yaml', 'line 3', 'not valid UTF-8'] },
  { name: 'a 100,000-key file', args: ['validate', 'many-keys.yaml'], code: 'SCENARIO_UNREADABLE', exit: 3, names: ['many-keys.yaml', 'bytes is more than a scenario file may hold (524288 bytes)'] },
  { name: '-z 0s', args: ['validate', 'ok.yaml', '-z', '0s'], code: 'SCENARIO_INVALID', exit: 3, names: ['ok.yaml', 'load.duration: must be longer than 0, got "0s"'] },
  { name: '--stream-timeout 0ms', args: ['validate', 'ok.yaml', '--stream-timeout', '0ms'], code: 'SCENARIO_INVALID', exit: 3, names: ['ok.yaml', 'stream.timeout: must be longer than 0, got "0ms"'] },
  { name: '--stream-call-duration 0ms', args: ['validate', 'ok.yaml', '--stream-call-duration', '0ms'], code: 'SCENARIO_INVALID', exit: 3, names: ['ok.yaml', 'stream.duration: must be longer than 0, got "0ms"'] },
  { name: '--max-recv-message-size 10XB', args: ['validate', 'ok.yaml', '--max-recv-message-size', '10XB'], code: 'SCENARIO_INVALID', exit: 3, names: ['ok.yaml', 'maxReceiveMessageSize', '"16MiB"', '"10XB"'] },
  { name: 'data with 30,000 unknown fields: ten are named', args: ['validate', 'wide-data.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['wide-data.yaml', 'unknown fields "k0", "k1"', '"k9" and 29990 more;'] },
  { name: 'missing scenario file', args: ['validate', 'no-such.yaml'], code: 'SCENARIO_UNREADABLE', exit: 3, names: ['no-such.yaml', 'no such file'] },
  { name: 'bad -d JSON', args: ['validate', 'ok.yaml', '-d', '{"user_id": '], code: 'USAGE', exit: 2, names: ['-d/--data', 'not valid JSON', '{\\"user_id\\": '] },
  { name: '-d that is not an object', args: ['validate', 'ok.yaml', '-d', '[1]'], code: 'USAGE', exit: 2, names: ['-d/--data', 'expected a JSON object', '[1]'] },
  { name: '--workers many', args: ['validate', 'ok.yaml', '--workers', 'many'], code: 'SCENARIO_INVALID', exit: 3, names: ['load.workers', 'or "auto"', '"many"'] },
  { name: 'workers: "all"', args: ['validate', 'workers-text.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['workers-text.yaml', 'load.workers', 'or "auto"', '"all"'] },
  { name: 'unknown -O format', args: ['validate', 'ok.yaml', '-O', 'console,yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['ok.yaml', 'output.formats.1', '"yaml"'] },
  { name: '-c that is not a number', args: ['validate', 'ok.yaml', '-c', 'ten'], code: 'SCENARIO_INVALID', exit: 3, names: ['ok.yaml', 'load.streams', 'NaN'] },
  { name: 'bad threshold condition', args: ['validate', 'bad-threshold.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['bad-threshold.yaml', 'thresholds.p99', '"fast"'] },
  { name: 'bad --threshold flag', args: ['validate', 'ok.yaml', '--threshold', 'p99 is fast'], code: 'USAGE', exit: 2, names: ['--threshold', '"p99 is fast"'] },
  { name: 'serve --work-us=-1', args: ['serve', '--work-us=-1'], code: 'USAGE', exit: 2, names: ['--work-us', 'µs ≥ 0', 'got -1'] },
  { name: 'serve --protocol chat', args: ['serve', '--protocol', 'chat'], code: 'USAGE', exit: 2, names: ['--protocol', 'echo, reservation', '"chat"'] },
  { name: 'serve --stage-delays with two delays', args: ['serve', '--stage-delays', '1ms,2ms'], code: 'USAGE', exit: 2, names: ['--stage-delays', 'three joined by commas', '"1ms,2ms"'] },
  { name: 'serve --canary-push-rate 5000', args: ['serve', '--canary', '--canary-push-rate', '5000'], code: 'USAGE', exit: 2, names: ['--canary-push-rate', 'from 0 to 1000', 'got 5000'] },
  { name: 'serve --leak-bytes=1.5', args: ['serve', '--leak-bytes=1.5'], code: 'USAGE', exit: 2, names: ['--leak-bytes', 'whole number ≥ 0', 'got 1.5'] },
  { name: 'bad --candidate-metadata JSON (value not echoed)', args: ['validate', 'ok.yaml', '--baseline', '127.0.0.1:1', '--candidate', '127.0.0.1:1', '--candidate-metadata', 'token=abc'], code: 'USAGE', exit: 2, names: ['--candidate-metadata', 'not valid JSON', 'value not shown'] },
  { name: 'compare.baselineMetadata -bin value not base64', args: ['validate', 'ok.yaml', '--baseline', '127.0.0.1:1', '--candidate', '127.0.0.1:1', '--baseline-metadata', '{"trace-bin":"%%%"}'], code: 'SCENARIO_INVALID', exit: 3, names: ['compare.baselineMetadata.trace-bin', 'base64'] },
  { name: '-m with a non-ASCII secret value', args: ['validate', 'ok.yaml', '-m', '{"authorization":"Bearer séèkrit-TOKEN"}'], code: 'SCENARIO_INVALID', exit: 3, names: ['ok.yaml', 'metadata.authorization', 'a non-ASCII character at character 9', 'printable ASCII', 'got [redacted]'], hidden: ['séèkrit', 'TOKEN', 'é'] },
  { name: 'metadata value with a line break', args: ['validate', 'metadata-newline.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['metadata-newline.yaml', 'metadata.x-trace', 'a line break (U+000A) at character 2', 'got "a\\nb"'] },
  { name: 'secret value with a line break in --candidate-metadata', args: ['validate', 'ok.yaml', '--baseline', '127.0.0.1:1', '--candidate', '127.0.0.1:1', '--candidate-metadata', '{"x-api-key":"s3cr3t\\nv4lue"}'], code: 'SCENARIO_INVALID', exit: 3, names: ['compare.candidateMetadata.x-api-key', 'a line break at character 7', 'got [redacted]'], hidden: ['s3cr3t', 'v4lue'] },
  { name: 'reserved metadata key grpc-timeout', args: ['validate', 'metadata-reserved.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['metadata-reserved.yaml', 'metadata.grpc-timeout', 'starts with "grpc-"', 'got key "grpc-timeout"'] },
  { name: 'pseudo-header as a -m key', args: ['validate', 'ok.yaml', '-m', '{":authority":"x"}'], code: 'SCENARIO_INVALID', exit: 3, names: ['metadata.:authority', 'pseudo-header', 'got key ":authority"'] },
  { name: 'split.routed.metadata key with a space', args: ['validate', 'routed-bad-key.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['routed-bad-key.yaml', 'split.routed.metadata.X Y', 'expected only 0-9 a-z _ . -', 'got key "X Y"'] },
  { name: 'the same key twice in -m', args: ['validate', 'ok.yaml', '-m', '{"X-Id":"1","x-id":"2"}'], code: 'SCENARIO_INVALID', exit: 3, names: ['metadata.x-id', 'the same key as "X-Id"'] },
  { name: '100 KB metadata value', args: ['validate', 'metadata-big.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['metadata-big.yaml', 'metadata: the request headers come to 100,', 'the largest "x-big" with 100,', 'expected at most 8,192 bytes'] },
  { name: '100 KB secret metadata value', args: ['validate', 'metadata-big-secret.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['metadata-big-secret.yaml', 'the largest "authorization" with 100,', 'expected at most 8,192 bytes'], hidden: ['kkkkkk', 'Bearer'] },
  { name: 'flow: unknown step field', args: ['validate', 'flow-unknown-step-field.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['flow-unknown-step-field.yaml', 'stream.flow.steps.1: unknown key "wthin"', 'within'] },
  { name: 'flow: a step of no known kind', args: ['validate', 'flow-no-step-kind.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['stream.flow.steps.2', 'expected one of send, await, pause, repeat', 'sned'] },
  { name: 'flow: capture of a field the response lacks', args: ['validate', 'flow-capture-missing-field.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['flow-capture-missing-field.yaml', 'stream.flow.steps.1.capture.reservation', '"reservation_number" is not a field of pb.CreateOrderResponse', 'reservation_id'] },
  { name: 'flow: await on a field the response lacks', args: ['validate', 'flow-await-missing-field.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['stream.flow.steps.1.until.state', '"state" is not a field of pb.CreateOrderResponse'] },
  { name: 'flow: await comparing a message field', args: ['validate', 'flow-until-nested-message.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['stream.flow.steps.1.until.stock', 'message field (pb.StockUpdate)', 'stock.sku_id'] },
  { name: 'flow: variable used before it is captured', args: ['validate', 'flow-variable-before-capture.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['flow-variable-before-capture.yaml', 'stream.flow.steps.0.message.user_id', '{{reservation}} is used before it is captured', 'await "reserved"'] },
  { name: 'flow: a send message field the request lacks', args: ['validate', 'flow-send-field.yaml'], code: 'MESSAGE_INVALID', exit: 4, names: ['flow-send-field.yaml', 'stream.flow.steps.2.message', 'unknown field "reservation"', 'reservation_id'] },
  { name: 'flow: stream.timeout (awaits time themselves with within)', args: ['validate', 'flow-stream-timeout.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['flow-stream-timeout.yaml', 'stream.timeout: cannot be combined with stream.flow', 'set within on the await steps', 'got 2000 ms'] },
  { name: 'flow: --stream-timeout', args: ['validate', 'flow-ok.yaml', '--stream-timeout', '1s'], code: 'SCENARIO_INVALID', exit: 3, names: ['flow-ok.yaml', 'stream.timeout: cannot be combined with stream.flow', 'got 1000 ms'] },
  { name: 'flow: threshold on a step the flow lacks', args: ['validate', 'flow-threshold-unknown-step.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['thresholds.step.confirm.p99', 'expected an await step of the flow (reserved)', '"confirm"'] },
  { name: 'flow: threshold with an unknown check statistic', args: ['validate', 'flow-threshold-statistic.yaml'], code: 'SCENARIO_INVALID', exit: 3, names: ['thresholds.checks.reserved.ratio', 'rate, passes, fails', '"ratio"'] },
  { name: 'flow: --threshold on a step the flow lacks', args: ['validate', 'flow-ok.yaml', '--threshold', 'step.decided.p99<20ms'], code: 'SCENARIO_INVALID', exit: 3, names: ['flow-ok.yaml', 'thresholds.step.decided.p99', '"decided"'] },
  { name: 'compare with one report and no --versions', args: ['compare', 'a.json'], code: 'USAGE', exit: 2, names: ['expected two reports', '--versions v1,v2', 'got only a.json'] },
  { name: 'compare --versions with two reports', args: ['compare', 'a.json', 'b.json', '--versions', 'v1,v2'], code: 'USAGE', exit: 2, names: ['--versions', 'one report', 'a.json, b.json'] },
  { name: 'compare --versions with one version', args: ['compare', 'split-report.json', '--versions', 'v1'], code: 'USAGE', exit: 2, names: ['--versions', 'expected two versions', 'v1,v2', 'got "v1"'] },
  { name: 'compare --versions of a report without versions', args: ['compare', 'plain-report.json', '--versions', 'v1,v2'], code: 'REPORT_INVALID', exit: 3, names: ['plain-report.json', 'has no versions', 'split:'] },
  { name: 'compare --versions naming a version the report lacks', args: ['compare', 'split-report.json', '--versions', 'v1,v3'], code: 'REPORT_INVALID', exit: 3, names: ['split-report.json', 'no version "v3"', 'expected one of v1'] },
  { name: 'validate without a file (yargs stops before the handler)', args: ['validate'], code: 'USAGE', exit: 2, names: ['non-option arguments: got 0, need at least 1'] },
];

let cwd: string;
let removeCwd: () => void;

beforeAll(() => {
  const temp = makeTempDir('grpc-bench-bad-input-');
  cwd = temp.dir;
  removeCwd = temp.remove;
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(cwd, name), text);
  copyFileSync(NOT_BIDI_PROTO, join(cwd, 'not-bidi.proto'));
  for (const name of TYPED_PROTOS) copyFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), join(cwd, name));
});

afterAll(() => removeCwd());

/** Exactly one stderr line, `grpc-bench: … [CODE]`, no stack frame, nothing on stdout. */
function expectOneCleanLine(result: CliResult, code: ErrorCode): string {
  const lines = linesOf(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  const line = lines[0]!;
  expect(line).toMatch(/^grpc-bench: /);
  expect(line.endsWith(` [${code}]`), line).toBe(true);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/internal error|\b(Type|Range|Reference|Syntax)?Error: /);
  expect(result.stdout).toBe('');
  return line;
}

/**
 * `grpc-bench ARGS` in this process, one at a time: what it wrote through its output and, as
 * `code`, the exit code `main` returned. Anything else written to the process's own stdout or
 * stderr meanwhile fails the test, as a real process would print it.
 */
async function runInProcessAlone(args: string[]): Promise<CliResult> {
  const stray: string[] = [];
  const keep = (chunk: unknown): boolean => (stray.push(String(chunk)), true);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  try {
    const { code, stdout: out, stderr: err } = await runInProcess(args, cwd);
    return { code, signal: null, stdout: out, stderr: err };
  } finally {
    // Warnings are written on a later tick: they belong to this case, not the next.
    await new Promise((resolve) => setImmediate(resolve));
    stdout.mockRestore();
    stderr.mockRestore();
    // e.g. proto-loader's warning for an import it finds only beside the importing file (the proto's own folder is an import path now).
    expect(stray, 'written beside the CLI\'s output').toEqual([]);
  }
}

/** One case of the table for each exit code, through the real process: it exits with that code and prints the same line. */
const BY_EXIT_CODE = CASES.filter((c, i) => CASES.findIndex((other) => other.exit === c.exit) === i);

describe('bad input: one clean line and the documented exit code', () => {
  it('every case expects the exit code the catalogue (and so the README) gives its error code', () => {
    for (const { name, code, exit } of CASES) expect(ERROR_CATALOGUE[code].exitCode, name).toBe(exit);
  });

  it.each(CASES)('$name → exit $exit ($code)', async ({ args, code, exit, names, hidden }) => {
    const result = await runInProcessAlone(args);

    const line = expectOneCleanLine(result, code);
    expect(result.code, line).toBe(exit);
    for (const name of names) expect(line).toContain(name);
    for (const secret of hidden ?? []) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it.concurrent.each(BY_EXIT_CODE)('the real process: $name → exit $exit ($code)', async ({ args, code, exit, names }) => {
    const result = await runCli(args, { cwd });

    const line = expectOneCleanLine(result, code);
    expect(result.code, line).toBe(exit);
    for (const name of names) expect(line).toContain(name);
  });

  it.each([
    ['unary.yaml', 'shapes.ShapeService/Measure (unary)'],
    ['server-streaming.yaml', 'shapes.ShapeService/Watch (server streaming)'],
    ['client-streaming.yaml', 'shapes.ShapeService/Upload (client streaming)'],
  ])('a method of every kind is valid, its kind named (%s)', async (file, named) => {
    const result = await runInProcessAlone(['validate', file]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${file}: valid (${named}, proto not-bidi.proto`);
  });

  it('an empty file is a valid scenario: every key takes its default', async () => {
    const result = await runInProcessAlone(['validate', 'empty.yaml']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('empty.yaml: valid (pb.OrderService/CreateOrderStream, target embedded, 10 streams over 1 connection, 1 worker, 10s)\n');
  });

  describe('run ends with the same line as validate', () => {
    const RUN_CASES = [
      ['unknown template', 'unknown-template.yaml', 'TEMPLATE_INVALID'],
      ['data field', 'data-field.yaml', 'MESSAGE_INVALID'],
      ['TLS file', 'tls-missing.yaml', 'TLS_FILE_UNREADABLE'],
      ['int64 out of range', 'data-int64.yaml', 'MESSAGE_INVALID'],
      ['Timestamp', 'data-timestamp.yaml', 'MESSAGE_INVALID'],
      ['base64', 'data-base64.yaml', 'MESSAGE_INVALID'],
      ['secret non-ASCII metadata', 'metadata-secret-non-ascii.yaml', 'SCENARIO_INVALID'],
      ['100 KB secret metadata, against the embedded target that advertises no header-list limit', 'metadata-big-secret.yaml', 'SCENARIO_INVALID'],
    ] as const;
    const validated = new Map<string, CliResult>();

    // validate in this process, one file at a time; the runs, real processes, side by side.
    beforeAll(async () => {
      for (const [, file] of RUN_CASES) validated.set(file, await runInProcessAlone(['validate', file]));
    });

    it.concurrent.each(RUN_CASES)('run ends with the same line as validate (%s): the checks are shared', async (_what, file, code) => {
      const ran = await runCli(['run', file, '-O', 'console'], { cwd });

      const validation = validated.get(file)!;
      expect(expectOneCleanLine(ran, code)).toBe(expectOneCleanLine(validation, code));
      expect(ran.code).toBe(validation.code);
      for (const secret of ['séèkrit', 'TOKEN', 'kkkkkk']) expect(ran.stdout + ran.stderr).not.toContain(secret);
    });
  });

  describe('run against a real target, stopped before any load', () => {
    let server: OrderServerHandle;

    beforeAll(async () => {
      server = await startOrderServer({ port: 0 });
    });

    afterAll(() => server.forceShutdown());

    it('exits 6 before any load reaches the server (a hang is killed at 10 s)', async () => {
      const result = await runCli(['run', server.address, '--insecure', '-n', '10', '-O', 'json', '-o', '/proc/x/r.json'], { cwd, timeoutMs: 10_000 });

      expect(result.signal, 'the command hung and was killed').toBeNull();
      const line = expectOneCleanLine(result, 'OUTPUT_UNWRITABLE');
      expect(result.code).toBe(6);
      expect(line).toContain('output');
      expect(line).toContain('/proc/x');
      expect(server.counters.snapshot()).toMatchObject({ streamsOpened: 0, messagesReceived: 0 });
    });

    it('request data that does not fit the method found by server reflection: exit 4, one line naming the field', async () => {
      const result = await runCli(['run', server.address, '--insecure', '-n', '10', '-O', 'console', '-d', '{"items":[{"count":"x"}]}'], { cwd, timeoutMs: 10_000 });

      const line = expectOneCleanLine(result, 'MESSAGE_INVALID');
      expect(result.code).toBe(4);
      expect(line).toContain('data.items[0].count: "x" is not a decimal whole number; int32 expected');
      expect(server.counters.snapshot()).toMatchObject({ streamsOpened: 0, messagesReceived: 0 });
    });
  });
});
