import { dueMessageCount, intendedTimeOf, scheduledMessageCount, type Schedule } from '../schedule/load-schedule.js';

/**
 * The open model's place in its rate schedule: messages 0 … `due` − 1 have fallen due, and
 * 0 … `sent` − 1 have gone out. Requests go out in schedule order, so the backlog — due, not
 * yet sent — is the range `sent` … `due` − 1 and each one's intended time is
 * intendedTimeOf(k): two numbers, however far the generator falls behind. No clock: the
 * caller passes the elapsed time.
 */
export class ScheduleBacklog {
  /** Messages taken so far; the next one to send is message `sent`. */
  sent = 0;
  /** Messages due as of the last `advance`. */
  due = 0;
  /** Messages in the schedule, at most the message budget (Infinity: no end). */
  readonly total: number;
  /** The first message due at or after the end of the warm-up. */
  private readonly firstMeasured: number;

  /**
   * @param budget at most this many messages in all (the share's message budget)
   * @param warmupMs messages due before this (ms from the start) are not counted as deferred
   */
  constructor(
    private readonly schedule: Schedule,
    budget = Infinity,
    warmupMs = 0,
  ) {
    this.total = Math.min(scheduledMessageCount(schedule), budget);
    let first = warmupMs > 0 ? dueMessageCount(schedule, warmupMs) : 0;
    while (first > 0 && intendedTimeOf(schedule, first - 1) >= warmupMs) first--;
    this.firstMeasured = first;
  }

  /** Due, not yet sent. */
  get waiting(): number {
    return this.due - this.sent;
  }

  /** Every message of the schedule has been sent. */
  get finished(): boolean {
    return this.sent >= this.total;
  }

  /** Brings `due` up to `elapsedMs` (never back); returns how many fell due. */
  advance(elapsedMs: number): number {
    const due = Math.min(dueMessageCount(this.schedule, elapsedMs), this.total);
    if (due <= this.due) return 0;
    const added = due - this.due;
    this.due = due;
    return added;
  }

  /** Takes the next waiting message (call only while `waiting` > 0); returns its intended time, ms from the start. */
  take(): number {
    return intendedTimeOf(this.schedule, this.sent++);
  }

  /** When the next message not yet due falls due, ms from the start; Infinity when none is left. */
  nextDueMs(): number {
    return this.due < this.total ? intendedTimeOf(this.schedule, this.due) : Infinity;
  }

  /** How many of the messages `from` … `to` − 1 fall due after the warm-up. */
  measuredBetween(from: number, to: number): number {
    return Math.max(0, to - Math.max(from, this.firstMeasured));
  }
}
