import { availableParallelism } from 'node:os';
import { redactMetadata } from '../redact/redact-metadata.js';
import { parseDurationMs } from '../scenario/parse-duration.js';
import type { GhzOptions } from './ghz-flag-table.js';

const ns = (text: unknown): number => (text === undefined || text === '' ? 0 : Math.round((parseDurationMs(String(text)) ?? 0) * 1e6));
const int = (value: unknown): number => (typeof value === 'number' ? value : 0);

/**
 * The `options` object of ghz's reports, in ghz's field names and types: durations as integer
 * ns, ghz's defaults filled in, zero values left out where ghz leaves them out. Secret-looking
 * metadata values are redacted (ghz writes them as given).
 */
export function ghzOptionsEcho(o: GhzOptions, parsed: { data?: unknown; metadata?: Record<string, string>; importPaths: string[] }): Record<string, unknown> {
  const echo: Record<string, unknown> = {
    call: o.call,
    host: o.host,
    proto: o.proto || undefined,
    protoset: o.protoset || undefined,
    'import-paths': parsed.importPaths,
    'enable-compression': o['enable-compression'] || undefined,
    cacert: o.cacert || undefined,
    cert: o.cert || undefined,
    key: o.key || undefined,
    cname: o.cname || undefined,
    skipTLS: o.skipTLS || undefined,
    insecure: Boolean(o.insecure),
    authority: o.authority || undefined,
    rps: int(o.rps) || undefined,
    'load-schedule': o['load-schedule'] ?? 'const',
    'load-start': int(o['load-start']),
    'load-end': int(o['load-end']),
    'load-step': int(o['load-step']),
    'load-step-duration': ns(o['load-step-duration']),
    'load-max-duration': ns(o['load-max-duration']),
    concurrency: int(o.concurrency ?? 50) || undefined,
    'concurrency-schedule': o['concurrency-schedule'] ?? 'const',
    'concurrency-start': int(o['concurrency-start']),
    'concurrency-end': int(o['concurrency-end']),
    'concurrency-step': int(o['concurrency-step']),
    'concurrency-step-duration': ns(o['concurrency-step-duration']),
    'concurrency-max-duration': ns(o['concurrency-max-duration']),
    total: int(o.total ?? 200) || undefined,
    async: o.async || undefined,
    connections: int(o.connections ?? 1) || undefined,
    duration: ns(o.duration) || undefined,
    timeout: ns(o.timeout ?? '20s') || undefined,
    'dial-timeout': ns(o['connect-timeout'] ?? '10s') || undefined,
    keepalive: ns(o.keepalive) || undefined,
    // Beyond ghz's report fields, in its flag names: settings ghz takes that change how a run went.
    'lb-strategy': o['lb-strategy'] || undefined,
    debug: o.debug || undefined,
    data: parsed.data,
    binary: Boolean(o.binary || o['binary-file']),
    metadata: parsed.metadata ? redactMetadata(parsed.metadata) : undefined,
    // ghz reports the cores it used: all of them unless --cpus.
    CPUs: int(o.cpus) || availableParallelism(),
    name: o.name || undefined,
    skipFirst: int(o.skipFirst) || undefined,
    'count-errors': o['count-errors'] || undefined,
  };
  return Object.fromEntries(Object.entries(echo).filter(([, value]) => value !== undefined));
}
