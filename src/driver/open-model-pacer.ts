import { performance } from 'node:perf_hooks';
import { scheduleDurationMs, type Schedule } from '../schedule/load-schedule.js';
import { recordLatencyUs, type LatencyHistogram } from '../stats/latency-histogram.js';
import type { WorkerCounters } from '../types/worker-protocol.js';
import { ScheduleBacklog } from './schedule-backlog.js';
import type { SendBudget } from './send-budget.js';

/**
 * Open model: requests due by the deadline may still go out this long after it, ms. The tick
 * that sends the last of them can fire a timer period (1 ms or more) late; beyond this, sending
 * has stopped however far behind the generator is.
 */
export const SEND_GRACE_MS = 5;

/** What the pacer needs of a stream: room for another request, and a way to send it. */
export interface ScheduledStream {
  hasRoom(): boolean;
  /** Sends one request that was due at `intendedAtMs` (its latency counts from then). */
  sendScheduled(intendedAtMs: number): void;
}

export interface OpenModelPacerOptions {
  rateSchedule: Schedule;
  /** The share's message budget, if any: the schedule ends there. */
  messageBudget?: number;
  warmupMs: number;
  /** The run's duration, ms; without one, the schedule's own. */
  durationMs?: number;
  budget: SendBudget<unknown>;
  /** The recorder's counters: deferred sends count into `sendsDeferred`. */
  counters: WorkerCounters;
  /** How late newly due requests went out although a stream had room, µs. */
  scheduleLagUs: LatencyHistogram;
  /** How late requests from the backlog went out, µs. */
  sendLagUs: LatencyHistogram;
  /** Called once sending is over: the deadline and its grace passed, or the schedule is done. */
  stopSending(): void;
  /** The clock, ms; `performance` unless a test runs on fake time. */
  clock?: { now(): number };
}

/**
 * Open model: requests fall due on the share's rate schedule and go out on streams with room;
 * one that finds none waits in a backlog (counted as deferred) and its latency still counts from
 * when it was due. The backlog is a range of schedule positions, not a list, so memory and the
 * work per tick stay the same whatever the rate; sending stops at the run's duration, and
 * whatever is still waiting is unsent.
 */
export class OpenModelPacer<S extends ScheduledStream> {
  readonly backlog: ScheduleBacklog;
  /** Sending stops this long after the load started, ms. */
  private readonly deadlineMs: number;
  /** Streams that had room when last seen. */
  private readonly ready = new Set<S>();
  private readonly clock: { now(): number };
  private timer: NodeJS.Timeout | undefined;
  private loadStartedAtMs = 0;
  private measureFromMs = Infinity;
  private ticking = false;

  constructor(private readonly options: OpenModelPacerOptions) {
    const { rateSchedule, durationMs } = options;
    this.backlog = new ScheduleBacklog(rateSchedule, options.messageBudget, options.warmupMs);
    this.deadlineMs = durationMs ?? scheduleDurationMs(rateSchedule);
    this.clock = options.clock ?? performance;
  }

  /** The load started at `loadStartedAtMs` (clock time); statistics count from `measureFromMs`. */
  loadStarted(loadStartedAtMs: number, measureFromMs: number): void {
    this.loadStartedAtMs = loadStartedAtMs;
    this.measureFromMs = measureFromMs;
  }

  /** Starts the schedule's timer: sends what is due now and sleeps until the next one. */
  start(): void {
    this.ticking = true;
    this.sendDue();
  }

  /** A stream has room: it takes from the backlog first, and is kept for later ticks while room is left. */
  streamHasRoom(stream: S): void {
    if (this.backlog.waiting > 0) this.sendFromBacklog(stream);
    if (stream.hasRoom()) this.ready.add(stream);
  }

  private sendFromBacklog(stream: S): void {
    const backlog = this.backlog;
    while (backlog.waiting > 0 && stream.hasRoom()) {
      if (!this.sendNext(stream, backlog.due)) {
        this.options.stopSending();
        return;
      }
    }
    if (backlog.finished) this.options.stopSending();
  }

  streamEnded(stream: S): void {
    this.ready.delete(stream);
  }

  /**
   * Sending stopped at `stoppedAtMs`: what fell due since the last tick joins the backlog, and
   * the backlog is what stays unsent. Nothing falls due before the load starts.
   */
  stop(stoppedAtMs: number): void {
    this.halt();
    if (this.loadStartedAtMs === 0) return;
    const dueBefore = this.backlog.due;
    this.backlog.advance(Math.min(stoppedAtMs - this.loadStartedAtMs, this.deadlineMs));
    this.countDeferred(dueBefore);
  }

  /** Stops the timer only. */
  halt(): void {
    this.ticking = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * On its timer: sends what has fallen due while a stream has room, then sleeps until the next
   * request is due or the deadline. What finds no room stays in the backlog; a tick costs the
   * same however many requests are waiting.
   */
  private readonly sendDue = (): void => {
    this.timer = undefined;
    if (!this.ticking) return;
    const backlog = this.backlog;
    const elapsedMs = this.clock.now() - this.loadStartedAtMs;
    const dueBefore = backlog.due;
    backlog.advance(Math.min(elapsedMs, this.deadlineMs));
    const inTime = this.sendWaiting(dueBefore);
    this.countDeferred(dueBefore);
    const overMs = elapsedMs - this.deadlineMs;
    if (!inTime || backlog.finished || (overMs >= 0 && (backlog.waiting === 0 || overMs >= SEND_GRACE_MS))) {
      this.options.stopSending();
      return;
    }
    if (overMs >= 0) {
      // Nothing more falls due; what waits for a stream with room may still go out in the grace.
      this.timer = setTimeout(this.options.stopSending, SEND_GRACE_MS - overMs);
      return;
    }
    const nextMs = Math.min(backlog.nextDueMs(), this.deadlineMs);
    if (Number.isFinite(nextMs)) this.timer = setTimeout(this.sendDue, Math.max(nextMs - elapsedMs, 0));
  };

  /**
   * Requests that fell due after `dueBefore` (where the backlog ended before the last advance)
   * and have not gone out join the backlog: each is counted deferred once.
   */
  private countDeferred(dueBefore: number): void {
    const backlog = this.backlog;
    this.options.counters.sendsDeferred += backlog.measuredBetween(Math.max(backlog.sent, dueBefore), backlog.due);
  }

  /** Sends waiting requests in schedule order while ready streams have room; false once past the deadline and its grace. */
  private sendWaiting(dueBefore: number): boolean {
    const backlog = this.backlog;
    for (const stream of this.ready) {
      while (backlog.waiting > 0 && stream.hasRoom()) if (!this.sendNext(stream, dueBefore)) return false;
      if (!stream.hasRoom()) this.ready.delete(stream);
      if (backlog.waiting === 0) break;
    }
    return true;
  }

  /**
   * Sends the next request of the schedule (those before `dueBefore` come from the backlog);
   * false, sending nothing, once the deadline and its grace have passed.
   */
  private sendNext(stream: S, dueBefore: number): boolean {
    const backlog = this.backlog;
    const now = this.clock.now();
    if (now - this.loadStartedAtMs >= this.deadlineMs + SEND_GRACE_MS) return false;
    const fromBacklog = backlog.sent < dueBefore;
    const intendedAtMs = this.loadStartedAtMs + backlog.take();
    const lateUs = (now - intendedAtMs) * 1000;
    // Newly due with a stream that had room: any lateness is the generator's own (timer, message building).
    if (!fromBacklog) recordLatencyUs(this.options.scheduleLagUs, lateUs);
    else if (intendedAtMs >= this.measureFromMs) recordLatencyUs(this.options.sendLagUs, lateUs);
    this.options.budget.takeScheduled();
    stream.sendScheduled(intendedAtMs);
    return true;
  }

  /** Scheduled requests never sent. */
  get unsent(): number {
    return this.backlog.waiting;
  }

  /** Requests the schedule had due after the warm-up, until sending stopped. */
  get scheduled(): number {
    return this.backlog.measuredBetween(0, this.backlog.due);
  }
}
