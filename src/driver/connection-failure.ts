import * as grpc from '@grpc/grpc-js';

/** A method no server implements: a call that does get through only costs an UNIMPLEMENTED. */
const PROBE_PATH = '/grpc.bench.Probe/WhyNotConnected';
const identity = (value: Buffer): Buffer => value;

/**
 * grpc-js keeps why a channel could not connect only in the status of calls that fail on
 * it: a call without waitForReady on a channel in TRANSIENT_FAILURE ends at once with
 * UNAVAILABLE "No connection established. Last error: …". Returns that error, tidied to one
 * short line, or undefined when the channel gives no reason within `timeoutMs`.
 */
export function lastConnectionError(client: grpc.Client, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(PROBE_PATH, identity, identity, Buffer.alloc(0), new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error) => {
      resolve(error?.code === grpc.status.UNAVAILABLE ? tidyConnectionError(error.details) : undefined);
    });
  });
}

/** "No connection established. Last error: Error: <reason> (time). Resolution note: " → "<reason>". */
export function tidyConnectionError(details: string): string | undefined {
  let reason = details.replace(/^No connection established\.\s*Last error:\s*/i, '');
  reason = reason.replace(/\.?\s*Resolution note:[\s\S]*$/, '');
  reason = reason.replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '');
  // OpenSSL's "<id>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:" → the reason.
  reason = reason.replace(/^(?:Error:\s*)?[0-9A-F]+:error:[0-9A-F]+:[^:]+:[^:]*:([^:]+):[\s\S]*$/, '$1');
  reason = reason.replace(/^Error(?: \[[A-Z0-9_]+\])?:\s*/, '');
  reason = reason.split('\n')[0]!.trim().replace(/[.:]$/, '');
  if (reason === '') return undefined;
  return reason.length > 200 ? `${reason.slice(0, 197)}…` : reason;
}

/** True when the reason is a TLS handshake or certificate problem rather than no server at all. */
export function isTlsFailure(reason: string): boolean {
  return /certificate|SSL|TLS|altname|self[- ]signed|wrong version number|packet length|handshake|issuer/i.test(reason);
}

/** A connection failure that retrying cannot mend, named by its cause. */
export type PermanentFailure = 'connection refused' | 'not an HTTP/2 server';

/**
 * Refused, or the peer answered with something that is not HTTP/2 (HTTP/1.1 bytes, a TLS
 * alert, a close before the SETTINGS frame): the connect timeout would only delay the same
 * answer. A silent peer gives no reason and is not one of these.
 */
export function permanentFailure(reason: string): PermanentFailure | undefined {
  if (/ECONNREFUSED/.test(reason)) return 'connection refused';
  // grpc-js: "Protocol error" for bytes that are not HTTP/2, "Failed to connect" for a close before SETTINGS.
  if (/Protocol error|Failed to connect|ECONNRESET|socket hang up|SETTINGS/i.test(reason)) return 'not an HTTP/2 server';
  return undefined;
}
