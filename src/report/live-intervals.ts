import { createLatencyHistogram, decodeHistogram, encodeHistogram, type LatencyHistogram } from '../stats/latency-histogram.js';
import type { IntervalSnapshot } from '../types/worker-protocol.js';
import type { ReportInterval } from './report.js';
import { mergedFlowInterval } from './flow-interval.js';

/**
 * One interval of the run, every worker merged: what the live dashboard draws. It carries the
 * ReportInterval fields the report's time charts read, so the dashboard draws them with the
 * report's own chart builders.
 */
export interface LiveInterval extends Pick<ReportInterval, 'durationMs' | 'messagesSent' | 'messagesReceived' | 'messagesPerSec' | 'errors' | 'activeStreams' | 'activeConnections' | 'histogram' | 'heapUsedBytes' | 'flow'> {
  /** Interval number since the load started, from 0. */
  index: number;
  /** End of the interval, ms since the load started (the latest worker's end). `durationMs` is the longest worker's interval (the last one is usually shorter, so rates use it). */
  tMs: number;
  /** The interval ended within the warm-up (the report leaves it out). */
  warmup: boolean;
  /** Streams that ended in the interval, by gRPC status name, summed over the workers. */
  statusCodes: Record<string, number>;
  /** Workers whose snapshot of this interval is in (fewer than all only for a worker that ended early). */
  workers: number;
}

interface Pending {
  snapshots: IntervalSnapshot[];
  histogram: LatencyHistogram;
}

/** A worker this many intervals behind the latest snapshot has stopped (crashed, or its share ended). */
const STALE_INTERVALS = 3;

/**
 * Merges the workers' interval snapshots by interval number: an interval is complete once every
 * worker has sent it (their histograms added losslessly), then `add` returns it. One that a worker
 * never completes goes out incomplete once the others are STALE_INTERVALS ahead, and `flush`
 * returns the rest at the end of the run; so it holds only a few intervals, however long the run.
 */
export class LiveIntervalMerger {
  // Keyed by warm-up and number: the intervals restart at 0 when the warm-up ends.
  private readonly pending = new Map<string, Pending>();

  /** `intervalMs`: the planned interval length (the snapshot period). */
  constructor(
    private readonly workerCount: number,
    private readonly intervalMs: number,
  ) {}

  /** The intervals this snapshot completes or leaves behind, in time order (usually none or one). */
  add(snapshot: IntervalSnapshot): LiveInterval[] {
    const key = `${snapshot.warmup ? 'w' : 'm'}${snapshot.index}`;
    let entry = this.pending.get(key);
    if (!entry) this.pending.set(key, (entry = { snapshots: [], histogram: createLatencyHistogram() }));
    entry.snapshots.push(snapshot);
    const decoded = decodeHistogram(snapshot.histogram);
    entry.histogram.add(decoded);
    decoded.destroy();
    const staleBeforeMs = snapshot.endMs - STALE_INTERVALS * this.intervalMs;
    const out: LiveInterval[] = [];
    for (const [pendingKey, pending] of this.pending) {
      const complete = pending.snapshots.length >= this.workerCount;
      const stale = pending.snapshots.every((s) => s.endMs < staleBeforeMs);
      if (!complete && !stale) continue;
      this.pending.delete(pendingKey);
      out.push(mergeEntry(pending.snapshots[0]!.index, pending));
    }
    return out.sort((a, b) => a.tMs - b.tMs);
  }

  /** The incomplete intervals, in order; the merger is empty afterwards. */
  flush(): LiveInterval[] {
    const rest = [...this.pending.values()]
      .map((entry) => mergeEntry(entry.snapshots[0]!.index, entry))
      .sort((a, b) => a.tMs - b.tMs);
    this.pending.clear();
    return rest;
  }
}

function mergeEntry(index: number, { snapshots, histogram }: Pending): LiveInterval {
  let sent = 0;
  let received = 0;
  let errors = 0;
  let activeStreams = 0;
  let activeConnections = 0;
  let heapUsedBytes = 0;
  let durationMs = 0;
  let endMs = 0;
  const statusCodes: Record<string, number> = {};
  for (const s of snapshots) {
    sent += s.counters.messagesSent;
    received += s.counters.messagesReceived;
    errors += s.counters.errors;
    activeStreams += s.activeStreams;
    activeConnections += s.activeConnections;
    heapUsedBytes += s.heapUsedBytes;
    durationMs = Math.max(durationMs, s.durationMs);
    endMs = Math.max(endMs, s.endMs);
    for (const [name, n] of Object.entries(s.statusCodes)) statusCodes[name] = (statusCodes[name] ?? 0) + n;
  }
  const encoded = encodeHistogram(histogram);
  histogram.destroy();
  const flow = mergedFlowInterval(snapshots);
  return {
    index,
    tMs: endMs,
    durationMs,
    warmup: snapshots.every((s) => s.warmup),
    messagesSent: sent,
    messagesReceived: received,
    // Rounded as the report rounds it.
    messagesPerSec: durationMs > 0 ? Math.round((received * 100_000) / durationMs) / 100 : 0,
    histogram: encoded,
    errors,
    statusCodes,
    activeStreams,
    activeConnections,
    heapUsedBytes,
    workers: snapshots.length,
    ...(flow ? { flow } : {}),
  };
}
