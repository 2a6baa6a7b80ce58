/** A share's timers, so that finishing clears every one of them and none keeps the worker alive. */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Calls `callback` once after `ms`. */
  after(ms: number, callback: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, ms);
    this.timers.add(timer);
  }

  /** Calls `callback` every `ms` until cleared, or until the returned function is called. */
  every(ms: number, callback: () => void): () => void {
    const timer = setInterval(callback, ms);
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  clear(): void {
    // clearTimeout also clears an interval.
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  get size(): number {
    return this.timers.size;
  }
}
