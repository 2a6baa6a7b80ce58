import { performance } from 'node:perf_hooks';
import type { MessageFactory, TemplateContext } from '../scenario/compile-message-template.js';
import type { StreamSettings } from '../pool/worker-protocol.js';
import { InOrderPending, KeyedPending, type PendingRequests } from './pending-requests.js';
import type { BidiStream, Connection, StreamEvents } from './transport.js';

/** What a stream asks of the run that owns it. */
export interface StreamOwner {
  /** True while the run may send: not stopping, and it took one message from the budget. */
  takeSend(): boolean;
  recordResponse(latencyUs: number): void;
  countSent(): void;
  countUnmatched(): void;
  streamEnded(driver: StreamDriver, outcome: StreamOutcome): void;
}

export interface StreamOutcome {
  statusName: string;
  details: string;
  /** Requests never answered on this stream. */
  unanswered: number;
  /** Responses received on this stream (0 = it never got going). */
  received: number;
  cancelledByUs: boolean;
}

/**
 * Drives one bidi stream: keeps up to `window` requests in flight, pauses `intervalMs` between
 * sends, half-closes when its message count or duration is reached (or the run stops sending)
 * and reports its outcome once the server ends it.
 */
export class StreamDriver implements StreamEvents {
  private readonly stream: BidiStream;
  private readonly pending: PendingRequests;
  private readonly context: TemplateContext;
  private sent = 0;
  private received = 0;
  private halfClosed = false;
  private cancelledByUs = false;
  private ended = false;
  private readonly deadlineMs: number;
  private nextSendAtMs = 0;
  private sendTimer: NodeJS.Timeout | undefined;
  private lifetimeTimer: NodeJS.Timeout | undefined;

  constructor(
    connection: Connection,
    readonly streamId: number,
    workerId: number,
    private readonly settings: StreamSettings,
    private readonly buildMessage: MessageFactory,
    private readonly owner: StreamOwner,
  ) {
    this.pending = settings.correlateBy === undefined ? new InOrderPending() : new KeyedPending();
    this.context = { workerId, streamId, messageIndex: 0 };
    this.deadlineMs = settings.durationMs === undefined ? Infinity : performance.now() + settings.durationMs;
    this.stream = connection.openStream(this);
    if (settings.durationMs !== undefined) {
      this.lifetimeTimer = setTimeout(this.stopSending, settings.durationMs);
    }
    this.pump();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Stop sending: half-close now; responses to in-flight requests still count. */
  readonly stopSending = (): void => {
    if (this.halfClosed || this.ended) return;
    this.halfClosed = true;
    this.clearTimers();
    this.stream.halfClose();
  };

  /** Drain time is over: cancel, and what is still in flight is reported as such. */
  cancel(): void {
    if (this.ended) return;
    this.cancelledByUs = true;
    this.clearTimers();
    this.stream.cancel();
  }

  onResponse(key: string | undefined): void {
    const sentAtMs = this.pending.take(key);
    if (sentAtMs === undefined) {
      this.owner.countUnmatched();
      return;
    }
    this.received++;
    this.owner.recordResponse((performance.now() - sentAtMs) * 1000);
    this.pump();
  }

  onEnd(statusName: string, details: string): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    const unanswered = this.pending.size;
    this.pending.clear();
    this.owner.streamEnded(this, { statusName, details, unanswered, received: this.received, cancelledByUs: this.cancelledByUs });
  }

  private readonly pumpFromTimer = (): void => {
    this.sendTimer = undefined;
    this.pump();
  };

  /** Sends while the window has room; with an interval, one send per interval. */
  private pump(): void {
    if (this.halfClosed || this.ended || this.sendTimer) return;
    const { window, intervalMs, messages } = this.settings;
    while (this.pending.size < window) {
      const now = performance.now();
      if ((messages !== undefined && this.sent >= messages) || now >= this.deadlineMs) {
        this.stopSending();
        return;
      }
      if (intervalMs > 0 && this.sent > 0 && now < this.nextSendAtMs) {
        this.sendTimer = setTimeout(this.pumpFromTimer, this.nextSendAtMs - now);
        return;
      }
      if (!this.owner.takeSend()) {
        this.stopSending();
        return;
      }
      this.nextSendAtMs = now + intervalMs;
      this.sendOne();
    }
  }

  private sendOne(): void {
    this.context.messageIndex = this.sent;
    const message = this.buildMessage(this.context);
    const key = this.settings.correlateBy === undefined ? undefined : String(message[this.settings.correlateBy]);
    this.sent++;
    this.pending.add(key, performance.now());
    this.owner.countSent();
    this.stream.send(message);
  }

  private clearTimers(): void {
    if (this.sendTimer) clearTimeout(this.sendTimer);
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    this.sendTimer = undefined;
    this.lifetimeTimer = undefined;
  }
}
