/** A stream that failed before any response waits before re-opening: 10 ms, doubling, at most 1 s. */
export const REOPEN_BACKOFF_MS = { first: 10, max: 1000 };

export interface StreamSlotsOptions {
  /** The share's concurrent streams; a slot is one of them. */
  slots: number;
  connections: number;
  /** The server's concurrent-stream limit per connection (SETTINGS_MAX_CONCURRENT_STREAMS), if any. */
  maxStreamsPerConnection?: number;
  /** Ids of this share's first streams; each re-open of a slot moves its id one stride further. */
  firstStreamId: number;
  streamIdStride: number;
}

/**
 * The share's stream slots: which stream holds which slot, on which connection, under the
 * server's per-connection cap, and how long a slot waits before it re-opens after failures.
 * No clock, no I/O: the owner opens streams and runs the timers.
 *
 * @typeParam S the stream that holds a slot
 */
export class StreamSlots<S> {
  /** Streams open now, in the order they opened. */
  readonly open = new Set<S>();
  /** The most streams open at once on any one connection. */
  peakStreamsPerConnection = 0;
  /** The most streams open at once in the share. */
  peakOpen = 0;
  private readonly slotOf = new Map<S, number>();
  /** Streams opened so far per slot. */
  private readonly generations: number[];
  private readonly slotOpen: boolean[];
  private readonly openPerConnection: number[];
  private failuresInARow = 0;

  constructor(private readonly options: StreamSlotsOptions) {
    this.generations = new Array<number>(options.slots).fill(0);
    this.slotOpen = new Array<boolean>(options.slots).fill(false);
    this.openPerConnection = new Array<number>(options.connections).fill(0);
  }

  /** Slot s runs on connection s mod C. */
  connectionOf(slot: number): number {
    return slot % this.options.connections;
  }

  /**
   * Slot s is its connection's (⌊s/C⌋+1)-th stream: within the server's concurrent-stream
   * limit, or held back for the whole run.
   */
  allowed(slot: number): boolean {
    const limit = this.options.maxStreamsPerConnection;
    return limit === undefined || Math.floor(slot / this.options.connections) < limit;
  }

  /** Slots that never open because of the per-connection limit. */
  heldBack(): number {
    let held = 0;
    for (let slot = 0; slot < this.options.slots; slot++) if (!this.allowed(slot)) held++;
    return held;
  }

  isOpen(slot: number): boolean {
    return this.slotOpen[slot]!;
  }

  /** Stream ids are unique in the run: slot ids first, then one stride further per re-open. Counts the slot's next generation. */
  nextStreamId(slot: number): number {
    const { firstStreamId, streamIdStride } = this.options;
    return firstStreamId + slot + this.generations[slot]!++ * streamIdStride;
  }

  /** `stream` now holds `slot`. */
  opened(slot: number, stream: S): void {
    this.open.add(stream);
    this.slotOf.set(stream, slot);
    this.slotOpen[slot] = true;
    const onConnection = ++this.openPerConnection[this.connectionOf(slot)]!;
    this.peakStreamsPerConnection = Math.max(this.peakStreamsPerConnection, onConnection);
    this.peakOpen = Math.max(this.peakOpen, this.open.size);
  }

  /** The slot `stream` holds (call only while it is open). */
  slotHeldBy(stream: S): number {
    return this.slotOf.get(stream)!;
  }

  /**
   * `stream` ended; returns the slot it freed. `gotGoing` (it ended OK or had a response)
   * resets the re-open back-off; otherwise the back-off grows.
   */
  ended(stream: S, gotGoing: boolean): number {
    this.open.delete(stream);
    const slot = this.slotOf.get(stream)!;
    this.slotOf.delete(stream);
    this.slotOpen[slot] = false;
    this.openPerConnection[this.connectionOf(slot)]!--;
    this.failuresInARow = gotGoing ? 0 : this.failuresInARow + 1;
    return slot;
  }

  /** How long a freed slot waits before its next stream, ms: 0 unless the last streams failed in a row. */
  reopenDelayMs(): number {
    if (this.failuresInARow === 0) return 0;
    return Math.min(REOPEN_BACKOFF_MS.first * 2 ** (this.failuresInARow - 1), REOPEN_BACKOFF_MS.max);
  }
}
