import { binaryHeaderValue, isBinaryKey } from '../grpc/binary-metadata.js';
import { BenchError } from '../errors/bench-error.js';
import { TOOL_VERSION } from '../tool-version.js';

/**
 * The request-header limit assumed when the server advertises no SETTINGS_MAX_HEADER_LIST_SIZE
 * (and by `validate`, which does not connect): 8 KiB, the limit gRPC suggests servers apply
 * (PROTOCOL-HTTP2.md, Request-Headers).
 */
export const DEFAULT_HEADER_LIST_LIMIT_BYTES = 8192;

export interface HeaderListLimit {
  bytes: number;
  /** `server`: the target's SETTINGS_MAX_HEADER_LIST_SIZE; `default`: none was advertised (or not connected). */
  source: 'server' | 'default';
}

/** The metadata one kind of stream carries, and where it comes from in the scenario. */
export interface RequestMetadata {
  /** e.g. "metadata", "metadata + split.routed.metadata". */
  label: string;
  metadata: Record<string, string>;
}

/** HTTP/2's size of one header field: name and value in bytes, plus 32 (RFC 9113 §6.5.2). */
function fieldBytes(name: string, value: string): number {
  return Buffer.byteLength(name) + Buffer.byteLength(value) + 32;
}

/**
 * The request headers both transports write besides the metadata, as the larger of the two
 * sends them; :authority as given (the embedded target's address is at most 15 + 1 + 5 characters).
 */
function callHeaderBytes(call: string, authority: string): number {
  const fields: Array<[string, string]> = [
    [':method', 'POST'],
    [':scheme', 'https'],
    [':path', `/${call}`],
    [':authority', authority === 'embedded' ? '127.0.0.1:65535' : authority],
    ['te', 'trailers'],
    ['content-type', 'application/grpc'],
    ['user-agent', `grpc-bench/${TOOL_VERSION} (node:http2)`],
    ['grpc-accept-encoding', 'identity,deflate,gzip'],
  ];
  return fields.reduce((sum, [name, value]) => sum + fieldBytes(name, value), 0);
}

function bytesText(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * Checks that every kind of stream's request headers fit the header-list limit, counted as
 * HTTP/2 counts SETTINGS_MAX_HEADER_LIST_SIZE: name + value + 32 per field, "-bin" values
 * after base64, the call's own headers included. Throws SCENARIO_INVALID naming the largest
 * entry by key and size (never its value), led by the scenario file when there is one.
 */
export function checkHeaderListSize(sets: ReadonlyArray<RequestMetadata>, call: string, authority: string, limit: HeaderListLimit, sourceFile?: string): void {
  const base = callHeaderBytes(call, authority);
  for (const { label, metadata } of sets) {
    let total = base;
    let largest = { key: '', bytes: 0 };
    const lowerCased = new Map<string, string>();
    for (const [key, value] of Object.entries(metadata)) lowerCased.set(key.toLowerCase(), value);
    for (const [key, value] of lowerCased) {
      const bytes = fieldBytes(key, isBinaryKey(key) ? binaryHeaderValue(value) : value);
      total += bytes;
      if (bytes > largest.bytes) largest = { key, bytes };
    }
    if (total <= limit.bytes) continue;
    const whose = limit.source === 'server' ? "the target's SETTINGS_MAX_HEADER_LIST_SIZE" : "the default when the server advertises no limit (gRPC's suggested 8 KiB)";
    const line =
      `${label}: the request headers come to ${bytesText(total)} (name + value + 32 per header, as HTTP/2 counts them, ${bytesText(base)} of them the call's own), ` +
      `the largest ${JSON.stringify(largest.key)} with ${bytesText(largest.bytes)}; expected at most ${bytesText(limit.bytes)}, ${whose}`;
    throw new BenchError('SCENARIO_INVALID', sourceFile === undefined ? line : `${sourceFile}: ${line}`);
  }
}
