import { performance } from 'node:perf_hooks';
import type { MessageFactory, TemplateContext } from '../scenario/compile-message-template.js';
import type { StreamSettings } from '../types/worker-protocol.js';
import type { CallKind } from '../types/call-kind.js';
import { InOrderPending, KeyedPending, WholeCallPending, type PendingRequests, type SendTimes } from './pending-requests.js';
import type { BidiStream, Connection, StreamEvents } from './transport.js';

/** What the run that owns a stream asks of it: a StreamDriver, or a FlowStreamDriver for a flow. */
export interface DrivenStream {
  readonly streamId: number;
  readonly openedAtMs: number;
  /** Whether this stream counts in the statistics (opened or alive after warm-up). */
  measured: boolean;
  /** Requests (flow runs, for a flow) under way. */
  readonly inFlight: number;
  readonly oldestSentAtMs: number;
  start(): void;
  hasRoom(): boolean;
  sendScheduled(intendedAtMs: number): void;
  stopSending(): void;
  cancel(): void;
  expire(timeoutMs: number): void;
  /** A flow's streams: ends the flow runs whose await is past its `within` (clock ms). */
  expireOverdue?(nowMs: number): void;
}

/** What a stream asks of the run that owns it. */
export interface StreamOwner {
  /** Statistics count only requests sent at or after this time (the end of the warm-up). */
  readonly measureFromMs: number;
  /** Closed model: true while the run may send (it took one message from the budget). */
  takeSend(driver: DrivenStream): boolean;
  countSent(sentAtMs: number): void;
  recordResponse(times: SendTimes, receivedAtMs: number, label: string | undefined): void;
  /** A measured response whose latency the stream's flow recorder keeps (its step histogram), counted without recording it again. */
  countResponse(times: SendTimes, receivedAtMs: number, label: string | undefined): void;
  countUnmatched(): void;
  /** Open model: the stream can take another scheduled request. */
  streamHasRoom(driver: DrivenStream): void;
  streamEnded(driver: DrivenStream, outcome: StreamOutcome): void;
}

export interface StreamOutcome {
  statusName: string;
  details: string;
  /** Requests never answered on this stream, counting only those sent after the warm-up. */
  unanswered: number;
  /** Responses received on this stream (0 = it never got going). */
  received: number;
  cancelledByUs: boolean;
  /** Server streaming: the client ended the call on purpose (after its responses or lifetime); counted OK. */
  endedByClient: boolean;
  openedAtMs: number;
  endedAtMs: number;
  /** Time from the stream's first request to its first response, ms; undefined without one. */
  firstResponseMs: number | undefined;
  /**
   * When the call began, for its whole-call latency: its first request's due time in the open
   * model (coordinated omission), its opening in the closed model.
   */
  callStartedAtMs: number;
}

/**
 * Hands a stream's outcome to its owner, finished here: `endedAtMs` is now, and a call that never had a request due
 * (`callStartedAtMs` NaN) started when it opened. `deadlineDetails`: the client ended the stream for a deadline of its
 * own (stream.timeout, a flow step's `within` with onTimeout: reopen), so it ends DEADLINE_EXCEEDED with these details
 * whatever status the cancellation brought, and is not counted as cancelled by the client. Completes the object it is
 * given (built by the driver with `endedAtMs` NaN): one object per stream end.
 */
export function reportStreamEnd(owner: StreamOwner, driver: DrivenStream, outcome: StreamOutcome, deadlineDetails: string | undefined): void {
  outcome.endedAtMs = performance.now();
  if (Number.isNaN(outcome.callStartedAtMs)) outcome.callStartedAtMs = outcome.openedAtMs;
  if (deadlineDetails !== undefined) {
    outcome.statusName = 'DEADLINE_EXCEEDED';
    outcome.details = deadlineDetails;
    outcome.cancelledByUs = false;
  }
  owner.streamEnded(driver, outcome);
}

const scratchTimes: SendTimes = { intendedAtMs: 0, sentAtMs: 0 };

/**
 * Drives one call, a stream of any kind. Closed model (`selfPaced`): keeps up to `window` requests in flight
 * and pauses `intervalMs` between sends. Open model: the owner's schedule calls `sendScheduled`
 * while `hasRoom()`. Either way the stream half-closes when its message count or lifetime is
 * reached (or the run stops sending), and reports its outcome once the server ends it.
 *
 * By kind: unary, server and client streaming half-close with their last request (unary and
 * server streaming send one). A client-streaming response answers all the call's requests and
 * counts from the first; a server-streaming call's first response counts from its request, each
 * later one from the response before it (the gap between messages).
 */
export class StreamDriver implements StreamEvents, DrivenStream {
  private readonly stream: BidiStream;
  private readonly pending: PendingRequests;
  private readonly context: TemplateContext;
  readonly openedAtMs = performance.now();
  private firstSentAtMs = 0;
  private callStartedAtMs = NaN;
  /** Server streaming: when the last response arrived (the next one's latency counts from it). */
  private lastResponseAtMs = NaN;
  /** Not bidi: the last request goes out with the half-close. */
  private readonly halfClosesWithLast: boolean;
  private readonly streamsResponses: boolean;
  private firstResponseMs: number | undefined;
  private sent = 0;
  private received = 0;
  private halfClosed = false;
  private backpressured = false;
  private cancelledByUs = false;
  private endedByClient = false;
  /** Server streaming: ends the call at `stream.durationMs` (apart from the send timers, which the request clears). */
  private callEndTimer: NodeJS.Timeout | undefined;
  private expiredAfterMs: number | undefined;
  private ended = false;
  private readonly deadlineMs: number;
  private nextSendAtMs = 0;
  private sendTimer: NodeJS.Timeout | undefined;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  /** Set by the owner: whether this stream counts in the statistics (opened or alive after warm-up). */
  measured = false;

  constructor(
    connection: Connection,
    readonly streamId: number,
    workerId: number,
    private readonly settings: StreamSettings,
    private readonly buildMessage: MessageFactory,
    private readonly owner: StreamOwner,
    private readonly selfPaced: boolean,
    metadata?: Record<string, string>,
    kind: CallKind = 'bidi',
    callIndex = 0,
  ) {
    this.pending = kind === 'clientStreaming' ? new WholeCallPending() : settings.correlateBy === undefined ? new InOrderPending() : new KeyedPending();
    this.halfClosesWithLast = kind !== 'bidi';
    this.streamsResponses = kind === 'serverStreaming';
    this.context = { workerId, streamId, messageIndex: 0, callIndex };
    this.deadlineMs = settings.durationMs === undefined ? Infinity : this.openedAtMs + settings.durationMs;
    this.stream = connection.openStream(this, metadata);
    if (settings.durationMs !== undefined) {
      if (this.streamsResponses) this.callEndTimer = setTimeout(this.endOnPurpose, settings.durationMs);
      else this.lifetimeTimer = setTimeout(this.stopSending, settings.durationMs);
    }
  }

  /** Closed model: start sending. */
  start(): void {
    if (this.selfPaced) this.pump();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get oldestSentAtMs(): number {
    return this.pending.oldestSentAtMs();
  }

  /** Open model: whether a scheduled request can go out on this stream now. */
  hasRoom(): boolean {
    if (this.halfClosed || this.ended || this.backpressured || this.pending.size >= this.settings.window) return false;
    if (this.settings.messages !== undefined && this.sent >= this.settings.messages) {
      this.stopSending();
      return false;
    }
    return true;
  }

  /** Open model: send one request that was due at `intendedAtMs` (its latency counts from then). */
  sendScheduled(intendedAtMs: number): void {
    this.sendOne(intendedAtMs);
    if (this.settings.messages !== undefined && this.sent >= this.settings.messages) this.stopSending();
  }

  /** Stop sending: half-close now; responses to in-flight requests still count. */
  readonly stopSending = (): void => {
    if (this.halfClosed || this.ended) return;
    this.halfClosed = true;
    this.clearTimers();
    this.stream.halfClose();
  };

  /** Server streaming: the call has what it asked for (its responses, its lifetime); the client ends it, and it counts OK. */
  private readonly endOnPurpose = (): void => {
    if (this.ended || this.cancelledByUs || this.expiredAfterMs !== undefined) return;
    this.endedByClient = true;
    this.clearTimers();
    this.stream.cancel();
  };

  /** Drain time is over: cancel; what is still in flight is reported as in flight at stop. */
  cancel(): void {
    if (this.ended) return;
    this.cancelledByUs = true;
    this.clearTimers();
    this.stream.cancel();
  }

  /** A request went unanswered for `timeoutMs`: the stream ends as DEADLINE_EXCEEDED. */
  expire(timeoutMs: number): void {
    if (this.ended || this.expiredAfterMs !== undefined) return;
    this.expiredAfterMs = timeoutMs;
    this.clearTimers();
    this.stream.cancel();
  }

  onResponse(key: string | undefined, label: string | undefined): void {
    // Ended on purpose after its responses: what was already on the wire is not read (the http2 transport may still hand it over).
    if (this.endedByClient) return;
    if (!this.pending.take(key, scratchTimes)) {
      if (this.streamsResponses && this.received > 0) {
        this.recordNextMessage(label);
        return;
      }
      this.owner.countUnmatched();
      // Half-closed with every request answered: the stream has nothing left to wait for, and
      // a server that keeps answering must not hold the run until the drain timeout.
      if (this.halfClosed && this.pending.size === 0) this.cancel();
      return;
    }
    const now = performance.now();
    if (this.received++ === 0) this.firstResponseMs = now - this.firstSentAtMs;
    this.lastResponseAtMs = now;
    this.owner.recordResponse(scratchTimes, now, label);
    if (this.received === this.settings.receiveMessages) this.endOnPurpose();
    if (this.selfPaced) this.pump();
    else if (this.hasRoom()) this.owner.streamHasRoom(this);
  }

  /** Server streaming, after the first response: latency is the gap since the previous message. */
  private recordNextMessage(label: string | undefined): void {
    const now = performance.now();
    this.received++;
    scratchTimes.intendedAtMs = this.lastResponseAtMs;
    scratchTimes.sentAtMs = this.lastResponseAtMs;
    this.lastResponseAtMs = now;
    this.owner.recordResponse(scratchTimes, now, label);
    if (this.received === this.settings.receiveMessages) this.endOnPurpose();
  }

  onDrain(): void {
    this.backpressured = false;
    if (this.selfPaced) this.pump();
    else if (this.hasRoom()) this.owner.streamHasRoom(this);
  }

  onEnd(statusName: string, details: string): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    clearTimeout(this.callEndTimer);
    const unanswered = this.pending.countSentSince(this.owner.measureFromMs);
    this.pending.clear();
    // Ended on purpose: the cancellation's CANCELLED is the client's own doing, unless the server's status came first.
    const endedByClient = this.endedByClient && statusName === 'CANCELLED';
    reportStreamEnd(
      this.owner,
      this,
      {
        statusName: endedByClient ? 'OK' : statusName,
        details: endedByClient ? '' : details,
        unanswered,
        received: this.received,
        cancelledByUs: this.cancelledByUs,
        endedByClient,
        openedAtMs: this.openedAtMs,
        endedAtMs: NaN,
        firstResponseMs: this.firstResponseMs,
        callStartedAtMs: this.callStartedAtMs,
      },
      this.expiredAfterMs === undefined ? undefined : `no response within ${this.expiredAfterMs} ms (stream.timeout)`,
    );
  }

  private readonly pumpFromTimer = (): void => {
    this.sendTimer = undefined;
    this.pump();
  };

  /** Closed model: sends while the window has room; with an interval, one send per interval. */
  private pump(): void {
    if (this.halfClosed || this.ended || this.sendTimer) return;
    const { window, intervalMs, messages } = this.settings;
    // The clock is read here only for a lifetime or an interval; sendOne reads its own.
    const timed = intervalMs > 0 || this.deadlineMs !== Infinity;
    while (this.pending.size < window && !this.backpressured) {
      const now = timed ? performance.now() : 0;
      if ((messages !== undefined && this.sent >= messages) || now >= this.deadlineMs) {
        this.stopSending();
        return;
      }
      if (intervalMs > 0 && this.sent > 0 && now < this.nextSendAtMs) {
        this.sendTimer = setTimeout(this.pumpFromTimer, this.nextSendAtMs - now);
        return;
      }
      if (!this.owner.takeSend(this)) {
        this.stopSending();
        return;
      }
      this.nextSendAtMs = now + intervalMs;
      this.sendOne(NaN);
    }
  }

  /** `intendedAtMs` NaN (closed model): the request is due when it is sent. */
  private sendOne(intendedAtMs: number): void {
    this.context.messageIndex = this.sent;
    const message = this.buildMessage(this.context);
    const key = this.settings.correlateBy === undefined ? undefined : String(message[this.settings.correlateBy]);
    // Building the message is the generator's own work: the clock starts after it.
    const sentAtMs = performance.now();
    const dueAtMs = Number.isNaN(intendedAtMs) ? sentAtMs : Math.min(intendedAtMs, sentAtMs);
    if (this.sent++ === 0) {
      this.firstSentAtMs = sentAtMs;
      this.callStartedAtMs = Number.isNaN(intendedAtMs) ? this.openedAtMs : dueAtMs;
    }
    this.pending.add(key, dueAtMs, sentAtMs);
    this.owner.countSent(sentAtMs);
    if (this.halfClosesWithLast && this.settings.messages !== undefined && this.sent >= this.settings.messages) {
      // One write for the last request and the half-close (one DATA frame with END_STREAM on http2).
      this.halfClosed = true;
      this.clearTimers();
      this.stream.sendLast(message);
      return;
    }
    if (!this.stream.send(message)) this.backpressured = true;
  }

  private clearTimers(): void {
    if (this.sendTimer) clearTimeout(this.sendTimer);
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    this.sendTimer = undefined;
    this.lifetimeTimer = undefined;
  }
}
