import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { BenchError } from '../errors/bench-error.js';
import { emptyCounters, type IntervalSnapshot } from '../types/worker-protocol.js';
import { formatIssues } from '../scenario/format-issues.js';
import { decodeHistogram } from '../stats/latency-histogram.js';
import { JOURNAL_VERSION, type JournalHeader } from './journal-header.js';

export interface ReadJournal {
  header: JournalHeader;
  snapshots: IntervalSnapshot[];
  /** The last line, when the run was killed while writing it (it is left out). */
  cutLine?: number;
}

const count = z.number().nonnegative();
const ms = z.number().nonnegative();

/** The header fields a report is built from; the rest is carried as written. */
const headerSchema = z.looseObject({
  journal: z.literal('grpc-bench'),
  journalVersion: z.literal(JOURNAL_VERSION, { error: `expected ${JOURNAL_VERSION} (a journal of another grpc-bench version)` }),
  target: z.string(),
  protoPath: z.string(),
  startedAt: z.iso.datetime({ error: 'expected an ISO 8601 time' }),
  snapshotIntervalMs: z.number().positive(),
  workerIds: z.array(z.number().int().nonnegative()),
  plan: z.looseObject({
    name: z.string(),
    call: z.string(),
    transport: z.enum(['grpc-js', 'http2']),
    maxReceiveMessageBytes: count,
    load: z.looseObject({ streams: count, connections: count, workers: count, warmupMs: ms }),
    stream: z.looseObject({ intervalMs: ms, window: count }),
    insecure: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    thresholds: z.array(z.looseObject({ metric: z.string(), condition: z.string() })),
  }),
});

const counterKeys = Object.keys(emptyCounters()) as Array<keyof ReturnType<typeof emptyCounters>>;

const snapshotSchema = z.looseObject({
  type: z.literal('interval'),
  workerId: z.number().int().nonnegative(),
  index: z.number().int().nonnegative(),
  durationMs: ms,
  endMs: ms,
  warmup: z.boolean(),
  counters: z.looseObject(Object.fromEntries(counterKeys.map((key) => [key, count])) as Record<(typeof counterKeys)[number], typeof count>),
  statusCodes: z.record(z.string(), count),
  histogram: z.string(),
  activeStreams: count,
  activeConnections: count,
  inFlight: count,
  heapUsedBytes: count,
  eventLoopUtilization: z.number(),
});

/** Whether the file's last byte is a line end (a journal line is written whole, with its end). */
function endsWithNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

function parseLine(text: string, shown: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BenchError('REPORT_INVALID', `${shown}: line ${line}: not a JSON line; expected a grpc-bench run journal`);
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown, shown: string, line: number, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new BenchError('REPORT_INVALID', `${shown}: line ${line} (${what}): ${formatIssues(result.error.issues.slice(0, 3), value)}`);
  return result.data;
}

/**
 * Reads a run journal line by line: what stays in memory is the parsed snapshots, not the file's text.
 * The last line may be cut short by a kill during its write: it is left out and reported in
 * `cutLine`. Anything else that is not a journal is a BenchError REPORT_INVALID naming the line.
 */
export async function readJournal(path: string, shown: string): Promise<ReadJournal> {
  const complete = endsWithNewline(path);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: JournalHeader | undefined;
  const snapshots: IntervalSnapshot[] = [];
  let pending: { text: string; line: number } | undefined;
  let line = 0;
  const take = ({ text, line: n }: { text: string; line: number }): void => {
    if (!header) {
      header = checked(headerSchema, parseLine(text, shown, n), shown, n, 'the header') as unknown as JournalHeader;
      return;
    }
    const snapshot = checked(snapshotSchema, parseLine(text, shown, n), shown, n, 'an interval') as unknown as IntervalSnapshot;
    for (const [where, encoded] of [['histogram', snapshot.histogram], ['uncorrectedHistogram', snapshot.uncorrectedHistogram]] as const) {
      if (encoded === undefined || encoded === '') continue;
      try {
        decodeHistogram(encoded);
      } catch {
        throw new BenchError('REPORT_INVALID', `${shown}: line ${n}: ${where}: not an HdrHistogram (compressed base64)`);
      }
    }
    snapshots.push(snapshot);
  };
  for await (const text of lines) {
    line += 1;
    // Held back by one line: only the last one may be cut short.
    if (pending) take(pending);
    pending = { text, line };
  }
  let cutLine: number | undefined;
  if (pending) {
    if (complete) take(pending);
    else cutLine = pending.line;
  }
  if (!header) {
    const problem = line === 0 ? 'is empty' : 'is cut short inside its header (line 1)';
    throw new BenchError('REPORT_INVALID', `${shown}: the journal ${problem}; nothing can be rebuilt from it`);
  }
  return { header, snapshots, ...(cutLine === undefined ? {} : { cutLine }) };
}
