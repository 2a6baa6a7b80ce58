import type { IntervalSnapshot } from '../types/worker-protocol.js';
import type { LoadStart } from '../run/run-scenario.js';
import type { Report } from '../report/report.js';
import { dirname } from 'node:path';
import { JsonLinesFile } from './json-lines-file.js';
import { ensureWritableDir } from '../reporters/ensure-writable-dir.js';
import { journalHeader } from './journal-header.js';

const WHAT = 'debug log (--debug, output.debugLog)';

/** Error lines kept per gRPC status: the first texts seen, as the report tallies them. */
export const DEBUG_ERRORS_PER_STATUS = 3;

/** The "STATUS: details" tally as error events: the first few texts of each status, in the order first seen. */
export function debugErrorEvents(errorDetails: Record<string, number>): Array<{ event: 'error'; status: string; details: string; count: number }> {
  const perStatus = new Map<string, number>();
  const events: Array<{ event: 'error'; status: string; details: string; count: number }> = [];
  for (const [key, count] of Object.entries(errorDetails)) {
    const colon = key.indexOf(': ');
    const status = colon < 0 ? key : key.slice(0, colon);
    const kept = perStatus.get(status) ?? 0;
    if (kept >= DEBUG_ERRORS_PER_STATUS) continue;
    perStatus.set(status, kept + 1);
    events.push({ event: 'error', status, details: colon < 0 ? '' : key.slice(colon + 2), count });
  }
  return events;
}

/**
 * The debug log (ghz's --debug, output.debugLog): one JSON object per line, each written
 * straight to the file so that a killed run keeps what it logged. Bounded whatever the rate:
 * a run-start line, per worker per interval one interval line (and, when connections opened or
 * closed in it, one connections line with the counts and a line for each of the first
 * MAX_CONNECTION_EVENTS with its address: the peer's on http2, the target on grpc-js), at the end at most DEBUG_ERRORS_PER_STATUS error lines
 * per status, then a run-end line. Secrets: metadata values redacted as in the journal; error
 * texts as the report keeps them (secret metadata values already taken out); never request data.
 */
export class DebugLog {
  private constructor(private readonly file: JsonLinesFile) {}

  /** `validate`'s check: the file's directory exists or could be made, and is writable; nothing is created. Throws OUTPUT_UNWRITABLE. */
  static check(path: string): void {
    ensureWritableDir(dirname(path), WHAT, false);
  }

  /** Creates (or empties) the file, and its directory as -o does: the check, before any load, that it can be written. Throws OUTPUT_UNWRITABLE. */
  static open(path: string, onError: (message: string) => void): DebugLog {
    ensureWritableDir(dirname(path), WHAT);
    return new DebugLog(JsonLinesFile.create(path, WHAT, onError));
  }

  runStart(start: LoadStart): void {
    const { plan, target, protoPath, snapshotIntervalMs, workerIds } = journalHeader(start);
    this.write({ event: 'run-start', target, protoPath, snapshotIntervalMs, workerIds, settings: plan });
  }

  interval(snapshot: IntervalSnapshot, target: string): void {
    const { workerId, index, endMs, durationMs, warmup, counters, statusCodes, activeStreams, activeConnections, inFlight } = snapshot;
    for (const { event, connection, address } of snapshot.connectionEvents ?? []) {
      this.write({ event: `connection-${event}`, workerId, connection, address: address ?? target, ...(address === undefined ? { addressFrom: 'target' } : {}) });
    }
    if (counters.connectionsOpened > 0 || counters.connectionsClosed > 0) {
      this.write({ event: 'connections', workerId, endMs, target, opened: counters.connectionsOpened, closed: counters.connectionsClosed, active: activeConnections });
    }
    this.write({ event: 'interval', workerId, index, endMs, durationMs, warmup, counters, statusCodes, activeStreams, activeConnections, inFlight });
  }

  runEnd(report: Report): void {
    for (const error of debugErrorEvents(report.errorDetails)) this.write(error);
    const { durationMs, partial, partialReason, counts, statusCodes, connections } = report;
    this.write({ event: 'run-end', durationMs, partial, ...(partialReason === undefined ? {} : { partialReason }), counts, statusCodes, connections });
  }

  close(): void {
    this.file.close();
  }

  private write(line: Record<string, unknown>): void {
    this.file.append({ time: new Date().toISOString(), ...line });
  }
}
