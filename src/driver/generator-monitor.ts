import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { GeneratorHealth } from '../types/worker-protocol.js';

/** Sampling period of the delay monitor, ms; Node reports each sample including this period. */
const RESOLUTION_MS = 10;

/** A worker's first second of load is JIT compilation and connection set-up, not its steady load. */
export const GENERATOR_SETTLE_MS = 1000;

/**
 * When a worker's event-loop figures start counting, ms after its load started: once both the
 * warm-up and its first second are over (they overlap, they do not add up).
 */
export function generatorCountingFromMs(warmupMs: number): number {
  return Math.max(warmupMs, GENERATOR_SETTLE_MS);
}

/**
 * Watches the worker's own event loop: its utilisation (busy share ≈ thread CPU) and delay.
 * A busy, delayed loop means requests wait in the generator, inflating measured latency.
 * The run's figures count only from startCounting() until sendingStopped() (the drain is not
 * load); the per-interval utilisation and busyMs cover the whole load.
 */
export class GeneratorMonitor {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly start: EventLoopUtilization;
  private lastInterval: EventLoopUtilization;
  private countingSince: EventLoopUtilization | undefined;
  private countingSinceMs = 0;
  /** Where counting ended: set when sending stopped; the load is over, nothing more counts. */
  private countedUntil: { elu: EventLoopUtilization; atMs: number } | undefined;

  constructor(private readonly workerId: number) {
    this.delay.enable();
    this.start = performance.eventLoopUtilization();
    this.lastInterval = this.start;
  }

  /** From now on the delay histogram and the run's utilisation count; what came before is dropped. */
  startCounting(): void {
    if (this.countingSince || this.countedUntil) return;
    this.delay.reset();
    this.countingSince = performance.eventLoopUtilization();
    this.countingSinceMs = performance.now();
  }

  /** Sending has stopped: the figures end here (or never start, when counting had not begun). */
  sendingStopped(): void {
    if (this.countedUntil) return;
    this.delay.disable();
    this.countedUntil = { elu: performance.eventLoopUtilization(), atMs: performance.now() };
  }

  /** Utilisation since the previous call, 0..1. */
  intervalUtilization(): number {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.lastInterval);
    this.lastInterval = now;
    return delta.utilization;
  }

  finish(): GeneratorHealth {
    this.delay.disable();
    const now = performance.eventLoopUtilization();
    const run = performance.eventLoopUtilization(now, this.start);
    const busyMs = Math.round(run.active);
    // Never started counting, or no delay sample in the window (the load ended first): no figures to judge by.
    if (!this.countingSince || this.delay.count === 0) {
      return { workerId: this.workerId, eventLoopUtilization: 0, eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0, eventLoopDelayMeanMs: 0, busyMs, countedMs: 0 };
    }
    const until = this.countedUntil ?? { elu: now, atMs: performance.now() };
    const counted = performance.eventLoopUtilization(until.elu, this.countingSince);
    // Delay beyond the sampling period is what the loop was late by.
    const nsToMs = (ns: number): number => Math.max(0, Math.round(ns / 1e3) / 1e3 - RESOLUTION_MS);
    return {
      workerId: this.workerId,
      eventLoopUtilization: Math.round(counted.utilization * 1000) / 1000,
      eventLoopDelayP99Ms: nsToMs(this.delay.percentile(99)),
      eventLoopDelayMaxMs: nsToMs(this.delay.max),
      eventLoopDelayMeanMs: nsToMs(this.delay.mean),
      busyMs,
      countedMs: Math.round(until.atMs - this.countingSinceMs),
    };
  }
}
