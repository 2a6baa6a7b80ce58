import { performance } from 'node:perf_hooks';
import type { MessageFactory } from '../scenario/compile-message-template.js';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, type LatencyHistogram } from '../stats/latency-histogram.js';
import {
  addCounters,
  emptyCounters,
  type IntervalSnapshot,
  type StreamSettings,
  type WorkerCounters,
  type WorkerResult,
  type WorkerShare,
} from '../pool/worker-protocol.js';
import { StreamDriver, type StreamOutcome, type StreamOwner } from './stream-driver.js';
import type { Connection, Transport } from './transport.js';

export interface ShareRunOptions {
  share: WorkerShare;
  stream: StreamSettings;
  transport: Transport;
  buildMessage: MessageFactory;
  snapshotIntervalMs: number;
  drainTimeoutMs: number;
  connectTimeoutMs: number;
  onSnapshot(snapshot: IntervalSnapshot): void;
}

/** Distinct "STATUS: details" texts kept per worker; the rest are folded into one line. */
const MAX_ERROR_DETAILS = 50;
/** A stream that failed before any response waits before re-opening: 10 ms, doubling, at most 1 s. */
const REOPEN_BACKOFF_MS = { first: 10, max: 1000 };

/**
 * One worker's share of the run: its connections and streams, the counters and the latency
 * histogram. Latencies go into the current interval's histogram, which is folded into the
 * total at each snapshot: every value is recorded once and intervals sum to the total exactly.
 */
export class ShareRun implements StreamOwner {
  private readonly connections: Connection[] = [];
  private readonly streams = new Set<StreamDriver>();
  private readonly total = createLatencyHistogram();
  private readonly interval: LatencyHistogram = createLatencyHistogram();
  private readonly counters = emptyCounters();
  private readonly reported = emptyCounters();
  private readonly statusCodes: Record<string, number> = {};
  private intervalStatusCodes: Record<string, number> = {};
  private readonly errorDetails: Record<string, number> = {};
  private budget: number;
  private sending = true;
  private stoppedEarly = false;
  private activeConnections = 0;
  private peakActiveConnections = 0;
  private peakActiveStreams = 0;
  private inFlightAtStop = 0;
  private failuresInARow = 0;
  /** Streams opened so far per slot; a slot is one of the share's concurrent streams. */
  private readonly generations: number[];
  private readonly slotOf = new Map<StreamDriver, number>();
  private snapshotIndex = 0;
  private loadStartedAtMs = 0;
  private lastSnapshotAtMs = performance.now();
  private snapshotTimer: NodeJS.Timeout | undefined;
  private sendWindowTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly reopenTimers = new Set<NodeJS.Timeout>();
  private finish: ((result: WorkerResult) => void) | undefined;

  constructor(private readonly options: ShareRunOptions) {
    this.budget = options.share.messageBudget ?? Infinity;
    this.generations = new Array<number>(options.share.streams).fill(0);
  }

  async run(): Promise<WorkerResult> {
    const { share, transport, connectTimeoutMs } = this.options;
    const done = new Promise<WorkerResult>((resolve) => (this.finish = resolve));
    for (let i = 0; i < share.connections; i++) {
      this.connections.push(transport.connect(i, { onReady: this.connectionReady, onLost: this.connectionLost }));
    }
    // Streams start once every connection is ready (or its connect attempt has failed):
    // a cold connect must not count as request latency. Failed ones still get streams, which
    // then fail and are counted by status.
    await Promise.allSettled(this.connections.map((c) => c.whenReady(connectTimeoutMs)));
    this.lastSnapshotAtMs = performance.now();
    this.loadStartedAtMs = this.lastSnapshotAtMs;
    this.snapshotTimer = setInterval(this.takeSnapshot, this.options.snapshotIntervalMs);
    if (share.durationMs !== undefined) this.sendWindowTimer = setTimeout(() => this.stopSending(), share.durationMs);
    for (let slot = 0; slot < share.streams && this.sending; slot++) this.openStream(slot);
    this.finishIfIdle();
    return done;
  }

  /** Stop sending (run deadline, or a `stop` from the main thread), drain, then cancel. */
  stopSending(early = false): void {
    if (early) this.stoppedEarly = true;
    if (!this.sending) return;
    this.sending = false;
    for (const timer of this.reopenTimers) clearTimeout(timer);
    this.reopenTimers.clear();
    for (const stream of this.streams) stream.stopSending();
    this.drainTimer = setTimeout(this.cancelRemaining, this.options.drainTimeoutMs);
    this.finishIfIdle();
  }

  takeSend(): boolean {
    if (!this.sending) return false;
    if (this.budget <= 0) {
      this.stopSending();
      return false;
    }
    this.budget--;
    return true;
  }

  countSent(): void {
    this.counters.messagesSent++;
  }

  recordResponse(latencyUs: number): void {
    this.counters.messagesReceived++;
    recordLatencyUs(this.interval, latencyUs);
  }

  countUnmatched(): void {
    this.countError('UNMATCHED_RESPONSE', 'a response matched no request in flight');
  }

  streamEnded(driver: StreamDriver, outcome: StreamOutcome): void {
    this.streams.delete(driver);
    const slot = this.slotOf.get(driver)!;
    this.slotOf.delete(driver);
    const { statusName, unanswered } = outcome;
    if (outcome.cancelledByUs) {
      this.counters.streamsCancelled++;
      this.inFlightAtStop += unanswered;
    } else {
      this.counters.messagesFailed += unanswered;
      this.statusCodes[statusName] = (this.statusCodes[statusName] ?? 0) + 1;
      this.intervalStatusCodes[statusName] = (this.intervalStatusCodes[statusName] ?? 0) + 1;
      if (statusName === 'OK') {
        this.counters.streamsCompleted++;
        if (unanswered > 0) this.countError('UNANSWERED', `stream ended OK with ${unanswered} request(s) unanswered`);
      } else {
        this.counters.streamsFailed++;
        this.countError(statusName, outcome.details);
      }
    }
    this.failuresInARow = statusName === 'OK' || outcome.received > 0 ? 0 : this.failuresInARow + 1;
    if (this.sending) this.reopen(slot);
    this.finishIfIdle();
  }

  private reopen(slot: number): void {
    if (this.failuresInARow === 0) {
      this.openStream(slot);
      return;
    }
    const waitMs = Math.min(REOPEN_BACKOFF_MS.first * 2 ** (this.failuresInARow - 1), REOPEN_BACKOFF_MS.max);
    const timer = setTimeout(() => {
      this.reopenTimers.delete(timer);
      if (this.sending) this.openStream(slot);
      this.finishIfIdle();
    }, waitMs);
    this.reopenTimers.add(timer);
  }

  /** Stream ids are unique in the run: slot ids first, then one stride further per re-open. */
  private openStream(slot: number): void {
    const { share, stream, buildMessage } = this.options;
    const streamId = share.firstStreamId + slot + this.generations[slot]! * share.streamIdStride;
    this.generations[slot]!++;
    this.counters.streamsOpened++;
    const connection = this.connections[slot % this.connections.length]!;
    const driver = new StreamDriver(connection, streamId, share.workerId, stream, buildMessage, this);
    this.streams.add(driver);
    this.slotOf.set(driver, slot);
    this.peakActiveStreams = Math.max(this.peakActiveStreams, this.streams.size);
  }

  private countError(statusName: string, details: string): void {
    this.counters.errors++;
    const key = `${statusName}: ${details || '(no details)'}`;
    if (key in this.errorDetails || Object.keys(this.errorDetails).length < MAX_ERROR_DETAILS) {
      this.errorDetails[key] = (this.errorDetails[key] ?? 0) + 1;
    } else {
      const other = `${statusName}: (other details)`;
      this.errorDetails[other] = (this.errorDetails[other] ?? 0) + 1;
    }
  }

  private readonly connectionReady = (): void => {
    this.counters.connectionsOpened++;
    this.activeConnections++;
    this.peakActiveConnections = Math.max(this.peakActiveConnections, this.activeConnections);
  };

  private readonly connectionLost = (): void => {
    this.counters.connectionsClosed++;
    this.activeConnections--;
  };

  private readonly cancelRemaining = (): void => {
    this.drainTimer = undefined;
    for (const stream of this.streams) stream.cancel();
  };

  private readonly takeSnapshot = (): void => {
    const now = performance.now();
    const delta = emptyCounters();
    addCounters(delta, this.counters);
    for (const key of Object.keys(delta) as (keyof WorkerCounters)[]) delta[key] -= this.reported[key];
    addCounters(this.reported, delta);
    let inFlight = 0;
    for (const stream of this.streams) inFlight += stream.inFlight;
    this.total.add(this.interval);
    const snapshot: IntervalSnapshot = {
      type: 'interval',
      workerId: this.options.share.workerId,
      index: this.snapshotIndex++,
      durationMs: now - this.lastSnapshotAtMs,
      counters: delta,
      statusCodes: this.intervalStatusCodes,
      histogram: encodeHistogram(this.interval),
      activeStreams: this.streams.size,
      activeConnections: this.activeConnections,
      inFlight,
    };
    this.interval.reset();
    this.intervalStatusCodes = {};
    this.lastSnapshotAtMs = now;
    this.options.onSnapshot(snapshot);
  };

  private finishIfIdle(): void {
    if (!this.finish || this.streams.size > 0 || this.reopenTimers.size > 0) return;
    if (this.sending && this.budget > 0) return;
    this.sending = false;
    clearInterval(this.snapshotTimer);
    clearTimeout(this.sendWindowTimer);
    clearTimeout(this.drainTimer);
    for (const connection of this.connections) connection.close();
    this.takeSnapshot();
    const finish = this.finish;
    this.finish = undefined;
    finish({
      workerId: this.options.share.workerId,
      counters: { ...this.counters },
      statusCodes: { ...this.statusCodes },
      errorDetails: { ...this.errorDetails },
      histogram: encodeHistogram(this.total),
      inFlightAtStop: this.inFlightAtStop,
      peakActiveConnections: this.peakActiveConnections,
      peakActiveStreams: this.peakActiveStreams,
      elapsedMs: performance.now() - this.loadStartedAtMs,
      snapshotCount: this.snapshotIndex,
      stoppedEarly: this.stoppedEarly,
    });
  }
}
