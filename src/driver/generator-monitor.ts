import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { GeneratorHealth } from '../types/worker-protocol.js';

/** Sampling period of the delay monitor, ms; Node reports each sample including this period. */
const RESOLUTION_MS = 10;

/**
 * Watches the worker's own event loop: its utilisation (busy share ≈ thread CPU) and delay.
 * A busy, delayed loop means requests wait in the generator, inflating measured latency.
 */
export class GeneratorMonitor {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly start: EventLoopUtilization;
  private lastInterval: EventLoopUtilization;

  constructor(private readonly workerId: number) {
    this.delay.enable();
    this.start = performance.eventLoopUtilization();
    this.lastInterval = this.start;
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
    const run = performance.eventLoopUtilization(performance.eventLoopUtilization(), this.start);
    // Delay beyond the sampling period is what the loop was late by.
    const nsToMs = (ns: number): number => Math.max(0, Math.round(ns / 1e3) / 1e3 - RESOLUTION_MS);
    const count = this.delay.count;
    return {
      workerId: this.workerId,
      eventLoopUtilization: Math.round(run.utilization * 1000) / 1000,
      eventLoopDelayP99Ms: count ? nsToMs(this.delay.percentile(99)) : 0,
      eventLoopDelayMaxMs: count ? nsToMs(this.delay.max) : 0,
      eventLoopDelayMeanMs: count ? nsToMs(this.delay.mean) : 0,
      busyMs: Math.round(run.active),
    };
  }
}
