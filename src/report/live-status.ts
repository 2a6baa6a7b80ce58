import type { IntervalSnapshot } from '../types/worker-protocol.js';
import { createLatencyHistogram, decodeHistogram } from '../stats/latency-histogram.js';
import { summarizeLatency, type LatencySummaryMs } from '../stats/summarize-latency.js';
import { LiveFlowTracker, type LiveFlowStatus } from './live-flow-status.js';

/** The running totals a progress display shows; updated from every worker snapshot. */
export interface LiveStatus {
  elapsedMs: number;
  messagesSent: number;
  messagesReceived: number;
  errors: number;
  streamsFailed: number;
  activeStreams: number;
  activeConnections: number;
  /** Over the last completed interval of each worker, summed. */
  messagesPerSec: number;
  /** P99 latency of the last interval (the busiest worker's), ms. */
  p99Ms: number;
  /**
   * Every response since the warm-up ended, all workers merged (what the report will summarise).
   * Computed when first read: summarising walks the whole histogram, and on a loaded core that
   * walk once a second is CPU taken from the workers; only live latency thresholds need it.
   */
  readonly latencyMs: LatencySummaryMs;
  /** With a flow: its running totals since the start (see LiveFlowStatus); absent before its first snapshot. */
  flow?: LiveFlowStatus;
}

export class LiveStatusTracker {
  private readonly startedAtMs = Date.now();
  private sent = 0;
  private received = 0;
  private errors = 0;
  private streamsFailed = 0;
  private readonly latency = createLatencyHistogram();
  private readonly activeByWorker = new Map<number, number>();
  private readonly connectionsByWorker = new Map<number, number>();
  private readonly rateByWorker = new Map<number, number>();
  private readonly p99ByWorker = new Map<number, number>();
  private flow: LiveFlowTracker | undefined;

  add(snapshot: IntervalSnapshot): LiveStatus {
    this.sent += snapshot.counters.messagesSent;
    this.received += snapshot.counters.messagesReceived;
    this.errors += snapshot.counters.errors;
    this.streamsFailed += snapshot.counters.streamsFailed;
    this.activeByWorker.set(snapshot.workerId, snapshot.activeStreams);
    this.connectionsByWorker.set(snapshot.workerId, snapshot.activeConnections);
    const histogram = decodeHistogram(snapshot.histogram);
    if (!snapshot.warmup) this.latency.add(histogram);
    if (histogram.totalCount > 0) this.p99ByWorker.set(snapshot.workerId, histogram.getValueAtPercentile(99) / 1000);
    if (snapshot.flow) (this.flow ??= new LiveFlowTracker()).add(snapshot.workerId, snapshot.flow);
    if (snapshot.durationMs > 0) this.rateByWorker.set(snapshot.workerId, (snapshot.counters.messagesReceived * 1000) / snapshot.durationMs);
    return this.current();
  }

  current(): LiveStatus {
    let activeStreams = 0;
    for (const active of this.activeByWorker.values()) activeStreams += active;
    let messagesPerSec = 0;
    for (const rate of this.rateByWorker.values()) messagesPerSec += rate;
    let activeConnections = 0;
    for (const active of this.connectionsByWorker.values()) activeConnections += active;
    const latency = this.latency;
    let latencySummary: LatencySummaryMs | undefined;
    return {
      elapsedMs: Date.now() - this.startedAtMs,
      messagesSent: this.sent,
      messagesReceived: this.received,
      errors: this.errors,
      streamsFailed: this.streamsFailed,
      activeStreams,
      activeConnections,
      messagesPerSec,
      p99Ms: Math.max(0, ...this.p99ByWorker.values()),
      get latencyMs(): LatencySummaryMs {
        return (latencySummary ??= summarizeLatency(latency));
      },
      ...(this.flow ? { flow: this.flow.current() } : {}),
    };
  }
}
