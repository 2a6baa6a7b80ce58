import { performance } from 'node:perf_hooks';
import type { MemorySample } from '../stats/memory-growth.js';

/** One reading from a probe; either figure may be missing. */
export interface MemoryReading {
  rssBytes?: number;
  heapBytes?: number;
}

/** Reads the target's memory once; undefined means "no reading this time". */
export type MemoryProbe = () => Promise<MemoryReading | undefined>;

export interface MemorySamplerOptions {
  /** Time between probes, in milliseconds; default 500. */
  intervalMs?: number;
  /** Clock in milliseconds; default performance.now. Sample times are relative to start(). */
  nowMs?: () => number;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 500;

/**
 * Polls a memory probe on an unref'd timer (it never keeps the process alive) and keeps
 * the readings as MemorySample series, `tMs` being when the probe began, counted from
 * start(). At most one probe
 * runs at a time: a tick that comes while the previous probe is still running is
 * skipped. A probe that rejects, or resolves without a reading, is counted in
 * `failedProbes` and otherwise ignored.
 */
export class MemorySampler {
  private readonly intervalMs: number;
  private readonly nowMs: () => number;
  private readonly rss: MemorySample[] = [];
  private readonly heap: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private originMs = 0;
  private stopping: Promise<void> | undefined;
  private failures = 0;
  private skipped = 0;

  constructor(
    private readonly probe: MemoryProbe,
    options: MemorySamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
    if (!(this.intervalMs > 0) || !Number.isFinite(this.intervalMs)) {
      throw new RangeError(`intervalMs must be a finite number > 0, got ${this.intervalMs}`);
    }
    this.nowMs = options.nowMs ?? (() => performance.now());
  }

  /** Takes the first sample now, then one every intervalMs. Calling it again does nothing. */
  start(): void {
    if (this.timer !== undefined || this.stopping !== undefined) return;
    this.originMs = this.nowMs();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer, waits for a running probe, then takes one final sample. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.timer !== undefined) clearInterval(this.timer);
      const wasStarted = this.timer !== undefined;
      this.timer = undefined;
      await this.inFlight;
      if (wasStarted) await this.sample();
    })();
    return this.stopping;
  }

  /** The clock's reading (nowMs) at start(): sample times count from it. */
  get startedAtMs(): number {
    return this.originMs;
  }

  /** Resident set size samples so far, oldest first (a copy). */
  rssSamples(): MemorySample[] {
    return [...this.rss];
  }

  /** Heap samples so far, oldest first (a copy); empty if the probe never reports heap. */
  heapSamples(): MemorySample[] {
    return [...this.heap];
  }

  /** Probes that rejected or resolved without a reading. */
  get failedProbes(): number {
    return this.failures;
  }

  /** Ticks skipped because the previous probe was still running. */
  get skippedTicks(): number {
    return this.skipped;
  }

  private tick(): void {
    if (this.inFlight !== undefined) {
      this.skipped += 1;
      return;
    }
    this.inFlight = this.sample().finally(() => {
      this.inFlight = undefined;
    });
  }

  private async sample(): Promise<void> {
    const tMs = this.nowMs() - this.originMs;
    let reading: MemoryReading | undefined;
    try {
      reading = await this.probe();
    } catch {
      reading = undefined;
    }
    const rssBytes = reading?.rssBytes;
    const heapBytes = reading?.heapBytes;
    if (rssBytes === undefined && heapBytes === undefined) {
      this.failures += 1;
      return;
    }
    if (rssBytes !== undefined) this.rss.push({ tMs, bytes: rssBytes });
    if (heapBytes !== undefined) this.heap.push({ tMs, bytes: heapBytes });
  }
}
