/**
 * Every flag of ghz's current release (its options reference), under ghz's names, short
 * letters and defaults, and the few grpc-bench adds to `grpc-bench ghz`. The flag name is also
 * the key of ghz's config files (JSON, TOML, YAML), as in ghz. What each does here is decided in
 * ghzToOverrides (one place) and documented in docs/ghz-migration.md.
 */
export interface GhzFlagSpec {
  /** ghz's long name, also its config-file key. */
  readonly flag: string;
  /** ghz's one-letter spelling. */
  readonly short?: string;
  readonly type: 'number' | 'string' | 'boolean';
  /** ghz's default, as its usage page shows it; applied when neither flag nor config sets it. */
  readonly default?: number | string | boolean;
  readonly group: (typeof GHZ_FLAG_GROUPS)[number];
  readonly describe: string;
}

/** The headings of `ghz --help`, in the order of `run --help` where they match. */
export const GHZ_FLAG_GROUPS = ['Load', 'Streams', 'Request', 'Connection and TLS', 'Reports', 'ghz schedules'] as const;

export const GHZ_FLAG_TABLE = [
  { flag: 'total', short: 'n', type: 'number', default: 200, group: 'Load', describe: 'Number of calls (RPCs; a stream is one call) to make in total' },
  { flag: 'concurrency', short: 'c', type: 'number', default: 50, group: 'Load', describe: 'Calls in flight at once (workers in ghz)' },
  { flag: 'connections', type: 'number', default: 1, group: 'Load', describe: 'HTTP/2 connections, ≤ concurrency; calls spread evenly over them' },
  { flag: 'duration', short: 'z', type: 'string', group: 'Load', describe: 'Run for this long, e.g. 10s; -n is then ignored' },
  { flag: 'max-duration', short: 'x', type: 'string', group: 'Load', describe: 'Stop after this long even if -n calls are not done yet' },
  { flag: 'duration-stop', type: 'string', default: 'close', group: 'Load', describe: 'Calls in flight when -z ends: close or ignore (cancelled at once, left out of the figures), or wait (they finish and count)' },
  { flag: 'rps', short: 'r', type: 'number', group: 'Load', describe: 'Calls per second in total, paced on an absolute schedule (open model); default: no limit' },
  { flag: 'async', type: 'boolean', group: 'Load', describe: 'Send on schedule without waiting for answers (with --rps: the open model, as always here)' },
  { flag: 'skipFirst', type: 'number', group: 'Load', describe: 'Leave the first N calls out of every figure (each worker its part; counted as skipped)' },
  { flag: 'cpus', type: 'number', group: 'Load', describe: 'CPU cores to use: worker threads here (at most --connections)' },
  { flag: 'timeout', short: 't', type: 'string', default: '20s', group: 'Load', describe: 'Deadline of each call, e.g. 20s; 0: none' },
  { flag: 'stream-interval', type: 'string', group: 'Streams', describe: 'Pause between sends in a stream, e.g. 100ms' },
  { flag: 'stream-call-duration', type: 'string', group: 'Streams', describe: 'Close each stream after this long, e.g. 500ms' },
  { flag: 'stream-call-count', type: 'number', group: 'Streams', describe: 'Messages sent per stream before it closes (the data array repeats or is cut to fit)' },
  { flag: 'stream-dynamic-messages', type: 'boolean', group: 'Streams', describe: 'Render templates for every message (always so here)' },
  { flag: 'proto', type: 'string', group: 'Request', describe: 'The .proto file; the working directory and its own directory are import paths' },
  { flag: 'protoset', type: 'string', group: 'Request', describe: 'A compiled FileDescriptorSet (protoc --descriptor_set_out); --proto wins' },
  { flag: 'call', type: 'string', group: 'Request', describe: 'package.Service/Method or package.Service.Method' },
  { flag: 'import-paths', short: 'i', type: 'string', group: 'Request', describe: 'Comma-separated proto import paths' },
  { flag: 'data', short: 'd', type: 'string', group: 'Request', describe: "Call data as JSON: one message or an array (a stream's messages); '@' reads stdin; {{.RequestNumber}} and other templates" },
  { flag: 'data-file', short: 'D', type: 'string', group: 'Request', describe: 'Call data from a JSON file' },
  { flag: 'binary', short: 'b', type: 'boolean', group: 'Request', describe: 'Call data as serialized protobuf from stdin (one message or length-delimited ones)' },
  { flag: 'binary-file', short: 'B', type: 'string', group: 'Request', describe: 'Call data as serialized protobuf from a file' },
  { flag: 'metadata', short: 'm', type: 'string', group: 'Request', describe: 'Call metadata as a JSON object; values may hold templates' },
  { flag: 'metadata-file', short: 'M', type: 'string', group: 'Request', describe: 'Call metadata from a JSON file' },

  { flag: 'reflect-metadata', type: 'string', group: 'Request', describe: 'Metadata (JSON object) sent with the server reflection requests only (reflectionMetadata)' },
  { flag: 'disable-template-functions', type: 'boolean', group: 'Request', describe: 'Refuse template functions (newUUID, randomString, randomInt) in data and metadata' },
  { flag: 'disable-template-data', type: 'boolean', group: 'Request', describe: 'Send data and metadata as written, without rendering templates' },
  { flag: 'insecure', type: 'boolean', group: 'Connection and TLS', describe: 'Plaintext; TLS files given with it are ignored, as in ghz' },
  { flag: 'cacert', type: 'string', group: 'Connection and TLS', describe: 'CA certificate file (PEM) that verifies the server' },
  { flag: 'cert', type: 'string', group: 'Connection and TLS', describe: 'Client certificate file (PEM) for mutual TLS, with --key' },
  { flag: 'key', type: 'string', group: 'Connection and TLS', describe: 'Private key file (PEM) of --cert' },
  { flag: 'cname', type: 'string', group: 'Connection and TLS', describe: 'Name the server certificate must carry, instead of the host' },
  { flag: 'skipTLS', type: 'boolean', group: 'Connection and TLS', describe: "Do not verify the server's certificate chain and host name" },
  { flag: 'authority', type: 'string', group: 'Connection and TLS', describe: 'The :authority pseudo-header instead of host:port' },
  { flag: 'connect-timeout', type: 'string', default: '10s', group: 'Connection and TLS', describe: 'How long to wait for the first connection' },
  { flag: 'keepalive', type: 'string', group: 'Connection and TLS', describe: 'An HTTP/2 PING on each connection every this long, e.g. 30s (keepalive)' },
  { flag: 'max-recv-message-size', type: 'string', group: 'Connection and TLS', describe: 'Largest response message accepted, bytes or e.g. 42MB (ghz default: 2 GiB − 1)' },

  { flag: 'max-send-message-size', type: 'string', group: 'Connection and TLS', describe: 'Largest request message sent, bytes or e.g. 42MB; a larger one fails its call RESOURCE_EXHAUSTED (maxSendMessageSize)' },
  { flag: 'enable-compression', short: 'e', type: 'boolean', group: 'Connection and TLS', describe: 'gzip requests on the wire (compression: gzip)' },
  { flag: 'output', short: 'o', type: 'string', group: 'Reports', describe: 'Write the report to this file instead of stdout' },
  { flag: 'format', short: 'O', type: 'string', default: 'summary', group: 'Reports', describe: "ghz's summary, csv, json, pretty, html, influx-summary, influx-details, prometheus, or a grpc-bench format" },
  { flag: 'debug', type: 'string', group: 'Reports', describe: 'Write a JSON-lines debug log of the run here: settings (secrets redacted), connections, intervals, first errors per status, the end (output.debugLog)' },
  { flag: 'name', type: 'string', group: 'Reports', describe: 'Name of the run' },
  { flag: 'tags', type: 'string', group: 'Reports', describe: 'JSON object of string tags, kept in the report' },
  { flag: 'count-errors', type: 'boolean', group: 'Reports', describe: 'Count failed calls in fastest, slowest, the histogram and the latency distribution too (the average always counts them, as in ghz)' },
  { flag: 'config', type: 'string', group: 'Reports', describe: "A ghz config file (JSON, TOML or YAML); its paths are relative to it; flags win over it" },
  { flag: 'exit-zero-on-errors', type: 'boolean', group: 'Reports', describe: "grpc-bench only: exit 0 when calls failed, as ghz does (default: grpc-bench's exit codes)" },
  { flag: 'lb-strategy', type: 'string', group: 'Connection and TLS', describe: 'Client load balancing over the addresses the target resolves to: pick_first (default) or round_robin (loadBalancing)' },
  { flag: 'transport', type: 'string', group: 'Connection and TLS', describe: 'grpc-bench only: grpc-js (default) or http2' },
  { flag: 'load-schedule', type: 'string', default: 'const', group: 'ghz schedules', describe: 'Rate schedule: const, step or line' },
  { flag: 'load-start', type: 'number', group: 'ghz schedules', describe: 'Calls/s at the start of a step or line schedule' },
  { flag: 'load-step', type: 'number', group: 'ghz schedules', describe: 'Calls/s added per step (step) or per second (line); negative falls' },
  { flag: 'load-end', type: 'number', group: 'ghz schedules', describe: 'Calls/s at which the schedule stops changing' },
  { flag: 'load-step-duration', type: 'string', group: 'ghz schedules', describe: 'Length of one step, e.g. 5s' },
  { flag: 'load-max-duration', type: 'string', group: 'ghz schedules', describe: 'Time after which the rate stops changing' },
  { flag: 'concurrency-schedule', type: 'string', default: 'const', group: 'ghz schedules', describe: 'Concurrency schedule: const, step or line' },
  { flag: 'concurrency-start', type: 'number', group: 'ghz schedules', describe: 'Calls in flight at the start' },
  { flag: 'concurrency-step', type: 'number', group: 'ghz schedules', describe: 'Added per step (step) or per second (line); negative falls' },
  { flag: 'concurrency-end', type: 'number', group: 'ghz schedules', describe: 'Where the concurrency stops changing' },
  { flag: 'concurrency-step-duration', type: 'string', group: 'ghz schedules', describe: 'Length of one step' },
  { flag: 'concurrency-max-duration', type: 'string', group: 'ghz schedules', describe: 'Time after which the concurrency stops changing' },
] as const satisfies readonly GhzFlagSpec[];

type Entry = (typeof GHZ_FLAG_TABLE)[number];
type ValueOf<S> = S extends { type: 'number' } ? number : S extends { type: 'boolean' } ? boolean : string;

/** ghz's settings by flag name, as flags or a config file give them (config files may hold objects and arrays where flags hold JSON text). */
export type GhzOptions = { -readonly [S in Entry as S['flag']]?: ValueOf<S> | Record<string, unknown> | unknown[] } & { host?: string };
