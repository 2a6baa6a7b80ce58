/**
 * Send times (performance.now(), ms) of requests awaiting their response on one stream.
 * In order: responses match requests first-in first-out. By key: a response names its request.
 */
export interface PendingRequests {
  readonly size: number;
  add(key: string | undefined, sentAtMs: number): void;
  /** The send time of the request this response answers, or undefined if none matches. */
  take(key: string | undefined): number | undefined;
  clear(): void;
}

/** A growable ring buffer: FIFO without Array#shift's O(n) copies. */
export class InOrderPending implements PendingRequests {
  private times = new Float64Array(8);
  private head = 0;
  size = 0;

  add(_key: string | undefined, sentAtMs: number): void {
    if (this.size === this.times.length) this.grow();
    this.times[(this.head + this.size) % this.times.length] = sentAtMs;
    this.size++;
  }

  take(): number | undefined {
    if (this.size === 0) return undefined;
    const value = this.times[this.head]!;
    this.head = (this.head + 1) % this.times.length;
    this.size--;
    return value;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const bigger = new Float64Array(this.times.length * 2);
    for (let i = 0; i < this.size; i++) bigger[i] = this.times[(this.head + i) % this.times.length]!;
    this.times = bigger;
    this.head = 0;
  }
}

export class KeyedPending implements PendingRequests {
  private readonly times = new Map<string, number>();

  get size(): number {
    return this.times.size;
  }

  add(key: string | undefined, sentAtMs: number): void {
    this.times.set(key ?? '', sentAtMs);
  }

  take(key: string | undefined): number | undefined {
    const k = key ?? '';
    const value = this.times.get(k);
    if (value !== undefined) this.times.delete(k);
    return value;
  }

  clear(): void {
    this.times.clear();
  }
}
