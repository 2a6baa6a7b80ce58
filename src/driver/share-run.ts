import { performance } from 'node:perf_hooks';
import { scheduleDurationMs, valueAt, type Schedule } from '../plan/load-schedule.js';
import { splitEvenly } from '../plan/split-evenly.js';
import type { MessageFactory } from '../scenario/compile-message-template.js';
import { createLatencyHistogram, disposeHistograms, encodeHistogram, recordLatencyUs, type LatencyHistogram } from '../stats/latency-histogram.js';
import {
  addCounters,
  emptyCounters,
  type IntervalSnapshot,
  type LabelledLatencies,
  type SplitSettings,
  type StreamSettings,
  type WorkerCounters,
  type WorkerResult,
  type WorkerShare,
} from '../pool/worker-protocol.js';
import { GeneratorMonitor } from './generator-monitor.js';
import { ScheduleBacklog } from './schedule-backlog.js';
import type { SendTimes } from './pending-requests.js';
import { StreamDriver, type StreamOutcome, type StreamOwner } from './stream-driver.js';
import { REFUSED_STREAM_DETAILS } from './refused-stream.js';
import type { Connection, Transport } from './transport.js';

export interface ShareRunOptions {
  share: WorkerShare;
  split?: SplitSettings;
  stream: StreamSettings;
  transport: Transport;
  buildMessage: MessageFactory;
  snapshotIntervalMs: number;
  drainTimeoutMs: number;
  connectTimeoutMs: number;
  /** Applied to every error detail before it is counted (secret metadata values out). */
  redactDetails?: (details: string) => string;
  onSnapshot(snapshot: IntervalSnapshot): void;
}

/** Distinct "STATUS: details" texts kept per worker; the rest are folded into one line. */
const MAX_ERROR_DETAILS = 50;
/** A stream that failed before any response waits before re-opening: 10 ms, doubling, at most 1 s. */
const REOPEN_BACKOFF_MS = { first: 10, max: 1000 };
/** How often the active-stream schedule is re-read, ms. */
const STREAM_SCHEDULE_TICK_MS = 100;
/**
 * Open model: requests due by the deadline may still go out this long after it, ms. The tick
 * that sends the last of them can fire a timer period (1 ms or more) late; beyond this, sending
 * has stopped however far behind the generator is.
 */
const SEND_GRACE_MS = 5;

/**
 * One worker's share of the run: its connections and streams, the counters and the latency
 * histograms. Latencies go into the current interval's histogram, which is folded into the
 * total at each snapshot: every value is recorded once and intervals sum to the total exactly.
 *
 * Closed model: each stream sends when its window frees. Open model: requests are due on the
 * share's rate schedule; one that finds no stream with room waits in a backlog (counted as
 * deferred) and its latency still counts from when it was due. The backlog is a range of
 * schedule positions, not a list, so memory and the work per tick stay the same whatever the
 * rate; sending stops at the run's duration, and whatever is still waiting is unsent.
 */
export class ShareRun implements StreamOwner {
  /** Every histogram this share records into, freed when it finishes. */
  private readonly owned: LatencyHistogram[] = [];

  private recordingHistogram(): LatencyHistogram {
    const histogram = createLatencyHistogram({ recording: true });
    this.owned.push(histogram);
    return histogram;
  }

  private readonly connections: Connection[] = [];
  private readonly streams = new Set<StreamDriver>();
  private readonly slotOf = new Map<StreamDriver, number>();
  /**
   * Closed model with a message budget and a per-stream count: each stream reserves its
   * messages when it opens, so N streams × M messages come out exactly, however fast each is.
   */
  private readonly allowance = new Map<StreamDriver, number>();
  /** Streams opened so far per slot; a slot is one of the share's concurrent streams. */
  private readonly generations: number[];
  private readonly slotOpen: boolean[];
  /** Streams open now per connection, and the most at once on any one. */
  private readonly openPerConnection: number[];
  private peakStreamsPerConnection = 0;
  private refusedStreams = 0;
  private activeSlotTarget: number;
  private readonly total = this.recordingHistogram();
  private readonly interval: LatencyHistogram = this.recordingHistogram();
  private readonly totalUncorrected: LatencyHistogram | undefined;
  private readonly intervalUncorrected: LatencyHistogram | undefined;
  private readonly sendLag = this.recordingHistogram();
  /** Open model: how late requests went out although a stream had room (µs). */
  private readonly scheduleLag = this.recordingHistogram();
  private readonly streamFirstResponse = this.recordingHistogram();
  private readonly streamDuration = this.recordingHistogram();
  private readonly messagesPerStream = this.recordingHistogram();
  private readonly counters = emptyCounters();
  private readonly reported = emptyCounters();
  private readonly statusCodes: Record<string, number> = {};
  private intervalStatusCodes: Record<string, number> = {};
  private readonly errorDetails: Record<string, number> = {};
  private monitor: GeneratorMonitor | undefined;
  private budget: number;
  private sending = true;
  private stoppedEarly = false;
  private activeConnections = 0;
  private peakActiveConnections = 0;
  private peakActiveStreams = 0;
  private inFlightAtStop = 0;
  private failuresInARow = 0;
  private snapshotIndex = 0;
  private loadStartedAtMs = 0;
  private sendingEndedAtMs = 0;
  measureFromMs = Infinity;
  private lastSnapshotAtMs = 0;
  // Open model state.
  private readonly rateSchedule: Schedule | undefined;
  private readonly backlog: ScheduleBacklog | undefined;
  /** Open model: sending stops this long after the load started, ms. */
  private readonly deadlineMs: number;
  private readonly ready = new Set<StreamDriver>();
  private scheduleTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Split runs: latencies per label, for the interval and in total. */
  private readonly labelled = new Map<string, { interval: LatencyHistogram; total: LatencyHistogram; received: number; intervalReceived: number }>();
  private finish: ((result: WorkerResult) => void) | undefined;

  constructor(private readonly options: ShareRunOptions) {
    const { share } = options;
    this.budget = share.messageBudget ?? Infinity;
    this.generations = new Array<number>(share.streams).fill(0);
    this.slotOpen = new Array<boolean>(share.streams).fill(false);
    this.openPerConnection = new Array<number>(share.connections).fill(0);
    this.activeSlotTarget = share.streams;
    this.rateSchedule = share.rateSchedule;
    this.deadlineMs = share.durationMs ?? (this.rateSchedule ? scheduleDurationMs(this.rateSchedule) : Infinity);
    if (this.rateSchedule) {
      this.backlog = new ScheduleBacklog(this.rateSchedule, share.messageBudget, share.warmupMs);
      this.totalUncorrected = this.recordingHistogram();
      this.intervalUncorrected = this.recordingHistogram();
    }
  }

  /** Settles when the share has finished, also when it is stopped while still connecting. */
  run(): Promise<WorkerResult> {
    return new Promise<WorkerResult>((resolve, reject) => {
      this.finish = resolve;
      this.start().catch(reject);
    });
  }

  private async start(): Promise<void> {
    const { share, transport, connectTimeoutMs } = this.options;
    for (let i = 0; i < share.connections; i++) {
      this.connections.push(transport.connect(i, { onReady: this.connectionReady, onLost: this.connectionLost }));
    }
    // Streams start once every connection is ready (or its connect attempt has failed): a cold
    // connect must not count as request latency. Failed ones still get streams, which then
    // fail and are counted by status.
    await Promise.allSettled(this.connections.map((c) => c.whenReady(connectTimeoutMs)));
    // Stopped while connecting: the share has already finished, with nothing measured.
    if (!this.finish) return;
    // Start-up (module loading, connecting) is not the generator's load: watch from here on.
    this.monitor = new GeneratorMonitor(share.workerId);
    this.loadStartedAtMs = performance.now();
    this.lastSnapshotAtMs = this.loadStartedAtMs;
    this.measureFromMs = this.loadStartedAtMs + share.warmupMs;
    this.every(this.options.snapshotIntervalMs, this.takeSnapshot);
    if (share.warmupMs > 0) this.after(share.warmupMs, this.endWarmup);
    // The open model stops at its deadline from its own timer (see sendDue).
    if (share.durationMs !== undefined && !this.rateSchedule) this.after(share.durationMs, () => this.stopSending());
    if (this.options.stream.timeoutMs !== undefined) {
      this.every(Math.max(Math.min(this.options.stream.timeoutMs / 4, 250), 5), this.expireOverdue);
    }
    if (share.streamSchedule) {
      this.activeSlotTarget = this.slotTargetAt(0);
      this.every(STREAM_SCHEDULE_TICK_MS, this.followStreamSchedule);
    }
    // Never more streams than messages left to send: an empty stream would count as completed.
    for (let slot = 0; slot < this.activeSlotTarget && this.sending && this.budget > 0; slot++) if (this.slotAllowed(slot)) this.openStream(slot);
    if (this.rateSchedule) this.sendDue();
    this.finishIfIdle();
  }

  /** Stop sending (run deadline, or a `stop` from the main thread), drain, then cancel. */
  stopSending(early = false): void {
    if (early) this.stoppedEarly = true;
    if (!this.sending) return;
    this.sending = false;
    this.sendingEndedAtMs = performance.now();
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
    this.scheduleTimer = undefined;
    // Open model: what fell due since the last tick joins the backlog; the backlog is what stays unsent.
    // Nothing falls due before the load starts (a share stopped while connecting).
    if (this.backlog && this.loadStartedAtMs > 0) {
      const dueBefore = this.backlog.due;
      this.backlog.advance(Math.min(this.sendingEndedAtMs - this.loadStartedAtMs, this.deadlineMs));
      this.countDeferred(dueBefore);
    }
    for (const stream of this.streams) stream.stopSending();
    this.after(this.options.drainTimeoutMs, this.cancelRemaining);
    this.finishIfIdle();
  }

  takeSend(driver?: StreamDriver): boolean {
    if (!this.sending) return false;
    const reserved = driver === undefined ? undefined : this.allowance.get(driver);
    if (reserved !== undefined) {
      if (reserved <= 0) return false;
      this.allowance.set(driver!, reserved - 1);
      return true;
    }
    if (this.budget <= 0) {
      this.stopSending();
      return false;
    }
    this.budget--;
    return true;
  }

  countSent(sentAtMs: number): void {
    if (sentAtMs >= this.measureFromMs) this.counters.messagesSent++;
  }

  recordResponse(times: SendTimes, receivedAtMs: number, label: string | undefined): void {
    if (times.sentAtMs < this.measureFromMs) return;
    this.counters.messagesReceived++;
    const latencyUs = (receivedAtMs - times.intendedAtMs) * 1000;
    recordLatencyUs(this.interval, latencyUs);
    if (label !== undefined) this.recordLabelled(label, latencyUs);
    if (this.intervalUncorrected) recordLatencyUs(this.intervalUncorrected, (receivedAtMs - times.sentAtMs) * 1000);
  }

  private recordLabelled(label: string, latencyUs: number): void {
    let entry = this.labelled.get(label);
    if (!entry) {
      entry = { interval: this.recordingHistogram(), total: this.recordingHistogram(), received: 0, intervalReceived: 0 };
      this.labelled.set(label, entry);
    }
    entry.received++;
    entry.intervalReceived++;
    recordLatencyUs(entry.interval, latencyUs);
  }

  /** Folds each label's interval into its total; returns the interval's figures. */
  private takeLabelledInterval(): LabelledLatencies | undefined {
    if (!this.options.split) return undefined;
    const labels: LabelledLatencies = {};
    for (const [label, entry] of this.labelled) {
      if (entry.intervalReceived === 0) continue;
      labels[label] = { messagesReceived: entry.intervalReceived, histogram: encodeHistogram(entry.interval) };
      entry.total.add(entry.interval);
      entry.interval.reset();
      entry.intervalReceived = 0;
    }
    return labels;
  }

  private labelledTotals(): LabelledLatencies | undefined {
    if (!this.options.split) return undefined;
    const labels: LabelledLatencies = {};
    for (const [label, entry] of this.labelled) labels[label] = { messagesReceived: entry.received, histogram: encodeHistogram(entry.total) };
    return labels;
  }

  /** Slots spread evenly over the run carry the routing metadata: slot s is routed when ⌊(s+1)·share⌋ > ⌊s·share⌋. */
  private routedMetadata(slot: number): Record<string, string> | undefined {
    const split = this.options.split;
    if (!split || split.routedShare <= 0) return undefined;
    const globalSlot = this.options.share.firstStreamId + slot;
    const routed = Math.floor((globalSlot + 1) * split.routedShare) > Math.floor(globalSlot * split.routedShare);
    return routed ? split.routedMetadata : undefined;
  }

  countUnmatched(): void {
    if (performance.now() < this.measureFromMs) return;
    this.countError('UNMATCHED_RESPONSE', 'a response matched no request in flight');
  }

  streamHasRoom(driver: StreamDriver): void {
    if (!this.sending) return;
    if (this.backlog && this.backlog.waiting > 0) this.sendFromBacklog(driver);
    if (driver.hasRoom()) this.ready.add(driver);
  }

  streamEnded(driver: StreamDriver, outcome: StreamOutcome): void {
    this.streams.delete(driver);
    this.ready.delete(driver);
    this.budget += this.allowance.get(driver) ?? 0;
    this.allowance.delete(driver);
    const slot = this.slotOf.get(driver)!;
    this.slotOf.delete(driver);
    this.slotOpen[slot] = false;
    this.openPerConnection[slot % this.connections.length]!--;
    const { statusName, unanswered } = outcome;
    if (driver.measured) this.countStreamEnd(outcome);
    else if (unanswered > 0) this.counters.messagesFailed += unanswered; // sent after warm-up on a warm-up stream
    this.failuresInARow = statusName === 'OK' || outcome.received > 0 ? 0 : this.failuresInARow + 1;
    // With the message budget spent there is nothing left to send: no new stream.
    if (this.sending && this.budget > 0 && slot < this.activeSlotTarget) this.reopen(slot);
    this.finishIfIdle();
  }

  private countStreamEnd(outcome: StreamOutcome): void {
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
        if (outcome.details === REFUSED_STREAM_DETAILS) this.refusedStreams++;
        this.countError(statusName, outcome.details);
      }
    }
    if (outcome.firstResponseMs !== undefined) recordLatencyUs(this.streamFirstResponse, outcome.firstResponseMs * 1000);
    recordLatencyUs(this.streamDuration, (outcome.endedAtMs - outcome.openedAtMs) * 1000);
    this.messagesPerStream.recordValue(Math.max(outcome.received, 0));
  }

  private reopen(slot: number): void {
    if (this.failuresInARow === 0) {
      this.openStream(slot);
      return;
    }
    const waitMs = Math.min(REOPEN_BACKOFF_MS.first * 2 ** (this.failuresInARow - 1), REOPEN_BACKOFF_MS.max);
    this.after(waitMs, () => {
      if (this.sending && !this.slotOpen[slot] && slot < this.activeSlotTarget) this.openStream(slot);
      this.finishIfIdle();
    });
  }

  /**
   * Slot s runs on connection s mod C as that connection's (⌊s/C⌋+1)-th stream: within the
   * server's concurrent-stream limit, or held back for the whole run.
   */
  private slotAllowed(slot: number): boolean {
    const limit = this.options.share.maxStreamsPerConnection;
    return limit === undefined || Math.floor(slot / this.connections.length) < limit;
  }

  /** Stream ids are unique in the run: slot ids first, then one stride further per re-open. */
  private openStream(slot: number): void {
    const { share, stream, buildMessage } = this.options;
    const streamId = share.firstStreamId + slot + this.generations[slot]! * share.streamIdStride;
    this.generations[slot]!++;
    const connection = this.connections[slot % this.connections.length]!;
    const selfPaced = this.rateSchedule === undefined;
    const driver = new StreamDriver(connection, streamId, share.workerId, stream, buildMessage, this, selfPaced, this.routedMetadata(slot));
    if (performance.now() >= this.measureFromMs) {
      driver.measured = true;
      this.counters.streamsOpened++;
    }
    if (selfPaced && stream.messages !== undefined && Number.isFinite(this.budget)) {
      const reserved = Math.min(stream.messages, this.budget);
      this.budget -= reserved;
      this.allowance.set(driver, reserved);
    }
    this.streams.add(driver);
    this.slotOf.set(driver, slot);
    this.slotOpen[slot] = true;
    const onConnection = ++this.openPerConnection[slot % this.connections.length]!;
    this.peakStreamsPerConnection = Math.max(this.peakStreamsPerConnection, onConnection);
    this.peakActiveStreams = Math.max(this.peakActiveStreams, this.streams.size);
    if (selfPaced) driver.start();
    else this.streamHasRoom(driver);
  }

  /**
   * Open model, on its timer: sends what has fallen due while a stream has room, then sleeps
   * until the next request is due or the deadline. What finds no room stays in the backlog; a
   * tick costs the same however many requests are waiting.
   */
  private readonly sendDue = (): void => {
    this.scheduleTimer = undefined;
    const backlog = this.backlog;
    if (!this.sending || !backlog) return;
    const elapsedMs = performance.now() - this.loadStartedAtMs;
    const dueBefore = backlog.due;
    backlog.advance(Math.min(elapsedMs, this.deadlineMs));
    const inTime = this.sendWaiting(dueBefore);
    this.countDeferred(dueBefore);
    const overMs = elapsedMs - this.deadlineMs;
    if (!inTime || backlog.finished || (overMs >= 0 && (backlog.waiting === 0 || overMs >= SEND_GRACE_MS))) {
      this.stopSending();
      return;
    }
    if (overMs >= 0) {
      // Nothing more falls due; what waits for a stream with room may still go out in the grace.
      this.scheduleTimer = setTimeout(() => this.stopSending(), SEND_GRACE_MS - overMs);
      return;
    }
    const nextMs = Math.min(backlog.nextDueMs(), this.deadlineMs);
    if (Number.isFinite(nextMs)) this.scheduleTimer = setTimeout(this.sendDue, Math.max(nextMs - elapsedMs, 0));
  };

  /**
   * Open model: requests that fell due after `dueBefore` (where the backlog ended before the
   * last advance) and have not gone out join the backlog: each is counted deferred once.
   */
  private countDeferred(dueBefore: number): void {
    const backlog = this.backlog!;
    this.counters.sendsDeferred += backlog.measuredBetween(Math.max(backlog.sent, dueBefore), backlog.due);
  }

  /** Sends waiting requests in schedule order while ready streams have room; false once past the deadline and its grace. */
  private sendWaiting(dueBefore: number): boolean {
    const backlog = this.backlog!;
    for (const driver of this.ready) {
      while (backlog.waiting > 0 && driver.hasRoom()) if (!this.sendNext(driver, dueBefore)) return false;
      if (!driver.hasRoom()) this.ready.delete(driver);
      if (backlog.waiting === 0) break;
    }
    return true;
  }

  private sendFromBacklog(driver: StreamDriver): void {
    const backlog = this.backlog!;
    while (backlog.waiting > 0 && driver.hasRoom()) {
      if (!this.sendNext(driver, backlog.due)) {
        this.stopSending();
        return;
      }
    }
    if (backlog.finished) this.stopSending();
  }

  /**
   * Sends the next request of the schedule (those before `dueBefore` come from the backlog);
   * false, sending nothing, once the deadline and its grace have passed.
   */
  private sendNext(driver: StreamDriver, dueBefore: number): boolean {
    const backlog = this.backlog!;
    const now = performance.now();
    if (now - this.loadStartedAtMs >= this.deadlineMs + SEND_GRACE_MS) return false;
    const fromBacklog = backlog.sent < dueBefore;
    const intendedAtMs = this.loadStartedAtMs + backlog.take();
    const lateUs = (now - intendedAtMs) * 1000;
    // Newly due with a stream that had room: any lateness is the generator's own (timer, message building).
    if (!fromBacklog) recordLatencyUs(this.scheduleLag, lateUs);
    else if (intendedAtMs >= this.measureFromMs) recordLatencyUs(this.sendLag, lateUs);
    this.budget--;
    driver.sendScheduled(intendedAtMs);
    return true;
  }

  private readonly endWarmup = (): void => {
    for (const driver of this.streams) {
      if (driver.measured) continue;
      driver.measured = true;
      this.counters.streamsOpened++;
    }
  };

  private readonly expireOverdue = (): void => {
    const timeoutMs = this.options.stream.timeoutMs!;
    const overdueBefore = performance.now() - timeoutMs;
    for (const driver of this.streams) if (driver.oldestSentAtMs <= overdueBefore) driver.expire(timeoutMs);
  };

  private slotTargetAt(elapsedMs: number): number {
    const { share } = this.options;
    const total = Math.round(valueAt(share.streamSchedule!, elapsedMs));
    return Math.min(splitEvenly(total, share.workerCount)[share.workerId]!, share.streams);
  }

  /** Opens or half-closes streams to follow the active-stream schedule. */
  private readonly followStreamSchedule = (): void => {
    if (!this.sending) return;
    const target = this.slotTargetAt(performance.now() - this.loadStartedAtMs);
    this.activeSlotTarget = target;
    for (let slot = 0; slot < target; slot++) if (!this.slotOpen[slot] && this.slotAllowed(slot)) this.openStream(slot);
    for (const driver of this.streams) if (this.slotOf.get(driver)! >= target) driver.stopSending();
  };

  private countError(statusName: string, rawDetails: string): void {
    this.counters.errors++;
    const details = this.options.redactDetails ? this.options.redactDetails(rawDetails) : rawDetails;
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
    for (const stream of this.streams) stream.cancel();
  };

  private after(ms: number, callback: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, ms);
    this.timers.add(timer);
  }

  private every(ms: number, callback: () => void): void {
    this.timers.add(setInterval(callback, ms));
  }

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
      warmup: now < this.measureFromMs,
      counters: delta,
      statusCodes: this.intervalStatusCodes,
      histogram: encodeHistogram(this.interval),
      activeStreams: this.streams.size,
      activeConnections: this.activeConnections,
      inFlight,
      heapUsedBytes: process.memoryUsage().heapUsed,
      ...(this.options.split ? { labels: this.takeLabelledInterval()! } : {}),
      eventLoopUtilization: this.monitor?.intervalUtilization() ?? 0,
    };
    if (this.intervalUncorrected && this.totalUncorrected) {
      this.totalUncorrected.add(this.intervalUncorrected);
      snapshot.uncorrectedHistogram = encodeHistogram(this.intervalUncorrected);
      this.intervalUncorrected.reset();
    }
    this.interval.reset();
    this.intervalStatusCodes = {};
    this.lastSnapshotAtMs = now;
    this.options.onSnapshot(snapshot);
  };

  /** 0 when the load never started (the share was stopped while connecting). */
  private sinceLoadStartMs(atMs: number): number {
    return this.loadStartedAtMs === 0 ? 0 : atMs - this.loadStartedAtMs;
  }

  private heldBackStreams(): number {
    let held = 0;
    for (let slot = 0; slot < this.options.share.streams; slot++) if (!this.slotAllowed(slot)) held++;
    return held;
  }

  private finishIfIdle(): void {
    if (!this.finish || this.streams.size > 0) return;
    if (this.sending && this.budget > 0) {
      // Between stream generations (a back-off) or with every slot scheduled off: keep going.
      return;
    }
    if (this.sending) this.sendingEndedAtMs = performance.now();
    this.sending = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
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
      ...(this.totalUncorrected ? { uncorrectedHistogram: encodeHistogram(this.totalUncorrected) } : {}),
      sendLagHistogram: encodeHistogram(this.sendLag),
      ...(this.options.split ? { labels: this.labelledTotals()! } : {}),
      unsentAtStop: this.backlog?.waiting ?? 0,
      ...(this.backlog ? { messagesScheduled: this.backlog.measuredBetween(0, this.backlog.due) } : {}),
      streamFirstResponseHistogram: encodeHistogram(this.streamFirstResponse),
      streamDurationHistogram: encodeHistogram(this.streamDuration),
      messagesPerStreamHistogram: encodeHistogram(this.messagesPerStream),
      generator: {
        ...(this.monitor ?? new GeneratorMonitor(this.options.share.workerId)).finish(),
        scheduleLagP99Ms: this.scheduleLag.totalCount ? Math.round(this.scheduleLag.getValueAtPercentile(99)) / 1000 : 0,
      },
      inFlightAtStop: this.inFlightAtStop,
      peakActiveConnections: this.peakActiveConnections,
      peakActiveStreams: this.peakActiveStreams,
      concurrency: { heldBackStreams: this.heldBackStreams(), peakStreamsPerConnection: this.peakStreamsPerConnection, refusedStreams: this.refusedStreams },
      elapsedMs: this.sinceLoadStartMs(performance.now()),
      sendingMs: this.sinceLoadStartMs(this.sendingEndedAtMs),
      snapshotCount: this.snapshotIndex,
      stoppedEarly: this.stoppedEarly,
    });
    disposeHistograms(this.owned);
  }
}
