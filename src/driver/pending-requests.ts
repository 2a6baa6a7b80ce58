/**
 * Requests awaiting their response on one stream, each with its intended and actual send time
 * (performance.now(), ms; equal in the closed model). In order: responses match requests
 * first-in first-out. By key: a response names its request.
 */
export interface PendingRequests {
  readonly size: number;
  add(key: string | undefined, intendedAtMs: number, sentAtMs: number): void;
  /** Finds and removes the request this response answers; false if none matches. */
  take(key: string | undefined, into: SendTimes): boolean;
  /** Send time of the oldest request still waiting, or Infinity. */
  oldestSentAtMs(): number;
  /** How many waiting requests were sent at or after `ms`. */
  countSentSince(ms: number): number;
  clear(): void;
}

/** Filled by `take`, so matching a response allocates nothing. */
export interface SendTimes {
  intendedAtMs: number;
  sentAtMs: number;
}

/** A growable ring buffer: FIFO without Array#shift's O(n) copies. */
export class InOrderPending implements PendingRequests {
  private intended = new Float64Array(8);
  private sent = new Float64Array(8);
  private head = 0;
  size = 0;

  add(_key: string | undefined, intendedAtMs: number, sentAtMs: number): void {
    if (this.size === this.sent.length) this.grow();
    const at = (this.head + this.size) % this.sent.length;
    this.intended[at] = intendedAtMs;
    this.sent[at] = sentAtMs;
    this.size++;
  }

  take(_key: string | undefined, into: SendTimes): boolean {
    if (this.size === 0) return false;
    into.intendedAtMs = this.intended[this.head]!;
    into.sentAtMs = this.sent[this.head]!;
    this.head = (this.head + 1) % this.sent.length;
    this.size--;
    return true;
  }

  oldestSentAtMs(): number {
    return this.size ? this.sent[this.head]! : Infinity;
  }

  countSentSince(ms: number): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.sent[(this.head + i) % this.sent.length]! >= ms) n++;
    return n;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const length = this.sent.length;
    const intended = new Float64Array(length * 2);
    const sent = new Float64Array(length * 2);
    for (let i = 0; i < this.size; i++) {
      intended[i] = this.intended[(this.head + i) % length]!;
      sent[i] = this.sent[(this.head + i) % length]!;
    }
    this.intended = intended;
    this.sent = sent;
    this.head = 0;
  }
}

export class KeyedPending implements PendingRequests {
  private readonly intended = new Map<string, number>();
  private readonly sent = new Map<string, number>();

  get size(): number {
    return this.sent.size;
  }

  add(key: string | undefined, intendedAtMs: number, sentAtMs: number): void {
    this.intended.set(key ?? '', intendedAtMs);
    this.sent.set(key ?? '', sentAtMs);
  }

  take(key: string | undefined, into: SendTimes): boolean {
    const k = key ?? '';
    const sentAtMs = this.sent.get(k);
    if (sentAtMs === undefined) return false;
    into.sentAtMs = sentAtMs;
    into.intendedAtMs = this.intended.get(k)!;
    this.sent.delete(k);
    this.intended.delete(k);
    return true;
  }

  /** Maps iterate in insertion order, so the first entry is the oldest. */
  oldestSentAtMs(): number {
    for (const sentAtMs of this.sent.values()) return sentAtMs;
    return Infinity;
  }

  countSentSince(ms: number): number {
    let n = 0;
    for (const sentAtMs of this.sent.values()) if (sentAtMs >= ms) n++;
    return n;
  }

  clear(): void {
    this.sent.clear();
    this.intended.clear();
  }
}

/**
 * Client streaming: every request of the call waits for the one response, which answers them
 * all. Only the first request's times are kept (the call's latency counts from it) and a count:
 * memory stays constant however many requests a call sends.
 */
export class WholeCallPending implements PendingRequests {
  private intendedAtMs = 0;
  private sentAtMs = Infinity;
  size = 0;

  add(_key: string | undefined, intendedAtMs: number, sentAtMs: number): void {
    if (this.size++ > 0) return;
    this.intendedAtMs = intendedAtMs;
    this.sentAtMs = sentAtMs;
  }

  /** The response answers the whole call: every waiting request is taken. */
  take(_key: string | undefined, into: SendTimes): boolean {
    if (this.size === 0) return false;
    into.intendedAtMs = this.intendedAtMs;
    into.sentAtMs = this.sentAtMs;
    this.clear();
    return true;
  }

  oldestSentAtMs(): number {
    return this.sentAtMs;
  }

  /** All of the call's requests or none: a call counts from its first request. */
  countSentSince(ms: number): number {
    return this.sentAtMs >= ms ? this.size : 0;
  }

  clear(): void {
    this.size = 0;
    this.sentAtMs = Infinity;
  }
}
