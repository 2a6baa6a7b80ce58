/**
 * The share's message budget (`-n`, split over workers), and per-stream allowances carved out of
 * it. Closed model with a per-stream message count: each stream reserves its messages when it
 * opens, so N streams × M messages come out exactly however fast each one is, and a stream that
 * ends early gives back what it did not send. No clock, no I/O.
 *
 * @typeParam S the stream an allowance belongs to
 */
export class SendBudget<S> {
  /** Messages not yet taken nor reserved (Infinity: no budget). */
  remaining: number;
  private readonly allowance = new Map<S, number>();

  /**
   * @param total messages in all; undefined for no budget
   * @param onSpent called when a stream without an allowance finds the budget spent
   */
  constructor(total: number | undefined, private readonly onSpent: () => void) {
    this.remaining = total ?? Infinity;
  }

  /** Whether any message is left to send or to reserve. */
  get hasLeft(): boolean {
    return this.remaining > 0;
  }

  /**
   * Takes one message for `stream`: from its allowance when it has one (false once that is
   * spent), else from the budget (false, and `onSpent`, once that is spent).
   */
  take(stream: S | undefined): boolean {
    const reserved = stream === undefined ? undefined : this.allowance.get(stream);
    if (reserved !== undefined) {
      if (reserved <= 0) return false;
      this.allowance.set(stream!, reserved - 1);
      return true;
    }
    if (this.remaining <= 0) {
      this.onSpent();
      return false;
    }
    this.remaining--;
    return true;
  }

  /** Open model: one scheduled message went out (the schedule itself stops at the budget). */
  takeScheduled(): void {
    this.remaining--;
  }

  /** Reserves up to `messages` for `stream` when there is a finite budget; without one there is nothing to share out. */
  reserve(stream: S, messages: number): void {
    if (!Number.isFinite(this.remaining)) return;
    const reserved = Math.min(messages, this.remaining);
    this.remaining -= reserved;
    this.allowance.set(stream, reserved);
  }

  /** `stream` ended: what it reserved and did not send goes back to the budget. */
  release(stream: S): void {
    this.remaining += this.allowance.get(stream) ?? 0;
    this.allowance.delete(stream);
  }
}
