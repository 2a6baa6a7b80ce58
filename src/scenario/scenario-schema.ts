import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseDurationMs } from './parse-duration.js';

/**
 * The one scenario schema. YAML files and CLI flags both end up here; the types used by the
 * rest of the pipeline are inferred from it. Durations are strings in the file and
 * milliseconds (`…Ms`) after parsing.
 */
const duration = z
  .string({ error: 'expected a duration string such as "10s" or "250ms"' })
  .transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as "10s" or "250ms", got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

const positiveInt = z.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be ≥ 1');

/** `pkg.Service/Method` or `pkg.Service.Method`. */
const callName = z.string().regex(/^[A-Za-z_][\w.]*[./][A-Za-z_]\w*$/, 'expected "package.Service/Method"');

const loadSchema = z.strictObject({
  /** Concurrent bidi streams across all workers. */
  streams: positiveInt.default(10),
  /** Distinct HTTP/2 connections across all workers (≤ streams). */
  connections: positiveInt.default(1),
  /** Worker threads; default: the CPU count. Never more than connections. */
  workers: positiveInt.optional(),
  /** Total run time. */
  duration: duration.optional(),
  /** Total request messages to send across all streams. */
  messages: positiveInt.optional(),
});

const streamSchema = z.strictObject({
  /** Requests per stream; then the stream half-closes, drains, and a new one opens. */
  messages: positiveInt.optional(),
  /** Lifetime of one stream; then it half-closes, drains, and a new one opens. */
  duration: duration.optional(),
  /** Pause between sends on one stream. */
  interval: duration.default(0),
  /** Requests in flight per stream; 1 = ping-pong. */
  window: positiveInt.default(1),
  /** A response field that echoes the request field of the same name; without it responses match requests in order. */
  correlateBy: z.string().regex(/^[A-Za-z_]\w*$/, 'expected a field name').optional(),
});

const outputSchema = z.strictObject({
  /** Report formats to write; `console` prints to stdout. */
  formats: z.array(z.enum(['console', 'json'])).min(1).default(['console', 'json']),
  /** A file (one format) or a directory; default `reports/<name>-<timestamp>/`. */
  path: z.string().min(1).optional(),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).regex(/^[\w.-]+$/, 'expected letters, digits, ".", "_" or "-"').default('grpc-bench'),
    /** "host:port", or `embedded` to start the reference Order service in-process. */
    target: z.string().min(1).default('embedded'),
    /** Path to the .proto file, relative to the scenario file. Default: the bundled order.proto. */
    proto: z.string().min(1).optional(),
    /** Import paths for the proto, relative to the scenario file. */
    importPaths: z.array(z.string()).default([]),
    call: callName.default('pb.OrderService/CreateOrderStream'),
    insecure: z.boolean().default(false),
    metadata: z.record(z.string(), z.string()).default({}),
    /** The request message; string values may hold templates such as {{requestId}}. */
    data: z.record(z.string(), z.unknown()).default({}),
    load: loadSchema.default({ streams: 10, connections: 1 }),
    stream: streamSchema.default({ interval: 0, window: 1 }),
    output: outputSchema.default({ formats: ['console', 'json'] }),
  })
  .superRefine((scenario, ctx) => {
    if (scenario.load.connections > scenario.load.streams) {
      ctx.addIssue({
        code: 'custom',
        path: ['load', 'connections'],
        message: `must be ≤ load.streams (${scenario.load.streams}), got ${scenario.load.connections}`,
      });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ParsedScenario = z.output<typeof scenarioSchema>;

/** A scenario after validation and defaults; frozen, never mutated. */
export interface Scenario extends Omit<ParsedScenario, 'load' | 'stream'> {
  /** Where relative paths (proto) resolve from: the scenario file's directory or the cwd. */
  baseDir: string;
  /** The scenario file, when there is one (for error messages). */
  sourceFile?: string;
  load: {
    streams: number;
    connections: number;
    workers: number;
    durationMs?: number;
    messages?: number;
  };
  stream: {
    messages?: number;
    durationMs?: number;
    intervalMs: number;
    window: number;
    correlateBy?: string;
  };
}

/** Applies the defaults that depend on the machine or on other fields. */
export function finishScenario(parsed: ParsedScenario, baseDir: string, sourceFile?: string): Scenario {
  const { load, stream } = parsed;
  const durationMs = load.duration ?? (load.messages === undefined ? 10_000 : undefined);
  const workers = Math.min(load.workers ?? availableParallelism(), load.connections, load.streams);
  return {
    ...parsed,
    baseDir,
    ...(sourceFile === undefined ? {} : { sourceFile }),
    load: {
      streams: load.streams,
      connections: load.connections,
      workers,
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(load.messages === undefined ? {} : { messages: load.messages }),
    },
    stream: {
      ...(stream.messages === undefined ? {} : { messages: stream.messages }),
      ...(stream.duration === undefined ? {} : { durationMs: stream.duration }),
      intervalMs: stream.interval,
      window: stream.window,
      ...(stream.correlateBy === undefined ? {} : { correlateBy: stream.correlateBy }),
    },
  };
}
