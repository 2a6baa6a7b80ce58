// Over 300 lines (346): the conductor wires connections, slots, budget, pacer and recorder; connection counting is the next piece to split out.
import { performance } from 'node:perf_hooks';
import { valueAt } from '../schedule/load-schedule.js';
import { splitEvenly } from '../schedule/split-evenly.js';
import type { MessageFactory, MetadataFactory } from '../scenario/compile-message-template.js';
import type { CallKind } from '../types/call-kind.js';
import { MAX_CONNECTION_EVENTS, type ConnectionEvent, type IntervalSnapshot, type SplitSettings, type StreamSettings, type WorkerCounters, type WorkerResult, type WorkerShare } from '../types/worker-protocol.js';
import { GeneratorMonitor, generatorCountingFromMs } from './generator-monitor.js';
import { OpenModelPacer } from './open-model-pacer.js';
import type { SendTimes } from './pending-requests.js';
import { routedMetadata } from './routed-metadata.js';
import { SendBudget } from './send-budget.js';
import { ShareRecorder } from './share-recorder.js';
import { StreamDriver, type DrivenStream, type StreamOutcome, type StreamOwner } from './stream-driver.js';
import { FlowRecorder } from './flow-recorder.js';
import type { FlowProgram } from './flow-program.js';
import { FlowStreamDriver } from './flow-stream-driver.js';
import { StreamSlots } from './stream-slots.js';
import { TimerSet } from './timer-set.js';
import type { Connection, Transport } from './transport.js';

export interface ShareRunOptions {
  share: WorkerShare;
  split?: SplitSettings;
  stream: StreamSettings;
  transport: Transport;
  buildMessage: MessageFactory;
  /** Metadata values with templates, rendered for each stream as it opens (laid over the call's metadata). */
  streamMetadata?: MetadataFactory;
  /** The method's kind: how each call (stream) sends and what its responses answer; default bidi. */
  kind?: CallKind;
  snapshotIntervalMs: number;
  drainTimeoutMs: number;
  connectTimeoutMs: number;
  /** Applied to every error detail before it is counted (secret metadata values out). */
  redactDetails?: (details: string) => string;
  onSnapshot(snapshot: IntervalSnapshot): void;
  /** A flow (stream.flow), compiled with the recorder it counts into: its streams run it instead of one answer per request. */
  flow?: { program: FlowProgram; recorder: FlowRecorder };
}

/** How often the active-stream schedule is re-read, ms. */
const STREAM_SCHEDULE_TICK_MS = 100;

/**
 * One worker's share of the run: connects, opens its streams into their slots (StreamSlots),
 * hands out the message budget (SendBudget), paces the open model (OpenModelPacer) and records
 * what happens (ShareRecorder), posting a snapshot every interval and the result at the end.
 *
 * Closed model: each stream sends when its window frees. Open model: requests are due on the
 * share's rate schedule and go out on streams with room, as the pacer decides.
 */
export class ShareRun implements StreamOwner {
  private readonly connections: Connection[] = [];
  private readonly slots: StreamSlots<DrivenStream>;
  /** The slots' open streams (the same Set). */
  private readonly streams: Set<DrivenStream>;
  private readonly budget: SendBudget<DrivenStream>;
  private readonly recorder: ShareRecorder;
  /** The recorder's counters, counted into directly on the hot path. */
  private readonly counters: WorkerCounters;
  private readonly pacer: OpenModelPacer<DrivenStream> | undefined;
  private readonly timers = new TimerSet();
  /** Slots that should hold a stream now: all of them, or what the active-stream schedule asks for. */
  private activeSlotTarget: number;
  private monitor: GeneratorMonitor | undefined;
  /** Calls (streams) this share may still open: load.calls' share, Infinity without it. */
  private callsLeft: number;
  /** Calls (streams) this share opened so far. */
  private callsOpened = 0;
  /** The first calls still to be skipped (share.skipCalls, ghz's --skipFirst), and the skipped calls still open. */
  private skipLeft: number;
  private readonly skipped = new WeakSet<DrivenStream>();
  /** A skipped call's owner: it runs and ends like any call, but nothing it sends or receives is counted. */
  private readonly skippedCallOwner: StreamOwner = {
    measureFromMs: Infinity,
    takeSend: (driver) => this.takeSend(driver),
    countSent: () => {},
    recordResponse: () => {},
    countResponse: () => {},
    countUnmatched: () => {},
    streamHasRoom: (driver) => this.streamHasRoom(driver),
    streamEnded: (driver, outcome) => this.streamEnded(driver, outcome),
  };
  private sending = true;
  private stoppedEarly = false;
  private activeConnections = 0;
  /** Each connection's last peer address, by index (one entry per connection of the share). */
  private readonly connectionAddresses: Array<string | undefined> = [];
  /** This interval's connection events, at most MAX_CONNECTION_EVENTS. */
  private connectionEvents: ConnectionEvent[] = [];
  private peakActiveConnections = 0;
  private snapshotIndex = 0;
  private loadStartedAtMs = 0;
  private sendingEndedAtMs = 0;
  /**
   * The end of the warm-up, clock ms: what is sent from then on is measured. Infinity until the
   * load starts and, with a warm-up, until endWarmup has closed the warm-up's last interval.
   */
  measureFromMs = Infinity;
  private lastSnapshotAtMs = 0;
  private stopSnapshots: (() => void) | undefined;
  private finish: ((result: WorkerResult) => void) | undefined;

  constructor(private readonly options: ShareRunOptions) {
    const { share } = options;
    this.slots = new StreamSlots({
      slots: share.streams,
      connections: share.connections,
      maxStreamsPerConnection: share.maxStreamsPerConnection,
      firstStreamId: share.firstStreamId,
      streamIdStride: share.streamIdStride,
    });
    this.streams = this.slots.open;
    this.budget = new SendBudget(share.messageBudget, () => this.stopSending());
    this.recorder = new ShareRecorder({ uncorrected: share.rateSchedule !== undefined, labelled: Boolean(options.split), redactDetails: options.redactDetails });
    this.counters = this.recorder.counters;
    this.activeSlotTarget = share.streams;
    this.callsLeft = share.callBudget ?? Infinity;
    this.skipLeft = share.skipCalls ?? 0;
    if (share.rateSchedule) {
      this.pacer = new OpenModelPacer({
        rateSchedule: share.rateSchedule,
        messageBudget: share.messageBudget,
        warmupMs: share.warmupMs,
        durationMs: share.durationMs,
        budget: this.budget,
        counters: this.counters,
        scheduleLagUs: this.recorder.scheduleLagUs,
        sendLagUs: this.recorder.sendLagUs,
        stopSending: () => this.stopSending(),
      });
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
      this.connections.push(transport.connect(i, { onReady: (address) => this.connectionReady(i, address), onLost: () => this.connectionLost(i) }));
    }
    // Streams start once every connection is ready (or its connect attempt has failed): a cold
    // connect must not count as request latency. Failed ones still get streams, which then
    // fail and are counted by status.
    await Promise.allSettled(this.connections.map((c) => c.whenReady(connectTimeoutMs)));
    // Stopped while connecting: the share has already finished, with nothing measured.
    if (!this.finish) return;
    // --start-at: every segment's workers begin at one wall-clock moment. performance.timeOrigin
    // + performance.now() is epoch ms on this thread's clock.
    if (share.startAtMs !== undefined) {
      const waitMs = share.startAtMs - (performance.timeOrigin + performance.now());
      if (waitMs > 0) await new Promise<void>((resolve) => this.timers.after(waitMs, resolve));
      if (!this.finish) return;
    }
    // Start-up (module loading, connecting) is not the generator's load: watch from here on.
    this.monitor = new GeneratorMonitor(share.workerId);
    const monitor = this.monitor;
    this.timers.after(generatorCountingFromMs(share.warmupMs), () => monitor.startCounting());
    this.loadStartedAtMs = performance.now();
    this.lastSnapshotAtMs = this.loadStartedAtMs;
    // The pacer's schedule counts its warm-up on the intended times, which never run late.
    this.pacer?.loadStarted(this.loadStartedAtMs, this.loadStartedAtMs + share.warmupMs);
    if (share.warmupMs > 0) this.timers.after(share.warmupMs, this.endWarmup);
    else this.measureFromMs = this.loadStartedAtMs;
    this.stopSnapshots = this.timers.every(this.options.snapshotIntervalMs, this.takeSnapshot);
    // The open model stops at its deadline from its own timer (see OpenModelPacer).
    if (share.durationMs !== undefined && !this.pacer) this.timers.after(share.durationMs, () => this.stopSending());
    if (this.options.stream.timeoutMs !== undefined) {
      this.timers.every(Math.max(Math.min(this.options.stream.timeoutMs / 4, 250), 5), this.expireOverdue);
    }
    if (this.options.flow) this.timers.every(this.options.flow.program.sweepMs, this.expireOverdueFlowRuns);
    if (share.streamSchedule) {
      this.activeSlotTarget = this.slotTargetAt(0);
      this.timers.every(STREAM_SCHEDULE_TICK_MS, this.followStreamSchedule);
    }
    // Never more streams than messages left to send: an empty stream would count as completed.
    for (let slot = 0; slot < this.activeSlotTarget && this.mayOpen(); slot++) if (this.slots.allowed(slot)) this.openStream(slot);
    if (this.pacer && this.sending) this.pacer.start();
    this.finishIfIdle();
  }

  /** Stop sending (run deadline, or a `stop` from the main thread), drain, then cancel. */
  stopSending(early = false): void {
    if (early) this.stoppedEarly = true;
    if (!this.sending) return;
    this.sending = false;
    this.sendingEndedAtMs = performance.now();
    this.monitor?.sendingStopped();
    // Open model: what fell due since the last tick joins the backlog; the backlog is what stays unsent.
    this.pacer?.stop(this.sendingEndedAtMs);
    for (const stream of this.streams) stream.stopSending();
    this.timers.after(this.options.drainTimeoutMs, this.cancelRemaining);
    this.finishIfIdle();
  }

  takeSend(driver?: DrivenStream): boolean {
    return this.sending && this.budget.take(driver);
  }

  countSent(sentAtMs: number): void {
    if (sentAtMs >= this.measureFromMs) this.counters.messagesSent++;
  }

  recordResponse(times: SendTimes, receivedAtMs: number, label: string | undefined): void {
    if (times.sentAtMs >= this.measureFromMs) this.recorder.recordResponse(times, receivedAtMs, label);
  }

  countResponse(times: SendTimes, receivedAtMs: number, label: string | undefined): void {
    if (times.sentAtMs >= this.measureFromMs) this.recorder.countResponse(times, receivedAtMs, label);
  }

  countUnmatched(): void {
    if (performance.now() < this.measureFromMs) return;
    this.recorder.countError('UNMATCHED_RESPONSE', 'a response matched no request in flight');
  }

  streamHasRoom(driver: DrivenStream): void {
    if (this.sending) this.pacer?.streamHasRoom(driver);
  }

  streamEnded(driver: DrivenStream, outcome: StreamOutcome): void {
    this.pacer?.streamEnded(driver);
    this.budget.release(driver);
    const { statusName, unanswered } = outcome;
    const slot = this.slots.ended(driver, statusName === 'OK' || outcome.received > 0);
    if (driver.measured) this.recorder.recordStreamEnd(outcome);
    else if (this.skipped.has(driver)) this.counters.callsSkipped++;
    else if (unanswered > 0) this.counters.messagesFailed += unanswered; // sent after warm-up on a warm-up stream
    // With the message or call budget spent there is nothing left to send: no new stream.
    if (this.mayOpen() && slot < this.activeSlotTarget) this.reopen(slot);
    this.finishIfIdle();
  }

  /** Whether a new stream (call) may open: sending, with messages and calls left. */
  private mayOpen(): boolean {
    return this.sending && this.budget.hasLeft && this.callsLeft > 0;
  }

  private reopen(slot: number): void {
    const waitMs = this.slots.reopenDelayMs();
    if (waitMs === 0) {
      this.openStream(slot);
      return;
    }
    this.timers.after(waitMs, () => {
      if (this.mayOpen() && !this.slots.isOpen(slot) && slot < this.activeSlotTarget) this.openStream(slot);
      this.finishIfIdle();
    });
  }

  private openStream(slot: number): void {
    const { share, stream, buildMessage } = this.options;
    this.callsLeft--;
    const streamId = this.slots.nextStreamId(slot);
    const connection = this.connections[this.slots.connectionOf(slot)]!;
    const selfPaced = this.pacer === undefined;
    const routed = routedMetadata(this.options.split, share.firstStreamId + slot);
    const rendered = this.options.streamMetadata?.({ workerId: share.workerId, streamId, messageIndex: 0 });
    const metadata = rendered ? { ...routed, ...rendered } : routed;
    const skip = this.skipLeft > 0;
    if (skip) this.skipLeft--;
    const owner = skip ? this.skippedCallOwner : this;
    const { flow } = this.options;
    const driver: DrivenStream = flow
      ? new FlowStreamDriver(connection, streamId, share.workerId, stream, flow.program, flow.recorder, owner, selfPaced, metadata, this.callsOpened++)
      : new StreamDriver(connection, streamId, share.workerId, stream, buildMessage, owner, selfPaced, metadata, this.options.kind, this.callsOpened++);
    if (skip) this.skipped.add(driver);
    else if (performance.now() >= this.measureFromMs) {
      driver.measured = true;
      this.counters.streamsOpened++;
    }
    if (selfPaced && stream.messages !== undefined) this.budget.reserve(driver, stream.messages);
    this.slots.opened(slot, driver);
    if (selfPaced) driver.start();
    else this.streamHasRoom(driver);
  }

  /**
   * Closes the warm-up's last interval and measures from this moment on, with the intervals
   * restarted here: no measured interval holds warm-up time, and nothing measured lands in a
   * warm-up interval (the timer fires a little after the planned end; the boundary is when it did).
   */
  private readonly endWarmup = (): void => {
    this.takeSnapshot();
    this.measureFromMs = instantAfter(this.lastSnapshotAtMs);
    this.lastSnapshotAtMs = this.measureFromMs;
    this.stopSnapshots?.();
    this.stopSnapshots = this.timers.every(this.options.snapshotIntervalMs, this.takeSnapshot);
    for (const driver of this.streams) {
      if (driver.measured || this.skipped.has(driver)) continue;
      driver.measured = true;
      this.counters.streamsOpened++;
    }
  };

  private readonly expireOverdue = (): void => {
    const timeoutMs = this.options.stream.timeoutMs!;
    const overdueBefore = performance.now() - timeoutMs;
    for (const driver of this.streams) if (driver.oldestSentAtMs <= overdueBefore) driver.expire(timeoutMs);
  };

  private readonly expireOverdueFlowRuns = (): void => {
    const now = performance.now();
    for (const driver of this.streams) driver.expireOverdue?.(now);
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
    for (let slot = 0; slot < target && this.mayOpen(); slot++) if (!this.slots.isOpen(slot) && this.slots.allowed(slot)) this.openStream(slot);
    for (const driver of this.streams) if (this.slots.slotHeldBy(driver) >= target) driver.stopSending();
  };

  private connectionReady(connection: number, address: string | undefined): void {
    this.counters.connectionsOpened++;
    this.activeConnections++;
    this.peakActiveConnections = Math.max(this.peakActiveConnections, this.activeConnections);
    this.connectionAddresses[connection] = address;
    this.noteConnection({ event: 'opened', connection, ...(address === undefined ? {} : { address }) });
  }

  private connectionLost(connection: number): void {
    this.counters.connectionsClosed++;
    this.activeConnections--;
    const address = this.connectionAddresses[connection];
    this.noteConnection({ event: 'closed', connection, ...(address === undefined ? {} : { address }) });
  }

  private noteConnection(event: ConnectionEvent): void {
    if (this.connectionEvents.length < MAX_CONNECTION_EVENTS) this.connectionEvents.push(event);
  }

  private readonly cancelRemaining = (): void => {
    for (const stream of this.streams) stream.cancel();
  };

  private readonly takeSnapshot = (): void => {
    const now = performance.now();
    let inFlight = 0;
    for (const stream of this.streams) inFlight += stream.inFlight;
    const snapshot = this.recorder.takeInterval({
      type: 'interval',
      workerId: this.options.share.workerId,
      index: this.snapshotIndex++,
      durationMs: now - this.lastSnapshotAtMs,
      endMs: this.sinceLoadStartMs(now),
      warmup: now < this.measureFromMs,
      activeStreams: this.streams.size,
      activeConnections: this.activeConnections,
      ...(this.connectionEvents.length ? { connectionEvents: this.connectionEvents } : {}),
      inFlight,
      heapUsedBytes: process.memoryUsage().heapUsed,
      eventLoopUtilization: this.monitor?.intervalUtilization() ?? 0,
      // Before the recorder closes its interval: the flow's match latencies are the run's latencies (recorded once, there).
      ...(this.options.flow ? { flow: this.options.flow.recorder.takeInterval(this.recorder) } : {}),
      ...(this.options.flow?.program.versions ? { flowVersions: this.options.flow.program.versions.takeInterval() } : {}),
    });
    this.lastSnapshotAtMs = now;
    this.connectionEvents = [];
    this.options.onSnapshot(snapshot);
  };

  /** 0 when the load never started (the share was stopped while connecting). */
  private sinceLoadStartMs(atMs: number): number {
    return this.loadStartedAtMs === 0 ? 0 : atMs - this.loadStartedAtMs;
  }

  private finishIfIdle(): void {
    if (!this.finish || this.streams.size > 0) return;
    if (this.mayOpen()) {
      // Between stream generations (a back-off) or with every slot scheduled off: keep going.
      return;
    }
    if (this.sending) this.sendingEndedAtMs = performance.now();
    this.sending = false;
    this.timers.clear();
    this.pacer?.halt();
    for (const connection of this.connections) connection.close();
    this.takeSnapshot();
    const finish = this.finish;
    this.finish = undefined;
    const { scheduleLagP99Ms, refusedStreams, ...recorded } = this.recorder.result();
    finish({
      workerId: this.options.share.workerId,
      ...(this.loadStartedAtMs === 0 ? {} : { loadStartedAtEpochMs: performance.timeOrigin + this.loadStartedAtMs }),
      ...recorded,
      unsentAtStop: this.pacer?.unsent ?? 0,
      ...(this.pacer ? { messagesScheduled: this.pacer.scheduled } : {}),
      generator: { ...(this.monitor ?? new GeneratorMonitor(this.options.share.workerId)).finish(), scheduleLagP99Ms },
      peakActiveConnections: this.peakActiveConnections,
      peakActiveStreams: this.slots.peakOpen,
      concurrency: { heldBackStreams: this.slots.heldBack(), peakStreamsPerConnection: this.slots.peakStreamsPerConnection, refusedStreams },
      elapsedMs: this.sinceLoadStartMs(performance.now()),
      sendingMs: this.sinceLoadStartMs(this.sendingEndedAtMs),
      snapshotCount: this.snapshotIndex,
      stoppedEarly: this.stoppedEarly,
      ...(this.options.flow ? { flow: this.options.flow.recorder.result() } : {}),
      ...(this.options.flow?.program.versions ? { flowVersions: this.options.flow.program.versions.result() } : {}),
    });
    this.recorder.dispose();
    this.options.flow?.recorder.dispose();
    this.options.flow?.program.versions?.dispose();
  }
}

/** The next instant after `ms` the clock can tell apart: every send stamped so far is before it (clock ms are > 0). */
function instantAfter(ms: number): number {
  return ms * (1 + Number.EPSILON);
}
