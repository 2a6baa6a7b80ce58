import { performance } from 'node:perf_hooks';
import type { IntervalSnapshot, WorkerResult } from '../types/worker-protocol.js';
import type { TimeSpan } from '../stats/memory-growth.js';

/**
 * Works out, on the main thread's clock, when the load ran: from the end of the warm-up until
 * sending stopped, while every worker was at it. Workers time everything from their own load
 * start (connections ready); snapshot durations add up to that worker time, and a snapshot
 * arrives no earlier than the worker time it ends at, so the earliest `arrival − worker time`
 * is the best estimate of where a worker's load started on this clock.
 */
export class LoadSpanTracker {
  /** Per worker: its snapshot durations so far, and the estimate of its load start. */
  private readonly workers = new Map<number, { elapsedMs: number; loadStartMs: number }>();

  constructor(
    private readonly warmupMs: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Call as each snapshot arrives; a worker's snapshots arrive in order. */
  noteSnapshot(snapshot: Pick<IntervalSnapshot, 'workerId' | 'durationMs'>): void {
    const arrivedAtMs = this.nowMs();
    const worker = this.workers.get(snapshot.workerId) ?? { elapsedMs: 0, loadStartMs: Infinity };
    worker.elapsedMs += snapshot.durationMs;
    worker.loadStartMs = Math.min(worker.loadStartMs, arrivedAtMs - worker.elapsedMs);
    this.workers.set(snapshot.workerId, worker);
  }

  /**
   * From the last worker's end of warm-up to the first worker's end of sending, on this clock;
   * empty (fromMs > toMs) when they do not overlap, undefined when no snapshot arrived.
   */
  span(results: ReadonlyArray<Pick<WorkerResult, 'workerId' | 'sendingMs'>>): TimeSpan | undefined {
    let fromMs = -Infinity;
    let toMs = Infinity;
    for (const result of results) {
      const worker = this.workers.get(result.workerId);
      if (!worker) continue;
      fromMs = Math.max(fromMs, worker.loadStartMs + this.warmupMs);
      toMs = Math.min(toMs, worker.loadStartMs + result.sendingMs);
    }
    return fromMs === -Infinity ? undefined : { fromMs, toMs };
  }
}
