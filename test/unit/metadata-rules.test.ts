import { describe, expect, it } from 'vitest';
import { BenchError } from '../../src/errors/bench-error.js';
import { checkHeaderListSize } from '../../src/run/check-header-list-size.js';
import { requestMetadataSets } from '../../src/run/request-metadata-sets.js';
import { metadataKeyProblem } from '../../src/scenario/metadata-key-problem.js';
import { metadataProblems } from '../../src/scenario/metadata-problems.js';
import { metadataValueProblem } from '../../src/scenario/metadata-value-problem.js';

describe('metadata keys (gRPC Header-Name, none reserved)', () => {
  it.each(['x-user-group', 'trace.id', 'a_b', 'X-Upper-Case', 'trace-bin', '0'])('%j is a custom key', (key) => {
    expect(metadataKeyProblem(key)).toBeUndefined();
  });

  it.each([
    ['', 'expected a metadata key'],
    ['grpc-timeout', 'starts with "grpc-"'],
    ['GRPC-Status', 'starts with "grpc-"'],
    [':authority', 'pseudo-header'],
    ['content-type', 'set by the transport'],
    ['User-Agent', 'set by the transport'],
    ['te', 'set by the transport'],
    ['connection', 'HTTP/2 forbids'],
    ['host', 'HTTP/2 forbids'],
    ['x y', 'holds " "'],
    ['clé', 'holds "é"'],
    ['a/b', 'holds "/"'],
  ])('%j: %s', (key, expected) => {
    expect(metadataKeyProblem(key)).toContain(expected);
    expect(metadataKeyProblem(key)).toContain(`got key ${JSON.stringify(key)}`);
  });
});

describe('metadata values (gRPC ASCII-Value, -bin in base64)', () => {
  it.each([
    ['x-id', 'plain value 123 ~!'],
    ['x-id', ''],
    ['trace-bin', 'AAEC'],
    ['trace-bin', 'AAE'],
  ])('%j: %j is sendable', (key, value) => {
    expect(metadataValueProblem(key, value)).toBeUndefined();
  });

  it.each([
    ['x-id', 'a\nb', 'a line break (U+000A) at character 2'],
    ['x-id', 'tab\there', 'a control character (U+0009) at character 4'],
    ['x-id', 'café', 'a non-ASCII character (U+00E9) at character 4'],
    ['x-id', ' padded', 'starts or ends with a space'],
    ['trace-bin', '%%%', 'base64'],
  ])('%j: %j has %s', (key, value, expected) => {
    expect(metadataValueProblem(key, value)).toContain(expected);
  });

  it('under a secret key the offending character is not named: it is part of the secret', () => {
    const problem = metadataValueProblem('Authorization', 'Bearer séèkrit');

    expect(problem).toBe('the value has a non-ASCII character at character 9; expected space and printable ASCII (0x20-0x7E) only, or a key ending in "-bin" for bytes in base64');
  });

  it('finds problems in every metadata map, by path; a key given twice in other cases is one of them', () => {
    const problems = metadataProblems({
      metadata: { 'X-Id': '1', 'x-id': '2' },
      split: { routed: { metadata: { 'grpc-x': 'y' } } },
      compare: { candidateMetadata: { token: 'a\nb' } },
    });

    expect(problems.map((p) => p.path.join('.'))).toEqual(['metadata.x-id', 'split.routed.metadata.grpc-x', 'compare.candidateMetadata.token']);
    expect(problems[0]!.problem).toContain('the same key as "X-Id"');
  });
});

describe('header-list size (name + value + 32 per header, the call included)', () => {
  const call = 'pb.OrderService/CreateOrderStream';
  const limitFor = (metadata: Record<string, string>): number => {
    // The smallest limit that passes: bisect on the check itself.
    let low = 0;
    let high = 1_000_000;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      try {
        checkHeaderListSize([{ label: 'metadata', metadata }], call, '127.0.0.1:50051', { bytes: mid, source: 'default' });
        high = mid;
      } catch {
        low = mid + 1;
      }
    }
    return low;
  };

  it('counts each header as its name and value in bytes plus 32, "-bin" values after base64', () => {
    const base = limitFor({});

    expect(limitFor({ 'x-a': 'bcd' })).toBe(base + 3 + 3 + 32);
    expect(limitFor({ 'x-a': 'é' })).toBe(base + 3 + 2 + 32);
    // 6 bytes given as base64 (8 characters with padding) go on the wire unpadded: 8 characters.
    expect(limitFor({ 'x-bin': 'AAECAwQF' })).toBe(base + 5 + 8 + 32);
    // One key in two cases is one header on the wire.
    expect(limitFor({ 'X-A': 'long-value', 'x-a': 'bcd' })).toBe(base + 3 + 3 + 32);
  });

  it('names the largest entry and the limit, never a value', () => {
    const check = (): void =>
      checkHeaderListSize([{ label: 'metadata', metadata: { authorization: `Bearer ${'k'.repeat(9000)}`, 'x-small': 'v' } }], call, 'embedded', { bytes: 8192, source: 'server' }, '/s/scenario.yaml');

    expect(check).toThrow(BenchError);
    expect(check).toThrow(/^\/s\/scenario\.yaml: metadata: the request headers come to 9,\d{3} bytes .* the largest "authorization" with 9,052 bytes; expected at most 8,192 bytes, the target's SETTINGS_MAX_HEADER_LIST_SIZE$/);
    expect(check).not.toThrow(/kkkkkk/);
  });

  it('checks what each kind of stream carries: each compare side, and the routed share', () => {
    const sets = requestMetadataSets(
      { metadata: { a: '1' }, compare: { baseline: 'b:1', candidate: 'c:1', rounds: 1, baselineMetadata: { b: '2' }, candidateMetadata: { c: '3' } }, split: { by: 'served_by', routed: { share: 0.5, metadata: { r: '4' } } } },
      true,
    );

    expect(sets.map((s) => [s.label, s.metadata])).toEqual([
      ['metadata + compare.baselineMetadata', { a: '1', b: '2' }],
      ['metadata + compare.candidateMetadata', { a: '1', c: '3' }],
      ['metadata + compare.baselineMetadata + split.routed.metadata', { a: '1', b: '2', r: '4' }],
      ['metadata + compare.candidateMetadata + split.routed.metadata', { a: '1', c: '3', r: '4' }],
    ]);
  });
});
